"""The sponsor's declarations at binding a group: ``group_policies.declarations`` keeps both
answers (true and complete disclosure; wording and exclusions read), who made them and when, as
an enterprise policy's issue event does. Empty for master policies bound before.

Revision ID: 0017_group_declarations
Revises: 0016_asset_trusted_ca
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_group_declarations"
down_revision: str | None = "0016_asset_trusted_ca"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("group_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declarations", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("group_policies", schema=None) as batch_op:
        batch_op.drop_column("declarations")
