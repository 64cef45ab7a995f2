"""liubu.claims — post-incident rescue and compensation (保后救援 · 保后赔偿): notices, incident
response, coverage position, loss assessment, reserves, payments, reserving. Pure; named in the
import contracts from its first line.

Anti-fraud resident claims (反诈险理赔, ``antifraud*.py``, docs/antifraud-claims.md): a claim
with its police case receipt number assessed against the mass-issued policy of the resident
(:func:`assess`), one at a time (:func:`file_antifraud_claim`) or by bulk file
(:func:`import_antifraud_claims`: streaming, idempotent, resumable, with an error file).
"""

from __future__ import annotations

from liubu.claims.antifraud import (
    MAX_AMOUNT,
    AntifraudClaim,
    AntifraudTerms,
    Assessment,
    Decision,
    ReceiptNumber,
    YearToDate,
    anniversary,
    assess,
    parse_receipt_number,
    step_title,
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
from liubu.claims.reasons import ClaimsCode, message
from liubu.claims.vocabulary import IncidentType, incident_type, incident_types

__all__ = [
    "MAX_AMOUNT",
    "AntifraudClaim",
    "AntifraudClaimsRepository",
    "AntifraudClaimsUnitOfWork",
    "AntifraudTerms",
    "Assessment",
    "BookPolicy",
    "ClaimsCheckpoint",
    "ClaimsCode",
    "ClaimsFileFacts",
    "ClaimsImportSummary",
    "Decision",
    "IncidentType",
    "ReceiptNumber",
    "StoredClaim",
    "YearToDate",
    "anniversary",
    "antifraud_claim",
    "antifraud_claims",
    "assess",
    "claims_insurer",
    "covering_policy",
    "file_antifraud_claim",
    "import_antifraud_claims",
    "incident_type",
    "incident_types",
    "inspect_claims_file",
    "message",
    "parse_receipt_number",
    "step_title",
]
