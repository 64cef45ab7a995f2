"""One front door per package (STYLE.md, house rule 12): every business package has a curated
``__init__`` with ``__all__``, and no module outside a package imports one of its inner modules.

The import graph is read with grimp (what import-linter uses), so an inner import anywhere in
``src/liubu`` — an entry point, the store, another business package — fails here by name. The
faces of the packages that have no public-API test of their own are pinned below; the others are
pinned in ``tests/unit/<package>/test_public_api.py``.
"""

from __future__ import annotations

import importlib

import grimp
import pytest

BUSINESS = (
    "accounts",
    "assessment",
    "audit",
    "bounded",
    "claims",
    "core",
    "experience",
    "intel",
    "jobs",
    "massissue",
    "monitoring",
    "portfolio",
    "products",
    "risk",
    "statistics",
    "underwriting",
)

PINNED = {
    "accounts": [
        "MAX_AUDIT_PAGE", "SYSTEM", "AccountsCode", "ApiToken", "AuditFilter", "AuditRecord",
        "ClaimState", "Enterprise", "EnterpriseFacts", "FailureCounts", "IdentityClaim",
        "IdentityTakenError", "OrgKind", "Organisation", "Principal", "Role", "SessionLimits",
        "SignInLimits", "UnitOfWork", "User", "WebSession", "acting_in", "add_enterprise",
        "add_evidence", "add_organisation", "add_user", "address_key", "audit_trail",
        "authenticate_api_token", "change_password", "check_name", "check_password",
        "create_organisation", "create_user", "decide_claim", "decode_access_token", "end_session",
        "issue_access_token", "issue_api_token", "list_claims", "load_principal",
        "may_register_enterprises", "new_id",
        "register_enterprise", "require", "resume_session", "revoke_api_token", "revoke_sessions",
        "set_password", "sign_in", "start_session", "update_enterprise", "verify_enterprise",
    ],
    "assessment": [
        "MAX_ATTACHMENT_BYTES", "MAX_CA_BUNDLE_BYTES", "MAX_WAIVER_REASON", "AnswerSet",
        "AnswerSetRecord",
        "AnswerValue", "AssessmentCode",
        "AssessmentUnitOfWork", "Asset", "Attachment", "Evidence", "EvidenceFile",
        "FindingRecord", "FixStatus", "Headline", "IndexCache", "PlanPremium", "ProofInstructions",
        "Question",
        "QuestionType", "QuestionnaireProgress", "Scan",
        "ScanPolicy", "ScanState", "SectionProgress", "SecurityScore", "ServiceTask",
        "TreatmentPlan", "Visibility",
        "answer_set_of", "answer_with_evidence", "assessment_summary", "assign_task",
        "attach_evidence", "current_findings", "declare_asset", "dispute_and_rescan",
        "enterprise_of_targets", "enterprise_risk", "finding_record", "has_been_scanned",
        "latest_answers",
        "load_fix_costs", "load_intel_files", "load_questionnaire", "load_risk_effects",
        "load_score_model", "make_finding", "may_waive", "note_applicant_read", "plan_treatment",
        "proof_instructions", "questionnaire_progress",
        "record_answers", "request_scan", "risk_modifiers", "run_scan", "score", "score_modifiers",
        "scored_findings", "security_score", "to_decimal", "trust_ca", "trusted_ca_of",
        "untrust_ca", "update_task", "verify_asset", "waive_finding",
    ],
    "audit": [
        "GENESIS", "AuditEvent", "ChainProblem", "ChainReport", "Lang", "NamedCode", "Tamper",
        "action_name", "actor_name", "audit_key", "entity_name", "event_hash", "named_actions",
        "named_entities", "state_digest", "verify_chain",
    ],
    "statistics": [
        "ENTERPRISE_DIMENSIONS", "MIN_INSUREDS", "OTHER", "PERSONAL_DIMENSIONS", "RISK_DIMENSIONS",
        "SERIOUS_SEVERITIES", "Figures", "IndustryRisk", "IndustryRiskUnitOfWork", "InsuredCover",
        "MarketStatistics", "ProductName", "RiskCell", "RiskQueries", "Row", "StatisticsQueries",
        "StatisticsUnitOfWork", "industry_risk", "kev_exposed_enterprises", "key_names",
        "market_statistics", "merge_plan", "risk_view", "suppress",
    ],
    "bounded": [
        "BoundedCode", "BoundedLoader", "JsonLimits", "YamlLimits", "YamlRefused",
        "check_json_bounds", "refused_yaml",
    ],
    "claims": [
        "ANTIFRAUD_MAX_AMOUNT", "DEFAULT_APPEAL_DAYS", "DEFAULT_IR_MINUTES", "MAX_EVIDENCE_BYTES",
        "MAX_TRIANGLE_BYTES", "RESERVERS", "AdjustmentWorksheet", "AntifraudAssessment",
        "AntifraudClaim", "AntifraudClaimsRepository", "AntifraudClaimsUnitOfWork",
        "AntifraudDecision", "AntifraudTerms", "Appeal", "AppealDecision", "AppealDecisionDocument",
        "AppealOutcome", "AppealState", "Approval", "ApprovalKind", "ApprovalState", "BookPolicy",
        "BusinessInterruption", "Channel", "Claim", "ClaimDocuments", "ClaimFlag", "ClaimPage",
        "ClaimState", "ClaimTerms", "ClaimView", "ClaimsAuthority", "ClaimsCheckpoint",
        "ClaimsCode", "ClaimsExperience", "ClaimsFileFacts", "ClaimsImportSummary",
        "ClaimsRepository", "ClaimsUnitOfWork", "ClaimsWebUnitOfWork", "Contact", "Cover",
        "CoverageClaimTerms", "CoverageLetter", "CoveragePosition", "CoverageResult",
        "DevelopmentFactor", "DevelopmentRow", "DevelopmentSource", "Dispatch", "DispatchState",
        "DocumentHeader", "EarlierInPeriod", "Evidence", "ExclusionPosition", "IncidentType",
        "IncidentView", "LossItem", "LossKind", "Notice", "NoticeCheck", "NoticeResult",
        "OpeningReserve", "OriginReserve", "Payee", "Payment", "PaymentOutcome", "PaymentState",
        "Phase", "PolicyLosses", "Position", "ReceiptNumber", "Recovery", "RecoveryKind",
        "ReportablePolicy", "ReserveChange", "ReserveLine", "ReserveOutcome", "ReserveResult",
        "ReserveSource", "ReservingMethod", "RulingStatus", "StatementOfLoss", "StoredClaim",
        "TimelineEntry", "Triangle", "TrianglePoint", "TriggerCheck", "TriggeredCoverage", "Vendor",
        "WorksheetLine", "YearToDate", "add_to_panel", "adjust", "anniversary", "answer_dispatch",
        "antifraud_claim", "antifraud_claims", "antifraud_step_title", "appeal_decision_document",
        "appeal_last_day", "appeal_of", "appeal_payload", "appeals_of", "approvals",
        "approve_vendor_costs", "assess_antifraud_claim", "assess_claim", "authority_of",
        "check_notice", "claim_document", "claim_documents", "claim_page", "claim_terms",
        "claim_view", "claim_views", "claims_authorities", "claims_insurer", "close",
        "coverage_letter", "coverage_of", "coverage_position", "covering_policy", "decide_appeal",
        "decide_approval", "dispatch", "download_evidence", "experience_from_claims",
        "file_antifraud_claim", "import_antifraud_claims", "incident_type", "incident_types",
        "incident_view", "inspect_claims_file", "ir_panel", "lodge_appeal", "log_timeline",
        "message", "notify", "opening_reserves", "parse_receipt_number", "pay", "payment_document",
        "policy_for_hotline", "product_triangle", "queue", "read_premium_csv", "read_triangle_csv",
        "reassess_appeal", "record_recovery", "reopen", "reportable_policies", "reserve",
        "reserve_product", "reserve_triangle", "reserving_method", "run_payments", "set_reserve",
        "statement_issued_on", "statement_of_loss", "triangle_from_development",
        "undecided_appeals", "upload_evidence", "worksheet_step", "worksheet_steps",
    ],
    "monitoring": [
        "ACTIVE_STATUSES", "DEDUP_WINDOW", "FINGERPRINT_RETENTION", "MAX_BATCH",
        "MAX_DOCUMENT_BYTES", "MAX_EVIDENCE_CHARS", "MAX_EVIDENCE_FIELDS", "MAX_LINE_BYTES",
        "Alert", "AlertCandidate", "AlertSeverity", "AlertStatus", "AssetKind", "Cover",
        "EventFormat", "IndicatorKind", "IngestResult", "InsuredPolicy", "MatchKind",
        "MonitoringCode", "MonitoringRepository", "MonitoringUnitOfWork", "Observation",
        "ReadCounts", "Rejected", "TaxiiCursor", "TaxiiPage", "WatchIndex", "WatchedAsset",
        "bounded_lines", "host_asset", "list_alerts", "match", "normalise",
        "observation_from_json", "observation_key", "pull_collection", "read_events",
        "read_observation_lines", "record_observations", "scanned_software", "watchlist",
    ],
    "portfolio": [
        "CSV_COLUMNS", "DEFAULT_BLOCK_YEARS", "FAMILY_KINDS", "PML_RETURN_PERIODS",
        "RETURN_PERIODS", "SEED_YEARS", "TAIL_RETURN_PERIODS", "Basis", "BlockFailedError", "Book",
        "BookPolicy", "BookResult", "Catalogue", "Contribution", "Dependency", "EventFamily",
        "PortfolioCode", "Reliance", "ReturnPeriodLoss", "TailMeasure", "cloud_providers",
        "demo_book", "demo_catalogue", "dependency_kinds", "load_book", "load_catalogue",
        "run_book", "write_ord",
    ],
}  # fmt: skip


@pytest.mark.parametrize("package", BUSINESS)
def test_every_business_package_has_a_curated_face(package: str) -> None:
    face = importlib.import_module(f"liubu.{package}")
    names = face.__all__
    assert len(set(names)) == len(names), package
    for name in names:
        assert getattr(face, name) is not None, (package, name)
    if package in PINNED:
        assert names == PINNED[package]


def test_no_package_reaches_past_another_packages_face() -> None:
    graph = grimp.build_graph("liubu", cache_dir=None)
    reaches = sorted(
        f"{imported['importer']} -> {imported['imported']}"
        for package in BUSINESS
        for imported in graph.find_matching_direct_imports(
            import_expression=f"liubu.** -> liubu.{package}.**"
        )
        if not imported["importer"].startswith(f"liubu.{package}.")
        and imported["importer"] != f"liubu.{package}"
    )
    assert not reaches, "import from the package's __init__ instead:\n" + "\n".join(reaches)
