"""The whole journey in the CLI, as a user runs it: answer the questionnaire, see the treatment
plan, ask for quotes, have the referral decided, bind, endorse and cancel."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from liubu.core import shanghai_today
from tests.e2e.cli import DECLARE, run_cli
from tests.e2e.conftest import CLI_DEMO


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, data_dir=data_dir, check=True)


def check_plan_headline(enterprise: str, printed: str, data_dir: Path) -> None:
    """The printed headline is the plan's, its figure the sum of the net savings of the rows it
    names, all of them worth doing; every row's status is printed."""
    document = json.loads(
        _cli(
            "assess",
            "plan",
            enterprise,
            "--product",
            "shifan-pc/sme-cyber-comprehensive@2",
            "--json",
            data_dir=data_dir,
        ).stdout
    )
    headline = document["headline"]
    rows = {fix["fix_id"]: fix for fix in document["fixes"]}
    named = [rows[fix_id] for fix_id in headline["fix_ids"]]
    assert all(fix["status"] == "worth_it" and Decimal(fix["net_saving_yuan"]) > 0 for fix in named)
    total = sum((Decimal(fix["net_saving_yuan"]) for fix in named), Decimal(0))
    assert Decimal(headline["net_saving_yuan"]) == total
    flat = " ".join(printed.split())
    assert " ".join(headline["text"]["en"].split()[:4]) in flat
    if named:
        assert f"¥{total:,.0f}" in flat
    for label in {fix["status_label"]["en"] for fix in document["fixes"]}:
        assert label.split(":")[0] in flat


@CLI_DEMO
def test_from_questionnaire_to_a_cancelled_policy_in_the_cli(cli_demo: Path) -> None:
    tmp_path = cli_demo
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from liubu.bootstrap import bootstrap\np = bootstrap()\n"
            "with p.uow() as uow: print(uow.enterprises.list()[0].id)\n",
        ],
        env={**os.environ, "LIUBU_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    enterprise = listed.stdout.strip()
    answers = tmp_path / "answers.yaml"
    answers.write_text('mfa.email: "yes"\nctx.remote_access: "no"\n', encoding="utf-8")
    assert (
        "version 1" in _cli("assess", "answer", enterprise, str(answers), data_dir=tmp_path).stdout
    )
    plan = _cli(
        "assess",
        "plan",
        enterprise,
        "--product",
        "shifan-pc/sme-cyber-comprehensive@2",
        data_dir=tmp_path,
    ).stdout
    check_plan_headline(enterprise, plan, tmp_path)
    requested = _cli(
        "quotes",
        "request",
        enterprise,
        "--product",
        "shifan-pc/sme-cyber-comprehensive@2",
        data_dir=tmp_path,
    ).stdout
    quote_id = re.search(r"quote (\w{32})", requested)
    assert quote_id is not None
    assert "referred" in requested  # the adequacy rule refers SME options (docs/pricing.md)
    _cli(
        "quotes",
        "decide",
        quote_id.group(1),
        "--approve",
        "--reasons",
        "accepted",
        data_dir=tmp_path,
    )
    bound = _cli(
        "quotes", "bind", quote_id.group(1), "--option", "0", *DECLARE, data_dir=tmp_path
    ).stdout
    number = re.search(r"policy (LB\d+)", bound)
    assert number is not None
    today = shanghai_today().isoformat()  # the calendar policies are written in
    endorsed = _cli(
        "policies",
        "endorse",
        number.group(1),
        "--limit",
        "2000000",
        "--effective",
        today,
        data_dir=tmp_path,
    ).stdout
    assert "premium change ¥" in endorsed
    cancelled = _cli(
        "policies", "cancel", number.group(1), "--effective", today, data_dir=tmp_path
    ).stdout
    assert "refund ¥" in cancelled
    shown = _cli("policies", "show", number.group(1), data_dir=tmp_path).stdout
    assert "cancelled" in shown
    for kind in ("issue", "endorse_limit", "cancel"):
        assert kind in shown
    assert "intact" in _cli("audit", "verify", data_dir=tmp_path).stdout
