"""Consent from the command line, on the demo's data: a demo supplier lists its invitation,
leaves the chain and cannot accept a left invitation again; a code nobody holds has no
invitations to list; the operator lists the claims. The sponsor then binds the chain with its
two declarations and a start date, as `liubu quotes bind` asks them."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from liubu.core import shanghai_today, uscc_with_check
from tests.e2e.cli import DECLARE, run_cli

WIDE = {"COLUMNS": "240"}


def test_a_supplier_leaves_the_demo_chain_from_the_cli(
    tmp_path: Path,
) -> None:
    run_cli("demo", data_dir=tmp_path, check=True)
    supplier = str(uscc_with_check("91320500MA1GL0001"))
    listed = run_cli("group", "invitations", supplier, data_dir=tmp_path, extra=WIDE, check=True)
    assert "苏州示例智能制造供应链" in listed.stdout
    assert "accepted" in listed.stdout
    (invitation,) = re.findall(r"\b[0-9a-f]{32}\b", listed.stdout)

    left = run_cli("group", "leave", invitation, "--uscc", supplier, data_dir=tmp_path)
    assert left.returncode == 0, left.stderr
    assert left.stdout.strip().endswith("left")
    again = run_cli("group", "accept", invitation, "--uscc", supplier, data_dir=tmp_path)
    assert again.returncode != 0
    assert "group.invitation_state" in again.stderr or "left" in again.stderr
    stranger = str(uscc_with_check("91320500MA1GL0999"))
    nobody = run_cli("group", "invitations", stranger, data_dir=tmp_path)
    assert nobody.returncode != 0
    claims = run_cli("identity", "claims", data_dir=tmp_path, extra=WIDE, check=True)
    assert "claimant" in claims.stdout


def test_the_sponsor_binds_the_demo_chain_with_its_declarations_from_the_cli(
    tmp_path: Path,
) -> None:
    run_cli("demo", data_dir=tmp_path, check=True)
    with sqlite3.connect(tmp_path / "liubu.db") as db:
        ((scheme,),) = db.execute("SELECT id FROM group_schemes").fetchall()
    quote = ("group", "quote", scheme, "--limit", "1000000", "--bind")
    undeclared = run_cli(*quote, data_dir=tmp_path)
    assert undeclared.returncode != 0
    assert "not confirmed: truthful, terms_read" in undeclared.stderr
    with sqlite3.connect(tmp_path / "liubu.db") as db:
        assert db.execute("SELECT count(*) FROM group_policies").fetchone() == (0,)
    start = shanghai_today() + timedelta(days=30)
    bound = run_cli(*quote, *DECLARE, "--start", start.isoformat(), data_dir=tmp_path)
    assert bound.returncode == 0, bound.stderr
    with sqlite3.connect(tmp_path / "liubu.db") as db:
        ((number, period_start, status, members),) = db.execute(
            "SELECT number, period_start, status, (SELECT count(*) FROM certificates)"
            " FROM group_policies"
        ).fetchall()
    assert f"master policy {number}, {start.isoformat()}" in bound.stdout
    assert (date.fromisoformat(period_start), status, members) == (start, "in_force", 10)
