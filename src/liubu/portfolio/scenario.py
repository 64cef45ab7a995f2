"""Deterministic scenarios (确定性情景): "provider X region Y down 24 h" → the loss to the book.

A :class:`Scenario` is one event with fixed parameters, struck at a dependency the catalogue
declares:

- ``outage``: the target is down for ``hours``; every policy relying on it loses
  (hours − tolerance)⁺ × revenue ÷ 8,760 × its revenue share (the kernel's hourly definition);
- ``mass_exploitation`` (a software CPE) and ``msp_ransomware`` (a managed-service provider):
  a ``share_hit`` of the exposed policies is struck — taken deterministically, the
  ⌈share × exposed⌉ policies with the largest annual revenue (ties by policy id), the worst case
  for a share of that size — and each struck policy loses ``loss_share`` × revenue under
  ``coverage`` plus, if ``hours`` is given, its own outage of that many hours.

:func:`run_scenario` compiles the scenario into a one-family plan and prices every hit with the
simulation kernel's own terms path (:func:`~liubu.portfolio.kernel.event_insured`: the risk
engine's ``recoverable_amount``, ``insured_event_loss`` and ``annual_insured_loss``), so a
scenario loses exactly what the same event loses inside a simulated year with no other event.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from liubu.errors import ValidationError
from liubu.portfolio.kernel import event_insured
from liubu.portfolio.plan import compile_plan
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import HOURS_PER_YEAR, Basis, Book, Catalogue, EventFamily
from liubu.portfolio.vocabulary import struck_kinds
from liubu.risk import Constant, coverage_codes

#: The kinds of deterministic scenario.
SCENARIO_KINDS = ("outage", "mass_exploitation", "msp_ransomware")
#: Bounds: a scenario lasts at most a year; a name at most 100 characters, a title 200.
MAX_HOURS = HOURS_PER_YEAR
MAX_NAME = 100
MAX_TITLE = 200
#: The parameters a scenario's basis may speak for.
SCENARIO_PARAMETERS = ("hours", "share_hit", "loss_share")


def _bad(message: str, code: PortfolioCode, field_name: str, value: object) -> ValidationError:
    return ValidationError(message, code=code, field=field_name, value=value)


def _number(field_name: str, value: object, low: float, high: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise _bad(
            f"{field_name} must be a number from {low:g} to {high:g}; got {value!r}.",
            PortfolioCode.BAD_FIELD,
            field_name,
            repr(value),
        )
    return float(value)


@dataclass(frozen=True)
class Scenario:
    """One deterministic event: its kind, the dependency it strikes and its fixed parameters."""

    name: str
    kind: str
    target: str
    hours: float | None = None
    share_hit: float = 1.0
    loss_share: float | None = None
    coverage: str = "incident_response"
    title_zh: str = ""
    title_en: str = ""
    basis: Mapping[str, Basis] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() or len(self.name) > MAX_NAME:
            raise _bad(
                f"A scenario needs a name of 1 to {MAX_NAME} characters; got {self.name!r}.",
                PortfolioCode.MISSING_FIELD,
                "name",
                repr(self.name),
            )
        for lang, title in (("zh", self.title_zh), ("en", self.title_en)):
            if not isinstance(title, str) or len(title) > MAX_TITLE:
                raise _bad(
                    f"Scenario {self.name!r}: a title has at most {MAX_TITLE} characters.",
                    PortfolioCode.BAD_FIELD,
                    f"title.{lang}",
                    None,
                )
        if self.kind not in SCENARIO_KINDS:
            raise _bad(
                f"Scenario {self.name!r}: kind {self.kind!r} is not one of "
                f"{', '.join(SCENARIO_KINDS)}.",
                PortfolioCode.SCENARIO_KIND,
                "kind",
                repr(self.kind),
            )
        if not isinstance(self.target, str) or not self.target:
            raise _bad(
                f"Scenario {self.name!r} names no target dependency.",
                PortfolioCode.MISSING_FIELD,
                "target",
                repr(self.target),
            )
        if self.hours is not None:
            object.__setattr__(self, "hours", _number("hours", self.hours, 0.0, MAX_HOURS))
        object.__setattr__(self, "share_hit", _number("share_hit", self.share_hit, 0.0, 1.0))
        if self.loss_share is not None:
            object.__setattr__(self, "loss_share", _number("loss_share", self.loss_share, 0.0, 1.0))
        if self.kind == "outage":
            if self.hours is None:
                raise _bad(
                    f"Scenario {self.name!r}: an outage gives its hours.",
                    PortfolioCode.MISSING_FIELD,
                    "hours",
                    None,
                )
            if self.loss_share is not None or self.share_hit != 1.0:
                raise _bad(
                    f"Scenario {self.name!r}: an outage takes the target down for every insured "
                    "relying on it; it has no share_hit or loss_share.",
                    PortfolioCode.BAD_FIELD,
                    "share_hit" if self.share_hit != 1.0 else "loss_share",
                    None,
                )
        elif self.loss_share is None:
            raise _bad(
                f"Scenario {self.name!r}: a {self.kind} gives the loss_share of revenue a struck "
                "insured loses.",
                PortfolioCode.MISSING_FIELD,
                "loss_share",
                None,
            )
        codes = coverage_codes(insurable_only=True)
        if self.coverage not in codes:
            raise _bad(
                f"Scenario {self.name!r}: coverage {self.coverage!r} is not one of "
                f"{', '.join(codes)}.",
                PortfolioCode.BAD_FIELD,
                "coverage",
                repr(self.coverage),
            )
        unknown = [k for k in self.basis if k not in SCENARIO_PARAMETERS]
        if unknown:
            raise _bad(
                f"Scenario {self.name!r}: a basis is given for {unknown[0]!r}, which is not one "
                f"of {', '.join(SCENARIO_PARAMETERS)}.",
                PortfolioCode.UNKNOWN_FIELD,
                "basis",
                repr(unknown[0]),
            )
        object.__setattr__(self, "basis", MappingProxyType(dict(self.basis)))

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters this scenario sets (each should have a basis)."""
        given = {
            "hours": self.hours is not None,
            "share_hit": self.kind != "outage",
            "loss_share": self.loss_share is not None,
        }
        return tuple(p for p in SCENARIO_PARAMETERS if given[p])

    def title(self, lang: str) -> str:
        """The scenario's title in ``lang`` (``zh`` or ``en``), its name when it has none."""
        text = self.title_zh if lang.startswith("zh") else self.title_en
        return text or self.name

    def family_kind(self, dependency_kind: str) -> str:
        """The event family kind whose terms path this scenario takes."""
        if self.kind != "outage":
            return self.kind
        return "dns_cdn_outage" if dependency_kind in ("dns", "cdn") else "provider_outage"


@dataclass(frozen=True, slots=True)
class ScenarioPolicyLoss:
    """One policy's loss from a scenario: hours lost beyond its tolerance, ground-up and insured
    (CNY)."""

    policy: str
    industry: str  # GB/T 4754 section
    region: str  # GB/T 2260 province code
    revenue: float
    lost_hours: float
    ground_up: float
    insured: float


@dataclass(frozen=True, slots=True)
class ScenarioGroupLoss:
    """The loss of the policies of one industry section or province."""

    key: str
    policies: int
    ground_up: float
    insured: float


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's loss to the book: totals, how many policies it reached, and by policy,
    industry and region (largest insured loss first, then ground-up, then key)."""

    scenario: Scenario
    policies: int  # in the book
    exposed: int  # relying on the target
    struck: int  # struck by the event (every exposed policy for an outage)
    hit: int  # struck with a ground-up loss
    paid: int  # with an insured loss
    ground_up: float
    insured: float
    by_policy: tuple[ScenarioPolicyLoss, ...]
    by_industry: tuple[ScenarioGroupLoss, ...]
    by_region: tuple[ScenarioGroupLoss, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the CLI's ``--json``, a page)."""
        s = self.scenario
        return {
            "scenario": {
                "name": s.name,
                "title": {"zh": s.title("zh"), "en": s.title("en")},
                "kind": s.kind,
                "target": s.target,
                "hours": s.hours,
                "share_hit": s.share_hit,
                "loss_share": s.loss_share,
                "coverage": s.coverage,
            },
            "policies": self.policies,
            "exposed": self.exposed,
            "struck": self.struck,
            "hit": self.hit,
            "paid": self.paid,
            "ground_up": self.ground_up,
            "insured": self.insured,
            "by_policy": [
                {
                    "policy": p.policy,
                    "industry": p.industry,
                    "region": p.region,
                    "revenue": p.revenue,
                    "lost_hours": p.lost_hours,
                    "ground_up": p.ground_up,
                    "insured": p.insured,
                }
                for p in self.by_policy
            ],
            "by_industry": [_group(g) for g in self.by_industry],
            "by_region": [_group(g) for g in self.by_region],
        }


def _group(g: ScenarioGroupLoss) -> dict[str, Any]:
    return {"key": g.key, "policies": g.policies, "ground_up": g.ground_up, "insured": g.insured}


def struck_count(share: float, exposed: int) -> int:
    """⌈share × exposed⌉, the product first rounded to 9 decimals so that 0.3 × 10 is 3."""
    return min(exposed, math.ceil(round(share * exposed, 9)))


def run_scenario(book: Book, catalogue: Catalogue, scenario: Scenario) -> ScenarioResult:
    """The loss to ``book`` of ``scenario``, whose target ``catalogue`` must declare.

    Pure. Each struck policy's insured loss goes through the simulation kernel's terms path with
    its full annual aggregate limit available (no other loss that year)."""
    target = catalogue.dependency(scenario.target)
    if target is None:
        raise _bad(
            f"Scenario {scenario.name!r} strikes dependency {scenario.target!r}, which the "
            "catalogue does not declare.",
            PortfolioCode.UNKNOWN_DEPENDENCY,
            "target",
            scenario.target,
        )
    kind = scenario.family_kind(target.kind)
    if target.kind not in struck_kinds(kind):
        raise _bad(
            f"Scenario {scenario.name!r} ({scenario.kind}) cannot strike {target.id!r} of kind "
            f"{target.kind}; it strikes {', '.join(_scenario_targets(scenario.kind))}.",
            PortfolioCode.TARGET_KIND,
            "target",
            scenario.target,
        )
    family = EventFamily(
        name=scenario.name,
        kind=kind,
        rate=0.0,
        target=target.id,
        outage_hours=None if scenario.hours is None else Constant(scenario.hours),
        loss_share=None if scenario.loss_share is None else Constant(scenario.loss_share),
        coverage=scenario.coverage,
    )
    plan = compile_plan(book, Catalogue(catalogue.dependencies, (family,)))
    fp = plan.families[0]
    exposed = len(fp.exposed)
    rows = np.arange(exposed, dtype=np.int64)
    if scenario.share_hit < 1.0:
        ids = [plan.policy_ids[i] for i in fp.exposed]
        by_size = sorted(rows.tolist(), key=lambda r: (-float(plan.revenue[fp.exposed[r]]), ids[r]))
        rows = np.array(sorted(by_size[: struck_count(scenario.share_hit, exposed)]), np.int64)
    policy = fp.exposed[rows]
    hours = scenario.hours or 0.0
    lost = np.maximum(hours - fp.tolerance[rows], 0.0)
    hourly = fp.hourly[rows]
    direct = (
        np.full(len(rows), scenario.loss_share) * plan.revenue[policy]
        if scenario.loss_share is not None
        else np.zeros(len(rows))
    )
    ground_up = lost * hourly + direct
    insured = event_insured(plan, 0, policy, lost, hourly, direct)
    losses = [
        ScenarioPolicyLoss(
            plan.policy_ids[p],
            plan.industries[p],
            plan.regions[p],
            float(plan.revenue[p]),
            float(lost[i]),
            float(ground_up[i]),
            float(insured[i]),
        )
        for i, p in enumerate(policy.tolist())
        if ground_up[i] > 0.0 or insured[i] > 0.0
    ]
    losses.sort(key=lambda x: (-x.insured, -x.ground_up, x.policy))
    return ScenarioResult(
        scenario=scenario,
        policies=plan.policies,
        exposed=exposed,
        struck=len(rows),
        hit=sum(1 for x in losses if x.ground_up > 0.0),
        paid=sum(1 for x in losses if x.insured > 0.0),
        ground_up=math.fsum(x.ground_up for x in losses),
        insured=math.fsum(x.insured for x in losses),
        by_policy=tuple(losses),
        by_industry=_grouped(losses, "industry"),
        by_region=_grouped(losses, "region"),
    )


def _grouped(losses: list[ScenarioPolicyLoss], by: str) -> tuple[ScenarioGroupLoss, ...]:
    groups: dict[str, list[ScenarioPolicyLoss]] = {}
    for x in losses:
        groups.setdefault(getattr(x, by), []).append(x)
    rows = [
        ScenarioGroupLoss(
            key,
            len(members),
            math.fsum(m.ground_up for m in members),
            math.fsum(m.insured for m in members),
        )
        for key, members in groups.items()
    ]
    return tuple(sorted(rows, key=lambda g: (-g.insured, -g.ground_up, g.key)))


def _scenario_targets(kind: str) -> tuple[str, ...]:
    if kind == "outage":
        return (*struck_kinds("provider_outage"), *struck_kinds("dns_cdn_outage"))
    return struck_kinds(kind)


def scenario_named(scenarios: tuple[Scenario, ...], name: str) -> Scenario:
    """The scenario called ``name``, or a clear error listing the names there are."""
    found = next((s for s in scenarios if s.name == name), None)
    if found is None:
        names = ", ".join(s.name for s in scenarios[:20])
        raise _bad(
            f"No scenario is called {name!r}; the library has: {names}.",
            PortfolioCode.UNKNOWN_SCENARIO,
            "name",
            name,
        )
    return found
