"""In-term monitoring's alerts and the keys of recorded observations: ``alerts`` (the insurer's,
seen by the insured; de-duplicated per policy or group certificate, asset, indicator and rule
within a window) and
``observation_fingerprints`` (idempotent ingest, pruned after the retention).

Revision ID: 0018_monitoring_alerts
Revises: 0017_group_declarations
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_monitoring_alerts"
down_revision: str | None = "0017_group_declarations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("policy_number", sa.String(length=32), nullable=False),
        sa.Column("asset_kind", sa.String(length=16), nullable=False),
        sa.Column("asset_value", sa.String(length=300), nullable=False),
        sa.Column("indicator_kind", sa.String(length=16), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("match_kind", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("cover", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_alerts_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_alerts_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organisations.id"], name=op.f("fk_alerts_tenant_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_tenant_id"), "alerts", ["tenant_id"], unique=False)
    op.create_index(
        op.f("ix_alerts_client_tenant_id"), "alerts", ["client_tenant_id"], unique=False
    )
    op.create_index(op.f("ix_alerts_enterprise_id"), "alerts", ["enterprise_id"], unique=False)
    op.create_index("ix_alerts_dedup", "alerts", ["policy_id", "asset_value", "rule"])
    op.create_table(
        "observation_fingerprints",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_observation_fingerprints")),
    )
    op.create_index(
        op.f("ix_observation_fingerprints_recorded_at"),
        "observation_fingerprints",
        ["recorded_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_observation_fingerprints_recorded_at"), table_name="observation_fingerprints"
    )
    op.drop_table("observation_fingerprints")
    op.drop_index("ix_alerts_dedup", table_name="alerts")
    op.drop_index(op.f("ix_alerts_enterprise_id"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_client_tenant_id"), table_name="alerts")
    op.drop_index(op.f("ix_alerts_tenant_id"), table_name="alerts")
    op.drop_table("alerts")
