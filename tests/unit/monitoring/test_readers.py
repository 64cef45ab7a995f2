"""Each feed and event format read from its real file in the shared data, counted against an
independent reading of the same file (``json``, ``csv``, the files' own headers); a malformed or
over-long line in the middle of a real file is refused by number and the rest read; gzip reads
the same; an unknown format is refused naming the known ones; a STIX bundle with one broken
object is refused naming it."""

from __future__ import annotations

import csv
import gzip
import io
import ipaddress
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.monitoring import (
    MAX_LINE_BYTES,
    AlertSeverity,
    EventFormat,
    IndicatorKind,
    MonitoringCode,
    Observation,
    ReadCounts,
    Rejected,
    read_events,
)

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[4] / "shared" / "data"))
EVE = SHARED / "suricata_eve_zeus_lab" / "eve.json"
FEODO = SHARED / "abusech_feodo" / "ipblocklist_2024-04-04.csv"
ZEEK = SHARED / "zeek_stratosphere"
STIX = SHARED / "stix21_oasis" / "examples" / "threat-reports"
KEV = SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json"
EPSS = SHARED / "epss" / "lodestone_epss_scores-current_HEAD_excerpt.csv"
NVD = SHARED / "nvd_api2_nvd-go" / "responses" / "cves-2023.json"
CVE5 = SHARED / "cve5_vulnrichment" / "kev_subset" / "CVE-2024-38812.json"
ICS = SHARED / "mitre_attack_ics_stix20" / "ics-attack.json"
# Suricata's priority 1 is the most severe (docs/monitoring.md).
SURICATA_SEVERITY = {1: "high", 2: "medium", 3: "low"}


@pytest.fixture(scope="module", autouse=True)
def _require_shared_data() -> None:
    if not SHARED.is_dir():
        pytest.fail(f"the real data must sit beside the clone: not found at {SHARED}")


def _read(source: object, **options: object) -> tuple[list[Observation], list[Rejected]]:
    items = list(read_events(source, **options))  # type: ignore[arg-type]
    return (
        [item for item in items if isinstance(item, Observation)],
        [item for item in items if isinstance(item, Rejected)],
    )


def _eve_events() -> list[dict[str, object]]:
    return [json.loads(line) for line in EVE.read_text(encoding="utf-8").splitlines() if line]


def test_every_suricata_alert_gives_its_source_and_destination_with_its_signature() -> None:
    events = _eve_events()
    expected = Counter(
        (
            str(ipaddress.ip_address(event[key])),
            f"suricata:{event['alert']['signature_id']}",  # type: ignore[index]
            SURICATA_SEVERITY[event["alert"]["severity"]],
        )  # type: ignore[index]
        for event in events
        if event["event_type"] == "alert"
        for key in ("src_ip", "dest_ip")
    )
    counts = ReadCounts()
    observations, rejected = _read(EVE, counts=counts)
    alerts = [o for o in observations if o.rule != "suricata:dns"]
    assert Counter((o.value, o.rule, o.severity.value) for o in alerts) == expected
    assert sum(e["event_type"] == "alert" for e in events) == 3246  # the README's count
    dns = [e for e in events if e["event_type"] == "dns"]
    assert Counter(o.value for o in observations if o.rule == "suricata:dns") == Counter(
        str(e["dns"]["rrname"]).lower()
        for e in dns  # type: ignore[index]
    )
    assert rejected == []
    assert counts.records == len(events) == 6814
    assert counts.skipped == sum(e["event_type"] not in ("alert", "dns") for e in events)
    assert all(
        o.source == "suricata" and o.seen_at.utcoffset().total_seconds() == 0 for o in observations
    )  # type: ignore[union-attr]


def test_the_same_suricata_event_read_twice_has_the_same_fingerprints() -> None:
    line = next(line for line in EVE.read_bytes().splitlines() if b'"event_type":"alert"' in line)
    once, _ = _read(io.BytesIO(line + b"\n"))
    twice, _ = _read(io.BytesIO(line + b"\n" + line + b"\n"))
    assert [o.fingerprint for o in twice] == [o.fingerprint for o in once] * 2
    assert len({o.fingerprint for o in once}) == 2  # source and destination are two indicators


def test_a_malformed_line_in_the_middle_is_refused_by_number_and_the_rest_is_read() -> None:
    lines = EVE.read_bytes().splitlines(keepends=True)
    middle = len(lines) // 2
    broken = [*lines[:middle], b'{"event_type": "alert", "timestamp": \n', *lines[middle:]]
    long_line = b'{"x": "' + b"a" * MAX_LINE_BYTES + b'"}\n'
    broken.insert(middle + 11, long_line)
    observations, rejected = _read(io.BytesIO(b"".join(broken)))
    assert [(r.line, r.code) for r in rejected] == [
        (middle + 1, MonitoringCode.JSON_SYNTAX),
        (middle + 12, MonitoringCode.LINE_TOO_LONG),
    ]
    whole, _ = _read(EVE)
    assert observations == whole


def test_gzip_is_told_by_its_magic_bytes_and_reads_the_same() -> None:
    whole, _ = _read(EVE)
    zipped, _ = _read(io.BytesIO(gzip.compress(EVE.read_bytes())))
    assert zipped == whole


def test_every_feodo_row_is_a_high_severity_address_of_its_malware() -> None:
    with FEODO.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    observations, rejected = _read(FEODO)
    assert len(rows) == 28 == len(observations)  # the footer says "END 28 entries"
    assert rejected == []
    assert [(o.kind, o.value, o.rule) for o in observations] == [
        (IndicatorKind.IPV4, row["dst_ip"], f"feodo:{row['malware']}") for row in rows
    ]
    assert {o.severity for o in observations} == {AlertSeverity.HIGH}


def _zeek_rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = next(line for line in lines if line.startswith("#fields")).split("\t")[1:]
    return [
        dict(zip(fields, line.split("\t"), strict=True))
        for line in lines
        if line and not line.startswith("#")
    ]


def test_zeek_dns_queries_are_domains() -> None:
    path = ZEEK / "005-zeek-scenario-malicious" / "dns.log"
    rows = _zeek_rows(path)
    counts = ReadCounts()
    observations, rejected = _read(path, counts=counts)
    assert Counter(o.value for o in observations) == Counter(
        row["query"].lower() for row in rows if row["query"] != "-"
    )
    assert counts.records == len(rows)
    assert rejected == []
    assert {o.rule for o in observations} == {"zeek:dns"}


def test_zeek_labelled_connections_are_medium_when_malicious() -> None:
    path = ZEEK / "001-zeek-scenario-malicious" / "labeled-conn.log"
    rows = _zeek_rows(path)
    observations, rejected = _read(path, format="zeek")
    malicious = [row for row in rows if row["label"] == "Malicious"]
    medium = [o for o in observations if o.severity is AlertSeverity.MEDIUM]
    assert Counter(o.value for o in medium) == Counter(
        row[key] for row in malicious for key in ("id.orig_h", "id.resp_h")
    )
    assert len(observations) == 2 * len(rows)
    assert rejected == []


def test_zeek_http_gives_the_host_and_the_url() -> None:
    path = ZEEK / "008-zeek-mixed" / "data" / "http.log.labeled"
    rows = [row for row in _zeek_rows(path) if row["host"] != "-"]
    observations, _ = _read(path)
    urls = [o.value for o in observations if o.kind is IndicatorKind.URL]
    assert len(urls) == len(rows)
    assert urls[0] == f"http://{rows[0]['host'].lower()}{rows[0]['uri']}"


# An independent reading of these bundles' simple patterns: every `type:value = '…'` term.
_TERM = re.compile(r"(ipv4-addr|ipv6-addr|domain-name|url):value = '([^']*)'")


def test_stix_indicators_give_their_addresses_and_domains() -> None:
    path = STIX / "poisonivy.json"
    bundle = json.loads(path.read_text(encoding="utf-8"))
    expected = {
        (f"stix:{obj['id']}", value.lower())
        for obj in bundle["objects"]
        if obj["type"] == "indicator"
        for _, value in _TERM.findall(obj["pattern"])
        # Networks are not observations (docs/monitoring.md), nor is the one value in this
        # bundle that is no domain name at all ('domain autuo.xicp.net').
        if "/" not in value and " " not in value
    }
    counts = ReadCounts()
    observations, _ = _read(path, counts=counts)
    assert {(o.rule, o.value) for o in observations} == expected
    assert len(observations) == len(expected)
    assert counts.records == len(bundle["objects"])


def test_a_stix_bundle_with_a_broken_object_is_refused_naming_it() -> None:
    bundle = json.loads((STIX / "apt1.json").read_text(encoding="utf-8"))
    indicator = next(obj for obj in bundle["objects"] if obj["type"] == "indicator")
    indicator["pattern"] = indicator["pattern"].rstrip("]")
    with pytest.raises(ValidationError) as refused:
        list(read_events(io.BytesIO(json.dumps(bundle, indent=2).encode())))
    assert refused.value.code == MonitoringCode.STIX_INVALID
    assert indicator["id"] in refused.value.message


def test_a_stix_2_0_bundle_is_read_and_has_no_indicators() -> None:
    counts = ReadCounts()
    observations, rejected = _read(ICS, counts=counts)
    bundle = json.loads(ICS.read_text(encoding="utf-8"))
    assert bundle["spec_version"] == "2.0"
    assert observations == []
    assert rejected == []
    assert counts.records == counts.skipped == len(bundle["objects"])


@pytest.mark.parametrize(
    "path",
    [
        SHARED / "hhs_ocr_breach_portal" / "breach_report_archive_2021-03-07.csv",
        SHARED / "otrf_security_datasets" / "cmd_sam_copy_esentutl_2020-10-1900290001.json",
        SHARED / "ocsf_schema" / "dictionary.json",
    ],
)
def test_an_unknown_format_is_refused_naming_the_formats_known(path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        list(read_events(path))
    assert refused.value.code == MonitoringCode.UNKNOWN_FORMAT
    for known in EventFormat:
        if known is not EventFormat.AUTO:
            assert known.value in refused.value.message


def test_a_format_name_not_known_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        list(read_events(FEODO, format="snort"))
    assert refused.value.code == MonitoringCode.UNKNOWN_FORMAT
    assert "suricata" in refused.value.message


def test_kev_entries_are_cves_critical_when_used_by_ransomware() -> None:
    catalogue = json.loads(KEV.read_text(encoding="utf-8"))
    observations, _ = _read(KEV)
    assert len(observations) == catalogue["count"] == 1404
    critical = {o.value for o in observations if o.severity is AlertSeverity.CRITICAL}
    assert critical == {
        v["cveID"]
        for v in catalogue["vulnerabilities"]
        if v["knownRansomwareCampaignUse"] == "Known"
    }
    assert {o.rule for o in observations} == {"kev.listed"}


def test_epss_scores_keep_the_probability_and_percentile() -> None:
    lines = EPSS.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader(lines[1:]))
    observations, _ = _read(EPSS)
    assert [
        (o.value, float(o.evidence["epss"]), float(o.evidence["percentile"])) for o in observations
    ] == [(row["cve"], float(row["epss"]), float(row["percentile"])) for row in rows]
    for o in observations:  # the documented thresholds: 0.5 high, 0.1 medium, 0.01 low
        epss = float(o.evidence["epss"])
        assert (o.severity is AlertSeverity.HIGH) == (epss >= 0.5)
        assert (o.severity is AlertSeverity.INFO) == (epss < 0.01)


def test_an_nvd_page_gives_each_cve_and_each_vulnerable_cpe_criterion() -> None:
    page = json.loads(NVD.read_text(encoding="utf-8"))
    live = [v["cve"] for v in page["vulnerabilities"] if v["cve"]["vulnStatus"] != "Rejected"]
    vulnerable = Counter(
        (match["criteria"], v["id"])
        for v in live
        for config in v.get("configurations", [])
        for node in config["nodes"]
        for match in node["cpeMatch"]
        if match["vulnerable"]
    )
    observations, _ = _read(NVD)
    assert Counter(o.value for o in observations if o.kind is IndicatorKind.CVE) == Counter(
        v["id"] for v in live
    )
    assert (
        Counter((o.value, o.evidence["cve"]) for o in observations if o.kind is IndicatorKind.CPE)
        == vulnerable
    )


def test_a_cve5_record_is_its_cve() -> None:
    record = json.loads(CVE5.read_text(encoding="utf-8"))
    observations, _ = _read(CVE5)
    cves = [o for o in observations if o.kind is IndicatorKind.CVE]
    assert [o.value for o in cves] == [record["cveMetadata"]["cveId"]]
    assert {o.source for o in observations} == {"cve5"}


class _CountingStream(io.RawIOBase):
    """A long stream (the real eve.json over and over) that counts the bytes taken from it."""

    def __init__(self, content: bytes, repeats: int) -> None:
        self.content, self.repeats, self.taken = content, repeats, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        total = len(self.content) * self.repeats
        size = min(len(buffer), total - self.taken)
        start = self.taken % len(self.content)
        chunk = (self.content[start:] + self.content)[:size]
        buffer[: len(chunk)] = chunk
        self.taken += len(chunk)
        return len(chunk)


def test_reading_streams_a_long_input_rather_than_loading_it() -> None:
    stream = _CountingStream(EVE.read_bytes(), repeats=100)  # ~350 MB if it were loaded
    events = read_events(stream)  # type: ignore[arg-type]
    first = [next(events) for _ in range(1000)]
    assert all(isinstance(item, Observation) for item in first)
    # 1,000 of the 8,924 observations of one copy: not even that copy has been read whole.
    assert stream.taken < len(stream.content)


def test_a_gzipped_feed_from_a_stream_reads_as_the_file() -> None:
    whole, _ = _read(KEV)
    zipped, _ = _read(io.BytesIO(gzip.compress(KEV.read_bytes())))
    assert zipped == whole


def test_a_feed_that_does_not_add_up_is_refused_with_the_loaders_reason() -> None:
    catalogue = json.loads(KEV.read_text(encoding="utf-8"))
    catalogue["count"] += 1
    with pytest.raises(ValidationError) as refused:
        list(read_events(io.BytesIO(json.dumps(catalogue).encode())))
    assert refused.value.code == "intel.kev_count"
    assert "liubu-feed" not in refused.value.message  # the spooled file's name stays inside


class _Trickle(io.RawIOBase):
    """A stream that hands out a few bytes per read, as a slow network body does."""

    def __init__(self, content: bytes, step: int = 7) -> None:
        self.content, self.step, self.at = content, step, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self.content[self.at : self.at + min(self.step, len(buffer))]
        buffer[: len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


@pytest.mark.parametrize("path", [EVE, FEODO, ZEEK / "005-zeek-scenario-malicious" / "dns.log"])
def test_a_trickling_gzipped_stream_is_detected_and_read_as_the_file(path: Path) -> None:
    stream = _Trickle(gzip.compress(path.read_bytes()))
    assert _read(stream) == _read(path)
    assert not stream.closed  # the caller's stream is the caller's to close
