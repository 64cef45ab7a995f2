"""CISA's KEV catalogue: both files, 1,404 entries, agreeing record by record."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.intel import SourceKind, check_kev_agreement, load_kev_csv, load_kev_json

from .conftest import KEV

JSON_FILE = KEV / "known_exploited_vulnerabilities.json"
CSV_FILE = KEV / "known_exploited_vulnerabilities.csv"


def test_both_files_hold_the_1404_entries_the_catalogue_announces() -> None:
    raw = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    from_json, from_csv = load_kev_json(JSON_FILE), load_kev_csv(CSV_FILE)
    assert raw["count"] == 1404
    assert from_json.report.records == from_csv.report.records == 1404
    assert from_json.report.kind is SourceKind.KEV_JSON
    assert from_csv.report.kind is SourceKind.KEV_CSV
    assert from_json.report.catalog_version == raw["catalogVersion"] == "2025.08.25"


def test_json_and_csv_agree_record_by_record() -> None:
    from_json, from_csv = load_kev_json(JSON_FILE), load_kev_csv(CSV_FILE)
    assert from_json.records == from_csv.records  # same entries, same order, every field
    check_kev_agreement(from_json.records, from_csv.records, sources=("json", "csv"))


def test_fields_are_read_as_the_csv_module_reads_them() -> None:
    with CSV_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries = load_kev_csv(CSV_FILE).records
    assert [e.cve_id for e in entries] == [row["cveID"] for row in rows]
    assert [e.due_date for e in entries] == [dt.date.fromisoformat(r["dueDate"]) for r in rows]
    assert [e.ransomware for e in entries] == [
        row["knownRansomwareCampaignUse"] == "Known" for row in rows
    ]
    assert (
        sum(e.ransomware for e in entries)
        == sum(row["knownRansomwareCampaignUse"] == "Known" for row in rows)
        > 0
    )


def test_log4shell_is_listed_with_known_ransomware_use() -> None:
    entries = {e.cve_id: e for e in load_kev_json(JSON_FILE).records}
    log4shell = entries["CVE-2021-44228"]
    assert log4shell.ransomware
    assert log4shell.date_added == dt.date(2021, 12, 10)
    assert log4shell.due_date == dt.date(2021, 12, 24)
    assert log4shell.cwes == ("CWE-20", "CWE-400", "CWE-502")


def test_a_changed_field_is_reported_as_a_disagreement() -> None:
    entries = load_kev_json(JSON_FILE).records
    altered = list(entries)
    altered[5] = dataclasses.replace(altered[5], due_date=altered[5].due_date + dt.timedelta(1))
    with pytest.raises(ValidationError) as caught:
        check_kev_agreement(entries, altered, sources=("a.json", "b.csv"))
    assert caught.value.code == "intel.kev_disagree"
    assert caught.value.field == "due_date"
    assert entries[5].cve_id in caught.value.message


def _csv_lines() -> list[str]:
    return CSV_FILE.read_text(encoding="utf-8").splitlines(keepends=True)


def test_a_bad_date_in_the_csv_is_located_by_file_and_line(tmp_path: Path) -> None:
    lines = _csv_lines()
    lines[3] = lines[3].replace(",2025-", ",2025/", 1)
    path = tmp_path / "kev.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_kev_csv(path)
    assert caught.value.location == f"{path}:4"
    assert caught.value.code == "intel.bad_date"


def test_an_unknown_ransomware_value_is_refused(tmp_path: Path) -> None:
    lines = _csv_lines()
    lines[2] = lines[2].replace(",Unknown,", ",Maybe,", 1)
    path = tmp_path / "kev.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_kev_csv(path)
    assert caught.value.location == f"{path}:3"
    assert "Maybe" in caught.value.message


def test_a_json_catalogue_whose_count_is_wrong_is_refused(tmp_path: Path) -> None:
    raw = json.loads(JSON_FILE.read_text(encoding="utf-8"))
    raw["vulnerabilities"].pop()
    path = tmp_path / "kev.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_kev_json(path)
    assert caught.value.location == f"{path}#/count"
    assert "1403" in caught.value.message
