"""Use cases of the first notice of loss (报案) and of reading claims: notify, the adjuster's
queue with its SLA clocks, one claim with its money.

Who may notify (the channel follows from who the caller is):

- the insured enterprise's users, on their own policy (channel ``insured``);
- the insurer's claims staff entering a call to the 24/7 hotline (channel ``hotline``);
- a security provider on the enterprise's behalf (channel ``provider``), only where the
  enterprise authorised it: the enterprise assigned it work (a service task, 保中服务) — the one
  relationship between an enterprise and a provider the platform records with the enterprise's
  consent. Any other provider finds no such policy (404).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from liubu.accounts import OrgKind, Principal, Role, new_id, require
from liubu.claims._common import INSURER_KINDS, committed, now, text
from liubu.claims.notice import Cover, check_notice
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.claims.records import (
    Channel,
    Claim,
    ClaimFlag,
    ClaimState,
    Notice,
    Payment,
    Recovery,
    ReserveChange,
    ReserveLine,
    ReserveSource,
)
from liubu.claims.reserving_at_notice import opening_reserves
from liubu.claims.service_experience import feed_policy
from liubu.claims.vocabulary import incident_type
from liubu.errors import ValidationError
from liubu.products import ProductSpec, find_product, parse_product
from liubu.underwriting import Policy, PolicyState

NOTIFIERS = (Role.ENTERPRISE_USER, Role.CLAIMS_ADJUSTER, Role.SECURITY_ANALYST, Role.ADMIN)
_NOTIFIER_KINDS = (OrgKind.ENTERPRISE, OrgKind.INSURER, OrgKind.SECURITY_PROVIDER, OrgKind.PLATFORM)
MAX_ASSETS = 50
MAX_VIEWS = 500  # the claims a queue lists (queue's default limit)


@dataclass(frozen=True)
class NoticeResult:
    """The claim a notice opened, or — ``duplicate`` — the one an earlier identical notice
    opened (same policy, loss date, incident type and reporter)."""

    claim: Claim
    duplicate: bool


@dataclass(frozen=True)
class ClaimView:
    """A claim with what the caller may see of its money (the insurer: everything; the insured:
    payments; a vendor: nothing) and the totals: incurred = paid + outstanding − recovered."""

    claim: Claim
    reserves: tuple[ReserveLine, ...]
    payments: tuple[Payment, ...]
    recoveries: tuple[Recovery, ...]

    @property
    def paid(self) -> Decimal:
        return sum((line.paid for line in self.reserves), Decimal("0.00"))

    @property
    def outstanding(self) -> Decimal:
        return sum((line.reserve for line in self.reserves), Decimal("0.00"))

    @property
    def recovered(self) -> Decimal:
        return sum((r.amount for r in self.recoveries), Decimal("0.00"))

    @property
    def incurred(self) -> Decimal:
        return self.paid + self.outstanding - self.recovered


def _channel(principal: Principal) -> Channel:
    if principal.org_kind is OrgKind.ENTERPRISE:
        return Channel.INSURED
    if principal.org_kind is OrgKind.SECURITY_PROVIDER:
        return Channel.PROVIDER
    return Channel.HOTLINE


def _policy(uow: ClaimsUnitOfWork, policy_id: str, channel: Channel) -> Policy:
    if channel is Channel.PROVIDER:
        return uow.claims.policy_for_provider(policy_id)
    policy = uow.underwriting.policy(policy_id)  # the insurer's and the insured's only
    if channel is Channel.HOTLINE and not uow.principal.is_platform:
        require(uow.principal, Role.CLAIMS_ADJUSTER, Role.ADMIN, kinds=INSURER_KINDS)
    return policy


def spec_of(uow: ClaimsUnitOfWork, policy: Policy) -> ProductSpec:
    record = find_product(uow, policy.product_ref)
    return parse_product(record.document, source=record.product_ref)


def _cover(uow: ClaimsUnitOfWork, policy: Policy) -> Cover:
    cancelled_on: date | None = None
    if policy.status == PolicyState.CANCELLED:
        ends = [e.effective for e in uow.underwriting.events(policy.id) if e.kind == "cancel"]
        cancelled_on = min(ends) if ends else policy.period_start
    return Cover(policy.number, policy.period_start, policy.period_end, cancelled_on)


def duplicate_key(notice: Notice, reporter_tenant_id: str) -> str:
    """SHA-256 of (policy, loss date, incident type, reporting organisation)."""
    parts = (notice.policy_id, notice.occurred_on.isoformat(), notice.incident_type)
    return hashlib.sha256("\x1f".join((*parts, reporter_tenant_id)).encode()).hexdigest()


def _checked(notice: Notice) -> Notice:
    incident_type(notice.incident_type)
    if notice.discovered_at.tzinfo is None:
        raise ValidationError(
            "Give the discovery time with its UTC offset.",
            field="discovered_at",
            value=notice.discovered_at.isoformat(),
        )
    if len(notice.affected_assets) > MAX_ASSETS:
        raise ValidationError(
            f"Name at most {MAX_ASSETS} affected assets.",
            field="affected_assets",
            value=len(notice.affected_assets),
        )
    for index, asset in enumerate(notice.affected_assets):
        text(asset, field=f"affected_assets[{index}]", limit=200)
    text(notice.description, field="description")
    text(notice.contact.name, field="contact.name", limit=64)
    phone = text(notice.contact.phone, field="contact.phone", limit=32)
    if not all(ch.isdigit() or ch in "+- " for ch in phone):
        raise ValidationError(
            "The contact phone may hold only digits, spaces, '+' and '-'.",
            field="contact.phone",
            value=phone[:32],
        )
    return notice


@committed
def notify(uow: ClaimsUnitOfWork, notice: Notice) -> NoticeResult:
    """Open a claim from a first notice of loss, with its flags, SLA clocks and the case reserves
    the risk engine gives; an identical earlier notice is returned instead (``duplicate``)."""
    require(uow.principal, *NOTIFIERS, kinds=_NOTIFIER_KINDS)
    notice = _checked(notice)
    channel = _channel(uow.principal)
    policy = _policy(uow, notice.policy_id, channel)
    reporter = uow.principal.tenant_id
    key = duplicate_key(notice, reporter)
    earlier = uow.claims.find_duplicate(policy.tenant_id, key)
    if earlier is not None:
        return NoticeResult(earlier, duplicate=True)
    spec = spec_of(uow, policy)
    at = now()
    checked = check_notice(
        spec,
        _cover(uow, policy),
        occurred_on=notice.occurred_on,
        discovered_at=notice.discovered_at,
        notified_at=at,
    )
    lines = opening_reserves(spec, policy, notice.incident_type)
    flags = list(checked.flags)
    if not any(line.source is ReserveSource.ENGINE for line in lines):
        flags.append(ClaimFlag.RESERVE_SET_BY_ADJUSTER)
    serial = uow.claims.next_number(policy.tenant_id)
    name_masked, phone_masked = notice.contact.masked()
    claim = Claim(
        id=new_id(),
        tenant_id=policy.tenant_id,
        client_tenant_id=policy.client_tenant_id,
        policy_id=policy.id,
        policy_number=policy.number,
        enterprise_id=policy.enterprise_id,
        product_ref=policy.product_ref,
        number=f"LC{at.year}{serial:07d}",
        incident_type=notice.incident_type,
        state=ClaimState.OPEN,
        channel=channel,
        reporter_tenant_id=reporter,
        reported_by=uow.principal.user_id,
        occurred_on=notice.occurred_on,
        discovered_at=notice.discovered_at,
        notified_at=at,
        description=notice.description.strip(),
        affected_assets=tuple(a.strip() for a in notice.affected_assets),
        contact_name_masked=name_masked,
        contact_phone_masked=phone_masked,
        flags=tuple(flags),
        ir_contact_due=checked.ir_contact_due,
        settlement_due=checked.settlement_due,
        duplicate_key=key,
        updated_at=at,
    )
    uow.claims.add_claim(claim, notice.contact)
    for opening in lines:
        _open_line(uow, claim, opening.coverage, opening.amount, opening.source)
    uow.audit.record(
        "claims.notified",
        entity_type="claims",
        entity_id=claim.id,
        tenant_id=claim.tenant_id,
        after={
            "number": claim.number,
            "policy_id": claim.policy_id,
            "incident_type": claim.incident_type,
            "channel": str(channel),
            "flags": [str(f) for f in claim.flags],
            "reserves": {line.coverage: str(line.amount) for line in lines},
        },
    )
    feed_policy(uow, policy)
    return NoticeResult(claim, duplicate=False)


def _open_line(
    uow: ClaimsUnitOfWork, claim: Claim, coverage: str, amount: Decimal, source: ReserveSource
) -> None:
    uow.claims.add_reserve_line(
        ReserveLine(new_id(), claim.tenant_id, claim.id, coverage, amount, Decimal("0.00"), source)
    )
    reason = (
        "Opened at notice: the risk engine's expected insured loss of one event."
        if source is ReserveSource.ENGINE
        else "Opened at notice at zero: to be set by the adjuster."
    )
    uow.claims.add_reserve_change(
        ReserveChange(
            new_id(),
            claim.tenant_id,
            claim.id,
            coverage,
            "notice",
            Decimal("0.00"),
            amount,
            reason,
            uow.principal.user_id,
            claim.notified_at,
        )
    )


def queue(uow: ClaimsUnitOfWork, *, state: str | None = "open", limit: int = 500) -> list[Claim]:
    """The claims the caller sees, soonest incident-response deadline first (the adjuster's
    queue; :meth:`Claim.sla` gives each clock's remaining time and breach)."""
    with uow:
        return list(uow.claims.claims(state=state, limit=limit))


def claim_view(uow: ClaimsUnitOfWork, claim_id: str) -> ClaimView:
    """One claim and what the caller may see of its money."""
    with uow:
        claim = uow.claims.claim(claim_id)
        me = uow.principal.tenant_id
        insurer = uow.principal.is_platform or claim.tenant_id == me
        party = insurer or claim.client_tenant_id == me
        return ClaimView(
            # the assessment is the insurer's and the insured's, not a vendor's
            claim=claim if party else replace(claim, worksheet=None),
            reserves=tuple(uow.claims.reserve_lines(claim.id)) if insurer else (),
            payments=tuple(uow.claims.payments(claim.id)) if party else (),
            recoveries=tuple(uow.claims.recoveries(claim.id)) if insurer else (),
        )


def claim_views(uow: ClaimsUnitOfWork, listed: Sequence[Claim]) -> dict[str, ClaimView]:
    """The views of claims the caller has listed (a queue), by claim id: what
    :func:`claim_view` gives each, read in three queries instead of four a claim."""
    if len(listed) > MAX_VIEWS:
        raise ValidationError(
            f"Read the money of at most {MAX_VIEWS} claims at a time.",
            field="claims",
            value=len(listed),
        )
    with uow:
        me = uow.principal.tenant_id
        ids = [c.id for c in listed]
        insurer_of = {c.id for c in listed if uow.principal.is_platform or c.tenant_id == me}
        party_to = {c.id for c in listed if c.id in insurer_of or c.client_tenant_id == me}
        reserves: dict[str, list[ReserveLine]] = {i: [] for i in ids}
        payments: dict[str, list[Payment]] = {i: [] for i in ids}
        recoveries: dict[str, list[Recovery]] = {i: [] for i in ids}
        for line in uow.claims.reserve_lines_of(insurer_of) if insurer_of else ():
            reserves[line.claim_id].append(line)
        for payment in uow.claims.payments_of(party_to) if party_to else ():
            payments[payment.claim_id].append(payment)
        for recovery in uow.claims.recoveries_of(insurer_of) if insurer_of else ():
            recoveries[recovery.claim_id].append(recovery)
        return {
            c.id: ClaimView(
                claim=c if c.id in party_to else replace(c, worksheet=None),
                reserves=tuple(reserves[c.id]),
                payments=tuple(payments[c.id]),
                recoveries=tuple(recoveries[c.id]),
            )
            for c in listed
        }


def claim_document(view: ClaimView, *, at: Any = None) -> dict[str, Any]:
    """The JSON of a claim view (the API and the CLI show the same)."""
    claim = view.claim
    return {
        "id": claim.id,
        "number": claim.number,
        "policy_id": claim.policy_id,
        "policy_number": claim.policy_number,
        "product_ref": claim.product_ref,
        "incident_type": claim.incident_type,
        "state": str(claim.state),
        "state_reason": claim.state_reason,
        "channel": str(claim.channel),
        "occurred_on": claim.occurred_on.isoformat(),
        "discovered_at": claim.discovered_at.isoformat(),
        "notified_at": claim.notified_at.isoformat(),
        "description": claim.description,
        "affected_assets": list(claim.affected_assets),
        "contact": {"name": claim.contact_name_masked, "phone": claim.contact_phone_masked},
        "flags": [str(f) for f in claim.flags],
        "sla": claim.sla(at or now()),
        "reserves": [
            {
                "coverage": line.coverage,
                "reserve": str(line.reserve),
                "paid": str(line.paid),
                "source": str(line.source),
            }
            for line in view.reserves
        ],
        "payments": [payment_document(p) for p in view.payments],
        "recoveries": [
            {"kind": str(r.kind), "amount": str(r.amount), "counterparty": r.counterparty}
            for r in view.recoveries
        ],
        "totals": {
            "paid": str(view.paid),
            "outstanding": str(view.outstanding),
            "recovered": str(view.recovered),
            "incurred": str(view.incurred),
        },
        "worksheet": claim.worksheet,
        "version": claim.version,
    }


def payment_document(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "claim_id": payment.claim_id,
        "coverage": payment.coverage,
        "amount": str(payment.amount),
        "payee": {"name": payment.payee_name_masked, "account": payment.payee_account_masked},
        "idempotency_key": payment.idempotency_key,
        "state": str(payment.state),
        "created_at": payment.created_at.isoformat(),
        "sent_at": None if payment.sent_at is None else payment.sent_at.isoformat(),
    }
