"""保中服务's pure rules: the service terms (``data/services.yaml``), the due dates of a service
over a policy's term, the states of a scheduled service task and the moves between them, which
SLA a task has missed on a day, and which provider of an insurer's panel gets a task.

No storage here: :mod:`liubu.monitoring.services` holds the use cases.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from liubu.datafiles import packaged_yaml
from liubu.errors import ValidationError
from liubu.monitoring.reasons import MonitoringCode
from liubu.products import Text


class Cadence(StrEnum):
    """How often a service is due during a policy's term."""

    ONCE = "once"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


_STEP_MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3}


class TaskKind(StrEnum):
    """A bundled service worked by a provider, or a monitoring rescan run by the scanner."""

    SERVICE = "service"
    RESCAN = "rescan"


class TaskState(StrEnum):
    """open → accepted → reported → completed; the insurer may send a report back (returned →
    reported again); a task not yet done when its policy stops being in force is cancelled."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REPORTED = "reported"
    RETURNED = "returned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


#: The states in which the provider still owes work (and a cancellation stops the task).
PENDING = frozenset({TaskState.OPEN, TaskState.ACCEPTED, TaskState.RETURNED})


class TaskAction(StrEnum):
    """What moves a task: the provider accepts, reports, completes; the insurer rejects a report;
    the scheduler cancels."""

    ACCEPT = "accept"
    REPORT = "report"
    COMPLETE = "complete"
    REJECT = "reject"
    CANCEL = "cancel"


#: (state, action) → the next state; every other pair is refused.
TRANSITIONS: Mapping[tuple[TaskState, TaskAction], TaskState] = {
    (TaskState.OPEN, TaskAction.ACCEPT): TaskState.ACCEPTED,
    (TaskState.ACCEPTED, TaskAction.REPORT): TaskState.REPORTED,
    (TaskState.RETURNED, TaskAction.REPORT): TaskState.REPORTED,
    (TaskState.REPORTED, TaskAction.COMPLETE): TaskState.COMPLETED,
    (TaskState.REPORTED, TaskAction.REJECT): TaskState.RETURNED,
    (TaskState.COMPLETED, TaskAction.REJECT): TaskState.RETURNED,
    (TaskState.OPEN, TaskAction.CANCEL): TaskState.CANCELLED,
    (TaskState.ACCEPTED, TaskAction.CANCEL): TaskState.CANCELLED,
    (TaskState.RETURNED, TaskAction.CANCEL): TaskState.CANCELLED,
}


def next_state(state: str, action: TaskAction) -> TaskState:
    """The state ``action`` moves a task in ``state`` to, or a located refusal."""
    try:
        return TRANSITIONS[(TaskState(state), action)]
    except (KeyError, ValueError):
        allowed = sorted(str(a) for (s, a) in TRANSITIONS if s == state)
        raise ValidationError(
            f"A task that is {state} cannot be {action}ed here"
            + (f"; it can be: {', '.join(allowed)}." if allowed else "."),
            code=MonitoringCode.SERVICE_TRANSITION,
            field="status",
            value=state,
        ) from None


class RejectReason(StrEnum):
    """Why an insurer sends a report back (titles in ``data/services.yaml``)."""

    EVIDENCE_MISSING = "evidence_missing"
    EVIDENCE_INSUFFICIENT = "evidence_insufficient"
    SCOPE_INCOMPLETE = "scope_incomplete"
    WRONG_ASSET = "wrong_asset"


class Breach(StrEnum):
    """The SLA a task has missed: not accepted in time, or not done in time."""

    ACCEPT = "accept"
    COMPLETE = "complete"


@dataclass(frozen=True, slots=True)
class ServiceTerms:
    """How one service is scheduled and the SLA its provider works to (days)."""

    code: str
    cadence: Cadence
    first_due_days: int
    accept_days: int
    complete_days: int
    assumption: bool
    task: Text
    source: Text | None = None


@dataclass(frozen=True, slots=True)
class ServiceCatalogue:
    """Every service's terms, the monthly rescan's, and the rejection reasons' titles."""

    services: Mapping[str, ServiceTerms]
    rescan: ServiceTerms
    reject_reasons: Mapping[str, Text]

    def terms(self, code: str) -> ServiceTerms:
        if code == self.rescan.code:
            return self.rescan
        try:
            return self.services[code]
        except KeyError:
            raise ValidationError(
                f"{code!r} is not a bundled service liubu schedules.",
                code=MonitoringCode.UNKNOWN_SERVICE,
                field="service",
                value=code,
            ) from None


def _text(row: Mapping[str, str]) -> Text:
    return Text(zh=str(row["zh"]), en=str(row["en"]))


def _terms(row: Mapping[str, object]) -> ServiceTerms:
    days = {k: int(str(row[k])) for k in ("first_due_days", "accept_days", "complete_days")}
    if min(days.values()) < 0 or days["accept_days"] > days["complete_days"]:
        raise ValueError(f"services.yaml: {row['code']}: days must be >= 0, accept <= complete")
    source = row.get("source")
    return ServiceTerms(
        code=str(row["code"]),
        cadence=Cadence(str(row["cadence"])),
        assumption=bool(row["assumption"]),
        task=_text(row["task"]),  # type: ignore[arg-type]
        source=_text(source) if isinstance(source, Mapping) else None,
        **days,
    )


@cache
def load_service_terms() -> ServiceCatalogue:
    """The packaged ``data/services.yaml``, read once per process."""
    doc = packaged_yaml("liubu.monitoring", "data", "services.yaml")
    services = {row["code"]: _terms(row) for row in doc["services"]}
    return ServiceCatalogue(
        services=services,
        rescan=_terms(doc["rescan"]),
        reject_reasons={RejectReason(k): _text(v) for k, v in doc["reject_reasons"].items()},
    )


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, on the month's last day when it is shorter.

    >>> add_months(date(2026, 1, 31), 1)
    datetime.date(2026, 2, 28)
    >>> add_months(date(2028, 1, 31), 1)
    datetime.date(2028, 2, 29)
    >>> add_months(date(2026, 11, 30), 3)
    datetime.date(2027, 2, 28)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_dates(terms: ServiceTerms, start: date, end: date) -> tuple[date, ...]:
    """The days a service is due over a term from ``start`` up to (not including) ``end``.

    The first is ``first_due_days`` after the start; a monthly or quarterly service is then due
    every one or three months on that same day of the month — each counted from the first, so a
    31st clamped to February's end is the 31st again in March.
    """
    first = start + timedelta(days=terms.first_due_days)
    if first >= end:
        return ()
    step = _STEP_MONTHS.get(terms.cadence)
    if step is None:
        return (first,)
    found: list[date] = []
    k = 0
    while (day := add_months(first, k * step)) < end:
        found.append(day)
        k += 1
    return tuple(found)


def deadlines(terms: ServiceTerms, due_on: date) -> tuple[date, date]:
    """The days by which a task due on ``due_on`` must be accepted and done."""
    return (
        due_on + timedelta(days=terms.accept_days),
        due_on + timedelta(days=terms.complete_days),
    )


def breach(status: str, accept_by: date, complete_by: date, on: date) -> Breach | None:
    """The SLA a task in ``status`` has missed on ``on`` (the later one when both), if any."""
    if status not in PENDING:
        return None
    if on > complete_by:
        return Breach.COMPLETE
    if status == TaskState.OPEN and on > accept_by:
        return Breach.ACCEPT
    return None


@dataclass(frozen=True, slots=True)
class PanelChoice:
    """One provider on an insurer's panel for a service, in the panel's order."""

    provider_id: str
    service_code: str
    rank: int


def choose_provider(
    panel: Sequence[PanelChoice], service_code: str, assigned: Sequence[str]
) -> str | None:
    """The provider for a task of ``service_code``: one already assigned to the enterprise if
    the insurer's panel has it for the service, else the panel's first for it, else none (the
    task stays unassigned and the insurer sees it flagged).

    >>> p = [PanelChoice("b", "x", 1), PanelChoice("a", "x", 2)]
    >>> choose_provider(p, "x", ["a"]), choose_provider(p, "x", []), choose_provider(p, "y", [])
    ('a', 'b', None)
    """
    ranked = sorted((c for c in panel if c.service_code == service_code), key=lambda c: c.rank)
    for choice in ranked:
        if choice.provider_id in assigned:
            return choice.provider_id
    return ranked[0].provider_id if ranked else None
