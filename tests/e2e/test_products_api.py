"""Products through the API and the CLI: catalogue, drafts, filing, withdrawal, comparison."""

from __future__ import annotations

import json
from pathlib import Path

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from tests.e2e.cli import run_cli
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant, product_yaml


def test_an_insurer_drafts_files_and_withdraws_a_product(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    make_tenant(platform, OrgKind.ENTERPRISE, "Buyer", Role.ENTERPRISE_USER)
    insurer, buyer = api.headers("insurer-a-underwriter"), api.headers("buyer-enterprise_user")
    draft = api.client.post(
        "/api/products", json={"document": product_yaml(insurer="ins-a")}, headers=insurer
    )
    assert draft.status_code == 201, draft.text
    record = draft.json()
    assert (record["product_ref"], record["status"]) == ("ins-a/base-product@1", "draft")
    assert api.client.get("/api/products", headers=buyer).json() == []
    filed = api.client.post(f"/api/products/{record['id']}/file", headers=insurer)
    assert filed.json()["status"] == "filed"
    assert [p["id"] for p in api.client.get("/api/products", headers=buyer).json()] == [
        record["id"]
    ]
    again = api.client.post(f"/api/products/{record['id']}/file", headers=insurer)
    assert again.status_code == 409
    assert (
        api.client.post(f"/api/products/{record['id']}/withdraw", headers=buyer).status_code == 403
    )
    withdrawn = api.client.post(f"/api/products/{record['id']}/withdraw", headers=insurer)
    assert withdrawn.json()["status"] == "withdrawn"
    document = api.client.get(f"/api/products/{record['id']}/document", headers=buyer)
    assert "status: withdrawn" in document.text


def test_a_filed_product_is_refused_when_submitted_as_new(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    response = api.client.post(
        "/api/products",
        json={"document": product_yaml(insurer="ins-a", status="filed")},
        headers=api.headers("insurer-a-underwriter"),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "product.not_draft"


def test_two_products_differing_in_one_exclusion_compare_to_exactly_that(
    api: Api, platform: Platform
) -> None:
    make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    headers = api.headers("insurer-a-underwriter")
    full = product_yaml(insurer="ins-a")
    fewer = product_yaml(insurer="ins-a", code="lean-product").replace(
        "  - code: intentional_acts\n", ""
    )
    ids = [
        api.client.post("/api/products", json={"document": text}, headers=headers).json()["id"]
        for text in (full, fewer)
    ]
    for lang in ("zh", "en"):
        result = api.client.get(
            "/api/products/compare", params={"ids": ids, "lang": lang}, headers=headers
        )
        assert result.status_code == 200, result.text
        body = result.json()
        assert body["differences"] == ["exclusion:intentional_acts"]
        assert [p["id"] for p in body["products"]] == [
            "ins-a/base-product@1",
            "ins-a/lean-product@1",
        ]
    single = api.client.get("/api/products/compare", params={"ids": ids[:1]}, headers=headers)
    assert single.status_code == 422


_cli = run_cli


def test_the_cli_lists_twelve_filed_products_of_all_ten_types(tmp_path: Path) -> None:
    catalogue = Path(__file__).resolve().parents[2] / "src/liubu/products/data/catalogue"
    loaded = _cli("products", "load", str(catalogue), data_dir=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    listing = _cli("products", "list", "--json", data_dir=tmp_path)
    rows = json.loads(listing.stdout)
    filed = [row for row in rows if row["status"] == "filed"]
    assert len(filed) >= 12
    assert len({row["type"] for row in filed}) == 10
    assert all(row["filing_number"] for row in filed)
    compared = _cli(
        "products", "compare", filed[0]["id"], filed[1]["id"], "--lang", "en", data_dir=tmp_path
    )
    assert compared.returncode == 0, compared.stderr
    assert "Coverages" in compared.stdout


def test_the_cli_validates_files_and_names_each_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(product_yaml(insurer="ins-a"), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        product_yaml(insurer="ins-a").replace("code: intentional_acts", "code: no_such_exclusion"),
        "utf-8",
    )
    assert _cli("products", "validate", str(good), data_dir=tmp_path).returncode == 0
    result = _cli("products", "validate", str(good), str(bad), data_dir=tmp_path)
    assert result.returncode != 0
    line = next(
        i for i, t in enumerate(bad.read_text("utf-8").splitlines(), 1) if "no_such_exclusion" in t
    )
    assert f"{bad}:{line}: exclusions[2].code: " in result.stderr


def test_loading_the_catalogue_through_the_platform_is_idempotent(platform: Platform) -> None:
    first = load_reference_products(platform)
    assert first > 0
    assert load_reference_products(platform) == 0
