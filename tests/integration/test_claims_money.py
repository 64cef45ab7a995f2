"""Reserves, authority and exactly-once payments on real databases (SQLite and PostgreSQL).

Authority comes from ``liubu/claims/data/authority.yaml``: for the insurer ``shifan-pc`` (the
default levels) an adjuster may carry 200,000 CNY of reserve on a line and pay 100,000 CNY at
once; the claims manager (an administrator) has no limit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa

from liubu import claims
from liubu.bootstrap import Platform
from liubu.claims import ClaimsCode, Payee, notify
from liubu.errors import ConflictError, LiubuError, PermissionDeniedError, ValidationError
from liubu.store import tables
from tests.integration.claims_world import World, build, notice

PAYEE = Payee("某某科技有限公司", "6222020200112233445")


@dataclass(frozen=True)
class Opened:
    world: World
    claim_id: str


def _opened(platform: Platform) -> Opened:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy)).claim
    return Opened(world, claim.id)


def _line(platform: Platform, opened: Opened, coverage: str) -> claims.ReserveLine:
    with platform.uow(opened.world.adjuster) as uow:
        view = claims.claim_view(uow, opened.claim_id)
    return next(line for line in view.reserves if line.coverage == coverage)


def _set(platform: Platform, opened: Opened, amount: str) -> claims.ReserveOutcome:
    with platform.uow(opened.world.adjuster) as uow:
        return claims.set_reserve(
            uow,
            opened.claim_id,
            coverage="forensics",
            amount=Decimal(amount),
            reason="Forensics firm's estimate received.",
        )


def _pay(
    platform: Platform, opened: Opened, amount: str, key: str, *, payee: Payee = PAYEE
) -> claims.PaymentOutcome:
    with platform.uow(opened.world.adjuster) as uow:
        return claims.pay(
            uow,
            opened.claim_id,
            coverage="forensics",
            amount=Decimal(amount),
            payee=payee,
            idempotency_key=key,
        )


def _payments(platform: Platform) -> list[sa.Row[tuple[object, ...]]]:
    with platform.engine.connect() as connection:
        return list(connection.execute(sa.select(tables.claim_payments)))


def test_the_adjuster_sets_a_reserve_with_a_reason_and_each_change_is_kept(
    platform: Platform,
) -> None:
    opened = _opened(platform)
    before = _line(platform, opened, "forensics").reserve
    outcome = _set(platform, opened, "150000.00")
    assert outcome.approval is None
    assert outcome.line.reserve == Decimal("150000.00")
    assert outcome.line.source == "adjuster"
    with platform.uow(opened.world.adjuster) as uow:
        changes = [
            c for c in uow.claims.reserve_changes(opened.claim_id) if c.coverage == "forensics"
        ]
    assert [(c.kind, c.before, c.after) for c in changes] == [
        ("notice", Decimal("0.00"), before),
        ("adjust", before, Decimal("150000.00")),
    ]
    assert changes[1].reason == "Forensics firm's estimate received."
    with platform.uow(opened.world.adjuster) as uow, pytest.raises(ValidationError) as refused:
        claims.set_reserve(
            uow, opened.claim_id, coverage="forensics", amount=Decimal(1), reason=" "
        )
    assert refused.value.code == ClaimsCode.REASON_REQUIRED


def test_a_reserve_above_the_adjusters_authority_waits_for_the_manager(
    platform: Platform,
) -> None:
    opened = _opened(platform)
    before = _line(platform, opened, "forensics").reserve
    outcome = _set(platform, opened, "250000.00")  # above 200,000
    assert outcome.approval is not None
    assert outcome.approval.required_level == 2
    assert _line(platform, opened, "forensics").reserve == before
    with platform.uow(opened.world.adjuster) as uow, pytest.raises(PermissionDeniedError):
        claims.decide_approval(uow, outcome.approval.id, approve=True, reason="Mine.")
    with platform.uow(opened.world.manager) as uow:
        assert [a.id for a in claims.approvals(uow)] == [outcome.approval.id]
        claims.decide_approval(uow, outcome.approval.id, approve=True, reason="Estimate seen.")
    assert _line(platform, opened, "forensics").reserve == Decimal("250000.00")
    with platform.uow(opened.world.manager) as uow, pytest.raises(ConflictError):
        claims.decide_approval(uow, outcome.approval.id, approve=False, reason="Again.")


def test_payments_are_made_against_the_reserve_once_per_key(platform: Platform) -> None:
    opened = _opened(platform)
    _set(platform, opened, "80000.00")
    with pytest.raises(ValidationError) as refused:
        _pay(platform, opened, "80000.01", "inv-1")
    assert refused.value.code == ClaimsCode.ABOVE_RESERVE
    first = _pay(platform, opened, "30000.00", "inv-1")
    assert not first.repeated
    assert first.payment.state == "approved"
    again = _pay(platform, opened, "30000.00", "inv-1")
    assert again.repeated
    assert again.payment.id == first.payment.id
    with pytest.raises(ConflictError) as reused:
        _pay(platform, opened, "30000.01", "inv-1")
    assert reused.value.code == ClaimsCode.KEY_REUSED
    line = _line(platform, opened, "forensics")
    assert (line.reserve, line.paid) == (Decimal("50000.00"), Decimal("30000.00"))
    rows = _payments(platform)
    assert len(rows) == 1
    assert rows[0].payee_account_masked == "***************3445"
    assert b"6222020200112233445" not in rows[0].payee_account_encrypted
    with platform.uow(opened.world.adjuster) as uow:
        sent = claims.run_payments(uow)
    assert [p.id for p in sent] == [first.payment.id]
    assert sent[0].state == "sent"
    with platform.uow(opened.world.adjuster) as uow:
        assert claims.run_payments(uow) == []
    # The insured sees the payment, masked; another insurer does not.
    with platform.uow(opened.world.insured) as uow:
        view = claims.claim_view(uow, opened.claim_id)
    assert [p.payee_name_masked for p in view.payments] == ["某******司"]


def test_a_payment_above_authority_is_held_until_approved_or_declined(
    platform: Platform,
) -> None:
    opened = _opened(platform)
    with platform.uow(opened.world.manager) as uow:
        claims.set_reserve(
            uow, opened.claim_id, coverage="forensics", amount=Decimal("300000"), reason="Report."
        )
    held = _pay(platform, opened, "120000.00", "big-1")  # above the adjuster's 100,000
    assert held.payment.state == "awaiting_approval"
    assert held.approval is not None
    with platform.uow(opened.world.adjuster) as uow:
        assert claims.run_payments(uow) == []
    declined = _pay(platform, opened, "110000.00", "big-2")
    assert declined.approval is not None
    with platform.uow(opened.world.manager) as uow:
        claims.decide_approval(uow, held.approval.id, approve=True, reason="Invoice checked.")
    with platform.uow(opened.world.manager) as uow:
        claims.decide_approval(uow, declined.approval.id, approve=False, reason="Duplicate bill.")
    line = _line(platform, opened, "forensics")
    # 300,000 − 120,000 paid; the declined 110,000 is back in the reserve.
    assert (line.reserve, line.paid) == (Decimal("180000.00"), Decimal("120000.00"))
    with platform.uow(opened.world.adjuster) as uow:
        assert [p.id for p in claims.run_payments(uow)] == [held.payment.id]


def test_recoveries_reduce_incurred_and_closing_releases_the_reserve(platform: Platform) -> None:
    opened = _opened(platform)
    _set(platform, opened, "60000.00")
    _pay(platform, opened, "40000.00", "inv-9")
    with platform.uow(opened.world.adjuster) as uow:
        before = claims.claim_view(uow, opened.claim_id)
        with pytest.raises(ValidationError):
            claims.record_recovery(
                uow, opened.claim_id, kind="subrogation", amount=Decimal("40000.01"),
                counterparty="Vendor", note="",
            )  # fmt: skip
    with platform.uow(opened.world.adjuster) as uow:
        claims.record_recovery(
            uow,
            opened.claim_id,
            kind="subrogation",
            amount=Decimal("15000.00"),
            counterparty="Negligent MSP Ltd",
            note="Settled out of court.",
        )
    with platform.uow(opened.world.adjuster) as uow:
        after = claims.claim_view(uow, opened.claim_id)
    assert after.incurred == before.incurred - Decimal("15000.00")
    with platform.uow(opened.world.adjuster) as uow:
        closed = claims.close(uow, opened.claim_id, reason="Settled in full.")
    assert closed.state == "closed"
    assert closed.state_reason == "Settled in full."
    with platform.uow(opened.world.adjuster) as uow:
        view = claims.claim_view(uow, opened.claim_id)
    assert view.outstanding == 0
    assert view.incurred == Decimal("40000.00") - Decimal("15000.00")
    with pytest.raises(ConflictError) as closed_refusal:
        _pay(platform, opened, "1.00", "inv-10")
    assert closed_refusal.value.code == ClaimsCode.CLAIM_CLOSED
    with platform.uow(opened.world.adjuster) as uow:
        reopened = claims.reopen(
            uow, opened.claim_id, reason="New invoice from the forensics firm."
        )
    assert reopened.state == "open"
    assert reopened.version == closed.version + 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_identical_payment_requests_at_once_make_one_payment(platform: Platform) -> None:
    """Two connections, two threads, one key: the second waits on the claim's row lock and then
    finds the first's payment (PostgreSQL; SQLite has a single writer)."""
    opened = _opened(platform)
    _set(platform, opened, "90000.00")
    start = threading.Barrier(2)
    outcomes: list[claims.PaymentOutcome | LiubuError] = []

    def request() -> None:
        start.wait()
        try:
            outcomes.append(_pay(platform, opened, "25000.00", "same-key"))
        except LiubuError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [o for o in outcomes if isinstance(o, claims.PaymentOutcome)]
    assert len(made) == 2, outcomes  # both answered with the payment, neither refused
    assert {o.payment.id for o in made} == {made[0].payment.id}
    assert sorted(o.repeated for o in made) == [False, True]
    assert len(_payments(platform)) == 1
    line = _line(platform, opened, "forensics")
    assert (line.reserve, line.paid) == (Decimal("65000.00"), Decimal("25000.00"))
