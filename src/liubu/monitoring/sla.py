"""Service levels of the alert lifecycle (服务时限): by when an alert must be acknowledged and
fixed, per severity, and where an alert stands against them.

The hours are in ``data/sla.yaml`` (which says where they come from: CISA BOD 19-02 for the fix
times of critical and high alerts, assumptions for the rest). Both clocks start when the alert
opens. The acknowledge clock stops at acknowledgement; the fix clock stops when the provider
reports a fix or the alert is fixed, closed or found a false positive.

>>> from datetime import datetime, UTC
>>> opened = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
>>> [t.isoformat() for t in due_times("critical", opened)]
['2026-06-01T13:00:00+00:00', '2026-06-16T09:00:00+00:00']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from functools import cache

from liubu.datafiles import packaged_yaml
from liubu.monitoring.observations import AlertSeverity
from liubu.monitoring.records import Alert, AlertStatus

#: Statuses in which the acknowledge clock runs.
AWAITING_ACKNOWLEDGEMENT = frozenset({AlertStatus.OPEN})
#: Statuses in which the fix clock runs (the provider has not yet reported a fix).
AWAITING_FIX = frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.REMEDIATION})


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    """How long after opening an alert of one severity must be acknowledged and fixed."""

    severity: AlertSeverity
    acknowledge: timedelta
    fix: timedelta


class Escalation(IntEnum):
    """How far an alert has breached its service levels; only ever rises."""

    NONE = 0
    ACKNOWLEDGE_MISSED = 1
    FIX_MISSED = 2


class SlaState(StrEnum):
    """Where an alert stands against its service levels now."""

    ON_TIME = "on_time"  # a clock runs and its due time is ahead
    OVERDUE = "overdue"  # a running clock's due time has passed
    STOPPED = "stopped"  # no clock runs: a fix is reported, or the alert is settled


@cache
def service_levels() -> dict[AlertSeverity, ServiceLevel]:
    """Every severity's service level, read once from ``data/sla.yaml``."""
    hours = packaged_yaml("liubu.monitoring", "data", "sla.yaml")["hours"]
    levels = {}
    for severity in AlertSeverity:
        row = hours[str(severity)]
        acknowledge, fix = timedelta(hours=row["acknowledge"]), timedelta(hours=row["fix"])
        if not timedelta(0) < acknowledge <= fix:
            raise ValueError(f"sla.yaml: {severity} must be acknowledged before it is fixed.")
        levels[severity] = ServiceLevel(severity, acknowledge, fix)
    return levels


def due_times(severity: str, opened_at: datetime) -> tuple[datetime, datetime]:
    """When an alert of ``severity`` opened at ``opened_at`` is due to be acknowledged and
    fixed."""
    level = service_levels()[AlertSeverity(severity)]
    return opened_at + level.acknowledge, opened_at + level.fix


def breach(alert: Alert, now: datetime) -> Escalation:
    """How far ``alert`` has breached its running clocks at ``now`` (a stopped clock cannot be
    breached any more: escalation only records what was missed while it ran)."""
    status = AlertStatus(alert.status)
    if status in AWAITING_FIX and alert.fix_due is not None and now > alert.fix_due:
        return Escalation.FIX_MISSED
    if (
        status in AWAITING_ACKNOWLEDGEMENT
        and alert.acknowledge_due is not None
        and now > alert.acknowledge_due
    ):
        return Escalation.ACKNOWLEDGE_MISSED
    return Escalation.NONE


def sla_state(alert: Alert, now: datetime) -> SlaState:
    """Whether a clock runs on ``alert`` and whether it is overdue."""
    if AlertStatus(alert.status) not in AWAITING_FIX:
        return SlaState.STOPPED
    return SlaState.OVERDUE if breach(alert, now) else SlaState.ON_TIME


def next_due(alert: Alert) -> datetime | None:
    """The due time of the clock that runs now (acknowledge while open, then fix); None when
    none runs."""
    status = AlertStatus(alert.status)
    if status in AWAITING_ACKNOWLEDGEMENT:
        return alert.acknowledge_due
    if status in AWAITING_FIX:
        return alert.fix_due
    return None
