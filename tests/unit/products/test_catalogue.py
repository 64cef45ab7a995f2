"""The reference catalogue: every product validates, round-trips, and the required ones exist."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from liubu.products import (
    ProductSpec,
    check_versions,
    dump_product,
    load_reference_catalogue,
    load_vocabulary,
    parse_product,
    product_schema,
    validate_product,
)
from liubu.products.catalogue import catalogue_sources
from liubu.products.yamlmap import parse_yaml

SOURCES = catalogue_sources()


def by_id() -> dict[str, ProductSpec]:
    return {spec.product_id: spec for spec in load_reference_catalogue()}


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[name for name, _ in SOURCES])
def test_every_reference_product_validates(name: str, text: str) -> None:
    assert validate_product(text, source=name) == []


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[name for name, _ in SOURCES])
def test_every_reference_product_round_trips(name: str, text: str) -> None:
    loaded = parse_product(text, source=name)
    exported = dump_product(loaded)
    stored_again = parse_product(exported, source=f"{name} (exported)")
    assert stored_again == loaded
    assert dump_product(stored_again) == exported


@pytest.mark.parametrize(("name", "text"), SOURCES, ids=[name for name, _ in SOURCES])
def test_every_reference_file_and_its_export_pass_the_published_schema(
    name: str, text: str
) -> None:
    validator = Draft202012Validator(product_schema(), format_checker=FormatChecker())
    for document in (parse_yaml(text).data, parse_yaml(dump_product(parse_product(text))).data):
        assert list(validator.iter_errors(document)) == []


def test_the_published_schema_is_draft_2020_12() -> None:
    schema = product_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_the_catalogue_has_twelve_products_or_more_and_every_product_type() -> None:
    catalogue = load_reference_catalogue()
    assert len(catalogue) >= 12
    assert {spec.product_type for spec in catalogue} == set(load_vocabulary().product_types.codes())


def test_every_reference_product_says_which_figures_are_illustrative() -> None:
    for spec in load_reference_catalogue():
        assert spec.illustrative is not None, spec.product_id
        assert "illustrative" in spec.illustrative.en
        assert "示例" in spec.illustrative.zh


def test_the_catalogue_versions_do_not_overlap() -> None:
    assert check_versions(load_reference_catalogue()) == []


def test_the_anti_fraud_product_has_the_common_market_terms() -> None:
    # Issue 4: ¥10,000/¥50,000/¥100,000 at about ¥7.9/¥28.8/¥48.8, a ¥3,000 annual retention,
    # 70 % indemnity, a 7-day waiting period and a police-case trigger.
    (spec,) = [s for s in load_reference_catalogue() if s.product_type == "anti_fraud_personal"]
    plan = spec.rate_plan
    premiums = [plan.base_premium(limit=limit) for limit in (10_000, 50_000, 100_000)]
    assert premiums == [Decimal("7.9"), Decimal("28.8"), Decimal("48.8")]
    assert spec.retention is not None
    assert (spec.retention.amount, spec.retention.basis) == (Decimal(3000), "annual_aggregate")
    (coverage,) = spec.coverages
    assert coverage.code == "telecom_fraud_loss"
    assert coverage.coinsurance is not None
    assert 1 - coverage.coinsurance == Decimal("0.7")
    assert coverage.waiting_period is not None
    assert (coverage.waiting_period.hours, coverage.waiting_period.semantics) == (
        7 * 24,
        "from_inception",
    )
    assert any("公安" in condition.zh for condition in spec.trigger.conditions)
    excluded = {exclusion.code for exclusion in spec.exclusions}
    assert {"gambling", "pornography", "drugs", "online_romance", "unlicensed_finance"} <= excluded
    assert any("受案回执" in document.zh for document in spec.claims.documents)
    assert any(step.deadline_days == 30 for step in spec.claims.steps)


def test_the_catalogue_has_the_products_the_issue_asks_for() -> None:
    catalogue = load_reference_catalogue()

    def has(kind: str, *, coverage: str | None = None, service: str | None = None) -> bool:
        return any(
            spec.product_type == kind
            and (coverage is None or spec.coverage(coverage) is not None)
            and (service is None or any(s.code == service for s in spec.services))
            for spec in catalogue
        )

    assert has("comprehensive", service="pre_bind_assessment")  # SME with services bundled
    big = [s for s in catalogue if s.eligibility.revenue_min and s.eligibility.revenue_min >= 10**8]
    assert {s.product_type for s in big} >= {"property_loss", "liability"}
    assert has("it_product_liability", coverage="it_product_liability")
    assert has("security_product_guarantee", service="ddos_protection")
    assert has("security_service_professional_liability")
    assert has("park_group")
    assert has("liability", coverage="algorithm_liability")  # emerging risk
    (chain,) = [s for s in catalogue if s.product_type == "supply_chain"]
    assert chain.group is not None
    assert chain.group.premium_sharing.method == "sponsor_base_member_float"
    assert chain.group.premium_sharing.floating_factor == "security_score"


def test_every_security_score_curve_is_monotone_non_increasing_over_the_whole_score_range() -> None:
    for spec in load_reference_catalogue():
        for coefficient in spec.rate_plan.coefficients:
            if coefficient.factor != "security_score":
                continue
            values = [coefficient.value_for(score) for score in range(0, 101)]
            assert all(a >= b for a, b in itertools.pairwise(values)), spec.product_id
