"""``liubu claims`` as a user runs it, on the demo: a policy is bound in the CLI, then a hotline
notice, the vendor dispatched and logging, a reserve, a payment made once per key, close and
reopen — and the audit chain still intact."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.cli import DECLARE, run_cli
from tests.e2e.conftest import CLI_DEMO

SME = "shifan-pc/sme-cyber-comprehensive@2"


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, data_dir=data_dir, check=True)


def _python(code: str, data_dir: Path) -> str:
    return subprocess.run(
        [sys.executable, "-c", "from liubu.bootstrap import bootstrap\np = bootstrap()\n" + code],
        env={**os.environ, "LIUBU_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    ).stdout.strip()


def _bound_policy(data_dir: Path) -> str:
    enterprise = _python("with p.uow() as uow: print(uow.enterprises.list()[0].id)", data_dir)
    requested = _cli("quotes", "request", enterprise, "--product", SME, data_dir=data_dir).stdout
    quote_id = re.search(r"quote (\w{32})", requested)
    assert quote_id is not None
    if "referred" in requested:
        _cli(
            "quotes", "decide", quote_id.group(1), "--approve", "--reasons", "ok", data_dir=data_dir
        )
    bound = _cli(
        "quotes", "bind", quote_id.group(1), "--option", "0", *DECLARE, data_dir=data_dir
    ).stdout
    number = re.search(r"policy (LB\d+)", bound)
    assert number is not None
    return number.group(1)


@CLI_DEMO
def test_a_claim_from_notice_to_payment_in_the_cli(cli_demo: Path) -> None:
    data_dir = cli_demo
    policy = _bound_policy(data_dir)
    vendor = _python(
        "from liubu.accounts import OrgKind\n"
        "with p.uow() as uow:\n"
        "    kinds = {o.id: o.kind for o in uow.organisations.list()}\n"
        "print(next(i for i, k in kinds.items() if k == OrgKind.SECURITY_PROVIDER))",
        data_dir,
    )
    now = datetime.now(UTC)
    notice = [
        "claims", "notify", "--policy", policy, "--incident", "ransomware",
        "--occurred", str(now.date()), "--discovered", (now - timedelta(minutes=30)).isoformat(),
        "--description", "勒索软件加密了财务系统。", "--contact-name", "王五",
        "--contact-phone", "13900001111", "--asset", "erp.example.cn", "--json",
    ]  # fmt: skip
    opened = json.loads(_cli(*notice, data_dir=data_dir).stdout)
    assert opened["duplicate"] is False
    assert opened["channel"] == "hotline"
    assert opened["contact"] == {"name": "王*", "phone": "139****1111"}
    assert json.loads(_cli(*notice, data_dir=data_dir).stdout)["duplicate"] is True
    number = opened["number"]
    listed = _cli("claims", "list", data_dir=data_dir).stdout
    assert number in listed
    assert "min left" in listed

    sent = json.loads(
        _cli(
            "claims", "dispatch", number, "--vendor", vendor, "--add-to-panel", "--json",
            data_dir=data_dir,
        ).stdout
    )  # fmt: skip
    _cli("claims", "answer", sent["id"], "--vendor", vendor, data_dir=data_dir)
    _cli(
        "claims", "timeline", number, "--vendor", vendor, "--phase", "triage",
        "--note", "确认三台服务器受影响。", data_dir=data_dir,
    )  # fmt: skip
    entries = json.loads(_cli("claims", "timeline", number, "--json", data_dir=data_dir).stdout)
    assert [e["phase"] for e in entries] == ["triage"]
    note = data_dir / "ransom-note.txt"
    note.write_bytes(b"YOUR FILES ARE ENCRYPTED\n")
    kept = json.loads(
        _cli(
            "claims", "evidence", number, str(note), "--vendor", vendor, "--json",
            data_dir=data_dir,
        ).stdout
    )  # fmt: skip
    assert kept[0]["sha256"] == hashlib.sha256(b"YOUR FILES ARE ENCRYPTED\n").hexdigest()
    note.write_bytes(b"YOUR FILES ARE ENCRYPTED!\n")
    changed = run_cli(
        "claims", "evidence", number, str(note), "--vendor", vendor, data_dir=data_dir
    )
    assert changed.returncode == 1
    assert "never changed" in changed.stderr

    _cli(
        "claims", "reserve", number, "--coverage", "forensics", "--amount", "50000",
        "--reason", "取证报价", data_dir=data_dir,
    )  # fmt: skip
    pay = [
        "claims", "pay", number, "--coverage", "forensics", "--amount", "20000",
        "--payee-name", "某某取证公司", "--payee-account", "6222020200112233445",
        "--key", "inv-1", "--json",
    ]  # fmt: skip
    first = json.loads(_cli(*pay, data_dir=data_dir).stdout)
    again = json.loads(_cli(*pay, data_dir=data_dir).stdout)
    assert first["repeated"] is False
    assert again == {**first, "repeated": True}
    other = [*pay[:6], "20000.01", *pay[7:]]
    refused = run_cli(*other, data_dir=data_dir)
    assert refused.returncode == 1
    assert "idempotency key" in refused.stderr
    shown = json.loads(_cli("claims", "show", number, "--json", data_dir=data_dir).stdout)
    forensics = next(line for line in shown["reserves"] if line["coverage"] == "forensics")
    assert (forensics["reserve"], forensics["paid"]) == ("30000.00", "20000.00")
    losses = data_dir / "losses.json"
    position = json.loads(_cli("claims", "coverage", number, "--json", data_dir=data_dir).stdout)
    rulings = {e["code"]: ["does_not_apply", "已核查"] for e in position["exclusions"]}
    item = {"coverage": "forensics", "kind": "invoice", "description": "发票", "amount": "20000"}
    losses.write_text(json.dumps({"items": [item], "rulings": rulings}), encoding="utf-8")
    sheet = json.loads(
        _cli("claims", "assess", number, str(losses), "--json", data_dir=data_dir).stdout
    )
    assert sheet["claimed"] == "20000.00"
    assert "closed" in _cli("claims", "close", number, "--reason", "结案", data_dir=data_dir).stdout
    assert (
        "reopened"
        in _cli("claims", "reopen", number, "--reason", "新发票", data_dir=data_dir).stdout
    )
    assert "intact" in _cli("audit", "verify", data_dir=data_dir).stdout
