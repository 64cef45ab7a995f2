"""OCSF events, one JSON object per line (Open Cybersecurity Schema Framework, schema 1.x).

Classes read (``class_uid``):

* 2004 Detection Finding — the addresses and host names of ``evidences[].src_endpoint`` /
  ``dst_endpoint`` (and of a top-level ``src_endpoint`` / ``dst_endpoint`` when a producer adds
  them), plus any vulnerabilities it carries, as 2002;
* 2002 Vulnerability Finding — ``vulnerabilities[].cve.uid`` as CVE observations and the
  ``cpe_name`` of ``vulnerabilities[].affected_packages[]`` as CPE observations;
* 4001 Network Activity — ``src_endpoint`` / ``dst_endpoint``: ``ip`` (IPv4/IPv6), ``hostname``
  and ``domain`` (domain).

Any other class is skipped and counted. ``severity_id`` is mapped from the OCSF dictionary's
enumeration (``dictionary.json``, attribute ``severity_id``): 0 Unknown → info, 1 Informational →
info, 2 Low → low, 3 Medium → medium, 4 High → high, 5 Critical → critical, 6 Fatal → critical
("too late to take remedial action" is at least critical), 99 Other → info. ``time`` is the
OCSF ``timestamp_t``: milliseconds since the Unix epoch.

Rule: ``ocsf:<class_uid>:<finding_info.uid>`` for findings (``metadata.uid`` when there is no
finding uid), ``ocsf:4001`` for network activity. Fingerprint: the hash of the event's
canonical JSON.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation, Rejected
from liubu.monitoring.readers._build import host_kind, observation
from liubu.monitoring.readers._source import ReadCounts, canonical_json, epoch_time
from liubu.monitoring.reasons import MonitoringCode

DETECTION_FINDING, VULNERABILITY_FINDING, NETWORK_ACTIVITY = 2004, 2002, 4001
SEVERITY = {
    0: AlertSeverity.INFO,
    1: AlertSeverity.INFO,
    2: AlertSeverity.LOW,
    3: AlertSeverity.MEDIUM,
    4: AlertSeverity.HIGH,
    5: AlertSeverity.CRITICAL,
    6: AlertSeverity.CRITICAL,
    99: AlertSeverity.INFO,
}
_CLASSES = (DETECTION_FINDING, VULNERABILITY_FINDING, NETWORK_ACTIVITY)


def read_ocsf(
    number: int, event: Mapping[str, Any], *, provider: str | None, counts: ReadCounts
) -> Iterator[Observation | Rejected]:
    """The observations of one OCSF event (line ``number``)."""
    class_uid = event.get("class_uid")
    if class_uid not in _CLASSES:
        counts.skipped += 1
        return
    try:
        seen_at = epoch_time(float(event["time"]) / 1000)
        severity = SEVERITY[int(event.get("severity_id", 0))]
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        yield Rejected(
            number,
            MonitoringCode.BAD_VALUE,
            f"Line {number}: the OCSF event's time or severity_id is missing or not valid.",
        )
        return
    rule = _rule(event, int(class_uid))
    found = list(_indicators(event, int(class_uid)))
    record = canonical_json(event)
    base = {
        "class_uid": class_uid,
        "class": event.get("class_name"),
        "severity_id": event.get("severity_id"),
        "message": event.get("message"),
    }
    for kind, value, evidence in found:
        try:
            yield observation(
                kind,
                value,
                source="ocsf",
                rule=rule,
                severity=severity,
                seen_at=seen_at,
                record=record,
                evidence={**base, **evidence},
                provider=provider,
            )
        except ValidationError:
            yield Rejected(
                number,
                MonitoringCode.BAD_VALUE,
                f"Line {number}: {value[:80]!r} is not a valid {kind.value}.",
            )


def _rule(event: Mapping[str, object], class_uid: int) -> str:
    if class_uid == NETWORK_ACTIVITY:
        return "ocsf:4001"
    info = event.get("finding_info")
    metadata = event.get("metadata")
    uid = (info.get("uid") if isinstance(info, Mapping) else None) or (
        metadata.get("uid") if isinstance(metadata, Mapping) else None
    )
    return f"ocsf:{class_uid}:{uid}" if uid else f"ocsf:{class_uid}"


def _indicators(
    event: Mapping[str, object], class_uid: int
) -> Iterator[tuple[IndicatorKind, str, dict[str, object]]]:
    endpoints: list[tuple[str, object]] = [
        (role, event.get(role)) for role in ("src_endpoint", "dst_endpoint")
    ]
    if class_uid == DETECTION_FINDING:
        info = event.get("finding_info")
        title = info.get("title") if isinstance(info, Mapping) else None
        for item in _objects(event.get("evidences")):
            endpoints += [(role, item.get(role)) for role in ("src_endpoint", "dst_endpoint")]
        for role, endpoint in endpoints:
            for kind, value in _endpoint(endpoint):
                yield kind, value, {"role": role, "title": title}
    else:
        for role, endpoint in endpoints:
            for kind, value in _endpoint(endpoint):
                yield kind, value, {"role": role}
    if class_uid in (DETECTION_FINDING, VULNERABILITY_FINDING):
        yield from _vulnerabilities(event)


def _endpoint(endpoint: object) -> Iterator[tuple[IndicatorKind, str]]:
    if not isinstance(endpoint, Mapping):
        return
    if endpoint.get("ip"):
        yield host_kind(str(endpoint["ip"])), str(endpoint["ip"])
    for key in ("hostname", "domain"):
        if endpoint.get(key):
            yield IndicatorKind.DOMAIN, str(endpoint[key])


def _vulnerabilities(
    event: Mapping[str, object],
) -> Iterator[tuple[IndicatorKind, str, dict[str, object]]]:
    for vulnerability in _objects(event.get("vulnerabilities")):
        cve = vulnerability.get("cve")
        cve_id = cve.get("uid") if isinstance(cve, Mapping) else None
        title = vulnerability.get("title")
        if cve_id:
            yield IndicatorKind.CVE, str(cve_id), {"title": title}
        for key in ("affected_packages", "packages"):
            for package in _objects(vulnerability.get(key)):
                if package.get("cpe_name"):
                    yield (
                        IndicatorKind.CPE,
                        str(package["cpe_name"]),
                        {
                            "cve": cve_id,
                            "package": package.get("name"),
                            "version": package.get("version"),
                            "fixed_in": package.get("fixed_in_version"),
                        },
                    )


def _objects(value: object) -> list[Mapping[str, object]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
