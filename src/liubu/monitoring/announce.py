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


def announce_opened(uow: MonitoringUnitOfWork, alert: Alert, *, at: datetime) -> list[Notification]:
    """Publish :data:`EventKind.ALERT_OPENED` for a high or critical alert (else nothing)."""
    if alert.severity not in ANNOUNCED:
        return []
    return publish(uow, alert_opened_event(alert, at=at))
