"""``liubu notify deliver`` as an operator's cron runs it: one run sends what is due to a real
receiver on 127.0.0.1 and prints the counts; a second run has nothing left to send."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from liubu import notify
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.notify import Bilingual, Event, EventKind
from tests.e2e.cli import run_cli
from tests.integration.helpers import make_tenant
from tests.integration.notify_servers import SECRET, Receiver, http_receiver  # noqa: F401

LOOPBACK = {"LIUBU_NOTIFY_ALLOW_LOOPBACK": "true"}


def test_one_run_sends_what_is_due(tmp_path: Path, receiver: Receiver) -> None:
    settings = load_settings(env="development", data_dir=tmp_path, notify_allow_loopback=True)
    platform = bootstrap(settings, upgrade_schema=True)
    try:
        admin = make_tenant(platform, OrgKind.INSURER, "Cron insurer", Role.ADMIN).principal
        notify.add_rule(
            platform.uow(admin),
            event_kind="monitoring.alert_opened",
            channel="webhook",
            target=f"http://127.0.0.1:{receiver.port}/hook",
            secret=SECRET,
            cipher=platform.cipher,
            allowed=platform.outbound_allowed(),
        )
        with platform.uow(SYSTEM) as uow:
            notify.publish(
                uow,
                Event(
                    kind=EventKind.ALERT_OPENED,
                    subject_id="cli-alert",
                    audiences=(admin.tenant_id,),
                    title=Bilingual(zh="严重监控告警", en="Critical monitoring alert"),
                    body=Bilingual(zh="请处置。", en="Please act."),
                    link="/steps/monitoring",
                    occurred_at=datetime.now(UTC),
                ),
            )
            uow.commit()
    finally:
        platform.dispose()
    first = run_cli("notify", "deliver", "--json", data_dir=tmp_path, extra=LOOPBACK, check=True)
    assert json.loads(first.stdout) == {"sent": 1, "retrying": 0, "dead": 0}
    assert len(receiver.calls) == 1
    again = run_cli("notify", "deliver", data_dir=tmp_path, extra=LOOPBACK, check=True)
    assert again.stdout.strip() == "sent 0, retrying 0, dead 0"
