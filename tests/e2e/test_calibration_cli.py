"""`liubu calibration report` as a user runs it: the table's headers read as written (rich would
take `[loss]` for a style and print `E`), and the JSON holds the whole grid of
docs/calibration.md: 4 revenues × 3 sections × 3 postures."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli import run_cli


def test_the_table_shows_every_header_and_the_market_line(tmp_path: Path) -> None:
    result = run_cli("calibration", "report", data_dir=tmp_path, extra={"COLUMNS": "220"})
    assert result.returncode == 0, result.stderr
    header = next(line for line in result.stdout.splitlines() if "revenue" in line)
    for title in ("claims/yr", "mean claim", "E[loss]", "% limit", "technical", "adequacy"):
        assert title in header, (title, header)
    assert "Pilots: 1.30% rate on line" in result.stdout


def test_the_json_holds_the_whole_grid(tmp_path: Path) -> None:
    result = run_cli("calibration", "report", "--json", data_dir=tmp_path, check=True)
    document = json.loads(result.stdout)
    cells = {(r["revenue"], r["industry"], r["posture"]) for r in document["rows"]}
    assert cells == {
        (revenue, section, posture)
        for revenue in ("5000000", "30000000", "200000000", "2000000000")
        for section in "CFI"
        for posture in ("poor", "average", "good")
    }
    assert document["market"]["claim_frequency"] == {
        "low": 0.01,
        "high": 0.04,
        "source": document["market"]["claim_frequency"]["source"],
    }
