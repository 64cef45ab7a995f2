"""Regulator statistics: every figure equals a sum computed independently from the raw tables,
and no personal field is reachable from any endpoint a regulator may call."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from liubu.accounts.model import OrgKind, Role
from liubu.app import create_app
from liubu.bootstrap import Platform, bootstrap
from liubu.core import provinces
from liubu.demo import load_reference_products
from liubu.massissue import write_synthetic_csv
from tests.conftest import _drop_postgres_database, _fresh_postgres_database, test_settings
from tests.e2e.conftest import Api
from tests.integration.helpers import DECLARED, PASSWORD, make_tenant
from tests.integration.test_mass_import import _env

# Both tests read the same book (building it, with two CLI imports, is most of their time): it is
# built once per database kind and only read. The group gives the module to one xdist worker, so
# it is not built once per worker.
pytestmark = pytest.mark.xdist_group("statistics")

# Columns of the CSV export: each name (line, dimension, group) has its code beside it.
LINE, DIMENSION, NAME, KEY, POLICIES, PREMIUM, MERGED = 1, 3, 4, 5, 6, 8, 10
SOURCE = Path(__file__).resolve().parents[2] / "src" / "liubu"


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _names_from_the_data_files() -> dict[str, dict[str, dict[str, str]]]:
    """language → dimension → code → name, read from the standards' tables themselves."""

    def table(*parts: str) -> Any:
        return yaml.safe_load(SOURCE.joinpath(*parts).read_text("utf-8"))

    provinces = table("core", "data", "gbt2260.yaml")["provinces"]
    sections = table("core", "data", "gbt4754_2017.yaml")["sections"]
    types = table("products", "data", "product_types.yaml")["product_types"]
    return {
        lang: {
            "region": {p["code"]: p[lang] for p in provinces},
            "province": {p["code"]: p[lang] for p in provinces},
            "industry_section": {s["code"]: s[lang] for s in sections},
            "product_type": {t["code"]: t["name"][lang] for t in types},
        }
        for lang in ("zh", "en")
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def booked(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_admin: sa.Engine | None,
) -> Iterator[tuple[Platform, Api]]:
    """A platform with the reference catalogue, the book and a regulator, and a client to it."""
    folder = tmp_path_factory.mktemp(f"statistics-{request.param}")
    name = None
    if request.param == "sqlite":
        url = f"sqlite:///{(folder / 'liubu.db').as_posix()}"
    elif postgres_admin is None:
        pytest.skip("PostgreSQL is not reachable here (it is required on CI)")
    else:
        name, url = _fresh_postgres_database(postgres_admin)
    platform = bootstrap(test_settings(url, folder), upgrade_schema=True)
    try:
        load_reference_products(platform)
        _book(platform, folder)
        make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
        with TestClient(create_app(platform=platform)) as client:
            yield platform, Api(client)
    finally:
        platform.dispose()
        if name is not None and postgres_admin is not None:
            _drop_postgres_database(postgres_admin, name)


def _book(platform: Platform, tmp_path: Path) -> None:
    """Three bound enterprise policies (the fewest the statistics publish) and a few thousand
    anti-fraud policies."""
    for serial in (1, 2, 3):
        _bind_one(platform, serial, region_code="320500")
    people, others = tmp_path / "people.csv", tmp_path / "others.csv"
    write_synthetic_csv(people, 3000, seed=5, bad_fraction=0.02)
    write_synthetic_csv(others, 500, seed=6)
    _import(platform, people)
    # A second file overlapping the first: 1,000 persons already insured and 500 new ones. Only
    # the new ones may be counted (the dashboard keeps running totals as it imports).
    lines = people.read_text("utf-8").splitlines(keepends=True)
    more = tmp_path / "more.csv"
    more.write_text(
        "".join(lines[:1001] + others.read_text("utf-8").splitlines(keepends=True)[1:]), "utf-8"
    )
    _import(platform, more)


def _import(platform: Platform, path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "liubu",
            "policies",
            "import",
            str(path),
            "--product",
            "yangben-pc/anti-fraud@1",
            "--inception",
            "2026-12-01",
        ],
        env=_env(platform),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _independent(platform: Platform) -> dict[str, object]:
    """Sums in Python over every raw row."""
    with platform.engine.connect() as connection:
        policies = connection.execute(
            sa.text('SELECT annual_premium, "limit", period_start FROM policies')
        ).all()
        people = connection.execute(
            sa.text('SELECT premium, "limit", province FROM personal_policies')
        ).all()
    by_province: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for premium, limit, province in people:
        by_province[province][0] += Decimal(str(premium))
        by_province[province][1] += Decimal(str(limit))
    return {
        "enterprise": (
            len(policies),
            sum(Decimal(str(p[0])) for p in policies),
            sum(Decimal(str(p[1])) for p in policies),
        ),
        "personal": (
            len(people),
            sum(Decimal(str(p[0])) for p in people),
            sum(Decimal(str(p[1])) for p in people),
        ),
        "province_counts": Counter(p[2] for p in people),
        "province_money": by_province,
    }


def test_the_regulators_figures_equal_independent_sums(booked: tuple[Platform, Api]) -> None:
    platform, api = booked
    headers = api.headers("regulator-regulator_viewer")
    data = api.client.get("/api/statistics", headers=headers).json()
    truth = _independent(platform)
    for line in ("enterprise", "personal"):
        totals = data[line]["totals"]
        count, premium, insured = truth[line]  # type: ignore[misc]
        assert (totals["policies"], Decimal(totals["premium"]), Decimal(totals["sum_insured"])) == (
            count,
            premium,
            insured,
        )
    provinces = {r["key"]: r for r in data["personal"]["by"]["province"]}
    assert {k: r["policies"] for k, r in provinces.items()} == dict(truth["province_counts"])
    for key, (premium, insured) in truth["province_money"].items():  # type: ignore[attr-defined]
        assert Decimal(provinces[key]["premium"]) == premium
        assert Decimal(provinces[key]["sum_insured"]) == insured
    for dimension in ("product_type", "industry_section", "region", "month"):
        rows = data["enterprise"]["by"][dimension]
        assert sum(r["policies"] for r in rows) == truth["enterprise"][0]  # type: ignore[index]
    csv_rows = _csv_rows(api.client.get("/api/statistics.csv", headers=headers).text)
    (personal,) = [r for r in csv_rows if (r[LINE], r[DIMENSION]) == ("personal", "total")]
    assert personal[POLICIES] == str(truth["personal"][0])  # type: ignore[index]
    sheet = load_workbook(
        io.BytesIO(api.client.get("/api/statistics.xlsx", headers=headers).content)
    )
    assert sheet.sheetnames == ["企业险", "个人反诈险"]


def test_the_exports_name_provinces_sections_and_product_types_keeping_their_codes(
    booked: tuple[Platform, Api],
) -> None:
    platform, api = booked
    headers = api.headers("regulator-regulator_viewer")
    truth = _names_from_the_data_files()
    with platform.engine.connect() as connection:
        products = {
            ref: (zh, en, version)
            for ref, zh, en, version in connection.execute(
                sa.text("SELECT product_ref, name_zh, name_en, product_version FROM products")
            )
        }
    for lang, group in (("zh", "分组"), ("en", "Group")):
        answer = api.client.get("/api/statistics.csv", headers=headers, params={"lang": lang})
        heading, *rows = _csv_rows(answer.text)
        assert (heading[NAME], heading[KEY]) == (
            group,
            f"{group}代码" if lang == "zh" else "Group code",
        )
        named = {(r[DIMENSION], r[KEY]): r[NAME] for r in rows if r[DIMENSION] in truth[lang]}
        # the book's three enterprises are in Suzhou (320500), a Jiangsu prefecture
        assert named[("region", "32")] == truth[lang]["region"]["32"]
        assert {"region", "industry_section", "product_type", "province"} <= {d for d, _ in named}
        for (dimension, code), name in named.items():
            assert name == truth[lang][dimension][code], (dimension, code)
        # the anti-fraud product by its filed name and version, its reference beside it
        (product,) = [r for r in rows if (r[LINE], r[DIMENSION]) == ("personal", "product")]
        assert product[KEY] == "yangben-pc/anti-fraud@1"
        filed = products[product[KEY]]
        assert product[NAME] == (
            f"{filed[0]} 第 {filed[2]} 版" if lang == "zh" else f"{filed[1]} version {filed[2]}"
        )

        book = load_workbook(
            io.BytesIO(
                api.client.get(
                    "/api/statistics.xlsx", headers=headers, params={"lang": lang}
                ).content
            )
        )
        cells = {
            (row[1], row[3]): row[2]
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            if row and row[1] in truth[lang]
        }
        assert cells == named
    wrong = api.client.get("/api/statistics.csv", headers=headers, params={"lang": "fr"})
    assert wrong.status_code == 422

    # On the web, the export follows the language the regulator reads the site in.
    with TestClient(create_app(platform=platform)) as browser:
        login = browser.get("/login").text
        token = login.split('name="csrf_token" value="')[1].split('"')[0]
        browser.post(
            "/login",
            data={
                "username": "regulator-regulator_viewer",
                "password": PASSWORD,
                "csrf_token": token,
            },
        )
        for language, lang in (("zh_CN", "zh"), ("en", "en")):
            browser.get(f"/lang/{language}?next=/statistics")
            rows = _csv_rows(browser.get("/statistics.csv").text)
            (jiangsu,) = [
                r for r in rows if (r[LINE], r[DIMENSION], r[KEY]) == ("enterprise", "region", "32")
            ]
            assert jiangsu[NAME] == truth[lang]["region"]["32"]
            sheet = load_workbook(io.BytesIO(browser.get("/statistics.xlsx").content)).worksheets[0]
            assert (sheet["C1"].value, sheet["D1"].value) == (
                ("分组", "分组代码") if lang == "zh" else ("Group", "Group code")
            )


def test_no_personal_field_is_reachable_by_a_regulator(booked: tuple[Platform, Api]) -> None:
    platform, api = booked
    headers = api.headers("regulator-regulator_viewer")
    with platform.engine.connect() as connection:
        personal = connection.execute(
            sa.text(
                "SELECT name_masked, resident_id_masked, mobile_masked, resident_id_hash, "
                "mobile_hash, policy_key FROM personal_policies LIMIT 50"
            )
        ).all()
        insured = connection.execute(sa.text("SELECT number FROM policies")).scalars().all()
    forbidden = {value for row in personal for value in row} | set(insured)
    paths = api.client.get("/openapi.json").json()["paths"]
    reached = 0
    for path, operations in paths.items():
        if "get" not in operations or "{" in path:
            continue
        response = api.client.get(path, headers=headers)
        reached += 1
        leaked = [value for value in forbidden if value in response.text]
        assert not leaked, f"GET {path} shows {leaked[:3]} to a regulator"
    assert reached >= 10
    refused = api.client.get(
        "/api/statistics",
        headers=api.headers(
            make_tenant(platform, OrgKind.ENTERPRISE, "Nosy", Role.ENTERPRISE_USER).username
        ),
    )
    assert refused.status_code == 403


# Small cells (issue 13, item 8): six insureds made through the use cases, in three provinces of
# one, two and three insureds. Revenues differ so that every premium differs.
_REGIONS = (("110101", 1), ("310101", 2), ("440305", 3))


def _bind_one(platform: Platform, serial: int, *, region_code: str) -> None:
    """An enterprise of its own tenant, quoted for the SME product and bound."""
    import dataclasses

    from liubu.accounts import service as accounts
    from liubu.underwriting import lifecycle
    from tests.integration.helpers import facts
    from tests.integration.test_underwriting_lifecycle import SME, _insurer_principal

    buyer = make_tenant(platform, OrgKind.ENTERPRISE, f"Small {serial}", Role.ENTERPRISE_USER)
    revenue = Decimal(20_000_000 + serial * 7_000_000)
    with platform.uow(buyer.principal) as uow:
        enterprise = accounts.register_enterprise(
            uow,
            dataclasses.replace(
                facts(100 + serial), region_code=region_code, annual_revenue=revenue
            ),
        )
        uow.commit()
    with platform.uow(buyer.principal) as uow:
        (quote,) = lifecycle.request_quotes(uow, enterprise.id, products_wanted=[SME])
        uow.commit()
    if quote.status == "referred":
        with platform.uow(_insurer_principal(platform, Role.UNDERWRITER)) as uow:
            lifecycle.decide_referral(uow, quote.id, approve=True, reasons="Accepted for a test.")
            uow.commit()
    with platform.uow(buyer.principal) as uow:
        quote = uow.underwriting.quote(quote.id)
        lifecycle.bind(
            uow, quote.id, option_index=1, declarations=DECLARED, expected_version=quote.version
        )
        uow.commit()


def _premiums_by_province(platform: Platform) -> dict[str, list[Decimal]]:
    """The truth, from the raw tables: each bound policy's premium under its province."""
    with platform.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT e.region_code, p.annual_premium FROM policies p "
                "JOIN enterprises e ON e.id = p.enterprise_id"
            )
        ).all()
    found: dict[str, list[Decimal]] = defaultdict(list)
    for region_code, premium in rows:
        found[region_code[:2]].append(Decimal(str(premium)).quantize(Decimal("0.01")))
    return found


def test_cells_of_one_and_two_insureds_are_merged_in_all_four_outputs_and_three_is_shown(
    api: Api, platform: Platform
) -> None:
    load_reference_products(platform)
    serial = 0
    for region_code, insureds in _REGIONS:
        for _ in range(insureds):
            serial += 1
            _bind_one(platform, serial, region_code=region_code)
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    headers = api.headers(regulator.username)
    truth = _premiums_by_province(platform)
    assert sorted((k, len(v)) for k, v in truth.items()) == [("11", 1), ("31", 2), ("44", 3)]
    alone = truth["11"][0]  # the one insured of Beijing: never to be seen or worked out
    hidden = truth["11"] + truth["31"]

    data = api.client.get("/api/statistics", headers=headers).json()
    assert data["minimum_insureds"] == 3
    totals = data["enterprise"]["totals"]
    assert (totals["policies"], totals["insureds"]) == (6, 6)
    regions = {r["key"]: r for r in data["enterprise"]["by"]["region"]}
    assert set(regions) == {"44", "other"}
    assert Decimal(regions["44"]["premium"]) == sum(truth["44"])
    assert (regions["44"]["insureds"], regions["44"]["merged"]) == (3, 0)
    other = regions["other"]
    assert (other["insureds"], other["merged"], Decimal(other["premium"])) == (3, 2, sum(hidden))
    # Subtraction gives back the merged row, never one province: the total less every shown row
    # is a sum over three insureds.
    assert Decimal(totals["premium"]) - Decimal(regions["44"]["premium"]) == sum(hidden)
    for dimension, rows in data["enterprise"]["by"].items():
        assert all(r["insureds"] >= 3 for r in rows), dimension
    for premium in hidden:
        assert str(premium) not in api.client.get("/api/statistics", headers=headers).text

    csv_rows = _csv_rows(api.client.get("/api/statistics.csv", headers=headers).text)
    csv_regions = {
        r[KEY]: r for r in csv_rows if (r[LINE], r[DIMENSION]) == ("enterprise", "region")
    }
    assert set(csv_regions) == {"44", "other"}
    assert Decimal(csv_regions["other"][PREMIUM]) == sum(hidden)
    assert csv_regions["other"][MERGED] == "2"
    assert Decimal(csv_regions["44"][PREMIUM]) == sum(truth["44"])
    assert not any(str(premium) in r for r in csv_rows for premium in hidden)

    sheet = load_workbook(
        io.BytesIO(api.client.get("/api/statistics.xlsx", headers=headers).content)
    )["企业险"]
    # the sheet has the CSV's columns less the line's two
    cells = [row for row in sheet.iter_rows(values_only=True) if row and row[1] == "region"]
    assert {row[3] for row in cells} == {"44", "other"}
    merged = next(row for row in cells if row[3] == "other")
    assert (merged[5], merged[6], merged[8]) == (3, float(sum(hidden)), 2)
    values = {v for row in sheet.iter_rows(values_only=True) for v in row}
    assert not {float(alone), float(truth["31"][0]), float(truth["31"][1])} & values

    page = _regulator_page(api, regulator.username)
    assert 'data-testid="row-other"' in page
    region_table = page.split('data-testid="table-region"')[1].split("</table>")[0]
    # provinces by their GB/T 2260 names: 44 Guangdong shown, 11 Beijing and 31 Shanghai merged
    names = {p.code: p.zh for p in provinces()}
    assert f"<td>{names['44']}</td>" in region_table
    assert names["11"] not in region_table
    assert names["31"] not in region_table
    assert f"¥{float(sum(hidden)):,.0f}" in region_table
    for premium in hidden:
        assert f"¥{float(premium):,.0f}" not in page


def _regulator_page(api: Api, username: str) -> str:
    """The dashboard as the regulator's browser gets it, in English."""
    from tests.integration.helpers import PASSWORD

    login = api.client.get("/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    api.client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=True,
    )
    return api.client.get("/statistics").text


def test_a_line_of_fewer_than_three_insureds_is_withheld_everywhere(
    api: Api, platform: Platform
) -> None:
    load_reference_products(platform)
    _bind_one(platform, 1, region_code="110101")
    _bind_one(platform, 2, region_code="110101")
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    headers = api.headers(regulator.username)
    premiums = _premiums_by_province(platform)["11"]
    data = api.client.get("/api/statistics", headers=headers).json()
    assert data["enterprise"]["totals"]["withheld"] is True
    assert data["enterprise"]["totals"]["premium"] is None
    assert all(rows == [] for rows in data["enterprise"]["by"].values())
    csv_text = api.client.get("/api/statistics.csv", headers=headers).text
    (withheld,) = [
        r for r in _csv_rows(csv_text) if (r[LINE], r[DIMENSION]) == ("enterprise", "total")
    ]
    assert withheld[POLICIES : MERGED + 1] == ["<3", "<3", "<3", "<3", "0"]
    page = _regulator_page(api, regulator.username)
    for premium in premiums:
        assert str(premium) not in repr(data)
        assert str(premium) not in csv_text
        assert f"¥{float(premium):,.0f}" not in page
    assert f"¥{float(sum(premiums)):,.0f}" not in page
