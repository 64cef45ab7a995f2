"""Anti-fraud resident claims: ``personal_claims`` (one per insurer and police case receipt
number, the resident only encrypted, hashed and masked), their bulk import batches with
checkpoints, and claim counts and amounts paid on the regulator's running totals.

Revision ID: 0013_personal_claims
Revises: 0012_claims
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_personal_claims"
down_revision: str | None = "0012_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("personal_policy_totals") as batch:
        batch.add_column(
            sa.Column("claims", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(
            sa.Column(
                "claims_paid",
                sa.Numeric(precision=20, scale=2),
                nullable=False,
                server_default=sa.text("0"),
            )
        )
    op.create_table(
        "personal_claim_batches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=300), nullable=False),
        sa.Column("checkpoint", sa.JSON(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_personal_claim_batches_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_claim_batches")),
        sa.UniqueConstraint("tenant_id", "file_sha256", name="uq_personal_claim_batches_file"),
    )
    op.create_table(
        "personal_claims",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("receipt_number", sa.String(length=32), nullable=False),
        sa.Column("policy_key", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("resident_id_hash", sa.String(length=64), nullable=False),
        sa.Column("resident_id_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("resident_id_masked", sa.String(length=32), nullable=False),
        sa.Column("loss_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("recovered_amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("loss_date", sa.Date(), nullable=False),
        sa.Column("police_report_date", sa.Date(), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("cause", sa.String(length=40), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("retention_applied", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("payable", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("payable_from", sa.Date(), nullable=True),
        sa.Column("worksheet", sa.JSON(), nullable=False),
        sa.Column("policy_inception", sa.Date(), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["personal_claim_batches.id"],
            name=op.f("fk_personal_claims_batch_id_personal_claim_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_key"],
            ["personal_policies.policy_key"],
            name=op.f("fk_personal_claims_policy_key_personal_policies"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_personal_claims_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_claims")),
        sa.UniqueConstraint("tenant_id", "receipt_number", name="uq_personal_claims_receipt"),
    )
    with op.batch_alter_table("personal_claims") as batch:
        batch.create_index(batch.f("ix_personal_claims_policy_key"), ["policy_key"], unique=False)
        batch.create_index(
            batch.f("ix_personal_claims_resident_id_hash"), ["resident_id_hash"], unique=False
        )


def downgrade() -> None:
    op.drop_table("personal_claims")
    op.drop_table("personal_claim_batches")
    with op.batch_alter_table("personal_policy_totals") as batch:
        batch.drop_column("claims_paid")
        batch.drop_column("claims")
