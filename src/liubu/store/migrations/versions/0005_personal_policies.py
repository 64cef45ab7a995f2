"""mass-issued personal policies (anti-fraud) and their import batches

Revision ID: 0005_personal_policies
Revises: 0004_underwriting
Create Date: 2026-11-21 09:47:48.770337
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_personal_policies"
down_revision: str | None = "0004_underwriting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("plan_key", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("checkpoint", sa.JSON(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_import_batches_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("file_sha256", "plan_key", name="uq_import_batches_file_plan"),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_batches_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "personal_policies",
        sa.Column("policy_key", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("inception", sa.Date(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("limit", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("premium", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("resident_id_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("mobile_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("resident_id_hash", sa.String(length=64), nullable=False),
        sa.Column("mobile_hash", sa.String(length=64), nullable=False),
        sa.Column("name_masked", sa.String(length=64), nullable=False),
        sa.Column("resident_id_masked", sa.String(length=32), nullable=False),
        sa.Column("mobile_masked", sa.String(length=32), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_personal_policies_batch_id_import_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_personal_policies_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("policy_key", name=op.f("pk_personal_policies")),
    )
    with op.batch_alter_table("personal_policies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_policies_resident_id_hash"), ["resident_id_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personal_policies_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("personal_policies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_policies_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_personal_policies_resident_id_hash"))

    op.drop_table("personal_policies")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_tenant_id"))

    op.drop_table("import_batches")
