"""Use cases of incident response (保后救援): the insurer's panel of incident-response vendors,
dispatch, the vendor's answer, the timeline of the response, evidence, and the vendor costs the
insurer pre-approves against the incident-response sublimit.

**Panel.** Each insurer keeps a list of security-provider organisations it may dispatch (a table,
``ir_panel``: the insurer's administrator or claims staff add to it — a panel is contracted
business, not reference data). Only a vendor on the panel can be dispatched.

**Visibility.** A vendor sees a claim only once dispatched to it (until it declines), and then
only its incident-response parts: the claim's facts, its own dispatch, the timeline and the
evidence — never reserves or payments (the store enforces this).

**Evidence** is kept as uploaded, encrypted at rest, under its SHA-256: the same name uploaded
again with the same content is the same evidence; with other content it is refused (never
changed); a download checks the content against its hash before handing it out.

**Vendor costs**: the total pre-approved over the claim's dispatches may not exceed the
incident-response sublimit of the policy — the product's ``incident_response`` sublimit, capped
by the policy limit (the limit itself when the product names no sublimit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from liubu.accounts import OrgKind, Role, new_id, require
from liubu.claims._common import (
    amount as checked_amount,
)
from liubu.claims._common import (
    committed,
    insurers_claim,
    now,
    require_adjuster,
    require_open,
    text,
)
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.claims.reasons import ClaimsCode
from liubu.claims.records import (
    Claim,
    Dispatch,
    DispatchState,
    Evidence,
    Phase,
    TimelineEntry,
)
from liubu.claims.service_notice import spec_of
from liubu.errors import ConflictError, IntegrityError, PermissionDeniedError, ValidationError

VENDORS = (Role.SECURITY_ANALYST, Role.ADMIN)
IR_COVERAGE = "incident_response"
MAX_EVIDENCE_BYTES = 10 << 20  # 10 MiB a file
MAX_EVIDENCE_FILES = 200  # a claim


@dataclass(frozen=True)
class IncidentView:
    """What incident response shows of a claim (to the insurer, the insured and its vendor)."""

    claim: Claim
    dispatches: tuple[Dispatch, ...]
    timeline: tuple[TimelineEntry, ...]
    evidence: tuple[Evidence, ...]


@committed
def add_to_panel(uow: ClaimsUnitOfWork, vendor_tenant_id: str) -> tuple[str, ...]:
    """Put a security provider on the caller's insurer's incident-response panel."""
    require(uow.principal, Role.ADMIN, Role.CLAIMS_ADJUSTER, kinds=[OrgKind.INSURER])
    vendor = uow.organisations.find_by_id_unscoped(vendor_tenant_id)
    if vendor is None or vendor.kind != OrgKind.SECURITY_PROVIDER:
        raise ValidationError(
            f"{vendor_tenant_id!r} is not a security provider on the platform.",
            field="vendor_id",
            value=vendor_tenant_id[:64],
        )
    uow.claims.add_to_panel(uow.principal.tenant_id, vendor.id)
    uow.audit.record(
        "claims.panel_added",
        entity_type="ir_panel",
        entity_id=vendor.id,
        after={"vendor": vendor.id},
    )
    return tuple(uow.claims.panel(uow.principal.tenant_id))


def _ir_sublimit(uow: ClaimsUnitOfWork, claim: Claim) -> Decimal:
    policy = uow.underwriting.policy(claim.policy_id)
    spec = spec_of(uow, policy)
    coverage = next((c for c in spec.coverages if c.code == IR_COVERAGE), None)
    if coverage is None:
        raise ValidationError(
            f"Policy {policy.number} carries no incident-response cover.",
            code=ClaimsCode.NO_IR_COVER,
            field="claim_id",
            value=claim.id,
        )
    if coverage.sublimit is None:
        return policy.limit
    return min(policy.limit, coverage.sublimit)


@committed
def dispatch(uow: ClaimsUnitOfWork, claim_id: str, *, vendor_tenant_id: str) -> Dispatch:
    """Send a vendor of the insurer's panel to the claim's incident; it sees the incident from
    now on (until it declines)."""
    require_adjuster(uow.principal)
    claim = insurers_claim(uow, claim_id, lock=True)
    require_open(claim)
    _ir_sublimit(uow, claim)  # refused when the policy carries no incident-response cover
    if vendor_tenant_id not in uow.claims.panel(claim.tenant_id):
        raise ValidationError(
            "That security provider is not on your incident-response panel.",
            code=ClaimsCode.NOT_ON_PANEL,
            field="vendor_id",
            value=vendor_tenant_id[:64],
        )
    sent = Dispatch(
        id=new_id(),
        tenant_id=claim.tenant_id,
        claim_id=claim.id,
        vendor_tenant_id=vendor_tenant_id,
        state=DispatchState.OFFERED,
        approved_costs=Decimal("0.00"),
        dispatched_by=uow.principal.user_id,
        dispatched_at=now(),
    )
    uow.claims.add_dispatch(sent)
    uow.audit.record(
        "claims.dispatched",
        entity_type="claim_dispatches",
        entity_id=sent.id,
        tenant_id=claim.tenant_id,
        after={"claim": claim.number, "vendor": vendor_tenant_id},
    )
    return sent


@committed
def answer_dispatch(uow: ClaimsUnitOfWork, dispatch_id: str, *, accept: bool) -> Dispatch:
    """The dispatched vendor accepts or declines (once)."""
    require(uow.principal, *VENDORS, kinds=[OrgKind.SECURITY_PROVIDER])
    found = uow.claims.dispatch(dispatch_id)
    if found.vendor_tenant_id != uow.principal.tenant_id:
        raise PermissionDeniedError("Only the dispatched vendor answers a dispatch.")
    if found.state is not DispatchState.OFFERED:
        raise ConflictError(
            f"The dispatch is already {found.state}.", code=ClaimsCode.DISPATCH_DECIDED
        )
    state = DispatchState.ACCEPTED if accept else DispatchState.DECLINED
    answered = uow.claims.save_dispatch(replace(found, state=state, responded_at=now()))
    uow.audit.record(
        "claims.dispatch_answered",
        entity_type="claim_dispatches",
        entity_id=found.id,
        tenant_id=found.tenant_id,
        after={"state": str(state)},
    )
    return answered


def _acting_party(uow: ClaimsUnitOfWork, claim_id: str, *, insured_too: bool) -> Claim:
    """The claim, if the caller may add to its response: the insurer's claims staff, the
    insured (evidence only), or a vendor that accepted a dispatch on it."""
    claim = uow.claims.claim(claim_id)
    me = uow.principal.tenant_id
    if uow.principal.is_platform or claim.tenant_id == me:
        require_adjuster(uow.principal)
        return claim
    if claim.client_tenant_id == me and insured_too:
        return claim
    accepted = any(
        d.vendor_tenant_id == me and d.state is DispatchState.ACCEPTED
        for d in uow.claims.dispatches(claim.id)
    )
    if not accepted:
        raise PermissionDeniedError(
            "Only a vendor that accepted a dispatch on this incident may add to its response.",
            code=ClaimsCode.NOT_DISPATCHED,
        )
    require(uow.principal, *VENDORS, kinds=[OrgKind.SECURITY_PROVIDER])
    return claim


@committed
def log_timeline(
    uow: ClaimsUnitOfWork, claim_id: str, *, phase: str, note: str, at: datetime | None = None
) -> TimelineEntry:
    """Add an action to the response's timeline (triage, containment, eradication, recovery or
    other), with its time (default now; never in the future) and actor."""
    claim = _acting_party(uow, claim_id, insured_too=False)
    try:
        kind = Phase(phase)
    except ValueError as error:
        raise ValidationError(
            f"The phase must be one of {[p.value for p in Phase]}.", field="phase", value=phase[:32]
        ) from error
    when = at or now()
    if when.tzinfo is None or when > now():
        raise ValidationError(
            "The time must carry its offset and not be in the future.",
            field="at",
            value=when.isoformat(),
        )
    entry = TimelineEntry(
        new_id(),
        claim.tenant_id,
        claim.id,
        kind,
        when,
        uow.principal.user_id,
        uow.principal.tenant_id,
        text(note, field="note"),
    )
    uow.claims.add_timeline(entry)
    uow.audit.record(
        "claims.timeline_logged",
        entity_type="claim_timeline",
        entity_id=entry.id,
        tenant_id=claim.tenant_id,
        after={"phase": str(kind), "at": when.isoformat()},
    )
    return entry


def _filename(name: str) -> str:
    cleaned = text(name, field="filename", limit=255)
    if "/" in cleaned or "\\" in cleaned or cleaned in (".", ".."):
        raise ValidationError("A file name cannot hold a path.", field="filename", value=cleaned)
    return cleaned


@committed
def upload_evidence(
    uow: ClaimsUnitOfWork, claim_id: str, *, filename: str, content_type: str, content: bytes
) -> Evidence:
    """Keep a file of evidence under its SHA-256; the same name again must be the same file."""
    claim = _acting_party(uow, claim_id, insured_too=True)
    name = _filename(filename)
    kind = text(content_type or "application/octet-stream", field="content_type", limit=100)
    if not content or len(content) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            f"Evidence must be 1 byte to {MAX_EVIDENCE_BYTES} bytes; got {len(content)}.",
            field="content",
            value=len(content),
        )
    digest = hashlib.sha256(content).hexdigest()
    kept = uow.claims.evidence_named(claim.id, name)
    if kept is not None:
        if kept.sha256 == digest:
            return kept
        raise ConflictError(
            f"Evidence {name!r} was kept with SHA-256 {kept.sha256}; this file's is {digest}. "
            "Evidence is never changed: upload it under another name.",
            code=ClaimsCode.EVIDENCE_CHANGED,
        )
    if len(uow.claims.evidence(claim.id)) >= MAX_EVIDENCE_FILES:
        raise ValidationError(
            f"A claim keeps at most {MAX_EVIDENCE_FILES} files of evidence.", field="content"
        )
    evidence = Evidence(
        new_id(),
        claim.tenant_id,
        claim.id,
        name,
        kind,
        len(content),
        digest,
        uow.principal.user_id,
        uow.principal.tenant_id,
        now(),
    )
    uow.claims.add_evidence(evidence, content)
    uow.audit.record(
        "claims.evidence_uploaded",
        entity_type="claim_evidence",
        entity_id=evidence.id,
        tenant_id=claim.tenant_id,
        after={"filename": name, "sha256": digest, "size": len(content)},
    )
    return evidence


def download_evidence(uow: ClaimsUnitOfWork, evidence_id: str) -> tuple[Evidence, bytes]:
    """The evidence and its content, checked against its SHA-256 first."""
    with uow:
        evidence, content = uow.claims.evidence_content(evidence_id)
    if hashlib.sha256(content).hexdigest() != evidence.sha256:
        raise IntegrityError(
            f"The stored evidence {evidence.filename!r} no longer matches its SHA-256.",
            code=ClaimsCode.EVIDENCE_CORRUPT,
        )
    return evidence, content


@committed
def approve_vendor_costs(
    uow: ClaimsUnitOfWork, dispatch_id: str, *, amount: Decimal, note: str
) -> Dispatch:
    """Pre-approve more of a dispatched vendor's costs; the claim's total pre-approved costs
    may not exceed the incident-response sublimit."""
    require_adjuster(uow.principal)
    found = uow.claims.dispatch(dispatch_id)
    claim = insurers_claim(uow, found.claim_id, lock=True)
    require_open(claim)
    value = checked_amount(amount)
    why = text(note, field="note")
    if found.state is DispatchState.DECLINED:
        raise ConflictError("The vendor declined this dispatch.", code=ClaimsCode.DISPATCH_DECIDED)
    sublimit = _ir_sublimit(uow, claim)
    total = sum((d.approved_costs for d in uow.claims.dispatches(claim.id)), Decimal(0))
    if total + value > sublimit:
        raise ValidationError(
            f"Pre-approved vendor costs would reach {total + value} CNY, above the "
            f"incident-response sublimit of {sublimit} CNY ({total} CNY approved so far).",
            code=ClaimsCode.ABOVE_IR_SUBLIMIT,
            field="amount",
            value=str(value),
        )
    saved = uow.claims.save_dispatch(replace(found, approved_costs=found.approved_costs + value))
    uow.audit.record(
        "claims.vendor_costs_approved",
        entity_type="claim_dispatches",
        entity_id=found.id,
        tenant_id=claim.tenant_id,
        after={"amount": str(value), "total": str(total + value), "note": why},
    )
    return saved


def incident_view(uow: ClaimsUnitOfWork, claim_id: str) -> IncidentView:
    """The incident-response side of a claim, as the caller may see it."""
    with uow:
        claim = uow.claims.claim(claim_id)
        return IncidentView(
            claim,
            tuple(uow.claims.dispatches(claim.id)),
            tuple(uow.claims.timeline(claim.id)),
            tuple(uow.claims.evidence(claim.id)),
        )
