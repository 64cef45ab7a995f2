"""A deterministic scenario on the portfolio page: the actuary picks a named scenario of the
shipped library and the page lists the policies it strikes in the order, and with the counts,
that ``run_scenario`` gives on the insurer's own book (here its imported existing book); an
insurer with no book is told so, located; an unknown scenario is refused, not run."""

from __future__ import annotations

import re
from importlib import resources

from liubu import portfolio
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant

BOOK = resources.files("liubu.portfolio").joinpath("data", "demo_book.csv").read_bytes()
NAME = "aliyun_hangzhou_down_24h"


def _sign_in(api: Api, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/login").text)
    assert token is not None
    api.client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token[1]}
    )


def test_a_named_scenario_strikes_the_insurers_own_book(api: Api, platform: Platform) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.ACTUARY, code="yangben-pc")
    _sign_in(api, actuary.username)
    empty = api.client.get("/portfolio", params={"scenario": NAME})
    assert empty.status_code == 200
    assert 'data-testid="scenario-problem"' in empty.text
    assert 'data-testid="scenario-result"' not in empty.text

    catalogue = portfolio.demo_catalogue()
    portfolio.import_book(
        platform.uow(actuary.principal),
        actuary.organisation_id,
        BOOK,
        filename="demo_book.csv",
        catalogue=catalogue,
    )
    own = portfolio.insurer_book(
        platform.uow(actuary.principal), actuary.organisation_id, catalogue
    )
    assert own.book is not None
    expected = portfolio.run_scenario(
        own.book, catalogue, portfolio.scenario_named(portfolio.demo_scenarios(), NAME)
    )
    assert expected.paid > 0

    api.client.get("/lang/en?next=/")
    page = api.client.get("/portfolio", params={"scenario": NAME})
    assert page.status_code == 200
    assert f'data-scenario="{NAME}"' in page.text
    listed = re.findall(r'<tr data-policy="([^"]+)">', page.text)
    assert listed == [p.policy for p in expected.by_policy[:10]]
    assert (
        f"{expected.exposed:,} of {expected.policies:,} rely on it; "
        f"{expected.struck:,} struck, {expected.paid:,} with a claim."
    ) in page.text

    unknown = api.client.get("/portfolio", params={"scenario": "no_such_scenario"})
    assert 'data-testid="scenario-problem"' in unknown.text
    assert 'data-testid="scenario-result"' not in unknown.text
