"""Use cases of anti-fraud resident claims (反诈险理赔): one claim, a bulk file, reading them.

Insurer staff file claims (claims adjusters and the insurer's administrators; the platform
operator names the insurer). Residents have no logins today: the anti-fraud book is issued in
bulk and holds no accounts, so a resident claims through the insurer's hotline or counter and
the insurer's staff enter it (docs/antifraud-claims.md).

Each claim is assessed by :func:`liubu.claims.antifraud.assess` — the one place its payable
amount is computed — against the policy that covers the resident, found by the keyed lookup hash
of the resident ID; the resident ID is stored only encrypted and masked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from liubu.accounts import OrgKind, Role, new_id, require
from liubu.claims.antifraud import (
    AntifraudClaim,
    AntifraudTerms,
    Decision,
    YearToDate,
    anniversary,
    assess,
)
from liubu.claims.antifraud_file import (
    ClaimLine,
    ClaimLineChecker,
    claim_row_error,
    inspect_claims_file,
    read_claim_lines,
)
from liubu.claims.antifraud_ports import (
    AntifraudClaimsUnitOfWork,
    BookPolicy,
    ClaimsCheckpoint,
    ClaimsImportSummary,
    StoredClaim,
)
from liubu.claims.reasons import ClaimsCode
from liubu.core import PersonalDataCipher, mask_resident_id, parse_resident_id
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from liubu.massissue import RESIDENT_ID_FIELD, RowError, error_file_header, error_lines
from liubu.products import find_spec

CLAIMS_ROLES = (Role.CLAIMS_ADJUSTER, Role.ADMIN)
MAX_LISTED = 500


def claims_insurer(uow: AntifraudClaimsUnitOfWork, insurer: str | None) -> str:
    """The insurer whose claims the caller handles: its own, or (platform) the one named."""
    principal = uow.principal
    require(principal, *CLAIMS_ROLES, kinds=(OrgKind.INSURER, OrgKind.PLATFORM))
    if insurer is None:
        if principal.is_platform:
            raise ValidationError(
                "Name the insurer whose claims these are.", code=ClaimsCode.INSURER, field="insurer"
            )
        return principal.tenant_id
    found = uow.organisations.find_by_code(insurer) or uow.organisations.get(insurer)
    if not principal.is_platform and found.id != principal.tenant_id:
        raise PermissionDeniedError(
            "Insurer staff file claims of their own insurer only.", code=ClaimsCode.INSURER
        )
    if found.kind != OrgKind.INSURER:
        raise ValidationError(
            f"{insurer} is not an insurer.", code=ClaimsCode.INSURER, field="insurer"
        )
    return found.id


def covering_policy(policies: Sequence[BookPolicy], loss_date: dt.date) -> BookPolicy:
    """The policy that answers for a loss on ``loss_date``: of those in force that day the
    earliest, then the largest limit; if none is in force, the latest one that began before
    (the refusal then names its dates), else the earliest."""
    covering = [p for p in policies if p.inception <= loss_date < anniversary(p.inception)]
    if covering:
        return min(covering, key=lambda p: (p.inception, -p.limit, p.policy_key))
    before = [p for p in policies if p.inception <= loss_date]
    if before:
        return max(before, key=lambda p: (p.inception, p.limit, p.policy_key))
    return min(policies, key=lambda p: (p.inception, p.policy_key))


@dataclass(frozen=True, slots=True)
class _Sealed:
    line: ClaimLine
    person_hash: str
    token: bytes
    masked: str


def _seal(lines: Sequence[ClaimLine], cipher: PersonalDataCipher) -> list[_Sealed]:
    numbers = [line.resident_id for line in lines]
    hashes = cipher.lookup_hash_many(numbers, field=RESIDENT_ID_FIELD)
    tokens = cipher.encrypt_many(numbers, field=RESIDENT_ID_FIELD)
    return [
        _Sealed(line, person_hash, token, mask_resident_id(line.resident_id))
        for line, person_hash, token in zip(lines, hashes, tokens, strict=True)
    ]


class _Assessor:
    """Finds each resident's policy and its terms and assesses the claims of one batch in order,
    so a resident's earlier claims in the same batch erode the limit and retention of later
    ones. Product terms are read once per (product, limit)."""

    def __init__(self, uow: AntifraudClaimsUnitOfWork, tenant_id: str) -> None:
        self.uow, self.tenant_id = uow, tenant_id
        self._terms: dict[tuple[str, Decimal], AntifraudTerms] = {}

    def terms(self, policy: BookPolicy) -> AntifraudTerms:
        key = (policy.product_ref, policy.limit)
        if key not in self._terms:
            spec = find_spec(self.uow, policy.product_ref)
            self._terms[key] = AntifraudTerms.of(spec, limit=policy.limit)
        return self._terms[key]

    def run(
        self, sealed: Sequence[_Sealed], *, batch_id: str | None, now: dt.datetime
    ) -> tuple[list[StoredClaim], list[RowError]]:
        repository = self.uow.antifraud_claims
        books = repository.policies_of(self.tenant_id, {s.person_hash for s in sealed})
        receipts = {s.line.claim.receipt.text for s in sealed}
        claimed = repository.claimed_receipts(self.tenant_id, receipts)
        chosen = {
            s.line.line: covering_policy(books[s.person_hash], s.line.claim.loss_date)
            for s in sealed
            if books.get(s.person_hash)
        }
        to_date = dict(repository.year_to_date({p.policy_key for p in chosen.values()}))
        stored: list[StoredClaim] = []
        errors: list[RowError] = []
        for item in sealed:
            line, claim = item.line, item.line.claim
            policy = chosen.get(line.line)
            if policy is None:
                errors.append(_row(line.line, ClaimsCode.NO_POLICY, "resident_id", item.masked))
                continue
            if claim.receipt.text in claimed:
                errors.append(
                    _row(
                        line.line, ClaimsCode.ALREADY_CLAIMED, "receipt_number", claim.receipt.text
                    )
                )
                continue
            before = to_date.get(policy.policy_key, YearToDate())
            result = assess(
                claim,
                terms=self.terms(policy),
                inception=policy.inception,
                year_to_date=before,
            )
            to_date[policy.policy_key] = before.after(result)
            claimed.add(claim.receipt.text)
            stored.append(
                StoredClaim(
                    id=new_id(),
                    tenant_id=self.tenant_id,
                    policy_key=policy.policy_key,
                    product_ref=policy.product_ref,
                    resident_id_hash=item.person_hash,
                    resident_id_encrypted=item.token,
                    resident_id_masked=item.masked,
                    claim=claim,
                    assessment=result,
                    policy_inception=policy.inception,
                    province=policy.province,
                    created_at=now,
                    batch_id=batch_id,
                    line=line.line if batch_id is not None else None,
                    external_ref=line.external_ref,
                )
            )
        return stored, errors


def _row(line: int, code: ClaimsCode, field: str, value: str) -> RowError:
    return claim_row_error(line, code, field=field, value=value)


def file_antifraud_claim(
    uow: AntifraudClaimsUnitOfWork,
    *,
    resident_id: str,
    claim: AntifraudClaim,
    cipher: PersonalDataCipher,
    insurer: str | None = None,
    external_ref: str | None = None,
) -> StoredClaim:
    """Assess and store one claim; refused claims are stored too, with their reasons.

    Raises :class:`NotFoundError` (``claims.antifraud.no_policy``) when the insurer holds no
    policy of the resident, :class:`ConflictError` (``claims.antifraud.already_claimed``) when
    the receipt number was claimed before.
    """
    number = parse_resident_id(resident_id).number
    with uow:
        tenant_id = claims_insurer(uow, insurer)
        line = ClaimLine(0, number, claim, external_ref)
        stored, errors = _Assessor(uow, tenant_id).run(
            _seal([line], cipher), batch_id=None, now=dt.datetime.now(dt.UTC)
        )
        if errors:
            error = errors[0]
            kind = NotFoundError if error.code == ClaimsCode.NO_POLICY else ConflictError
            raise kind(error.reason_en, code=ClaimsCode(error.code))
        uow.antifraud_claims.add_claims(stored)
        _audit_one(uow, stored[0])
        uow.commit()
        return stored[0]


def _audit_one(uow: AntifraudClaimsUnitOfWork, claim: StoredClaim) -> None:
    uow.audit.record(
        "personal_claims.assessed",
        entity_type="personal_claims",
        entity_id=claim.id,
        tenant_id=claim.tenant_id,
        after={
            "receipt_number": claim.receipt_number,
            "policy_key": claim.policy_key,
            "decision": str(claim.assessment.decision),
            "reasons": [str(code) for code in claim.assessment.reasons],
            "payable": str(claim.assessment.payable),
        },
    )


def antifraud_claim(uow: AntifraudClaimsUnitOfWork, claim_id: str) -> StoredClaim:
    """One of the caller's claims (another insurer's is not found)."""
    with uow:
        require(uow.principal, *CLAIMS_ROLES, kinds=(OrgKind.INSURER, OrgKind.PLATFORM))
        return uow.antifraud_claims.get(claim_id)


def antifraud_claims(
    uow: AntifraudClaimsUnitOfWork, *, receipt_number: str | None = None, limit: int = 100
) -> Sequence[StoredClaim]:
    """The caller's latest claims (newest first), or the one with ``receipt_number``."""
    if not 1 <= limit <= MAX_LISTED:
        raise ValidationError(
            f"List from 1 to {MAX_LISTED} claims at a time.", field="limit", value=limit
        )
    with uow:
        require(uow.principal, *CLAIMS_ROLES, kinds=(OrgKind.INSURER, OrgKind.PLATFORM))
        return uow.antifraud_claims.list(receipt_number=receipt_number, limit=limit)


Progress = Callable[[int, int], None]


def import_antifraud_claims(
    uow_factory: Callable[[], AntifraudClaimsUnitOfWork],
    path: str | Path,
    *,
    cipher: PersonalDataCipher,
    error_path: str | Path,
    today: dt.date,
    insurer: str | None = None,
    chunk_size: int = 10_000,
    progress: Progress | None = None,
) -> ClaimsImportSummary:
    """Assess and store the claims of a bulk file, chunk by chunk, each chunk in one
    transaction with its checkpoint; idempotent (an insurer's receipt number is stored once; a
    finished file is not read again) and resumable (a crash resumes after the last committed
    chunk). Bad lines, residents without a policy and receipts claimed before go to the error
    file with their line and reason."""
    if isinstance(chunk_size, bool) or not 1 <= chunk_size <= 100_000:
        raise ValidationError(
            "The chunk size must be from 1 to 100,000 lines.", field="chunk_size", value=chunk_size
        )
    path = Path(path)
    facts = inspect_claims_file(path)
    with uow_factory() as uow:
        tenant_id = claims_insurer(uow, insurer)
        saved = uow.antifraud_claims.checkpoint(tenant_id, facts.sha256)
    errors = Path(error_path)
    if saved is not None and saved[1].finished:
        return _summary(saved[1], 0, resumed=False, done=True, error_path=errors)
    if saved is None:
        header = error_file_header().encode("utf-8")
        _write_private(errors, header)
        batch_id = new_id()
        state = ClaimsCheckpoint(facts.sha256, facts.header_end, 1, error_bytes=len(header))
    else:
        batch_id, state = saved
        with errors.open("r+b") as handle:  # drop the lines of a chunk that never committed
            handle.truncate(state.error_bytes)
    resumed, stored_now = saved is not None, 0
    checker = ClaimLineChecker(facts.columns, today=today)
    reads = read_claim_lines(
        path,
        facts,
        byte_offset=state.byte_offset,
        line=state.line,
        chunk_size=chunk_size,
        checker=checker,
    )
    with errors.open("ab") as error_file:
        for read in reads:
            sealed = _seal(read.claims, cipher)
            with uow_factory() as uow:
                stored, missing = _Assessor(uow, tenant_id).run(
                    sealed, batch_id=batch_id, now=dt.datetime.now(dt.UTC)
                )
                rejected = sorted([*read.errors, *missing], key=lambda error: error.line)
                text = error_lines(rejected).encode("utf-8")
                state = _advance(state, read.byte_offset, read.line, stored, rejected, read.blank)
                state = _with_errors(state, len(text), read.finished)
                uow.antifraud_claims.save_checkpoint(  # first: the claims refer to the batch
                    tenant_id, state, batch_id=batch_id, file_name=facts.name
                )
                uow.antifraud_claims.add_claims(stored)
                _audit_chunk(uow, batch_id, tenant_id, stored, state)
                error_file.write(text)
                error_file.flush()
                os.fsync(error_file.fileno())
                uow.commit()
            stored_now += len(stored)
            if progress is not None:
                progress(read.line - 1, facts.data_lines)
    return _summary(state, stored_now, resumed=resumed, done=False, error_path=errors)


def _advance(
    state: ClaimsCheckpoint,
    offset: int,
    line: int,
    stored: Sequence[StoredClaim],
    rejected: Sequence[RowError],
    blank: int,
) -> ClaimsCheckpoint:
    codes = dict(state.rejected_by_code)
    for error in rejected:
        codes[error.code] = codes.get(error.code, 0) + 1
    accepted = [c for c in stored if c.assessment.decision is Decision.ACCEPTED]
    return ClaimsCheckpoint(
        file_sha256=state.file_sha256,
        byte_offset=offset,
        line=line,
        chunks=state.chunks + 1,
        stored=state.stored + len(stored),
        accepted=state.accepted + len(accepted),
        refused=state.refused + len(stored) - len(accepted),
        rejected=state.rejected + len(rejected),
        blank=state.blank + blank,
        payable=state.payable + sum((c.assessment.payable for c in accepted), Decimal(0)),
        error_bytes=state.error_bytes,
        rejected_by_code=tuple(sorted(codes.items())),
    )


def _with_errors(state: ClaimsCheckpoint, written: int, finished: bool) -> ClaimsCheckpoint:
    return replace(state, error_bytes=state.error_bytes + written, finished=finished)


def _audit_chunk(
    uow: AntifraudClaimsUnitOfWork,
    batch_id: str,
    tenant_id: str,
    stored: Sequence[StoredClaim],
    state: ClaimsCheckpoint,
) -> None:
    """One audit event per chunk (its counts and a digest of its receipt numbers), as the
    policy import does: an event per claim would double the work and say nothing more."""
    digest = hashlib.sha256("|".join(c.receipt_number for c in stored).encode()).hexdigest()
    uow.audit.record(
        "personal_claims.imported",
        entity_type="personal_claim_batches",
        entity_id=batch_id,
        tenant_id=tenant_id,
        after={
            "line": state.line,
            "stored": len(stored),
            "accepted": sum(c.assessment.decision is Decision.ACCEPTED for c in stored),
            "payable": str(sum((c.assessment.payable for c in stored), Decimal(0))),
            "receipts_sha256": digest,
        },
    )


def _write_private(path: Path, content: bytes) -> None:
    """Create (or empty) the error file readable by its owner only (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def _summary(
    state: ClaimsCheckpoint, stored: int, *, resumed: bool, done: bool, error_path: Path
) -> ClaimsImportSummary:
    return ClaimsImportSummary(
        stored=stored,
        accepted=state.accepted,
        refused=state.refused,
        rejected=state.rejected,
        blank=state.blank,
        payable=state.payable,
        rejected_by_code=dict(state.rejected_by_code),
        resumed=resumed,
        already_done=done,
        error_file=str(error_path),
    )
