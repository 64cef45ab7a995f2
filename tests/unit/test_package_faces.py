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
    "notify",
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
        "DEMO_PROOF", "MAX_ATTACHMENT_BYTES", "MAX_CA_BUNDLE_BYTES", "MAX_DEPENDENCIES",
        "MAX_HISTORY", "MAX_WAIVER_REASON", "PLATFORM_REVENUE_SHARE", "PLATFORM_TOLERANCE_HOURS",
        "SCAN_JOB", "SCAN_REVENUE_SHARE", "SCAN_TOLERANCE_HOURS", "AnswerSet", "AnswerSetRecord",
        "AnswerValue", "AssessmentCode", "AssessmentUnitOfWork", "Asset", "Attachment",
        "DeclaredDependency", "DependencyRepository", "DependencySource", "DependencySources",
        "DependencyUnitOfWork", "Evidence", "EvidenceFile", "FindingRecord", "FixStatus",
        "Headline", "InTermScore", "IndexCache", "InsuredDependency", "PlanPremium",
        "ProofInstructions", "Question", "QuestionType", "QuestionnaireProgress", "Rescan", "Scan",
        "ScanPolicy", "ScanState", "ScoreChange", "ScoreChangeReason", "ScoreHistoryRepository",
        "ScoreHistoryUnitOfWork", "SectionProgress", "SecurityScore", "ServiceTask",
        "TreatmentPlan", "Visibility", "answer_set_of", "answer_with_evidence", "append_score",
        "assessment_summary", "assign_task", "attach_evidence", "cloud_providers",
        "current_adjustment", "current_findings", "declare_asset", "declare_dependencies",
        "dependencies_of", "dependency_kinds", "derive_dependencies", "dispute_and_rescan",
        "enterprise_dependencies", "enterprise_of_targets", "enterprise_risk", "finding_record",
        "has_been_scanned", "in_term_score", "is_public", "latest_answers", "load_fix_costs",
        "load_intel_files", "load_questionnaire", "load_risk_effects", "load_score_model",
        "make_finding", "may_waive", "note_applicant_read", "note_diagnosis", "parse_declarations",
        "plan_treatment", "product_cpe", "proof_instructions", "questionnaire_progress",
        "reason_text", "record_answers", "request_scan", "rescan", "risk_modifiers", "run_scan",
        "score", "score_history", "score_modifiers", "scored_findings", "security_score",
        "to_decimal", "trust_ca", "trusted_ca_of", "untrust_ca", "update_task", "verify_asset",
        "waive_finding",
    ],
    "audit": [
        "GENESIS", "AuditEvent", "ChainProblem", "ChainReport", "Lang", "NamedCode", "Tamper",
        "action_name", "actor_name", "audit_key", "entity_name", "event_hash", "named_actions",
        "named_entities", "state_digest", "verify_chain",
    ],
    "statistics": [
        "ACCUMULATION_DIMENSIONS", "ENTERPRISE_DIMENSIONS", "MIN_INSUREDS", "OTHER",
        "PERSONAL_DIMENSIONS", "RISK_DIMENSIONS", "SERIOUS_SEVERITIES", "AccumulationCell",
        "AccumulationQueries", "AccumulationUnitOfWork", "DependencyAccumulation", "Figures",
        "IndustryRisk", "IndustryRiskUnitOfWork", "InsuredCover", "MarketStatistics",
        "ProductName", "RiskCell", "RiskQueries", "Row", "StatisticsQueries",
        "StatisticsUnitOfWork", "accumulation_view", "dependency_accumulation", "industry_risk",
        "kev_exposed_enterprises", "key_names", "market_statistics", "merge_plan", "risk_view",
        "suppress",
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
        "ACTIVE_STATUSES", "AWAITING_FIX", "DEDUP_WINDOW", "FEED_PULL",
        "FINGERPRINT_RETENTION", "MAX_BATCH", "MAX_DOCUMENT_BYTES", "MAX_EVENT_BYTES",
        "MAX_EVIDENCE_CHARS", "MAX_EVIDENCE_FIELDS", "MAX_HISTORY", "MAX_LINE_BYTES",
        "MAX_NOTE", "MAX_REJECTED_SHOWN", "MAX_REPORT_CHARS", "PENDING_TASKS",
        "RESCAN_SOURCE", "SCHEDULE_JOB", "TRANSITIONS", "Adjustment", "Alert",
        "AlertAction", "AlertCandidate", "AlertCost", "AlertKind", "AlertSeverity",
        "AlertStatus", "AssetKind", "Breach", "Cadence", "Cover", "Escalation",
        "EscalationResult", "EventFormat", "FalsePositiveReason", "Feed", "FeedKind",
        "FeedPullResult", "IndicatorKind", "IngestReport", "IngestResult", "InsuredPolicy",
        "MatchKind", "MonitoringCode", "MonitoringRepository", "MonitoringUnitOfWork",
        "Observation", "PanelChoice", "PanelEntry", "ReadCounts", "RejectReason",
        "Rejected", "RulePrecision", "ScheduleResult", "ScheduledService", "ScoreEffects",
        "ScoringUnitOfWork", "ServiceCatalogue", "ServiceLevel", "ServicePolicy",
        "ServiceRepository", "ServiceTerms", "ServiceUnitOfWork", "ServiceView", "SlaState",
        "TaskAction", "TaskKind", "TaskState", "TaxiiCursor", "TaxiiPage", "Verification",
        "WatchIndex", "WatchedAsset", "accept_service", "add_feed", "add_months",
        "add_to_panel", "alert_new_findings", "allowed_actions", "bounded_lines",
        "check_serves", "choose_provider", "complete_rescans", "complete_service",
        "due_dates", "due_times", "escalate_overdue", "event_format", "get_alert",
        "host_asset", "ingest_events", "list_alerts", "list_breaches", "list_feeds",
        "list_panel", "list_services", "load_score_effects", "load_service_terms", "match",
        "new_finding_observations", "next_due", "next_state", "next_status", "normalise",
        "observation_from_json", "observation_key", "parse_action", "parse_score_effects",
        "pull_collection", "pull_feed", "read_events", "read_observation_lines",
        "record_observations", "reject_report", "remove_from_panel", "report_service",
        "rescannable", "rescore", "rule_precision", "run_due_rescans", "scanned_software",
        "schedule_services", "score_adjustment", "service_levels", "sla_state",
        "transition", "verify_fix", "watchlist",
    ],
    "notify": [
        "DEFAULT_IN_APP", "DELIVERY_HEADER", "DELIVER_JOB", "EVENT_HEADER", "MAX_RULES",
        "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "AddressAllowed", "Bilingual", "Channel",
        "Delivery", "DeliveryReport", "DeliveryStatus", "Event", "EventKind", "InboxItem",
        "Notification", "NotifyCode", "NotifyStore", "NotifyUnitOfWork", "Outgoing",
        "RetryPolicy", "Rule", "SendFailed", "Sender", "SmtpSender", "WebhookSender",
        "add_rule", "dead_letters", "default_rules", "deliver_due", "email_message",
        "inbox", "list_rules", "mark_read", "mask_email", "mask_secret", "publish",
        "remove_rule", "retry_delivery", "signature", "unread_count", "verify",
        "webhook_body",
    ],
    "portfolio": [
        "BOOK_ROLES", "CHAIN_CSV_COLUMNS", "CHUNK_TRIALS", "CSV_COLUMNS", "DEFAULT_BLOCK_YEARS",
        "DEFAULT_RUN_SEED", "DEFAULT_RUN_YEARS", "FAMILY_KINDS", "MAX_IMPORT_BYTES",
        "MAX_IMPORT_ROWS", "MAX_RUN_YEARS", "PML_RETURN_PERIODS", "RETURN_PERIODS", "RUNNERS",
        "RUN_JOB", "SCENARIO_KINDS", "SEED_YEARS", "TAIL_RETURN_PERIODS", "AllocatedShare",
        "Basis", "BlockFailedError", "Book", "BookCapital", "BookCapitalRepository",
        "BookCapitalUnitOfWork", "BookImport", "BookImports", "BookPolicy", "BookResult",
        "CapitalRow", "Catalogue", "ChainEdge", "ChainMember", "ContagionParameters",
        "ContagionResult", "Contribution", "Dependency", "EventFamily", "InsurerBook",
        "InsurerBookUnitOfWork", "MemberRole", "OwnerExposure", "PolicyCapital", "PortfolioCode",
        "PortfolioRun", "PortfolioRunRepository", "PortfolioUnitOfWork", "Reliance",
        "ReturnPeriodLoss", "RunSource", "RunSummary", "Scenario", "ScenarioGroupLoss",
        "ScenarioPolicyLoss", "ScenarioResult", "SchemeMember", "SegmentCapital", "SkippedPolicy",
        "StoredBookCapital", "SupplierContribution", "SupplyChain", "TailMeasure",
        "UnmatchedDependency", "allocate_by_contribution", "book_capital", "book_import",
        "capital_period", "chain_from_scheme", "check_run_settings", "cloud_providers",
        "contagion_parameters", "demo_book", "demo_catalogue", "demo_scenarios",
        "dependency_kinds", "get_run", "import_book", "insurer_book", "list_runs", "load_book",
        "load_catalogue", "load_chain", "load_scenarios", "match_dependency", "new_run",
        "own_book_scenario", "queue_run", "read_book_import", "record_summary",
        "refresh_book_capital", "return_period_of", "run_book", "run_scenario", "scenario_named",
        "scheme_chain", "scheme_graph", "simulate_contagion", "store_book_capital",
        "store_run_capital", "stored_book_capital", "summary_of", "write_ord",
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
