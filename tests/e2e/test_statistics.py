"""Regulator statistics: every figure equals a sum computed independently from the raw tables,
and no personal field is reachable from any endpoint a regulator may call."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from liubu.accounts.model import OrgKind, Role
from liubu.app import create_app
from liubu.bootstrap import Platform, bootstrap
from liubu.demo import load_reference_products
from liubu.massissue import write_synthetic_csv
from tests.conftest import _drop_postgres_database, _fresh_postgres_database, test_settings
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.test_mass_import import _env
from tests.integration.test_underwriting_lifecycle import _offered

# Both tests read the same book (building it, with two CLI imports, is most of their time): it is
# built once per database kind and only read. The group gives the module to one xdist worker, so
# it is not built once per worker.
pytestmark = pytest.mark.xdist_group("statistics")


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
    """Two bound enterprise policies and a few thousand anti-fraud policies."""
    from liubu.underwriting import lifecycle

    for name in ("Alpha", "Beta"):
        buyer, _underwriter, quote_id = _offered(platform, name)
        with platform.uow(buyer) as uow:
            quote = uow.underwriting.quote(quote_id)
            lifecycle.bind(uow, quote_id, option_index=1, expected_version=quote.version)
            uow.commit()
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
    csv_text = api.client.get("/api/statistics.csv", headers=headers).text
    assert f"personal,total,,{truth['personal'][0]}," in csv_text  # type: ignore[index]
    sheet = load_workbook(
        io.BytesIO(api.client.get("/api/statistics.xlsx", headers=headers).content)
    )
    assert sheet.sheetnames == ["enterprise 企业", "personal 个人"]


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
