"""A per-asset trusted CA: ``assets.trusted_ca`` keeps the PEM CA certificates (an enterprise's
private CA) that scans of that asset validate its TLS chains against, on top of the scan's trust
store. Empty for every existing asset.

Revision ID: 0016_asset_trusted_ca
Revises: 0015_claims_reporter_index
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_asset_trusted_ca"
down_revision: str | None = "0015_claims_reporter_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trusted_ca", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_column("trusted_ca")
