"""Supplier-of-supplier links of a supply-chain scheme (``scheme_links``): the chain owner
declares that a supplier reaches it through another supplier, both members of the scheme.

Revision ID: 0027_scheme_links
Revises: 0021_notifications
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_scheme_links"
down_revision: str | None = "0026_book_capital"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scheme_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("scheme_id", sa.String(length=32), nullable=False),
        sa.Column("source_member_id", sa.String(length=32), nullable=False),
        sa.Column("target_member_id", sa.String(length=32), nullable=False),
        sa.Column("access", sa.String(length=32), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_scheme_links_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["group_schemes.id"],
            name=op.f("fk_scheme_links_scheme_id_group_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["source_member_id"],
            ["group_members.id"],
            name=op.f("fk_scheme_links_source_member_id_group_members"),
        ),
        sa.ForeignKeyConstraint(
            ["target_member_id"],
            ["group_members.id"],
            name=op.f("fk_scheme_links_target_member_id_group_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_links")),
        sa.UniqueConstraint(
            "scheme_id", "source_member_id", "target_member_id", name="uq_scheme_links_ends"
        ),
    )
    op.create_index(op.f("ix_scheme_links_tenant_id"), "scheme_links", ["tenant_id"], unique=False)
    op.create_index(op.f("ix_scheme_links_scheme_id"), "scheme_links", ["scheme_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_scheme_links_scheme_id"), table_name="scheme_links")
    op.drop_index(op.f("ix_scheme_links_tenant_id"), table_name="scheme_links")
    op.drop_table("scheme_links")
