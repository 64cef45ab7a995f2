"""The cyber scenario library (``data/scenarios.yaml``): insured-claim scenarios of a reference
firm, every parameter with its source (the figure read, the conversion applied, a confidence) or
flagged an assumption, priced continuously in the firm's revenue.

A firm of revenue R (CNY a year, floored at ``minimum_revenue``) and GB/T 4754 section s::

    frequency  = claim_frequency × share × (R / R₀)^β_f × industry_f(s) × scenario_f(s)
    severity   = reference severity × calibration scale × (R / R₀)^β_s × industry_s(s)
    BI per hour = hourly_revenue_share × R / hours_per_year

then any :class:`~liubu.risk.events.Modifier` a security posture supplies. The calibration scale
makes the mean loss per claim of the reference firm (R₀, industry factor 1, average posture) equal
the cited market figure converted at purchasing-power parity, when the scenario cites one.
Revenue bands remain for display only: nothing jumps at a band edge.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.datafiles import FastSafeLoader, packaged_text
from liubu.errors import ConfigurationError
from liubu.risk import _checks, specs
from liubu.risk.events import Component, Modifier, Scenario
from liubu.risk.located import Located, parse_yaml
from liubu.risk.model import Model
from liubu.risk.terms import Terms
from liubu.risk.vocabulary import BUSINESS_INTERRUPTION

_FILE = "liubu/risk/data/scenarios.yaml"
_LIBRARY_ONLY = ("zh", "en", "frequency_share", "claim_mean_usd", "industry_frequency")
CONFIDENCE = ("high", "medium", "low")
_EXPOSURE = (
    "reference_revenue",
    "minimum_revenue",
    "claim_frequency",
    "frequency_elasticity",
    "severity_elasticity",
    "hours_per_year",
)


@dataclass(frozen=True, slots=True)
class Basis:
    """Where a parameter comes from: a source key with the figure read and the conversion
    applied, or an assumption (maybe informed by sources); and how sure it is."""

    source: str | None
    assumption: bool
    confidence: str
    figure: str = ""
    conversion: str = ""
    note: str = ""
    informed_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "assumption": self.assumption,
            "confidence": self.confidence,
            "figure": self.figure,
            "conversion": self.conversion,
            "note": self.note,
            "informed_by": list(self.informed_by),
        }


@dataclass(frozen=True, slots=True)
class Parameter:
    """One calibration parameter: where it lives in the file, its value and its basis."""

    path: str
    value: float
    basis: Basis


@dataclass(frozen=True, slots=True)
class RevenueBand:
    """A revenue band (CNY per year), for display and grouping: no multiplier hangs on it."""

    code: str
    zh: str
    upper: float


@dataclass(frozen=True, slots=True)
class Exposure:
    """How the reference firm's scenarios scale to a firm's revenue (see the module doc)."""

    reference_revenue: float
    minimum_revenue: float
    claim_frequency: float
    frequency_elasticity: float
    severity_elasticity: float
    hours_per_year: float

    def revenue(self, revenue: float) -> float:
        """The revenue the power laws see: ``revenue`` floored at :attr:`minimum_revenue`."""
        return max(float(revenue), self.minimum_revenue)

    def frequency_factor(self, revenue: float) -> float:
        return float((self.revenue(revenue) / self.reference_revenue) ** self.frequency_elasticity)

    def severity_factor(self, revenue: float) -> float:
        return float((self.revenue(revenue) / self.reference_revenue) ** self.severity_elasticity)

    def revenue_per_hour(self, revenue: float) -> float:
        return self.revenue(revenue) / self.hours_per_year


@dataclass(frozen=True, slots=True)
class LibraryScenario:
    """A reference scenario (the reference firm's, average posture) with its provenance.

    ``hourly_shares`` holds, per component, the share of hourly revenue a business-interruption
    component loses (``None`` for the others); ``scale`` is the calibration scale of the non-BI
    components (1 when no claim mean is cited)."""

    scenario: Scenario
    zh: str
    industry_frequency: Mapping[str, float]
    basis: Mapping[str, Any]
    share: float = 0.0
    claim_mean: float | None = None
    hourly_shares: tuple[float | None, ...] = ()
    scale: float = 1.0
    en: str = ""


@dataclass(frozen=True, slots=True)
class Library:
    """The parsed data file."""

    scenarios: tuple[LibraryScenario, ...]
    bands: tuple[RevenueBand, ...]
    industries: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, Mapping[str, Any]]
    cny_per_usd: float
    exposure: Exposure
    parameters: tuple[Parameter, ...] = field(default=())


@cache
def library() -> Library:
    """Read and validate ``data/scenarios.yaml`` (once)."""
    return parse_library(packaged_text("liubu.risk", "data", "scenarios.yaml"))


def parse_library(text: str, *, filename: str = _FILE) -> Library:
    """A library from YAML text; a parameter without a source or an ``assumption: true`` flag,
    or with an unknown source or confidence, is refused naming its path and line."""
    src = parse_yaml(text, filename, loader=FastSafeLoader)
    data = src.data
    sources: Mapping[str, Mapping[str, Any]] = data["sources"]
    params: list[Parameter] = []

    def parameter(path: tuple[str | int, ...]) -> float:
        node = _get(data, path)
        if not isinstance(node, Mapping) or "value" not in node:
            raise _fail(src, "needs a value and a basis", path)
        value = node["value"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise _fail(src, f"must be a positive number; got {value!r}", (*path, "value"))
        params.append(
            Parameter(_dotted(path), float(value), _basis(src, sources, (*path, "basis")))
        )
        return float(value)

    cny_per_usd = parameter(("price_level", "cny_per_usd"))
    exposure = Exposure(**{name: parameter(("exposure", name)) for name in _EXPOSURE})
    _basis(src, sources, ("industries_basis",))
    bands = tuple(
        RevenueBand(str(b["code"]), str(b["zh"]), float(b["upper"])) for b in data["revenue_bands"]
    )
    entries = tuple(
        _entry(src, sources, item, ("scenarios", i), exposure, cny_per_usd, parameter)
        for i, item in enumerate(data["scenarios"])
    )
    total = sum(e.share for e in entries)
    if not math.isclose(total, 1.0, abs_tol=1e-9):
        raise _fail(src, f"frequency shares must add up to 1; they add up to {total:.6f}", ())
    return Library(
        entries, bands, data["industries"], sources, cny_per_usd, exposure, tuple(params)
    )


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        if isinstance(data, Mapping):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")


def _fail(src: Located, message: str, path: tuple[str | int, ...]) -> ConfigurationError:
    where = src.where(path)
    return ConfigurationError(f"The calibration parameter {_dotted(path)} {message} ({where}).")


def _basis(src: Located, sources: Mapping[str, Any], path: tuple[str | int, ...]) -> Basis:
    row = _get(src.data, path)
    if not isinstance(row, Mapping):
        raise _fail(src, "has no basis: give `source:` or `assumption: true`", path)
    source, assumption = row.get("source"), row.get("assumption") is True
    if (source is None) == (not assumption):
        raise _fail(src, "needs either `source:` or `assumption: true` (not both)", path)
    informed = tuple(str(s) for s in row.get("informed_by", ()) or ())
    unknown = [s for s in (*informed, *([source] if source else [])) if s not in sources]
    if unknown:
        raise _fail(src, f"cites unknown sources {unknown}", path)
    if source is not None and not str(row.get("figure", "")).strip():
        raise _fail(src, f"cites {source} without the `figure:` it read", path)
    if assumption and not str(row.get("note", "")).strip():
        raise _fail(src, "is an assumption without a `note:` saying what it assumes", path)
    confidence = row.get("confidence")
    if confidence not in CONFIDENCE:
        raise _fail(src, f"needs a confidence, one of {list(CONFIDENCE)}", path)
    return Basis(
        None if source is None else str(source),
        assumption,
        str(confidence),
        str(row.get("figure", "")),
        str(row.get("conversion", "")),
        str(row.get("note", "")).strip(),
        informed,
    )


def _entry(
    src: Located,
    sources: Mapping[str, Any],
    item: Mapping[str, Any],
    path: tuple[str | int, ...],
    exposure: Exposure,
    cny_per_usd: float,
    parameter: Callable[[tuple[str | int, ...]], float],
) -> LibraryScenario:
    share = parameter((*path, "frequency_share"))
    claim_mean_usd = parameter((*path, "claim_mean_usd")) if "claim_mean_usd" in item else None
    shares: list[float | None] = []
    components = []
    for i, c in enumerate(item["components"]):
        _basis(src, sources, (*path, "components", i, "basis"))
        body = {k: v for k, v in c.items() if k not in ("basis", "hourly_revenue_share")}
        hourly = c.get("hourly_revenue_share")
        if hourly is not None:
            if isinstance(hourly, bool) or not isinstance(hourly, int | float) or not hourly > 0:
                raise _fail(src, "must be a positive share", (*path, "components", i))
            body["loss_per_hour"] = float(hourly) * exposure.revenue_per_hour(
                exposure.reference_revenue
            )
        shares.append(None if hourly is None else float(hourly))
        components.append(body)
    core = {k: v for k, v in item.items() if k not in _LIBRARY_ONLY}
    core["components"] = components
    core["frequency"] = {"poisson": exposure.claim_frequency * share}
    scenario = specs.scenario(src, core, path)
    claim_mean = None if claim_mean_usd is None else claim_mean_usd * cny_per_usd
    scale = 1.0
    if claim_mean is not None:
        hours = sum(c.ground_up.mean for c, s in zip(scenario.components, shares, strict=True) if s)
        rest = sum(
            c.ground_up.mean for c, s in zip(scenario.components, shares, strict=True) if s is None
        )
        if claim_mean <= hours or rest <= 0:
            raise _fail(
                src,
                f"asks a mean claim of {claim_mean:,.0f} CNY that business interruption alone "
                f"({hours:,.0f}) already exceeds, or no other component can carry",
                (*path, "claim_mean_usd"),
            )
        scale = (claim_mean - hours) / rest
    basis = {
        "frequency": _basis(src, sources, (*path, "frequency_share", "basis")).to_dict(),
        "components": {
            c["coverage"]: _basis(src, sources, (*path, "components", i, "basis")).to_dict()
            for i, c in enumerate(item["components"])
        },
    }
    return LibraryScenario(
        scenario,
        str(item.get("zh", "")),
        dict(item.get("industry_frequency", {}) or {}),
        basis,
        share,
        claim_mean,
        tuple(shares),
        scale,
        str(item.get("en", "")),
    )


def scenario_names() -> tuple[str, ...]:
    return tuple(e.scenario.name for e in library().scenarios)


@dataclass(frozen=True, slots=True)
class ScenarioTitle:
    """A library scenario as people read it: its code and its Chinese and English names."""

    code: str
    zh: str
    en: str


def scenario_titles() -> dict[str, ScenarioTitle]:
    """Every library scenario's names, by code (the code itself where the file gives none)."""
    return {
        e.scenario.name: ScenarioTitle(
            e.scenario.name, e.zh or e.scenario.name, e.en or e.scenario.name
        )
        for e in library().scenarios
    }


def band_for_revenue(revenue: float) -> str:
    """The code of the revenue band containing ``revenue`` (CNY per year), for display."""
    revenue = _checks.non_negative("revenue", revenue)
    for band in library().bands:
        if revenue < band.upper:
            return band.code
    return library().bands[-1].code


def band_revenue(code: str) -> float:
    """A representative revenue of a band, for model files that name a band: the geometric
    middle of its edges (the first band's lower edge is the minimum revenue, the last band's
    upper edge ten times its lower)."""
    lib = library()
    codes = tuple(b.code for b in lib.bands)
    index = codes.index(_checks.one_of("revenue_band", code, codes))
    lower = lib.exposure.minimum_revenue if index == 0 else lib.bands[index - 1].upper
    upper = lib.bands[index].upper if math.isfinite(lib.bands[index].upper) else 10 * lower
    return math.sqrt(lower * upper)


def library_scenarios(
    industry: str,
    revenue: float | int | Decimal | str,
    *,
    names: Sequence[str] | None = None,
    modifiers: Mapping[str, Modifier] | None = None,
) -> tuple[Scenario, ...]:
    """The library's scenarios for a firm of ``industry`` (GB/T 4754 section letter) with annual
    ``revenue`` (CNY; a band code takes :func:`band_revenue`), optionally only ``names``, each
    with its modifier applied."""
    lib = library()
    _checks.one_of("industry", industry, tuple(lib.industries))
    amount = (
        band_revenue(revenue)
        if isinstance(revenue, str)
        else _checks.non_negative("revenue", float(revenue))
    )
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
    exposure = lib.exposure
    frequency = exposure.frequency_factor(amount) * float(sector["frequency"])
    severity = exposure.severity_factor(amount) * float(sector["severity"])
    per_hour = exposure.revenue_per_hour(amount)
    out = []
    for entry in lib.scenarios:
        if entry.scenario.name not in wanted:
            continue
        firm = _firm(entry, frequency, severity, per_hour, industry)
        chosen = modifiers.get(entry.scenario.name)
        out.append(firm if chosen is None else firm.modified(chosen))
    return tuple(out)


def _firm(
    entry: LibraryScenario, frequency: float, severity: float, per_hour: float, industry: str
) -> Scenario:
    reference = entry.scenario
    components = tuple(
        Component(BUSINESS_INTERRUPTION, outage_hours=c.outage_hours, loss_per_hour=s * per_hour)
        if s is not None
        else c.scaled(entry.scale * severity)
        for c, s in zip(reference.components, entry.hourly_shares, strict=True)
    )
    rate = frequency * float(entry.industry_frequency.get(industry, 1.0))
    return Scenario(
        reference.name,
        reference.frequency.scaled(rate),
        components,
        reference.dependence,
        reference.source,
    )


def enterprise_model(
    industry_section: str,
    revenue: float | int | Decimal,
    modifiers: Mapping[str, Modifier] | None,
    *,
    terms: Terms | None = None,
) -> Model:
    """The enterprise's risk model: every library scenario for its GB/T 4754 section and revenue
    (CNY per year), with ``modifiers`` applied, under ``terms`` (ground-up when ``None``).

    The one builder of an enterprise's model: the treatment plan quantifies it, underwriting
    prices the scenarios of it that a product answers for.
    """
    scenarios = library_scenarios(industry_section, revenue, modifiers=modifiers)
    band = band_for_revenue(float(revenue))
    return Model(scenarios, terms or Terms(), name=f"enterprise {industry_section} {band}")


def sources() -> Mapping[str, Mapping[str, Any]]:
    """The bibliography of the library: key → citation and cited figures."""
    return library().sources


def parameters() -> tuple[Parameter, ...]:
    """Every calibration parameter of the library with its value and basis."""
    return library().parameters
