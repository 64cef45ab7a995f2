"""Verifying a fix by a rescan (复扫验证).

An alert on software a scan identified (a KEV listing or an EPSS jump on a CVE that applies to
it, a CPE indicator) can be checked from the outside: :func:`verify_fix` rescans the verified
hosts where the latest scan saw that software, matches the alert's indicator against what the
rescan identifies with the same rules that raised it (:func:`liubu.monitoring.match`), and

* moves the alert to ``fixed`` when every rescan was complete and none shows the indicator;
* otherwise leaves it in ``remediation`` (a reported fix goes back there) with the rescan as
  evidence — an inconclusive rescan (a probe timed out) never counts as a fix.

What a rescan cannot see — an address on a blocklist, a domain in a STIX indicator, an IDS
event — is refused (``monitoring.not_rescannable``): the insurer accepts the reported evidence
instead (``accept``).

The rescan runs outside any transaction (it takes seconds); the alert's version is checked
before and after, so a transition made meanwhile wins and the verification is refused as stale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liubu.assessment import IndexCache, Rescan, ScanPolicy, rescan
from liubu.errors import ValidationError
from liubu.intel import VulnerabilityIndex
from liubu.monitoring.lifecycle import (
    AlertAction,
    check_alert_id,
    check_version,
    move,
    next_status,
    require_actor,
    settle_score,
)
from liubu.monitoring.matching import WatchIndex, match
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.records import Alert, AlertStatus, MonitoringUnitOfWork
from liubu.monitoring.watched import AssetKind, WatchedAsset, scanned_software

#: Indicator kinds a rescan can see again: the software, and the CVEs that apply to it.
RESCANNABLE = frozenset({IndicatorKind.CPE, IndicatorKind.CVE})


@dataclass(frozen=True, slots=True)
class Verification:
    """The alert after a verification, whether the rescan showed the fix, and what it saw."""

    alert: Alert
    fixed: bool
    rescans: tuple[Rescan, ...]


Rescanner = Callable[[Sequence[str]], Sequence[Rescan]]


def rescannable(alert: Alert) -> bool:
    """Whether a rescan can verify a fix of ``alert``."""
    return alert.asset_kind == AssetKind.CPE and alert.indicator_kind in RESCANNABLE


def verify_fix(
    uow_factory: Callable[[], MonitoringUnitOfWork],
    alert_id: str,
    *,
    expected_version: int,
    policy: ScanPolicy,
    intel: IndexCache | None = None,
    now: datetime | None = None,
    rescanner: Rescanner | None = None,
) -> Verification:
    """Rescan the alert's hosts and move it to fixed only if the indicator is gone (see the
    module's documentation). ``rescanner`` replaces :func:`liubu.assessment.rescan` with
    ``policy`` (a deployment's own scanner)."""
    check_alert_id(alert_id)
    with uow_factory() as uow:
        alert = uow.monitoring.alert(alert_id)
        require_actor(uow.principal, alert, AlertAction.VERIFY)
        check_version(alert, expected_version)
        if not rescannable(alert):
            raise ValidationError(
                f"A rescan cannot see a {alert.indicator_kind} indicator on a "
                f"{alert.asset_kind} asset; report the fix with evidence for the insurer.",
                code=MonitoringCode.NOT_RESCANNABLE,
                field="action",
            )
        next_status(alert.status, AlertAction.VERIFY)
        hosts = _hosts(uow, alert)
        vulnerabilities = None
        if alert.indicator_kind == IndicatorKind.CVE:
            vulnerabilities = (intel or IndexCache()).get(uow.intel)
    run = rescanner or (lambda targets: rescan(targets, policy=policy))
    rescans = tuple(run(hosts))
    still = _still_seen(alert, rescans, vulnerabilities)
    fixed = not still and bool(rescans) and all(r.complete for r in rescans)
    moment = now or datetime.now(UTC)
    with uow_factory() as uow:
        current = uow.monitoring.alert(alert_id)
        require_actor(uow.principal, current, AlertAction.VERIFY)
        check_version(current, expected_version)
        target = next_status(current.status, AlertAction.VERIFY) if fixed else None
        was = current.status
        move(
            current,
            uow.principal,
            AlertAction.VERIFY,
            target or AlertStatus.REMEDIATION,
            at=moment,
            extra={"rescan": _evidence(rescans, still)},
        )
        settle_score(uow, current, was, at=moment)
        uow.commit()
        return Verification(alert=current, fixed=fixed, rescans=rescans)


def _hosts(uow: MonitoringUnitOfWork, alert: Alert) -> list[str]:
    """The enterprise's verified hosts on which its latest scan identified the alert's
    software (all its scanned verified hosts if none names it any more)."""
    verified = {
        name for _e, name in uow.monitoring.verified_hosts([alert.enterprise_id], scannable=True)
    }
    result = uow.monitoring.latest_scan_results([alert.enterprise_id]).get(alert.enterprise_id)
    targets: list[Mapping[str, Any]] = list((result or {}).get("targets", ()))
    scanned = [str(t.get("target", "")) for t in targets if t.get("target") in verified]
    named = [
        str(t["target"])
        for t in targets
        if t.get("target") in verified and alert.asset_value in scanned_software({"targets": [t]})
    ]
    hosts = named or scanned
    if not hosts:
        raise ValidationError(
            "No verified host of the enterprise was scanned, so there is nothing to rescan; "
            "report the fix with evidence for the insurer.",
            code=MonitoringCode.NOT_RESCANNABLE,
            field="action",
        )
    return sorted(dict.fromkeys(hosts))


def _still_seen(
    alert: Alert, rescans: Sequence[Rescan], vulnerabilities: VulnerabilityIndex | None
) -> bool:
    """Whether the alert's indicator meets any software the rescans identified, by the rules
    that raised the alert."""
    software = scanned_software(
        {"targets": [{"software": [{"cpe": cpe} for cpe in r.software]} for r in rescans]}
    )
    assets = [
        WatchedAsset(
            enterprise_id=alert.enterprise_id,
            enterprise_name="",
            policy_id=alert.policy_id,
            policy_number=alert.policy_number,
            insurer_tenant_id=alert.tenant_id,
            client_tenant_id=alert.client_tenant_id,
            kind=AssetKind.CPE,
            value=cpe,
            origin="rescan",
        )
        for cpe in software
    ]
    observation = Observation(
        kind=IndicatorKind(alert.indicator_kind),
        value=alert.indicator,
        source=alert.source,
        rule=alert.rule,
        severity=AlertSeverity(alert.severity),
        seen_at=alert.last_seen,
        fingerprint=f"rescan:{alert.id}",
    )
    index = WatchIndex(assets, vulnerabilities=vulnerabilities)
    return any(True for _candidate in match([observation], index))


def _evidence(rescans: Sequence[Rescan], still: bool) -> dict[str, Any]:
    return {
        "still_seen": still,
        "targets": [
            {
                "target": r.target,
                "complete": r.complete,
                "finished": r.finished.isoformat(),
                "software": list(r.software[:20]),
            }
            for r in rescans
        ],
    }
