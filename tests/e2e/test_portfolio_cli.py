"""``liubu portfolio run`` from files, as a user runs it: JSON on stdout, ORD files on disk, a
located error and a non-zero exit for a bad catalogue."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.e2e.cli import run_cli

CATALOGUE = """\
dependencies:
  - {id: cloud-a, kind: cloud, provider: huawei_cloud, region: cn-north-4}
families:
  - name: a_down
    kind: provider_outage
    target: cloud-a
    rate: 0.5
    outage_hours: {constant: 10}
"""

BOOK = (
    "id,industry,region,revenue,retention,aggregate_limit,bi_sublimit,bi_waiting_hours,"
    "dependencies\n"
    "P1,I65,330100,8760000,1000,100000,,,cloud-a:0:1\n"
    "P2,C39,440300,8760000,1000,100000,,,cloud-a:0:1\n"
)


def test_a_book_from_files_prints_json_and_writes_ord(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    result = run_cli(
        "portfolio", "run", "--book", str(tmp_path / "book.csv"),
        "--catalogue", str(tmp_path / "cat.yaml"), "--years", "4000", "--seed", "3",
        "--workers", "0", "--json", "--ord", str(tmp_path / "ord"),
        data_dir=tmp_path, check=True,
    )  # fmt: skip
    document = json.loads(result.stdout)
    # each event costs each policy 10 h × 1,000 − 1,000 = 9,000; two policies; λ = 0.5
    assert abs(document["aal"] - 0.5 * 2 * 9_000) < 4 * document["aal_standard_error"]
    assert {row["return_period"] for row in document["pml"]} == {100, 200, 250}
    assert [c["key"] for c in document["contributions"]["dependency"]] == ["cloud-a"]
    with (tmp_path / "ord" / "il_S1_ept.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss"]
    # every year's loss is a multiple of 18,000 (two policies × 9,000 per outage)
    for row in rows:
        if row["EPType"] in ("1", "3"):
            assert float(row["Loss"]) % 18_000 == 0


def test_an_event_on_an_unknown_dependency_exits_with_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "cat.yaml").write_text(
        CATALOGUE.replace("target: cloud-a", "target: cloud-b"), encoding="utf-8"
    )
    (tmp_path / "book.csv").write_text(BOOK, encoding="utf-8")
    result = run_cli(
        "portfolio", "run", "--book", str(tmp_path / "book.csv"),
        "--catalogue", str(tmp_path / "cat.yaml"), "--workers", "0",
        data_dir=tmp_path,
    )  # fmt: skip
    assert result.returncode != 0
    assert "cloud-b" in result.stderr
    assert "cat.yaml:6" in result.stderr
