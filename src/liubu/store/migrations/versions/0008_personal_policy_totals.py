"""Running totals of personal policies by tenant, product, province and month, for the
regulator's dashboard; filled from the policies already issued.

Revision ID: 0008_personal_policy_totals
Revises: 0007_claims_experience
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_personal_policy_totals"
down_revision: str | None = "0007_claims_experience"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    totals = op.create_table(
        "personal_policy_totals",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("policies", sa.Integer(), nullable=False),
        sa.Column("premium", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("sum_insured", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_personal_policy_totals_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "product_ref", "province", "month", name=op.f("pk_personal_policy_totals")
        ),
    )
    assert totals is not None
    policies = sa.table(
        "personal_policies",
        sa.column("tenant_id"),
        sa.column("product_ref"),
        sa.column("province"),
        sa.column("inception", sa.Date),
        sa.column("premium"),
        sa.column("limit"),
    )
    month = sa.cast(
        sa.extract("year", policies.c.inception) * 100 + sa.extract("month", policies.c.inception),
        sa.Integer,
    )
    op.execute(
        totals.insert().from_select(
            ["tenant_id", "product_ref", "province", "month", "policies", "premium", "sum_insured"],
            sa.select(
                policies.c.tenant_id,
                policies.c.product_ref,
                policies.c.province,
                month,
                sa.func.count(),
                sa.func.sum(policies.c.premium),
                sa.func.sum(policies.c.limit),
            ).group_by(policies.c.tenant_id, policies.c.product_ref, policies.c.province, month),
        )
    )


def downgrade() -> None:
    op.drop_table("personal_policy_totals")
