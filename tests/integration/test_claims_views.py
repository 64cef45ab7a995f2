"""The money of a listed queue in three queries (``claims.claim_views``, step 6's page) is, for
each claim and each party, exactly what the one-claim read ``claims.claim_view`` gives (SQLite and
PostgreSQL): the insurer sees reserves, payments and recoveries; the insured its payments; the
dispatched vendor none of the money and no worksheet."""

from __future__ import annotations

from decimal import Decimal

from liubu import claims
from liubu.bootstrap import Platform
from liubu.claims import Payee, notify
from tests.integration.claims_world import build, notice


def test_the_views_of_a_queue_equal_each_claims_own_view(platform: Platform) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        paid = notify(uow, notice(world.policy)).claim
    with platform.uow(world.insured) as uow:
        reserved = notify(uow, notice(world.policy, incident="data_breach")).claim
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, paid.id, coverage="forensics", amount=Decimal("50000.00"), reason="Quote."
        )
    with platform.uow(world.adjuster) as uow:
        claims.pay(
            uow, paid.id, coverage="forensics", amount=Decimal("20000.00"),
            payee=Payee("某某科技有限公司", "6222020200112233445"), idempotency_key="views-1",
        )  # fmt: skip
    with platform.uow(world.adjuster) as uow:
        claims.record_recovery(
            uow, paid.id, kind="subrogation", amount=Decimal("5000.00"),
            counterparty="Negligent MSP Ltd", note="Settled.",
        )  # fmt: skip
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, reserved.id, coverage="forensics", amount=Decimal("30000.00"), reason="Quote."
        )
    with platform.uow(world.manager) as uow:
        claims.add_to_panel(uow, world.provider.tenant_id)
    sent = claims.dispatch(
        platform.uow(world.adjuster), paid.id, vendor_tenant_id=world.provider.tenant_id
    )
    claims.answer_dispatch(platform.uow(world.provider), sent.id, accept=True)

    seen: dict[str, set[str]] = {}
    for who in (world.adjuster, world.insured, world.provider, world.other_insurer):
        with platform.uow(who) as uow:
            listed = claims.queue(uow, state="open")
        with platform.uow(who) as uow:
            views = claims.claim_views(uow, listed)
        assert list(views) == [c.id for c in listed]
        for claim in listed:
            with platform.uow(who) as uow:
                assert views[claim.id] == claims.claim_view(uow, claim.id)
        seen[who.tenant_id] = set(views)
    assert seen[world.adjuster.tenant_id] == seen[world.insured.tenant_id] == {paid.id, reserved.id}
    assert seen[world.provider.tenant_id] == {paid.id}
    assert seen[world.other_insurer.tenant_id] == set()

    with platform.uow(world.adjuster) as uow:
        mine = claims.claim_views(uow, claims.queue(uow, state="open"))
    # By hand: 50,000 reserved, 20,000 paid of it, 5,000 recovered.
    assert mine[paid.id].paid == Decimal("20000.00")
    assert mine[paid.id].recovered == Decimal("5000.00")
    with platform.uow(world.provider) as uow:
        (vendor_view,) = claims.claim_views(uow, claims.queue(uow, state="open")).values()
    assert vendor_view.reserves == vendor_view.payments == vendor_view.recoveries == ()
    assert vendor_view.claim.worksheet is None
