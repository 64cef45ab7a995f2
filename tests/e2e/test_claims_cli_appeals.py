"""``liubu claims appeal|appeals|reassess-appeal|decide-appeal`` as a user runs them, on the
demo's assessed ransomware claim: bad input is a usage error (exit 2) and a refused step a one-line
refusal (exit 1), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO
from tests.e2e.test_claims_cli import _python


@CLI_DEMO
def test_the_insured_appeals_and_the_manager_decides_in_the_cli(cli_demo: Path) -> None:
    data_dir = cli_demo
    number = _python(
        "with p.uow() as uow:\n"
        "    print(next(c.number for c in uow.claims.claims() if c.worksheet))",
        data_dir,
    )
    missing = run_cli("claims", "appeal", number, "--lines", "retention", data_dir=data_dir)
    assert missing.returncode == 2
    assert "--reason" in missing.stderr
    unknown = run_cli(
        "claims", "appeal", number, "--lines", "no_such_step", "--reason", "x", data_dir=data_dir
    )
    assert unknown.returncode == 2  # bad input: a usage error
    assert "Traceback" not in unknown.stderr
    assert "retention" in unknown.stderr  # the refusal names the steps there are
    lodged = run_cli(
        "claims", "appeal", number, "--lines", "retention,bi_waiting_period:business_interruption",
        "--reason", "停工时间应从发现时起算。", "--json", data_dir=data_dir, check=True,
    )  # fmt: skip
    appeal = json.loads(lodged.stdout)
    assert appeal["state"] == "open"
    assert appeal["lines"] == ["retention", "bi_waiting_period:business_interruption"]
    again = run_cli(
        "claims", "appeal", number, "--lines", "retention", "--reason", "x", data_dir=data_dir
    )
    assert again.returncode == 1
    assert "still waiting" in again.stderr
    listed = run_cli("claims", "appeals", number, data_dir=data_dir, check=True).stdout
    assert f"appeal {appeal['id']}: open" in listed

    bad = run_cli(
        "claims", "decide-appeal", number, appeal["id"], "--outcome", "maybe", "--reason", "x",
        data_dir=data_dir,
    )  # fmt: skip
    assert bad.returncode == 2
    early = run_cli(
        "claims", "decide-appeal", number, appeal["id"], "--outcome", "dismissed",
        "--reason", "x", data_dir=data_dir,
    )  # fmt: skip
    assert early.returncode == 1
    assert "Re-assess" in early.stderr
