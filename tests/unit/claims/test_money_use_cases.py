"""The money use cases on an in-memory unit of work: each commits once, a refusal leaves the
committed state as it was, a payment and its reserve change are one commit, authority routes."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from liubu import claims
from liubu.accounts import OrgKind, Role
from liubu.claims import ClaimsCode, Payee
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from tests.unit.claims.fakes import INSURED, INSURER, Database, FakeClaimsUnitOfWork, person

ADJUSTER = person(INSURER, Role.CLAIMS_ADJUSTER)
MANAGER = person(INSURER, Role.ADMIN)
PAYEE = Payee("某某科技有限公司", "6222020200112233445")


def _uow(db: Database, who: Any = ADJUSTER) -> Any:
    return FakeClaimsUnitOfWork(who, db)


def _pay(db: Database, amount: str, key: str = "k1", who: Any = ADJUSTER) -> Any:
    uow = _uow(db, who)
    outcome = claims.pay(
        uow, "c1", coverage="forensics", amount=Decimal(amount), payee=PAYEE, idempotency_key=key
    )
    return uow, outcome


def test_a_payment_its_reserve_change_and_its_audit_event_are_one_commit() -> None:
    db = Database()
    db.claim_with_reserve("forensics", "50000.00")
    uow, outcome = _pay(db, "20000.00")
    assert uow.commits == 1
    state = db.state
    assert list(state.payments) == [outcome.payment.id]
    assert (state.lines["l1"].reserve, state.lines["l1"].paid) == (
        Decimal("30000.00"),
        Decimal("20000.00"),
    )
    assert [(c.kind, c.before, c.after) for c in state.changes] == [
        ("payment", Decimal("50000.00"), Decimal("30000.00"))
    ]
    # the policy's claims-fed experience row follows in the same commit: one claim, incurred
    # 20,000 paid + 30,000 outstanding
    assert state.events == ["claims.payment_requested", "claims_experience.fed_from_claims"]
    assert state.experience == {"LB1": (1, 50000.0)}
    _again_uow, again = _pay(db, "20000.00")
    assert again.repeated
    assert again.payment.id == outcome.payment.id
    assert len(db.state.payments) == 1
    assert db.state.lines["l1"].reserve == Decimal("30000.00")


def test_a_refused_payment_commits_nothing() -> None:
    db = Database()
    db.claim_with_reserve("forensics", "50000.00")
    before = copy.deepcopy(db.state)
    for amount, code in (("50000.01", ClaimsCode.ABOVE_RESERVE), ("0.001", ClaimsCode.BAD_AMOUNT)):
        uow = _uow(db)
        with pytest.raises(ValidationError) as refused:
            claims.pay(
                uow, "c1", coverage="forensics", amount=Decimal(amount), payee=PAYEE,
                idempotency_key="k",
            )  # fmt: skip
        assert refused.value.code == code
        assert uow.commits == 0
    with pytest.raises(ValidationError) as no_line:
        claims.pay(
            _uow(db), "c1", coverage="extortion", amount=Decimal(1), payee=PAYEE,
            idempotency_key="k",
        )  # fmt: skip
    assert no_line.value.code == ClaimsCode.NO_RESERVE_LINE
    assert db.state == before


def test_the_insured_cannot_pay_and_a_stranger_finds_no_claim() -> None:
    db = Database()
    db.claim_with_reserve("forensics", "50000.00")
    with pytest.raises(NotFoundError):
        _pay(db, "1.00", who=person("other-insurer", Role.CLAIMS_ADJUSTER))
    with pytest.raises(PermissionDeniedError):
        _pay(db, "1.00", who=person(INSURED, Role.ENTERPRISE_USER, OrgKind.ENTERPRISE))


def test_above_authority_the_payment_waits_and_a_decline_restores_the_reserve() -> None:
    db = Database()
    db.claim_with_reserve("forensics", "500000.00")
    _, held = _pay(db, "100000.01")  # the adjuster's limit is 100,000.00
    assert held.payment.state == "awaiting_approval"
    assert held.approval.required_level == 2
    with pytest.raises(ConflictError):  # not closable with a pending approval
        claims.close(_uow(db), "c1", reason="done")
    claims.decide_approval(_uow(db, MANAGER), held.approval.id, approve=False, reason="No.")
    line = db.state.lines["l1"]
    assert (line.reserve, line.paid) == (Decimal("500000.00"), Decimal("0.00"))
    assert db.state.payments[held.payment.id].state == "declined"
    assert claims.run_payments(_uow(db)) == []


def test_closing_releases_the_outstanding_reserve_and_reopening_needs_a_reason() -> None:
    db = Database()
    db.claim_with_reserve("forensics", "50000.00")
    _pay(db, "10000.00")
    closed = claims.close(_uow(db), "c1", reason="Paid in full.")
    assert closed.state == "closed"
    assert db.state.lines["l1"].reserve == 0
    assert db.state.changes[-1].kind == "close"
    with pytest.raises(ValidationError):
        claims.reopen(_uow(db), "c1", reason="  ")
    assert db.state.claims["c1"].state == "closed"
    assert claims.reopen(_uow(db), "c1", reason="New invoice.").state == "open"
