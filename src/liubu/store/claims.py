"""Storage of claims (:class:`liubu.claims.ports.ClaimsRepository`) with SQLAlchemy Core.

Claims records are frozen values, so they are written with explicit statements rather than
mapped: an update names the version it read (``WHERE version = :read``) and raises the version,
so of two writers exactly one wins (the other gets ConcurrencyError).

Visibility is decided here, never in a route:

- a claim: the insurer (``tenant_id``), the insured (``client_tenant_id``), the organisation
  that reported it (a security provider on the insured's behalf), and a vendor with a dispatch
  on it that it has not declined; the platform operator sees all;
- reserves, their changes, approvals and recoveries: the insurer only;
- payments: the insurer and the insured (never a vendor);
- dispatches, timeline and evidence: whoever sees the claim.

Anything else is reported absent (NotFoundError → 404), not forbidden. Personal data is handed in
clear and stored only as AES-GCM tokens (``liubu.core.PersonalDataCipher``; the field name is the
associated data) beside its masked form; evidence content is encrypted the same way (base64 of
the bytes under the field ``claim_evidence``).
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from liubu.accounts import Principal
from liubu.claims import (
    Appeal,
    AppealOutcome,
    AppealState,
    Approval,
    ApprovalKind,
    ApprovalState,
    Channel,
    Claim,
    ClaimFlag,
    ClaimState,
    Contact,
    DevelopmentRow,
    Dispatch,
    DispatchState,
    Evidence,
    Payee,
    Payment,
    PaymentState,
    Phase,
    PolicyLosses,
    Recovery,
    RecoveryKind,
    ReserveChange,
    ReserveLine,
    ReserveSource,
    TimelineEntry,
)
from liubu.core import PersonalDataCipher
from liubu.errors import ConcurrencyError, ConfigurationError, NotFoundError, PermissionDeniedError
from liubu.store import tables
from liubu.underwriting import Policy

SHANGHAI = ZoneInfo("Asia/Shanghai")

R = TypeVar("R")

CONTACT_NAME, CONTACT_PHONE = "claim_contact_name", "claim_contact_phone"
PAYEE_NAME, PAYEE_ACCOUNT = "claim_payee_name", "claim_payee_account"
EVIDENCE = "claim_evidence"

_ENUMS: dict[str, type] = {"channel": Channel, "source": ReserveSource, "phase": Phase}
_STATES: dict[type, type] = {
    Claim: ClaimState,
    Payment: PaymentState,
    Approval: ApprovalState,
    Dispatch: DispatchState,
    Appeal: AppealState,
}
_KINDS: dict[type, type] = {Approval: ApprovalKind, Recovery: RecoveryKind}


def _record(cls: type[R], row: Mapping[Any, Any]) -> R:
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    values = {name: row[name] for name in names if name in row}
    if "state" in values and cls in _STATES:
        values["state"] = _STATES[cls](values["state"])
    if "kind" in values and cls in _KINDS:
        values["kind"] = _KINDS[cls](values["kind"])
    for name in ("channel", "source", "phase"):
        if name in values:
            values[name] = _ENUMS[name](values[name])
    if cls is Appeal:
        values["lines"] = tuple(values["lines"])
        values["evidence_ids"] = tuple(values["evidence_ids"])
        if values["outcome"] is not None:
            values["outcome"] = AppealOutcome(values["outcome"])
    if cls is Claim:
        values["affected_assets"] = tuple(values["affected_assets"])
        values["flags"] = tuple(ClaimFlag(f) for f in values["flags"])
    return cls(**values)


def _row(item: object, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(item):  # type: ignore[arg-type]
        if f.name in skip:
            continue
        value = getattr(item, f.name)
        if isinstance(value, tuple):
            value = [str(v) for v in value]
        out[f.name] = value
    return out


class SqlClaimsRepository:
    """Implements :class:`liubu.claims.ports.ClaimsRepository`."""

    def __init__(
        self, session: Session, principal: Principal, cipher: PersonalDataCipher | None
    ) -> None:
        self.session = session
        self.principal = principal
        self._cipher = cipher

    # --- helpers -------------------------------------------------------------------------------
    @property
    def cipher(self) -> PersonalDataCipher:
        if self._cipher is None:
            raise ConfigurationError("Claims need the personal-data key to store contacts.")
        return self._cipher

    def _me(self) -> str:
        return self.principal.tenant_id

    def _claim_visible(self) -> ColumnElement[bool] | None:
        if self.principal.is_platform:
            return None
        c, d = tables.claims, tables.claim_dispatches
        # Each branch an index lookup (IN, not a correlated EXISTS, and every tenant column
        # indexed): the caller's claims are found without scanning every insurer's.
        dispatched = c.c.id.in_(
            select(d.c.claim_id).where(
                d.c.vendor_tenant_id == self._me(), d.c.state != DispatchState.DECLINED
            )
        )
        return or_(
            c.c.tenant_id == self._me(),
            c.c.client_tenant_id == self._me(),
            c.c.reporter_tenant_id == self._me(),
            dispatched,
        )

    def _insurer_only(self, table: Table, stmt: Select[Any]) -> Select[Any]:
        if self.principal.is_platform:
            return stmt
        return stmt.where(table.c.tenant_id == self._me())

    def _party(self, *tenants: str) -> None:
        if not self.principal.is_platform and self._me() not in tenants:
            raise PermissionDeniedError("You may only record what your organisation is party to.")

    def _all(self, cls: type[R], stmt: Select[Any]) -> list[R]:
        return [_record(cls, row._mapping) for row in self.session.execute(stmt)]

    def _save(self, table: Table, item: R) -> R:
        version: int = item.version  # type: ignore[attr-defined]
        values = _row(item, skip=("id", "version"))
        result = self.session.execute(
            update(table)
            .where(table.c.id == item.id, table.c.version == version)  # type: ignore[attr-defined]
            .values(**values, version=version + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrencyError(
                "Someone else changed this record after you loaded it; reload and try again."
            )
        return dataclasses.replace(item, version=version + 1)  # type: ignore[type-var]

    # --- the claim -----------------------------------------------------------------------------
    def next_number(self, tenant_id: str) -> int:
        # Any party to a notice takes the insurer's next number (the insured reporting on its
        # own policy too): the counter holds no data of anyone's.
        t = tables.claim_counters
        touched = self.session.execute(
            update(t).where(t.c.tenant_id == tenant_id).values(last_number=t.c.last_number + 1)
        )
        if touched.rowcount == 0:  # type: ignore[attr-defined]
            self.session.execute(insert(t).values(tenant_id=tenant_id, last_number=1))
        found = self.session.execute(select(t.c.last_number).where(t.c.tenant_id == tenant_id))
        return int(found.scalar_one())

    def add_claim(self, claim: Claim, contact: Contact) -> None:
        self._party(claim.tenant_id, claim.client_tenant_id, claim.reporter_tenant_id)
        values = _row(claim)
        values["contact_name_encrypted"] = self.cipher.encrypt(contact.name, field=CONTACT_NAME)
        values["contact_phone_encrypted"] = self.cipher.encrypt(contact.phone, field=CONTACT_PHONE)
        self.session.execute(insert(tables.claims).values(**values))

    def _claims(self) -> Select[Any]:
        stmt = select(tables.claims)
        visible = self._claim_visible()
        return stmt if visible is None else stmt.where(visible)

    def claim(self, claim_id: str, *, lock: bool = False) -> Claim:
        stmt = self._claims().where(tables.claims.c.id == claim_id)
        if lock:
            stmt = stmt.with_for_update(of=tables.claims)
        row = self.session.execute(stmt).first()
        if row is None:
            raise NotFoundError(f"No claim with id {claim_id!r} is visible to you.")
        return _record(Claim, row._mapping)

    def claims(self, *, state: str | None = None, limit: int = 500) -> Sequence[Claim]:
        c = tables.claims
        stmt = self._claims()
        if state is not None:
            stmt = stmt.where(c.c.state == state)
        return self._all(Claim, stmt.order_by(c.c.ir_contact_due, c.c.id).limit(limit))

    def find_duplicate(self, tenant_id: str, duplicate_key: str) -> Claim | None:
        c = tables.claims
        stmt = self._claims().where(c.c.tenant_id == tenant_id, c.c.duplicate_key == duplicate_key)
        row = self.session.execute(stmt).first()
        return None if row is None else _record(Claim, row._mapping)

    def find_by_number(self, number: str) -> Sequence[Claim]:
        return self._all(Claim, self._claims().where(tables.claims.c.number == number))

    def save_claim(self, claim: Claim) -> Claim:
        self._party(claim.tenant_id)
        return self._save(tables.claims, claim)

    def claims_of_policy(self, policy_id: str) -> Sequence[Claim]:
        c = tables.claims
        stmt = self._claims().where(c.c.policy_id == policy_id).order_by(c.c.notified_at)
        return self._all(Claim, stmt)

    def policy_for_provider(self, policy_id: str) -> Policy:
        t, p = tables.service_tasks, tables.policies
        assigned = exists().where(
            t.c.enterprise_id == p.c.enterprise_id, t.c.provider_id == self._me()
        )
        stmt = select(Policy).where(p.c.id == policy_id, assigned)
        found = self.session.execute(stmt).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No policy with id {policy_id!r} is visible to you.")
        return found

    def policy_losses(self, policy_id: str) -> PolicyLosses:
        """The figures of a policy's claims-fed experience row, read for its insurer (module
        doc: reserves are the insurer's). Readable by the insurer (and the platform) and by
        whoever is party to a claim on the policy — the insured or the organisation that
        reported it, whose notice moves the insurer's row; the figures go to the insurer's
        experience store only, never back to them. Anyone else: NotFound."""
        c, p, e = tables.claims, tables.policies, tables.policy_events
        insurer = self.session.execute(
            select(p.c.tenant_id).where(p.c.id == policy_id)
        ).scalar_one_or_none()
        mine = insurer is not None and (self.principal.is_platform or insurer == self._me())
        party = insurer is not None and (
            mine
            or self.session.execute(
                select(c.c.id)
                .where(c.c.policy_id == policy_id, c.c.tenant_id == insurer)
                .where(
                    or_(c.c.client_tenant_id == self._me(), c.c.reporter_tenant_id == self._me())
                )
                .limit(1)
            ).first()
            is not None
        )
        if insurer is None or not party:
            raise NotFoundError(f"No policy with id {policy_id!r} is visible to you.")
        of_policy = select(c.c.id, c.c.notified_at).where(
            c.c.policy_id == policy_id, c.c.tenant_id == insurer
        )
        ids = [row.id for row in self.session.execute(of_policy.order_by(c.c.notified_at, c.c.id))]
        incurred = dict.fromkeys(ids, Decimal("0.00"))
        r, rec = tables.claim_reserves, tables.claim_recoveries
        lines = select(r.c.claim_id, r.c.paid + r.c.reserve).where(
            r.c.claim_id.in_(of_policy.with_only_columns(c.c.id))
        )
        back = select(rec.c.claim_id, -rec.c.amount).where(
            rec.c.claim_id.in_(of_policy.with_only_columns(c.c.id))
        )
        for stmt in (lines, back):
            for claim_id, amount in self.session.execute(stmt):
                incurred[claim_id] += Decimal(amount).quantize(Decimal("0.01"))
        cancelled = self.session.execute(
            select(func.min(e.c.effective)).where(e.c.policy_id == policy_id, e.c.kind == "cancel")
        ).scalar_one_or_none()
        return PolicyLosses(policy_id, insurer, tuple(incurred[i] for i in ids), cancelled)

    # --- reserves, approvals, payments, recoveries ---------------------------------------------
    def reserve_lines(self, claim_id: str) -> Sequence[ReserveLine]:
        t = tables.claim_reserves
        stmt = self._insurer_only(t, select(t).where(t.c.claim_id == claim_id))
        return self._all(ReserveLine, stmt.order_by(t.c.coverage))

    def reserve_lines_of(self, claim_ids: Collection[str]) -> Sequence[ReserveLine]:
        t = tables.claim_reserves
        stmt = self._insurer_only(t, select(t).where(t.c.claim_id.in_(list(claim_ids))))
        return self._all(ReserveLine, stmt.order_by(t.c.claim_id, t.c.coverage))

    def _of_visible_claim(self, claim_id: str, tenant_id: str) -> None:
        """A row opened with a claim (its reserve lines at notice): the writer must see the
        claim, and the row must be the claim's insurer's."""
        if self.claim(claim_id).tenant_id != tenant_id:
            raise PermissionDeniedError("A claim's reserves belong to the claim's insurer.")

    def add_reserve_line(self, line: ReserveLine) -> None:
        self._of_visible_claim(line.claim_id, line.tenant_id)
        self.session.execute(insert(tables.claim_reserves).values(**_row(line)))

    def save_reserve_line(self, line: ReserveLine) -> ReserveLine:
        self._party(line.tenant_id)
        return self._save(tables.claim_reserves, line)

    def add_reserve_change(self, change: ReserveChange) -> None:
        self._of_visible_claim(change.claim_id, change.tenant_id)
        self.session.execute(insert(tables.claim_reserve_changes).values(**_row(change)))

    def reserve_changes(self, claim_id: str) -> Sequence[ReserveChange]:
        t = tables.claim_reserve_changes
        stmt = self._insurer_only(t, select(t).where(t.c.claim_id == claim_id))
        return self._all(ReserveChange, stmt.order_by(t.c.at, t.c.id))

    def add_approval(self, approval: Approval) -> None:
        self._party(approval.tenant_id)
        self.session.execute(insert(tables.claim_approvals).values(**_row(approval)))

    def approval(self, approval_id: str) -> Approval:
        t = tables.claim_approvals
        stmt = self._insurer_only(t, select(t).where(t.c.id == approval_id))
        found = self._all(Approval, stmt)
        if not found:
            raise NotFoundError(f"No approval request with id {approval_id!r} is visible to you.")
        return found[0]

    def approvals(self, *, state: ApprovalState | None = None) -> Sequence[Approval]:
        t = tables.claim_approvals
        stmt = self._insurer_only(t, select(t))
        if state is not None:
            stmt = stmt.where(t.c.state == state)
        return self._all(Approval, stmt.order_by(t.c.requested_at, t.c.id))

    def save_approval(self, approval: Approval) -> Approval:
        self._party(approval.tenant_id)
        return self._save(tables.claim_approvals, approval)

    def _payments(self) -> Select[Any]:
        t = tables.claim_payments
        stmt = select(t)
        if self.principal.is_platform:
            return stmt
        return stmt.where(or_(t.c.tenant_id == self._me(), t.c.client_tenant_id == self._me()))

    def payment_by_key(self, tenant_id: str, idempotency_key: str) -> Payment | None:
        t = tables.claim_payments
        stmt = self._payments().where(
            t.c.tenant_id == tenant_id, t.c.idempotency_key == idempotency_key
        )
        found = self._all(Payment, stmt)
        return found[0] if found else None

    def payment(self, payment_id: str) -> Payment:
        found = self._all(Payment, self._payments().where(tables.claim_payments.c.id == payment_id))
        if not found:
            raise NotFoundError(f"No payment with id {payment_id!r} is visible to you.")
        return found[0]

    def payments(self, claim_id: str) -> Sequence[Payment]:
        t = tables.claim_payments
        stmt = self._payments().where(t.c.claim_id == claim_id).order_by(t.c.created_at, t.c.id)
        return self._all(Payment, stmt)

    def payments_of(self, claim_ids: Collection[str]) -> Sequence[Payment]:
        t = tables.claim_payments
        stmt = self._payments().where(t.c.claim_id.in_(list(claim_ids)))
        return self._all(Payment, stmt.order_by(t.c.claim_id, t.c.created_at, t.c.id))

    def payments_to_send(self, *, limit: int) -> Sequence[Payment]:
        t = tables.claim_payments
        stmt = self._insurer_only(t, select(t).where(t.c.state == PaymentState.APPROVED))
        return self._all(Payment, stmt.order_by(t.c.created_at, t.c.id).limit(limit))

    def add_payment(self, payment: Payment, payee: Payee) -> None:
        self._party(payment.tenant_id)
        values = _row(payment)
        values["payee_name_encrypted"] = self.cipher.encrypt(payee.name, field=PAYEE_NAME)
        values["payee_account_encrypted"] = self.cipher.encrypt(
            payee.bank_account, field=PAYEE_ACCOUNT
        )
        self.session.execute(insert(tables.claim_payments).values(**values))

    def save_payment(self, payment: Payment) -> Payment:
        self._party(payment.tenant_id)
        return self._save(tables.claim_payments, payment)

    def add_recovery(self, recovery: Recovery) -> None:
        self._party(recovery.tenant_id)
        self.session.execute(insert(tables.claim_recoveries).values(**_row(recovery)))

    def recoveries(self, claim_id: str) -> Sequence[Recovery]:
        t = tables.claim_recoveries
        stmt = self._insurer_only(t, select(t).where(t.c.claim_id == claim_id))
        return self._all(Recovery, stmt.order_by(t.c.at, t.c.id))

    def recoveries_of(self, claim_ids: Collection[str]) -> Sequence[Recovery]:
        t = tables.claim_recoveries
        stmt = self._insurer_only(t, select(t).where(t.c.claim_id.in_(list(claim_ids))))
        return self._all(Recovery, stmt.order_by(t.c.claim_id, t.c.at, t.c.id))

    # --- appeals -------------------------------------------------------------------------------
    def _appeals(self) -> Select[Any]:
        t = tables.claim_appeals
        stmt = select(t)
        if self.principal.is_platform:
            return stmt
        return stmt.where(or_(t.c.tenant_id == self._me(), t.c.client_tenant_id == self._me()))

    def add_appeal(self, appeal: Appeal) -> None:
        self._party(appeal.client_tenant_id)
        if self.claim(appeal.claim_id).tenant_id != appeal.tenant_id:
            raise PermissionDeniedError("An appeal belongs to the claim's insurer.")
        self.session.execute(insert(tables.claim_appeals).values(**_row(appeal)))

    def appeal(self, appeal_id: str, *, lock: bool = False) -> Appeal:
        stmt = self._appeals().where(tables.claim_appeals.c.id == appeal_id)
        if lock:
            stmt = stmt.with_for_update()
        found = self._all(Appeal, stmt)
        if not found:
            raise NotFoundError(f"No appeal with id {appeal_id!r} is visible to you.")
        return found[0]

    def appeals(self, claim_id: str) -> Sequence[Appeal]:
        t = tables.claim_appeals
        stmt = self._appeals().where(t.c.claim_id == claim_id).order_by(t.c.lodged_at, t.c.id)
        return self._all(Appeal, stmt)

    def undecided_appeals(self, *, limit: int = 500) -> Sequence[Appeal]:
        t = tables.claim_appeals
        stmt = self._insurer_only(t, select(t).where(t.c.state != AppealState.DECIDED))
        return self._all(Appeal, stmt.order_by(t.c.lodged_at, t.c.id).limit(limit))

    def save_appeal(self, appeal: Appeal) -> Appeal:
        self._party(appeal.tenant_id)
        return self._save(tables.claim_appeals, appeal)

    # --- incident response ---------------------------------------------------------------------
    def panel(self, insurer_tenant_id: str) -> Sequence[str]:
        t = tables.ir_panel
        stmt = select(t.c.vendor_tenant_id).where(t.c.tenant_id == insurer_tenant_id)
        return [str(v) for v in self.session.execute(stmt.order_by(t.c.added_at)).scalars()]

    def add_to_panel(self, insurer_tenant_id: str, vendor_tenant_id: str) -> None:
        self._party(insurer_tenant_id)
        if vendor_tenant_id in self.panel(insurer_tenant_id):
            return
        self.session.execute(
            insert(tables.ir_panel).values(
                tenant_id=insurer_tenant_id,
                vendor_tenant_id=vendor_tenant_id,
                added_at=datetime.now(UTC),
            )
        )

    def add_dispatch(self, dispatch: Dispatch) -> None:
        self._party(dispatch.tenant_id)
        self.session.execute(insert(tables.claim_dispatches).values(**_row(dispatch)))

    def dispatches(self, claim_id: str) -> Sequence[Dispatch]:
        claim = self.claim(claim_id)
        t = tables.claim_dispatches
        stmt = select(t).where(t.c.claim_id == claim.id)
        if not self.principal.is_platform and self._me() not in (
            claim.tenant_id,
            claim.client_tenant_id,
        ):
            stmt = stmt.where(t.c.vendor_tenant_id == self._me())  # a vendor: its own only
        return self._all(Dispatch, stmt.order_by(t.c.dispatched_at, t.c.id))

    def dispatch(self, dispatch_id: str) -> Dispatch:
        t = tables.claim_dispatches
        stmt = select(t).where(t.c.id == dispatch_id)
        if not self.principal.is_platform:
            stmt = stmt.where(or_(t.c.tenant_id == self._me(), t.c.vendor_tenant_id == self._me()))
        found = self._all(Dispatch, stmt)
        if not found:
            raise NotFoundError(f"No dispatch with id {dispatch_id!r} is visible to you.")
        return found[0]

    def save_dispatch(self, dispatch: Dispatch) -> Dispatch:
        self._party(dispatch.tenant_id, dispatch.vendor_tenant_id)
        return self._save(tables.claim_dispatches, dispatch)

    def add_timeline(self, entry: TimelineEntry) -> None:
        self.claim(entry.claim_id)  # visible to the writer, else NotFound
        self.session.execute(insert(tables.claim_timeline).values(**_row(entry)))

    def timeline(self, claim_id: str) -> Sequence[TimelineEntry]:
        self.claim(claim_id)
        t = tables.claim_timeline
        stmt = select(t).where(t.c.claim_id == claim_id).order_by(t.c.at, t.c.id)
        return self._all(TimelineEntry, stmt)

    def evidence_named(self, claim_id: str, filename: str) -> Evidence | None:
        self.claim(claim_id)
        t = tables.claim_evidence
        stmt = select(*_columns(t, Evidence)).where(
            and_(t.c.claim_id == claim_id, t.c.filename == filename)
        )
        found = self._all(Evidence, stmt)
        return found[0] if found else None

    def add_evidence(self, evidence: Evidence, content: bytes) -> None:
        self.claim(evidence.claim_id)
        token = self.cipher.encrypt(base64.b64encode(content).decode("ascii"), field=EVIDENCE)
        self.session.execute(
            insert(tables.claim_evidence).values(**_row(evidence), content_encrypted=token)
        )

    def evidence(self, claim_id: str) -> Sequence[Evidence]:
        self.claim(claim_id)
        t = tables.claim_evidence
        stmt = select(*_columns(t, Evidence)).where(t.c.claim_id == claim_id)
        return self._all(Evidence, stmt.order_by(t.c.uploaded_at, t.c.id))

    def evidence_content(self, evidence_id: str) -> tuple[Evidence, bytes]:
        t = tables.claim_evidence
        visible = self._claim_visible()
        stmt = select(t).join(tables.claims, tables.claims.c.id == t.c.claim_id)
        stmt = stmt.where(t.c.id == evidence_id)
        row = self.session.execute(stmt if visible is None else stmt.where(visible)).first()
        if row is None:  # absent, or on a claim the caller does not see: the same answer
            raise NotFoundError(f"No evidence with id {evidence_id!r} is visible to you.")
        evidence = _record(Evidence, row._mapping)
        text = self.cipher.decrypt(row.content_encrypted, field=EVIDENCE)
        return evidence, base64.b64decode(text)


def _columns(table: Table, cls: type) -> list[Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return [c for c in table.c if c.name in names]


class SqlClaimDevelopment:
    """Implements :class:`liubu.claims.DevelopmentSource`: the dated movements of an insurer's
    claims for reserving, incremental, per accident date (the claim's ``occurred_on``).

    - **paid**: each payment not declined, on the day it was made (a payment waiting for
      approval already counts: the line's ``paid`` moves when it is asked, and a declined one
      moves back), less each recovery on its day;
    - **incurred** (paid + case reserve): each reserve change (``after − before``) plus each
      payment not declined, less each recovery. A payment moves reserve into paid, so it leaves
      incurred as it was; a declined payment restores the reserve and drops out of paid.

    Scoped to the caller's insurer (the platform operator: every insurer's)."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _claims(self, product_ref: str | None) -> Select[Any]:
        c = tables.claims
        stmt = select(c.c.id, c.c.occurred_on)
        if not self.principal.is_platform:
            stmt = stmt.where(c.c.tenant_id == self.principal.tenant_id)
        if product_ref is not None:
            stmt = stmt.where(c.c.product_ref == product_ref)
        return stmt

    def claim_development(self, product_ref: str | None, basis: str) -> list[DevelopmentRow]:
        scope = self._claims(product_ref).subquery()
        p, r, ch = tables.claim_payments, tables.claim_recoveries, tables.claim_reserve_changes
        movements: list[Select[Any]] = [
            select(scope.c.occurred_on, p.c.created_at, p.c.amount)
            .join(p, p.c.claim_id == scope.c.id)
            .where(p.c.state != PaymentState.DECLINED),
            select(scope.c.occurred_on, r.c.at, -r.c.amount).join(r, r.c.claim_id == scope.c.id),
        ]
        if basis == "incurred":
            movements.append(
                select(scope.c.occurred_on, ch.c.at, ch.c.after - ch.c.before).join(
                    ch, ch.c.claim_id == scope.c.id
                )
            )
        rows: list[DevelopmentRow] = []
        for stmt in movements:
            for accident, at, amount in self.session.execute(stmt):
                valued = _aware(at).astimezone(SHANGHAI).date()
                rows.append(DevelopmentRow(accident, max(valued, accident), Decimal(amount)))
        return rows


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
