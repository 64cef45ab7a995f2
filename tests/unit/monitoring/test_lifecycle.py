"""The alert lifecycle's pure parts: the transition table (every legal move and every illegal
one refused with its code), who may take which action, and the service-level maths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from liubu.accounts.model import OrgKind, Principal, Role
from liubu.errors import ConflictError, PermissionDeniedError, ValidationError
from liubu.monitoring import (
    ACTIVE_STATUSES,
    TRANSITIONS,
    Alert,
    AlertAction,
    AlertSeverity,
    AlertStatus,
    Escalation,
    MonitoringCode,
    SlaState,
    allowed_actions,
    due_times,
    next_due,
    next_status,
    parse_action,
    service_levels,
    sla_state,
)
from liubu.monitoring.lifecycle import require_actor
from liubu.monitoring.sla import breach

OPENED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
SLA_FILE = Path(__file__).parents[3] / "src" / "liubu" / "monitoring" / "data" / "sla.yaml"

# The lifecycle drawn by hand from the issue: (status, action) → status.
LEGAL = {
    ("open", "acknowledge"): "acknowledged",
    ("acknowledged", "remediate"): "remediation",
    ("remediation", "report_fix"): "fix_reported",
    ("remediation", "verify"): "fixed",
    ("fix_reported", "verify"): "fixed",
    ("fix_reported", "accept"): "fixed",
    ("fix_reported", "reject"): "remediation",
    ("fixed", "close"): "closed",
    ("open", "false_positive"): "false_positive",
    ("acknowledged", "false_positive"): "false_positive",
    ("remediation", "false_positive"): "false_positive",
    ("fix_reported", "false_positive"): "false_positive",
}


def _principal(kind: OrgKind, role: Role, tenant: str = "t1") -> Principal:
    return Principal(
        user_id="u", username="u", tenant_id=tenant, org_kind=kind, roles=frozenset({role})
    )


def _alert(status: str = "open", severity: str = "high", **changes: object) -> Alert:
    acknowledge, fix = due_times(severity, OPENED)
    alert = Alert(
        id="a1",
        tenant_id="insurer",
        client_tenant_id="insured",
        enterprise_id="e1",
        policy_id="p1",
        policy_number="P-1",
        asset_kind="cpe",
        asset_value="cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
        indicator_kind="cve",
        indicator="CVE-2024-38475",
        match_kind="cve",
        severity=severity,
        source="kev",
        rule="kev.known_exploited",
        evidence={},
        first_seen=OPENED,
        last_seen=OPENED,
        count=1,
        status=status,
        created_at=OPENED,
        updated_at=OPENED,
        acknowledge_due=acknowledge,
        fix_due=fix,
    )
    for name, value in changes.items():
        setattr(alert, name, value)
    return alert


@pytest.mark.parametrize("status", list(AlertStatus))
@pytest.mark.parametrize("action", list(AlertAction))
def test_every_status_and_action_pair_is_legal_exactly_as_drawn(
    status: AlertStatus, action: AlertAction
) -> None:
    expected = LEGAL.get((str(status), str(action)))
    if expected is None:
        with pytest.raises(ConflictError) as refused:
            next_status(status, action)
        assert refused.value.code == MonitoringCode.ILLEGAL_TRANSITION
        assert refused.value.detail == {"status": str(status), "action": str(action)}
    else:
        assert next_status(status, action) == expected


def test_settled_alerts_take_no_action_and_repeats_fold_only_into_worked_ones() -> None:
    settled = {AlertStatus.FIXED, AlertStatus.CLOSED, AlertStatus.FALSE_POSITIVE}
    assert set(AlertStatus) - settled == ACTIVE_STATUSES
    assert all(AlertStatus.CLOSED not in sources for sources, _to in TRANSITIONS.values())
    assert all(AlertStatus.FALSE_POSITIVE not in s for s, _to in TRANSITIONS.values())


def test_actions_are_read_in_either_spelling_and_unknown_ones_are_refused_naming_the_known() -> (
    None
):
    assert parse_action("false-positive") is AlertAction.FALSE_POSITIVE
    assert parse_action(" ack".replace("ack", "acknowledge")) is AlertAction.ACKNOWLEDGE
    with pytest.raises(ValidationError) as refused:
        parse_action("delete")
    assert refused.value.code == MonitoringCode.UNKNOWN_ACTION
    assert "acknowledge" in refused.value.message


def test_the_provider_works_the_alert_and_the_insurer_decides_and_the_insured_only_sees() -> None:
    analyst = _principal(OrgKind.SECURITY_PROVIDER, Role.SECURITY_ANALYST, "guard")
    underwriter = _principal(OrgKind.INSURER, Role.UNDERWRITER, "insurer")
    insured = _principal(OrgKind.ENTERPRISE, Role.ENTERPRISE_USER, "insured")
    actuary = _principal(OrgKind.INSURER, Role.ACTUARY, "insurer")
    assert allowed_actions(_alert("open"), analyst) == (AlertAction.ACKNOWLEDGE,)
    assert allowed_actions(_alert("open"), underwriter) == (AlertAction.FALSE_POSITIVE,)
    assert allowed_actions(_alert("remediation"), analyst) == (
        AlertAction.REPORT_FIX,
        AlertAction.VERIFY,
    )
    assert allowed_actions(_alert("fix_reported"), underwriter) == (
        AlertAction.VERIFY,
        AlertAction.ACCEPT,
        AlertAction.REJECT,
        AlertAction.FALSE_POSITIVE,
    )
    assert allowed_actions(_alert("fixed"), underwriter) == (AlertAction.CLOSE,)
    for alert in (_alert(s) for s in AlertStatus):
        assert allowed_actions(alert, insured) == ()
        assert allowed_actions(alert, actuary) == ()
    with pytest.raises(PermissionDeniedError):
        require_actor(analyst, _alert("fix_reported"), AlertAction.ACCEPT)
    with pytest.raises(PermissionDeniedError):
        require_actor(underwriter, _alert("open"), AlertAction.ACKNOWLEDGE)


def test_once_assigned_only_that_provider_works_the_alert() -> None:
    mine = _alert("remediation", assigned_provider_id="guard")
    other = _principal(OrgKind.SECURITY_PROVIDER, Role.SECURITY_ANALYST, "rival")
    with pytest.raises(PermissionDeniedError) as refused:
        require_actor(other, mine, AlertAction.REPORT_FIX)
    assert refused.value.code == MonitoringCode.NOT_ASSIGNED
    assert allowed_actions(mine, other) == ()
    guard = _principal(OrgKind.SECURITY_PROVIDER, Role.SECURITY_ANALYST, "guard")
    assert AlertAction.REPORT_FIX in allowed_actions(mine, guard)


def test_service_levels_are_the_data_file_hours_and_shorter_for_graver_alerts() -> None:
    hours = yaml.safe_load(SLA_FILE.read_text(encoding="utf-8"))["hours"]
    levels = service_levels()
    assert set(levels) == set(AlertSeverity)
    for severity, level in levels.items():
        assert level.acknowledge == timedelta(hours=hours[str(severity)]["acknowledge"])
        assert level.fix == timedelta(hours=hours[str(severity)]["fix"])
    # CISA BOD 19-02: critical within 15 days, high within 30
    assert levels[AlertSeverity.CRITICAL].fix == timedelta(days=15)
    assert levels[AlertSeverity.HIGH].fix == timedelta(days=30)
    order = [AlertSeverity.CRITICAL, AlertSeverity.HIGH, AlertSeverity.MEDIUM, AlertSeverity.LOW]
    fixes = [levels[s].fix for s in order]
    assert fixes == sorted(fixes)


def test_due_times_count_from_the_opening() -> None:
    acknowledge, fix = due_times("high", OPENED)
    assert acknowledge == datetime(2026, 6, 2, 9, 0, tzinfo=UTC)  # 24 h
    assert fix == datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 720 h = 30 days


def test_a_breach_is_the_running_clock_past_its_due_time() -> None:
    alert = _alert("open", "critical")  # acknowledge by 13:00 on 1 June, fix by 16 June 09:00
    assert breach(alert, OPENED + timedelta(hours=4)) is Escalation.NONE  # due, not past
    assert breach(alert, OPENED + timedelta(hours=4, seconds=1)) is Escalation.ACKNOWLEDGE_MISSED
    assert sla_state(alert, OPENED + timedelta(hours=5)) is SlaState.OVERDUE
    assert next_due(alert) == OPENED + timedelta(hours=4)
    late = OPENED + timedelta(days=15, seconds=1)
    assert breach(alert, late) is Escalation.FIX_MISSED
    acknowledged = _alert("acknowledged", "critical")
    assert breach(acknowledged, OPENED + timedelta(days=1)) is Escalation.NONE
    assert sla_state(acknowledged, OPENED + timedelta(days=1)) is SlaState.ON_TIME
    assert next_due(acknowledged) == OPENED + timedelta(days=15)
    assert breach(acknowledged, late) is Escalation.FIX_MISSED
    for stopped in ("fix_reported", "fixed", "closed", "false_positive"):
        assert breach(_alert(stopped, "critical"), late) is Escalation.NONE
        assert sla_state(_alert(stopped, "critical"), late) is SlaState.STOPPED
        assert next_due(_alert(stopped, "critical")) is None
