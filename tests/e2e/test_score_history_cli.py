"""``liubu policies renew`` prints the term's score changes and what they did to the premium,
and ``--json`` carries the same as the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from liubu import monitoring
from liubu.accounts.model import SYSTEM
from liubu.assessment import ScoreChangeReason
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.core import shanghai_today
from tests.e2e.cli import run_cli
from tests.integration.monitoring_world import build_world
from tests.unit.monitoring.realdata import APACHE_CVE, kev_entry, kev_observation, require_shared


def test_the_renewal_in_the_cli_shows_the_term_s_score_and_premium(tmp_path: Path) -> None:
    require_shared()
    platform = bootstrap(load_settings(env="development", data_dir=tmp_path), upgrade_schema=True)
    try:
        world = build_world(platform, start=shanghai_today() - timedelta(days=100))
        at = datetime.now(UTC) - timedelta(days=10)
        monitoring.record_observations(
            platform.uow(SYSTEM), [kev_observation(kev_entry(APACHE_CVE))], now=at
        )
        (alert,) = monitoring.list_alerts(platform.uow(SYSTEM))
        monitoring.rescore(
            platform.uow(SYSTEM),
            [world.enterprise_id],
            reason=ScoreChangeReason.ALERT_OPENED,
            at=at,
            ref=alert.id,
        )
    finally:
        platform.dispose()
    shown = run_cli("policies", "renew", world.policy_number, "--json", data_dir=tmp_path)
    assert shown.returncode == 0, shown.stderr
    term = json.loads(shown.stdout)["renewal"]
    assert [c["reason"] for c in term["changes"]] == ["diagnosis", "alert_opened"]
    assert Decimal(term["renewal_score"]) == Decimal(term["bind_score"]) - 8
    change = Decimal(term["premium_change"])
    assert change > 0
    text = run_cli("policies", "renew", world.policy_number, data_dir=tmp_path, check=True).stdout
    assert f"Monitoring alert opened ({alert.id})" in text
    assert f"¥{change:,.2f}" in text
