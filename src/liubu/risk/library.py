"""The cyber scenario library (``data/scenarios.yaml``): sourced reference scenarios, scaled by
GB/T 4754 section and revenue band, with modifiers for scores and controls.

A firm's scenario = the reference scenario with frequency × band factor × industry factor ×
the scenario's own industry factor, and severity × band factor × industry factor; then any
:class:`~liubu.risk.events.Modifier` a score or control supplies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.datafiles import FastSafeLoader, packaged_text
from liubu.risk import _checks, specs
from liubu.risk.events import Modifier, Scenario
from liubu.risk.located import Located, parse_yaml
from liubu.risk.model import Model
from liubu.risk.terms import Terms

_LIBRARY_ONLY = ("zh", "frequency_basis", "industry_frequency")


@dataclass(frozen=True, slots=True)
class RevenueBand:
    """A revenue band (CNY per year) and its multipliers."""

    code: str
    zh: str
    upper: float
    frequency: float
    severity: float


@dataclass(frozen=True, slots=True)
class LibraryScenario:
    """A reference scenario with its provenance."""

    scenario: Scenario
    zh: str
    industry_frequency: Mapping[str, float]
    basis: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Library:
    """The parsed data file."""

    scenarios: tuple[LibraryScenario, ...]
    bands: tuple[RevenueBand, ...]
    industries: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, Mapping[str, Any]]
    usd_cny: float


@cache
def library() -> Library:
    """Read and validate ``data/scenarios.yaml`` (once)."""
    text = packaged_text("liubu.risk", "data", "scenarios.yaml")
    src = parse_yaml(text, "scenarios.yaml", loader=FastSafeLoader)
    data = src.data
    bands = tuple(
        RevenueBand(
            str(b["code"]),
            str(b["zh"]),
            float(b["upper"]),
            float(b["frequency"]),
            float(b["severity"]),
        )
        for b in data["revenue_bands"]
    )
    entries = tuple(_entry(src, item, ("scenarios", i)) for i, item in enumerate(data["scenarios"]))
    return Library(
        entries, bands, data["industries"], data["sources"], float(data["usd_cny"]["value"])
    )


def _entry(src: Located, item: Mapping[str, Any], path: tuple[str | int, ...]) -> LibraryScenario:
    core = {k: v for k, v in item.items() if k not in _LIBRARY_ONLY}
    core["components"] = [{k: v for k, v in c.items() if k != "basis"} for c in item["components"]]
    scenario = specs.scenario(src, core, path)
    basis = {
        "frequency": item.get("frequency_basis", {}),
        "components": {c["coverage"]: c.get("basis", {}) for c in item["components"]},
    }
    return LibraryScenario(
        scenario, str(item.get("zh", "")), dict(item.get("industry_frequency", {}) or {}), basis
    )


def scenario_names() -> tuple[str, ...]:
    return tuple(e.scenario.name for e in library().scenarios)


def band_for_revenue(revenue: float) -> str:
    """The code of the revenue band containing ``revenue`` (CNY per year)."""
    revenue = _checks.non_negative("revenue", revenue)
    for band in library().bands:
        if revenue < band.upper:
            return band.code
    return library().bands[-1].code


def library_scenarios(
    industry: str,
    revenue_band: str,
    *,
    names: Sequence[str] | None = None,
    modifiers: Mapping[str, Modifier] | None = None,
) -> tuple[Scenario, ...]:
    """The library's scenarios for a firm of ``industry`` (GB/T 4754 section letter) in
    ``revenue_band``, optionally only ``names``, each with its modifier applied."""
    lib = library()
    _checks.one_of("industry", industry, tuple(lib.industries))
    band = {b.code: b for b in lib.bands}[
        _checks.one_of("revenue_band", revenue_band, tuple(b.code for b in lib.bands))
    ]
    known = scenario_names()
    wanted = (
        known
        if names is None
        else tuple(_checks.one_of("library scenario", n, known) for n in names)
    )
    modifiers = dict(modifiers or {})
    for name in modifiers:
        _checks.one_of("modifier scenario", name, wanted)
    sector = lib.industries[industry]
    out = []
    for entry in lib.scenarios:
        if entry.scenario.name not in wanted:
            continue
        base = Modifier(
            band.frequency
            * float(sector["frequency"])
            * float(entry.industry_frequency.get(industry, 1.0)),
            band.severity * float(sector["severity"]),
        )
        chosen = (
            base.then(modifiers[entry.scenario.name]) if entry.scenario.name in modifiers else base
        )
        out.append(entry.scenario.modified(chosen))
    return tuple(out)


def enterprise_model(
    industry_section: str,
    revenue: float | int | Decimal,
    modifiers: Mapping[str, Modifier] | None,
    *,
    terms: Terms | None = None,
) -> Model:
    """The enterprise's risk model: every library scenario for its GB/T 4754 section and revenue
    band (CNY per year), with ``modifiers`` applied, under ``terms`` (ground-up when ``None``).

    The one builder of an enterprise's model: the treatment plan quantifies it, underwriting
    prices the scenarios of it that a product answers for.
    """
    band = band_for_revenue(float(revenue))
    scenarios = library_scenarios(industry_section, band, modifiers=modifiers)
    return Model(scenarios, terms or Terms(), name=f"enterprise {industry_section} {band}")


def sources() -> Mapping[str, Mapping[str, Any]]:
    """The bibliography of the library: key → citation and cited figures."""
    return library().sources
