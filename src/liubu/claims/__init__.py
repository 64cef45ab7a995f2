"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments, reserving. Pure; named in the
import contracts from its first line.

Reserving (准备金评估): a checked :class:`Triangle` (from :func:`read_triangle_csv` or, through
a :class:`DevelopmentSource`, from the claims store by :func:`triangle_from_development`) is
reserved by :func:`reserve` — chain ladder, Mack (1993) or Bornhuetter–Ferguson, computed by the
``chainladder`` library — into a frozen :class:`ReserveResult`.
"""

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
from liubu.claims.reserving import (
    DevelopmentRow,
    DevelopmentSource,
    Triangle,
    TrianglePoint,
    triangle_from_development,
)
from liubu.claims.reserving_csv import MAX_TRIANGLE_BYTES, read_premium_csv, read_triangle_csv
from liubu.claims.reserving_methods import (
    DevelopmentFactor,
    OriginReserve,
    ReserveResult,
    ReservingMethod,
    reserve,
    reserving_method,
)
from liubu.claims.reserving_service import RESERVERS, reserve_product, reserve_triangle
from liubu.claims.terms import ClaimTerms, CoverageClaimTerms, claim_terms
from liubu.claims.vocabulary import IncidentType, incident_type, incident_types
from liubu.claims.worksheet import AdjustmentWorksheet, CoverageResult, WorksheetLine

__all__ = [
    "MAX_TRIANGLE_BYTES",
    "RESERVERS",
    "AdjustmentWorksheet",
    "BusinessInterruption",
    "ClaimTerms",
    "ClaimsCode",
    "CoverageClaimTerms",
    "CoverageLetter",
    "CoveragePosition",
    "CoverageResult",
    "DevelopmentFactor",
    "DevelopmentRow",
    "DevelopmentSource",
    "DocumentHeader",
    "EarlierInPeriod",
    "ExclusionPosition",
    "IncidentType",
    "LossItem",
    "LossKind",
    "OriginReserve",
    "Position",
    "ReserveResult",
    "ReservingMethod",
    "RulingStatus",
    "StatementOfLoss",
    "Triangle",
    "TrianglePoint",
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
    "read_premium_csv",
    "read_triangle_csv",
    "reserve",
    "reserve_product",
    "reserve_triangle",
    "reserving_method",
    "statement_of_loss",
    "triangle_from_development",
]
