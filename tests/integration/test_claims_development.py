"""The claims store as a reserving source: the dated movements it gives add up, at any valuation,
to what the claim's reserve lines and recoveries say (paid; paid + case reserve), and no insurer
reads another's. On SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from liubu import claims
from liubu.bootstrap import Platform
from liubu.claims import Payee, RecoveryKind, notify
from tests.integration.claims_world import build, notice

PAYEE = Payee("某某科技有限公司", "6222020200112233445")


def _total(rows: list[claims.DevelopmentRow]) -> Decimal:
    return sum((r.amount for r in rows), Decimal(0))


def test_paid_and_incurred_movements_add_up_to_the_claim(platform: Platform) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy, occurred_days_ago=3)).claim
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, claim.id, coverage="forensics", amount=Decimal("80000"), reason="Estimate."
        )
        claims.pay(
            uow,
            claim.id,
            coverage="forensics",
            amount=Decimal("30000.50"),
            payee=PAYEE,
            idempotency_key="dev-1",
        )
        claims.record_recovery(
            uow,
            claim.id,
            kind=RecoveryKind.SUBROGATION,
            amount=Decimal("5000"),
            counterparty="某安全厂商",
            note="Vendor's contribution.",
        )
    with platform.uow(world.adjuster) as uow:
        view = claims.claim_view(uow, claim.id)
        paid = _total(list(uow.claim_development.claim_development(claim.product_ref, "paid")))
        incurred_rows = list(uow.claim_development.claim_development(claim.product_ref, "incurred"))
    lines_paid = sum((line.paid for line in view.reserves), Decimal(0))
    lines_incurred = sum((line.incurred for line in view.reserves), Decimal(0))
    # Written out: 30,000.50 paid less 5,000 recovered; incurred = every line's paid + reserve
    # (the opening reserves of the engine, the forensics line set to 80,000) less the recovery.
    assert lines_paid == Decimal("30000.50")
    assert paid == Decimal("25000.50")
    assert _total(incurred_rows) == lines_incurred - Decimal("5000")
    assert {r.accident_date for r in incurred_rows} == {claim.occurred_on}
    assert all(r.valuation_date >= r.accident_date for r in incurred_rows)
    # Another insurer's actuary sees none of it.
    with platform.uow(world.other_insurer) as uow:
        assert list(uow.claim_development.claim_development(None, "incurred")) == []
