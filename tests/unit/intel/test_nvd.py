"""NVD CVE API 2.0 pages: pagination, rejected CVEs, CVSS, and located errors on bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.intel import SourceKind, load_nvd

from .conftest import NVD


@pytest.mark.parametrize("name", ["cves-2023.json", "cves-1999.json", "cves-CVE-2023-0001.json"])
def test_pagination_metadata_is_read_from_the_page(name: str) -> None:
    raw = json.loads((NVD / name).read_text(encoding="utf-8"))
    loaded = load_nvd(NVD / name)
    page = loaded.report.page
    assert page is not None
    assert (page.results_per_page, page.start_index, page.total_results) == (
        raw["resultsPerPage"], raw["startIndex"], raw["totalResults"],
    )  # fmt: skip
    assert loaded.report.kind is SourceKind.NVD_CVE
    assert [r.cve_id for r in loaded.records] == [v["cve"]["id"] for v in raw["vulnerabilities"]]
    following = raw["startIndex"] + raw["resultsPerPage"]
    assert page.next_start_index == (following if following < raw["totalResults"] else None)


def test_the_2023_page_is_page_1001_of_a_220499_result_query() -> None:
    page = load_nvd(NVD / "cves-2023.json").report.page
    assert page is not None
    assert page.start_index // page.results_per_page == 1000
    assert page.next_start_index == 200_200


@pytest.mark.parametrize("name", ["cves-2023.json", "cves-1999.json"])
def test_rejected_cves_are_flagged_and_counted(name: str) -> None:
    raw = json.loads((NVD / name).read_text(encoding="utf-8"))
    statuses = {v["cve"]["id"]: v["cve"]["vulnStatus"] for v in raw["vulnerabilities"]}
    rejected = {cve_id for cve_id, status in statuses.items() if status == "Rejected"}
    loaded = load_nvd(NVD / name)
    assert {r.cve_id for r in loaded.records if r.rejected} == rejected
    assert loaded.report.rejected == len(rejected) > 0
    assert all(r.description.startswith("** REJECT **") for r in loaded.records if r.rejected)


def test_a_single_vulnerability_item_file_is_read_without_pagination() -> None:
    loaded = load_nvd(NVD / "cve-2022-44006.json")
    assert loaded.report.page is None
    (record,) = loaded.records
    assert record.cve_id == "CVE-2022-44006"
    assert record.best_cvss is not None
    assert record.best_cvss.base_score == 9.8


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.json"
    path.write_text(text, encoding="utf-8")
    return path


def _real_page() -> dict[str, object]:
    page: dict[str, object] = json.loads((NVD / "cves-2023.json").read_text(encoding="utf-8"))
    return page


def test_a_truncated_page_names_the_file_and_line(tmp_path: Path) -> None:
    text = json.dumps(_real_page(), indent=1)
    cut = text[: len(text) // 2]
    path = _write(tmp_path, cut)
    with pytest.raises(ValidationError) as caught:
        load_nvd(path)
    assert caught.value.code == "intel.json_syntax"
    assert caught.value.location == f"{path}:{cut.count(chr(10)) + 1}"


def test_a_bad_criteria_string_is_located_by_json_pointer(tmp_path: Path) -> None:
    page = _real_page()
    vulnerabilities = page["vulnerabilities"]
    assert isinstance(vulnerabilities, list)
    index = next(i for i, v in enumerate(vulnerabilities) if v["cve"]["id"] == "CVE-2022-43781")
    match = vulnerabilities[index]["cve"]["configurations"][0]["nodes"][0]["cpeMatch"][1]
    match["criteria"] = "cpe:2.3:a:atlassian:bitbucket:*:*:*"
    path = _write(tmp_path, json.dumps(page))
    with pytest.raises(ValidationError) as caught:
        load_nvd(path)
    pointer = f"/vulnerabilities/{index}/cve/configurations/0/nodes/0/cpeMatch/1/criteria"
    assert caught.value.location == f"{path}#{pointer}"
    assert caught.value.code == "intel.cpe_syntax"
    assert pointer in caught.value.message


def test_a_wrongly_typed_flag_is_located(tmp_path: Path) -> None:
    page = _real_page()
    vulnerabilities = page["vulnerabilities"]
    assert isinstance(vulnerabilities, list)
    vulnerabilities[0]["cve"]["configurations"][0]["nodes"][0]["cpeMatch"][0]["vulnerable"] = "yes"
    path = _write(tmp_path, json.dumps(page))
    with pytest.raises(ValidationError) as caught:
        load_nvd(path)
    assert caught.value.location == (
        f"{path}#/vulnerabilities/0/cve/configurations/0/nodes/0/cpeMatch/0/vulnerable"
    )
    assert caught.value.code == "intel.wrong_type"


def test_a_page_missing_records_is_refused_as_altered(tmp_path: Path) -> None:
    page = _real_page()
    vulnerabilities = page["vulnerabilities"]
    assert isinstance(vulnerabilities, list)
    del vulnerabilities[-1]
    path = _write(tmp_path, json.dumps(page))
    with pytest.raises(ValidationError) as caught:
        load_nvd(path)
    assert caught.value.code == "intel.page_count"
    assert caught.value.location == f"{path}#/resultsPerPage"


def test_a_vector_that_does_not_parse_is_located(tmp_path: Path) -> None:
    page = _real_page()
    vulnerabilities = page["vulnerabilities"]
    assert isinstance(vulnerabilities, list)
    metric = vulnerabilities[0]["cve"]["metrics"]["cvssMetricV31"][0]
    metric["cvssData"]["vectorString"] = "CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    path = _write(tmp_path, json.dumps(page))
    with pytest.raises(ValidationError) as caught:
        load_nvd(path)
    assert caught.value.code == "intel.cvss_vector"
    assert caught.value.location == (
        f"{path}#/vulnerabilities/0/cve/metrics/cvssMetricV31/0/cvssData/vectorString"
    )
