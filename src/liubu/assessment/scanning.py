"""Carrying out a scan outside any transaction: probe, report progress in short transactions,
then store the findings (with vulnerability matches) at the end."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liubu.accounts import new_id
from liubu.assessment.diagnosis import security_score
from liubu.assessment.history import note_diagnosis
from liubu.assessment.records import (
    CLOSED,
    AssessmentUnitOfWork,
    FindingRecord,
    FindingState,
    IntelStore,
    Scan,
    ScanState,
)
from liubu.assessment.scan import (
    Finding,
    ScanResult,
    ScanStatus,
    Target,
    read_ca_bundle,
    scan,
)
from liubu.assessment.service import ScanPolicy
from liubu.assessment.vulnerabilities import IndexCache, vulnerability_findings

#: The job kind of a scan run by a worker (``liubu.jobs``): the bootstrap's handler and the
#: monitoring rescans that queue scans share it.
SCAN_JOB = "scan"


def _now() -> datetime:
    return datetime.now(UTC)


UowFactory = Callable[[], AssessmentUnitOfWork]


def run_scan(
    uow_factory: UowFactory,
    scan_id: str,
    *,
    policy: ScanPolicy,
    index_cache: IndexCache,
    on_progress: Callable[[int, int], None] | None = None,
) -> Scan:
    """Probe the scan's targets, then store its findings. Never raises for a network failure:
    the scan ends ``failed`` with the reason."""
    with uow_factory() as uow:
        record = uow.assessment.scan(scan_id)
        record.status, record.started_at = ScanState.RUNNING, _now()
        record.progress_total = len(record.targets)
        enterprise_id = record.enterprise_id
        trusted = {a.name: a.trusted_ca for a in uow.assessment.assets(enterprise_id)}
        targets = [Target(name, trusted_ca=trusted.get(name)) for name in record.targets]
        record.settings = {
            "deadline": policy.deadline,
            "allow_private": policy.allow_private,
            "ports": list(policy.ports) if policy.ports else "default",
            "ca_bundle": policy.ca_bundle,
            "trusted_ca": {  # which asset trusted which CA certificates (SHA-256)
                t.host: [ca.sha256 for ca in read_ca_bundle(t.trusted_ca.encode())]
                for t in targets
                if t.trusted_ca
            },
        }
        uow.commit()
    try:
        results = scan(
            targets,
            verified={t.host for t in targets},
            ports=policy.ports,
            services=policy.services,
            dns_server=policy.dns_server,
            allow_private=policy.allow_private,
            deadline=policy.deadline,
            per_probe_timeout=policy.per_probe_timeout,
            ca_bundle=policy.ca_bundle,
            progress=_progress_writer(uow_factory, scan_id, on_progress),
        )
        with uow_factory() as uow:
            index = index_cache.get(_intel(uow))
            return _store_results(uow, scan_id, enterprise_id, results, index)
    except Exception as error:  # recorded on the scan and shown to the user
        with uow_factory() as uow:
            record = uow.assessment.scan(scan_id)
            record.status, record.finished_at = ScanState.FAILED, _now()
            record.error = str(error) or type(error).__name__
            uow.commit()
            return record


@dataclass(frozen=True, slots=True)
class Rescan:
    """What a rescan of one verified target saw: the software it identified (CPE 2.3 names),
    the codes of its findings, and whether every probe answered (``complete``; a probe that
    timed out leaves the rescan inconclusive)."""

    target: str
    software: tuple[str, ...]
    findings: tuple[str, ...]
    complete: bool
    finished: datetime


def rescan(
    hosts: Sequence[str], *, policy: ScanPolicy, trusted_ca: Mapping[str, str] | None = None
) -> list[Rescan]:
    """Probe verified ``hosts`` again as a scan does, outside any transaction, and store
    nothing: in-term monitoring uses it to verify a reported fix. The caller vouches that the
    hosts are verified assets."""
    trusted = trusted_ca or {}
    results = scan(
        [Target(host, trusted_ca=trusted.get(host)) for host in hosts],
        verified=set(hosts),
        ports=policy.ports,
        services=policy.services,
        dns_server=policy.dns_server,
        allow_private=policy.allow_private,
        deadline=policy.deadline,
        per_probe_timeout=policy.per_probe_timeout,
        ca_bundle=policy.ca_bundle,
    )
    return [
        Rescan(
            target=result.target,
            software=tuple(dict.fromkeys(item.cpe for item in result.software)),
            findings=tuple(dict.fromkeys(finding.code for finding in result.findings)),
            complete=result.status is ScanStatus.COMPLETE,
            finished=result.finished,
        )
        for result in results
    ]


def _intel(uow: AssessmentUnitOfWork) -> IntelStore:
    return uow.intel


def _progress_writer(
    uow_factory: UowFactory, scan_id: str, also: Callable[[int, int], None] | None
) -> Callable[[int, int], None]:
    def write(done: int, total: int) -> None:
        if also is not None:
            also(done, total)
        with uow_factory() as uow:
            record = uow.assessment.scan(scan_id)
            record.progress_done, record.progress_total = done, total
            uow.commit()

    return write


def _store_results(
    uow: AssessmentUnitOfWork,
    scan_id: str,
    enterprise_id: str,
    results: Sequence[ScanResult],
    index: Any,
) -> Scan:
    record = uow.assessment.scan(scan_id)
    previous = {
        (f.code, f.asset): f
        for f in uow.assessment.findings(enterprise_id)
        if f.status not in CLOSED
    }
    seen: set[tuple[str, str]] = set()
    summary = []
    for result in results:
        vulns, matches = vulnerability_findings(index, result.software)
        for finding in (*result.findings, *vulns):
            key = (finding.code, _asset_of(finding))
            if key in seen:
                continue
            seen.add(key)
            uow.assessment.add(finding_record(record, finding, previous.get(key)))
        summary.append({**result.to_dict(), "vulnerabilities": [_match(m) for m in matches]})
    for key, old in previous.items():
        # Not seen by the new scan: resolved, whatever was claimed. Seen again: carried on by
        # the new record (a "fixed" claim the scan contradicts is open again).
        old.status = FindingState.SUPERSEDED if key in seen else FindingState.RESOLVED
        old.updated_at = _now()
    record.status, record.finished_at, record.result = (
        ScanState.FINISHED,
        _now(),
        {"targets": summary},
    )
    record.progress_done = record.progress_total
    uow.flush()
    # the diagnosis moved with the findings: its score joins the history (when it changed)
    diagnosis = security_score(uow, enterprise_id)
    note_diagnosis(uow, enterprise_id, diagnosis, at=record.finished_at, ref=scan_id)
    uow.commit()
    return record


def _asset_of(finding: Finding) -> str:
    port = f":{finding.evidence.port}" if finding.evidence.port else ""
    return f"{finding.evidence.target}{port}"


def finding_record(
    scan_record: Scan, finding: Finding, previous: FindingRecord | None
) -> FindingRecord:
    status = FindingState.OPEN
    detail = finding.to_dict()
    if previous is not None and previous.status in (
        FindingState.NOT_OURS,
        FindingState.COMPENSATING_CONTROL,
        FindingState.WAIVED,
    ):
        status = FindingState(previous.status)  # the dispute stands until someone reviews it
        if status is FindingState.WAIVED:  # so does the insurer's waiver, with its reason
            detail["waiver"] = previous.detail.get("waiver")
    now = _now()
    return FindingRecord(
        id=new_id(),
        tenant_id=scan_record.tenant_id,
        enterprise_id=scan_record.enterprise_id,
        scan_id=scan_record.id,
        code=finding.code,
        severity=str(finding.severity),
        factor=str(finding.factor),
        asset=_asset_of(finding),
        status=status,
        detail=detail,
        created_at=now,
        updated_at=now,
        dispute_note=previous.dispute_note if previous and status != FindingState.OPEN else None,
    )


def _match(match: Any) -> dict[str, Any]:
    return {
        "cve": match.cve_id,
        "cpe": match.cpe,
        "kev": match.in_kev,
        "ransomware": match.ransomware,
        "epss": match.epss,
        "cvss": match.cvss.base_score if match.cvss else None,
    }
