"""The read-only views the claims pages read (``claims.service_web``), on real databases: what each
party sees of one claim, the policies an insured may report on, the panel by name, and the
documents — built from what the assessment stored, for the insurer and the insured only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liubu import claims
from liubu.bootstrap import Platform
from liubu.core import Money
from liubu.errors import NotFoundError
from tests.integration.claims_world import World, build, notice


def _claim(platform: Platform) -> tuple[World, str]:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim_id = claims.notify(uow, notice(world.policy)).claim.id
    with platform.uow(world.adjuster) as uow:
        claims.add_to_panel(uow, world.provider.tenant_id)
    with platform.uow(world.adjuster) as uow:
        sent = claims.dispatch(uow, claim_id, vendor_tenant_id=world.provider.tenant_id)
    with platform.uow(world.provider) as uow:
        claims.answer_dispatch(uow, sent.id, accept=True)
    return world, claim_id


def test_each_party_sees_its_part_of_a_claim(platform: Platform) -> None:
    world, claim_id = _claim(platform)
    with platform.uow(world.adjuster) as uow:
        insurer = claims.claim_page(uow, claim_id)
    with platform.uow(world.insured) as uow:
        insured = claims.claim_page(uow, claim_id)
    with platform.uow(world.provider) as uow:
        vendor = claims.claim_page(uow, claim_id)
    assert insurer.insurer
    assert not insurer.insured
    assert {line.coverage for line in insurer.reserves} >= {"business_interruption", "extortion"}
    assert len(insurer.changes) == len(insurer.reserves)  # one change per line, at notice
    assert insured.insured
    assert not insured.insurer
    assert insured.reserves == ()
    assert insured.changes == ()
    assert insured.approvals == ()
    assert not vendor.insurer
    assert not vendor.insured
    assert (vendor.reserves, vendor.payments, vendor.recoveries) == ((), (), ())
    # Every party reads the dispatch with the vendor's name.
    for view in (insurer, insured, vendor):
        assert [d.state for d in view.dispatches] == ["accepted"]
        assert world.provider.tenant_id in {v.id for v in view.vendors}
    with platform.uow(world.other_insurer) as uow, pytest.raises(NotFoundError):
        claims.claim_page(uow, claim_id)


def test_the_insured_reports_on_its_policies_in_force_and_sees_the_claims_process(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        (reportable,) = claims.reportable_policies(uow)
    assert reportable.policy.id == world.policy.id
    # The SME product's process (catalogue file): notice within 48 h, settlement in 10 days.
    assert reportable.process.notice_within_hours == 48
    assert reportable.process.settlement_within_days == 10
    with platform.uow(world.other_insurer) as uow:
        assert claims.reportable_policies(uow) == []


def test_the_panel_is_named_and_scoped_to_the_insurer(platform: Platform) -> None:
    world, _claim_id = _claim(platform)
    with platform.uow(world.adjuster) as uow:
        (vendor,) = claims.ir_panel(uow)
    assert vendor.id == world.provider.tenant_id
    assert vendor.name.startswith("Provider")
    with platform.uow(world.other_insurer) as uow:
        assert claims.ir_panel(uow) == ()


def test_the_documents_follow_the_stored_assessment_for_insurer_and_insured_only(
    platform: Platform,
) -> None:
    world, claim_id = _claim(platform)
    with platform.uow(world.insured) as uow:
        before = claims.claim_documents(uow, claim_id)
    assert before.statement is None
    assert before.worksheet is None
    assert before.letter.header.policy_number == world.policy.number
    with platform.uow(world.adjuster) as uow:
        sheet = claims.assess_claim(
            uow,
            claim_id,
            items=[
                claims.LossItem(
                    coverage="forensics",
                    kind=claims.LossKind.INVOICE,
                    description="Forensic invoice",
                    amount=Money("30000.00"),
                )
            ],
        )
    # Forensics ¥30,000, no sublimit or coinsurance binding it, less the ¥5,000 retention.
    assert sheet.payable.amount == Decimal("25000.00")
    with platform.uow(world.insured) as uow:
        after = claims.claim_documents(uow, claim_id)
    assert after.statement is not None
    assert after.worksheet is not None
    assert after.statement.payable == sheet.payable
    assert after.statement.header.claim_reference == after.letter.header.claim_reference
    for outsider in (world.provider, world.other_insurer):
        with platform.uow(outsider) as uow, pytest.raises(NotFoundError):
            claims.claim_documents(uow, claim_id)
