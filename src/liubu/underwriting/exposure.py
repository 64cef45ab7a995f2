"""The applicant's exposure as library scenarios, and which of them a product answers for.

The model of a quote is ``liubu.risk.library_scenarios(industry section, revenue band,
modifiers=…)`` under the option's terms, less the trade-specific scenarios the product does not
cover (``data/scenario_scope.yaml``): e.g. the IT-product liability scenario enters only the
model of a product carrying IT-product liability or technology E&O cover.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from liubu.products import ProductSpec
from liubu.risk import Scenario, band_for_revenue, enterprise_model, scenario_names
from liubu.underwriting._data import load_data
from liubu.underwriting.applicant import Applicant


@dataclass(frozen=True)
class Exposure:
    """Every library scenario for one applicant (band, industry and modifiers applied)."""

    industry_section: str
    band: str
    scenarios: tuple[Scenario, ...]


@dataclass(frozen=True)
class ProductExposure:
    """The scenarios in a product's model and those left out (name → coverages it would need)."""

    band: str
    scenarios: tuple[Scenario, ...]
    left_out: Mapping[str, tuple[str, ...]]


def exposure_of(applicant: Applicant) -> Exposure:
    """The library scenarios of ``applicant`` (built once, shared by every option and product)."""
    model = enterprise_model(applicant.industry_section, applicant.revenue, applicant.modifiers)
    band = band_for_revenue(float(applicant.revenue))
    return Exposure(applicant.industry_section, band, model.scenarios)


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
    return ProductExposure(exposure.band, tuple(kept), left_out)
