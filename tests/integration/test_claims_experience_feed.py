"""Claims become experience rows (SQLite and PostgreSQL): the insurer's policies of a product
with their paid and case-reserved claims, fed as each claim's incurred moves and rebuilt in one
transaction on request, read back by the store the rate indication reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liubu import claims, experience
from liubu.accounts import AuditFilter, OrgKind, Role
from liubu.bootstrap import Platform
from liubu.claims import Payee, notify
from liubu.core import shanghai_today
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.products import find_product, parse_product
from tests.integration.claims_world import SME, World, build, notice
from tests.integration.helpers import make_tenant


def test_claims_feed_the_experience_the_indication_reads(platform: Platform) -> None:
    world = build(platform)  # bound 30 days ago
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy)).claim
    with platform.uow(world.adjuster) as uow:
        view = claims.claim_view(uow, claim.id)
    opened = view.incurred  # the engine's case reserves
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, claim.id, coverage="forensics", amount=Decimal("30000"), reason="Quote."
        )
    forensics_before = next(line.reserve for line in view.reserves if line.coverage == "forensics")
    with platform.uow(world.adjuster) as uow:
        claims.pay(
            uow, claim.id, coverage="forensics", amount=Decimal("10000"),
            payee=Payee("某公司", "62220000111"), idempotency_key="k1",
        )  # fmt: skip
    # incurred by hand: the opening reserves, with forensics moved to 30,000 (of which 10,000
    # now paid): paying moves money from outstanding to paid and leaves incurred as it was.
    expected = opened - forensics_before + Decimal("30000")
    as_of = shanghai_today()
    with platform.uow(world.manager) as uow:
        summary = claims.experience_from_claims(uow, SME, as_of=as_of)
    assert (summary.policies, summary.claims) == (1, 1)
    assert summary.incurred_loss == expected
    with platform.uow(world.manager) as uow:
        data = uow.experience.data(SME)
    days = (as_of - world.policy.period_start).days
    assert list(data.policy_id) == [world.policy.number]
    assert list(data.period) == [world.policy.period_start.year]
    assert data.exposure[0] == pytest.approx(days / 365, abs=5e-7)
    assert list(data.claim_count) == [1]
    assert data.incurred_loss[0] == pytest.approx(float(expected), abs=5e-3)
    assert set(data.factor_names) == {"security_grade", "mlps_level", "industry_section"}
    section = world.policy.submission.enterprise.industry_section
    assert list(data.factor("industry_section")) == [section]
    # the fed row is the segment experience the technical premium blends with its prior
    with platform.uow(world.manager) as uow:
        segment = uow.underwriting.segment_experience(SME, section)
    assert segment is not None
    assert segment.claims == 1
    assert float(segment.exposure_years) == pytest.approx(days / 365, abs=5e-6)
    # Rebuilding gives the same rows, not twice as many.
    with platform.uow(world.manager) as uow:
        claims.experience_from_claims(uow, SME, as_of=as_of)
    with platform.uow(world.manager) as uow:
        assert uow.experience.counts(SME).rows == 1
    with platform.uow(world.insured) as uow, pytest.raises(PermissionDeniedError):
        claims.experience_from_claims(uow, SME)


def _row(platform: Platform, world: World) -> tuple[int, Decimal, float]:
    """The policy's stored claims-fed row: (claims, incurred, exposure years)."""
    with platform.uow(world.manager) as uow:
        data = uow.experience.data(SME)
    assert list(data.policy_id) == [world.policy.number]
    return (
        int(data.claim_count[0]),
        Decimal(f"{data.incurred_loss[0]:.2f}"),
        float(data.exposure[0]),
    )


def _feeds(platform: Platform, world: World) -> list[str]:
    """The batches the feed wrote, newest first (from the insurer's audit trail)."""
    with platform.uow(world.manager) as uow:
        events = uow.audit.search(AuditFilter(action="claims_experience.fed_from_claims"))
    return [event.entity_id for event in events]


def test_a_reserve_change_and_a_payment_move_the_row_at_once(platform: Platform) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy)).claim
    with platform.uow(world.adjuster) as uow:
        opening = {
            line.coverage: line.reserve for line in claims.claim_view(uow, claim.id).reserves
        }
    days = (shanghai_today() - world.policy.period_start).days
    # The insured's own notice put the opening reserves into the insurer's experience.
    assert _row(platform, world) == (1, sum(opening.values()), pytest.approx(days / 365, abs=5e-7))
    # A reserve change: forensics from its opening amount to 30,000.
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, claim.id, coverage="forensics", amount=Decimal("30000"), reason="Quote."
        )
    raised = sum(opening.values()) - opening["forensics"] + Decimal("30000")
    assert _row(platform, world)[:2] == (1, raised)
    fed = _feeds(platform, world)
    # A payment of 10,000 moves outstanding to paid: incurred stays, but the row is written
    # again in the payment's transaction (a new batch), and still says the same.
    with platform.uow(world.adjuster) as uow:
        claims.pay(
            uow, claim.id, coverage="forensics", amount=Decimal("10000"),
            payee=Payee("某公司", "62220000111"), idempotency_key="feed-1",
        )  # fmt: skip
    after_payment = _feeds(platform, world)
    assert len(after_payment) == len(fed) + 1
    assert after_payment[1:] == fed
    assert _row(platform, world)[:2] == (1, raised)
    # A recovery of 2,500 on what was paid brings incurred down by as much.
    with platform.uow(world.adjuster) as uow:
        claims.record_recovery(
            uow, claim.id, kind="subrogation", amount=Decimal("2500"),
            counterparty="某 IT 服务商", note="Contract breach.",
        )  # fmt: skip
    assert _row(platform, world)[:2] == (1, raised - Decimal("2500"))


def test_the_rebuild_gives_the_rows_the_feed_kept(platform: Platform) -> None:
    world = build(platform, serial=2)
    with platform.uow(world.insured) as uow:
        first = notify(uow, notice(world.policy)).claim
        second = notify(
            uow, notice(world.policy, incident="data_breach", occurred_days_ago=1)
        ).claim
    with platform.uow(world.adjuster) as uow:
        opened = claims.claim_view(uow, second.id).incurred
    steps = [
        lambda uow: claims.set_reserve(
            uow, first.id, coverage="forensics", amount=Decimal("20000"), reason="Quote."
        ),
        lambda uow: claims.pay(
            uow, first.id, coverage="forensics", amount=Decimal("12000"),
            payee=Payee("某公司", "62220000111"), idempotency_key="feed-2",
        ),
        lambda uow: claims.record_recovery(
            uow, first.id, kind="salvage", amount=Decimal("2000"), counterparty="回收商", note="",
        ),
        lambda uow: claims.close(uow, first.id, reason="Settled."),
        lambda uow: claims.reopen(uow, first.id, reason="New invoice."),
    ]  # fmt: skip
    for step in steps:
        with platform.uow(world.adjuster) as uow:
            step(uow)
    # By hand: the first claim closed with 12,000 paid and 2,000 recovered (its other reserves
    # released, none set again since reopening); the second keeps its opening reserves.
    expected = Decimal("12000") - Decimal("2000") + opened
    with platform.uow(world.manager) as uow:
        fed = uow.experience.data(SME)
    assert list(fed.claim_count) == [2 if opened > 0 else 1]
    assert Decimal(f"{fed.incurred_loss[0]:.2f}") == expected
    with platform.uow(world.manager) as uow:
        claims.experience_from_claims(uow, SME)
    with platform.uow(world.manager) as uow:
        rebuilt = uow.experience.data(SME)
    for column in ("policy_id", "period", "claim_count", "incurred_loss", "exposure"):
        assert list(getattr(rebuilt, column)) == list(getattr(fed, column)), column
    for name in fed.factor_names:
        assert list(rebuilt.factor(name)) == list(fed.factor(name))


def test_another_insurers_indication_does_not_see_the_fed_rows(platform: Platform) -> None:
    world = build(platform, serial=3)
    with platform.uow(world.insured) as uow:
        notify(uow, notice(world.policy))
    other = make_tenant(platform, OrgKind.INSURER, "Other actuary 3", Role.ACTUARY).principal
    with platform.uow(world.manager) as uow:
        record = find_product(uow, SME)
    spec = parse_product(record.document, source=record.product_ref)
    with platform.uow(other) as uow, pytest.raises(NotFoundError):
        experience.indicate(uow, spec, product_ref=SME)
    with platform.uow(other) as uow:
        assert uow.experience.counts(SME).rows == 0
    with platform.uow(world.manager) as uow:
        assert uow.experience.counts(SME).rows == 1
