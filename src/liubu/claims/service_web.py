"""Read-only use cases the claims pages need beyond the core's: the policies an insured may
report on (with each product's claims process, shown before the notice is sent), the insurer's
incident-response panel by name, everything one claim's page shows in one transaction, and the
insured's documents of a claim — the coverage letter and, once assessed, the statement of loss —
built from the position and worksheet the assessment stored (the same terms code as assessing).

Nothing here writes: the pages change claims only through the core's use cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from liubu.accounts import OrgKind, Role, require
from liubu.claims._common import INSURER_KINDS, insurers_claim
from liubu.claims.documents import (
    CoverageLetter,
    DocumentHeader,
    StatementOfLoss,
    coverage_letter,
    statement_of_loss,
)
from liubu.claims.ports import ClaimsUnitOfWork, PolicyReader
from liubu.claims.position import CoveragePosition
from liubu.claims.reasons import ClaimsCode
from liubu.claims.records import (
    Appeal,
    Approval,
    ApprovalState,
    Claim,
    Dispatch,
    Evidence,
    Payment,
    Recovery,
    ReserveChange,
    ReserveLine,
    TimelineEntry,
)
from liubu.claims.service_appeals import statement_issued_on
from liubu.claims.service_assessment import _position
from liubu.claims.service_notice import spec_of
from liubu.claims.worksheet import AdjustmentWorksheet
from liubu.errors import ValidationError
from liubu.products import ClaimsProcess
from liubu.underwriting import Policy, PolicyState


class PolicyLister(PolicyReader, Protocol):
    """The caller's policies (the store scopes them: an insured sees its own)."""

    def policies(self) -> Sequence[Policy]: ...
    def policy_by_number(self, number: str) -> Policy | None: ...


class ClaimsWebUnitOfWork(ClaimsUnitOfWork, Protocol):
    @property
    def underwriting(self) -> PolicyLister: ...


@dataclass(frozen=True)
class ReportablePolicy:
    """A policy in force the caller may report an incident on, and how its product says to."""

    policy: Policy
    process: ClaimsProcess


@dataclass(frozen=True)
class Vendor:
    """A security provider of the insurer's incident-response panel."""

    id: str
    name: str


@dataclass(frozen=True)
class ClaimPage:
    """One claim as the caller may see it. The store decides what each party reads: the
    insurer everything; the insured its payments and the response; a dispatched vendor only the
    response (no reserves, payments, approvals or recoveries)."""

    claim: Claim
    insurer: bool
    insured: bool
    reserves: tuple[ReserveLine, ...]
    changes: tuple[ReserveChange, ...]
    payments: tuple[Payment, ...]
    recoveries: tuple[Recovery, ...]
    approvals: tuple[Approval, ...]
    dispatches: tuple[Dispatch, ...]
    timeline: tuple[TimelineEntry, ...]
    evidence: tuple[Evidence, ...]
    vendors: tuple[Vendor, ...]  # the names of the dispatched vendors (and, for the insurer,
    # of the whole panel)
    appeals: tuple[Appeal, ...] = ()  # the insurer's and the insured's, oldest first


def reportable_policies(uow: ClaimsWebUnitOfWork) -> list[ReportablePolicy]:
    """The caller's policies in force, newest first, each with its product's claims process."""
    with uow:
        found = []
        for policy in reversed(list(uow.underwriting.policies())):
            if policy.status != PolicyState.IN_FORCE:
                continue
            found.append(ReportablePolicy(policy, spec_of(uow, policy).claims))
        return found


def policy_for_hotline(uow: ClaimsWebUnitOfWork, number: str) -> Policy:
    """The insurer's policy in force with this number, for staff entering a notice from the
    24/7 hotline (the caller reads the number off the phone, not from a list of every policy)."""
    require(uow.principal, Role.CLAIMS_ADJUSTER, Role.ADMIN, kinds=INSURER_KINDS)
    wanted = number.strip()[:32]
    with uow:
        policy = uow.underwriting.policy_by_number(wanted) if wanted else None
    if policy is None or (
        policy.tenant_id != uow.principal.tenant_id and not (uow.principal.is_platform)
    ):
        raise ValidationError(  # what the caller said: a message beside the form, not a 404
            f"No policy of yours is numbered {wanted!r}.",
            code=ClaimsCode.HOTLINE_NO_POLICY,
            field="policy_number",
            value=wanted,
        )
    if policy.status != PolicyState.IN_FORCE:
        raise ValidationError(
            f"Policy {policy.number} is {policy.status}; a notice needs a policy in force.",
            code=ClaimsCode.HOTLINE_NOT_IN_FORCE,
            field="policy_number",
            value=policy.number,
        )
    return policy


def _vendors(uow: ClaimsUnitOfWork, ids: Sequence[str]) -> tuple[Vendor, ...]:
    named = []
    for vendor_id in dict.fromkeys(ids):
        organisation = uow.organisations.find_by_id_unscoped(vendor_id)
        if organisation is not None and organisation.kind == OrgKind.SECURITY_PROVIDER:
            named.append(Vendor(organisation.id, organisation.name))
    return tuple(named)


def ir_panel(uow: ClaimsUnitOfWork) -> tuple[Vendor, ...]:
    """The caller's insurer's incident-response panel, by name."""
    with uow:
        return _vendors(uow, uow.claims.panel(uow.principal.tenant_id))


def claim_page(uow: ClaimsUnitOfWork, claim_id: str) -> ClaimPage:
    """Everything a claim's page shows, read in one transaction (another party's claim: 404)."""
    with uow:
        claim = uow.claims.claim(claim_id)
        me = uow.principal.tenant_id
        insurer = uow.principal.is_platform or claim.tenant_id == me
        insured = claim.client_tenant_id == me
        dispatches = tuple(uow.claims.dispatches(claim.id))
        vendor_ids = [d.vendor_tenant_id for d in dispatches]
        if insurer:
            vendor_ids += list(uow.claims.panel(claim.tenant_id))
        return ClaimPage(
            claim=claim,
            insurer=insurer,
            insured=insured,
            reserves=tuple(uow.claims.reserve_lines(claim.id)) if insurer else (),
            changes=tuple(uow.claims.reserve_changes(claim.id)) if insurer else (),
            payments=tuple(uow.claims.payments(claim.id)) if insurer or insured else (),
            recoveries=tuple(uow.claims.recoveries(claim.id)) if insurer else (),
            approvals=tuple(
                a
                for a in uow.claims.approvals(state=ApprovalState.PENDING)
                if a.claim_id == claim.id
            )
            if insurer
            else (),
            dispatches=dispatches,
            timeline=tuple(uow.claims.timeline(claim.id)),
            evidence=tuple(uow.claims.evidence(claim.id)),
            vendors=_vendors(uow, vendor_ids),
            appeals=tuple(uow.claims.appeals(claim.id)) if insurer or insured else (),
        )


@dataclass(frozen=True)
class ClaimDocuments:
    """The insured's documents of a claim: the coverage letter (承保意见书) always; the statement
    of loss (赔款计算书) and its worksheet once the claim is assessed."""

    letter: CoverageLetter
    worksheet: AdjustmentWorksheet | None
    statement: StatementOfLoss | None


def claim_documents(uow: ClaimsUnitOfWork, claim_id: str) -> ClaimDocuments:
    """The coverage letter and statement of loss of a claim, for its insurer and its insured
    (a vendor, or anyone else: 404). The position is the one the assessment stored (with the
    adjuster's rulings); before an assessment, the position from the claim's facts alone."""
    with uow:
        claim = uow.claims.claim(claim_id)
        if uow.principal.tenant_id != claim.client_tenant_id:
            claim = insurers_claim(uow, claim_id)
        policy = uow.underwriting.policy(claim.policy_id)
        spec = spec_of(uow, policy)
        position, terms = _position(uow, claim, None)
    stored = claim.worksheet
    if stored is not None and "position" in stored:
        position = CoveragePosition.from_dict(stored["position"])
    header = DocumentHeader(
        claim_reference=claim.number,
        policy_number=policy.number,
        insured_name=policy.submission.enterprise.name,
        product_name=spec.name,
        issued_on=statement_issued_on(claim)
        or claim.updated_at.astimezone(ZoneInfo("Asia/Shanghai")).date(),
        insurer_name=spec.insurer_name,
    )
    worksheet = None if stored is None else AdjustmentWorksheet.from_dict(stored)
    return ClaimDocuments(
        letter=coverage_letter(position, header=header),
        worksheet=worksheet,
        statement=None if worksheet is None else statement_of_loss(worksheet, terms, header=header),
    )
