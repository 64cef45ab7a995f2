"""``liubu experience``: import a claims-experience file into a fresh SQLite data directory (a bad
file stores nothing and names line and column; a second import stores nothing more), then the
rate indication as JSON — shown, never applied."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from liubu.experience import synthetic_experience, write_experience_csv
from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO

PRODUCT = "shifan-pc/sme-cyber-comprehensive@1"


@CLI_DEMO
def test_import_then_indicate_json_on_a_fresh_data_dir(cli_demo: Path) -> None:
    tmp_path = cli_demo  # the demo: the insurer shifan-pc and its products
    data = synthetic_experience(
        n_policies=3_000,
        relativities={
            "security_grade": {"A": 0.5, "B": 0.75, "C": 1.0, "D": 1.4, "E": 2.0},
            "mlps_level": {"none": 1.2, "2": 1.0, "3": 0.8},
        },
        base_frequency=0.1,
        severity_mean=100_000,
        severity_shape=4.0,
        rng=np.random.default_rng(7),
    )
    good = tmp_path / "experience.csv"
    good.write_text(write_experience_csv(data), encoding="utf-8")
    lines = write_experience_csv(data).splitlines()
    cells = lines[3].split(",")  # line 4 of the file
    lines[3] = ",".join([cells[0], "20x4", *cells[2:]])
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")

    refused = run_cli("experience", "import", str(bad), "--insurer", "shifan-pc", data_dir=tmp_path)
    assert refused.returncode == 2
    message = " ".join(refused.stderr.split())
    assert "bad.csv:4" in message
    assert "column 'period'" in message
    assert "nothing was loaded" in message

    first = run_cli(
        "experience", "import", str(good), "--insurer", "shifan-pc", data_dir=tmp_path, check=True
    )
    rows = data.n_rows
    assert f"{rows:,} rows read from experience.csv: {rows:,} stored, 0 already present" in (
        " ".join(first.stdout.split())
    )
    again = run_cli(
        "experience", "import", str(good), "--tenant", "shifan-pc", data_dir=tmp_path, check=True
    )
    assert f"0 stored, {rows:,} already present" in " ".join(again.stdout.split())

    shown = run_cli(
        "experience", "indicate", "--product", PRODUCT, "--json", data_dir=tmp_path, check=True
    )
    report = json.loads(shown.stdout)
    assert report["applied"] is False
    assert "nothing was applied" in report["advice"]
    assert report["product"] == PRODUCT
    assert report["needs_new_filing"] is True
    table = {(r["factor"], r["level"]): r for r in report["table"]}
    assert {level for factor, level in table if factor == "security_grade"} == set("ABCDE")
    for level in ("A", "E"):  # experience steeper than the filed curve [0.7, 1.3]
        assert table[("security_grade", level)]["outside_filed_range"] is True
    assert float(table[("security_grade", "E")]["indicated"]) > 1.3
    assert all(0 <= r["credibility"] <= 1 for r in report["table"])
    assert table[("mlps_level", "2")]["filed"] == "1.0"

    text = run_cli("experience", "indicate", "--product", PRODUCT, data_dir=tmp_path, check=True)
    assert "OUTSIDE filed range" in text.stdout
    # The frequency GLM's dispersion (Pearson χ²/df on the segments) and what it did.
    frequency = report["frequency"]
    assert frequency["pearson_dispersion"] == frequency["pearson_chi2"] / frequency["df_resid"]
    said = " ".join(text.stdout.split())
    assert f"dispersion φ̂ = {frequency['pearson_dispersion']:.2f}" in said
    assert f"on {frequency['df_resid']:.0f} df" in said
    assert "Advice only: nothing was applied" in " ".join(text.stdout.split())
