"""Appeals against a statement of loss (SQLite and PostgreSQL): the insured appeals, another
adjuster re-assesses, the decision moves the reserves by exactly the change in the payable —
recomputed here by hand from the worksheet's own inputs — and each refusal the statement implies
(no statement, out of time, one open at a time, the same adjuster)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from liubu import claims
from liubu.accounts.model import Role
from liubu.bootstrap import Platform
from liubu.claims import AdjustmentWorksheet, ClaimsCode, LossItem, LossKind, notify
from liubu.core import Money
from liubu.errors import ConflictError, LiubuError, NotFoundError, PermissionDeniedError
from tests.integration.claims_world import World, build, insurer_user, notice


def _item(amount: str, description: str = "Forensics invoice") -> LossItem:
    return LossItem(
        coverage="forensics", kind=LossKind.INVOICE, description=description, amount=Money(amount)
    )


def _rulings(platform: Platform, world: World, claim_id: str) -> dict[str, tuple[str, str]]:
    with platform.uow(world.insured) as uow:
        position = claims.coverage_of(uow, claim_id)
    ruled = ("does_not_apply", "Checked: no evidence of it.")
    return dict.fromkeys((e.code for e in position.exclusions), ruled)


def _assessed(
    platform: Platform, world: World, amount: str = "60000.00", *, days_ago: int = 2
) -> claims.Claim:
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy, occurred_days_ago=days_ago)).claim
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, claim.id, coverage="forensics", amount=Decimal("50000.00"), reason="Invoice."
        )
    with platform.uow(world.adjuster) as uow:
        claims.assess_claim(
            uow, claim.id, items=[_item(amount)], rulings=_rulings(platform, world, claim.id)
        )
    return claim


def _by_hand(sheet: AdjustmentWorksheet, loss: Decimal) -> Decimal:
    """The payable of a forensics loss from the worksheet's inputs: Z = min((1 − c)·Y, L),
    I = (Z − R)⁺, payable = min(I, A − paid before), to the fen half up."""
    lines = {line.code: line for line in sheet.lines}
    c = Decimal(lines["coinsurance"].inputs["c"]) if "coinsurance" in lines else Decimal(0)
    limit = Decimal(lines["sublimit"].inputs["L"])
    retention = Decimal(lines["retention"].inputs["R"])
    aggregate = lines["aggregate_remaining"].inputs
    left = Decimal(aggregate["A"]) - Decimal(aggregate["paid_before"])
    insured = max(min((1 - c) * loss, limit) - retention, Decimal(0))
    return min(insured, left).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _reserve(platform: Platform, world: World, claim_id: str, coverage: str) -> Decimal:
    with platform.uow(world.adjuster) as uow:
        lines = uow.claims.reserve_lines(claim_id)
    return next(line.reserve for line in lines if line.coverage == coverage)


def test_an_appeal_is_re_assessed_by_another_adjuster_and_partly_upheld(
    platform: Platform,
) -> None:
    world = build(platform)
    second = insurer_user(platform, Role.CLAIMS_ADJUSTER, "sf-adjuster-2")
    claim = _assessed(platform, world)
    with platform.uow(world.insured) as uow:
        evidence = claims.upload_evidence(
            uow, claim.id, filename="invoice-2.pdf", content_type="application/pdf", content=b"2"
        )
    with platform.uow(world.insured) as uow:
        appeal = claims.lodge_appeal(
            uow,
            claim.id,
            lines=["item:forensics", "retention"],
            reasons="The second forensics invoice (30,000) was left out.",
            evidence_ids=[evidence.id],
        )
    assert appeal.state is claims.AppealState.OPEN
    old = AdjustmentWorksheet.from_dict(appeal.original)
    assert old.payable.amount == _by_hand(old, Decimal("60000.00"))

    # The adjuster whose assessment is under appeal may not re-assess it (the statement says so).
    with platform.uow(world.adjuster) as uow, pytest.raises(PermissionDeniedError) as refused:
        claims.reassess_appeal(uow, claim.id, appeal.id, items=[_item("90000.00")])
    assert refused.value.code == ClaimsCode.APPEAL_SAME_ADJUSTER

    rulings = _rulings(platform, world, claim.id)
    with platform.uow(second) as uow:
        reassessed = claims.reassess_appeal(
            uow,
            claim.id,
            appeal.id,
            items=[_item("60000.00"), _item("30000.00", "Second forensics invoice")],
            rulings=rulings,
        )
    assert reassessed.reassessment is not None
    new = AdjustmentWorksheet.from_dict(reassessed.reassessment)
    expected = _by_hand(new, Decimal("90000.00"))
    assert new.payable.amount == expected == reassessed.new_payable
    assert expected != old.payable.amount

    # The original assessor cannot decide either; the reserve has not moved before the decision.
    with platform.uow(world.adjuster) as uow, pytest.raises(PermissionDeniedError):
        claims.decide_appeal(
            uow, claim.id, appeal.id, outcome="partly_upheld", reasons="Invoice accepted."
        )
    before = _reserve(platform, world, claim.id, "forensics")
    assert before == Decimal("50000.00")
    # A dismissal would contradict a re-assessment that changed the payable.
    with platform.uow(second) as uow, pytest.raises(ConflictError) as mismatch:
        claims.decide_appeal(uow, claim.id, appeal.id, outcome="dismissed", reasons="No.")
    assert mismatch.value.code == ClaimsCode.APPEAL_OUTCOME_MISMATCH
    with platform.uow(second) as uow:
        decision = claims.decide_appeal(
            uow,
            claim.id,
            appeal.id,
            outcome="partly_upheld",
            reasons="The second invoice is accepted; the retention stands as bound.",
        )
    assert decision.appeal.state is claims.AppealState.DECIDED
    assert decision.appeal.outcome is claims.AppealOutcome.PARTLY_UPHELD
    # Reserves moved by exactly the change in the payable, through the reserve use case.
    after = _reserve(platform, world, claim.id, "forensics")
    assert after - before == expected - old.payable.amount
    with platform.uow(world.adjuster) as uow:
        changes = [c for c in uow.claims.reserve_changes(claim.id) if appeal.id in c.reason]
    assert [(c.before, c.after) for c in changes] == [(before, after)]

    # The insured reads the new statement and the decision; both worksheets stay on the appeal.
    with platform.uow(world.insured) as uow:
        documents = claims.claim_documents(uow, claim.id)
    assert documents.statement is not None
    assert documents.statement.payable.amount == expected
    with platform.uow(world.insured) as uow:
        document = claims.appeal_decision_document(uow, claim.id, appeal.id)
    assert (document.old_payable.amount, document.new_payable.amount) == (
        old.payable.amount,
        expected,
    )
    assert "12378" in document.next_steps.zh
    assert document.reasons.startswith("The second invoice is accepted")
    with platform.uow(world.insured) as uow:
        (kept,) = claims.appeals_of(uow, claim.id)
    assert kept.original == appeal.original
    assert kept.reassessment == reassessed.reassessment
    with platform.uow(world.insured) as uow:
        timeline = claims.claim_page(uow, claim.id).timeline
    assert any("partly upheld" in entry.note for entry in timeline)
    with platform.uow(world.manager) as uow:
        actions = {e.action for e in uow.audit.recent(limit=200) if e.entity_id == appeal.id}
    assert {
        "claims.appeal_lodged",
        "claims.appeal_reassessed",
        "claims.appeal_decided",
    } <= actions


def test_refusals_no_statement_out_of_time_already_open_and_other_parties(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        fresh = notify(uow, notice(world.policy, incident="data_breach")).claim
    with platform.uow(world.insured) as uow, pytest.raises(ConflictError) as early:
        claims.lodge_appeal(uow, fresh.id, lines=["retention"], reasons="Too early.")
    assert early.value.code == ClaimsCode.APPEAL_NO_STATEMENT
    with platform.uow(world.adjuster) as uow:
        claims.close(uow, fresh.id, reason="Withdrawn by the insured.")
    with platform.uow(world.insured) as uow, pytest.raises(ConflictError) as closed:
        claims.lodge_appeal(uow, fresh.id, lines=["retention"], reasons="Closed.")
    assert closed.value.code == ClaimsCode.APPEAL_CLOSED_UNASSESSED

    claim = _assessed(platform, world)
    with platform.uow(world.insured) as uow, pytest.raises(LiubuError) as unknown:
        claims.lodge_appeal(uow, claim.id, lines=["no_such_step"], reasons="Hm.")
    assert unknown.value.code == ClaimsCode.APPEAL_BAD_LINES
    with platform.uow(world.insured) as uow, pytest.raises(LiubuError):
        claims.lodge_appeal(uow, claim.id, lines=["retention"], reasons="x" * 4001)
    for other in (world.other_insurer, world.provider):
        with platform.uow(other) as uow, pytest.raises(NotFoundError):
            claims.lodge_appeal(uow, claim.id, lines=["retention"], reasons="Not mine.")
    with platform.uow(world.adjuster) as uow, pytest.raises(PermissionDeniedError):
        claims.lodge_appeal(uow, claim.id, lines=["retention"], reasons="Insurer, not insured.")

    with platform.uow(world.insured) as uow:
        first = claims.lodge_appeal(uow, claim.id, lines=["retention"], reasons="Too high.")
    with platform.uow(world.insured) as uow, pytest.raises(ConflictError) as twice:
        claims.lodge_appeal(uow, claim.id, lines=["retention"], reasons="Again.")
    assert twice.value.code == ClaimsCode.APPEAL_ALREADY_OPEN
    for other in (world.other_insurer, world.provider):
        with platform.uow(other) as uow, pytest.raises(NotFoundError):
            claims.appeals_of(uow, claim.id)
        with platform.uow(other) as uow, pytest.raises(NotFoundError):
            claims.decide_appeal(uow, claim.id, first.id, outcome="dismissed", reasons="No.")

    # Out of time: the statement issued DEFAULT_APPEAL_DAYS + 1 days ago.
    other_claim = _assessed(platform, world, amount="40000.00", days_ago=3)
    days = claims.DEFAULT_APPEAL_DAYS
    with platform.uow(world.adjuster) as uow:
        stored = uow.claims.claim(other_claim.id)
        assert stored.worksheet is not None
        issued = datetime.now(UTC) - timedelta(days=days + 1)
        document = {**stored.worksheet, "assessment": {**stored.worksheet["assessment"]}}
        document["assessment"]["at"] = issued.isoformat()
        uow.claims.save_claim(replace(stored, worksheet=document))
        uow.commit()
    with platform.uow(world.insured) as uow, pytest.raises(ConflictError) as late:
        claims.lodge_appeal(uow, other_claim.id, lines=["retention"], reasons="Late.")
    assert late.value.code == ClaimsCode.APPEAL_WINDOW_CLOSED
    # On the last day it is still in time.
    with platform.uow(world.adjuster) as uow:
        stored = uow.claims.claim(other_claim.id)
        assert stored.worksheet is not None
        document = {**stored.worksheet, "assessment": {**stored.worksheet["assessment"]}}
        document["assessment"]["at"] = (issued + timedelta(days=1, hours=1)).isoformat()
        uow.claims.save_claim(replace(stored, worksheet=document))
        uow.commit()
    with platform.uow(world.insured) as uow:
        claims.lodge_appeal(uow, other_claim.id, lines=["retention"], reasons="Just in time.")


def test_a_dismissal_leaves_the_payable_and_the_reserves(platform: Platform) -> None:
    world = build(platform)
    claim = _assessed(platform, world)
    with platform.uow(world.insured) as uow:
        appeal = claims.lodge_appeal(uow, claim.id, lines=["retention"], reasons="Too high.")
    with platform.uow(world.manager) as uow, pytest.raises(ConflictError) as unready:
        claims.decide_appeal(uow, claim.id, appeal.id, outcome="dismissed", reasons="No.")
    assert unready.value.code == ClaimsCode.APPEAL_NOT_REASSESSED
    rulings = _rulings(platform, world, claim.id)
    with platform.uow(world.manager) as uow:
        claims.reassess_appeal(uow, claim.id, appeal.id, items=[_item("60000.00")], rulings=rulings)
    with platform.uow(world.manager) as uow:
        decision = claims.decide_appeal(
            uow, claim.id, appeal.id, outcome="dismissed", reasons="The retention is as bound."
        )
    assert decision.reserves == ()
    assert _reserve(platform, world, claim.id, "forensics") == Decimal("50000.00")
    with platform.uow(world.insured) as uow:
        document = claims.appeal_decision_document(uow, claim.id, appeal.id)
    assert document.new_payable == document.old_payable
    assert document.revised is None
