"""Ingesting a stream of events for one caller, optionally for one enterprise:
:func:`ingest_events`, the use case behind ``POST /api/monitoring/events`` and
``liubu monitor ingest``.

The watch list is read and indexed **once per call**, then the stream is recorded in batches of
at most ``batch_size`` observations, each batch in its own transaction (:func:`record_batch`), so
a stream of any length holds one batch in memory and a failure keeps what was committed before
it (re-sending the stream is harmless: recorded observations are duplicates).

With ``enterprise_id`` the caller must serve that enterprise — the platform any, a security
provider one assigned to it (a service task) — and the stream is matched only against that
enterprise's insured assets. The check comes before the first item is taken from the stream, so
a refused caller's body is never read and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from liubu.accounts import require
from liubu.assessment import IndexCache
from liubu.core import shanghai_today
from liubu.errors import PermissionDeniedError, ValidationError
from liubu.monitoring.alerts import (
    MAX_BATCH,
    MAX_ID,
    RECORDERS,
    RECORDING_KINDS,
    Matcher,
    record_batch,
)
from liubu.monitoring.observations import Observation, Rejected
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.records import MonitoringUnitOfWork
from liubu.monitoring.watched import watchlist

#: The most bytes of events one request may carry once decompressed (1 GiB: some two million
#: Suricata alerts); entry points stop reading past it.
MAX_EVENT_BYTES = 1 << 30
#: How many refused lines a report lists (all are counted).
MAX_REJECTED_SHOWN = 20


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest did: observations read, matched, alerted, repeated (folded into an
    alert), duplicates (recorded before), lines rejected, and the first
    :data:`MAX_REJECTED_SHOWN` of those with their line numbers and reasons."""

    read: int = 0
    matched: int = 0
    alerted: int = 0
    repeated: int = 0
    duplicates: int = 0
    rejected: int = 0
    first_rejected: tuple[Rejected, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "matched": self.matched,
            "alerted": self.alerted,
            "repeated": self.repeated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "first_rejected": [
                {"line": r.line, "code": r.code, "reason": r.reason} for r in self.first_rejected
            ],
        }


def check_serves(uow: MonitoringUnitOfWork, enterprise_id: str) -> None:
    """Refuse (PermissionDeniedError) a caller who may not record events for the enterprise."""
    if not enterprise_id or len(enterprise_id) > MAX_ID:
        raise ValidationError(
            f"An enterprise id has 1 to {MAX_ID} characters.",
            code=MonitoringCode.ENTERPRISE_ID,
            field="enterprise",
        )
    with uow:
        require(uow.principal, *RECORDERS, kinds=RECORDING_KINDS)
        if not uow.monitoring.serves(enterprise_id):
            raise PermissionDeniedError(
                "Your organisation does not serve this enterprise: its events are not yours "
                "to send."
            )


def ingest_events(
    uow: MonitoringUnitOfWork,
    items: Iterable[Observation | Rejected],
    *,
    enterprise_id: str | None = None,
    intel: IndexCache | None = None,
    now: datetime | None = None,
    batch_size: int = MAX_BATCH,
    on_rejected: Callable[[Rejected], None] | None = None,
) -> IngestReport:
    """Record ``items`` (a reader's output) in batches against the watch list built once; see
    the module's documentation. ``on_rejected`` is told of every refused line as it comes."""
    if not 1 <= batch_size <= MAX_BATCH:
        raise ValidationError(
            f"A batch holds 1 to {MAX_BATCH} observations.", field="batch_size", value=batch_size
        )
    moment = now or datetime.now(UTC)
    if enterprise_id is not None:
        check_serves(uow, enterprise_id)
    with uow:
        require(uow.principal, *RECORDERS, kinds=RECORDING_KINDS)
        assets = watchlist(uow, on=shanghai_today(moment))
    if enterprise_id is not None:
        assets = tuple(a for a in assets if a.enterprise_id == enterprise_id)
    matcher = Matcher(assets, intel=intel)
    totals = dict.fromkeys(("read", "matched", "alerted", "repeated", "duplicates"), 0)
    rejected: list[Rejected] = []
    refused = 0
    for chunk in _chunks(iter(items), batch_size):
        good: list[Observation] = []
        for item in chunk:
            if isinstance(item, Rejected):
                refused += 1
                if on_rejected is not None:
                    on_rejected(item)
                if len(rejected) < MAX_REJECTED_SHOWN:
                    rejected.append(item)
            else:
                good.append(item)
        if not good:
            continue
        with uow:
            result = record_batch(uow, good, matcher, moment)
            uow.commit()
        for name, value in result.as_dict().items():
            totals[name] += int(str(value))
    return IngestReport(**totals, rejected=refused, first_rejected=tuple(rejected))


def _chunks(
    items: Iterator[Observation | Rejected], size: int
) -> Iterator[list[Observation | Rejected]]:
    while chunk := list(islice(items, size)):
        yield chunk
