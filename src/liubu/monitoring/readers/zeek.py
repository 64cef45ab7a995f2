"""Zeek TSV logs (``#separator``, ``#fields`` header lines) — conn, dns and http.

* ``conn`` — ``id.orig_h`` and ``id.resp_h`` (IPv4/IPv6);
* ``dns`` — ``query`` (domain);
* ``http`` — ``host`` (domain, or an address) and the URL ``http://<host><uri>``.

Other logs (``ssl``, ``weird``, ``notice``…) are skipped, each line counted. Stratosphere's
labelled logs carry ``label`` and ``detailedlabel`` columns: a line labelled ``Malicious`` gives
severity medium (a labelled capture says the flow is malicious, not what it does to the insured),
every other line info. The rule is ``zeek:<log>`` (``zeek:conn``…), with the detailed label
appended when there is one (``zeek:conn:C&C-HeartBeat``). ``ts`` is Unix epoch seconds.
Fingerprint: the log's ``uid`` (Zeek's connection id), the log and the line's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation, Rejected
from liubu.monitoring.readers._build import host_kind, observation
from liubu.monitoring.readers._source import ReadCounts, epoch_time
from liubu.monitoring.reasons import MonitoringCode

_UNSET = {"-", "(empty)", ""}
_READ = ("conn", "dns", "http")


@dataclass(slots=True)
class ZeekReader:
    """Reads one Zeek log line by line; the header lines set the columns that follow."""

    provider: str | None
    counts: ReadCounts
    separator: str = "\t"
    path: str | None = None
    fields: list[str] = field(default_factory=list)

    def line(self, number: int, text: str) -> Iterator[Observation | Rejected]:
        if text.startswith("#"):
            self._header(text)
            return
        if not text.strip():
            return
        self.counts.records += 1
        if not self.fields:
            yield Rejected(
                number,
                MonitoringCode.ZEEK_HEADER,
                f"Line {number} comes before the log's #fields header.",
            )
            return
        if self.path not in _READ:
            self.counts.skipped += 1
            return
        values = text.split(self.separator)
        if len(values) != len(self.fields):
            yield Rejected(
                number,
                MonitoringCode.BAD_VALUE,
                f"Line {number} has {len(values)} columns; the #fields header names "
                f"{len(self.fields)}.",
            )
            return
        yield from self._row(number, text, dict(zip(self.fields, values, strict=True)))

    def _header(self, text: str) -> None:
        name, _, rest = text[1:].partition(" " if text.startswith("#separator") else self.separator)
        if name == "separator":
            self.separator = rest.strip().encode().decode("unicode_escape")
        elif name == "path":
            self.path = rest.strip()
        elif name == "fields":
            self.fields = rest.split(self.separator)

    def _row(self, number: int, text: str, row: dict[str, str]) -> Iterator[Observation | Rejected]:
        try:
            seen_at = epoch_time(float(row["ts"]))
        except (KeyError, ValueError, OverflowError, OSError):
            yield Rejected(number, MonitoringCode.BAD_TIME, f"Line {number} has no valid ts.")
            return
        label = row.get("label", "-")
        detailed = row.get("detailedlabel", "-")
        severity = AlertSeverity.MEDIUM if label.lower() == "malicious" else AlertSeverity.INFO
        rule = f"zeek:{self.path}" + (f":{detailed}" if detailed not in _UNSET else "")
        evidence = {
            "uid": row.get("uid"),
            "orig": f"{row.get('id.orig_h')}:{row.get('id.orig_p')}",
            "resp": f"{row.get('id.resp_h')}:{row.get('id.resp_p')}",
            "proto": row.get("proto"),
            "service": row.get("service"),
            "label": label if label not in _UNSET else None,
            "detailedlabel": detailed if detailed not in _UNSET else None,
        }
        record = f"{self.path}\x1f{row.get('uid', '')}\x1f{text}"
        for kind, value in self._indicators(row):
            try:
                yield observation(
                    kind,
                    value,
                    source="zeek",
                    rule=rule,
                    severity=severity,
                    seen_at=seen_at,
                    record=record,
                    evidence=evidence,
                    provider=self.provider,
                )
            except ValidationError:
                yield Rejected(
                    number,
                    MonitoringCode.BAD_VALUE,
                    f"Line {number}: {value[:80]!r} is not a valid {kind.value}.",
                )

    def _indicators(self, row: dict[str, str]) -> Iterator[tuple[IndicatorKind, str]]:
        if self.path == "conn":
            for key in ("id.orig_h", "id.resp_h"):
                if row.get(key, "-") not in _UNSET:
                    yield host_kind(row[key]), row[key]
        elif self.path == "dns":
            if row.get("query", "-") not in _UNSET:
                yield IndicatorKind.DOMAIN, row["query"]
        elif row.get("host", "-") not in _UNSET:
            host = row["host"]
            name, _, port = host.rpartition(":")
            bare = name if port.isdigit() and name.count(":") == 0 else host  # drop ":8080"
            yield host_kind(bare), bare
            uri = row.get("uri", "-")
            yield IndicatorKind.URL, f"http://{host.lower()}{uri if uri not in _UNSET else '/'}"
