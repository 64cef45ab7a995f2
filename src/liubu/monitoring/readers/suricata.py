"""Suricata EVE JSON lines (Suricata's ``eve.json`` output, one event per line).

``alert`` events become one observation per address (``src_ip`` and ``dest_ip``), rule
``suricata:<signature_id>``, severity from ``alert.severity`` — Suricata's priority, 1 the most
severe (Suricata documentation, "Rules › Meta keywords › priority" and "EVE JSON output"):
1 → high, 2 → medium, 3 → low, any other → info. ``dns`` query events become one domain
observation of ``dns.rrname`` (severity info, rule ``suricata:dns``): a lookup of a blocklisted
domain from an insured network is worth matching, and the name is in the event as asked. Every
other event type (``flow``, ``stats``, ``dhcp``, …) is skipped and counted.

Fingerprint: the hash of the whole event's canonical JSON (sorted keys, no spacing) with the
indicator's normalised value — the same event sent twice gives the same fingerprints.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation, Rejected
from liubu.monitoring.readers._build import ip_kind, observation
from liubu.monitoring.readers._source import ReadCounts, canonical_json, parse_iso_time
from liubu.monitoring.reasons import MonitoringCode

SEVERITY = {1: AlertSeverity.HIGH, 2: AlertSeverity.MEDIUM, 3: AlertSeverity.LOW}


def read_suricata(
    number: int, event: Mapping[str, object], *, provider: str | None, counts: ReadCounts
) -> Iterator[Observation | Rejected]:
    """The observations of one EVE event (line ``number``)."""
    event_type = event.get("event_type")
    if event_type not in ("alert", "dns"):
        counts.skipped += 1
        return
    try:
        seen_at = parse_iso_time(str(event["timestamp"]))
    except (KeyError, ValueError):
        yield Rejected(number, MonitoringCode.BAD_TIME, f"Line {number} has no valid timestamp.")
        return
    record = canonical_json(event)
    try:
        if event_type == "alert":
            yield from _alert(event, seen_at=seen_at, record=record, provider=provider)
        else:
            yield from _dns(event, seen_at=seen_at, record=record, provider=provider)
    except (KeyError, TypeError, ValueError) as error:
        yield Rejected(
            number,
            MonitoringCode.MISSING_FIELD
            if isinstance(error, KeyError)
            else MonitoringCode.BAD_VALUE,
            f"Line {number}: the {event_type} event lacks or misstates {error}.",
        )


def _alert(
    event: Mapping[str, object], *, seen_at: object, record: str, provider: str | None
) -> Iterator[Observation]:
    alert = event["alert"]
    if not isinstance(alert, Mapping):
        raise TypeError("alert")
    signature_id = int(alert["signature_id"])
    severity = SEVERITY.get(int(alert.get("severity", 0)), AlertSeverity.INFO)
    evidence = {
        "signature": alert.get("signature"),
        "category": alert.get("category"),
        "src": f"{event.get('src_ip')}:{event.get('src_port', '')}",
        "dest": f"{event.get('dest_ip')}:{event.get('dest_port', '')}",
        "proto": event.get("proto"),
        "flow_id": event.get("flow_id"),
        "action": alert.get("action"),
    }
    found = [(key, str(event[key])) for key in ("src_ip", "dest_ip") if key in event]
    if not found:
        raise KeyError("src_ip")
    for _, address in found:
        kind = ip_kind(address)
        if kind is None:
            raise ValueError(f"the address {address!r}")
        yield observation(
            kind,
            address,
            source="suricata",
            rule=f"suricata:{signature_id}",
            severity=severity,
            seen_at=seen_at,  # type: ignore[arg-type]
            record=record,
            evidence=evidence,
            provider=provider,
        )


def _dns(
    event: Mapping[str, object], *, seen_at: object, record: str, provider: str | None
) -> Iterator[Observation]:
    dns = event["dns"]
    if not isinstance(dns, Mapping):
        raise TypeError("dns")
    name = dns.get("rrname")
    if not name:
        return
    try:
        yield observation(
            IndicatorKind.DOMAIN,
            str(name),
            source="suricata",
            rule="suricata:dns",
            severity=AlertSeverity.INFO,
            seen_at=seen_at,  # type: ignore[arg-type]
            record=record,
            evidence={
                "rrtype": dns.get("rrtype"),
                "type": dns.get("type"),
                "src": event.get("src_ip"),
                "flow_id": event.get("flow_id"),
            },
            provider=provider,
        )
    except ValidationError as error:
        raise ValueError(f"the query name {name!r}") from error
