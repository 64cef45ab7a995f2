"""Feeds pulled on a schedule, jobs that wait and recurring schedules: ``monitoring_feeds``
(a feed's configuration and its cursor), ``jobs.not_before`` (a queued job is not claimed
before it) and ``job_schedules`` (one row per tenant, kind and subject; a worker queues a job
when ``next_run_at`` is due and moves it on by compare and set, docs/jobs.md).

Revision ID: 0022_feed_schedules
Revises: 0019_alert_lifecycle
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_feed_schedules"
down_revision: str | None = "0019_alert_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "job_schedules",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_job_schedules_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_schedules")),
        sa.UniqueConstraint("tenant_id", "kind", "subject", name="uq_job_schedules_subject"),
    )
    op.create_index(
        op.f("ix_job_schedules_tenant_id"), "job_schedules", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_job_schedules_next_run_at"), "job_schedules", ["next_run_at"], unique=False
    )

    op.create_table(
        "monitoring_feeds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("collection", sa.String(length=100), nullable=True),
        sa.Column("user", sa.String(length=100), nullable=True),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("last_pulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_feeds")),
        sa.UniqueConstraint("name", name=op.f("uq_monitoring_feeds_name")),
    )


def downgrade() -> None:
    op.drop_table("monitoring_feeds")
    op.drop_index(op.f("ix_job_schedules_next_run_at"), table_name="job_schedules")
    op.drop_index(op.f("ix_job_schedules_tenant_id"), table_name="job_schedules")
    op.drop_table("job_schedules")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("not_before")
