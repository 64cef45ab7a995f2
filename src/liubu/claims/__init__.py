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
    Recovery,
    RecoveryKind,
    ReserveChange,
    ReserveLine,
    ReserveSource,
    TimelineEntry,
)
from liubu.claims.reserving_at_notice import OpeningReserve, opening_reserves
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
    "DEFAULT_IR_MINUTES",
    "MAX_EVIDENCE_BYTES",
    "AdjustmentWorksheet",
    "Approval",
    "ApprovalKind",
    "ApprovalState",
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
    "ClaimsCode",
    "ClaimsExperience",
    "ClaimsRepository",
    "ClaimsUnitOfWork",
    "ClaimsWebUnitOfWork",
    "Contact",
    "Cover",
    "CoverageClaimTerms",
    "CoverageLetter",
    "CoveragePosition",
    "CoverageResult",
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
    "Payee",
    "Payment",
    "PaymentOutcome",
    "PaymentState",
    "Phase",
    "Position",
    "Recovery",
    "RecoveryKind",
    "ReportablePolicy",
    "ReserveChange",
    "ReserveLine",
    "ReserveOutcome",
    "ReserveSource",
    "RulingStatus",
    "StatementOfLoss",
    "TimelineEntry",
    "TriggerCheck",
    "TriggeredCoverage",
    "Vendor",
    "WorksheetLine",
    "add_to_panel",
    "adjust",
    "answer_dispatch",
    "approvals",
    "approve_vendor_costs",
    "assess_claim",
    "authority_of",
    "check_notice",
    "claim_document",
    "claim_documents",
    "claim_page",
    "claim_terms",
    "claim_view",
    "claims_authorities",
    "close",
    "coverage_letter",
    "coverage_of",
    "coverage_position",
    "decide_approval",
    "dispatch",
    "download_evidence",
    "experience_from_claims",
    "incident_type",
    "incident_types",
    "incident_view",
    "ir_panel",
    "log_timeline",
    "message",
    "notify",
    "opening_reserves",
    "pay",
    "payment_document",
    "queue",
    "record_recovery",
    "reopen",
    "reportable_policies",
    "run_payments",
    "set_reserve",
    "statement_of_loss",
    "upload_evidence",
]
