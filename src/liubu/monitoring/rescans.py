"""A monitoring rescan's new findings become alerts (保中监控, issue item 4).

When a monthly rescan of an insured enterprise's verified assets finishes
(:func:`liubu.monitoring.complete_rescans`), each finding it made that the enterprise's previous
finished scan did not (the same finding code on the same host and port) is an observation of
that host — source ``rescan``, rule ``rescan:<finding code>``, the finding's own severity — and
goes through :func:`record_observations` like any feed: matched against the watch list (so only
an insured, verified host raises one), de-duplicated per (policy, asset, indicator, rule),
remembered by its fingerprint (the scan, code and asset), moving the in-term score. A finding the
previous scan already made raised its alert then, or was known when the policy was bound.
"""

from __future__ import annotations

from liubu.assessment import ScanState
from liubu.monitoring.alerts import IngestResult, record_observations
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation
from liubu.monitoring.records import MonitoringUnitOfWork
from liubu.monitoring.watched import AssetKind, host_asset

RESCAN_SOURCE = "rescan"
_KINDS = {
    AssetKind.DOMAIN: IndicatorKind.DOMAIN,
    AssetKind.IPV4: IndicatorKind.IPV4,
    AssetKind.IPV6: IndicatorKind.IPV6,
}


def alert_new_findings(uow: MonitoringUnitOfWork, scan_id: str) -> IngestResult | None:
    """Record the new findings of the finished scan ``scan_id`` as observations (see the
    module); None when the scan did not finish or found nothing new."""
    observations = new_finding_observations(uow, scan_id)
    if not observations:
        return None
    return record_observations(uow, observations)


def new_finding_observations(uow: MonitoringUnitOfWork, scan_id: str) -> list[Observation]:
    """The observations :func:`alert_new_findings` records, read in one transaction."""
    with uow:
        scan = uow.assessment.scan(scan_id)
        if scan.status != ScanState.FINISHED or scan.finished_at is None:
            return []
        finished = scan.finished_at
        earlier = [
            s
            for s in uow.assessment.scans(scan.enterprise_id)
            if s.id != scan.id
            and s.status == ScanState.FINISHED
            and s.finished_at is not None
            and s.finished_at <= finished
        ]
        previous = max(earlier, key=lambda s: s.finished_at or finished, default=None)
        findings = uow.assessment.findings(scan.enterprise_id)
        known = {
            (f.code, f.asset) for f in findings if previous is not None and f.scan_id == previous.id
        }
        fresh = [f for f in findings if f.scan_id == scan.id and (f.code, f.asset) not in known]
    found = []
    for finding in fresh:
        host = _host(finding.asset)
        kind, value = host_asset(host)
        indicator = _KINDS.get(kind)
        if indicator is None:
            continue
        try:
            severity = AlertSeverity(finding.severity)
        except ValueError:
            severity = AlertSeverity.INFO
        title = finding.detail.get("title")
        found.append(
            Observation(
                kind=indicator,
                value=value,
                source=RESCAN_SOURCE,
                rule=f"{RESCAN_SOURCE}:{finding.code}",
                severity=severity,
                seen_at=finished,
                fingerprint=f"{scan.id}:{finding.code}:{finding.asset}",
                evidence={
                    "scan": scan.id,
                    "finding": finding.code,
                    "asset": finding.asset[:200],
                    **_title(title),
                },
            )
        )
    return found


def _title(title: object) -> dict[str, str]:
    if isinstance(title, dict):
        title = title.get("en") or title.get("zh")
    return {"title": str(title)[:200]} if title else {}


def _host(asset: str) -> str:
    """``host:port`` → host (an IPv6 literal, with several colons, is kept whole)."""
    host, colon, port = asset.rpartition(":")
    return host if colon and port.isdigit() and ":" not in host else asset
