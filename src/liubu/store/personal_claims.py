"""Anti-fraud resident claims in the database: the repository behind
:class:`liubu.claims.AntifraudClaimsRepository`.

Scoped to the caller: an insurer reads and writes only its own policies, claims and batches (the
platform operator any). Bulk reads go by ``IN`` lists of at most :data:`IN_BATCH` values; bulk
writes are one multi-row ``INSERT`` per chunk and one upsert of the regulator's running totals.
On PostgreSQL the policies a chunk claims against are locked (``FOR UPDATE``) until it commits, so
two imports never erode the same policy's limit from the same starting point; SQLite has one
writer at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from liubu.accounts import Principal
from liubu.claims import (
    AntifraudAssessment,
    AntifraudClaim,
    AntifraudDecision,
    BookPolicy,
    ClaimsCheckpoint,
    ClaimsCode,
    StoredClaim,
    YearToDate,
    parse_receipt_number,
)
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.store import tables

IN_BATCH = 900  # below SQLite's oldest limit of 999 bound parameters
_C = tables.personal_claims
_B = tables.personal_claim_batches
_P = tables.personal_policies
_T = tables.personal_policy_totals


def _parts(values: Collection[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), IN_BATCH):
        yield items[start : start + IN_BATCH]


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


class SqlAntifraudClaims:
    """Implements :class:`liubu.claims.AntifraudClaimsRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session, self.principal = session, principal

    def _own(self, tenant_id: str) -> None:
        if not self.principal.is_platform and tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError(
                "Insurer staff handle the claims of their own insurer only.",
                code=ClaimsCode.INSURER,
            )

    def _scoped(self, stmt: Any) -> Any:
        if self.principal.is_platform:
            return stmt
        return stmt.where(_C.c.tenant_id == self.principal.tenant_id)

    def policies_of(
        self, tenant_id: str, person_hashes: Collection[str]
    ) -> Mapping[str, Sequence[BookPolicy]]:
        self._own(tenant_id)
        found: dict[str, list[BookPolicy]] = {}
        locking = self.session.get_bind().dialect.name == "postgresql"
        for part in _parts(person_hashes):
            stmt = select(
                _P.c.resident_id_hash,
                _P.c.policy_key,
                _P.c.product_ref,
                _P.c.inception,
                _P.c.limit,
                _P.c.province,
            ).where(_P.c.tenant_id == tenant_id, _P.c.resident_id_hash.in_(part))
            if locking:
                stmt = stmt.order_by(_P.c.policy_key).with_for_update()
            for row in self.session.execute(stmt):
                found.setdefault(row.resident_id_hash, []).append(
                    BookPolicy(
                        row.policy_key,
                        row.product_ref,
                        row.inception,
                        _money(row.limit),
                        row.province,
                    )
                )
        return found

    def year_to_date(self, policy_keys: Collection[str]) -> Mapping[str, YearToDate]:
        found: dict[str, YearToDate] = {}
        for part in _parts(policy_keys):
            stmt = (
                select(
                    _C.c.policy_key,
                    func.sum(_C.c.retention_applied).label("retention"),
                    func.sum(_C.c.payable).label("paid"),
                    func.count().label("claims"),
                )
                .where(_C.c.policy_key.in_(part), _C.c.decision == str(AntifraudDecision.ACCEPTED))
                .group_by(_C.c.policy_key)
            )
            for row in self.session.execute(self._scoped(stmt)):
                found[row.policy_key] = YearToDate(
                    _money(row.retention), _money(row.paid), int(row.claims)
                )
        return found

    def claimed_receipts(self, tenant_id: str, receipts: Collection[str]) -> set[str]:
        self._own(tenant_id)
        found: set[str] = set()
        for part in _parts(receipts):
            stmt = select(_C.c.receipt_number).where(
                _C.c.tenant_id == tenant_id, _C.c.receipt_number.in_(part)
            )
            found.update(self.session.execute(stmt).scalars())
        return found

    def add_claims(self, claims: Sequence[StoredClaim]) -> None:
        if not claims:
            return
        for tenant_id in {claim.tenant_id for claim in claims}:
            self._own(tenant_id)
        connection = self.session.connection()
        connection.execute(insert(_C), [_row(claim) for claim in claims])
        self._add_totals(connection, claims)

    def _add_totals(self, connection: Any, claims: Sequence[StoredClaim]) -> None:
        """Claims counted in their policy's cell of the regulator's running totals (tenant,
        product, province, month of inception), in the same transaction."""
        sums: dict[tuple[str, str, str, int], list[Any]] = {}
        for claim in claims:
            month = claim.policy_inception.year * 100 + claim.policy_inception.month
            key = (claim.tenant_id, claim.product_ref, claim.province, month)
            entry = sums.setdefault(key, [0, Decimal(0)])
            entry[0] += 1
            if claim.assessment.decision is AntifraudDecision.ACCEPTED:
                entry[1] += claim.assessment.payable
        dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        stmt = dialect_insert(_T).values(
            [
                {
                    "tenant_id": tenant_id,
                    "product_ref": product_ref,
                    "province": province,
                    "month": month,
                    "policies": 0,
                    "premium": Decimal(0),
                    "sum_insured": Decimal(0),
                    "claims": count,
                    "claims_paid": paid,
                }
                for (tenant_id, product_ref, province, month), (count, paid) in sorted(sums.items())
            ]
        )
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["tenant_id", "product_ref", "province", "month"],
                set_={
                    "claims": _T.c.claims + stmt.excluded.claims,
                    "claims_paid": _T.c.claims_paid + stmt.excluded.claims_paid,
                },
            )
        )

    def get(self, claim_id: str) -> StoredClaim:
        row = self.session.execute(self._scoped(select(_C).where(_C.c.id == claim_id))).first()
        if row is None:
            raise NotFoundError(f"No anti-fraud claim {claim_id!r} is visible to you.")
        return _claim(row)

    def list(self, *, receipt_number: str | None = None, limit: int = 100) -> Sequence[StoredClaim]:
        stmt = select(_C)
        if receipt_number is not None:
            stmt = stmt.where(_C.c.receipt_number == receipt_number.strip().upper())
        stmt = self._scoped(stmt).order_by(_C.c.created_at.desc(), _C.c.id).limit(limit)
        return [_claim(row) for row in self.session.execute(stmt)]

    def checkpoint(self, tenant_id: str, file_sha256: str) -> tuple[str, ClaimsCheckpoint] | None:
        self._own(tenant_id)
        row = self.session.execute(
            select(_B.c.id, _B.c.checkpoint).where(
                _B.c.tenant_id == tenant_id, _B.c.file_sha256 == file_sha256
            )
        ).first()
        if row is None:
            return None
        return row.id, ClaimsCheckpoint.from_dict(row.checkpoint)

    def save_checkpoint(
        self, tenant_id: str, checkpoint: ClaimsCheckpoint, *, batch_id: str, file_name: str
    ) -> None:
        self._own(tenant_id)
        now = dt.datetime.now(dt.UTC)
        connection = self.session.connection()
        changed = connection.execute(
            update(_B)
            .where(_B.c.id == batch_id, _B.c.tenant_id == tenant_id)
            .values(checkpoint=checkpoint.to_dict(), stored=checkpoint.stored, updated_at=now)
        ).rowcount
        if not changed:
            connection.execute(
                insert(_B).values(
                    id=batch_id,
                    tenant_id=tenant_id,
                    file_sha256=checkpoint.file_sha256,
                    file_name=file_name[:300],
                    checkpoint=checkpoint.to_dict(),
                    stored=checkpoint.stored,
                    started_at=now,
                    updated_at=now,
                )
            )


def _row(claim: StoredClaim) -> dict[str, Any]:
    filed, result = claim.claim, claim.assessment
    return {
        "id": claim.id,
        "tenant_id": claim.tenant_id,
        "receipt_number": claim.receipt_number,
        "policy_key": claim.policy_key,
        "product_ref": claim.product_ref,
        "batch_id": claim.batch_id,
        "line": claim.line,
        "resident_id_hash": claim.resident_id_hash,
        "resident_id_encrypted": claim.resident_id_encrypted,
        "resident_id_masked": claim.resident_id_masked,
        "loss_amount": filed.loss_amount,
        "recovered_amount": filed.recovered_amount,
        "loss_date": filed.loss_date,
        "police_report_date": filed.police_report_date,
        "notified_on": filed.notified_on,
        "cause": filed.cause,
        "decision": str(result.decision),
        "retention_applied": result.retention_applied,
        "payable": result.payable,
        "payable_from": result.payable_from,
        "worksheet": result.to_dict(),
        "policy_inception": claim.policy_inception,
        "province": claim.province,
        "external_ref": claim.external_ref,
        "created_at": claim.created_at,
    }


def _claim(row: Any) -> StoredClaim:
    filed = AntifraudClaim(
        receipt=parse_receipt_number(row.receipt_number),
        loss_amount=_money(row.loss_amount),
        loss_date=row.loss_date,
        police_report_date=row.police_report_date,
        notified_on=row.notified_on,
        recovered_amount=_money(row.recovered_amount),
        cause=row.cause,
    )
    return StoredClaim(
        id=row.id,
        tenant_id=row.tenant_id,
        policy_key=row.policy_key,
        product_ref=row.product_ref,
        resident_id_hash=row.resident_id_hash,
        resident_id_encrypted=bytes(row.resident_id_encrypted),
        resident_id_masked=row.resident_id_masked,
        claim=filed,
        assessment=AntifraudAssessment.from_dict(row.worksheet),
        policy_inception=row.policy_inception,
        province=row.province,
        created_at=row.created_at,
        batch_id=row.batch_id,
        line=row.line,
        external_ref=row.external_ref,
    )
