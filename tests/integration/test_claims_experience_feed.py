"""Claims become experience rows (SQLite and PostgreSQL): the insurer's policies of a product
with their paid and case-reserved claims, rebuilt in one transaction, read back by the store the
rate indication reads."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu import claims
from liubu.bootstrap import Platform
from liubu.claims import Payee, notify
from liubu.errors import PermissionDeniedError
from tests.integration.claims_world import SME, build, notice


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
    as_of = datetime.now(UTC).date()
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
    assert set(data.factor_names) == {"security_grade", "mlps_level"}
    # Rebuilding gives the same rows, not twice as many.
    with platform.uow(world.manager) as uow:
        claims.experience_from_claims(uow, SME, as_of=as_of)
    with platform.uow(world.manager) as uow:
        assert uow.experience.counts(SME).rows == 1
    with platform.uow(world.insured) as uow, pytest.raises(PermissionDeniedError):
        claims.experience_from_claims(uow, SME)
