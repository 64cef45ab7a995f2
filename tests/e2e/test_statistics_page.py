"""The regulator's dashboard before anything is reported: each chart says there is nothing to
show (no blank frames), and the totals say zero policies."""

from __future__ import annotations

import re

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import PASSWORD, make_tenant

CHARTS = ("enterprise_type", "enterprise_month", "personal_month", "personal_province")


def _sign_in(api: Api, username: str) -> None:
    page = api.client.get("/login").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    answer = api.client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": found.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def test_an_empty_market_shows_empty_states_not_blank_charts(api: Api, platform: Platform) -> None:
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    _sign_in(api, regulator.username)
    page = api.client.get("/statistics")
    assert page.status_code == 200
    html = page.text
    assert "data-echarts" not in html  # no chart frame drawn over nothing
    for chart in CHARTS:
        assert f'data-testid="chart-{chart}-empty"' in html
    assert html.count("暂无可显示的数据") == len(CHARTS)
    for table in ("industry_section", "region"):  # the tables say so too
        assert f'data-testid="table-{table}-empty"' in html
    api.client.get("/lang/en", follow_redirects=False)
    english = api.client.get("/statistics").text
    assert english.count("No figures to show yet:") == len(CHARTS)
    assert "暂无可显示的数据" not in english
