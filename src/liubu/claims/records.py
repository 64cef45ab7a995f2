"""What claims stores, typed and frozen: the claim (报案) with its notice facts and SLA clocks,
case reserves per coverage line and every change to them, payments (an outbox the payment run
reads), recoveries, approval requests, incident-response dispatches, timeline entries and
evidence.

Records are immutable values: a use case makes a changed copy (``dataclasses.replace``) and hands
it to the repository, which writes it under the record's ``version`` (optimistic locking). Money
is ``Decimal`` CNY to the fen. Personal data (the contact's name and phone, the payee's account)
never appears here in clear: records carry only the masked form; the repository keeps the
encrypted form (see :mod:`liubu.claims.ports`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from liubu.core import mask_mobile, mask_name


class ClaimState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Channel(StrEnum):
    """How a notice reached the insurer."""

    INSURED = "insured"  # the insured enterprise itself (web, API, CLI)
    HOTLINE = "hotline"  # insurer staff entering a call to the 24/7 hotline
    PROVIDER = "provider"  # the enterprise's security provider, on its behalf


class ClaimFlag(StrEnum):
    """What a notice is flagged for (never refused for): an adjuster rules on each."""

    LATE_NOTICE = "late_notice"
    BEFORE_RETROACTIVE_DATE = "before_retroactive_date"
    REPORTED_OUTSIDE_PERIOD = "reported_outside_period"
    RESERVE_SET_BY_ADJUSTER = "reserve_set_by_adjuster"


class ReserveSource(StrEnum):
    ENGINE = "engine"  # the risk engine's expected insured loss of one event
    ADJUSTER = "adjuster"  # set (or to be set) by the adjuster


class PaymentState(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # above the requester's authority
    APPROVED = "approved"  # in the outbox: the payment run sends it
    SENT = "sent"
    DECLINED = "declined"  # the approver refused it; the reserve was restored


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ApprovalKind(StrEnum):
    RESERVE = "reserve"
    PAYMENT = "payment"


class RecoveryKind(StrEnum):
    SUBROGATION = "subrogation"  # 代位追偿, e.g. against a negligent vendor
    SALVAGE = "salvage"  # 残值


class DispatchState(StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Phase(StrEnum):
    """Incident-response phases of a timeline entry (NIST SP 800-61 style)."""

    TRIAGE = "triage"
    CONTAINMENT = "containment"
    ERADICATION = "eradication"
    RECOVERY = "recovery"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Contact:
    """Who the insurer calls back, in clear: only ever input; stored encrypted."""

    name: str
    phone: str

    def masked(self) -> tuple[str, str]:
        return mask_name(self.name), mask_mobile(self.phone)


@dataclass(frozen=True, slots=True)
class Payee:
    """Who is paid, in clear: only ever input; the account is stored encrypted."""

    name: str
    bank_account: str

    def masked(self) -> tuple[str, str]:
        account = self.bank_account
        return mask_name(self.name), "*" * max(len(account) - 4, 0) + account[-4:]


@dataclass(frozen=True, slots=True)
class Notice:
    """The facts of a first notice of loss (报案) as the reporter gives them."""

    policy_id: str
    incident_type: str
    occurred_on: date
    discovered_at: datetime
    description: str
    contact: Contact
    affected_assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Claim:
    """A claim of the insurer (``tenant_id``), seen by the insured (``client_tenant_id``) and by
    an incident-response vendor it was dispatched to."""

    id: str
    tenant_id: str
    client_tenant_id: str
    policy_id: str
    policy_number: str
    enterprise_id: str
    product_ref: str
    number: str
    incident_type: str
    state: ClaimState
    channel: Channel
    reporter_tenant_id: str
    reported_by: str
    occurred_on: date
    discovered_at: datetime
    notified_at: datetime
    description: str
    affected_assets: tuple[str, ...]
    contact_name_masked: str
    contact_phone_masked: str
    flags: tuple[ClaimFlag, ...]
    ir_contact_due: datetime
    settlement_due: datetime | None
    duplicate_key: str
    updated_at: datetime
    state_reason: str | None = None
    worksheet: dict[str, Any] | None = None  # the assessment's worksheet as JSON (the edge)
    version: int = 1

    def sla(self, now: datetime) -> dict[str, Any]:
        """Each SLA clock: its deadline, seconds remaining (negative: overdue) and breach."""
        clocks = {"ir_contact": self.ir_contact_due, "settlement": self.settlement_due}
        out: dict[str, Any] = {}
        for name, due in clocks.items():
            if due is None:
                continue
            remaining = int((due - now).total_seconds())
            out[name] = {
                "due": due.isoformat(),
                "remaining_seconds": remaining,
                "breached": remaining < 0 and self.state is ClaimState.OPEN,
            }
        return out


@dataclass(frozen=True)
class ReserveLine:
    """The case reserve of one coverage line: ``reserve`` still outstanding, ``paid`` so far.
    Incurred on the line = paid + reserve."""

    id: str
    tenant_id: str
    claim_id: str
    coverage: str
    reserve: Decimal
    paid: Decimal
    source: ReserveSource
    version: int = 1

    @property
    def incurred(self) -> Decimal:
        return self.paid + self.reserve


@dataclass(frozen=True)
class ReserveChange:
    """One change to a line's outstanding reserve, with its reason (an audit trail of its own)."""

    id: str
    tenant_id: str
    claim_id: str
    coverage: str
    kind: str  # notice | adjust | payment | payment_declined
    before: Decimal
    after: Decimal
    reason: str
    actor_id: str
    at: datetime


@dataclass(frozen=True)
class Payment:
    """A payment against a coverage line's reserve: a row of the outbox the payment run sends.
    ``request_digest`` is the SHA-256 of what was asked, so a second request with the same
    idempotency key but other content is recognised and refused."""

    id: str
    tenant_id: str
    client_tenant_id: str
    claim_id: str
    coverage: str
    amount: Decimal
    payee_name_masked: str
    payee_account_masked: str
    idempotency_key: str
    request_digest: str
    state: PaymentState
    created_at: datetime
    created_by: str
    decided_by: str | None = None
    sent_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class Recovery:
    """Money back on a claim (subrogation, salvage): reduces incurred."""

    id: str
    tenant_id: str
    claim_id: str
    kind: RecoveryKind
    amount: Decimal
    counterparty: str
    note: str
    at: datetime
    by: str


@dataclass(frozen=True)
class Approval:
    """A reserve or payment above the requester's authority, waiting for a higher level."""

    id: str
    tenant_id: str
    claim_id: str
    kind: ApprovalKind
    coverage: str
    amount: Decimal
    reason: str
    required_level: int
    state: ApprovalState
    requested_by: str
    requested_at: datetime
    payment_id: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class Dispatch:
    """An incident-response vendor sent to a claim's incident (保后救援)."""

    id: str
    tenant_id: str
    claim_id: str
    vendor_tenant_id: str
    state: DispatchState
    approved_costs: Decimal
    dispatched_by: str
    dispatched_at: datetime
    responded_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class TimelineEntry:
    id: str
    tenant_id: str
    claim_id: str
    phase: Phase
    at: datetime
    actor_id: str
    actor_tenant_id: str
    note: str


@dataclass(frozen=True)
class Evidence:
    """An uploaded piece of evidence: its content is kept encrypted, under its SHA-256."""

    id: str
    tenant_id: str
    claim_id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploader_tenant_id: str
    uploaded_at: datetime


@dataclass(frozen=True)
class TimelineView:
    """What an incident-response vendor may see of a claim."""

    claim: Claim
    dispatches: tuple[Dispatch, ...]
    entries: tuple[TimelineEntry, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class PolicyLosses:
    """What a policy's claims-fed experience row is made of, read for the policy's insurer:
    the incurred (paid + outstanding − recovered) of each claim on it, oldest notice first,
    and the day its cover was cancelled (None if it was not)."""

    policy_id: str
    insurer_tenant_id: str
    incurred: tuple[Decimal, ...]
    cancelled_on: date | None


class AppealState(StrEnum):
    """Where an appeal (申诉) against a statement of loss stands."""

    OPEN = "open"  # lodged by the insured, waiting for a re-assessment
    REASSESSED = "reassessed"  # re-assessed by staff who did not make the assessment
    DECIDED = "decided"  # decided, with written reasons


class AppealOutcome(StrEnum):
    UPHELD = "upheld"  # 申诉成立
    PARTLY_UPHELD = "partly_upheld"  # 部分成立
    DISMISSED = "dismissed"  # 不成立: the assessment stands


@dataclass(frozen=True)
class Appeal:
    """The insured's appeal against the statement of loss of a claim: the worksheet lines it
    disputes and why, the assessment under appeal (its worksheet as stored, and who made it),
    the re-assessment and the decision. Both worksheets are kept as the JSON the claim stores."""

    id: str
    tenant_id: str
    client_tenant_id: str
    claim_id: str
    state: AppealState
    lines: tuple[str, ...]  # worksheet steps as the worksheet shows them: code or code:coverage
    reasons: str
    evidence_ids: tuple[str, ...]
    lodged_by: str
    lodged_at: datetime
    statement_issued_on: date
    assessed_by: str  # the user whose assessment is under appeal
    original: dict[str, Any]
    original_payable: Decimal
    reassessment: dict[str, Any] | None = None
    reassessed_by: str | None = None
    reassessed_at: datetime | None = None
    new_payable: Decimal | None = None
    outcome: AppealOutcome | None = None
    decision_reasons: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    version: int = 1
