"""Use cases of the pre-bind diagnosis (保前诊断): declare and verify assets, scan them, keep the
findings and the enterprise's disputes of them.

A scan runs outside any transaction: :func:`request_scan` records it, :func:`run_scan` (called
by a background worker or the CLI) probes, reports progress in short transactions and stores the
findings at the end. Every use case that writes owns its transaction (``with uow: …;
uow.commit()``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from liubu.accounts import OrgKind, Principal, Role, new_id, require
from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.records import (
    CLOSED,
    DISPUTES,
    AssessmentUnitOfWork,
    Asset,
    FindingRecord,
    FindingState,
    Scan,
    ScanState,
    ServiceTask,
    TaskState,
)
from liubu.assessment.scan import (
    MAX_CA_BUNDLE_BYTES,
    ControlProof,
    Target,
    TrustedCa,
    read_ca_bundle,
    verify_control,
)
from liubu.errors import ConflictError, ValidationError

ASSESSORS = (Role.ADMIN, Role.ENTERPRISE_USER, Role.UNDERWRITER, Role.SECURITY_ANALYST)
KINDS = (OrgKind.ENTERPRISE, OrgKind.INSURER, OrgKind.PLATFORM)
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$|^[0-9a-f:.]+$"
)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ScanPolicy:
    """How this deployment may scan. Private ranges only when enabled for testing."""

    allow_private: bool = False
    dns_server: tuple[str, int] | None = None
    verify_web_ports: tuple[tuple[str, int], ...] = (("https", 443), ("http", 80))
    ports: tuple[int, ...] | None = None
    services: dict[int, str] = field(default_factory=dict)
    deadline: float = 60.0
    per_probe_timeout: float = 3.0
    # A PEM file of CA certificates that replaces the system trust store for chain validation
    # (an enterprise's private CA); None trusts the system store.
    ca_bundle: str | None = None


def declare_asset(uow: AssessmentUnitOfWork, enterprise_id: str, name: str) -> Asset:
    """The enterprise names a host or domain it controls and gets a token to publish."""
    with uow:
        require(uow.principal, *ASSESSORS, kinds=KINDS)
        enterprise = uow.enterprises.get(enterprise_id)
        host = name.strip().lower().rstrip(".")
        if not _HOST.match(host):
            raise ValidationError(
                f"{name!r} is not a host name or IP address.", field="name", value=name
            )
        if any(a.name == host for a in uow.assessment.assets(enterprise.id)):
            raise ConflictError(f"{host} is already declared for this enterprise.")
        asset = Asset(
            id=new_id(),
            tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            name=host,
            token=secrets.token_hex(16),
            created_at=_now(),
        )
        uow.assessment.add(asset)
        uow.commit()
        return asset


@dataclass(frozen=True, slots=True)
class ProofInstructions:
    """Where to publish an asset's token to prove control of it. An IP address has no DNS name
    of its own to hold a TXT record, so only the file on its web server proves it (``dns_txt``
    None)."""

    dns_txt: str | None
    file_url: str
    token: str

    def as_dict(self) -> dict[str, str]:
        """The methods by name, each as one line (the API's and the CLI's form)."""
        methods = {"dns_txt": self.dns_txt} if self.dns_txt is not None else {}
        return methods | {"well_known_file": f"{self.file_url} containing {self.token}"}


def proof_instructions(asset: Asset) -> ProofInstructions:
    """Where to publish the token: a DNS TXT record (names only), or a file on the web server."""
    by_name = not Target(asset.name).is_address
    return ProofInstructions(
        dns_txt=f'_liubu.{asset.name} TXT "liubu-verification={asset.token}"' if by_name else None,
        file_url=f"http(s)://{asset.name}/.well-known/liubu-verification.txt",
        token=asset.token,
    )


def verify_asset(uow: AssessmentUnitOfWork, asset_id: str, policy: ScanPolicy) -> Asset:
    with uow:
        require(uow.principal, *ASSESSORS, kinds=KINDS)
        asset = uow.assessment.asset(asset_id)
        proof: ControlProof = verify_control(
            asset.name,
            asset.token,
            dns_server=policy.dns_server,
            timeout=5.0,
            web_ports=policy.verify_web_ports,
            allow_private=policy.allow_private,
        )
        if not proof.verified:
            tried = "; ".join(proof.attempts) or "no answer"
            raise ValidationError(
                f"{asset.name} does not publish its verification token yet ({tried}). Publish "
                f"{' or '.join(proof_instructions(asset).as_dict().values())}, then try again.",
                code=AssessmentCode.ASSET_UNVERIFIED,
                field="asset",
                value=asset.name,
            )
        asset.verified_at, asset.verified_by = proof.checked_at, proof.method
        uow.commit()
        return asset


def trust_ca(uow: AssessmentUnitOfWork, asset_id: str, pem: bytes) -> Asset:
    """The enterprise (or the insurer, for an enterprise of its book) trusts a private CA for one
    asset: scans validate that asset's TLS chains against it too, and no other asset's. At most
    :data:`MAX_CA_BUNDLE_BYTES` of PEM CA certificates, kept re-encoded; replaces the asset's
    earlier CA. The change is audited."""
    with uow:
        require(uow.principal, *ASSESSORS, kinds=KINDS)
        asset = uow.assessment.asset(asset_id)
        if len(pem) > MAX_CA_BUNDLE_BYTES:
            raise ValidationError(
                f"A trusted CA file must be at most {MAX_CA_BUNDLE_BYTES // 1024} KiB; this one "
                f"has {len(pem):,} bytes.",
                code=AssessmentCode.ASSET_CA_TOO_LARGE,
                field="file",
                value=len(pem),
            )
        try:
            certificates = read_ca_bundle(pem)
        except ValueError as error:
            raise ValidationError(
                f"A trusted CA must be one or more CA certificates in PEM: {error}.",
                code=AssessmentCode.ASSET_CA_INVALID,
                field="file",
            ) from None
        # Kept as the certificates alone, re-encoded: comments and text around them dropped.
        asset.trusted_ca = "".join(ca.pem for ca in certificates)
        uow.commit()
        return asset


def untrust_ca(uow: AssessmentUnitOfWork, asset_id: str) -> Asset:
    """Remove the asset's trusted CA: its chains are judged against the usual store again."""
    with uow:
        require(uow.principal, *ASSESSORS, kinds=KINDS)
        asset = uow.assessment.asset(asset_id)
        asset.trusted_ca = None
        uow.commit()
        return asset


def trusted_ca_of(asset: Asset) -> tuple[TrustedCa, ...]:
    """The CA certificates trusted for ``asset`` (subject, expiry, fingerprint); none if none."""
    return read_ca_bundle(asset.trusted_ca.encode()) if asset.trusted_ca else ()


def enterprise_of_targets(uow: AssessmentUnitOfWork, targets: Sequence[str]) -> str:
    """The one enterprise whose verified assets ``targets`` are; refuse anything else."""
    owners: set[str] = set()
    for target in targets:
        host = target.strip().lower().rstrip(".")
        found = [
            a for e in uow.enterprises.list() for a in uow.assessment.assets(e.id) if a.name == host
        ]
        if not found:
            raise ValidationError(
                f"{target} is not a declared asset. Declare it (liubu assess assets add) and "
                f"prove control of it before scanning.",
                code=AssessmentCode.SCAN_UNDECLARED,
                field="targets",
                value=target,
            )
        if not any(a.verified_at for a in found):
            raise ValidationError(
                f"{target} is declared but not verified; publish its token and run "
                f"liubu assess assets verify.",
                code=AssessmentCode.ASSET_UNVERIFIED,
                field="targets",
                value=target,
            )
        owners |= {a.enterprise_id for a in found if a.verified_at}
    if len(owners) != 1:
        raise ValidationError("Scan the assets of one enterprise at a time.", field="targets")
    return owners.pop()


def request_scan(
    uow: AssessmentUnitOfWork, enterprise_id: str, *, only: Sequence[str] | None = None
) -> Scan:
    """Record a scan of the verified assets (or ``only`` those); :func:`run_scan` does it."""
    with uow:
        record = _request_scan(uow, enterprise_id, only=only)
        uow.commit()
        return record


def _request_scan(
    uow: AssessmentUnitOfWork, enterprise_id: str, *, only: Sequence[str] | None = None
) -> Scan:
    require(uow.principal, *ASSESSORS, kinds=KINDS)
    enterprise = uow.enterprises.get(enterprise_id)
    wanted = {t.strip().lower().rstrip(".") for t in only} if only else None
    targets = [
        a.name
        for a in uow.assessment.assets(enterprise.id)
        if a.scannable and (wanted is None or a.name in wanted)
    ]
    if not targets:
        raise ValidationError(
            "Declare an asset and verify that you control it before scanning: liubu scans only "
            "verified assets.",
            code=AssessmentCode.SCAN_NO_VERIFIED_ASSETS,
            field="assets",
        )
    record = Scan(
        id=new_id(),
        tenant_id=enterprise.tenant_id,
        enterprise_id=enterprise.id,
        status=ScanState.QUEUED,
        targets=targets,
        settings={},
        created_at=_now(),
    )
    uow.assessment.add(record)
    return record


def dispute_finding(
    uow: AssessmentUnitOfWork, finding_id: str, *, kind: str, note: str, evidence: str | None = None
) -> FindingRecord:
    """The enterprise says a finding is not its asset, is mitigated, or is fixed. Audited; a
    "fixed" claim asks for a rescan, which alone resolves the finding."""
    with uow:
        finding = _dispute(uow, finding_id, kind=kind, note=note, evidence=evidence)
        uow.commit()
        return finding


@dataclass(frozen=True)
class Disputed:
    finding: FindingRecord
    rescan: Scan | None  # queued when the enterprise says the finding is fixed


def dispute_and_rescan(
    uow: AssessmentUnitOfWork, finding_id: str, *, kind: str, note: str, evidence: str | None = None
) -> Disputed:
    """:func:`dispute_finding`, and for a claimed fix a rescan queued in the same transaction (a
    refused rescan refuses the claim). The caller starts the rescan: it runs outside any
    transaction."""
    with uow:
        finding = _dispute(uow, finding_id, kind=kind, note=note, evidence=evidence)
        rescan = None
        if finding.status == FindingState.FIXED_PENDING_RESCAN:
            rescan = _request_scan(uow, finding.enterprise_id)
        uow.commit()
        return Disputed(finding, rescan)


def _dispute(
    uow: AssessmentUnitOfWork, finding_id: str, *, kind: str, note: str, evidence: str | None
) -> FindingRecord:
    require(uow.principal, *ASSESSORS, kinds=KINDS)
    finding = uow.assessment.finding(finding_id)
    try:
        state = FindingState(kind)
    except ValueError:
        state = None
    if state not in DISPUTES:
        raise ValidationError(
            f"A dispute is one of {', '.join(DISPUTES)}; got {kind!r}.", field="kind", value=kind
        )
    if state is FindingState.COMPENSATING_CONTROL and not (evidence or "").strip():
        raise ValidationError(
            "A compensating control needs evidence of the control.", field="evidence"
        )
    if not note.strip():
        raise ValidationError("Say why, in a few words.", field="note")
    finding.status, finding.dispute_note = state, note.strip()
    finding.dispute_evidence, finding.updated_at = evidence, _now()
    return finding


WAIVERS = (Role.ADMIN, Role.UNDERWRITER)
WAIVER_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)
MAX_WAIVER_REASON = 2000


def may_waive(principal: Principal) -> bool:
    """Whether ``principal`` may waive findings (what :func:`waive_finding` requires)."""
    return principal.org_kind in WAIVER_KINDS and principal.has_any(*WAIVERS)


def waive_finding(uow: AssessmentUnitOfWork, finding_id: str, *, reason: str) -> FindingRecord:
    """An insurer accepts a finding for its asset (豁免), e.g. a private CA it approved for an
    internal service: the finding stays listed, costs no point, is shown as waived in the score
    and is carried on by later scans. Only an insurer's underwriter (or the platform) may; the
    status change is audited with the reason."""
    with uow:
        require(uow.principal, *WAIVERS, kinds=WAIVER_KINDS)
        finding = uow.assessment.finding(finding_id)
        text = reason.strip()
        if not 0 < len(text) <= MAX_WAIVER_REASON:
            raise ValidationError(
                f"A waiver needs a reason of 1 to {MAX_WAIVER_REASON:,} characters.",
                code=AssessmentCode.WAIVER_REASON,
                field="reason",
                value=len(text),
            )
        if finding.status in CLOSED:
            raise ValidationError(
                f"The finding {finding.code} on {finding.asset} is {finding.status}: only a "
                "current finding can be waived.",
                code=AssessmentCode.WAIVER_CLOSED,
                field="finding",
                value=finding.id,
            )
        waiver = {
            "reason": text,
            "by": uow.principal.user_id,
            "by_name": uow.principal.username,
            "at": _now().isoformat(),
        }
        finding.detail = {**finding.detail, "waiver": waiver}
        finding.status, finding.updated_at = FindingState.WAIVED, _now()
        uow.commit()
        return finding


def current_findings(uow: AssessmentUnitOfWork, enterprise_id: str) -> list[FindingRecord]:
    """Findings of the enterprise that are not resolved, most severe first."""
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    found = [f for f in uow.assessment.findings(enterprise_id) if f.status not in CLOSED]
    return sorted(found, key=lambda f: (order.get(f.severity, 9), f.code, f.asset))


def has_been_scanned(uow: AssessmentUnitOfWork, enterprise_id: str) -> bool:
    """Whether an outside-in scan of the enterprise has finished, or findings stand: before
    that its outside-in factors are unknown (scored at the average, shown "not scanned")."""
    if any(s.status == ScanState.FINISHED for s in uow.assessment.scans(enterprise_id)):
        return True
    return bool(uow.assessment.findings(enterprise_id))  # an assessor's, without a scan


def finding_view(finding: FindingRecord) -> dict[str, Any]:
    """A finding as the API, the CLI and the pages show it."""
    detail = finding.detail
    return {
        "id": finding.id,
        "code": finding.code,
        "severity": finding.severity,
        "factor": finding.factor,
        "asset": finding.asset,
        "status": finding.status,
        "title": detail.get("title", {}),
        "remediation": detail.get("remediation", {}),
        "evidence": detail.get("evidence", {}),
        "scan_status": detail.get("status"),
        "confidence": detail.get("confidence", "confirmed"),
        "caveat": detail.get("caveat"),
        "waiver": detail.get("waiver"),
        "dispute_note": finding.dispute_note,
    }


def assign_task(
    uow: AssessmentUnitOfWork,
    enterprise_id: str,
    *,
    provider_id: str,
    fix_id: str,
    title_zh: str,
    title_en: str,
) -> ServiceTask:
    """保中服务: hand a fix to a security provider, who then sees this task and nothing else."""
    with uow:
        require(uow.principal, *ASSESSORS, kinds=KINDS)
        enterprise = uow.enterprises.get(enterprise_id)
        provider = uow.organisations.find_by_id_unscoped(provider_id)
        if provider is None or provider.kind != OrgKind.SECURITY_PROVIDER:
            raise ValidationError(
                f"{provider_id!r} is not a security provider on the platform.",
                field="provider_id",
                value=provider_id,
            )
        now = _now()
        task = ServiceTask(
            id=new_id(),
            tenant_id=enterprise.tenant_id,
            enterprise_id=enterprise.id,
            provider_id=provider.id,
            fix_id=fix_id,
            title_zh=title_zh,
            title_en=title_en,
            status=TaskState.OPEN,
            created_at=now,
            updated_at=now,
        )
        uow.assessment.add(task)
        uow.commit()
        return task


def update_task(
    uow: AssessmentUnitOfWork, task_id: str, *, status: str, note: str | None = None
) -> ServiceTask:
    """The assigned provider reports progress on its task."""
    with uow:
        task = uow.assessment.task(task_id)
        if task.provider_id != uow.principal.tenant_id:
            require(uow.principal, Role.ADMIN, kinds=[OrgKind.PLATFORM])
        try:
            task.status = TaskState(status)
        except ValueError as error:
            raise ValidationError(
                f"A task is open, in_progress or done; got {status!r}.",
                field="status",
                value=status,
            ) from error
        task.note, task.updated_at = note, _now()
        uow.commit()
        return task
