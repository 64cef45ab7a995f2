"""Capital from the insurer's simulated book: ``book_capital`` (the latest run's rows per policy,
per industry section and for the whole book; the technical premium's risk load reads them).

Revision ID: 0026_book_capital
Revises: 0021_notifications
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_book_capital"
down_revision: str | None = "0021_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "book_capital",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("return_period", sa.Integer(), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("book_policies", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("policies", sa.Integer(), nullable=False),
        sa.Column("mean", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("capital", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("stand_alone", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("ratio", sa.Numeric(precision=12, scale=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_book_capital_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_capital")),
        sa.UniqueConstraint(
            "tenant_id", "segment", "key", name="uq_book_capital_tenant_segment_key"
        ),
    )
    op.create_index(op.f("ix_book_capital_tenant_id"), "book_capital", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_book_capital_tenant_id"), table_name="book_capital")
    op.drop_table("book_capital")
