"""Claims (理赔): notices with their SLA clocks, case reserves and their changes, the payment
outbox (one payment per tenant and idempotency key), recoveries, approval requests, each insurer's
incident-response panel, dispatches, timeline entries and evidence.

Revision ID: 0012_claims
Revises: 0011_web_sessions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_claims"
down_revision: str | None = "0011_web_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_counters",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_counters_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_claim_counters")),
    )
    op.create_table(
        "ir_panel",
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("vendor_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organisations.id"], name=op.f("fk_ir_panel_tenant_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_ir_panel_vendor_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "vendor_tenant_id", name=op.f("pk_ir_panel")),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("policy_id", sa.String(length=32), nullable=False),
        sa.Column("policy_number", sa.String(length=24), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("product_ref", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("incident_type", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("reporter_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("reported_by", sa.String(length=32), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("affected_assets", sa.JSON(), nullable=False),
        sa.Column("contact_name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("contact_phone_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("contact_name_masked", sa.String(length=64), nullable=False),
        sa.Column("contact_phone_masked", sa.String(length=32), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("ir_contact_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settlement_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duplicate_key", sa.String(length=64), nullable=False),
        sa.Column("state_reason", sa.Text(), nullable=True),
        sa.Column("worksheet", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claims_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_claims_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_claims_policy_id_policies")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claims_reporter_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["organisations.id"], name=op.f("fk_claims_tenant_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("tenant_id", "duplicate_key", name="uq_claims_tenant_duplicate"),
        sa.UniqueConstraint("tenant_id", "number", name="uq_claims_tenant_number"),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claims_client_tenant_id"), ["client_tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claims_policy_id"), ["policy_id"], unique=False)
        batch_op.create_index(
            "ix_claims_queue", ["tenant_id", "state", "ir_contact_due"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_claims_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "claim_dispatches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("vendor_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("approved_costs", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("dispatched_by", sa.String(length=32), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_dispatches_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_dispatches_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["vendor_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_dispatches_vendor_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_dispatches")),
    )
    with op.batch_alter_table("claim_dispatches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_dispatches_claim_id"), ["claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claim_dispatches_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claim_dispatches_vendor_tenant_id"), ["vendor_tenant_id"], unique=False
        )

    op.create_table(
        "claim_evidence",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=32), nullable=False),
        sa.Column("uploader_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_evidence_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_evidence_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_evidence")),
        sa.UniqueConstraint("claim_id", "filename", name="uq_claim_evidence_claim_filename"),
    )
    with op.batch_alter_table("claim_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_evidence_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_evidence_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "claim_payments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("client_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("coverage", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("payee_name_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("payee_account_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("payee_name_masked", sa.String(length=64), nullable=False),
        sa.Column("payee_account_masked", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_payments_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["client_tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_payments_client_tenant_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_payments_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_payments")),
        sa.UniqueConstraint("tenant_id", "idempotency_key", name="uq_claim_payments_tenant_key"),
    )
    with op.batch_alter_table("claim_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_payments_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index("ix_claim_payments_outbox", ["state", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_payments_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "claim_recoveries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_recoveries_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_recoveries_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_recoveries")),
    )
    with op.batch_alter_table("claim_recoveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_recoveries_claim_id"), ["claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claim_recoveries_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "claim_reserve_changes",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("coverage", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("before", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("after", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_reserve_changes_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_reserve_changes_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_reserve_changes")),
    )
    with op.batch_alter_table("claim_reserve_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claim_reserve_changes_claim_id"), ["claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claim_reserve_changes_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "claim_reserves",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("coverage", sa.String(length=64), nullable=False),
        sa.Column("reserve", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_reserves_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_reserves_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_reserves")),
        sa.UniqueConstraint("claim_id", "coverage", name="uq_claim_reserves_claim_coverage"),
    )
    with op.batch_alter_table("claim_reserves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_reserves_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_reserves_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "claim_timeline",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=32), nullable=False),
        sa.Column("actor_tenant_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_timeline_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_timeline_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_timeline")),
    )
    with op.batch_alter_table("claim_timeline", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_timeline_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_timeline_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "claim_approvals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=32), nullable=False),
        sa.Column("claim_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("coverage", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("required_level", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payment_id", sa.String(length=32), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_approvals_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["claim_payments.id"],
            name=op.f("fk_claim_approvals_payment_id_claim_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_approvals_tenant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_approvals")),
    )
    with op.batch_alter_table("claim_approvals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_approvals_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claim_approvals_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claim_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_approvals_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_approvals_claim_id"))

    op.drop_table("claim_approvals")
    with op.batch_alter_table("claim_timeline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_timeline_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_timeline_claim_id"))

    op.drop_table("claim_timeline")
    with op.batch_alter_table("claim_reserves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_reserves_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_reserves_claim_id"))

    op.drop_table("claim_reserves")
    with op.batch_alter_table("claim_reserve_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_reserve_changes_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_reserve_changes_claim_id"))

    op.drop_table("claim_reserve_changes")
    with op.batch_alter_table("claim_recoveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_recoveries_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_recoveries_claim_id"))

    op.drop_table("claim_recoveries")
    with op.batch_alter_table("claim_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_payments_tenant_id"))
        batch_op.drop_index("ix_claim_payments_outbox")
        batch_op.drop_index(batch_op.f("ix_claim_payments_claim_id"))

    op.drop_table("claim_payments")
    with op.batch_alter_table("claim_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_evidence_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_evidence_claim_id"))

    op.drop_table("claim_evidence")
    with op.batch_alter_table("claim_dispatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_dispatches_vendor_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_dispatches_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_claim_dispatches_claim_id"))

    op.drop_table("claim_dispatches")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_tenant_id"))
        batch_op.drop_index("ix_claims_queue")
        batch_op.drop_index(batch_op.f("ix_claims_policy_id"))
        batch_op.drop_index(batch_op.f("ix_claims_client_tenant_id"))

    op.drop_table("claims")
    op.drop_table("ir_panel")
    op.drop_table("claim_counters")
