"""What the anti-fraud claims use cases need of the store, and the records they exchange.

The repository is bound to the unit of work's principal: an insurer reads and writes only its own
book and its own claims (``tenant_id`` is the insurer's); the platform operator names the insurer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, Protocol

from liubu.claims.antifraud import AntifraudClaim, Assessment, YearToDate, step_title
from liubu.claims.reasons import message
from liubu.massissue import RowError
from liubu.products import ProductsUnitOfWork


@dataclass(frozen=True, slots=True)
class BookPolicy:
    """A mass-issued personal policy as a claim needs it (no personal data)."""

    policy_key: str
    product_ref: str
    inception: dt.date
    limit: Decimal
    province: str


@dataclass(frozen=True)
class StoredClaim:
    """An assessed claim as kept: the resident only as keyed hash, ciphertext and mask."""

    id: str
    tenant_id: str
    policy_key: str
    product_ref: str
    resident_id_hash: str
    resident_id_encrypted: bytes
    resident_id_masked: str
    claim: AntifraudClaim
    assessment: Assessment
    policy_inception: dt.date
    province: str
    created_at: dt.datetime
    batch_id: str | None = None
    line: int | None = None
    external_ref: str | None = None

    @property
    def receipt_number(self) -> str:
        return self.claim.receipt.text

    def shown(self, lang: str) -> dict[str, Any]:
        """The claim as an entry point shows it: the resident masked (never in clear), the
        reasons, notes and worksheet steps titled in ``lang`` (``zh`` or ``en``)."""
        result, filed = self.assessment, self.claim
        return {
            "id": self.id,
            "receipt_number": self.receipt_number,
            "resident_id": self.resident_id_masked,
            "product": self.product_ref,
            "policy_inception": self.policy_inception.isoformat(),
            "loss_amount": str(filed.loss_amount),
            "recovered_amount": str(filed.recovered_amount),
            "loss_date": filed.loss_date.isoformat(),
            "police_report_date": filed.police_report_date.isoformat(),
            "notified_on": filed.notified_on.isoformat(),
            "cause": filed.cause,
            "decision": str(result.decision),
            "payable": str(result.payable),
            "retention_applied": str(result.retention_applied),
            "payable_from": None
            if result.payable_from is None
            else result.payable_from.isoformat(),
            "reasons": [{"code": c, "text": message(c, lang)} for c in result.reasons],
            "notes": [{"code": c, "text": message(c, lang)} for c in result.notes],
            "worksheet": [
                {"step": code, "title": step_title(code, lang), "value": str(value)}
                for code, value in result.steps
            ],
            "external_ref": self.external_ref,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ClaimsCheckpoint:
    """Where a bulk claims import stands after its last committed chunk (and its counts).

    ``byte_offset`` is where the next unread line starts, ``line`` the last line read (1 = the
    header), ``error_bytes`` the length of the error file that holds exactly the lines so far.
    """

    file_sha256: str
    byte_offset: int
    line: int
    chunks: int = 0
    stored: int = 0
    accepted: int = 0
    refused: int = 0
    rejected: int = 0
    blank: int = 0
    payable: Decimal = Decimal("0.00")
    error_bytes: int = 0
    rejected_by_code: tuple[tuple[str, int], ...] = ()
    finished: bool = False

    def to_dict(self) -> dict[str, Any]:
        out = {item.name: getattr(self, item.name) for item in fields(self)}
        out["payable"] = str(self.payable)
        out["rejected_by_code"] = dict(self.rejected_by_code)
        out["schema"] = 1
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClaimsCheckpoint:
        values = {k: v for k, v in data.items() if k != "schema"}
        values["payable"] = Decimal(values["payable"])
        values["rejected_by_code"] = tuple(sorted(dict(values["rejected_by_code"]).items()))
        return cls(**values)


class AntifraudClaimsRepository(Protocol):
    def policies_of(
        self, tenant_id: str, person_hashes: Collection[str]
    ) -> Mapping[str, Sequence[BookPolicy]]:
        """The insurer's personal policies of each resident (by keyed lookup hash)."""
        ...

    def year_to_date(self, policy_keys: Collection[str]) -> Mapping[str, YearToDate]:
        """Retention used and amount paid by the accepted claims stored under each policy."""
        ...

    def claimed_receipts(self, tenant_id: str, receipts: Collection[str]) -> set[str]:
        """Which of ``receipts`` the insurer already holds a claim for."""
        ...

    def add_claims(self, claims: Sequence[StoredClaim]) -> None:
        """Store the claims and add them to the regulator's running totals."""
        ...

    def get(self, claim_id: str) -> StoredClaim: ...

    def list(
        self, *, receipt_number: str | None = None, limit: int = 100
    ) -> Sequence[StoredClaim]: ...

    def checkpoint(self, tenant_id: str, file_sha256: str) -> tuple[str, ClaimsCheckpoint] | None:
        """The batch id and checkpoint of an import of this file by this insurer, if any."""
        ...

    def save_checkpoint(
        self, tenant_id: str, checkpoint: ClaimsCheckpoint, *, batch_id: str, file_name: str
    ) -> None:
        """Insert or update the batch's checkpoint (in the chunk's transaction)."""
        ...


class AntifraudClaimsUnitOfWork(ProductsUnitOfWork, Protocol):
    @property
    def antifraud_claims(self) -> AntifraudClaimsRepository: ...


@dataclass(frozen=True)
class ClaimsImportSummary:
    stored: int  # claims new in this run
    accepted: int  # over the whole file (stored now or before)
    refused: int
    rejected: int
    blank: int
    payable: Decimal
    rejected_by_code: dict[str, int]
    resumed: bool
    already_done: bool
    error_file: str


def sorted_errors(errors: Sequence[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda error: error.line)
