"""An index on ``claims.reporter_tenant_id``: with it every branch of a claim's visibility (the
insurer, the insured, the reporter, a dispatched vendor) is an index lookup, so a caller's claims
list (the adjuster's queue) reads that caller's claims instead of scanning every insurer's.

Revision ID: 0015_claims_reporter_index
Revises: 0014_claim_appeals
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015_claims_reporter_index"
down_revision: str | None = "0014_claim_appeals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claims_reporter_tenant_id"), ["reporter_tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_reporter_tenant_id"))
