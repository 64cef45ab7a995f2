"""The product registry on SQLite and PostgreSQL: the reference catalogue, immutability of filed
versions, effective-date overlaps, visibility of drafts, and the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform, bootstrap
from liubu.demo import load_reference_products
from liubu.errors import ConflictError, NotFoundError, ValidationError
from liubu.products import load_reference_catalogue, parse_product, validation
from liubu.products import service as products
from liubu.products.catalogue import catalogue_sources
from tests.conftest import test_settings
from tests.integration.helpers import make_tenant, product_yaml


def _count(platform: Platform, sql: str) -> int:
    with platform.engine.connect() as connection:
        return int(connection.execute(sa.text(sql)).scalar_one())


def test_the_reference_catalogue_loads_once_and_round_trips(platform: Platform) -> None:
    assert load_reference_products(platform) == len(catalogue_sources())
    assert load_reference_products(platform) == 0  # idempotent
    with platform.uow(SYSTEM) as uow:
        records = {r.product_ref: r for r in uow.products.list()}
    originals = load_reference_catalogue()
    assert set(records) == {spec.product_id for spec in originals}
    filed = [r for r in records.values() if r.status == "filed"]
    assert len(filed) >= 12
    assert len({r.product_type for r in filed}) == 10
    for spec in originals:  # load → store → export → identical
        assert parse_product(records[spec.product_id].document) == spec


def test_a_filed_version_cannot_be_edited_in_place(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    with platform.uow(insurer.principal) as uow:
        record, _ = products.submit_product(uow, product_yaml(insurer="ins-a"), source="p.yaml")
        uow.commit()
    with platform.uow(insurer.principal) as uow:
        products.file_product(uow, record.id)
        uow.commit()
    changed = product_yaml(insurer="ins-a").replace("测试综合保险", "改过的名字")
    with platform.uow(insurer.principal) as uow, pytest.raises(ConflictError) as caught:
        products.submit_product(uow, changed, source="p.yaml")
    assert caught.value.code == "product.filed_immutable"
    assert "version 2" in caught.value.message


def test_overlapping_effective_dates_of_two_filed_versions_are_refused(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    first = product_yaml(insurer="ins-a", effective_to="2025-01-31")
    second = product_yaml(insurer="ins-a", version=2, effective_from="2025-01-01")
    ids = []
    for text in (first, second):
        with platform.uow(insurer.principal) as uow:
            record, _ = products.submit_product(uow, text, source="p.yaml")
            uow.commit()
            ids.append(record.id)
    with platform.uow(insurer.principal) as uow:
        products.file_product(uow, ids[0])
        uow.commit()
    before = _count(platform, "SELECT count(*) FROM audit_events")
    with platform.uow(insurer.principal) as uow, pytest.raises(ConflictError):
        products.file_product(uow, ids[1])
    assert _count(platform, "SELECT count(*) FROM products WHERE status = 'filed'") == 1
    assert _count(platform, "SELECT count(*) FROM audit_events") == before


def test_drafts_are_private_and_filed_versions_public(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    other = make_tenant(platform, OrgKind.ENTERPRISE, "Enterprise", Role.ENTERPRISE_USER)
    with platform.uow(insurer.principal) as uow:
        record, _ = products.submit_product(uow, product_yaml(insurer="ins-a"), source="p.yaml")
        uow.commit()
    with platform.uow(other.principal) as uow:
        assert uow.products.list() == []
        with pytest.raises(NotFoundError):
            uow.products.get(record.id)
    with platform.uow(insurer.principal) as uow:
        products.file_product(uow, record.id)
        uow.commit()
    with platform.uow(other.principal) as uow:
        assert [r.product_ref for r in uow.products.list()] == ["ins-a/base-product@1"]


def test_only_the_named_insurer_may_submit_its_products(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    with platform.uow(insurer.principal) as uow, pytest.raises(ValidationError) as caught:
        products.submit_product(uow, product_yaml(insurer="ins-b"), source="p.yaml")
    assert caught.value.field == "insurer"
    assert _count(platform, "SELECT count(*) FROM products") == 0


def test_an_invalid_product_stores_nothing_and_names_its_line(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    text = product_yaml(insurer="ins-a").replace("type: comprehensive", "type: no_such_type")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "no_such_type" in t)
    with platform.uow(insurer.principal) as uow, pytest.raises(ValidationError) as caught:
        products.submit_product(uow, text, source="p.yaml")
    assert caught.value.location == f"p.yaml:{line}"
    assert _count(platform, "SELECT count(*) FROM products") == 0


def test_filing_and_withdrawing_are_audited(platform: Platform) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.UNDERWRITER, code="ins-a")
    with platform.uow(insurer.principal) as uow:
        record, _ = products.submit_product(uow, product_yaml(insurer="ins-a"), source="p.yaml")
        uow.commit()
    for step in (products.file_product, products.withdraw_product):
        with platform.uow(insurer.principal) as uow:
            step(uow, record.id)
            uow.commit()
    with platform.engine.connect() as connection:
        actions = (
            connection.execute(
                sa.text("SELECT action FROM audit_events WHERE entity_id = :id ORDER BY seq"),
                {"id": record.id},
            )
            .scalars()
            .all()
        )
    assert actions == ["products.created", "products.updated", "products.updated"]
    assert platform.verify_audit_chain().intact


def test_warming_up_parses_every_filed_product_so_the_first_quote_finds_them_parsed(
    sqlite_platform: Platform,
) -> None:
    load_reference_products(sqlite_platform)
    validation._parsed.cache_clear()
    sqlite_platform.warm_up()
    with sqlite_platform.uow(SYSTEM) as uow:
        filed = [r for r in uow.products.list() if r.status == "filed"]
    assert len(filed) >= 12
    before = validation._parsed.cache_info()
    for record in filed:  # what a quote does for each product it is asked for
        parse_product(record.document, source=record.product_ref)
    after = validation._parsed.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (len(filed), 0)


def test_warming_up_on_a_database_never_migrated_leaves_the_products_to_the_first_request(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{(tmp_path / 'empty.db').as_posix()}"
    platform = bootstrap(test_settings(url, tmp_path))  # no migration: no tables
    try:
        platform.warm_up()  # the app still starts; /readyz reports the database
    finally:
        platform.dispose()
