"""The demo's anti-fraud pilot (SQLite and PostgreSQL): the residents the three files name are
insured, the claims batch ends as its lines say — counted here from the claims file itself, the
capped claim recomputed by hand from the product's terms — and the regulator's figures count what
the tables hold; a second load adds nothing."""

from __future__ import annotations

import csv
from decimal import Decimal

import sqlalchemy as sa

from liubu.accounts import SYSTEM
from liubu.bootstrap import Platform
from liubu.demo import load_demo_antifraud, load_reference_products
from liubu.statistics import market_statistics
from liubu.store import tables


def _counts(platform: Platform) -> tuple[int, int]:
    with platform.engine.connect() as connection:
        people = connection.execute(
            sa.select(sa.func.count()).select_from(tables.personal_policies)
        ).scalar_one()
        claims = connection.execute(
            sa.select(sa.func.count()).select_from(tables.personal_claims)
        ).scalar_one()
    return int(people), int(claims)


def test_the_demo_pilot_insures_its_residents_and_files_its_claims_batch(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    loaded = load_demo_antifraud(platform)
    assert loaded is not None
    assert loaded.residents == 150 + 120 + 100
    summary = loaded.claims
    # 20 lines: 18 stored (16 accepted; a late notice and an excluded cause refused with their
    # reasons), 2 to the error file (a receipt of the wrong month, a resident with no policy).
    assert (summary.stored, summary.accepted, summary.refused, summary.rejected) == (18, 16, 2, 2)
    with open(summary.error_file, encoding="utf-8-sig") as handle:
        errors = {row["code"] for row in csv.DictReader(handle)}
    assert errors == {"claims.antifraud.receipt_month", "claims.antifraud.no_policy"}
    assert _counts(platform) == (370, 18)

    with platform.engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                tables.personal_claims.c.decision,
                tables.personal_claims.c.loss_amount,
                tables.personal_claims.c.payable,
                tables.personal_claims.c.worksheet,
            )
        ).all()
    # The first line: ¥48,000 lost by a resident insured for ¥10,000 — (48,000 − 3,000 retention)
    # × 70 % = 31,500, above the limit: it pays the ¥10,000 limit.
    capped = [r for r in rows if r.loss_amount == Decimal("48000.00")]
    assert len(capped) == 1
    assert capped[0].payable == Decimal("10000.00")
    assert capped[0].decision == "accepted"
    paid = sum((r.payable for r in rows if r.decision == "accepted"), Decimal(0))

    with platform.uow(SYSTEM) as uow:
        stats = market_statistics(uow, minimum=3)
    assert stats.personal is not None
    assert stats.personal.policies == 370
    assert stats.personal.claims == 18
    assert stats.personal.claims_paid == paid
    # Three inception months and the residents' provinces: the charts have bars to draw.
    assert len(stats.personal_by["month"]) == 3
    assert len(stats.personal_by["province"]) > 1

    assert load_demo_antifraud(platform) is None
    assert _counts(platform) == (370, 18)
