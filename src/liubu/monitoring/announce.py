"""Announcing alerts (liubu.notify): a high or critical alert, when it is opened, is told to the
cover's insurer and to the insured, in the transaction that opens it (the notification outbox)."""

from __future__ import annotations

from datetime import datetime

from liubu.monitoring.observations import AlertSeverity
from liubu.monitoring.records import Alert, MonitoringUnitOfWork
from liubu.notify import Bilingual, Event, EventKind, Notification, publish

#: The severities worth a notification; lower ones wait in the alert list.
ANNOUNCED = frozenset({AlertSeverity.CRITICAL, AlertSeverity.HIGH})
_SEVERITY_ZH = {AlertSeverity.CRITICAL: "严重", AlertSeverity.HIGH: "高危"}
ALERTS_PAGE = "/steps/monitoring"


def alert_opened_event(alert: Alert, *, at: datetime) -> Event:
    severity = AlertSeverity(alert.severity)
    asset, indicator = alert.asset_value[:80], alert.indicator[:120]
    return Event(
        kind=EventKind.ALERT_OPENED,
        subject_id=alert.id,
        audiences=(alert.tenant_id, alert.client_tenant_id),
        title=Bilingual(
            zh=f"{_SEVERITY_ZH[severity]}监控告警：{asset}",
            en=f"{severity.capitalize()} monitoring alert: {asset}",
        ),
        body=Bilingual(
            zh=(
                f"保单 {alert.policy_number} 的受保资产 {asset} 命中 {indicator}"
                f"（来源 {alert.source}，规则 {alert.rule[:80]}）。请查看告警并按建议处置。"
            ),
            en=(
                f"The insured asset {asset} of policy {alert.policy_number} matched "
                f"{indicator} (source {alert.source}, rule {alert.rule[:80]}). Please review "
                "the alert and act on it."
            ),
        ),
        link=ALERTS_PAGE,
        occurred_at=at,
    )


_LEVEL = {
    1: Bilingual(zh="未在时限内确认", en="not acknowledged in time"),
    2: Bilingual(zh="未在时限内修复", en="not fixed in time"),
}


def alert_escalated_event(alert: Alert, *, at: datetime) -> Event:
    """An alert past its service level (:func:`liubu.monitoring.escalate_overdue`): told to the
    insurer, the insured and the provider working it, whatever its severity."""
    level = _LEVEL.get(alert.escalation_level, _LEVEL[2])
    asset = alert.asset_value[:80]
    audiences = (alert.tenant_id, alert.client_tenant_id) + (
        (alert.assigned_provider_id,) if alert.assigned_provider_id else ()
    )
    return Event(
        kind=EventKind.ALERT_ESCALATED,
        subject_id=f"{alert.id}:{alert.escalation_level}",
        audiences=audiences,
        title=Bilingual(
            zh=f"告警已升级（{level.zh}）：{asset}",
            en=f"Alert escalated ({level.en}): {asset}",
        ),
        body=Bilingual(
            zh=(
                f"保单 {alert.policy_number} 的受保资产 {asset} 上的告警（{alert.rule[:80]}）"
                f"{level.zh}，已升级为第 {alert.escalation_level} 级。请尽快处置。"
            ),
            en=(
                f"The alert ({alert.rule[:80]}) on the insured asset {asset} of policy "
                f"{alert.policy_number} was {level.en} and is escalated to level "
                f"{alert.escalation_level}. Please act on it now."
            ),
        ),
        link=ALERTS_PAGE,
        occurred_at=at,
    )


def announce_opened(uow: MonitoringUnitOfWork, alert: Alert, *, at: datetime) -> list[Notification]:
    """Publish :data:`EventKind.ALERT_OPENED` for a high or critical alert (else nothing)."""
    if alert.severity not in ANNOUNCED:
        return []
    return publish(uow, alert_opened_event(alert, at=at))
