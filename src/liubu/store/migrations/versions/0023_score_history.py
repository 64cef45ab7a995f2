"""Score history through the term: ``score_changes`` (each change of an enterprise's in-term score
with its reason; the insured's, read by its insurers and assigned providers) and
``quotes.renewal`` (a renewal quote's score history over the term and what it did to the
premium).

Revision ID: 0023_score_history
Revises: 0022_feed_schedules
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_score_history"
down_revision: str | None = "0022_feed_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "score_changes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score_before", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("grade_before", sa.String(length=8), nullable=True),
        sa.Column("score_after", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("grade_after", sa.String(length=8), nullable=False),
        sa.Column("diagnosis_score", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("adjustment", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_score_changes_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_score_changes_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_changes")),
    )
    op.create_index(
        op.f("ix_score_changes_tenant_id"), "score_changes", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_score_changes_enterprise_at", "score_changes", ["enterprise_id", "at"], unique=False
    )
    with op.batch_alter_table("quotes") as batch:
        batch.add_column(sa.Column("renewal", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quotes") as batch:
        batch.drop_column("renewal")
    op.drop_index("ix_score_changes_enterprise_at", table_name="score_changes")
    op.drop_index(op.f("ix_score_changes_tenant_id"), table_name="score_changes")
    op.drop_table("score_changes")
