"""The renewal quote over HTTP carries the term's score history and what it did to the premium;
the score history has its own read, for the insured and its insurer; another insurer gets 404."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu import monitoring
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.assessment import ScoreChangeReason
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import IN_TERM, World, build_world
from tests.unit.monitoring.realdata import APACHE_CVE, kev_entry, kev_observation, require_shared


@pytest.fixture
def world(platform: Platform) -> World:
    require_shared()
    return build_world(platform)


def test_the_renewal_quote_and_the_score_history_over_http(
    platform: Platform, api: Api, world: World
) -> None:
    monitoring.record_observations(
        platform.uow(SYSTEM), [kev_observation(kev_entry(APACHE_CVE))], now=IN_TERM
    )
    (alert,) = monitoring.list_alerts(platform.uow(SYSTEM), enterprise_id=world.enterprise_id)
    monitoring.rescore(
        platform.uow(SYSTEM),
        [world.enterprise_id],
        reason=ScoreChangeReason.ALERT_OPENED,
        at=IN_TERM,
        ref=alert.id,
    )
    buyer = api.headers(world.buyer.username)
    history = api.client.get(f"/api/enterprises/{world.enterprise_id}/score-history", headers=buyer)
    assert history.status_code == 200, history.text
    assert [c["reason"] for c in history.json()] == ["diagnosis", "alert_opened"]
    assert history.json()[1]["ref"] == alert.id
    assert history.json()[1]["text"]["zh"].startswith("监控告警产生")
    other = make_tenant(platform, OrgKind.INSURER, "Other insurer", Role.UNDERWRITER)
    theirs = api.client.get(
        f"/api/enterprises/{world.enterprise_id}/score-history",
        headers=api.headers(other.principal.username),
    )
    assert theirs.status_code == 404

    response = api.client.post(
        f"/api/policies/{world.policy_id}/renew", json={"claims_count": 0}, headers=buyer
    )
    assert response.status_code == 201, response.text
    quote = response.json()
    term = quote["renewal"]
    (option,) = quote["options"]
    assert Decimal(term["renewal_score"]) == Decimal(term["bind_score"]) - 8
    assert term["premium_at_renewal_score"] == option["filed_premium"]
    assert Decimal(term["premium_change"]) == Decimal(term["premium_at_renewal_score"]) - Decimal(
        term["premium_at_bind_score"]
    )
    assert [c["ref"] for c in term["changes"]] == [None, alert.id]
    assert datetime.fromisoformat(term["changes"][1]["at"]) == IN_TERM.astimezone(UTC)
