"""Table definitions. Alembic migrations are the only source of the schema in a database;
these definitions must match them (a test runs autogenerate and expects no difference)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from liubu.store.documents import (
    BoundTermsJSON,
    DecisionJSON,
    OptionsJSON,
    RenewalJSON,
    SubmissionJSON,
)

# Named constraints so migrations are stable across SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ID = 32  # uuid4 hex


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite (which stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("liubu stores only timezone-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _tz() -> UTCDateTime:
    return UTCDateTime()


organisations = Table(
    "organisations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("code", String(64), nullable=True, unique=True),
    Column("created_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
    # Raised to revoke every session and access token of the user at once (password change,
    # an admin's revocation); a token names the epoch it was issued in.
    Column("session_epoch", Integer, nullable=False, server_default=text("0")),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("user_id", String(ID), ForeignKey("users.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("revoked_at", _tz(), nullable=True),
    Column("last_used_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
)

enterprises = Table(
    "enterprises",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("industry_section", String(1), nullable=False),
    Column("industry_division", String(2), nullable=False),
    Column("region_code", String(6), nullable=False),
    Column("annual_revenue", Numeric(18, 2), nullable=False),
    Column("employees", Integer, nullable=False),
    Column("mlps_level", Integer, nullable=False),
    Column("critical_infrastructure", Boolean, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
    Column("identity_holder", Boolean, nullable=False, server_default=text("false")),
    Column("verified_at", _tz(), nullable=True),
    UniqueConstraint("tenant_id", "uscc", name="uq_enterprises_tenant_uscc"),
    # A credit code has at most one holder on the platform (see liubu.accounts.identity).
    Index(
        "uq_enterprises_uscc_holder",
        "uscc",
        unique=True,
        sqlite_where=text("identity_holder"),
        postgresql_where=text("identity_holder"),
    ),
)

# Disputes over a credit code, for the platform operator: seen by the claimant (tenant_id) and
# the holder's tenant.
identity_claims = Table(
    "identity_claims",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("claimant_name", String(200), nullable=False),
    Column("holder_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("holder_enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("state", String(16), nullable=False),
    Column("claimant_evidence", Text, nullable=False),
    Column("holder_evidence", Text, nullable=False),
    Column("decision_note", Text, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("decided_at", _tz(), nullable=True),
    Column("decided_by", String(ID), nullable=True),
    Column("version", Integer, nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("product_ref", String(200), nullable=False, unique=True),
    Column("insurer", String(64), nullable=False),
    Column("code", String(64), nullable=False),
    Column("product_version", Integer, nullable=False),
    Column("product_type", String(64), nullable=False),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("filing_number", String(100), nullable=True),
    Column("effective_from", Date, nullable=True),
    Column("effective_to", Date, nullable=True),
    Column("document", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("filed_at", _tz(), nullable=True),
    Column("withdrawn_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_products_series", "insurer", "code"),
    Index("ix_products_status", "status"),
)

assets = Table(
    "assets",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("name", String(253), nullable=False),
    Column("token", String(64), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("verified_at", _tz(), nullable=True),
    Column("verified_by", String(32), nullable=True),
    Column("version", Integer, nullable=False),
    Column("trusted_ca", Text, nullable=True),
    UniqueConstraint("enterprise_id", "name", name="uq_assets_enterprise_name"),
)

scans = Table(
    "scans",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("targets", JSON, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("progress_done", Integer, nullable=False),
    Column("progress_total", Integer, nullable=False),
    Column("started_at", _tz(), nullable=True),
    Column("finished_at", _tz(), nullable=True),
    Column("error", Text, nullable=True),
    Column("result", JSON, nullable=True),
    Column("version", Integer, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("scan_id", String(ID), ForeignKey("scans.id"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("factor", String(32), nullable=False),
    Column("asset", String(300), nullable=False),
    Column("status", String(32), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("dispute_note", Text, nullable=True),
    Column("dispute_evidence", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_findings_enterprise", "enterprise_id", "status"),
)

answer_sets = Table(
    "answer_sets",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("answered_at", _tz(), nullable=False),
    Column("answered_by", String(ID), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("enterprise_id", "number", name="uq_answer_sets_enterprise_number"),
)

# Evidence uploaded with questionnaire answers (screenshots, policies): kept as uploaded.
attachments = Table(
    "attachments",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_at", _tz(), nullable=False),
    Column("uploaded_by", String(ID), nullable=False),
    Column("version", Integer, nullable=False),
)

service_tasks = Table(
    "service_tasks",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("provider_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("fix_id", String(64), nullable=False),
    Column("title_zh", String(300), nullable=False),
    Column("title_en", String(300), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("note", Text, nullable=True),
    Column("version", Integer, nullable=False),
)

# Quotes and policies belong to the insurer (tenant_id) and are seen by the insured too
# (client_tenant_id).
quotes = Table(
    "quotes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("insurer", String(64), nullable=False),
    Column("submission", SubmissionJSON, nullable=False),
    Column("options", OptionsJSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("valid_until", _tz(), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("decision", DecisionJSON, nullable=True),
    Column("version", Integer, nullable=False),
    # A renewal quote's score history over the expiring term and what it did to the premium.
    Column("renewal", RenewalJSON, nullable=True),
)

policies = Table(
    "policies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("number", String(24), nullable=False, unique=True),
    Column("quote_id", String(ID), ForeignKey("quotes.id"), nullable=False, unique=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("product_ref", String(200), nullable=False),
    Column("limit", Numeric(18, 2), nullable=False),
    Column("retention", Numeric(18, 2), nullable=False),
    Column("annual_premium", Numeric(18, 2), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("submission", SubmissionJSON, nullable=False),
    Column("option", BoundTermsJSON, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("answers_version", Integer, nullable=True),
    Column("version", Integer, nullable=False),
)

policy_events = Table(
    "policy_events",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("policy_id", String(ID), ForeignKey("policies.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("effective", Date, nullable=False),
    Column("premium_change", Numeric(18, 2), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
)

# Group schemes (supply chain, park) belong to the sponsor; master policies and certificates to
# the insurer, seen by the sponsor and (a certificate) by its member.
group_schemes = Table(
    "group_schemes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("sponsor_enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("product_ref", String(200), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("status", String(16), nullable=False),
    Column("updated_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
)

group_members = Table(
    "group_members",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("scheme_id", String(ID), ForeignKey("group_schemes.id"), nullable=False),
    # Set when the member accepts: until then the sponsor knows only the code it invited.
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=True),
    Column("supplies", String(300), nullable=False),
    Column("access", String(32), nullable=False),
    Column("added_at", _tz(), nullable=False),  # invited at
    Column("version", Integer, nullable=False),
    Column("uscc", String(18), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("responded_at", _tz(), nullable=True),
    UniqueConstraint("scheme_id", "enterprise_id", name="uq_group_members_scheme_enterprise"),
    UniqueConstraint("scheme_id", "uscc", name="uq_group_members_scheme_uscc"),
)

# Supplier-of-supplier links of a supply chain (the sponsor's): source reaches the chain owner
# through target, both rows of group_members of the same scheme.
scheme_links = Table(
    "scheme_links",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("scheme_id", String(ID), ForeignKey("group_schemes.id"), nullable=False, index=True),
    Column("source_member_id", String(ID), ForeignKey("group_members.id"), nullable=False),
    Column("target_member_id", String(ID), ForeignKey("group_members.id"), nullable=False),
    Column("access", String(32), nullable=False),
    Column("declared_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint(
        "scheme_id", "source_member_id", "target_member_id", name="uq_scheme_links_ends"
    ),
)

group_policies = Table(
    "group_policies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("scheme_id", String(ID), ForeignKey("group_schemes.id"), nullable=False),
    Column("number", String(24), nullable=False, unique=True),
    Column("product_ref", String(200), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("limit_per_member", Numeric(18, 2), nullable=False),
    Column("retention", Numeric(18, 2), nullable=False),
    Column("total_premium", Numeric(18, 2), nullable=False),
    Column("sponsor_premium", Numeric(18, 2), nullable=False),
    Column("status", String(16), nullable=False),
    Column("worksheet", JSON, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("aggregate_limit", Numeric(18, 2), nullable=True),
    Column("declarations", JSON, nullable=True),
    Column("version", Integer, nullable=False),
)

certificates = Table(
    "certificates",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column(
        "member_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("master_id", String(ID), ForeignKey("group_policies.id"), nullable=False),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("number", String(32), nullable=False, unique=True),
    Column("limit", Numeric(18, 2), nullable=False),
    Column("member_premium", Numeric(18, 2), nullable=False),
    Column("member_share", Numeric(18, 2), nullable=False),
    Column("sponsor_share", Numeric(18, 2), nullable=False),
    Column("score", Numeric(5, 1), nullable=False),
    Column("grade", String(2), nullable=False),
    Column("assessed", Boolean, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
)

# Mass-issued personal policies (反诈险): personal data only encrypted (AES-GCM tokens), looked up
# by keyed hash, shown masked; province, sex and age in clear for statistics. policy_key makes
# issuance idempotent.
personal_policies = Table(
    "personal_policies",
    metadata,
    Column("policy_key", String(32), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("batch_id", String(ID), ForeignKey("import_batches.id"), nullable=False),
    Column("product_ref", String(200), nullable=False),
    Column("inception", Date, nullable=False),
    Column("line", Integer, nullable=False),
    Column("limit", Numeric(18, 2), nullable=False),
    Column("premium", Numeric(18, 2), nullable=False),
    Column("name_encrypted", LargeBinary, nullable=False),
    Column("resident_id_encrypted", LargeBinary, nullable=False),
    Column("mobile_encrypted", LargeBinary, nullable=False),
    Column("resident_id_hash", String(64), nullable=False, index=True),
    Column("mobile_hash", String(64), nullable=False),
    Column("name_masked", String(64), nullable=False),
    Column("resident_id_masked", String(32), nullable=False),
    Column("mobile_masked", String(32), nullable=False),
    Column("province", String(2), nullable=False),
    Column("sex", String(8), nullable=False),
    Column("age", Integer, nullable=False),
    Column("external_ref", String(100), nullable=True),
)

# Running totals of issued personal policies for the regulator's dashboard, added to in each
# import chunk's own transaction (only rows actually issued count), so the dashboard reads a few
# hundred rows instead of scanning millions.
personal_policy_totals = Table(
    "personal_policy_totals",
    metadata,
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), primary_key=True),
    Column("product_ref", String(200), primary_key=True),
    Column("province", String(2), primary_key=True),
    Column("month", Integer, primary_key=True),  # YYYYMM of the inception date
    Column("policies", Integer, nullable=False),
    Column("premium", Numeric(18, 2), nullable=False),
    Column("sum_insured", Numeric(20, 2), nullable=False),
    # Anti-fraud claims of these policies (by the policy's cell, so claims and policies share
    # the small-cell rule): claims filed, and the payable amount of the accepted ones.
    Column("claims", Integer, nullable=False, server_default=text("0")),
    Column("claims_paid", Numeric(20, 2), nullable=False, server_default=text("0")),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("product_ref", String(200), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("plan_key", String(64), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("checkpoint", JSON, nullable=False),
    Column("issued", Integer, nullable=False),
    Column("started_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    UniqueConstraint("file_sha256", "plan_key", name="uq_import_batches_file_plan"),
)

# Bulk anti-fraud claims files of an insurer (反诈险批量理赔): the checkpoint of the last committed
# chunk, so an import resumes where it stopped; one batch per insurer and file.
personal_claim_batches = Table(
    "personal_claim_batches",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("file_name", String(300), nullable=False),
    Column("checkpoint", JSON, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("started_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    UniqueConstraint("tenant_id", "file_sha256", name="uq_personal_claim_batches_file"),
)

# Anti-fraud resident claims, assessed: the resident only as keyed hash, ciphertext and mask;
# one claim per insurer and police case receipt number (the natural key that keeps bulk files
# idempotent); the worksheet as versioned JSON.
personal_claims = Table(
    "personal_claims",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("receipt_number", String(32), nullable=False),
    Column(
        "policy_key",
        String(32),
        ForeignKey("personal_policies.policy_key"),
        nullable=False,
        index=True,
    ),
    Column("product_ref", String(200), nullable=False),
    Column("batch_id", String(ID), ForeignKey("personal_claim_batches.id"), nullable=True),
    Column("line", Integer, nullable=True),
    Column("resident_id_hash", String(64), nullable=False, index=True),
    Column("resident_id_encrypted", LargeBinary, nullable=False),
    Column("resident_id_masked", String(32), nullable=False),
    Column("loss_amount", Numeric(18, 2), nullable=False),
    Column("recovered_amount", Numeric(18, 2), nullable=False),
    Column("loss_date", Date, nullable=False),
    Column("police_report_date", Date, nullable=False),
    Column("notified_on", Date, nullable=False),
    Column("cause", String(40), nullable=True),
    Column("decision", String(16), nullable=False),
    Column("retention_applied", Numeric(18, 2), nullable=False),
    Column("payable", Numeric(18, 2), nullable=False),
    Column("payable_from", Date, nullable=True),
    Column("worksheet", JSON, nullable=False),
    Column("policy_inception", Date, nullable=False),
    Column("province", String(2), nullable=False),
    Column("external_ref", String(100), nullable=True),
    Column("created_at", _tz(), nullable=False),
    UniqueConstraint("tenant_id", "receipt_number", name="uq_personal_claims_receipt"),
)

# Durable background jobs (docs/jobs.md). A worker claims the oldest queued job (or a running one
# whose lease expired: its worker died) with a guarded UPDATE; the partial unique index keeps one
# active job per (tenant, kind, subject), so the same work asked for twice is queued once.
jobs = Table(
    "jobs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("state", String(16), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("progress_done", Integer, nullable=False),
    Column("progress_total", Integer, nullable=True),
    Column("result", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("started_at", _tz(), nullable=True),
    Column("finished_at", _tz(), nullable=True),
    Column("lease_owner", String(200), nullable=True),
    Column("lease_expires_at", _tz(), nullable=True),
    Column("not_before", _tz(), nullable=True),
    Index("ix_jobs_claim", "state", "created_at"),
    Index("ix_jobs_subject", "kind", "subject"),
    Index(
        "ix_jobs_one_active",
        "tenant_id",
        "kind",
        "subject",
        unique=True,
        sqlite_where=text("state IN ('queued', 'running')"),
        postgresql_where=text("state IN ('queued', 'running')"),
    ),
)

# Feeds pulled on a schedule (liubu.monitoring.Feed): the platform's (no tenant); the cursor is
# where the last committed pull got to.
monitoring_feeds = Table(
    "monitoring_feeds",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("collection", String(100), nullable=True),
    Column("user", String(100), nullable=True),
    Column("format", String(16), nullable=False),
    Column("interval_seconds", Integer, nullable=False),
    Column("cursor", JSON, nullable=False),
    Column("last_pulled_at", _tz(), nullable=True),
    Column("last_result", JSON, nullable=True),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
)

# Recurring work (liubu.jobs.Schedule): one row per (tenant, kind, subject); a worker queues a
# job when next_run_at is due and moves it on by compare and set (docs/jobs.md).
job_schedules = Table(
    "job_schedules",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("interval_seconds", Integer, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("next_run_at", _tz(), nullable=False, index=True),
    Column("last_run_at", _tz(), nullable=True),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    UniqueConstraint("tenant_id", "kind", "subject", name="uq_job_schedules_subject"),
)

# Claims experience (理赔经验数据) is the insurer's own: one row per row of an imported experience
# file (docs/experience.md). row_key = SHA-256 of (product_ref, policy_id, period), unique per
# tenant, so importing a file again adds nothing; content_sha256 covers every value of the row,
# so a re-import that changes a stored row is refused instead of silently kept or overwritten.
claims_experience = Table(
    "claims_experience",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("product_ref", String(200), nullable=True),
    Column("batch_id", String(ID), nullable=False),
    Column("source", String(300), nullable=False),
    Column("row_key", String(64), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("policy_id", String(64), nullable=False),
    Column("period", Integer, nullable=False),
    Column("exposure_years", Numeric(18, 6), nullable=False),
    Column("claim_count", Integer, nullable=False),
    Column("incurred_loss", Numeric(18, 2), nullable=False),
    Column("factors", JSON, nullable=False),
    Column("imported_at", _tz(), nullable=False),
    UniqueConstraint("tenant_id", "row_key", name="uq_claims_experience_tenant_row"),
)

# Vulnerability intelligence is platform reference data (not tenant data): each loaded feed file
# is kept verbatim (compressed) under its SHA-256, so loading is idempotent and the index can be
# rebuilt from the real formats at any time.
intel_sources = Table(
    "intel_sources",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("name", String(300), nullable=False),
    Column("records", Integer, nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("loaded_at", _tz(), nullable=False),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("occurred_at", String(40), nullable=False),
    Column("tenant_id", String(ID), nullable=False),
    Column("actor_id", String(ID), nullable=False),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(64), nullable=False),
    Column("entity_id", String(128), nullable=False),
    Column("before_digest", String(64), nullable=False),
    Column("after_digest", String(64), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_events_action_entity", "action", "entity_id", "occurred_at"),
    Index("ix_audit_events_tenant", "tenant_id", "seq"),
)

# One row: the head of the audit chain. Appending locks it, which serialises writers
# (PostgreSQL row lock; SQLite's database write lock) so the chain never forks.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

# Web sessions (migration 0011). The cookie carries a random token; only its SHA-256 is stored, so
# a copy of this table opens no session. Not a mapped aggregate: touching ``last_seen_at`` on each
# request is not a state change worth an audit event; sign-in, sign-out and revocation are audited.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id"), nullable=False, index=True),
    Column("tenant_id", String(ID), nullable=False),
    Column("session_epoch", Integer, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("last_seen_at", _tz(), nullable=False),
    Column("expires_at", _tz(), nullable=False, index=True),
)

# Failed sign-ins, the memory of the login throttle (docs/security.md). The account is kept as a
# hash of the typed username (names that exist and names that do not are stored alike).
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_key", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("failed_at", _tz(), nullable=False),
    Index("ix_sign_in_failures_account", "account_key", "failed_at"),
    Index("ix_sign_in_failures_address", "address", "failed_at"),
)

# Claims (理赔, docs in liubu.claims): each belongs to the insurer (tenant_id) and is seen by the
# insured (client_tenant_id); an incident-response vendor sees a claim through its dispatch row.
# Personal data (contact, payee account) only encrypted (AES-GCM tokens) and masked. Amounts in
# CNY to the fen. (tenant_id, number) and (tenant_id, duplicate_key) are unique: a claim number
# is the insurer's, and the same notice from the same reporter is one claim.
claims = Table(
    "claims",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("policy_id", String(ID), ForeignKey("policies.id"), nullable=False, index=True),
    Column("policy_number", String(24), nullable=False),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("product_ref", String(200), nullable=False),
    Column("number", String(32), nullable=False),
    Column("incident_type", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column(
        "reporter_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("reported_by", String(ID), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("discovered_at", _tz(), nullable=False),
    Column("notified_at", _tz(), nullable=False),
    Column("description", Text, nullable=False),
    Column("affected_assets", JSON, nullable=False),
    Column("contact_name_encrypted", LargeBinary, nullable=False),
    Column("contact_phone_encrypted", LargeBinary, nullable=False),
    Column("contact_name_masked", String(64), nullable=False),
    Column("contact_phone_masked", String(32), nullable=False),
    Column("flags", JSON, nullable=False),
    Column("ir_contact_due", _tz(), nullable=False),
    Column("settlement_due", _tz(), nullable=True),
    Column("duplicate_key", String(64), nullable=False),
    Column("state_reason", Text, nullable=True),
    Column("worksheet", JSON, nullable=True),
    Column("updated_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("tenant_id", "number", name="uq_claims_tenant_number"),
    UniqueConstraint("tenant_id", "duplicate_key", name="uq_claims_tenant_duplicate"),
    Index("ix_claims_queue", "tenant_id", "state", "ir_contact_due"),
)

# The last claim serial of each insurer (claim numbers per insurer, gap-free in one tenant).
claim_counters = Table(
    "claim_counters",
    metadata,
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

claim_reserves = Table(
    "claim_reserves",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("coverage", String(64), nullable=False),
    Column("reserve", Numeric(18, 2), nullable=False),
    Column("paid", Numeric(18, 2), nullable=False),
    Column("source", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("claim_id", "coverage", name="uq_claim_reserves_claim_coverage"),
)

claim_reserve_changes = Table(
    "claim_reserve_changes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("coverage", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("before", Numeric(18, 2), nullable=False),
    Column("after", Numeric(18, 2), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor_id", String(ID), nullable=False),
    Column("at", _tz(), nullable=False),
)

# The payment outbox: a row is written in the same transaction as the reserve change it makes;
# the payment run marks it sent. (tenant_id, idempotency_key) unique: one payment per key.
claim_payments = Table(
    "claim_payments",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("coverage", String(64), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("payee_name_encrypted", LargeBinary, nullable=False),
    Column("payee_account_encrypted", LargeBinary, nullable=False),
    Column("payee_name_masked", String(64), nullable=False),
    Column("payee_account_masked", String(64), nullable=False),
    Column("idempotency_key", String(100), nullable=False),
    Column("request_digest", String(64), nullable=False),
    Column("state", String(24), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("decided_by", String(ID), nullable=True),
    Column("sent_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("tenant_id", "idempotency_key", name="uq_claim_payments_tenant_key"),
    Index("ix_claim_payments_outbox", "state", "created_at"),
)

claim_recoveries = Table(
    "claim_recoveries",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("counterparty", String(200), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", _tz(), nullable=False),
    Column("by", String(ID), nullable=False),
)

claim_approvals = Table(
    "claim_approvals",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("coverage", String(64), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("reason", Text, nullable=False),
    Column("required_level", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("requested_by", String(ID), nullable=False),
    Column("requested_at", _tz(), nullable=False),
    Column("payment_id", String(ID), ForeignKey("claim_payments.id"), nullable=True),
    Column("decided_by", String(ID), nullable=True),
    Column("decided_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
)

# Each insurer's incident-response panel: the security providers it may dispatch.
ir_panel = Table(
    "ir_panel",
    metadata,
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), primary_key=True),
    Column("vendor_tenant_id", String(ID), ForeignKey("organisations.id"), primary_key=True),
    Column("added_at", _tz(), nullable=False),
)

claim_dispatches = Table(
    "claim_dispatches",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column(
        "vendor_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("state", String(16), nullable=False),
    Column("approved_costs", Numeric(18, 2), nullable=False),
    Column("dispatched_by", String(ID), nullable=False),
    Column("dispatched_at", _tz(), nullable=False),
    Column("responded_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
)

claim_timeline = Table(
    "claim_timeline",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("phase", String(16), nullable=False),
    Column("at", _tz(), nullable=False),
    Column("actor_id", String(ID), nullable=False),
    Column("actor_tenant_id", String(ID), nullable=False),
    Column("note", Text, nullable=False),
)

# Appeals against a statement of loss (申诉): seen by the insurer (tenant_id) and the insured
# (client_tenant_id) only. Both worksheets are kept as the JSON the claim stored: the one under
# appeal (``original``) and the re-assessment.
claim_appeals = Table(
    "claim_appeals",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("state", String(16), nullable=False),
    Column("lines", JSON, nullable=False),
    Column("reasons", Text, nullable=False),
    Column("evidence_ids", JSON, nullable=False),
    Column("lodged_by", String(ID), nullable=False),
    Column("lodged_at", _tz(), nullable=False),
    Column("statement_issued_on", Date, nullable=False),
    Column("assessed_by", String(ID), nullable=False),
    Column("original", JSON, nullable=False),
    Column("original_payable", Numeric(18, 2), nullable=False),
    Column("reassessment", JSON, nullable=True),
    Column("reassessed_by", String(ID), nullable=True),
    Column("reassessed_at", _tz(), nullable=True),
    Column("new_payable", Numeric(18, 2), nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("decision_reasons", Text, nullable=True),
    Column("decided_by", String(ID), nullable=True),
    Column("decided_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_claim_appeals_queue", "tenant_id", "state", "lodged_at"),
)

# Evidence is kept as uploaded, encrypted, under its SHA-256; a name is never reused for other
# content ((claim_id, filename) unique).
claim_evidence = Table(
    "claim_evidence",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("claim_id", String(ID), ForeignKey("claims.id"), nullable=False, index=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content_encrypted", LargeBinary, nullable=False),
    Column("uploaded_by", String(ID), nullable=False),
    Column("uploader_tenant_id", String(ID), nullable=False),
    Column("uploaded_at", _tz(), nullable=False),
    UniqueConstraint("claim_id", "filename", name="uq_claim_evidence_claim_filename"),
)


# In-term monitoring (保中监控, liubu.monitoring): an alert belongs to the insurer of the policy
# (tenant_id) and is seen by the insured (client_tenant_id) and by security providers assigned to
# the enterprise. (policy_id, asset_value, indicator, rule) finds the alert a repeat folds into.
alerts = Table(
    "alerts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False, index=True),
    # A policy's id, or a group member's certificate's (``cover`` says which): no foreign key.
    Column("policy_id", String(ID), nullable=False),
    Column("policy_number", String(32), nullable=False),
    Column("asset_kind", String(16), nullable=False),
    Column("asset_value", String(300), nullable=False),
    Column("indicator_kind", String(16), nullable=False),
    Column("indicator", Text, nullable=False),
    Column("match_kind", String(16), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("first_seen", _tz(), nullable=False),
    Column("last_seen", _tz(), nullable=False),
    Column("count", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("provider", String(64), nullable=True),
    Column("cover", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    # The lifecycle (0019): service-level due times, the provider working the alert, escalation,
    # a false positive's reason and the bounded history of transitions.
    Column("acknowledge_due", _tz(), nullable=True),
    Column("fix_due", _tz(), nullable=True),
    Column("assigned_provider_id", String(ID), ForeignKey("organisations.id"), nullable=True),
    Column("escalation_level", Integer, nullable=False, server_default="0"),
    Column("escalated_at", _tz(), nullable=True),
    Column("resolution", String(32), nullable=True),
    Column("history", JSON, nullable=False),
    Index("ix_alerts_dedup", "policy_id", "asset_value", "rule"),
    Index("ix_alerts_status_fix_due", "status", "fix_due"),
)

# Keys of observations already recorded (idempotent ingest), kept for the retention that
# liubu.monitoring.alerts.FINGERPRINT_RETENTION states, then dropped.
observation_fingerprints = Table(
    "observation_fingerprints",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("recorded_at", _tz(), nullable=False, index=True),
)

# Score history (评分轨迹, liubu.assessment.history): each change of an enterprise's in-term score
# with its reason. Owned by the insured (tenant_id); read also by an insurer that quoted or
# insured it and by a security provider assigned to it (store/score_history.py).
score_changes = Table(
    "score_changes",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False),
    Column("at", _tz(), nullable=False),
    Column("score_before", Numeric(5, 1), nullable=True),
    Column("grade_before", String(8), nullable=True),
    Column("score_after", Numeric(5, 1), nullable=False),
    Column("grade_after", String(8), nullable=False),
    Column("diagnosis_score", Numeric(5, 1), nullable=False),
    Column("adjustment", Numeric(5, 1), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("ref", String(64), nullable=True),
    Column("detail", JSON, nullable=False),
    Column("created_by", String(ID), nullable=False),
    Column("recorded_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_score_changes_enterprise_at", "enterprise_id", "at"),
)

# 保中服务 (liubu.monitoring.services): each due occurrence of a policy's bundled service, or of
# the monthly rescan, is one row, the insurer's (tenant_id), seen by the insured
# (client_tenant_id) and by the provider it is assigned to (provider_id). Unique per (policy,
# service, sequence): scheduling twice creates nothing new.
scheduled_services = Table(
    "scheduled_services",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "client_tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True
    ),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("policy_id", String(ID), ForeignKey("policies.id"), nullable=False),
    Column("policy_number", String(24), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("service_code", String(64), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("accept_by", Date, nullable=False),
    Column("complete_by", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("provider_id", String(ID), ForeignKey("organisations.id"), nullable=True, index=True),
    Column("report", Text, nullable=True),
    Column("scan_id", String(ID), nullable=True, index=True),
    Column("reject_reason", String(32), nullable=True),
    Column("accepted_at", _tz(), nullable=True),
    Column("reported_at", _tz(), nullable=True),
    Column("completed_at", _tz(), nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint(
        "policy_id", "service_code", "sequence", name="uq_scheduled_services_occurrence"
    ),
    Index("ix_scheduled_services_due", "kind", "status", "due_on"),
)

# An insurer's panel of security providers: which provider serves which service, in order.
service_panels = Table(
    "service_panels",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("provider_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("service_code", String(64), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("tenant_id", "service_code", "provider_id", name="uq_service_panels_provider"),
)

# Notifications (通知, liubu.notify): a tenant's rules, the notifications it received, who of
# its users has read each (in-app), and the e-mail and webhook deliveries owed (the outbox the
# notify.deliver job sends). A rule's e-mail address and webhook secret are stored only sealed.
notify_rules = Table(
    "notify_rules",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("event_kind", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("target", String(500), nullable=False),
    Column("sealed_address", LargeBinary, nullable=True),
    Column("sealed_secret", LargeBinary, nullable=True),
    Column("secret_hint", String(16), nullable=True),
    Column("created_at", _tz(), nullable=False),
    Column("created_by", String(64), nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("event_kind", String(64), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("title_zh", String(200), nullable=False),
    Column("title_en", String(200), nullable=False),
    Column("body_zh", Text, nullable=False),
    Column("body_en", Text, nullable=False),
    Column("link", String(500), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Index("ix_notifications_tenant", "tenant_id", "created_at"),
)

notification_recipients = Table(
    "notification_recipients",
    metadata,
    Column("notification_id", String(ID), ForeignKey("notifications.id"), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id"), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("read_at", _tz(), nullable=True),
    Index("ix_notification_recipients_inbox", "user_id", "created_at"),
)

notification_deliveries = Table(
    "notification_deliveries",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column(
        "notification_id", String(ID), ForeignKey("notifications.id"), nullable=False, index=True
    ),
    # No foreign key: a rule removed later leaves its deliveries, which then end dead.
    Column("rule_id", String(ID), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("target", String(500), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("max_attempts", Integer, nullable=False),
    Column("next_attempt_at", _tz(), nullable=False),
    Column("created_at", _tz(), nullable=False),
    Column("updated_at", _tz(), nullable=False),
    Column("last_error", Text, nullable=True),
    Column("sent_at", _tz(), nullable=True),
    Index("ix_notification_deliveries_due", "status", "next_attempt_at"),
)

# An insurer's capital from its simulated book (组合资本): the latest run only (a refresh replaces
# every row of the tenant in one transaction), one row per policy of the book (key: its number),
# per GB/T 4754 section and for the whole book (key ''): mean m, Σ(e − m) (capital), Σ s
# (stand-alone) and r = clip(Σ(e − m) / Σ s, 0, 1) (NULL when Σ s = 0). The run's settings are on
# every row so that one row answers a quote.
book_capital = Table(
    "book_capital",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("run_id", String(64), nullable=False),
    Column("computed_at", _tz(), nullable=False),
    Column("return_period", Integer, nullable=False),
    Column("years", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("book_policies", Integer, nullable=False),
    Column("segment", String(16), nullable=False),
    Column("key", String(64), nullable=False),
    Column("policies", Integer, nullable=False),
    Column("mean", Numeric(20, 2), nullable=False),
    Column("capital", Numeric(20, 2), nullable=False),
    Column("stand_alone", Numeric(20, 2), nullable=False),
    Column("ratio", Numeric(12, 8), nullable=True),
    UniqueConstraint("tenant_id", "segment", "key", name="uq_book_capital_tenant_segment_key"),
)

# Simulations of an insurer's book (liubu.portfolio.runs): the settings, where the book came from
# and, once its job ("portfolio.run" on the run's id) succeeded, the summary as JSON. The state,
# progress and error are the job's (read with the run). The insurer's own (tenant_id).
portfolio_runs = Table(
    "portfolio_runs",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("years", Integer, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("block_years", Integer, nullable=False),
    Column("workers", Integer, nullable=False),
    Column("book_name", String(200), nullable=True),
    Column("catalogue_name", String(200), nullable=True),
    Column("summary", Text, nullable=True),
    Column("created_at", _tz(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("finished_at", _tz(), nullable=True),
    Index("ix_portfolio_runs_tenant_created", "tenant_id", "created_at"),
)

# Dependencies an insured declared (依赖申报, liubu.assessment.dependencies): owned by the insured
# (tenant_id); read also by an insurer that quoted or insures it and by a security provider
# serving it (store/dependencies.py). The scan's and the platform's rows are derived when read.
insured_dependencies = Table(
    "insured_dependencies",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, index=True),
    Column("enterprise_id", String(ID), ForeignKey("enterprises.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("provider", String(120), nullable=False),
    Column("region", String(64), nullable=True),
    Column("cpe", String(255), nullable=True),
    Column("tolerance_hours", Numeric(8, 2), nullable=False),
    Column("revenue_share", Numeric(6, 4), nullable=False),
    Column("declared_at", _tz(), nullable=False),
    Column("declared_by", String(ID), nullable=False),
    Column("version", Integer, nullable=False),
)

# An insurer's existing book imported from a file (存量业务导入, liubu.portfolio.imports): one
# row per insurer, the CSV as read (the format of liubu.portfolio.load_book), replaced by the
# next import; each import is audited as an explicit event (portfolio.book_imported).
book_imports = Table(
    "book_imports",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("tenant_id", String(ID), ForeignKey("organisations.id"), nullable=False, unique=True),
    Column("filename", String(200), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("content", Text, nullable=False),
    Column("imported_at", _tz(), nullable=False),
    Column("imported_by", String(ID), nullable=False),
)
