"""The applicant's exposure as library scenarios, and which of them a product answers for.

The model of a quote is ``liubu.risk.library_scenarios(industry section, revenue band,
modifiers=…)`` under the option's terms, less the trade-specific scenarios the product does not
cover (``data/scenario_scope.yaml``): e.g. the IT-product liability scenario enters only the
model of a product carrying IT-product liability or technology E&O cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from liubu.assessment import load_score_model, score_modifiers
from liubu.errors import ValidationError
from liubu.products import ProductSpec
from liubu.risk import Modifier, Scenario, band_for_revenue, enterprise_model, scenario_names
from liubu.underwriting._data import load_data
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.reasons import UnderwritingCode


@dataclass(frozen=True)
class Exposure:
    """Every library scenario for one applicant (band, industry and modifiers applied)."""

    industry_section: str
    band: str
    scenarios: tuple[Scenario, ...]
    modifiers: Mapping[str, Modifier] = field(default_factory=dict)
    posture: str = "assessment"  # or "score": the modifiers expected for the score alone


@dataclass(frozen=True)
class ProductExposure:
    """The scenarios in a product's model and those left out (name → coverages it would need)."""

    band: str
    scenarios: tuple[Scenario, ...]
    left_out: Mapping[str, tuple[str, ...]]
    modifiers: Mapping[str, Modifier] = field(default_factory=dict)
    posture: str = "assessment"


def exposure_of(applicant: Applicant) -> Exposure:
    """The library scenarios of ``applicant`` (built once, shared by every option and product).

    An applicant known only by its score (no modifiers) gets the modifiers expected for that
    score (``liubu.assessment.score_modifiers``), never the average's."""
    check_grade(applicant)
    modifiers = applicant.modifiers or score_modifiers(applicant.score)
    model = enterprise_model(applicant.industry_section, applicant.revenue, modifiers)
    band = band_for_revenue(float(applicant.revenue))
    posture = "assessment" if applicant.modifiers else "score"
    return Exposure(applicant.industry_section, band, model.scenarios, modifiers, posture)


def check_grade(applicant: Applicant) -> None:
    """Refuse an applicant whose grade is not the grade of its score (the score model's
    thresholds), naming both: the price must not rest on a contradiction."""
    expected = load_score_model().grade_for(Decimal(repr(applicant.score)))
    if applicant.grade != expected:
        raise ValidationError(
            f"The score {applicant.score:g} has grade {expected}, but the submission says grade "
            f"{applicant.grade}; correct one of them.",
            code=UnderwritingCode.BAD_APPLICANT,
            field="grade",
            value=f"score {applicant.score:g}, grade {applicant.grade}",
        )


@cache
def scenario_scope() -> Mapping[str, tuple[str, ...]]:
    """Scenario → product coverages of which at least one must be carried for it to count."""
    data = load_data("scenario_scope.yaml")
    table = data.mapping(("requires_any_coverage",))
    known = scenario_names()
    out: dict[str, tuple[str, ...]] = {}
    for name, codes in table.items():
        if name not in known or not isinstance(codes, list) or not codes:
            raise data.fail(
                f"The entry {name!r} must name a library scenario ({list(known)}) and list the "
                "coverages it needs.",
                ("requires_any_coverage", name),
            )
        out[name] = tuple(str(c) for c in codes)
    return out


def for_product(exposure: Exposure, spec: ProductSpec) -> ProductExposure:
    """The part of ``exposure`` the product answers for."""
    carried = {coverage.code for coverage in spec.coverages}
    scope = scenario_scope()
    kept, left_out = [], {}
    for scenario in exposure.scenarios:
        needs = scope.get(scenario.name)
        if needs is None or carried.intersection(needs):
            kept.append(scenario)
        else:
            left_out[scenario.name] = needs
    return ProductExposure(
        exposure.band, tuple(kept), left_out, exposure.modifiers, exposure.posture
    )
