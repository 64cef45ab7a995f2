"""``/reserving`` from the claims store, over HTTP: an insurer's actuary chooses a product and a
basis, the page builds the triangle from the store and shows the same ultimates as
``claims.reserve_product`` computed here; another insurer's actuary sees the empty state, not
the first insurer's claims."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from liubu import claims
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.claims import Payee, notify
from liubu.core import shanghai_today
from liubu.store import tables
from tests.e2e.conftest import Api
from tests.integration.claims_world import SME, build, insurer_user, notice
from tests.integration.helpers import PASSWORD, make_tenant

PAYEE = Payee("某某科技有限公司", "6222020200112233445")


def _sign_in(api: Api, username: str) -> None:
    login = api.client.get("/login")
    token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    api.client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=True,
    )


def _reserve_on_page(api: Api, **form: str) -> tuple[int, str]:
    page = api.client.get("/reserving")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = api.client.post("/reserving/store", data={"csrf_token": token, **form})
    return answer.status_code, answer.text


def _origins(html: str) -> dict[str, str]:
    """Origin → ultimate as the page's table shows it."""
    table = html.split('data-testid="origins"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-origin="([^"]+)">(.*?)</tr>', table)
    return {origin: re.findall(r'class="amount">([^<]+)<', cells)[1] for origin, cells in rows}


def _claims_over_three_years(platform: Platform) -> None:
    """Three claims, one per accident year, each paid in its year and the next ones: made by
    the use cases, then moved back in time (accident and payment dates) in the store."""
    world = build(platform)
    today = shanghai_today()
    years = [today.year - 2, today.year - 1, today.year]
    paid = {0: [30_000, 20_000, 5_000], 1: [40_000, 25_000], 2: [35_000]}
    for index, year in enumerate(years):
        with platform.uow(world.insured) as uow:
            claim = notify(uow, notice(world.policy, occurred_days_ago=1 + index)).claim
        with platform.uow(world.adjuster) as uow:
            claims.set_reserve(
                uow, claim.id, coverage="forensics", amount=Decimal("100000"), reason="Quote."
            )
            for k, amount in enumerate(paid[index]):
                claims.pay(
                    uow, claim.id, coverage="forensics", amount=Decimal(amount),
                    payee=PAYEE, idempotency_key=f"web-{index}-{k}",
                )  # fmt: skip
        accident = date(year, 3, 1)
        with platform.engine.begin() as connection:
            connection.execute(
                sa.update(tables.claims)
                .where(tables.claims.c.id == claim.id)
                .values(occurred_on=accident)
            )
            payments = tables.claim_payments
            ids = connection.execute(
                sa.select(payments.c.id)
                .where(payments.c.claim_id == claim.id)
                .order_by(payments.c.created_at, payments.c.idempotency_key)
            ).scalars()
            for k, payment_id in enumerate(ids):  # paid in June of the accident year and after
                connection.execute(
                    sa.update(payments)
                    .where(payments.c.id == payment_id)
                    .values(created_at=datetime(year + k, 6, 1, 4, tzinfo=UTC))
                )


def test_reserving_from_the_store_shows_what_reserve_product_gives(
    api: Api, platform: Platform
) -> None:
    _claims_over_three_years(platform)
    actuary = insurer_user(platform, Role.ACTUARY, "sf-actuary")
    with platform.uow(actuary) as uow:
        expected = claims.reserve_product(
            actuary, uow.claim_development, product_ref=SME, basis="paid"
        )
    # By hand: the paid triangle is 30,000 | 50,000 | 55,000 ; 40,000 | 65,000 ; 35,000, so the
    # chain-ladder factors are (50+65)/(30+40) and 55/50, the last origin's ultimate
    # 35,000 × 115/70 × 1.1 = 63,250.
    assert [o.ultimate for o in expected.origins][-1] == Decimal("63250.00")
    _sign_in(api, "sf-actuary")
    status, html = _reserve_on_page(
        api, product=SME, basis="paid", origin_period="year", method="chainladder"
    )
    assert status == 200, html
    shown = _origins(html)
    assert shown == {o.origin: f"{o.ultimate:,.2f}" for o in expected.origins}
    assert 'data-testid="heatmap"' in html
    # Another insurer's actuary: its own (empty) claims, a clear empty state, not an error.
    other = make_tenant(platform, OrgKind.INSURER, "Other reserving", Role.ACTUARY)
    api.client.cookies.clear()
    _sign_in(api, other.username)
    status, html = _reserve_on_page(api, product="", basis="paid", origin_period="year")
    assert status == 200
    assert 'data-testid="store-empty"' in html
    assert 'data-testid="origins"' not in html
    # A product that is not the caller's is refused by name, not reserved.
    status, html = _reserve_on_page(api, product=SME, basis="paid", origin_period="year")
    assert status == 422
    assert 'data-testid="origins"' not in html
