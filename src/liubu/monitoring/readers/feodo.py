"""abuse.ch Feodo Tracker's botnet C2 IP blocklist, CSV (``#`` comment header and footer).

Each row (``first_seen_utc, dst_ip, dst_port, c2_status, last_online, malware``) is one IPv4
observation, rule ``feodo:<malware>``, severity high (abuse.ch lists only verified botnet
command-and-control servers). ``seen_at`` is ``last_online`` (the last day abuse.ch saw it
answer, midnight UTC) when given, else ``first_seen_utc``. Fingerprint: the address, port and
first-seen time (a row that only changes status or last-online is the same listing).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation, Rejected
from liubu.monitoring.readers._build import observation
from liubu.monitoring.readers._source import ReadCounts, parse_iso_time
from liubu.monitoring.reasons import MonitoringCode

COLUMNS = ("first_seen_utc", "dst_ip", "dst_port", "c2_status", "last_online", "malware")


@dataclass(slots=True)
class FeodoReader:
    """Reads the blocklist line by line (no row spans lines in this feed)."""

    counts: ReadCounts
    header: list[str] = field(default_factory=list)

    def line(self, number: int, text: str) -> Iterator[Observation | Rejected]:
        if text.startswith("#") or not text.strip():
            return
        values = next(csv.reader([text]))
        if not self.header:
            self.header = [value.strip() for value in values]
            missing = [column for column in COLUMNS if column not in self.header]
            if missing:
                yield Rejected(
                    number,
                    MonitoringCode.MISSING_FIELD,
                    f"Line {number}: the header lacks {', '.join(missing)}.",
                )
                self.header = []
            return
        self.counts.records += 1
        if len(values) != len(self.header):
            yield Rejected(
                number,
                MonitoringCode.BAD_VALUE,
                f"Line {number} has {len(values)} columns; the header names {len(self.header)}.",
            )
            return
        row = dict(zip(self.header, values, strict=True))
        try:
            seen = row["last_online"] or row["first_seen_utc"]
            seen_at = parse_iso_time(seen if " " in seen else f"{seen}T00:00:00")
            yield observation(
                IndicatorKind.IPV4,
                row["dst_ip"],
                source="feodo",
                rule=f"feodo:{row['malware'] or 'unknown'}",
                severity=AlertSeverity.HIGH,
                seen_at=seen_at,
                record=f"{row['dst_ip']}:{row['dst_port']}@{row['first_seen_utc']}",
                evidence={key: row[key] for key in COLUMNS if key != "dst_ip"},
                provider=None,
            )
        except (ValueError, ValidationError) as error:
            yield Rejected(
                number,
                MonitoringCode.BAD_VALUE,
                f"Line {number} is not a valid blocklist row ({error}).",
            )
