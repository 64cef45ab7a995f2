"""FIRST EPSS scores in both real layouts: counts, known values, and located errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.intel import SourceKind, load_epss, load_kev_json

from .conftest import EPSS_BY_YEAR, EPSS_FIRST, KEV

YEAR_FILES = sorted(EPSS_BY_YEAR.glob("CVE_*_EPSS.csv"))


def _raw_rows(path: Path) -> dict[str, tuple[float, float]]:
    """The rows of a headerless file read with nothing but str.split."""
    rows = {}
    for line in path.read_text(encoding="ascii").splitlines():
        cve, epss, percentile = line.split(";")
        rows[cve] = (float(epss), float(percentile))
    return rows


def test_the_per_year_files_hold_360142_rows_all_loaded() -> None:
    loaded = [load_epss(path) for path in YEAR_FILES]
    assert len(YEAR_FILES) == 28
    assert all(result.report.kind is SourceKind.EPSS_HEADERLESS for result in loaded)
    lines = sum(len(path.read_text(encoding="ascii").splitlines()) for path in YEAR_FILES)
    assert sum(result.report.records for result in loaded) == lines == 360_142


def test_log4shell_is_known_exploited_and_scored_near_certain() -> None:
    scores = {s.cve_id: s for s in load_epss(EPSS_BY_YEAR / "CVE_2021_EPSS.csv").records}
    kev = {e.cve_id for e in load_kev_json(KEV / "known_exploited_vulnerabilities.json").records}
    log4shell = scores["CVE-2021-44228"]
    assert "CVE-2021-44228" in kev
    assert log4shell.epss >= 0.9
    assert (log4shell.epss, log4shell.percentile) == _raw_rows(EPSS_BY_YEAR / "CVE_2021_EPSS.csv")[
        "CVE-2021-44228"
    ]


def test_every_value_of_a_year_file_is_read_exactly() -> None:
    path = EPSS_BY_YEAR / "CVE_2022_EPSS.csv"
    loaded = {s.cve_id: (s.epss, s.percentile) for s in load_epss(path).records}
    assert loaded == _raw_rows(path)


def test_the_first_layout_gives_model_version_score_date_and_rows() -> None:
    loaded = load_epss(EPSS_FIRST)
    assert loaded.report.kind is SourceKind.EPSS_FIRST
    assert loaded.report.model_version == "v2026.06.15"
    assert loaded.report.score_date == dt.datetime(2026, 9, 29, 12, 0, 22, tzinfo=dt.UTC)
    lines = EPSS_FIRST.read_text(encoding="utf-8").splitlines()
    assert loaded.report.records == len(lines) - 2 == 20
    first = loaded.records[0]
    assert (first.cve_id, first.epss, first.percentile) == ("CVE-1999-0001", 0.03351, 0.88255)


def test_a_first_file_without_the_comment_line_is_still_recognised(tmp_path: Path) -> None:
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(EPSS_FIRST.read_text(encoding="utf-8").splitlines()[1:]) + "\n")
    loaded = load_epss(path)
    assert loaded.report.kind is SourceKind.EPSS_FIRST
    assert loaded.report.model_version is None
    assert loaded.report.records == 20


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("CVE-2021-44228;1.5;1.0\n", "must lie in [0, 1]"),
        ("CVE-2021-44228;0.5\n", "2 fields"),
        ("CVE-2021-44228;high;1.0\n", "not a number"),
        ("CVE-21-44228;0.5;0.5\n", "CVE identifier"),
    ],
)
def test_a_bad_row_is_located_by_file_and_line(tmp_path: Path, line: str, expected: str) -> None:
    rows = (EPSS_BY_YEAR / "CVE_1999_EPSS.csv").read_text(encoding="ascii").splitlines(True)
    path = tmp_path / "scores.csv"
    path.write_text("".join([*rows[:10], line, *rows[10:]]), encoding="ascii")
    with pytest.raises(ValidationError) as caught:
        load_epss(path)
    assert caught.value.location == f"{path}:11"
    assert expected in caught.value.message


def test_a_file_of_neither_layout_is_refused_at_line_1(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id,score\nCVE-2021-44228,0.9\n", encoding="ascii")
    with pytest.raises(ValidationError) as caught:
        load_epss(path)
    assert caught.value.location == f"{path}:1"


def test_a_first_file_with_a_wrong_header_is_refused_at_line_2(tmp_path: Path) -> None:
    lines = EPSS_FIRST.read_text(encoding="utf-8").splitlines(True)
    path = tmp_path / "scores.csv"
    path.write_text("".join([lines[0], "cve,probability,percentile\n", *lines[2:]]))
    with pytest.raises(ValidationError) as caught:
        load_epss(path)
    assert caught.value.location == f"{path}:2"
