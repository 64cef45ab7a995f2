"""Simulations of an insurer's book as stored runs: ``portfolio_runs`` (the settings, the book's
source and, once its job succeeded, the summary as JSON; state and progress are the job's).

Revision ID: 0025_portfolio_runs
Revises: 0021_notifications
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_portfolio_runs"
down_revision: str | None = "0027_scheme_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portfolio_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("block_years", sa.Integer(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("book_name", sa.String(length=200), nullable=True),
        sa.Column("catalogue_name", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_portfolio_runs_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_runs")),
    )
    op.create_index(
        op.f("ix_portfolio_runs_tenant_id"), "portfolio_runs", ["tenant_id"], unique=False
    )
    op.create_index(
        "ix_portfolio_runs_tenant_created",
        "portfolio_runs",
        ["tenant_id", "created_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_portfolio_runs_tenant_created", table_name="portfolio_runs")
    op.drop_index(op.f("ix_portfolio_runs_tenant_id"), table_name="portfolio_runs")
    op.drop_table("portfolio_runs")
