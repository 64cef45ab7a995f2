"""Appeals against a statement of loss (申诉): ``claim_appeals``, seen by the insurer and the
insured, keeping the worksheet under appeal and its re-assessment.

Revision ID: 0014_claim_appeals
Revises: 0013_personal_claims
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_claim_appeals"
down_revision: str | None = "0013_personal_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_appeals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("evidence_ids", sa.JSON(), nullable=False),
        sa.Column("lodged_by", sa.String(length=32), nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("statement_issued_on", sa.Date(), nullable=False),
        sa.Column("assessed_by", sa.String(length=32), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("original_payable", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("reassessment", sa.JSON(), nullable=True),
        sa.Column("reassessed_by", sa.String(length=32), nullable=True),
        sa.Column("reassessed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_payable", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_appeals_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_appeals_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_appeals_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_appeals")),
    )
    with op.batch_alter_table("claim_appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_appeals_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_appeals_client_tenant_id"), ["client_tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claim_appeals_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_claim_appeals_queue", ["tenant_id", "state", "lodged_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claim_appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_appeals_queue")
        batch_op.drop_index(batch_op.f("ix_claim_appeals_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_appeals_client_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_appeals_claim_id"))
    op.drop_table("claim_appeals")
