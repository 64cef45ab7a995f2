"""An in-memory unit of work for the claims money use cases, after cosmicpython's fake: the
working copy is kept only by ``commit``, so a use case that refuses half-way leaves nothing; the
repository scopes like the store (the insurer sees reserves and approvals; the insured sees the
claim and its payments; anyone else finds nothing)."""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Self, TypeVar

from liubu.accounts import OrgKind, Principal, Role
from liubu.claims import (
    Approval,
    ApprovalState,
    Channel,
    Claim,
    ClaimState,
    Payee,
    Payment,
    PaymentState,
    PolicyLosses,
    Recovery,
    ReserveChange,
    ReserveLine,
    ReserveSource,
)
from liubu.core import Money
from liubu.errors import ConcurrencyError, NotFoundError
from liubu.underwriting import (
    BoundTerms,
    EnterpriseSnapshot,
    OptionStatus,
    Policy,
    PricedOption,
    Submission,
)

INSURER, INSURED = "insurer", "insured"
R = TypeVar("R", Claim, ReserveLine, Approval, Payment)
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def person(tenant: str, role: Role, kind: OrgKind = OrgKind.INSURER, name: str = "") -> Principal:
    user = name or f"{tenant}-{role}"
    return Principal(user, user, tenant, kind, frozenset({role}))


@dataclass
class State:
    claims: dict[str, Claim] = field(default_factory=dict)
    lines: dict[str, ReserveLine] = field(default_factory=dict)
    changes: list[ReserveChange] = field(default_factory=list)
    approvals: dict[str, Approval] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    payees: dict[str, Payee] = field(default_factory=dict)
    recoveries: list[Recovery] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    # the claims-fed experience rows by policy number: (claims with a loss, incurred)
    experience: dict[str, tuple[int, float]] = field(default_factory=dict)


class Database:
    def __init__(self) -> None:
        self.state = State()

    def claim_with_reserve(self, coverage: str, reserve: str) -> Claim:
        claim = Claim(
            id="c1", tenant_id=INSURER, client_tenant_id=INSURED, policy_id="p1",
            policy_number="LB1", enterprise_id="e1", product_ref="shifan-pc/sme@2",
            number="LC20260000001", incident_type="ransomware", state=ClaimState.OPEN,
            channel=Channel.INSURED, reporter_tenant_id=INSURED, reported_by="u",
            occurred_on=date(2026, 5, 31), discovered_at=NOW, notified_at=NOW,
            description="x", affected_assets=(), contact_name_masked="张*三",
            contact_phone_masked="138****5678", flags=(),
            ir_contact_due=NOW + timedelta(minutes=30), settlement_due=None,
            duplicate_key="k", updated_at=NOW,
        )  # fmt: skip
        self.state.claims[claim.id] = claim
        line = ReserveLine(
            "l1", INSURER, claim.id, coverage, Decimal(reserve), Decimal(0), ReserveSource.ENGINE
        )
        self.state.lines[line.id] = line
        return claim


class _Claims:
    def __init__(self, state: State, who: Principal) -> None:
        self.s, self.who = state, who

    def _insurer(self, tenant: str) -> bool:
        return self.who.is_platform or self.who.tenant_id == tenant

    def claim(self, claim_id: str, *, lock: bool = False) -> Claim:
        found = self.s.claims.get(claim_id)
        if found is None or not (
            self._insurer(found.tenant_id) or self.who.tenant_id == found.client_tenant_id
        ):
            raise NotFoundError(f"No claim {claim_id!r}.")
        return found

    def save_claim(self, claim: Claim) -> Claim:
        return self._save(self.s.claims, claim)

    @staticmethod
    def _save(rows: dict[str, Any], item: R) -> R:
        if rows[item.id].version != item.version:
            raise ConcurrencyError("stale")
        saved = replace(item, version=item.version + 1)
        rows[item.id] = saved
        return saved

    def reserve_lines(self, claim_id: str) -> list[ReserveLine]:
        return [
            v
            for v in self.s.lines.values()
            if v.claim_id == claim_id and self._insurer(v.tenant_id)
        ]

    def save_reserve_line(self, line: ReserveLine) -> ReserveLine:
        return self._save(self.s.lines, line)

    def add_reserve_change(self, change: ReserveChange) -> None:
        self.s.changes.append(change)

    def add_approval(self, approval: Approval) -> None:
        self.s.approvals[approval.id] = approval

    def approval(self, approval_id: str) -> Approval:
        found = self.s.approvals.get(approval_id)
        if found is None or not self._insurer(found.tenant_id):
            raise NotFoundError(f"No approval {approval_id!r}.")
        return found

    def approvals(self, *, state: ApprovalState | None = None) -> list[Approval]:
        return [
            a
            for a in self.s.approvals.values()
            if self._insurer(a.tenant_id) and (state is None or a.state == state)
        ]

    def save_approval(self, approval: Approval) -> Approval:
        return self._save(self.s.approvals, approval)

    def payment_by_key(self, tenant_id: str, key: str) -> Payment | None:
        return next(
            (
                p
                for p in self.s.payments.values()
                if (p.tenant_id, p.idempotency_key) == (tenant_id, key)
            ),
            None,
        )

    def payment(self, payment_id: str) -> Payment:
        return self.s.payments[payment_id]

    def payments(self, claim_id: str) -> list[Payment]:
        return [p for p in self.s.payments.values() if p.claim_id == claim_id]

    def payments_of(self, claim_ids: Collection[str]) -> list[Payment]:
        return [p for i in claim_ids for p in self.payments(i)]

    def reserve_lines_of(self, claim_ids: Collection[str]) -> list[ReserveLine]:
        return [line for i in claim_ids for line in self.reserve_lines(i)]

    def recoveries_of(self, claim_ids: Collection[str]) -> list[Recovery]:
        return [r for i in claim_ids for r in self.recoveries(i)]

    def payments_to_send(self, *, limit: int) -> list[Payment]:
        return [p for p in self.s.payments.values() if p.state == PaymentState.APPROVED][:limit]

    def add_payment(self, payment: Payment, payee: Payee) -> None:
        self.s.payments[payment.id] = payment
        self.s.payees[payment.id] = payee

    def save_payment(self, payment: Payment) -> Payment:
        return self._save(self.s.payments, payment)

    def add_recovery(self, recovery: Recovery) -> None:
        self.s.recoveries.append(recovery)

    def recoveries(self, claim_id: str) -> list[Recovery]:
        return [r for r in self.s.recoveries if r.claim_id == claim_id]

    def policy_losses(self, policy_id: str) -> PolicyLosses:
        """Incurred per claim: paid + outstanding on its lines, less recoveries."""
        incurred = tuple(
            sum(
                (v.paid + v.reserve for v in self.s.lines.values() if v.claim_id == c.id),
                Decimal(0),
            )
            - sum((r.amount for r in self.s.recoveries if r.claim_id == c.id), Decimal(0))
            for c in self.s.claims.values()
            if c.policy_id == policy_id
        )
        return PolicyLosses(policy_id, INSURER, incurred, None)


class _Underwriting:
    """The one policy the fake's claims are on: a year's cover from 2026-01-01."""

    def policy(self, policy_id: str) -> Policy:
        facts = EnterpriseSnapshot(
            None, "测试企业", "91320500MA0000001X", "I", "320500", revenue=Decimal(50_000_000)
        )
        option = PricedOption(
            "shifan-pc/sme@2", "shifan-pc", "SME", OptionStatus.AUTO, None,
            limit=Money(Decimal(1_000_000)), retention=Money(Decimal(10_000)),
            filed_premium=Money(Decimal(1)),
        )  # fmt: skip
        return Policy(
            id=policy_id, tenant_id=INSURER, client_tenant_id=INSURED, number="LB1",
            quote_id="q", enterprise_id="e1", product_ref="shifan-pc/sme@2",
            limit=Decimal(1_000_000), retention=Decimal(10_000), annual_premium=Decimal(1),
            period_start=date(2026, 1, 1), period_end=date(2027, 1, 1), status="in_force",
            submission=Submission(enterprise=facts, score=70.0, grade="B"),
            terms=BoundTerms(option, 0), created_at=datetime(2026, 1, 1, tzinfo=UTC),
        )  # fmt: skip


class _Experience:
    def __init__(self, state: State) -> None:
        self.s = state

    def feed_rows(self, data: Any, *, policy_ids: Any, **_: object) -> str:
        for number in policy_ids:
            self.s.experience.pop(number, None)
        for i, number in enumerate(data.policy_id):
            self.s.experience[str(number)] = (
                int(data.claim_count[i]),
                float(data.incurred_loss[i]),
            )
        return "batch"


class _Audit:
    def __init__(self, events: list[str]) -> None:
        self.events = events

    def record(self, action: str, **_: object) -> None:
        self.events.append(action)


class FakeClaimsUnitOfWork:
    def __init__(self, who: Principal, db: Database) -> None:
        self.principal, self.db = who, db
        self.commits, self._depth = 0, 0
        self._begin()

    def _begin(self) -> None:
        self.working = copy.deepcopy(self.db.state)
        self.claims = _Claims(self.working, self.principal)
        self.audit = _Audit(self.working.events)
        self.underwriting = _Underwriting()
        self.experience = _Experience(self.working)

    def __enter__(self) -> Self:
        self._depth += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._begin()

    def commit(self) -> None:
        self.db.state = copy.deepcopy(self.working)
        self.commits += 1
