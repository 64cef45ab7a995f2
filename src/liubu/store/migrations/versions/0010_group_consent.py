"""Consent for group membership and ownership of a credit code.

- ``enterprises.identity_holder`` and ``verified_at``, and a platform-wide unique index on the
  credit code of holders. Existing records: of each code held by enterprise tenants, the earliest
  record (then the smallest id) becomes the holder; every later enterprise-tenant record of the
  same code gets an open ``identity_claims`` row for the platform operator to decide. Insurers'
  records of clients hold nothing.
- ``identity_claims``: disputes over a credit code.
- ``group_members``: the invited ``uscc``, the member's ``state`` and ``responded_at``;
  ``enterprise_id`` becomes nullable (set on acceptance). Existing members of open schemes were
  added without consent: they become ``invited`` (and lose their ``enterprise_id``, so the sponsor
  no longer reads their assessments); members of bound schemes stay ``accepted``, as their
  certificates were issued.

Downgrade drops the members that never accepted (the old table has no place for them).

Revision ID: 0010_group_consent
Revises: 0009_durable_jobs
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010_group_consent"
down_revision: str | None = "0009_durable_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HOLDER = sa.text("identity_holder")

# Enterprise-tenant records of a code, earliest first.
_CLAIMANTS = sa.text(
    "SELECT e.id, e.tenant_id, e.uscc, e.name FROM enterprises e "
    "JOIN organisations o ON o.id = e.tenant_id WHERE o.kind = 'enterprise' "
    "ORDER BY e.uscc, e.created_at, e.id"
)


def _holders_and_claims() -> None:
    bind = op.get_bind()
    rows = bind.execute(_CLAIMANTS).all()
    holders: dict[str, tuple[str, str]] = {}
    claims = []
    now = datetime.now(UTC)
    for record_id, tenant_id, uscc, name in rows:
        if uscc not in holders:
            holders[uscc] = (record_id, tenant_id)
            continue
        holder_id, holder_tenant = holders[uscc]
        claims.append(
            {
                "id": uuid.uuid4().hex,
                "tenant_id": tenant_id,
                "uscc": uscc,
                "claimant_name": name,
                "holder_tenant_id": holder_tenant,
                "holder_enterprise_id": holder_id,
                "state": "open",
                "claimant_evidence": "Opened by migration 0010: a second record of this code.",
                "holder_evidence": "",
                "decision_note": "",
                "created_at": now,
                "version": 1,
            }
        )
    enterprises = sa.table("enterprises", sa.column("id"), sa.column("identity_holder"))
    for record_id, _tenant in holders.values():
        bind.execute(
            enterprises.update()
            .where(enterprises.c.id == record_id)
            .values(identity_holder=sa.true())
        )
    if claims:
        table = sa.table("identity_claims", *(sa.column(key) for key in claims[0]))
        bind.execute(table.insert(), claims)


def upgrade() -> None:
    # Plain ALTER TABLE, not a batch: SQLite would copy ``enterprises``, which other tables'
    # foreign keys refer to.
    op.add_column(
        "enterprises",
        sa.Column("identity_holder", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column(
        "enterprises", sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "identity_claims",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("uscc", sa.String(length=18), nullable=False),
        sa.Column("claimant_name", sa.String(length=200), nullable=False),
        sa.Column("holder_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("holder_enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("claimant_evidence", sa.Text(), nullable=False),
        sa.Column("holder_evidence", sa.Text(), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_identity_claims_holder_enterprise_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_identity_claims_holder_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_identity_claims_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_claims")),
    )
    op.create_index(
        op.f("ix_identity_claims_tenant_id"), "identity_claims", ["tenant_id"], unique=False
    )
    op.create_index(op.f("ix_identity_claims_uscc"), "identity_claims", ["uscc"], unique=False)
    _holders_and_claims()
    op.create_index(
        "uq_enterprises_uscc_holder",
        "enterprises",
        ["uscc"],
        unique=True,
        sqlite_where=_HOLDER,
        postgresql_where=_HOLDER,
    )

    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uscc", sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("enterprise_id", existing_type=sa.String(length=32), nullable=True)
    op.execute(
        "UPDATE group_members SET uscc = "
        "(SELECT e.uscc FROM enterprises e WHERE e.id = group_members.enterprise_id)"
    )
    op.execute(
        "UPDATE group_members SET state = CASE WHEN (SELECT s.status FROM group_schemes s "
        "WHERE s.id = group_members.scheme_id) = 'bound' THEN 'accepted' ELSE 'invited' END"
    )
    op.execute("UPDATE group_members SET enterprise_id = NULL WHERE state = 'invited'")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.alter_column("uscc", existing_type=sa.String(length=18), nullable=False)
        batch_op.alter_column("state", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_index(batch_op.f("ix_group_members_uscc"), ["uscc"], unique=False)
        batch_op.create_unique_constraint("uq_group_members_scheme_uscc", ["scheme_id", "uscc"])


def downgrade() -> None:
    op.execute("DELETE FROM group_members WHERE enterprise_id IS NULL")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_constraint("uq_group_members_scheme_uscc", type_="unique")
        batch_op.drop_index(batch_op.f("ix_group_members_uscc"))
        batch_op.alter_column("enterprise_id", existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column("responded_at")
        batch_op.drop_column("state")
        batch_op.drop_column("uscc")
    op.drop_index("uq_enterprises_uscc_holder", table_name="enterprises")
    op.drop_index(op.f("ix_identity_claims_uscc"), table_name="identity_claims")
    op.drop_index(op.f("ix_identity_claims_tenant_id"), table_name="identity_claims")
    op.drop_table("identity_claims")
    op.drop_column("enterprises", "verified_at")
    op.drop_column("enterprises", "identity_holder")
