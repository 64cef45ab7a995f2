"""The assessment of a stored claim (SQLite and PostgreSQL): the coverage position and the
adjustment worksheet under the policy's bound terms, kept with the claim, with the annual
aggregate eroded by what the policy's earlier claim paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liubu import claims
from liubu.bootstrap import Platform
from liubu.claims import LossItem, LossKind, Payee, notify
from liubu.core import Money
from liubu.errors import NotFoundError, PermissionDeniedError
from tests.integration.claims_world import build, notice


def test_a_claim_is_assessed_with_the_aggregate_eroded_by_an_earlier_claim(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        first = notify(uow, notice(world.policy, occurred_days_ago=10)).claim
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(uow, first.id, coverage="forensics", amount=Decimal(60000), reason="Q.")
    with platform.uow(world.adjuster) as uow:
        claims.pay(
            uow, first.id, coverage="forensics", amount=Decimal("20000.00"),
            payee=Payee("取证公司", "62220000111"), idempotency_key="first-1",
        )  # fmt: skip
    with platform.uow(world.insured) as uow:
        second = notify(uow, notice(world.policy, incident="data_breach")).claim
    with platform.uow(world.insured) as uow:
        position = claims.coverage_of(uow, second.id)
    assert position.incident_type == "data_breach"
    assert {c.coverage for c in position.coverages} >= {"forensics", "notification"}
    item = LossItem(
        coverage="forensics", kind=LossKind.INVOICE, description="Forensics invoice",
        amount=Money("30000.00"),
    )  # fmt: skip
    ruled = ("does_not_apply", "Checked: no evidence of it.")
    rulings = dict.fromkeys((e.code for e in position.exclusions), ruled)
    with platform.uow(world.adjuster) as uow:
        sheet = claims.assess_claim(uow, second.id, items=[item], rulings=rulings)
    # By hand: the limit less the 20,000.00 the first claim paid.
    assert sheet.aggregate_before == Money(world.policy.limit - Decimal("20000.00"))
    assert sheet.claimed == Money("30000.00")
    assert sheet.aggregate_remaining == Money(sheet.aggregate_before.amount - sheet.payable.amount)
    assert sheet.payable.amount + sheet.retained.amount == Decimal("30000.00")
    with platform.uow(world.insured) as uow:
        shown = claims.claim_document(claims.claim_view(uow, second.id))
    assert shown["worksheet"]["payable"] == str(sheet.payable.amount)
    assert shown["worksheet"]["position"]["incident_type"] == "data_breach"
    with platform.uow(world.insured) as uow, pytest.raises(PermissionDeniedError):
        claims.assess_claim(uow, second.id, items=[item])
    with platform.uow(world.other_insurer) as uow, pytest.raises(NotFoundError):
        claims.coverage_of(uow, second.id)
