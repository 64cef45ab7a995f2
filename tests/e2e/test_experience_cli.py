"""``liubu experience``: import a claims-experience file into a fresh SQLite data directory (a bad
file stores nothing and names line and column; a second import stores nothing more), then the
rate indication as JSON — shown, never applied; and ``liubu quote`` pricing with the insurer's
experience so imported, as a quote on the platform does."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from liubu.experience import synthetic_experience, write_experience_csv
from liubu.products import load_reference_catalogue
from liubu.underwriting import Applicant, SegmentExperience, priced_product
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


SME2 = "shifan-pc/sme-cyber-comprehensive@2"


@CLI_DEMO
def test_a_command_line_quote_blends_the_insurers_imported_experience(cli_demo: Path) -> None:
    submission = cli_demo / "submission.yaml"
    submission.write_text(
        "enterprise: {industry_section: C, revenue: 30000000}\n"
        "assessment: {score: 62.5, grade: C}\n"
        f"products: [{SME2}]\n"
        f"limits: {{{SME2}: [1000000]}}\n",
        encoding="utf-8",
    )

    def quoted() -> dict[str, object]:
        shown = run_cli("quote", str(submission), "--json", data_dir=cli_demo, check=True)
        (option,) = json.loads(shown.stdout)["options"]
        return dict(option)

    before = quoted()
    seen = before["experience"] or {"exposure_years": "0", "claims": 0}
    assert isinstance(seen, dict)
    # 400 manufacturers over three years at twice the library's claim rate: enough policy-years
    # for credibility, and a frequency the blend must move the price towards.
    data = synthetic_experience(
        n_policies=400,
        relativities={"industry_section": {"C": 1.0}},
        base_frequency=0.03,
        severity_mean=100_000,
        severity_shape=4.0,
        rng=np.random.default_rng(11),
    )
    file = cli_demo / "manufacturers.csv"
    file.write_text(write_experience_csv(data), encoding="utf-8")
    run_cli(
        "experience", "import", str(file), "--insurer", "shifan-pc", data_dir=cli_demo, check=True
    )
    after = quoted()

    experience = after["experience"]
    assert isinstance(experience, dict)
    assert experience["claims"] == int(seen["claims"]) + int(data.claim_count.sum())
    assert float(experience["exposure_years"]) == pytest.approx(
        float(seen["exposure_years"]) + float(data.exposure.sum()), abs=1e-4
    )
    assert after["technical_premium"] != before["technical_premium"]
    # The premium printed is the one pricing path's with that experience.
    (spec,) = [s for s in load_reference_catalogue() if s.product_id == SME2]
    applicant = Applicant("C", Decimal(30_000_000), 62.5, "C")
    (expected,) = priced_product(
        spec,
        applicant,
        limits=[Decimal(1_000_000)],
        experience=SegmentExperience.from_dict(experience),
    )
    assert expected.technical_premium is not None
    assert Decimal(str(after["technical_premium"])) == expected.technical_premium.amount
