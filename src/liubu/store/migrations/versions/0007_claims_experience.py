"""claims experience (理赔经验数据), one row per imported experience row

Revision ID: 0007_claims_experience
Revises: 0006_group_policies
Create Date: 2026-11-21 10:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_claims_experience"
down_revision: str | None = "0006_group_policies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claims_experience",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=True),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("row_key", sa.String(length=64), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("exposure_years", sa.Numeric(precision=18, scale=6), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("incurred_loss", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claims_experience_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims_experience")),
        sa.UniqueConstraint("tenant_id", "row_key", name="uq_claims_experience_tenant_row"),
    )
    with op.batch_alter_table("claims_experience", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claims_experience_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claims_experience", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_experience_tenant_id"))
    op.drop_table("claims_experience")
