"""Who an enterprise is (企业身份): a credit code belongs to at most one enterprise on the platform.

- The first enterprise tenant to register a unified social credit code (统一社会信用代码) holds it
  (``Enterprise.identity_holder``); an insurer's record of a client never holds one.
- A second registration of a held code by another tenant is refused (409, ``identity.uscc_taken``)
  and opens an :class:`~liubu.accounts.model.IdentityClaim` for the platform operator, who reads
  both parties' evidence and upholds it (the holder's record releases the code and loses its
  verification; the claimant registers again) or rejects it (nothing changes).
- The platform operator verifies that a holder's tenant controls the enterprise
  (:func:`verify_enterprise`) before it may accept a group invitation.

Names shown to other tenants (enterprise, organisation and scheme names) pass :func:`check_name`:
no control, format (bidirectional override, zero-width) or separator characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

from liubu.accounts.model import (
    ClaimState,
    Enterprise,
    IdentityClaim,
    OrgKind,
    Principal,
    Role,
    new_id,
)
from liubu.accounts.ports import UnitOfWork
from liubu.accounts.reasons import AccountsCode
from liubu.errors import ConflictError, PermissionDeniedError, Reason, ValidationError

NAME_MAX = 200
EVIDENCE_MAX = 4000
# Cc control (NUL…), Cf format (U+202E right-to-left override, U+200B zero width…), Cs/Co
# surrogates and private use, Zl/Zp line and paragraph separators: each can hide or reorder what
# a reader of the name sees.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def _now() -> datetime:
    return datetime.now(UTC)


def check_name(text: str, *, field: str, what: str = "name") -> str:
    """``text`` stripped; refuses an empty name, one longer than :data:`NAME_MAX` characters and
    one with a character of :data:`_FORBIDDEN_CATEGORIES`, located at ``field``."""
    name = text.strip()
    if not name:
        raise ValidationError(
            f"The {what} must not be empty.", code=AccountsCode.NAME_EMPTY, field=field
        )
    if len(name) > NAME_MAX:
        raise ValidationError(
            f"The {what} must have at most {NAME_MAX} characters; it has {len(name)}.",
            code=AccountsCode.NAME_TOO_LONG,
            field=field,
            value=len(name),
        )
    bad = sorted(
        {f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in _FORBIDDEN_CATEGORIES}
    )
    if bad:
        raise ValidationError(
            f"The {what} contains characters that are not allowed: {', '.join(bad)} (control "
            "or bidirectional-override characters).",
            code=AccountsCode.NAME_CHARACTERS,
            field=field,
            value=", ".join(bad),
        )
    return name


class IdentityTakenError(ConflictError):
    """The credit code belongs to another record; ``claim_id`` names the claim opened for it."""

    def __init__(self, uscc: str, *, claim_id: str | None = None) -> None:
        detail: dict[str, object] = {"uscc": uscc}
        if claim_id is not None:
            detail["claim_id"] = claim_id
        super().__init__(
            f"The unified social credit code {uscc} already belongs to an enterprise on the "
            "platform. A claim was opened for the platform operator to decide; add your evidence "
            "to it (licence, authorisation) and register again if it is upheld.",
            reason=Reason.DUPLICATE,
            code=AccountsCode.USCC_TAKEN,
            detail=detail,
        )
        self.uscc = uscc


def _holds_identities(principal: Principal) -> bool:
    return principal.org_kind is OrgKind.ENTERPRISE


def take_identity(uow: UnitOfWork, enterprise: Enterprise) -> None:
    """Make a new record of an enterprise tenant the holder of its credit code, or raise
    :class:`IdentityTakenError` when another record holds it. Other tenants' records (an insurer's
    clients) hold nothing."""
    if not _holds_identities(uow.principal):
        return
    holder = uow.enterprises.find_identity_holder(enterprise.uscc)
    if holder is not None and holder.id != enterprise.id:
        raise IdentityTakenError(enterprise.uscc)
    enterprise.identity_holder = True


def follow_uscc_change(uow: UnitOfWork, enterprise: Enterprise, uscc: str) -> None:
    """Before a record's credit code changes to ``uscc``: the new code must be free, and the
    verification (of the old code) lapses."""
    if uscc == enterprise.uscc or not _holds_identities(uow.principal):
        return
    holder = uow.enterprises.find_identity_holder(uscc)
    if holder is not None and holder.id != enterprise.id:
        raise IdentityTakenError(uscc)
    enterprise.identity_holder, enterprise.verified_at = True, None


def open_claim(uow: UnitOfWork, *, uscc: str, name: str) -> IdentityClaim:
    """The caller's open claim on ``uscc`` (one per tenant and code), opened if there is none.
    Not committed here: :func:`liubu.accounts.register_enterprise` commits it with its refusal."""
    existing = uow.identity_claims.find_open(uscc)
    if existing is not None:
        return existing
    holder = uow.enterprises.find_identity_holder(uscc)
    assert holder is not None, "a claim is opened only against a holder"
    claim = IdentityClaim(
        id=new_id(),
        tenant_id=uow.principal.tenant_id,
        uscc=uscc,
        claimant_name=name,
        holder_tenant_id=holder.tenant_id,
        holder_enterprise_id=holder.id,
        created_at=_now(),
    )
    uow.identity_claims.add(claim)
    return claim


def _require_operator(principal: Principal) -> None:
    if not (principal.is_platform and principal.has_any(Role.ADMIN)):
        raise PermissionDeniedError("Only the platform operator may do this.")


def verify_enterprise(uow: UnitOfWork, enterprise_id: str) -> Enterprise:
    """The platform operator's word that the holder's tenant controls the enterprise (it saw a
    business licence and an authorisation, 营业执照与授权书): sets ``verified_at``."""
    with uow:
        _require_operator(uow.principal)
        enterprise = uow.enterprises.get(enterprise_id)
        if not enterprise.identity_holder:
            raise ConflictError(
                f"The record {enterprise.name!r} does not hold the credit code {enterprise.uscc}; "
                "only the holder can be verified.",
                code=AccountsCode.NOT_IDENTITY_HOLDER,
            )
        if enterprise.verified_at is None:
            enterprise.verified_at = _now()
        uow.commit()
        return enterprise


def list_claims(uow: UnitOfWork) -> Sequence[IdentityClaim]:
    """The claims the caller is party to (the platform operator: all), newest first."""
    with uow:
        return sorted(uow.identity_claims.list(), key=lambda c: c.created_at, reverse=True)


def add_evidence(uow: UnitOfWork, claim_id: str, note: str) -> IdentityClaim:
    """The claimant's or the holder's evidence (free text: licence number, who signed what),
    replacing what that party wrote before, while the claim is open."""
    with uow:
        claim = uow.identity_claims.get(claim_id)
        if claim.state != ClaimState.OPEN:
            raise ConflictError(
                f"The claim on {claim.uscc} was {claim.state}.", code=AccountsCode.CLAIM_DECIDED
            )
        text = note.strip()
        if len(text) > EVIDENCE_MAX:
            raise ValidationError(
                f"The evidence must have at most {EVIDENCE_MAX} characters.", field="note"
            )
        if uow.principal.tenant_id == claim.tenant_id:
            claim.claimant_evidence = text
        elif uow.principal.tenant_id == claim.holder_tenant_id:
            claim.holder_evidence = text
        else:
            raise PermissionDeniedError("Only the claimant and the holder give evidence.")
        uow.commit()
        return claim


def decide_claim(uow: UnitOfWork, claim_id: str, *, uphold: bool, note: str) -> IdentityClaim:
    """The platform operator decides. Upheld: the holder's record releases the code and its
    verification (it stays in its tenant, like an insurer's record of a client; group pricing
    no longer counts it), and the claimant may register the code. Rejected: nothing changes."""
    with uow:
        _require_operator(uow.principal)
        claim = uow.identity_claims.get(claim_id)
        if claim.state != ClaimState.OPEN:
            raise ConflictError(
                f"The claim on {claim.uscc} was {claim.state}.", code=AccountsCode.CLAIM_DECIDED
            )
        if uphold:
            holder = uow.enterprises.get(claim.holder_enterprise_id)
            holder.identity_holder, holder.verified_at = False, None
        claim.state = ClaimState.UPHELD if uphold else ClaimState.REJECTED
        claim.decided_at, claim.decided_by = _now(), uow.principal.user_id
        claim.decision_note = note.strip()[:EVIDENCE_MAX]
        uow.commit()
        return claim
