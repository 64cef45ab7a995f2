"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments, reserving. Pure; named in the
import contracts from its first line."""

from __future__ import annotations

from liubu.claims.adjustment import adjust
from liubu.claims.coverage import coverage_position
from liubu.claims.documents import (
    CoverageLetter,
    DocumentHeader,
    StatementOfLoss,
    coverage_letter,
    statement_of_loss,
)
from liubu.claims.losses import BusinessInterruption, EarlierInPeriod, LossItem, LossKind
from liubu.claims.position import (
    CoveragePosition,
    ExclusionPosition,
    Position,
    RulingStatus,
    TriggerCheck,
    TriggeredCoverage,
)
from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.terms import ClaimTerms, CoverageClaimTerms, claim_terms
from liubu.claims.vocabulary import IncidentType, incident_type, incident_types
from liubu.claims.worksheet import AdjustmentWorksheet, CoverageResult, WorksheetLine

__all__ = [
    "AdjustmentWorksheet",
    "BusinessInterruption",
    "ClaimTerms",
    "ClaimsCode",
    "CoverageClaimTerms",
    "CoverageLetter",
    "CoveragePosition",
    "CoverageResult",
    "DocumentHeader",
    "EarlierInPeriod",
    "ExclusionPosition",
    "IncidentType",
    "LossItem",
    "LossKind",
    "Position",
    "RulingStatus",
    "StatementOfLoss",
    "TriggerCheck",
    "TriggeredCoverage",
    "WorksheetLine",
    "adjust",
    "claim_terms",
    "coverage_letter",
    "coverage_position",
    "incident_type",
    "incident_types",
    "message",
    "statement_of_loss",
]
