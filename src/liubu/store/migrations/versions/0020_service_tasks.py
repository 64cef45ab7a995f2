"""保中服务: ``scheduled_services`` (each due occurrence of a policy's bundled service or monthly
rescan, with its SLA dates and its provider's progress; unique per policy, service and sequence)
and ``service_panels`` (an insurer's security providers per service, in order).

Revision ID: 0020_service_tasks
Revises: 0023_score_history
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_service_tasks"
down_revision: str | None = "0023_score_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tz(name: str, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "scheduled_services",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("policy_number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("accept_by", sa.Date(), nullable=False),
        sa.Column("complete_by", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _tz("created_at", False),
        _tz("updated_at", False),
        sa.Column("provider_id", sa.String(length=32), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("scan_id", sa.String(length=32), nullable=True),
        sa.Column("reject_reason", sa.String(length=32), nullable=True),
        _tz("accepted_at", True),
        _tz("reported_at", True),
        _tz("completed_at", True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_scheduled_services_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_scheduled_services_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_scheduled_services_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_scheduled_services_policy_id_policies")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisations.id"],
            name=op.f("fk_scheduled_services_provider_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_services")),
        sa.UniqueConstraint(
            "policy_id", "service_code", "sequence", name="uq_scheduled_services_occurrence"
        ),
    )
    for column in ("tenant_id", "client_tenant_id", "enterprise_id", "provider_id", "scan_id"):
        op.create_index(
            op.f(f"ix_scheduled_services_{column}"), "scheduled_services", [column], unique=False
        )
    op.create_index("ix_scheduled_services_due", "scheduled_services", ["kind", "status", "due_on"])
    op.create_table(
        "service_panels",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("provider_id", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        _tz("created_at", False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_service_panels_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["organisations.id"],
            name=op.f("fk_service_panels_provider_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_panels")),
        sa.UniqueConstraint(
            "tenant_id", "service_code", "provider_id", name="uq_service_panels_provider"
        ),
    )
    op.create_index(
        op.f("ix_service_panels_tenant_id"), "service_panels", ["tenant_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_service_panels_tenant_id"), table_name="service_panels")
    op.drop_table("service_panels")
    op.drop_index("ix_scheduled_services_due", table_name="scheduled_services")
    for column in ("tenant_id", "client_tenant_id", "enterprise_id", "provider_id", "scan_id"):
        op.drop_index(op.f(f"ix_scheduled_services_{column}"), table_name="scheduled_services")
    op.drop_table("scheduled_services")
