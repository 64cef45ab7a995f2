"""liubu.assessment."""

from liubu.assessment.answers import AnswerSet
from liubu.assessment.diagnosis import (
    MAX_ATTACHMENT_BYTES,
    EvidenceFile,
    answer_set_of,
    answer_with_evidence,
    assessment_summary,
    attach_evidence,
    enterprise_risk,
    latest_answers,
    record_answers,
    scored_findings,
    security_score,
)
from liubu.assessment.fix_costs import load_fix_costs
from liubu.assessment.modifiers import load_risk_effects, risk_modifiers, score_modifiers
from liubu.assessment.premium import PlanPremium
from liubu.assessment.questionnaire import (
    AnswerValue,
    Question,
    QuestionType,
    Visibility,
    load_questionnaire,
)
from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.records import (
    AnswerSetRecord,
    AssessmentUnitOfWork,
    Asset,
    Attachment,
    FindingRecord,
    Scan,
    ScanState,
    ServiceTask,
)
from liubu.assessment.scan import MAX_CA_BUNDLE_BYTES
from liubu.assessment.scan.findings import Evidence, make_finding
from liubu.assessment.scanning import finding_record, run_scan
from liubu.assessment.score_model import load_score_model
from liubu.assessment.scoring import SecurityScore, score
from liubu.assessment.service import (
    MAX_WAIVER_REASON,
    ScanPolicy,
    assign_task,
    current_findings,
    declare_asset,
    dispute_and_rescan,
    enterprise_of_targets,
    has_been_scanned,
    proof_instructions,
    request_scan,
    trust_ca,
    trusted_ca_of,
    untrust_ca,
    update_task,
    verify_asset,
    waive_finding,
)
from liubu.assessment.treatment import (
    FixStatus,
    Headline,
    TreatmentPlan,
    plan_treatment,
    to_decimal,
)
from liubu.assessment.vulnerabilities import IndexCache, load_intel_files

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_CA_BUNDLE_BYTES",
    "MAX_WAIVER_REASON",
    "AnswerSet",
    "AnswerSetRecord",
    "AnswerValue",
    "AssessmentCode",
    "AssessmentUnitOfWork",
    "Asset",
    "Attachment",
    "Evidence",
    "EvidenceFile",
    "FindingRecord",
    "FixStatus",
    "Headline",
    "IndexCache",
    "PlanPremium",
    "Question",
    "QuestionType",
    "Scan",
    "ScanPolicy",
    "ScanState",
    "SecurityScore",
    "ServiceTask",
    "TreatmentPlan",
    "Visibility",
    "answer_set_of",
    "answer_with_evidence",
    "assessment_summary",
    "assign_task",
    "attach_evidence",
    "current_findings",
    "declare_asset",
    "dispute_and_rescan",
    "enterprise_of_targets",
    "enterprise_risk",
    "finding_record",
    "has_been_scanned",
    "latest_answers",
    "load_fix_costs",
    "load_intel_files",
    "load_questionnaire",
    "load_risk_effects",
    "load_score_model",
    "make_finding",
    "plan_treatment",
    "proof_instructions",
    "record_answers",
    "request_scan",
    "risk_modifiers",
    "run_scan",
    "score",
    "score_modifiers",
    "scored_findings",
    "security_score",
    "to_decimal",
    "trust_ca",
    "trusted_ca_of",
    "untrust_ca",
    "update_task",
    "verify_asset",
    "waive_finding",
]
