"""Eligibility: each failure names the rule of the product's Eligibility that failed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from liubu.products import ProductSpec
from liubu.underwriting import check_eligibility

Product = Callable[[str], ProductSpec]


def failures(spec: ProductSpec, **changes: object) -> list[str]:
    values: dict[str, object] = {
        "industry_section": "C",
        "revenue": Decimal(30_000_000),
        "mlps_level": 2,
        "score": 72.5,
        "insured_kind": "enterprise",
    }
    values.update(changes)
    return [f.rule for f in check_eligibility(spec, **values)]  # type: ignore[arg-type]


def test_an_eligible_sme_fails_no_rule(sme: ProductSpec) -> None:
    assert failures(sme) == []


@pytest.mark.parametrize(
    ("product_id", "failing", "passing", "rule"),
    [
        (
            "shifan-pc/sme-cyber-comprehensive@1",
            {"insured_kind": "individual"},
            {"insured_kind": "enterprise"},
            "eligibility.insured",
        ),
        (
            "yangben-pc/healthcare-cyber@1",
            {"industry_section": "C"},
            {"industry_section": "Q"},
            "eligibility.industry_sections",
        ),
        (
            "shifan-pc/sme-cyber-comprehensive@1",
            {"industry_section": "J"},
            {"industry_section": "K"},
            "eligibility.excluded_industry_sections",
        ),
        (
            "yangben-pc/cyber-liability@1",  # revenue from ¥100,000,000
            {"revenue": Decimal(99_999_999)},
            {"revenue": Decimal(100_000_000)},
            "eligibility.revenue_min",
        ),
        (
            "shifan-pc/sme-cyber-comprehensive@1",  # revenue below ¥200,000,000 (half-open)
            {"revenue": Decimal(200_000_000)},
            {"revenue": Decimal("199999999.99")},
            "eligibility.revenue_max",
        ),
        (
            "shifan-pc/enterprise-cyber-property@1",  # MLPS level 2 or above
            {"mlps_level": None, "revenue": Decimal(600_000_000)},
            {"mlps_level": 2, "revenue": Decimal(600_000_000)},
            "eligibility.mlps_level_min",
        ),
        (
            "shifan-pc/sme-cyber-comprehensive@1",  # score 40 or above
            {"score": 39.99},
            {"score": 40.0},
            "eligibility.security_score_min",
        ),
    ],
)
def test_each_rule_fails_with_its_own_name(
    product: Product,
    product_id: str,
    failing: dict[str, object],
    passing: dict[str, object],
    rule: str,
) -> None:
    spec = product(product_id)
    assert rule in failures(spec, **failing)
    assert rule not in failures(spec, **passing)


def test_failures_carry_requirement_value_and_bilingual_message(product: Product) -> None:
    spec = product("yangben-pc/healthcare-cyber@1")
    (failure,) = check_eligibility(
        spec,
        industry_section="Q",
        revenue=Decimal(5_000_000),
        mlps_level=None,
        score=80.0,
        insured_kind="enterprise",
    )
    assert (failure.rule, failure.field, failure.required) == (
        "eligibility.mlps_level_min",
        "mlps_level",
        "2",
    )
    assert "not graded" in failure.message.en
    assert "未定级" in failure.message.zh
    low = check_eligibility(
        spec,
        industry_section="Q",
        revenue=Decimal(1),
        mlps_level=3,
        score=10.0,
        insured_kind="enterprise",
    )
    assert [f.to_dict()["rule"] for f in low] == ["eligibility.security_score_min"]
    assert "at least 40" in low[0].message.en
