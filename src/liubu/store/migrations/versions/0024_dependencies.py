"""Dependencies of insureds and imported books: ``insured_dependencies`` (what an insured declared
it relies on, with how critical each is) and ``book_imports`` (an insurer's existing book
imported from a file, one per insurer).

Revision ID: 0024_dependencies
Revises: 0021_notifications
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_dependencies"
down_revision: str | None = "0025_portfolio_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insured_dependencies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("cpe", sa.String(length=255), nullable=True),
        sa.Column("tolerance_hours", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("revenue_share", sa.Numeric(precision=6, scale=4), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_insured_dependencies_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_insured_dependencies_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insured_dependencies")),
    )
    op.create_index(
        op.f("ix_insured_dependencies_tenant_id"),
        "insured_dependencies",
        ["tenant_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_insured_dependencies_enterprise_id"),
        "insured_dependencies",
        ["enterprise_id"],
        unique=False,
    )
    op.create_table(
        "book_imports",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_book_imports_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_imports")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_book_imports_tenant_id")),
    )


def downgrade() -> None:
    op.drop_table("book_imports")
    op.drop_index(op.f("ix_insured_dependencies_enterprise_id"), table_name="insured_dependencies")
    op.drop_index(op.f("ix_insured_dependencies_tenant_id"), table_name="insured_dependencies")
    op.drop_table("insured_dependencies")
