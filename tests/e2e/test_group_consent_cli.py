"""Consent from the command line, on the demo's data: a demo supplier lists its invitation,
leaves the chain and cannot accept a left invitation again; a code nobody holds has no
invitations to list; the operator lists the claims."""

from __future__ import annotations

import re
from pathlib import Path

from liubu.core import uscc_with_check
from tests.e2e.cli import run_cli

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
