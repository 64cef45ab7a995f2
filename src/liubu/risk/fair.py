"""Open FAIR (Factor Analysis of Information Risk) on the liubu engines, with pyfair's input names.

The tree: risk = loss event frequency (LEF) × loss magnitude (LM), where

- LEF = threat event frequency (TEF) × vulnerability; TEF may be contact frequency (C) ×
  probability of action (A); vulnerability (V) may be P(threat capability TC > resistance
  (control) strength CS);
- LM = primary loss (PL) + secondary loss (SL); SL happens with probability SLEF per loss event,
  with magnitude SLEM.

liubu reads the tree per event: each threat event becomes a loss event with its own draw of TC
and CS, so vulnerability is v = P(TC > CS), computed exactly by quadrature; A and V given directly
thin the events by their means; frequencies given as a PERT are uncertain Poisson rates. The loss
of a year is the sum of one primary (and possibly secondary) loss per loss event. pyfair instead
multiplies one LEF draw by one LM draw per simulated year (see docs/risk.md for the consequences).

Inputs use pyfair's names (``"Threat Event Frequency"``, ``"TEF"``, ``"tef"``) and parameter
forms: ``{"low", "mode", "high"[, "gamma"]}`` (PERT), ``{"mean", "stdev"}`` (normal, censored at
zero), ``{"constant"}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scipy import integrate

from liubu.risk import _checks
from liubu.risk.basic import Constant, Normal
from liubu.risk.composite import Mixture
from liubu.risk.events import Component, Scenario
from liubu.risk.frequency import Frequency, PertPoisson, Poisson
from liubu.risk.reasons import RiskCode
from liubu.risk.severity import Pert, Severity

ABBREVIATIONS = {
    "LEF": "Loss Event Frequency",
    "TEF": "Threat Event Frequency",
    "V": "Vulnerability",
    "C": "Contact Frequency",
    "A": "Probability of Action",
    "TC": "Threat Capability",
    "CS": "Control Strength",
    "LM": "Loss Magnitude",
    "PL": "Primary Loss",
    "SL": "Secondary Loss",
    "SLEF": "Secondary Loss Event Frequency",
    "SLEM": "Secondary Loss Event Magnitude",
}
_PROBABILITIES = (
    "Probability of Action",
    "Vulnerability",
    "Threat Capability",
    "Control Strength",
    "Secondary Loss Event Frequency",
)


def normalise(inputs: Mapping[str, Mapping[str, float]]) -> dict[str, dict[str, float]]:
    """Map pyfair abbreviations (any case) to full node names; refuse unknown nodes."""
    full = {name.lower(): name for name in ABBREVIATIONS.values()}
    full.update({k.lower(): v for k, v in ABBREVIATIONS.items()})
    out: dict[str, dict[str, float]] = {}
    for key, params in inputs.items():
        name = full.get(str(key).lower())
        if name is None:
            raise _checks.invalid(
                f"Unknown FAIR node {key!r}; expected one of "
                f"{', '.join(ABBREVIATIONS.values())} or their abbreviations.",
                code=RiskCode.FAIR_UNKNOWN_NODE,
                field="fair",
                value=key,
            )
        out[name] = dict(params)
    return out


def distribution(node: str, params: Mapping[str, float]) -> Severity:
    """A FAIR input as a severity (PERT, normal censored at zero, or constant)."""
    keys = set(params)
    if keys == {"constant"}:
        dist: Severity = Constant(_checks.non_negative(f"{node}.constant", params["constant"]))
    elif keys in ({"low", "mode", "high"}, {"low", "mode", "high", "gamma"}):
        dist = Pert(params["low"], params["mode"], params["high"], params.get("gamma", 4.0))
    elif keys == {"mean", "stdev"}:
        dist = Normal(params["mean"], params["stdev"])
    else:
        raise _checks.invalid(
            f"FAIR node {node!r} needs constant, low/mode/high[/gamma] or mean/stdev; got "
            f"{sorted(keys)}.",
            code=RiskCode.FAIR_BAD_PARAMETERS,
            field=node,
            value=sorted(keys),
        )
    if node in _PROBABILITIES and dist.upper > 1.0:
        raise _checks.invalid(
            f"FAIR node {node!r} is a probability and must stay within [0, 1]; "
            f"its parameters reach {dist.upper!r}.",
            code=RiskCode.FAIR_NOT_A_PROBABILITY,
            field=node,
            value=dist.upper,
        )
    return dist


def vulnerability(capability: Severity, strength: Severity) -> float:
    """v = P(TC > CS) = ∫₀¹ P(CS < Q_TC(u)) du for independent TC and CS."""
    if isinstance(capability, Constant):
        c = capability.value
        return float(strength.cdf(math.nextafter(c, -math.inf))) if c > 0 else 0.0
    value, _ = integrate.quad(
        lambda u: float(strength.cdf(math.nextafter(float(capability.ppf(u)), -math.inf))),
        0.0,
        1.0,
        epsabs=1e-12,
        epsrel=1e-10,
        limit=200,
    )
    return float(value)


def _rate(node: str, params: Mapping[str, float], factor: float) -> Frequency:
    dist = distribution(node, params)
    if isinstance(dist, Constant):
        return Poisson(dist.value * factor)
    if isinstance(dist, Pert):
        return PertPoisson(dist.low * factor, dist.mode * factor, dist.high * factor, dist.gamma)
    raise _checks.invalid(
        f"FAIR node {node!r} is an event rate: give it as a constant or a PERT "
        "(a normal rate can go negative).",
        code=RiskCode.FAIR_RATE_FORM,
        field=node,
        value=dict(params),
    )


def _loss_event_frequency(nodes: Mapping[str, Mapping[str, float]]) -> Frequency:
    if "Loss Event Frequency" in nodes:
        return _rate("Loss Event Frequency", nodes["Loss Event Frequency"], 1.0)
    if "Vulnerability" in nodes:
        v = distribution("Vulnerability", nodes["Vulnerability"]).mean
    elif {"Threat Capability", "Control Strength"} <= set(nodes):
        v = vulnerability(
            distribution("Threat Capability", nodes["Threat Capability"]),
            distribution("Control Strength", nodes["Control Strength"]),
        )
    else:
        raise _checks.invalid(
            "FAIR needs Loss Event Frequency, or Vulnerability, or Threat "
            "Capability with Control Strength.",
            code=RiskCode.FAIR_INCOMPLETE,
            field="Vulnerability",
            value=sorted(nodes),
        )
    if "Threat Event Frequency" in nodes:
        return _rate("Threat Event Frequency", nodes["Threat Event Frequency"], v)
    if "Contact Frequency" in nodes:
        action = (
            distribution("Probability of Action", nodes["Probability of Action"]).mean
            if "Probability of Action" in nodes
            else 1.0
        )
        return _rate("Contact Frequency", nodes["Contact Frequency"], v * action)
    raise _checks.invalid(
        "FAIR needs Threat Event Frequency or Contact Frequency.",
        code=RiskCode.FAIR_INCOMPLETE,
        field="Threat Event Frequency",
        value=sorted(nodes),
    )


def _components(nodes: Mapping[str, Mapping[str, float]]) -> tuple[Component, ...]:
    if "Loss Magnitude" in nodes:
        return (Component("primary_loss", distribution("Loss Magnitude", nodes["Loss Magnitude"])),)
    if "Primary Loss" not in nodes:
        raise _checks.invalid(
            "FAIR needs Loss Magnitude or Primary Loss.",
            code=RiskCode.FAIR_INCOMPLETE,
            field="Primary Loss",
            value=sorted(nodes),
        )
    primary = Component("primary_loss", distribution("Primary Loss", nodes["Primary Loss"]))
    if "Secondary Loss" in nodes:
        secondary = distribution("Secondary Loss", nodes["Secondary Loss"])
    elif {"Secondary Loss Event Frequency", "Secondary Loss Event Magnitude"} <= set(nodes):
        p = distribution(
            "Secondary Loss Event Frequency", nodes["Secondary Loss Event Frequency"]
        ).mean
        magnitude = distribution(
            "Secondary Loss Event Magnitude", nodes["Secondary Loss Event Magnitude"]
        )
        secondary = Mixture((Constant(0.0), magnitude), (1.0 - p, p))
    else:
        return (primary,)
    return primary, Component("secondary_loss", secondary)


def fair_scenario(name: str, inputs: Mapping[str, Mapping[str, Any]]) -> Scenario:
    """An Open FAIR analysis as a liubu scenario (quantify it with :func:`liubu.risk.quantify`)."""
    nodes = normalise(inputs)
    for node, params in nodes.items():  # every input is checked, used or not
        distribution(node, params)
    return Scenario(
        name, _loss_event_frequency(nodes), _components(nodes), source="Open FAIR analysis"
    )
