"""docs/calibration.md cannot go stale silently: its generated sections (the library's
parameters, its sources, the calibration grid) equal what tools/calibration_doc.py produces from
the code now, the check notices a section that differs, and the ranges the prose quotes are
recomputed from the grid."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import calibration_doc  # noqa: E402

DOC = ROOT / "docs" / "calibration.md"


@pytest.fixture(scope="module")
def now() -> dict[str, str]:
    return calibration_doc.generated()


def test_the_generated_sections_equal_what_the_code_gives_now(now: dict[str, str]) -> None:
    assert calibration_doc.stale(DOC, now) == [], "run python tools/calibration_doc.py"


def test_the_check_fails_on_a_stale_section_and_names_it(
    now: dict[str, str], tmp_path: Path
) -> None:
    copy = tmp_path / "calibration.md"
    text = DOC.read_text("utf-8")
    row = next(line for line in now["parameters"].splitlines() if "claim_frequency`" in line)
    assert row in text
    copy.write_text(text.replace(row, row.replace("0.0155", "0.0161")), "utf-8")
    assert calibration_doc.stale(copy, now) == ["parameters"]
    assert calibration_doc.main(["--check"], doc=copy) == 1


def test_a_doc_without_the_markers_is_refused(now: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="grid"):
        calibration_doc.rewrite("# no markers\n", {"grid": now["grid"]})


def test_the_parameter_table_shows_every_parameter_of_the_data_file(now: dict[str, str]) -> None:
    # The data file read on its own: every node with a `value` and a `basis` is a parameter.
    data = yaml.safe_load((ROOT / "src/liubu/risk/data/scenarios.yaml").read_text("utf-8"))
    expected = [(f"price_level.{k}", v) for k, v in data["price_level"].items()] + [
        (f"exposure.{k}", v) for k, v in data["exposure"].items()
    ]
    for i, item in enumerate(data["scenarios"]):
        expected += [
            (f"scenarios[{i}].{k}", item[k])
            for k in ("frequency_share", "claim_mean_usd")
            if k in item
        ]
    rows = {
        line.split("`")[1]: line.split(" | ")
        for line in now["parameters"].splitlines()
        if line.startswith("| `")
    }
    assert sorted(rows) == sorted(path for path, _ in expected)
    for path, node in expected:
        cells = rows[path]
        assert float(cells[1].replace(",", "")) == pytest.approx(node["value"])
        basis = node["basis"]
        assert cells[-1].rstrip(" |") == basis["confidence"]
        if basis.get("assumption"):
            assert cells[2].startswith("assumption")
        else:
            assert cells[2] == f"`{basis['source']}`"


def _span(values: list[float], places: int, unit: str = "") -> str:
    return f"{min(values):.{places}f}–{max(values):.{places}f}{unit}"


def test_the_figures_written_by_hand_are_the_grids() -> None:
    """Sections 4 and 5 quote ranges of the grid in prose: each is recomputed from the report."""
    report = calibration_doc.grid_report()
    rows = report.rows
    text = " ".join(DOC.read_text("utf-8").split())
    limit = float(report.limit)

    def pick(revenue: int, sections: str, posture: str | None = None) -> list[Any]:
        return [
            r
            for r in rows
            if r.revenue == revenue
            and r.industry in sections
            and (posture is None or r.posture == posture)
        ]

    micro = pick(5_000_000, "CF")
    it_firms = pick(200_000_000, "I")
    mid = pick(30_000_000, "CFI")
    filed = [r for r in rows if r.rate_adequacy is not None]
    manufacturer = pick(30_000_000, "C", "average")[0]
    assert manufacturer.filed_premium is not None
    premium = float(manufacturer.filed_premium)
    expected = [
        _span([100 * r.claim_frequency for r in micro], 2, " %"),
        _span([100 * r.loss_share_of_limit for r in micro], 2, " %"),
        _span([100 * r.claim_frequency for r in it_firms], 1, " %"),
        _span([100 * r.loss_share_of_limit for r in it_firms], 1, " %"),
        _span([100 * r.claim_frequency for r in pick(30_000_000, "CF")], 2, " %"),
        _span([100 * r.loss_share_of_limit for r in pick(30_000_000, "CF", "average")], 2, " %"),
        _span([100 * float(r.technical_premium) / limit for r in mid], 1, " %"),
        _span([100 * float(r.filed_premium) / limit for r in mid], 2, " %"),
        _span([float(r.rate_adequacy) for r in filed], 2),
        _span([float(r.rate_adequacy) for r in filed if r.posture == "average"], 2),
        f"¥{premium:,.0f} against ¥{manufacturer.expected_loss:,.0f}",
        f"loss ratio of {100 * manufacturer.expected_loss / premium:.0f} %",
        f"{100 * report.benchmarks.pilot_rate_on_line:.2f} % rate on line",
    ]
    missing = [figure for figure in expected if figure not in text]
    assert missing == [], "docs/calibration.md quotes other figures than the grid gives"
