"""Real feed files from the shared data (see its README), read with the standard library or
liubu.intel's loaders, turned into observations the way a feed reader would."""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from liubu.intel import KevEntry, load_kev_json
from liubu.monitoring import AlertSeverity, IndicatorKind, Observation

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[4] / "shared" / "data"))
KEV_JSON = SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json"
# CISA's ADP record: Apache HTTP Server 2.4.0 ≤ version ≤ 2.4.59 is affected (in KEV).
APACHE_CVE = "CVE-2024-38475"
APACHE_CVE5 = SHARED / "cve5_vulnrichment" / "kev_subset" / f"{APACHE_CVE}.json"


def require_shared() -> None:
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real feed data must sit beside the clone on CI: not found at {SHARED}")
        pytest.skip(f"real feed data not found at {SHARED}")


def feodo_rows() -> list[dict[str, str]]:
    """The Feodo Tracker blocklist's rows (its ``#`` banner and footer left out)."""
    (path,) = sorted((SHARED / "abusech_feodo").glob("ipblocklist*.csv"))
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def feodo_observation(row: dict[str, str]) -> Observation:
    return Observation(
        kind=IndicatorKind.IPV4,
        value=row["dst_ip"],
        source="feodo",
        rule=f"feodo.c2.{row['malware'].lower()}",
        severity=AlertSeverity.HIGH,
        seen_at=datetime.fromisoformat(row["first_seen_utc"]).replace(tzinfo=UTC),
        fingerprint=f"feodo:{row['dst_ip']}:{row['dst_port']}",
        evidence={"port": row["dst_port"], "malware": row["malware"]},
    )


def kev_entry(cve_id: str) -> KevEntry:
    entries = {entry.cve_id: entry for entry in load_kev_json(KEV_JSON).records}
    return entries[cve_id]


def kev_observation(entry: KevEntry) -> Observation:
    return Observation(
        kind=IndicatorKind.CVE,
        value=entry.cve_id,
        source="kev",
        rule="kev.listed",
        severity=AlertSeverity.CRITICAL,
        seen_at=datetime.combine(entry.date_added, datetime.min.time(), tzinfo=UTC),
        fingerprint=f"kev:{entry.cve_id}",
        evidence={"vendor": entry.vendor_project, "product": entry.product},
    )
