"""group schemes (supply chain, park), members, master policies and certificates

Revision ID: 0006_group_policies
Revises: 0005_personal_policies
Create Date: 2026-11-21 09:59:34.121378
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_group_policies"
down_revision: str | None = "0005_personal_policies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_schemes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sponsor_enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sponsor_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_group_schemes_sponsor_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_group_schemes_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_schemes")),
    )
    with op.batch_alter_table("group_schemes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_schemes_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("scheme_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("supplies", sa.String(length=300), nullable=False),
        sa.Column("access", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_group_members_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["group_schemes.id"],
            name=op.f("fk_group_members_scheme_id_group_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_group_members_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "scheme_id", "enterprise_id", name="uq_group_members_scheme_enterprise"
        ),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "group_policies",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("scheme_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("limit_per_member", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("retention", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("total_premium", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("sponsor_premium", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("worksheet", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("aggregate_limit", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_group_policies_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["group_schemes.id"],
            name=op.f("fk_group_policies_scheme_id_group_schemes"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_group_policies_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_policies")),
        sa.UniqueConstraint("number", name=op.f("uq_group_policies_number")),
    )
    with op.batch_alter_table("group_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_policies_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "certificates",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("member_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("master_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("limit", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("member_premium", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("member_share", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("sponsor_share", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("grade", sa.String(length=2), nullable=False),
        sa.Column("assessed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_certificates_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_certificates_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["master_id"],
            ["group_policies.id"],
            name=op.f("fk_certificates_master_id_group_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["member_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_certificates_member_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_certificates_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_member_tenant_id"), ["member_tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_certificates_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_certificates_member_tenant_id"))

    op.drop_table("certificates")
    with op.batch_alter_table("group_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_policies_tenant_id"))

    op.drop_table("group_policies")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_tenant_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("group_schemes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_schemes_tenant_id"))

    op.drop_table("group_schemes")
