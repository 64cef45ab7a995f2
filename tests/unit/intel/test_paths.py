"""Loading whole directories: format detection, counts per kind, overlap rules, located errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.intel import IntelBundle, SourceKind, load_paths

from .conftest import CVE5, EPSS_BY_YEAR, EPSS_FIRST, KEV, NVD


def test_every_feed_file_is_detected_and_counted_per_kind(bundle: IntelBundle) -> None:
    files = bundle.files()
    assert files[SourceKind.NVD_CVE] == 4  # two pages, a one-CVE page, a single item
    assert files[SourceKind.CVE5] == len(list(CVE5.rglob("CVE-*.json")))
    assert files[SourceKind.KEV_JSON] == files[SourceKind.KEV_CSV] == 1
    assert files[SourceKind.EPSS_HEADERLESS] == len(list(EPSS_BY_YEAR.glob("*.csv")))
    assert files[SourceKind.EPSS_FIRST] == 1
    counts = bundle.counts()
    assert counts[SourceKind.KEV_JSON] == counts[SourceKind.KEV_CSV] == 1404
    assert counts[SourceKind.EPSS_HEADERLESS] == 360_142
    assert len(bundle.kev) == 1404  # the two KEV files agree, so one copy is kept


def test_non_feed_files_are_skipped_with_a_reason(bundle: IntelBundle) -> None:
    skipped = {Path(s.path).name: s.reason for s in bundle.skipped}
    assert "NVD_CPE" in skipped["cpes-2023.json"]
    assert "NVD_CVEHistory" in skipped["cvehistory-CVE-2019-1010218.json"]
    assert "LICENSE" in skipped
    assert "known_exploited_vulnerabilities_schema.json" in skipped


def test_a_dated_epss_file_overrides_undated_rows(bundle: IntelBundle) -> None:
    """CVE-1999-0001 is in both the dated FIRST excerpt (percentile 0.88255) and the undated
    per-year file (0.8765); the dated score wins and the 20 overlapping rows are counted."""
    scores = {s.cve_id: s for s in bundle.epss}
    assert scores["CVE-1999-0001"].percentile == 0.88255
    assert bundle.epss_superseded == 20
    assert len(bundle.epss) == 360_142


def test_kev_files_that_disagree_are_refused(tmp_path: Path) -> None:
    raw = json.loads((KEV / "known_exploited_vulnerabilities.json").read_text(encoding="utf-8"))
    raw["vulnerabilities"][0]["knownRansomwareCampaignUse"] = "Known"
    (tmp_path / "kev.json").write_text(json.dumps(raw), encoding="utf-8")
    shutil.copy(KEV / "known_exploited_vulnerabilities.csv", tmp_path / "kev.csv")
    with pytest.raises(ValidationError) as caught:
        load_paths([tmp_path])
    assert caught.value.code == "intel.kev_disagree"
    assert raw["vulnerabilities"][0]["cveID"] in caught.value.message


def test_a_malformed_file_in_a_directory_stops_the_load_with_its_location(tmp_path: Path) -> None:
    shutil.copy(NVD / "cves-1999.json", tmp_path / "a.json")
    shutil.copy(EPSS_FIRST, tmp_path / "b.csv")
    (tmp_path / "c.csv").write_text("CVE-2020-0001;0.1;0.2\nCVE-2020-0002;0.1\n")
    with pytest.raises(ValidationError) as caught:
        load_paths([tmp_path])
    assert caught.value.location == f"{tmp_path / 'c.csv'}:2"


def test_a_missing_path_is_refused() -> None:
    with pytest.raises(ValidationError, match="neither a file nor a directory"):
        load_paths(["/nonexistent/feeds"])
