"""Plain data (from YAML) to specs: the grammar shared by model files and the scenario library.

Every node is a one-key mapping naming its kind, e.g. ``{lognormal: {interval90: [1e5, 5e6]}}``,
``{pert: {low: 1, mode: 2, high: 5}}`` or ``{poisson: 0.2}``. Errors name the parameter, its
value and the file:line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from liubu.risk.basic import Constant, Empirical, Normal
from liubu.risk.composite import Gpd, Mixture, Scaled, Spliced
from liubu.risk.events import Component, Dependence, Scenario
from liubu.risk.frequency import Bernoulli, Frequency, NegativeBinomial, PertPoisson, Poisson
from liubu.risk.located import Located, Path
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import Lognormal, Pert, Severity
from liubu.risk.terms import CoverageTerms, Terms


def _mapping(
    src: Located, data: Any, path: Path, keys: tuple[str, ...], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``data`` as a mapping with only ``keys``, all of ``required`` present."""
    return src.mapping(data, path, keys, required, codes=_MAPPING_CODES)


_MAPPING_CODES = (RiskCode.NOT_A_MAPPING, RiskCode.UNKNOWN_KEY, RiskCode.MISSING_KEY)


def _kind(src: Located, data: Any, path: Path, kinds: tuple[str, ...]) -> tuple[str, Any]:
    if not isinstance(data, Mapping) or len(data) != 1:
        raise src.fail(
            f"Expected a mapping with exactly one of {', '.join(kinds)}; got {data!r}.",
            code=RiskCode.BAD_KIND,
            path=path,
            value=data,
        )
    ((kind, body),) = data.items()
    if kind not in kinds:
        raise src.fail(
            f"Unknown kind {kind!r}; expected one of {', '.join(kinds)}.",
            code=RiskCode.UNKNOWN_KIND,
            path=(*path, str(kind)),
            value=kind,
        )
    return str(kind), body


T = TypeVar("T")


def _build(src: Located, path: Path, make: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with src.at(path):
        return make(*args, **kwargs)


def severity(src: Located, data: Any, path: Path) -> Severity:
    """Parse a severity node."""
    kind, body = _kind(src, data, path, tuple(_SEVERITIES))
    result: Severity = _SEVERITIES[kind](src, body, (*path, kind))
    return result


def _lognormal(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(src, body, path, ("mu", "sigma", "interval90", "mean", "cv"))
    if "interval90" in d:
        pair = d["interval90"]
        if not isinstance(pair, list) or len(pair) != 2:
            raise src.fail(
                f"interval90 must be [low, high]; got {pair!r}.",
                code=RiskCode.BAD_INTERVAL,
                path=(*path, "interval90"),
                value=pair,
            )
        return _build(src, (*path, "interval90"), Lognormal.from_interval90, pair[0], pair[1])
    if "mean" in d:
        return _build(src, path, Lognormal.from_mean_cv, d.get("mean"), d.get("cv"))
    _mapping(src, body, path, ("mu", "sigma"), ("mu", "sigma"))
    return _build(src, path, Lognormal, d["mu"], d["sigma"])


def _pert(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(src, body, path, ("low", "mode", "high", "gamma"), ("low", "mode", "high"))
    return _build(src, path, Pert, d["low"], d["mode"], d["high"], d.get("gamma", 4.0))


def _pareto(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(src, body, path, ("alpha", "minimum"), ("alpha", "minimum"))
    return _build(src, path, Gpd.pareto, d["alpha"], d["minimum"])


def _gpd(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(src, body, path, ("shape", "scale", "loc"), ("shape", "scale"))
    return _build(src, path, Gpd, d["shape"], d["scale"], d.get("loc", 0.0))


def _spliced(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(
        src,
        body,
        path,
        ("body", "tail", "threshold", "tail_probability"),
        ("body", "tail", "threshold"),
    )
    low = severity(src, d["body"], (*path, "body"))
    high = severity(src, d["tail"], (*path, "tail"))
    return _build(src, path, Spliced, low, high, d["threshold"], d.get("tail_probability"))


def _empirical(src: Located, body: Any, path: Path) -> Severity:
    if isinstance(body, list):
        return _build(src, path, Empirical, tuple(body))
    d = _mapping(src, body, path, ("values", "weights"), ("values",))
    values, weights = d["values"], d.get("weights")
    if not isinstance(values, list) or (weights is not None and not isinstance(weights, list)):
        raise src.fail(
            "empirical values and weights must be lists of numbers.",
            code=RiskCode.BAD_EMPIRICAL,
            path=path,
            value=values,
        )
    return _build(src, path, Empirical, tuple(values), None if weights is None else tuple(weights))


def _constant(src: Located, body: Any, path: Path) -> Severity:
    return _build(src, path, Constant, body)


def _normal(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(src, body, path, ("mean", "stdev"), ("mean", "stdev"))
    return _build(src, path, Normal, d["mean"], d["stdev"])


def _mixture(src: Located, body: Any, path: Path) -> Severity:
    if not isinstance(body, list) or not body:
        raise src.fail(
            "mixture must be a non-empty list of {weight, severity}.",
            code=RiskCode.BAD_MIXTURE,
            path=path,
            value=body,
        )
    parts = [
        _mapping(src, item, (*path, i), ("weight", "severity"), ("weight", "severity"))
        for i, item in enumerate(body)
    ]
    comps = tuple(severity(src, p["severity"], (*path, i, "severity")) for i, p in enumerate(parts))
    return _build(src, path, Mixture, comps, tuple(p["weight"] for p in parts))


def _scaled(src: Located, body: Any, path: Path) -> Severity:
    d = _mapping(src, body, path, ("severity", "factor"), ("severity", "factor"))
    return _build(src, path, Scaled, severity(src, d["severity"], (*path, "severity")), d["factor"])


_SEVERITIES: dict[str, Callable[[Located, Any, Path], Severity]] = {
    "lognormal": _lognormal,
    "pert": _pert,
    "pareto": _pareto,
    "gpd": _gpd,
    "spliced": _spliced,
    "empirical": _empirical,
    "constant": _constant,
    "normal": _normal,
    "mixture": _mixture,
    "scaled": _scaled,
}


def frequency(src: Located, data: Any, path: Path) -> Frequency:
    """Parse a frequency node."""
    kind, body = _kind(
        src, data, path, ("poisson", "negative_binomial", "bernoulli", "pert_poisson")
    )
    at = (*path, kind)
    if kind == "poisson":
        rate = (
            _mapping(src, body, at, ("rate",), ("rate",))["rate"]
            if isinstance(body, Mapping)
            else body
        )
        return _build(src, at, Poisson, rate)
    if kind == "bernoulli":
        p = _mapping(src, body, at, ("p",), ("p",))["p"] if isinstance(body, Mapping) else body
        return _build(src, at, Bernoulli, p)
    if kind == "negative_binomial":
        d = _mapping(src, body, at, ("mean", "cv"), ("mean", "cv"))
        return _build(src, at, NegativeBinomial, d["mean"], d["cv"])
    d = _mapping(src, body, at, ("low", "mode", "high", "gamma"), ("low", "mode", "high"))
    return _build(src, at, PertPoisson, d["low"], d["mode"], d["high"], d.get("gamma", 4.0))


def dependence(src: Located, data: Any, path: Path) -> Dependence:
    if data in ("independent", "comonotone"):
        return Dependence(str(data))
    kind, body = _kind(src, data, path, ("gaussian",))
    return _build(src, (*path, kind), Dependence, kind, body)


def component(src: Located, data: Any, path: Path) -> Component:
    d = _mapping(
        src, data, path, ("coverage", "severity", "outage_hours", "loss_per_hour"), ("coverage",)
    )
    sev = severity(src, d["severity"], (*path, "severity")) if "severity" in d else None
    hours = (
        severity(src, d["outage_hours"], (*path, "outage_hours")) if "outage_hours" in d else None
    )
    return _build(src, path, Component, d["coverage"], sev, hours, d.get("loss_per_hour"))


SCENARIO_KEYS = ("name", "frequency", "components", "dependence", "source")


def scenario(src: Located, data: Any, path: Path) -> Scenario:
    d = _mapping(src, data, path, SCENARIO_KEYS, ("name", "frequency", "components"))
    if not isinstance(d["components"], list):
        raise src.fail(
            "components must be a list.",
            code=RiskCode.BAD_COMPONENTS,
            path=(*path, "components"),
            value=d["components"],
        )
    comps = tuple(
        component(src, c, (*path, "components", i)) for i, c in enumerate(d["components"])
    )
    dep = dependence(src, d["dependence"], (*path, "dependence")) if "dependence" in d else None
    freq = frequency(src, d["frequency"], (*path, "frequency"))
    return _build(src, path, Scenario, d["name"], freq, comps, dep or Dependence(), d.get("source"))


def terms(src: Located, data: Any, path: Path) -> Terms:
    d = _mapping(src, data, path, ("retention", "aggregate_limit", "coverages"))
    covers = d.get("coverages", {}) or {}
    if not isinstance(covers, Mapping):
        raise src.fail(
            "terms.coverages must map coverage codes to their terms.",
            code=RiskCode.BAD_COVERAGES,
            path=(*path, "coverages"),
            value=covers,
        )
    keys = ("sublimit", "coinsurance", "waiting_period_hours", "waiting_period_type", "covered")
    parsed = {}
    for code, body in covers.items():
        at = (*path, "coverages", code)
        c = _mapping(src, body, at, keys)
        parsed[code] = _build(
            src,
            at,
            CoverageTerms,
            c.get("sublimit", math.inf),
            c.get("coinsurance", 0.0),
            c.get("waiting_period_hours", 0.0),
            c.get("waiting_period_type", "time_deductible"),
            c.get("covered", True),
        )
    return _build(
        src, path, Terms, d.get("retention", 0.0), d.get("aggregate_limit", math.inf), parsed
    )
