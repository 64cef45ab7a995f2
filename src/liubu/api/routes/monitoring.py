"""In-term monitoring's alerts over HTTP: the alerts the caller may see, one alert with its
history and the actions the caller may take, and transitions through the lifecycle
(docs/monitoring-alerts.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from liubu import monitoring
from liubu.api.deps import CurrentPrincipal, PlatformDep, UowDep
from liubu.monitoring import Alert, AlertAction

router = APIRouter(prefix="/api/monitoring", tags=["monitoring"])


class AlertPublic(BaseModel):
    id: str
    enterprise_id: str
    policy_number: str
    asset_kind: str
    asset: str
    indicator_kind: str
    indicator: str
    match: str
    severity: str
    source: str
    rule: str
    first_seen: datetime
    last_seen: datetime
    count: int
    status: str
    version: int = Field(description="Send it back as expected_version to change the alert.")
    acknowledge_due: datetime | None
    fix_due: datetime | None
    sla: str = Field(description="on_time, overdue or stopped (no clock runs).")
    escalation_level: int = Field(description="0 none, 1 acknowledgement missed, 2 fix missed.")
    assigned_provider_id: str | None
    resolution: str | None = Field(description="A false positive's reason.")
    rescannable: bool = Field(description="Whether a rescan can verify the fix.")

    @classmethod
    def of(cls, alert: Alert, now: datetime) -> AlertPublic:
        return cls(
            id=alert.id,
            enterprise_id=alert.enterprise_id,
            policy_number=alert.policy_number,
            asset_kind=alert.asset_kind,
            asset=alert.asset_value,
            indicator_kind=alert.indicator_kind,
            indicator=alert.indicator,
            match=alert.match_kind,
            severity=alert.severity,
            source=alert.source,
            rule=alert.rule,
            first_seen=alert.first_seen,
            last_seen=alert.last_seen,
            count=alert.count,
            status=alert.status,
            version=alert.version,
            acknowledge_due=alert.acknowledge_due,
            fix_due=alert.fix_due,
            sla=str(monitoring.sla_state(alert, now)),
            escalation_level=alert.escalation_level,
            assigned_provider_id=alert.assigned_provider_id,
            resolution=alert.resolution,
            rescannable=monitoring.rescannable(alert),
        )


class AlertDetail(AlertPublic):
    evidence: dict[str, Any]
    history: list[dict[str, Any]]
    actions: list[str] = Field(description="What the caller may do to the alert now.")


class TransitionCreate(BaseModel):
    action: AlertAction
    expected_version: int = Field(ge=1)
    reason: monitoring.FalsePositiveReason | None = Field(
        default=None, description="Required for false_positive."
    )
    note: str | None = Field(
        default=None,
        max_length=monitoring.MAX_NOTE,
        description="The evidence (required for report_fix), or a remark.",
    )


class TransitionResult(BaseModel):
    alert: AlertDetail
    fixed: bool | None = Field(default=None, description="verify only: the rescan showed the fix.")


def _detail(alert: Alert, uow: Any, now: datetime) -> AlertDetail:
    actions = [str(a) for a in monitoring.allowed_actions(alert, uow.principal)]
    return AlertDetail(
        **AlertPublic.of(alert, now).model_dump(),
        evidence=alert.evidence,
        history=alert.history,
        actions=actions,
    )


@router.get("/alerts", response_model=list[AlertPublic])
def list_alerts(
    uow: UowDep,
    enterprise: str | None = Query(default=None, max_length=64),
    status: str | None = Query(default=None, max_length=32),
) -> list[AlertPublic]:
    """The alerts the caller may see, most recently seen first."""
    now = datetime.now(UTC)
    found = monitoring.list_alerts(uow, enterprise_id=enterprise, status=status)
    return [AlertPublic.of(a, now) for a in found]


@router.get("/alerts/{alert_id}", response_model=AlertDetail)
def get_alert(alert_id: str, uow: UowDep) -> AlertDetail:
    """One alert with its evidence, history and the actions the caller may take."""
    return _detail(monitoring.get_alert(uow, alert_id), uow, datetime.now(UTC))


@router.post("/alerts/{alert_id}/transitions", response_model=TransitionResult)
def transition(
    alert_id: str,
    body: TransitionCreate,
    uow: UowDep,
    platform: PlatformDep,
    principal: CurrentPrincipal,
) -> TransitionResult:
    """Move the alert (409 ``monitoring.illegal_transition`` when its status does not allow
    the action, 409 ``stale_version`` when it changed since ``expected_version``). ``verify``
    rescans the asset and returns whether the fix showed."""
    now = datetime.now(UTC)
    if body.action is AlertAction.VERIFY:
        verified = monitoring.verify_fix(
            lambda: platform.uow(principal),
            alert_id,
            expected_version=body.expected_version,
            policy=platform.scan_policy(),
            intel=platform.index_cache,
        )
        return TransitionResult(alert=_detail(verified.alert, uow, now), fixed=verified.fixed)
    alert = monitoring.transition(
        uow,
        alert_id,
        body.action,
        expected_version=body.expected_version,
        reason=str(body.reason) if body.reason else None,
        note=body.note,
    )
    return TransitionResult(alert=_detail(alert, uow, now))
