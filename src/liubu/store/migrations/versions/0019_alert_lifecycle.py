"""The alert lifecycle: service-level due times (set from each alert's severity and opening),
the security provider working the alert, escalation, a false positive's reason and the history
of transitions on ``alerts``.

Alerts recorded before this revision get their due times from the service levels as they stood
at this revision (frozen here, so a later change of ``monitoring/data/sla.yaml`` never changes
what this migration writes), counted from their creation, and an empty history.

Revision ID: 0019_alert_lifecycle
Revises: 0018_monitoring_alerts
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0019_alert_lifecycle"
down_revision: str | None = "0018_monitoring_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("acknowledge_due", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("fix_due", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("assigned_provider_id", sa.String(length=32), nullable=True))
        batch.add_column(
            sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("history", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_alerts_assigned_provider_id_organisations"),
            "organisations",
            ["assigned_provider_id"],
            ["id"],
        )
    _backfill()
    with op.batch_alter_table("alerts") as batch:
        batch.alter_column("history", existing_type=sa.JSON(), nullable=False)
    op.create_index("ix_alerts_status_fix_due", "alerts", ["status", "fix_due"])


# monitoring/data/sla.yaml at this revision: hours to acknowledge and to fix, by severity.
_SLA_HOURS = {
    "critical": (4, 360),
    "high": (24, 720),
    "medium": (72, 2160),
    "low": (168, 4320),
    "info": (336, 4320),
}


def _due_times(severity: str, created_at: datetime) -> tuple[datetime, datetime]:
    acknowledge, fix = _SLA_HOURS.get(severity, _SLA_HOURS["info"])
    return created_at + timedelta(hours=acknowledge), created_at + timedelta(hours=fix)


def _backfill() -> None:
    alerts = sa.table(
        "alerts",
        sa.column("id", sa.String()),
        sa.column("severity", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("acknowledge_due", sa.DateTime(timezone=True)),
        sa.column("fix_due", sa.DateTime(timezone=True)),
        sa.column("history", sa.JSON()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(alerts.c.id, alerts.c.severity, alerts.c.created_at)).all()
    for alert_id, severity, created_at in rows:
        acknowledge, fix = _due_times(severity, created_at)
        bind.execute(
            alerts.update()
            .where(alerts.c.id == alert_id)
            .values(acknowledge_due=acknowledge, fix_due=fix, history=[])
        )


def downgrade() -> None:
    op.drop_index("ix_alerts_status_fix_due", table_name="alerts")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_constraint(
            op.f("fk_alerts_assigned_provider_id_organisations"), type_="foreignkey"
        )
        for column in (
            "history",
            "resolution",
            "escalated_at",
            "escalation_level",
            "assigned_provider_id",
            "fix_due",
            "acknowledge_due",
        ):
            batch.drop_column(column)
