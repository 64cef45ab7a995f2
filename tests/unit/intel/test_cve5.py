"""CVE JSON 5 records from CISA's vulnrichment: ADP KEV dates, SSVC, CPEs, rejected records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.intel import (
    Cve5Record,
    SourceKind,
    load_cve5,
    load_kev_json,
    parse_cpe,
)

from .conftest import CVE5, KEV

KEV_SUBSET = sorted((CVE5 / "kev_subset").glob("CVE-*.json"))
SNAPSHOT = dt.date(2024, 10, 24)  # the vulnrichment commit the files were copied from


@pytest.fixture(scope="module")
def kev_records() -> list[Cve5Record]:
    return [record for path in KEV_SUBSET for record in load_cve5(path).records]


@pytest.fixture(scope="module")
def catalogue() -> dict[str, dt.date]:
    entries = load_kev_json(KEV / "known_exploited_vulnerabilities.json").records
    return {entry.cve_id: entry.date_added for entry in entries}


def _raw_adp_kev(path: Path) -> str | None:
    record = json.loads(path.read_text(encoding="utf-8"))
    for adp in record["containers"].get("adp", []):
        for metric in adp.get("metrics", []):
            other = metric.get("other", {})
            if other.get("type") == "kev":
                return str(other["content"]["dateAdded"])
    return None


def test_adp_kev_dates_are_read_for_every_record_that_carries_them(
    kev_records: list[Cve5Record],
) -> None:
    assert len(kev_records) == len(KEV_SUBSET) == 250
    raw = [_raw_adp_kev(path) for path in KEV_SUBSET]
    read = [None if r.kev_date_added is None else r.kev_date_added.isoformat() for r in kev_records]
    assert read == raw
    assert sum(date is not None for date in read) > 200


def test_adp_kev_dates_agree_with_cisas_catalogue(
    kev_records: list[Cve5Record], catalogue: dict[str, dt.date]
) -> None:
    dated = [r for r in kev_records if r.kev_date_added is not None]
    assert all(r.cve_id in catalogue for r in kev_records)
    agreeing = [r for r in dated if r.kev_date_added == catalogue[r.cve_id]]
    assert len(agreeing) >= 0.99 * len(dated)


def test_kev_subset_records_added_to_kev_after_the_snapshot_carry_no_adp_kev_date(
    kev_records: list[Cve5Record], catalogue: dict[str, dt.date]
) -> None:
    later = [r for r in kev_records if catalogue[r.cve_id] > SNAPSHOT]
    assert later
    assert all(r.kev_date_added is None for r in later)


def test_ssvc_decision_points_use_the_published_vocabulary(kev_records: list[Cve5Record]) -> None:
    decisions = [r.ssvc for r in kev_records]
    assert all(d is not None for d in decisions)
    assert {d.exploitation for d in decisions if d} <= {"none", "poc", "active"}
    assert {d.automatable for d in decisions if d} <= {"yes", "no"}
    assert {d.technical_impact for d in decisions if d} <= {"partial", "total"}
    # CISA records exploitation as "active" for most catalogue entries.
    assert sum(d.exploitation == "active" for d in decisions if d) > len(decisions) / 2


def test_vcenter_heap_overflow_gets_its_adp_cpes_and_version_ranges() -> None:
    (record,) = load_cve5(CVE5 / "kev_subset" / "CVE-2024-38812.json").records
    assert record.ssvc is not None
    assert (record.ssvc.exploitation, record.ssvc.automatable) == ("none", "yes")
    assert record.best_cvss is not None
    assert record.best_cvss.base_score == 9.8
    vcenter = "cpe:2.3:a:broadcom:vmware_vcenter_server:{}:*:*:*:*:*:*:*"
    (configuration,) = record.configurations
    hits = {v: configuration.vulnerable_matches([parse_cpe(vcenter.format(v))]) != ()
            for v in ("8.0u2", "8.0u3a", "8.0u3b", "7.0u3r", "7.0u3s", "6.7")}  # fmt: skip
    # ADP ranges: 8.00 ≤ v < 8.0u3b and 7.0 ≤ v < 7.0u3s (the fixed releases per VMSA-2024-0019).
    assert hits == {"8.0u2": True, "8.0u3a": True, "8.0u3b": False, "7.0u3r": True,
                    "7.0u3s": False, "6.7": False}  # fmt: skip


def test_red_hat_cpe_22_uris_in_cna_containers_are_read() -> None:
    uris = []
    for path in sorted(CVE5.rglob("CVE-*.json")):
        text = path.read_text(encoding="utf-8")
        if '"cpe:/' in text:
            uris.append(path)
    assert uris
    record = load_cve5(uris[0]).records[0]
    assert any(cpe.vendor == "redhat" for product in record.affected for cpe in product.cpes)


def test_rejected_records_are_flagged() -> None:
    rejected = []
    for path in sorted((CVE5 / "sample_every50th").glob("CVE-*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw["cveMetadata"]["state"] == "REJECTED":
            rejected.append(path)
    assert rejected
    for path in rejected:
        loaded = load_cve5(path)
        assert loaded.report.kind is SourceKind.CVE5
        assert loaded.report.rejected == 1
        assert loaded.records[0].rejected
        assert loaded.records[0].configurations == ()


def test_a_malformed_cpe_in_an_affected_block_is_located(tmp_path: Path) -> None:
    raw = json.loads((CVE5 / "kev_subset" / "CVE-2024-38812.json").read_text(encoding="utf-8"))
    raw["containers"]["adp"][0]["affected"][1]["cpes"][0] = "cpe:2.3:a:broadcom"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_cve5(path)
    assert caught.value.location == f"{path}#/containers/adp/0/affected/1/cpes/0"


def test_an_adp_cpe_naming_a_range_start_covers_the_whole_range() -> None:
    """CVE-2024-38475 (Apache HTTP Server, in KEV): CISA's ADP lists
    cpe:…:http_server:2.4.0 with 2.4.0 ≤ version ≤ 2.4.59, so 2.4.49 and 2.4.59 are affected
    and 2.4.60 is not."""
    from liubu.intel import VulnerabilityIndex, load_cve5, parse_any_cpe

    path = CVE5 / "kev_subset" / "CVE-2024-38475.json"
    index = VulnerabilityIndex.from_records(nvd=(), cve5=load_cve5(path).records, kev=(), epss=())

    def affected(version: str) -> bool:
        cpe = parse_any_cpe(f"cpe:2.3:a:apache:http_server:{version}:*:*:*:*:*:*:*")
        return any(m.cve_id == "CVE-2024-38475" for m in index.match(cpe))

    assert affected("2.4.49")
    assert affected("2.4.59")
    assert not affected("2.4.60")
    assert not affected("2.2.34")
