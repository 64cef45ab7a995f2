"""Use cases of a claim's money: case reserves and the adjuster's authority, approvals,
exactly-once payments, the payment run, recoveries, closing and reopening.

**Exactly once.** A payment is one row of an outbox (``claim_payments``) written in the *same*
transaction as the reserve change it makes (outstanding − amount, paid + amount) and its audit
event, after locking the claim's row. Its idempotency key is unique per insurer, so:

- a request repeated (a retry, a double click, two at once) finds the first payment under the
  lock and returns it; content that differs under the same key is refused (409);
- a process killed at any point before the commit leaves nothing; after it, the payment exists
  and a re-run with the same key returns it — never a second payment;
- :func:`run_payments` later marks each approved row sent, one version-checked update per row;
  the transfer it stands for carries the payment's id as its end-to-end reference, so a bank
  refuses the same transfer twice even if the run is killed between sending and marking.

**Authority.** An adjuster's reserve and payment limits come from ``data/authority.yaml``. A
reserve above them becomes an approval request (the line keeps its reserve until approved); a
payment above them is written, earmarked against the reserve, but held ``awaiting_approval``
(the payment run does not see it) until a higher level approves — or declines, which restores
the reserve.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
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
from liubu.claims.authority import authority_of, level_for
from liubu.claims.ports import ClaimsUnitOfWork
from liubu.claims.reasons import ClaimsCode
from liubu.claims.records import (
    Approval,
    ApprovalKind,
    ApprovalState,
    Claim,
    ClaimState,
    Payee,
    Payment,
    PaymentState,
    Recovery,
    RecoveryKind,
    ReserveChange,
    ReserveLine,
    ReserveSource,
)
from liubu.claims.service_experience import feed_policy
from liubu.errors import ConflictError, PermissionDeniedError, ValidationError

MAX_KEY = 100


@dataclass(frozen=True)
class ReserveOutcome:
    """The line as it now stands, and the approval request if the amount needs one."""

    line: ReserveLine
    approval: Approval | None


@dataclass(frozen=True)
class PaymentOutcome:
    """The payment; ``repeated`` when an earlier request with the same key made it."""

    payment: Payment
    repeated: bool
    approval: Approval | None = None


def _insurer(claim: Claim) -> str:
    """The insurer's code, the first part of the product reference (``insurer/code@v``)."""
    return claim.product_ref.split("/", 1)[0]


def _incurred_moved(uow: ClaimsUnitOfWork, claim: Claim) -> None:
    """The claim's incurred changed in this transaction: its policy's experience row follows
    (the one call every money use case makes; see :mod:`liubu.claims.service_experience`)."""
    feed_policy(uow, uow.underwriting.policy(claim.policy_id))


def _line(uow: ClaimsUnitOfWork, claim: Claim, coverage: str) -> ReserveLine:
    for line in uow.claims.reserve_lines(claim.id):
        if line.coverage == coverage:
            return line
    raise ValidationError(
        f"Claim {claim.number} has no reserve line {coverage!r}.",
        code=ClaimsCode.NO_RESERVE_LINE,
        field="coverage",
        value=coverage[:64],
    )


def _change(
    uow: ClaimsUnitOfWork, line: ReserveLine, after: Decimal, *, kind: str, reason: str
) -> ReserveChange:
    change = ReserveChange(
        new_id(),
        line.tenant_id,
        line.claim_id,
        line.coverage,
        kind,
        line.reserve,
        after,
        reason,
        uow.principal.user_id,
        now(),
    )
    uow.claims.add_reserve_change(change)
    return change


def _apply_reserve(
    uow: ClaimsUnitOfWork, line: ReserveLine, amount: Decimal, reason: str
) -> ReserveLine:
    _change(uow, line, amount, kind="adjust", reason=reason)
    saved = uow.claims.save_reserve_line(
        replace(line, reserve=amount, source=ReserveSource.ADJUSTER)
    )
    uow.audit.record(
        "claims.reserve_set",
        entity_type="claim_reserves",
        entity_id=line.id,
        tenant_id=line.tenant_id,
        after={
            "coverage": line.coverage,
            "before": str(line.reserve),
            "after": str(amount),
            "reason": reason,
        },
    )
    return saved


@committed
def set_reserve(
    uow: ClaimsUnitOfWork, claim_id: str, *, coverage: str, amount: Decimal, reason: str
) -> ReserveOutcome:
    """The adjuster sets a line's outstanding reserve, with a reason; above their authority it
    becomes an approval request and the line is left as it was."""
    require_adjuster(uow.principal)
    claim = insurers_claim(uow, claim_id, lock=True)
    require_open(claim)
    return reserve_claim_line(uow, claim, coverage=coverage, amount=amount, reason=reason)


def reserve_claim_line(
    uow: ClaimsUnitOfWork, claim: Claim, *, coverage: str, amount: Decimal, reason: str
) -> ReserveOutcome:
    """The body of :func:`set_reserve` on a claim already locked and checked open, inside the
    caller's transaction (an appeal's decision moves reserves this way: one money path)."""
    require_adjuster(uow.principal)
    value = checked_amount(amount, positive=False)
    why = text(reason, field="reason")
    line = _line(uow, claim, coverage)
    if authority_of(uow.principal, _insurer(claim)).allows_reserve(value):
        saved = _apply_reserve(uow, line, value, why)
        _incurred_moved(uow, claim)
        return ReserveOutcome(saved, None)
    approval = _request(uow, claim, ApprovalKind.RESERVE, coverage, value, why, reserve=value)
    return ReserveOutcome(line, approval)


def _request(
    uow: ClaimsUnitOfWork,
    claim: Claim,
    kind: ApprovalKind,
    coverage: str,
    value: Decimal,
    reason: str,
    *,
    reserve: Decimal | None = None,
    payment: Payment | None = None,
) -> Approval:
    approval = Approval(
        id=new_id(),
        tenant_id=claim.tenant_id,
        claim_id=claim.id,
        kind=kind,
        coverage=coverage,
        amount=value,
        reason=reason,
        required_level=level_for(
            _insurer(claim), reserve=reserve, payment=None if payment is None else value
        ),
        state=ApprovalState.PENDING,
        requested_by=uow.principal.user_id,
        requested_at=now(),
        payment_id=None if payment is None else payment.id,
    )
    uow.claims.add_approval(approval)
    uow.audit.record(
        "claims.approval_requested",
        entity_type="claim_approvals",
        entity_id=approval.id,
        tenant_id=claim.tenant_id,
        after={
            "kind": str(kind),
            "coverage": coverage,
            "amount": str(value),
            "required_level": approval.required_level,
        },
    )
    return approval


@committed
def decide_approval(
    uow: ClaimsUnitOfWork, approval_id: str, *, approve: bool, reason: str
) -> Approval:
    """A higher level approves or declines a reserve or payment above the requester's
    authority. Approving applies the reserve, or releases the payment to the payment run;
    declining a payment restores the reserve it had earmarked."""
    require(
        uow.principal, Role.ADMIN, Role.CLAIMS_ADJUSTER, kinds=[OrgKind.INSURER, OrgKind.PLATFORM]
    )
    approval = uow.claims.approval(approval_id)
    if approval.state is not ApprovalState.PENDING:
        raise ConflictError(
            f"The approval request is already {approval.state}.", code=ClaimsCode.APPROVAL_DECIDED
        )
    if approval.requested_by == uow.principal.user_id:
        raise PermissionDeniedError(
            "You cannot decide your own request.", code=ClaimsCode.SELF_APPROVAL
        )
    claim = insurers_claim(uow, approval.claim_id, lock=True)
    authority = authority_of(uow.principal, _insurer(claim))
    if authority.level < approval.required_level:
        raise PermissionDeniedError(
            f"This request needs authority level {approval.required_level}; yours is "
            f"{authority.level}.",
            code=ClaimsCode.BEYOND_AUTHORITY,
        )
    why = text(reason, field="reason")
    if approval.kind is ApprovalKind.RESERVE and approve:
        require_open(claim)
        _apply_reserve(uow, _line(uow, claim, approval.coverage), approval.amount, why)
    elif approval.kind is ApprovalKind.PAYMENT:
        assert approval.payment_id is not None
        payment = uow.claims.payment(approval.payment_id)
        if approve:
            state = PaymentState.APPROVED
        else:
            state = PaymentState.DECLINED
            line = _line(uow, claim, payment.coverage)
            _change(uow, line, line.reserve + payment.amount, kind="payment_declined", reason=why)
            uow.claims.save_reserve_line(
                replace(
                    line, reserve=line.reserve + payment.amount, paid=line.paid - payment.amount
                )
            )
        uow.claims.save_payment(replace(payment, state=state, decided_by=uow.principal.user_id))
    if approve is (approval.kind is ApprovalKind.RESERVE):  # a reserve applied, a payment undone
        _incurred_moved(uow, claim)
    decided = uow.claims.save_approval(
        replace(
            approval,
            state=ApprovalState.APPROVED if approve else ApprovalState.DECLINED,
            decided_by=uow.principal.user_id,
            decided_at=now(),
        )
    )
    uow.audit.record(
        "claims.approval_decided",
        entity_type="claim_approvals",
        entity_id=approval.id,
        tenant_id=approval.tenant_id,
        after={"approved": approve, "reason": why},
    )
    return decided


def approvals(uow: ClaimsUnitOfWork, *, pending_only: bool = True) -> list[Approval]:
    """The insurer's approval requests, oldest first."""
    with uow:
        require_adjuster(uow.principal)
        return list(uow.claims.approvals(state=ApprovalState.PENDING if pending_only else None))


def request_digest(claim_id: str, coverage: str, value: Decimal, payee: Payee) -> str:
    """SHA-256 of what a payment request asks: the same key must always ask the same."""
    body = json.dumps(
        [claim_id, coverage, str(value), payee.name.strip(), payee.bank_account.strip()],
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _payee(payee: Payee) -> Payee:
    name = text(payee.name, field="payee.name", limit=100)
    account = text(payee.bank_account, field="payee.bank_account", limit=34)
    if not account.replace(" ", "").isalnum():
        raise ValidationError(
            "The bank account may hold only letters, digits and spaces.",
            field="payee.bank_account",
        )
    return Payee(name, account)


@committed
def pay(
    uow: ClaimsUnitOfWork,
    claim_id: str,
    *,
    coverage: str,
    amount: Decimal,
    payee: Payee,
    idempotency_key: str,
) -> PaymentOutcome:
    """Pay ``amount`` on a coverage line, exactly once per ``idempotency_key`` (module doc):
    only against the line's outstanding reserve; above the caller's authority it waits for
    approval."""
    require_adjuster(uow.principal)
    key = text(idempotency_key, field="idempotency_key", limit=MAX_KEY)
    value = checked_amount(amount)
    payee = _payee(payee)
    # The claim's row lock first: a concurrent request with the same key waits here, then finds
    # the payment the first one committed.
    claim = insurers_claim(uow, claim_id, lock=True)
    digest = request_digest(claim.id, coverage, value, payee)
    earlier = uow.claims.payment_by_key(claim.tenant_id, key)
    if earlier is not None:
        if earlier.request_digest != digest:
            raise ConflictError(
                f"The idempotency key {key!r} was used for a different payment "
                f"({earlier.amount} CNY on {earlier.coverage}, claim {earlier.claim_id}).",
                code=ClaimsCode.KEY_REUSED,
            )
        return PaymentOutcome(earlier, repeated=True)
    require_open(claim)
    line = _line(uow, claim, coverage)
    if value > line.reserve:
        raise ValidationError(
            f"The payment of {value} CNY exceeds the outstanding reserve of {line.reserve} CNY "
            f"on {coverage}; raise the reserve first.",
            code=ClaimsCode.ABOVE_RESERVE,
            field="amount",
            value=str(value),
        )
    within = authority_of(uow.principal, _insurer(claim)).allows_payment(value)
    name_masked, account_masked = payee.masked()
    payment = Payment(
        id=new_id(),
        tenant_id=claim.tenant_id,
        client_tenant_id=claim.client_tenant_id,
        claim_id=claim.id,
        coverage=coverage,
        amount=value,
        payee_name_masked=name_masked,
        payee_account_masked=account_masked,
        idempotency_key=key,
        request_digest=digest,
        state=PaymentState.APPROVED if within else PaymentState.AWAITING_APPROVAL,
        created_at=now(),
        created_by=uow.principal.user_id,
    )
    uow.claims.add_payment(payment, payee)
    _change(uow, line, line.reserve - value, kind="payment", reason=f"Payment {payment.id}.")
    uow.claims.save_reserve_line(
        replace(line, reserve=line.reserve - value, paid=line.paid + value)
    )
    uow.audit.record(
        "claims.payment_requested",
        entity_type="claim_payments",
        entity_id=payment.id,
        tenant_id=claim.tenant_id,
        after={
            "claim": claim.number,
            "coverage": coverage,
            "amount": str(value),
            "state": str(payment.state),
        },
    )
    _incurred_moved(uow, claim)
    approval = None
    if not within:
        approval = _request(
            uow,
            claim,
            ApprovalKind.PAYMENT,
            coverage,
            value,
            f"Payment {payment.id}.",
            payment=payment,
        )
    return PaymentOutcome(payment, repeated=False, approval=approval)


@committed
def run_payments(uow: ClaimsUnitOfWork, *, limit: int = 100) -> list[Payment]:
    """The payment run: mark each approved payment of the outbox sent (oldest first)."""
    require_adjuster(uow.principal)
    sent = []
    for payment in uow.claims.payments_to_send(limit=limit):
        done = uow.claims.save_payment(replace(payment, state=PaymentState.SENT, sent_at=now()))
        uow.audit.record(
            "claims.payment_sent",
            entity_type="claim_payments",
            entity_id=payment.id,
            tenant_id=payment.tenant_id,
            after={"amount": str(payment.amount), "reference": payment.id},
        )
        sent.append(done)
    return sent


@committed
def record_recovery(
    uow: ClaimsUnitOfWork,
    claim_id: str,
    *,
    kind: str,
    amount: Decimal,
    counterparty: str,
    note: str,
) -> Recovery:
    """Money recovered (subrogation against a vendor, salvage): reduces the claim's incurred.
    It cannot exceed what was paid less what was recovered already."""
    require_adjuster(uow.principal)
    claim = insurers_claim(uow, claim_id, lock=True)
    try:
        recovery_kind = RecoveryKind(kind)
    except ValueError as error:
        raise ValidationError(
            f"A recovery is subrogation or salvage; got {kind!r}.", field="kind", value=kind[:32]
        ) from error
    value = checked_amount(amount)
    paid = sum((line.paid for line in uow.claims.reserve_lines(claim.id)), Decimal(0))
    recovered = sum((r.amount for r in uow.claims.recoveries(claim.id)), Decimal(0))
    if value > paid - recovered:
        raise ValidationError(
            f"The recovery of {value} CNY exceeds what is paid and not yet recovered "
            f"({paid - recovered} CNY).",
            code=ClaimsCode.BAD_RECOVERY,
            field="amount",
            value=str(value),
        )
    recovery = Recovery(
        new_id(),
        claim.tenant_id,
        claim.id,
        recovery_kind,
        value,
        text(counterparty, field="counterparty", limit=200),
        text(note, field="note", required=False),
        now(),
        uow.principal.user_id,
    )
    uow.claims.add_recovery(recovery)
    uow.audit.record(
        "claims.recovery_recorded",
        entity_type="claim_recoveries",
        entity_id=recovery.id,
        tenant_id=claim.tenant_id,
        after={"kind": str(recovery_kind), "amount": str(value)},
    )
    _incurred_moved(uow, claim)
    return recovery


@committed
def close(uow: ClaimsUnitOfWork, claim_id: str, *, reason: str) -> Claim:
    """Close a claim with a reason: what is still reserved is released (a reserve change per
    line); refused while an approval request is pending on it."""
    require_adjuster(uow.principal)
    claim = insurers_claim(uow, claim_id, lock=True)
    require_open(claim)
    why = text(reason, field="reason")
    if any(a.claim_id == claim.id for a in uow.claims.approvals(state=ApprovalState.PENDING)):
        raise ConflictError(
            f"Claim {claim.number} has a pending approval request; decide it first.",
            code=ClaimsCode.APPROVAL_DECIDED,
        )
    for line in uow.claims.reserve_lines(claim.id):
        if line.reserve:
            _change(uow, line, Decimal("0.00"), kind="close", reason=why)
            uow.claims.save_reserve_line(replace(line, reserve=Decimal("0.00")))
    return _set_state(uow, claim, ClaimState.CLOSED, why, "claims.closed")


@committed
def reopen(uow: ClaimsUnitOfWork, claim_id: str, *, reason: str) -> Claim:
    """Reopen a closed claim with a reason (its reserves stay at zero until set again)."""
    require_adjuster(uow.principal)
    claim = insurers_claim(uow, claim_id, lock=True)
    if claim.state is ClaimState.OPEN:
        raise ConflictError(f"Claim {claim.number} is open.", code=ClaimsCode.CLAIM_OPEN)
    return _set_state(uow, claim, ClaimState.OPEN, text(reason, field="reason"), "claims.reopened")


def _set_state(
    uow: ClaimsUnitOfWork, claim: Claim, state: ClaimState, reason: str, action: str
) -> Claim:
    saved = uow.claims.save_claim(
        replace(claim, state=state, state_reason=reason, updated_at=now())
    )
    uow.audit.record(
        action,
        entity_type="claims",
        entity_id=claim.id,
        tenant_id=claim.tenant_id,
        after={"state": str(state), "reason": reason},
    )
    _incurred_moved(uow, saved)
    return saved
