"""The alert lifecycle (告警处置): who may move an alert where, escalation of breached service
levels, and each rule's precision.

::

    open ──acknowledge──▶ acknowledged ──remediate──▶ remediation ──report_fix──▶ fix_reported
                                                        ▲    │ verify (rescan clean)    │ accept
                                                        │    ▼                          ▼
                                      reject / verify ──┴── fixed ◀─────────────────────┘
                                      (still seen)          │ close
                                                            ▼
                                                          closed
    any active status ──false_positive (with a reason)──▶ false_positive

Who may act (the store only ever hands a caller the alerts it may see, so an insurer acts on
its own policies' alerts and a security provider on the enterprises assigned to it):

* a security provider's analyst (or its administrator) acknowledges, takes the remediation
  (the alert is then assigned to that provider, and only it acts on the alert from there) and
  reports a fix with evidence;
* the insurer's underwriter (or its administrator) accepts or rejects reported evidence,
  closes a fixed alert and marks a false positive;
* either verifies a fix by a rescan (:func:`liubu.monitoring.verify_fix`);
* the insured sees; the platform's administrator may do everything (the CLI acts as it).

Every transition checks the version the caller saw (optimistic concurrency), appends to the
alert's bounded ``history`` and is audited by the store like every change to a record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from liubu.accounts import OrgKind, Principal, Role, new_id, require
from liubu.assessment import ScoreChangeReason
from liubu.errors import ConcurrencyError, ConflictError, PermissionDeniedError, ValidationError
from liubu.monitoring.announce import alert_escalated_event
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.records import ACTIVE_STATUSES, Alert, AlertStatus, MonitoringUnitOfWork
from liubu.monitoring.scoring import rescore_for
from liubu.monitoring.sla import breach
from liubu.monitoring.watched import WATCHERS, WATCHING_KINDS
from liubu.notify import publish

#: The longest note (evidence, a reason's words) a transition keeps.
MAX_NOTE = 2000
#: The most history entries an alert keeps (the oldest are dropped; the audit log keeps all).
MAX_HISTORY = 50
MAX_ALERT_ID = 64
ESCALATED = "monitoring.alerts_escalated"


class AlertAction(StrEnum):
    """What may be done to an alert."""

    ACKNOWLEDGE = "acknowledge"
    REMEDIATE = "remediate"
    REPORT_FIX = "report_fix"
    VERIFY = "verify"
    ACCEPT = "accept"
    REJECT = "reject"
    CLOSE = "close"
    FALSE_POSITIVE = "false_positive"


class FalsePositiveReason(StrEnum):
    """Why an alert was not a real exposure (bounded, so precision can be read per reason)."""

    NOT_INSURED_ASSET = "not_insured_asset"  # the asset is not (or no longer) the insured's
    BENIGN_ACTIVITY = "benign_activity"  # the event was authorised or harmless traffic
    INDICATOR_WRONG = "indicator_wrong"  # the feed listed the indicator in error
    NOT_AFFECTED = "not_affected"  # the software is not affected (backported fix, config)
    DUPLICATE = "duplicate"  # the same exposure is tracked by another alert


_S = AlertStatus
#: action → (statuses it may start from, status it leads to). ``verify`` leads to ``fixed``
#: when the rescan no longer sees the indicator and back to ``remediation`` otherwise.
TRANSITIONS: Mapping[AlertAction, tuple[frozenset[AlertStatus], AlertStatus]] = {
    AlertAction.ACKNOWLEDGE: (frozenset({_S.OPEN}), _S.ACKNOWLEDGED),
    AlertAction.REMEDIATE: (frozenset({_S.ACKNOWLEDGED}), _S.REMEDIATION),
    AlertAction.REPORT_FIX: (frozenset({_S.REMEDIATION}), _S.FIX_REPORTED),
    AlertAction.VERIFY: (frozenset({_S.REMEDIATION, _S.FIX_REPORTED}), _S.FIXED),
    AlertAction.ACCEPT: (frozenset({_S.FIX_REPORTED}), _S.FIXED),
    AlertAction.REJECT: (frozenset({_S.FIX_REPORTED}), _S.REMEDIATION),
    AlertAction.CLOSE: (frozenset({_S.FIXED}), _S.CLOSED),
    AlertAction.FALSE_POSITIVE: (ACTIVE_STATUSES, _S.FALSE_POSITIVE),
}

PROVIDER_ROLES = (Role.SECURITY_ANALYST, Role.ADMIN)
INSURER_ROLES = (Role.UNDERWRITER, Role.ADMIN)
_PROVIDER_ACTIONS = frozenset({AlertAction.ACKNOWLEDGE, AlertAction.REMEDIATE})
_PROVIDER_ACTIONS |= {AlertAction.REPORT_FIX}
_INSURER_ACTIONS = frozenset(
    {AlertAction.ACCEPT, AlertAction.REJECT, AlertAction.CLOSE, AlertAction.FALSE_POSITIVE}
)


def parse_action(action: str) -> AlertAction:
    """``action`` as an :class:`AlertAction` (``false-positive`` spelled either way)."""
    try:
        return AlertAction(action.strip().replace("-", "_"))
    except ValueError as error:
        known = ", ".join(AlertAction)
        raise ValidationError(
            f"{action!r} is not an alert action; known: {known}.",
            code=MonitoringCode.UNKNOWN_ACTION,
            field="action",
            value=action[:64],
        ) from error


def next_status(status: str, action: AlertAction) -> AlertStatus:
    """Where ``action`` takes an alert in ``status``; refuses an illegal transition.

    >>> next_status("open", AlertAction.ACKNOWLEDGE)
    <AlertStatus.ACKNOWLEDGED: 'acknowledged'>
    """
    sources, target = TRANSITIONS[action]
    if AlertStatus(status) not in sources:
        allowed = ", ".join(sorted(sources))
        raise ConflictError(
            f"An alert that is {status} cannot be given '{action}'; that needs an alert that "
            f"is {allowed}.",
            code=MonitoringCode.ILLEGAL_TRANSITION,
            detail={"status": status, "action": str(action)},
        )
    return target


def allowed_actions(alert: Alert, principal: Principal) -> tuple[AlertAction, ...]:
    """The actions ``principal`` may take on ``alert`` now (what the pages offer)."""
    found = []
    for action, (sources, _target) in TRANSITIONS.items():
        if AlertStatus(alert.status) in sources and _may(principal, alert, action):
            found.append(action)
    return tuple(found)


def _may(principal: Principal, alert: Alert, action: AlertAction) -> bool:
    try:
        require_actor(principal, alert, action)
    except PermissionDeniedError:
        return False
    return True


def require_actor(principal: Principal, alert: Alert, action: AlertAction) -> None:
    """Refuse (403) unless ``principal`` may take ``action`` on ``alert``."""
    if principal.is_platform:
        require(principal, Role.ADMIN)
        return
    provider = principal.org_kind is OrgKind.SECURITY_PROVIDER
    if action in _PROVIDER_ACTIONS or (action is AlertAction.VERIFY and provider):
        require(principal, *PROVIDER_ROLES, kinds=[OrgKind.SECURITY_PROVIDER])
        assigned = alert.assigned_provider_id
        if assigned is not None and assigned != principal.tenant_id:
            raise PermissionDeniedError(
                "Another security provider is working this alert.",
                code=MonitoringCode.NOT_ASSIGNED,
            )
        return
    require(principal, *INSURER_ROLES, kinds=[OrgKind.INSURER])


def check_alert_id(alert_id: str) -> str:
    if not alert_id or len(alert_id) > MAX_ALERT_ID:
        raise ValidationError(
            f"An alert id has 1 to {MAX_ALERT_ID} characters.",
            code=MonitoringCode.ALERT_ID,
            field="alert",
        )
    return alert_id


def _bounded_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(
            f"A note has at most {MAX_NOTE} characters; got {len(text)}.",
            code=MonitoringCode.NOTE_TOO_LONG,
            field="note",
        )
    return text or None


def _reason(action: AlertAction, reason: str | None) -> FalsePositiveReason | None:
    if action is not AlertAction.FALSE_POSITIVE:
        return None
    try:
        return FalsePositiveReason((reason or "").strip())
    except ValueError as error:
        known = ", ".join(FalsePositiveReason)
        raise ValidationError(
            f"A false positive needs one of these reasons: {known}; got {reason!r}.",
            code=MonitoringCode.FALSE_POSITIVE_REASON,
            field="reason",
            value=(reason or "")[:64],
        ) from error


def transition(
    uow: MonitoringUnitOfWork,
    alert_id: str,
    action: AlertAction | str,
    *,
    expected_version: int,
    reason: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Alert:
    """Take ``action`` on the alert (every action but ``verify``, which rescans:
    :func:`liubu.monitoring.verify_fix`). ``report_fix`` needs a note (the evidence);
    ``false_positive`` a :class:`FalsePositiveReason`."""
    chosen = action if isinstance(action, AlertAction) else parse_action(action)
    if chosen is AlertAction.VERIFY:
        raise ValidationError(
            "A fix is verified by a rescan; use verify_fix.",
            code=MonitoringCode.UNKNOWN_ACTION,
            field="action",
            value=str(chosen),
        )
    text, why = _bounded_note(note), _reason(chosen, reason)
    if chosen is AlertAction.REPORT_FIX and text is None:
        raise ValidationError(
            "Say what was fixed and how (the evidence the insurer reviews).",
            code=MonitoringCode.EVIDENCE_REQUIRED,
            field="note",
        )
    moment = now or datetime.now(UTC)
    with uow:
        alert = uow.monitoring.alert(check_alert_id(alert_id))
        require_actor(uow.principal, alert, chosen)
        check_version(alert, expected_version)
        target = next_status(alert.status, chosen)
        if chosen is AlertAction.REMEDIATE and uow.principal.org_kind is OrgKind.SECURITY_PROVIDER:
            alert.assigned_provider_id = uow.principal.tenant_id
        if why is not None:
            alert.resolution = str(why)
        was = alert.status
        move(alert, uow.principal, chosen, target, at=moment, note=text, reason=why)
        settle_score(uow, alert, was, at=moment)
        uow.commit()
        return alert


def settle_score(uow: MonitoringUnitOfWork, alert: Alert, was: str, *, at: datetime) -> None:
    """An alert leaving the active statuses (fixed, closed, a false positive) stops costing
    the enterprise's in-term score: rescore it, in the caller's transaction."""
    if was in ACTIVE_STATUSES and alert.status not in ACTIVE_STATUSES:
        rescore_for(uow, [alert], reason=ScoreChangeReason.ALERT_CLOSED, at=at)


def check_version(alert: Alert, expected_version: int) -> None:
    if alert.version != expected_version:
        raise ConcurrencyError(
            f"The alert was changed by someone else (version {alert.version}, you saw version "
            f"{expected_version}); reload and try again."
        )


def move(
    alert: Alert,
    principal: Principal,
    action: AlertAction | str,
    target: AlertStatus,
    *,
    at: datetime,
    note: str | None = None,
    reason: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Set ``alert``'s status and append the transition to its history."""
    entry: dict[str, Any] = {
        "id": new_id(),
        "at": at.isoformat(),
        "action": str(action),
        "from": alert.status,
        "to": str(target),
        "by": principal.username,
        "org": principal.tenant_id,
    }
    if note:
        entry["note"] = note
    if reason:
        entry["reason"] = str(reason)
    entry.update(extra or {})
    alert.status = str(target)
    alert.history = [*alert.history, entry][-MAX_HISTORY:]  # a new list: the store sees it
    alert.updated_at = at


@dataclass(frozen=True, slots=True)
class EscalationResult:
    """Alerts past a due time that were looked at, and those whose escalation rose now."""

    overdue: int
    escalated: int


def escalate_overdue(uow: MonitoringUnitOfWork, now: datetime | None = None) -> EscalationResult:
    """Mark every alert whose running service-level clock has passed its due time as escalated
    (level 1: not acknowledged in time; 2: not fixed in time), once per level: run again, it
    changes nothing. Written to run as a recurring job (``monitoring.escalate``)."""
    moment = now or datetime.now(UTC)
    with uow:
        require(uow.principal, Role.ADMIN, kinds=[OrgKind.PLATFORM, OrgKind.INSURER])
        overdue = uow.monitoring.overdue_alerts(moment)
        escalated = []
        for alert in overdue:
            level = breach(alert, moment)
            if level > alert.escalation_level:
                alert.escalation_level, alert.escalated_at = int(level), moment
                entry = {"at": moment.isoformat(), "action": "escalate", "level": int(level)}
                alert.history = [*alert.history, entry][-MAX_HISTORY:]
                alert.updated_at = moment
                escalated.append(alert.id)
                publish(uow, alert_escalated_event(alert, at=moment))
        result = EscalationResult(overdue=len(overdue), escalated=len(escalated))
        if escalated:
            uow.audit.record(
                ESCALATED,
                entity_type="alert_escalation",
                entity_id=new_id(),
                after={"escalated": len(escalated), "at": moment.isoformat()},
            )
        uow.commit()
        return result


@dataclass(frozen=True, slots=True)
class RulePrecision:
    """One rule's record: alerts raised, how many were false positives, and the precision
    ``(alerts − false positives) / alerts``."""

    source: str
    rule: str
    alerts: int
    false_positives: int

    @property
    def precision(self) -> float:
        return (self.alerts - self.false_positives) / self.alerts if self.alerts else 1.0


PRECISION_READERS = (Role.ADMIN, Role.UNDERWRITER, Role.ACTUARY)


def rule_precision(uow: MonitoringUnitOfWork) -> list[RulePrecision]:
    """Each rule's precision over the alerts the caller may see (an insurer: its own), the
    least precise first, then by the number of alerts."""
    with uow:
        require(uow.principal, *PRECISION_READERS, kinds=[OrgKind.PLATFORM, OrgKind.INSURER])
        rows = [
            RulePrecision(source=source, rule=rule, alerts=total, false_positives=false)
            for source, rule, total, false in uow.monitoring.rule_counts()
        ]
    return sorted(rows, key=lambda r: (r.precision, -r.alerts, r.source, r.rule))


def get_alert(uow: MonitoringUnitOfWork, alert_id: str) -> Alert:
    """One alert the caller may see."""
    with uow:
        require(uow.principal, *WATCHERS, kinds=WATCHING_KINDS)
        return uow.monitoring.alert(check_alert_id(alert_id))
