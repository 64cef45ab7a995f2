"""OCSF events: the shared data holds the OCSF schema (1.9.0-dev), not a capture of events, so
these events are written here — every attribute they use is checked against the schema's
dictionary first — and the severity mapping is held to the dictionary's own captions."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from liubu.monitoring import AlertSeverity, IndicatorKind, MonitoringCode, Observation, read_events
from liubu.monitoring.readers.ocsf import SEVERITY

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[4] / "shared" / "data"))
SCHEMA = SHARED / "ocsf_schema"
TIME = 1_733_000_000_000  # ms since the epoch: 2024-11-30T20:53:20Z
CPE = "cpe:2.3:a:openbsd:openssh:9.7:p1:*:*:*:*:*:*"
EVENTS = [
    {
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "category_uid": 2,
        "activity_id": 1,
        "type_uid": 200401,
        "severity_id": 4,
        "time": TIME,
        "metadata": {"uid": "m-1"},
        "finding_info": {"uid": "det-42", "title": "C2 beacon"},
        "evidences": [
            {
                "src_endpoint": {"ip": "203.0.113.9"},
                "dst_endpoint": {"ip": "2001:db8::1", "hostname": "C2.Example.NET"},
            }
        ],
    },
    {
        "class_uid": 2002,
        "class_name": "Vulnerability Finding",
        "category_uid": 2,
        "activity_id": 1,
        "type_uid": 200201,
        "severity_id": 5,
        "time": TIME,
        "finding_info": {"uid": "vuln-7", "title": "regreSSHion"},
        "vulnerabilities": [
            {
                "title": "OpenSSH race",
                "cve": {"uid": "cve-2024-6387"},
                "affected_packages": [{"name": "openssh", "version": "9.7p1", "cpe_name": CPE}],
            }
        ],
    },
    {
        "class_uid": 4001,
        "class_name": "Network Activity",
        "category_uid": 4,
        "activity_id": 6,
        "type_uid": 400106,
        "severity_id": 1,
        "time": TIME,
        "src_endpoint": {"ip": "198.51.100.4"},
        "dst_endpoint": {"domain": "example.cn"},
    },
    {"class_uid": 3002, "class_name": "Authentication", "severity_id": 1, "time": TIME},
]


@pytest.fixture(scope="module")
def dictionary() -> dict[str, dict[str, object]]:
    if not SCHEMA.is_dir():
        pytest.fail(f"the OCSF schema must sit beside the clone: not found at {SCHEMA}")
    return json.loads((SCHEMA / "dictionary.json").read_text(encoding="utf-8"))["attributes"]


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in _keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in _keys(item)}
    return set()


def test_the_events_here_use_only_attributes_the_schema_defines(
    dictionary: dict[str, object],
) -> None:
    assert _keys(EVENTS) - set(dictionary) == set()


def test_severity_ids_map_as_the_dictionary_captions_say(dictionary: dict[str, dict]) -> None:
    captions = {int(k): v["caption"] for k, v in dictionary["severity_id"]["enum"].items()}
    assert set(SEVERITY) == set(captions)
    by_caption = {
        "Unknown": "info",
        "Informational": "info",
        "Low": "low",
        "Medium": "medium",
        "High": "high",
        "Critical": "critical",
        "Fatal": "critical",
        "Other": "info",
    }
    assert {k: SEVERITY[k].value for k in captions} == {
        k: by_caption[c] for k, c in captions.items()
    }


def test_findings_and_network_activity_give_their_indicators() -> None:
    text = "\n".join(json.dumps(event) for event in EVENTS) + "\n"
    items = list(read_events(io.BytesIO(text.encode()), provider="sec-co"))
    found = {(o.kind, o.value, o.rule, o.severity) for o in items if isinstance(o, Observation)}
    assert found == {
        (IndicatorKind.IPV4, "203.0.113.9", "ocsf:2004:det-42", AlertSeverity.HIGH),
        (IndicatorKind.IPV6, "2001:db8::1", "ocsf:2004:det-42", AlertSeverity.HIGH),
        (IndicatorKind.DOMAIN, "c2.example.net", "ocsf:2004:det-42", AlertSeverity.HIGH),
        (IndicatorKind.CVE, "CVE-2024-6387", "ocsf:2002:vuln-7", AlertSeverity.CRITICAL),
        (IndicatorKind.CPE, CPE, "ocsf:2002:vuln-7", AlertSeverity.CRITICAL),
        (IndicatorKind.IPV4, "198.51.100.4", "ocsf:4001", AlertSeverity.INFO),
        (IndicatorKind.DOMAIN, "example.cn", "ocsf:4001", AlertSeverity.INFO),
    }
    assert {o.provider for o in items if isinstance(o, Observation)} == {"sec-co"}
    assert {o.seen_at.isoformat() for o in items if isinstance(o, Observation)} == {
        "2024-11-30T20:53:20+00:00"
    }


def test_an_ocsf_event_without_a_time_is_refused_by_line() -> None:
    broken = {**EVENTS[2]}
    del broken["time"]
    text = "\n".join(json.dumps(event) for event in (EVENTS[0], broken, EVENTS[2]))
    items = list(read_events(io.BytesIO(text.encode()), format="ocsf"))
    refused = [item for item in items if not isinstance(item, Observation)]
    assert [(r.line, r.code) for r in refused] == [(2, MonitoringCode.BAD_VALUE)]
    assert sum(isinstance(item, Observation) for item in items) == 3 + 2
