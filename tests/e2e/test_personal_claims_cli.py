"""``liubu personal-claims`` as a user runs it: issue a small book with ``liubu policies import``,
import a claims file with bad lines (error file, then a re-run that stores nothing), file one
claim by hand and read it back with its worksheet in Chinese."""

from __future__ import annotations

import csv
import importlib
import json
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.integration.personal_claims_book import CLAIMS_HEADER, PEOPLE, STRANGER, receipt

CATALOGUE = Path(importlib.import_module("liubu.products").__file__ or "").parent / "data"
PRODUCT_FILE = CATALOGUE / "catalogue" / "yangben-pc_anti-fraud.yaml"
A, B = PEOPLE["A"][1], PEOPLE["B"][1]


def _book(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    run_cli("products", "load", str(PRODUCT_FILE), data_dir=data, check=True)
    people = tmp_path / "people.csv"
    rows = [f"{name},{number},1380013800{i},{limit}" for i, (name, number, limit) in
            enumerate(PEOPLE.values())]  # fmt: skip
    people.write_text("name,resident_id,mobile,limit\n" + "\n".join(rows) + "\n", "utf-8")
    issued = run_cli(
        "policies", "import", str(people), "--product", "yangben-pc/anti-fraud@1",
        "--inception", "2026-01-01", data_dir=data, check=True,
    )  # fmt: skip
    assert f"issued {len(PEOPLE)} new policies" in issued.stdout
    return data


def test_a_claims_file_with_bad_lines_then_a_rerun_then_one_claim_by_hand(tmp_path: Path) -> None:
    data = _book(tmp_path)
    claims = tmp_path / "claims.csv"
    claims.write_text(
        CLAIMS_HEADER
        + f"{receipt('2026-03', 1)},{A},8000,2026-03-01,2026-03-01,2026-03-02,0,\n"
        + f"X1,{B},5000,2026-03-01,2026-03-01,2026-03-02,0,\n"
        + f"{receipt('2026-03', 3)},{STRANGER},5000,2026-03-01,2026-03-01,2026-03-02,0,\n",
        encoding="utf-8",
    )
    first = run_cli(
        "personal-claims", "import", str(claims), "--insurer", "yangben-pc", data_dir=data
    )
    assert first.returncode == 0, first.stderr
    # (8000 − 3000) × 0.7 = 3500
    assert "stored 1 new claims · accepted 1 · refused 0 · payable ¥3,500.00" in first.stdout
    with claims.with_name("claims.csv.errors.csv").open(encoding="utf-8-sig") as handle:
        errors = {row["line"]: row for row in csv.DictReader(handle)}
    assert errors["3"]["code"] == "claims.antifraud.receipt_number"
    assert errors["4"]["code"] == "claims.antifraud.no_policy"
    assert STRANGER not in errors["4"]["value"]  # masked
    assert errors["4"]["reason_zh"]
    again = run_cli(
        "personal-claims", "import", str(claims), "--insurer", "yangben-pc", data_dir=data
    )
    assert "nothing stored" in again.stdout

    by_hand = run_cli(
        "personal-claims", "file", "--insurer", "yangben-pc", "--receipt",
        receipt("2026-04", 9), "--resident-id", B, "--loss-amount", "60000",
        "--loss-date", "2026-04-01", "--police-report-date", "2026-04-01",
        "--notified-on", "2026-04-02", "--json", data_dir=data,
    )  # fmt: skip
    assert by_hand.returncode == 0, by_hand.stderr
    document = json.loads(by_hand.stdout)
    # (60000 − 3000) × 0.7 = 39900 ≤ the ¥50,000 limit
    assert (document["decision"], document["payable"]) == ("accepted", "39900.00")
    assert B not in by_hand.stdout

    shown = run_cli("personal-claims", "show", receipt("2026-04", 9), "--lang", "zh", data_dir=data)
    assert shown.returncode == 0, shown.stderr
    assert "应付赔款: 39900.00" in shown.stdout
    missing = run_cli("personal-claims", "show", receipt("2026-04", 10), data_dir=data)
    assert missing.returncode != 0
    assert "No anti-fraud claim" in missing.stderr + missing.stdout
