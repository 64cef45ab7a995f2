"""``liubu service`` as the operator runs it on the demo: scheduling again creates nothing, the
list prints the demo's bundled-service tasks, a task is accepted, the overdue list holds only
tasks past a service level, and a wrong reason is refused naming the reasons known."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO


@CLI_DEMO
def test_schedule_list_accept_and_overdue(cli_demo: Path) -> None:
    again = run_cli("service", "schedule", "--json", data_dir=cli_demo, check=True)
    summary = json.loads(again.stdout)
    assert (summary["created"], summary["cancelled"]) == (0, 0)  # the demo scheduled them
    assert summary["unassigned"] >= 1  # training: no provider on the demo insurer's panel

    listed = json.loads(run_cli("service", "list", "--json", data_dir=cli_demo, check=True).stdout)
    services = {t["service"] for t in listed}
    assert {"continuous_monitoring", "vulnerability_scanning", "security_training"} <= services
    waiting = next(t for t in listed if t["status"] == "open" and not t["unassigned"])
    accepted = run_cli("service", "accept", waiting["id"], data_dir=cli_demo, check=True)
    assert accepted.stdout.strip() == f"{waiting['id']}: accepted"

    overdue = json.loads(
        run_cli("service", "list", "--overdue", "--json", data_dir=cli_demo, check=True).stdout
    )
    assert overdue
    assert all(t["overdue"] and t["breach"] in ("accept", "complete") for t in overdue)
    assert {t["id"] for t in overdue} <= {t["id"] for t in listed}

    refused = run_cli("service", "reject", waiting["id"], "--reason", "lazy", data_dir=cli_demo)
    assert refused.returncode != 0
    assert "not a reason to send a report back; known: evidence_missing" in refused.stderr
