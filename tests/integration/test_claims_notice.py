"""First notice of loss on real databases (SQLite and PostgreSQL): the claim, its SLA clocks and
reserves, duplicates, refusals with dates, flags, and who may see it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from liubu import claims
from liubu.accounts.model import SYSTEM
from liubu.assessment import assign_task
from liubu.bootstrap import Platform
from liubu.claims import ClaimFlag, ClaimsCode, notify
from liubu.core import shanghai_today
from liubu.errors import NotFoundError, ValidationError
from liubu.store import tables
from liubu.underwriting import lifecycle
from tests.integration.claims_world import build, notice

# The coverages of shifan-pc/sme-cyber-comprehensive@2 a ransomware incident can trigger, by
# hand from the incident-type file and the product's coverage list (in product order).
RANSOMWARE_LINES = [
    "incident_response", "forensics", "legal_counsel", "notification", "data_restoration",
    "business_interruption", "extortion", "pr_crisis", "privacy_liability",
    "network_security_liability", "regulatory_defence_and_penalties",
]  # fmt: skip


def test_the_insured_notifies_and_the_claim_opens_with_its_clocks_and_reserves(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        result = notify(uow, notice(world.policy))
    claim = result.claim
    assert not result.duplicate
    assert claim.channel == "insured"
    assert claim.number.startswith(f"LC{claim.notified_at.year}")
    assert claim.number.endswith("1")
    # The product promises incident-response contact in 30 minutes and settlement in 10 days.
    assert claim.ir_contact_due - claim.notified_at == timedelta(minutes=30)
    assert claim.settlement_due is not None
    assert claim.settlement_due - claim.notified_at == timedelta(days=10)
    assert claim.flags == ()
    assert (claim.contact_name_masked, claim.contact_phone_masked) == ("张*三", "138****5678")
    with platform.uow(world.adjuster) as uow:
        view = claims.claim_view(uow, claim.id)
    assert [line.coverage for line in view.reserves] == sorted(RANSOMWARE_LINES)
    engine = [line for line in view.reserves if line.source == "engine"]
    assert {line.coverage for line in engine} >= {"extortion", "business_interruption"}
    assert all(line.reserve > 0 for line in engine)
    # no single line may reserve more than the policy limit
    assert all(line.reserve <= world.policy.limit for line in view.reserves)
    assert view.incurred == sum(line.reserve for line in view.reserves)
    # The contact is encrypted at rest: the phone number is nowhere in the row.
    with platform.engine.connect() as connection:
        row = connection.execute(sa.select(tables.claims)).one()
    assert b"13812345678" not in row.contact_phone_encrypted
    assert "13812345678" not in str(dict(row._mapping))
    with platform.uow(world.adjuster) as uow:
        queue = claims.queue(uow)
    assert [c.id for c in queue] == [claim.id]
    sla = queue[0].sla(claim.notified_at + timedelta(minutes=40))
    assert sla["ir_contact"]["breached"] is True
    assert sla["ir_contact"]["remaining_seconds"] == -600


def test_a_second_identical_notice_returns_the_first_claim(platform: Platform) -> None:
    world = build(platform)
    facts = notice(world.policy)
    with platform.uow(world.insured) as uow:
        first = notify(uow, facts)
    with platform.uow(world.insured) as uow:
        second = notify(uow, facts)
    assert second.duplicate
    assert second.claim.id == first.claim.id
    # The same incident phoned in to the hotline is another reporter: a claim of its own.
    with platform.uow(world.adjuster) as uow:
        hotline = notify(uow, facts)
    assert not hotline.duplicate
    assert hotline.claim.channel == "hotline"
    assert hotline.claim.number != first.claim.number
    with platform.uow(world.adjuster) as uow:
        assert len(claims.queue(uow)) == 2


def test_a_notice_on_an_expired_policy_is_refused_with_its_dates(platform: Platform) -> None:
    start = shanghai_today() - timedelta(days=400)
    world = build(platform, start=start)
    end = world.policy.period_end
    with platform.uow(world.insured) as uow, pytest.raises(ValidationError) as refused:
        notify(uow, notice(world.policy, occurred_days_ago=2))
    assert refused.value.code == ClaimsCode.POLICY_NOT_IN_FORCE
    assert refused.value.field == "occurred_on"
    assert str(start) in refused.value.message
    assert str(end) in refused.value.message
    with platform.uow(world.adjuster) as uow:
        assert claims.queue(uow) == []


def test_a_cancelled_policy_covers_losses_before_its_cancellation_only(
    platform: Platform,
) -> None:
    world = build(platform)
    cancelled_on = shanghai_today() - timedelta(days=10)
    with platform.uow(world.insured) as uow:
        lifecycle.cancel(uow, world.policy.id, cancelled_on=cancelled_on)
    with platform.uow(world.insured) as uow, pytest.raises(ValidationError) as refused:
        notify(uow, notice(world.policy, occurred_days_ago=5))
    assert refused.value.code == ClaimsCode.POLICY_NOT_IN_FORCE
    assert f"was cancelled on {cancelled_on}" in refused.value.message
    with platform.uow(world.insured) as uow:
        before = notify(uow, notice(world.policy, occurred_days_ago=20, discovered_hours_ago=2))
    # Claims-made: the notice came after the cover ended but within the 60 extended days.
    assert ClaimFlag.REPORTED_OUTSIDE_PERIOD not in before.claim.flags


def test_late_notice_and_a_loss_before_the_retroactive_date_are_flagged_not_refused(
    platform: Platform,
) -> None:
    world = build(platform)
    # Discovered 72 hours ago: the product asks for notice within 48 hours.
    with platform.uow(world.insured) as uow:
        late = notify(uow, notice(world.policy, occurred_days_ago=4, discovered_hours_ago=72))
    assert late.claim.flags == (ClaimFlag.LATE_NOTICE,)
    # Retroactive period 0 days: cover reaches back to inception, 30 days ago; a loss 40 days ago
    # is before it.
    with platform.uow(world.insured) as uow:
        early = notify(uow, notice(world.policy, occurred_days_ago=40, incident="data_breach"))
    assert early.claim.flags == (ClaimFlag.BEFORE_RETROACTIVE_DATE,)


def test_an_incident_type_without_a_scenario_opens_zero_reserves_for_the_adjuster(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        result = notify(uow, notice(world.policy, incident="system_failure"))
    assert ClaimFlag.RESERVE_SET_BY_ADJUSTER in result.claim.flags
    with platform.uow(world.adjuster) as uow:
        view = claims.claim_view(uow, result.claim.id)
    assert view.reserves
    assert all(
        line.reserve == Decimal("0.00") and line.source == "adjuster" for line in view.reserves
    )


def test_another_insurer_or_an_unrelated_provider_finds_no_claim_or_policy(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy)).claim
    for stranger in (world.other_insurer, world.provider):
        with platform.uow(stranger) as uow, pytest.raises(NotFoundError):
            claims.claim_view(uow, claim.id)
        with platform.uow(stranger) as uow:
            assert claims.queue(uow) == []
    with platform.uow(world.provider) as uow, pytest.raises(NotFoundError):
        notify(uow, notice(world.policy, incident="ddos_outage"))
    # The insured sees its claim but not the insurer's reserves.
    with platform.uow(world.insured) as uow:
        view = claims.claim_view(uow, claim.id)
    assert view.claim.id == claim.id
    assert view.reserves == ()


def test_a_provider_the_enterprise_assigned_work_to_may_notify_on_its_behalf(
    platform: Platform,
) -> None:
    world = build(platform)
    with platform.uow(SYSTEM) as uow:
        enterprise_id = uow.underwriting.policy(world.policy.id).enterprise_id
    with platform.uow(world.insured) as uow:
        assign_task(
            uow,
            enterprise_id,
            provider_id=world.provider.tenant_id,
            fix_id="patch_vpn",
            title_zh="修补VPN",
            title_en="Patch the VPN",
        )
    with platform.uow(world.provider) as uow:
        result = notify(uow, notice(world.policy, incident="ddos_outage"))
    assert result.claim.channel == "provider"
    assert result.claim.client_tenant_id == world.insured.tenant_id
    with platform.uow(world.insured) as uow:
        assert [c.id for c in claims.queue(uow)] == [result.claim.id]
