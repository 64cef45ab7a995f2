"""Recording observations: idempotent ingest, matching, de-duplicated alerts.

:func:`record_observations` is the one use case every feed, event upload and CLI command ends
in. In one transaction it

1. drops observations already recorded — each is known by a key over its source, fingerprint,
   indicator kind and value (one source record may name several indicators), kept in
   ``observation_fingerprints`` for :data:`FINGERPRINT_RETENTION`; so the same file or event
   recorded twice changes nothing while its keys are remembered;
2. builds the caller's watch list for the day (a security provider's covers only the
   enterprises assigned to it, so its events cannot raise alerts on anyone else's assets) and
   matches the rest against it (:mod:`liubu.monitoring.matching`);
3. folds each match into an active alert of the same (policy, asset, indicator, rule) whose
   seen period lies within :data:`DEDUP_WINDOW` of the observation's time — the count goes up,
   first/last seen widen, the severity rises to the higher of the two — or opens a new alert;
4. forgets fingerprints older than the retention and audits the batch (each alert created or
   changed is audited by the store like every record).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from liubu.accounts import OrgKind, Role, new_id, require
from liubu.assessment import IndexCache, ScoreChangeReason
from liubu.core import shanghai_today
from liubu.errors import ValidationError
from liubu.monitoring.announce import announce_opened
from liubu.monitoring.matching import AlertCandidate, WatchIndex, match
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.records import Alert, AlertStatus, MonitoringUnitOfWork
from liubu.monitoring.scoring import rescore_for
from liubu.monitoring.sla import due_times
from liubu.monitoring.watched import WATCHERS, WATCHING_KINDS, WatchedAsset, watchlist

#: A repeat of the same (asset, indicator, rule) this close to an active alert's seen period is
#: the same alert (its count goes up); further apart, it opens a new one.
DEDUP_WINDOW = timedelta(hours=24)
#: How long an observation's key is remembered: a record re-sent within it is a duplicate.
FINGERPRINT_RETENTION = timedelta(days=90)
#: At most this many observations per call; callers stream larger inputs in batches.
MAX_BATCH = 50_000

RECORDERS = (Role.ADMIN, Role.SECURITY_ANALYST)
RECORDING_KINDS = (OrgKind.PLATFORM, OrgKind.SECURITY_PROVIDER)
RECORDED = "monitoring.observations_recorded"

_RANK = {s: rank for rank, s in enumerate(reversed(list(AlertSeverity)))}


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Observations read, of which duplicates (recorded before) and matched (met at least one
    watched asset); alerts opened, and repeats folded into an existing alert."""

    read: int
    matched: int
    alerted: int
    duplicates: int
    repeated: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "matched": self.matched,
            "alerted": self.alerted,
            "repeated": self.repeated,
            "duplicates": self.duplicates,
        }


def observation_key(observation: Observation) -> str:
    """The remembered key of an observation (SHA-256 hex)."""
    text = "\x00".join(
        (observation.source, observation.fingerprint, str(observation.kind), observation.value)
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_observations(
    uow: MonitoringUnitOfWork,
    observations: Iterable[Observation],
    *,
    intel: IndexCache | None = None,
    now: datetime | None = None,
) -> IngestResult:
    """Record a batch (see the module's documentation); ``intel`` caches the vulnerability
    index between calls (built from the stored feed files only when a CVE is observed)."""
    moment = now or datetime.now(UTC)
    batch = list(observations)
    with uow:
        require(uow.principal, *RECORDERS, kinds=RECORDING_KINDS)
        matcher = Matcher(watchlist(uow, on=shanghai_today(moment)), intel=intel)
        result = record_batch(uow, batch, matcher, moment)
        uow.commit()
        return result


class Matcher:
    """A watch list indexed once and reused for every batch of one ingest (building the index
    for 100,000 assets costs more than matching a batch against it); the vulnerability index
    is added the first time a batch holds a CVE."""

    def __init__(self, assets: Sequence[WatchedAsset], *, intel: IndexCache | None = None) -> None:
        self.assets = assets
        self._intel = intel or IndexCache()
        self._index = WatchIndex(assets)
        self._with_intel = False

    def index(self, uow: MonitoringUnitOfWork, *, needs_intel: bool) -> WatchIndex:
        if needs_intel and not self._with_intel:
            vulnerabilities = self._intel.get(uow.intel)
            self._index = WatchIndex(self.assets, vulnerabilities=vulnerabilities)
            self._with_intel = True
        return self._index


def record_batch(
    uow: MonitoringUnitOfWork, batch: Sequence[Observation], matcher: Matcher, moment: datetime
) -> IngestResult:
    """One batch inside the caller's open transaction (the caller checked the role and
    commits): drop duplicates, match, fold into alerts, remember the keys, audit the batch."""
    if len(batch) > MAX_BATCH:
        raise ValidationError(
            f"At most {MAX_BATCH} observations are recorded at once; got {len(batch)}.",
            code=MonitoringCode.BATCH_TOO_LARGE,
            field="observations",
        )
    fresh, keys = _fresh(uow, batch)
    needs_intel = any(o.kind is IndicatorKind.CVE for o in fresh)
    index = matcher.index(uow, needs_intel=needs_intel)
    candidates = list(match(fresh, index))
    opened: list[Alert] = []
    alerted, repeated = _fold(uow, candidates, moment, opened)
    if opened:  # the in-term score moves with the alerts it counts (monitoring.scoring)
        rescore_for(uow, opened, reason=ScoreChangeReason.ALERT_OPENED, at=moment)
    uow.monitoring.remember_fingerprints(keys, at=moment)
    uow.monitoring.forget_fingerprints(before=moment - FINGERPRINT_RETENTION)
    result = IngestResult(
        read=len(batch),
        matched=len({id(c.observation) for c in candidates}),
        alerted=alerted,
        duplicates=len(batch) - len(fresh),
        repeated=repeated,
    )
    uow.audit.record(
        RECORDED, entity_type="observation_batch", entity_id=new_id(), after=result.as_dict()
    )
    return result


def _fresh(
    uow: MonitoringUnitOfWork, batch: Sequence[Observation]
) -> tuple[list[Observation], list[str]]:
    """The observations not recorded before (nor earlier in this batch), and their keys."""
    keyed = [(observation_key(o), o) for o in batch]
    seen = set(uow.monitoring.seen_fingerprints({key for key, _o in keyed}))
    fresh: list[Observation] = []
    keys: list[str] = []
    for key, observation in keyed:
        if key not in seen:
            seen.add(key)
            fresh.append(observation)
            keys.append(key)
    return fresh, keys


def _dedup_key(candidate: AlertCandidate) -> tuple[str, str, str, str]:
    o = candidate.observation
    return candidate.asset.policy_id, candidate.asset.value, o.value, o.rule


def _fold(
    uow: MonitoringUnitOfWork,
    candidates: Sequence[AlertCandidate],
    moment: datetime,
    opened: list[Alert],
) -> tuple[int, int]:
    keys = {_dedup_key(c) for c in candidates}
    by_key: dict[tuple[str, str, str, str], list[Alert]] = {}
    for alert in uow.monitoring.active_alerts(keys) if keys else ():
        key = (alert.policy_id, alert.asset_value, alert.indicator, alert.rule)
        by_key.setdefault(key, []).append(alert)
    alerted = repeated = 0
    for candidate in sorted(candidates, key=lambda c: c.observation.seen_at):
        at = candidate.observation.seen_at
        group = by_key.setdefault(_dedup_key(candidate), [])
        near = [a for a in group if a.first_seen - DEDUP_WINDOW <= at <= a.last_seen + DEDUP_WINDOW]
        if near:
            _repeat(max(near, key=lambda a: a.last_seen), candidate, moment)
            repeated += 1
        else:
            alert = _open(candidate, moment)
            uow.monitoring.add(alert)
            # Notifications: a high or critical alert is told to the insurer and the insured in
            # this same transaction (liubu.notify's outbox; monitoring/announce.py).
            announce_opened(uow, alert, at=moment)
            group.append(alert)
            opened.append(alert)
            alerted += 1
    return alerted, repeated


def _repeat(alert: Alert, candidate: AlertCandidate, moment: datetime) -> None:
    observation = candidate.observation
    alert.count += 1
    alert.first_seen = min(alert.first_seen, observation.seen_at)
    alert.last_seen = max(alert.last_seen, observation.seen_at)
    if _RANK[observation.severity] > _RANK[AlertSeverity(alert.severity)]:
        alert.severity = str(observation.severity)
        # A higher severity brings its shorter service levels, counted from the opening.
        acknowledge, fix = due_times(alert.severity, alert.created_at)
        alert.acknowledge_due = min(alert.acknowledge_due or acknowledge, acknowledge)
        alert.fix_due = min(alert.fix_due or fix, fix)
    alert.updated_at = moment


def _open(candidate: AlertCandidate, moment: datetime) -> Alert:
    asset, observation = candidate.asset, candidate.observation
    evidence: dict[str, object] = {
        "source": observation.source,
        "rule": observation.rule,
        "seen_at": observation.seen_at.isoformat(),
        "fingerprint": observation.fingerprint,
        "fields": dict(observation.evidence),
    }
    if candidate.detail:
        evidence["matched"] = candidate.detail
    acknowledge_due, fix_due = due_times(observation.severity, moment)
    return Alert(
        id=new_id(),
        tenant_id=asset.insurer_tenant_id,
        client_tenant_id=asset.client_tenant_id,
        enterprise_id=asset.enterprise_id,
        policy_id=asset.policy_id,
        policy_number=asset.policy_number,
        asset_kind=str(asset.kind),
        asset_value=asset.value,
        indicator_kind=str(observation.kind),
        indicator=observation.value,
        match_kind=str(candidate.match_kind),
        severity=str(observation.severity),
        source=observation.source,
        rule=observation.rule,
        evidence=evidence,
        first_seen=observation.seen_at,
        last_seen=observation.seen_at,
        count=1,
        status=AlertStatus.OPEN,
        created_at=moment,
        updated_at=moment,
        provider=observation.provider,
        cover=str(asset.cover),
        acknowledge_due=acknowledge_due,
        fix_due=fix_due,
    )


MAX_ID = 64


def list_alerts(
    uow: MonitoringUnitOfWork, *, enterprise_id: str | None = None, status: str | None = None
) -> list[Alert]:
    """The alerts the caller may see (see :class:`Alert`), newest first."""
    if enterprise_id is not None and (not enterprise_id or len(enterprise_id) > MAX_ID):
        raise ValidationError(
            f"An enterprise id has 1 to {MAX_ID} characters.",
            code=MonitoringCode.ENTERPRISE_ID,
            field="enterprise",
        )
    if status is not None and status not in set(AlertStatus):
        known = ", ".join(AlertStatus)
        raise ValidationError(
            f"{status!r} is not an alert status; known: {known}.",
            code=MonitoringCode.UNKNOWN_ALERT_STATUS,
            field="status",
            value=status,
        )
    with uow:
        require(uow.principal, *WATCHERS, kinds=WATCHING_KINDS)
        return uow.monitoring.alerts(enterprise_id=enterprise_id, status=status)
