"""How in-term monitoring moves the enterprise's score (保中评分调整).

The rule is data (``data/score_effects.yaml``, every number flagged as an assumption or sourced):
each active alert costs ``points[severity] × factor[kind]`` (its kind told by its source); the
alerts on one asset, indicator and rule count once however many covers raised them; each kind's
cost is capped, and the whole at ``total_cap``. An alert in one of ``restoring_statuses``
(fixed, closed, false positive) costs nothing: its points come back.

:func:`score_adjustment` applies the rule (pure); :func:`rescore` is the use case: it recomputes
each enterprise's in-term score — its diagnosis score moved by the adjustment of its alerts —
and appends a change to the score history (:mod:`liubu.assessment.history`) only when the
score or grade moved. The premium of a policy in force never changes with it: the in-term score
reaches the price at renewal only (``liubu.underwriting.renew``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, Protocol

from liubu.assessment import (
    ScoreChange,
    ScoreChangeReason,
    ScoreHistoryUnitOfWork,
    append_score,
    security_score,
)
from liubu.datafiles import packaged_yaml
from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.records import Alert, MonitoringUnitOfWork

EFFECTS_FILE = "score_effects.yaml"
#: At most this many enterprises are rescored in one call.
MAX_ENTERPRISES = 1_000
BASES = ("assumption",)  # or "source: <citation>"


@dataclass(frozen=True, slots=True)
class AlertKind:
    """A kind of alert: the sources that raise it, its factor and its cap (points)."""

    name: str
    sources: frozenset[str]
    factor: Decimal
    cap: Decimal


@dataclass(frozen=True, slots=True)
class ScoreEffects:
    """The rule of ``data/score_effects.yaml``."""

    version: int
    restoring_statuses: frozenset[str]
    points: Mapping[str, Decimal]
    kinds: tuple[AlertKind, ...]
    default_kind: str
    total_cap: Decimal

    def kind_of(self, source: str) -> AlertKind:
        for kind in self.kinds:
            if source in kind.sources:
                return kind
        return next(k for k in self.kinds if k.name == self.default_kind)


@dataclass(frozen=True, slots=True)
class AlertCost:
    """What one active alert costs before the caps."""

    alert_id: str
    kind: str
    severity: str
    points: Decimal

    def to_dict(self) -> dict[str, str]:
        return {
            "alert_id": self.alert_id,
            "kind": self.kind,
            "severity": self.severity,
            "points": str(self.points),
        }


@dataclass(frozen=True, slots=True)
class Adjustment:
    """The points the active alerts take off (``total`` ≤ 0), by kind after each kind's cap,
    and what each alert cost."""

    total: Decimal
    by_kind: Mapping[str, Decimal]
    costs: tuple[AlertCost, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": str(self.total),
            "by_kind": {k: str(v) for k, v in self.by_kind.items()},
            "alerts": [c.to_dict() for c in self.costs],
        }


def _fail(message: str, where: str) -> ValidationError:
    return ValidationError(
        f"{EFFECTS_FILE}: {where}: {message}",
        code=MonitoringCode.SCORE_EFFECTS,
        field=where,
    )


def _number(raw: Any, where: str) -> Decimal:
    """A flagged number ``{value: …, basis: assumption | "source: …"}``, ≥ 0."""
    if not isinstance(raw, Mapping) or set(raw) != {"value", "basis"}:
        raise _fail("give {value: …, basis: …}", where)
    basis = raw["basis"]
    if not isinstance(basis, str) or not (basis in BASES or basis.startswith("source: ")):
        raise _fail("basis is 'assumption' or 'source: <where it comes from>'", where)
    value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(f"{value!r} is not a number", where)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _fail(f"{value!r} is not a number", where) from None
    if not number.is_finite() or number < 0:
        raise _fail(f"{value!r} must be a number of at least 0", where)
    return number


def parse_score_effects(data: Any) -> ScoreEffects:
    """The rule from the file's plain data; refused with the location of what is wrong."""
    if not isinstance(data, Mapping):
        raise _fail("the file holds a mapping", "(top)")
    points_raw = data.get("points")
    if not isinstance(points_raw, Mapping) or set(points_raw) != {str(s) for s in AlertSeverity}:
        raise _fail(f"points names exactly the severities {', '.join(AlertSeverity)}", "points")
    points = {str(k): _number(v, f"points.{k}") for k, v in points_raw.items()}
    kinds_raw = data.get("kinds")
    if not isinstance(kinds_raw, Mapping) or not kinds_raw:
        raise _fail("kinds maps each kind to its sources, factor and cap", "kinds")
    kinds = []
    seen: set[str] = set()
    for name, row in kinds_raw.items():
        where = f"kinds.{name}"
        if not isinstance(row, Mapping) or not isinstance(row.get("sources"), list):
            raise _fail("give sources, factor and cap", where)
        sources = frozenset(str(s) for s in row["sources"])
        if sources & seen:
            raise _fail(f"a source is in two kinds: {sorted(sources & seen)}", where)
        seen |= sources
        factor = _number(row.get("factor"), f"{where}.factor")
        kinds.append(AlertKind(str(name), sources, factor, _number(row.get("cap"), f"{where}.cap")))
    default = str(data.get("default_kind", ""))
    if default not in {k.name for k in kinds}:
        raise _fail(f"{default!r} is not one of the kinds", "default_kind")
    restoring = data.get("restoring_statuses")
    if not isinstance(restoring, list) or not restoring:
        raise _fail("list the statuses that give the points back", "restoring_statuses")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail("version is a whole number of at least 1", "version")
    return ScoreEffects(
        version=version,
        restoring_statuses=frozenset(str(s) for s in restoring),
        points=points,
        kinds=tuple(kinds),
        default_kind=default,
        total_cap=_number(data.get("total_cap"), "total_cap"),
    )


@cache
def load_score_effects() -> ScoreEffects:
    """The packaged rule (read once per process)."""
    return parse_score_effects(packaged_yaml("liubu.monitoring", "data", EFFECTS_FILE))


def score_adjustment(alerts: Iterable[Alert], effects: ScoreEffects | None = None) -> Adjustment:
    """The points ``alerts`` take off their enterprise's score (see the module's documentation).

    Alerts in a restoring status cost nothing; of several alerts on the same asset, indicator
    and rule (one per cover) the most severe counts, once."""
    rule = effects or load_score_effects()
    counted: dict[tuple[str, str, str], AlertCost] = {}
    for alert in sorted(alerts, key=lambda a: (a.created_at, a.id)):
        if alert.status in rule.restoring_statuses:
            continue
        kind = rule.kind_of(alert.source)
        cost = AlertCost(
            alert.id, kind.name, alert.severity, rule.points[alert.severity] * kind.factor
        )
        key = (alert.asset_value, alert.indicator, alert.rule)
        if key not in counted or cost.points > counted[key].points:
            counted[key] = cost
    costs = tuple(counted.values())
    by_kind: dict[str, Decimal] = {}
    for kind in rule.kinds:
        spent = sum((c.points for c in costs if c.kind == kind.name), Decimal(0))
        if spent:
            by_kind[kind.name] = Decimal(0) - min(spent, kind.cap)
    spent_in_all = Decimal(0) - sum(by_kind.values(), Decimal(0))
    total = Decimal(0) - min(spent_in_all, rule.total_cap)
    return Adjustment(total=total, by_kind=by_kind, costs=costs)


class ScoringUnitOfWork(MonitoringUnitOfWork, ScoreHistoryUnitOfWork, Protocol):
    """Monitoring's unit of work with the score history."""


def rescore(
    uow: ScoringUnitOfWork,
    enterprise_ids: Iterable[str],
    *,
    reason: ScoreChangeReason,
    at: datetime,
    ref: str | None = None,
) -> list[ScoreChange]:
    """Recompute the in-term score of each enterprise — its diagnosis score (the last one the
    history recorded; computed now when none was) moved by the adjustment of its alerts — and
    append a change with ``reason`` (and ``ref``: the alert or scan behind it) where the score
    or grade moved; an enterprise with no history yet first gets its diagnosis score (reason
    ``diagnosis``, no adjustment), so every change says where it came from. Returns the changes
    appended, in a transaction of its own (alert ingest and lifecycle transitions call
    :func:`rescore_for` inside theirs).

    The caller must see each enterprise's history (its insurer, the insured, an assigned
    provider, the platform): anyone else's is not found (NotFoundError), and nothing is
    written."""
    wanted = list(dict.fromkeys(enterprise_ids))
    if len(wanted) > MAX_ENTERPRISES:
        raise ValidationError(
            f"At most {MAX_ENTERPRISES} enterprises are rescored at once; got {len(wanted)}.",
            code=MonitoringCode.BATCH_TOO_LARGE,
            field="enterprise_ids",
        )
    with uow:
        changes = _rescore(uow, wanted, reason=reason, at=at, ref=ref)
        uow.commit()
        return changes


def _rescore(
    uow: ScoringUnitOfWork,
    wanted: Sequence[str],
    *,
    reason: ScoreChangeReason,
    at: datetime,
    ref: str | None,
) -> list[ScoreChange]:
    """:func:`rescore` inside the caller's open transaction, which the caller commits."""
    for enterprise_id in wanted:  # NotFoundError: not the caller's to see
        uow.score_history.tenant_of(enterprise_id)
    alerts = _alerts_by_enterprise(uow, wanted)
    changes = []
    for enterprise_id in wanted:
        adjustment = score_adjustment(alerts.get(enterprise_id, ()))
        last = uow.score_history.latest(enterprise_id)
        if last is None:  # the first change: the diagnosis's own score comes first
            diagnosis = security_score(uow, enterprise_id).value
            first = append_score(
                uow,
                enterprise_id,
                diagnosis=diagnosis,
                adjustment=Decimal(0),
                reason=ScoreChangeReason.DIAGNOSIS,
                at=at,
            )
            changes.extend([first] if first is not None else [])
        else:
            diagnosis = last.diagnosis_score
        change = append_score(
            uow,
            enterprise_id,
            diagnosis=diagnosis,
            adjustment=adjustment.total,
            reason=reason,
            at=at,
            ref=ref,
            detail=adjustment.to_dict(),
        )
        if change is not None:
            changes.append(change)
    return changes


def _alerts_by_enterprise(
    uow: MonitoringUnitOfWork, enterprise_ids: Sequence[str]
) -> dict[str, list[Alert]]:
    found: dict[str, list[Alert]] = {}
    for alert in uow.monitoring.alerts_of_enterprises(enterprise_ids):
        found.setdefault(alert.enterprise_id, []).append(alert)
    return found


def rescore_for(
    uow: ScoringUnitOfWork, alerts: Sequence[Alert], *, reason: ScoreChangeReason, at: datetime
) -> list[ScoreChange]:
    """:func:`rescore` the enterprises of ``alerts`` that just opened or settled, inside the
    caller's transaction: alert ingest after a batch (``alert_opened``), a lifecycle transition
    or a verified fix out of the active statuses (``alert_closed``). Each change names the alert
    behind it when one alert moved that enterprise, none when several did."""
    by_enterprise: dict[str, list[str]] = {}
    for alert in alerts:
        by_enterprise.setdefault(alert.enterprise_id, []).append(alert.id)
    changes: list[ScoreChange] = []
    for enterprise_id, ids in by_enterprise.items():
        ref = ids[0] if len(ids) == 1 else None
        changes.extend(_rescore(uow, [enterprise_id], reason=reason, at=at, ref=ref))
    return changes
