"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments, reserving. Pure; named in the
import contracts from its first line.

- records (:mod:`~liubu.claims.records`): the claim with its SLA clocks, reserve lines and
  changes, payments (an outbox), recoveries, approvals, dispatches, timeline, evidence;
- ports (:mod:`~liubu.claims.ports`): the repository and unit of work the store implements;
- use cases: :func:`notify` (first notice of loss), :func:`set_reserve`,
  :func:`decide_approval`, :func:`pay` (exactly once per idempotency key),
  :func:`run_payments`, :func:`record_recovery`, :func:`close`, :func:`reopen`; incident
  response: :func:`add_to_panel`, :func:`dispatch`, :func:`answer_dispatch`,
  :func:`log_timeline`, :func:`upload_evidence`, :func:`download_evidence`,
  :func:`approve_vendor_costs`, :func:`incident_view`; the assessment: :func:`assess_claim`
  and :func:`coverage_of` (use cases over the pure :func:`coverage_position` and :func:`adjust`).
"""

from __future__ import annotations

from liubu.claims.adjustment import adjust
from liubu.claims.antifraud import (
    MAX_AMOUNT as ANTIFRAUD_MAX_AMOUNT,
)
from liubu.claims.antifraud import (
    AntifraudClaim,
    AntifraudTerms,
    ReceiptNumber,
    YearToDate,
    anniversary,
    parse_receipt_number,
)
from liubu.claims.antifraud import (
    Assessment as AntifraudAssessment,
)
from liubu.claims.antifraud import (
    Decision as AntifraudDecision,
)
from liubu.claims.antifraud import (
    assess as assess_antifraud_claim,
)
from liubu.claims.antifraud import (
    step_title as antifraud_step_title,
)
from liubu.claims.antifraud_file import ClaimsFileFacts, inspect_claims_file
from liubu.claims.antifraud_ports import (
    AntifraudClaimsRepository,
    AntifraudClaimsUnitOfWork,
    BookPolicy,
    ClaimsCheckpoint,
    ClaimsImportSummary,
    StoredClaim,
)
from liubu.claims.antifraud_service import (
    antifraud_claim,
    antifraud_claims,
    claims_insurer,
    covering_policy,
    file_antifraud_claim,
    import_antifraud_claims,
)
from liubu.claims.authority import ClaimsAuthority, authority_of, claims_authorities
from liubu.claims.coverage import coverage_position
from liubu.claims.documents import (
    CoverageLetter,
    DocumentHeader,
    StatementOfLoss,
    coverage_letter,
    statement_of_loss,
)
from liubu.claims.losses import BusinessInterruption, EarlierInPeriod, LossItem, LossKind
from liubu.claims.notice import DEFAULT_IR_MINUTES, Cover, NoticeCheck, check_notice
from liubu.claims.ports import ClaimsRepository, ClaimsUnitOfWork
from liubu.claims.position import (
    CoveragePosition,
    ExclusionPosition,
    Position,
    RulingStatus,
    TriggerCheck,
    TriggeredCoverage,
)
from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.records import (
    Approval,
    ApprovalKind,
    ApprovalState,
    Channel,
    Claim,
    ClaimFlag,
    ClaimState,
    Contact,
    Dispatch,
    DispatchState,
    Evidence,
    Notice,
    Payee,
    Payment,
    PaymentState,
    Phase,
    PolicyLosses,
    Recovery,
    RecoveryKind,
    ReserveChange,
    ReserveLine,
    ReserveSource,
    TimelineEntry,
)
from liubu.claims.reserving import (
    DevelopmentRow,
    DevelopmentSource,
    Triangle,
    TrianglePoint,
    triangle_from_development,
)
from liubu.claims.reserving_at_notice import OpeningReserve, opening_reserves
from liubu.claims.reserving_csv import MAX_TRIANGLE_BYTES, read_premium_csv, read_triangle_csv
from liubu.claims.reserving_methods import (
    DevelopmentFactor,
    OriginReserve,
    ReserveResult,
    ReservingMethod,
    reserve,
    reserving_method,
)
from liubu.claims.reserving_service import (
    RESERVERS,
    product_triangle,
    reserve_product,
    reserve_triangle,
)
from liubu.claims.service_assessment import assess_claim, coverage_of
from liubu.claims.service_experience import ClaimsExperience, experience_from_claims
from liubu.claims.service_money import (
    PaymentOutcome,
    ReserveOutcome,
    approvals,
    close,
    decide_approval,
    pay,
    record_recovery,
    reopen,
    run_payments,
    set_reserve,
)
from liubu.claims.service_notice import (
    ClaimView,
    NoticeResult,
    claim_document,
    claim_view,
    notify,
    payment_document,
    queue,
)
from liubu.claims.service_response import (
    MAX_EVIDENCE_BYTES,
    IncidentView,
    add_to_panel,
    answer_dispatch,
    approve_vendor_costs,
    dispatch,
    download_evidence,
    incident_view,
    log_timeline,
    upload_evidence,
)
from liubu.claims.service_web import (
    ClaimDocuments,
    ClaimPage,
    ClaimsWebUnitOfWork,
    ReportablePolicy,
    Vendor,
    claim_documents,
    claim_page,
    ir_panel,
    reportable_policies,
)
from liubu.claims.terms import ClaimTerms, CoverageClaimTerms, claim_terms
from liubu.claims.vocabulary import IncidentType, incident_type, incident_types
from liubu.claims.worksheet import AdjustmentWorksheet, CoverageResult, WorksheetLine

__all__ = [
    "ANTIFRAUD_MAX_AMOUNT",
    "DEFAULT_IR_MINUTES",
    "MAX_EVIDENCE_BYTES",
    "MAX_TRIANGLE_BYTES",
    "RESERVERS",
    "AdjustmentWorksheet",
    "AntifraudAssessment",
    "AntifraudClaim",
    "AntifraudClaimsRepository",
    "AntifraudClaimsUnitOfWork",
    "AntifraudDecision",
    "AntifraudTerms",
    "Approval",
    "ApprovalKind",
    "ApprovalState",
    "BookPolicy",
    "BusinessInterruption",
    "Channel",
    "Claim",
    "ClaimDocuments",
    "ClaimFlag",
    "ClaimPage",
    "ClaimState",
    "ClaimTerms",
    "ClaimView",
    "ClaimsAuthority",
    "ClaimsCheckpoint",
    "ClaimsCode",
    "ClaimsExperience",
    "ClaimsFileFacts",
    "ClaimsImportSummary",
    "ClaimsRepository",
    "ClaimsUnitOfWork",
    "ClaimsWebUnitOfWork",
    "Contact",
    "Cover",
    "CoverageClaimTerms",
    "CoverageLetter",
    "CoveragePosition",
    "CoverageResult",
    "DevelopmentFactor",
    "DevelopmentRow",
    "DevelopmentSource",
    "Dispatch",
    "DispatchState",
    "DocumentHeader",
    "EarlierInPeriod",
    "Evidence",
    "ExclusionPosition",
    "IncidentType",
    "IncidentView",
    "LossItem",
    "LossKind",
    "Notice",
    "NoticeCheck",
    "NoticeResult",
    "OpeningReserve",
    "OriginReserve",
    "Payee",
    "Payment",
    "PaymentOutcome",
    "PaymentState",
    "Phase",
    "PolicyLosses",
    "Position",
    "ReceiptNumber",
    "Recovery",
    "RecoveryKind",
    "ReportablePolicy",
    "ReserveChange",
    "ReserveLine",
    "ReserveOutcome",
    "ReserveResult",
    "ReserveSource",
    "ReservingMethod",
    "RulingStatus",
    "StatementOfLoss",
    "StoredClaim",
    "TimelineEntry",
    "Triangle",
    "TrianglePoint",
    "TriggerCheck",
    "TriggeredCoverage",
    "Vendor",
    "WorksheetLine",
    "YearToDate",
    "add_to_panel",
    "adjust",
    "anniversary",
    "answer_dispatch",
    "antifraud_claim",
    "antifraud_claims",
    "antifraud_step_title",
    "approvals",
    "approve_vendor_costs",
    "assess_antifraud_claim",
    "assess_claim",
    "authority_of",
    "check_notice",
    "claim_document",
    "claim_documents",
    "claim_page",
    "claim_terms",
    "claim_view",
    "claims_authorities",
    "claims_insurer",
    "close",
    "coverage_letter",
    "coverage_of",
    "coverage_position",
    "covering_policy",
    "decide_approval",
    "dispatch",
    "download_evidence",
    "experience_from_claims",
    "file_antifraud_claim",
    "import_antifraud_claims",
    "incident_type",
    "incident_types",
    "incident_view",
    "inspect_claims_file",
    "ir_panel",
    "log_timeline",
    "message",
    "notify",
    "opening_reserves",
    "parse_receipt_number",
    "pay",
    "payment_document",
    "product_triangle",
    "queue",
    "read_premium_csv",
    "read_triangle_csv",
    "record_recovery",
    "reopen",
    "reportable_policies",
    "reserve",
    "reserve_product",
    "reserve_triangle",
    "reserving_method",
    "run_payments",
    "set_reserve",
    "statement_of_loss",
    "triangle_from_development",
    "upload_evidence",
]
