"""A private CA trusted for one asset: two loopback TLS servers present a certificate from a
throw-away CA (made here with ``cryptography``); a real scan reports ``tls.untrusted_chain`` on
both until the CA is attached to one asset, after which that asset's chain verifies and the
other's still does not. A non-PEM, a non-CA or an oversized file is refused with its code; the
attach and the removal are audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization

from liubu.accounts import service as accounts
from liubu.accounts.model import OrgKind, Role
from liubu.assessment import service
from liubu.assessment.scan import MAX_CA_BUNDLE_BYTES
from liubu.assessment.service import ScanPolicy
from liubu.bootstrap import Platform
from liubu.errors import ValidationError
from tests.integration.helpers import Tenant, facts, make_tenant
from tests.integration.scan import pki
from tests.integration.scan.servers import Listener, Page, http_handler, server_context, tls_handler

WELL_KNOWN = "/.well-known/liubu-verification.txt"
HOSTS = ("127.0.0.1", "127.0.0.2")


@dataclass
class Lab:
    ca: pki.Issued
    leaf: pki.Issued
    tls_port: int
    web_ports: tuple[int, ...]
    pages: dict[str, dict[str, Page]]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    """On each loopback address a web server (for the proof of control) and a TLS server whose
    certificate, for both addresses, was issued by a private CA no system trusts."""
    ca = pki.certificate_authority(tmp_path, "Factory private CA", stem="private-ca")
    leaf = pki.issue(tmp_path, ca, list(HOSTS), stem="leaf")
    context = server_context(leaf.cert_file, leaf.key_file)
    pages: dict[str, dict[str, Page]] = {host: {} for host in HOSTS}
    webs = [Listener(http_handler(pages[host], Page()), host=host) for host in HOSTS]
    secure = tls_handler(context, http_handler({}, Page()))
    first = Listener(secure, host=HOSTS[0])
    second = Listener(secure, host=HOSTS[1], port=first.port)  # the same port on the other
    try:
        yield Lab(ca, leaf, first.port, tuple(w.port for w in webs), pages)
    finally:
        for listener in (*webs, first, second):
            listener.stop()


def _scan(
    platform: Platform, tenant: Tenant, enterprise_id: str, *, trusted: dict[str, list[str]]
) -> dict[str, set[str]]:
    """A real scan of the enterprise's assets; the finding codes per asset (host:port). The scan
    records which CA certificates (SHA-256) it trusted for which asset: ``trusted``."""
    with platform.uow(tenant.principal) as uow:
        record = service.request_scan(uow, enterprise_id)
    platform.run_scan(record.id)
    with platform.uow(tenant.principal) as uow:
        done = uow.assessment.scan(record.id)
        assert done.status == "finished", done.error
        assert done.settings["trusted_ca"] == trusted
        found: dict[str, set[str]] = {}
        for finding in service.current_findings(uow, enterprise_id):
            found.setdefault(finding.asset, set()).add(finding.code)
        return found


def _setup(platform: Platform, lab: Lab) -> tuple[Tenant, str, dict[str, str]]:
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    platform.scan_policy_override = ScanPolicy(
        allow_private=True,
        verify_web_ports=tuple(("http", port) for port in lab.web_ports),
        ports=(lab.tls_port,),
        services={lab.tls_port: "https"},
        deadline=20.0,
        per_probe_timeout=2.0,
    )
    with platform.uow(tenant.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(3))
        uow.commit()
    assets = {}
    for host in HOSTS:
        asset = service.declare_asset(platform.uow(tenant.principal), enterprise.id, host)
        lab.pages[host][WELL_KNOWN] = Page(body=asset.token.encode())
        service.verify_asset(platform.uow(tenant.principal), asset.id, platform.scan_policy())
        assets[host] = asset.id
    return tenant, enterprise.id, assets


def test_a_ca_attached_to_one_asset_trusts_its_chain_and_no_other(
    platform: Platform, lab: Lab
) -> None:
    tenant, enterprise_id, assets = _setup(platform, lab)
    ours, other = (f"{host}:{lab.tls_port}" for host in HOSTS)

    before = _scan(platform, tenant, enterprise_id, trusted={})
    assert "tls.untrusted_chain" in before[ours]
    assert "tls.untrusted_chain" in before[other]

    pem = lab.ca.cert_file.read_bytes()
    attached = service.trust_ca(platform.uow(tenant.principal), assets[HOSTS[0]], pem)
    (trusted,) = service.trusted_ca_of(attached)
    assert trusted.subject == lab.ca.certificate.subject.rfc4514_string()
    assert trusted.not_after == lab.ca.certificate.not_valid_after_utc

    fingerprint = lab.ca.certificate.fingerprint(hashes.SHA256()).hex()
    after = _scan(platform, tenant, enterprise_id, trusted={HOSTS[0]: [fingerprint]})
    assert "tls.untrusted_chain" not in after.get(ours, set())
    assert "tls.untrusted_chain" in after[other]

    service.untrust_ca(platform.uow(tenant.principal), assets[HOSTS[0]])
    again = _scan(platform, tenant, enterprise_id, trusted={})
    assert "tls.untrusted_chain" in again[ours]

    with platform.uow(tenant.principal) as uow:
        events = [e for e in uow.audit.recent(limit=200) if e.entity_id == assets[HOSTS[0]]]
    # declared, verified, CA attached, CA removed: each by the enterprise's user.
    user = tenant.principal.user_id
    assert [(e.action, e.actor_id) for e in sorted(events, key=lambda e: e.seq)] == [
        ("assets.created", user),
        ("assets.updated", user),
        ("assets.updated", user),
        ("assets.updated", user),
    ]
    assert platform.verify_audit_chain().intact


def test_only_pem_ca_certificates_within_64_kib_are_accepted(
    platform: Platform, lab: Lab, tmp_path: Path
) -> None:
    tenant, _, assets = _setup(platform, lab)
    asset_id = assets[HOSTS[0]]
    leaf_pem = lab.leaf.certificate.public_bytes(serialization.Encoding.PEM)
    der = lab.ca.certificate.public_bytes(serialization.Encoding.DER)
    pem = lab.ca.cert_file.read_bytes()
    refused = {
        "not PEM": (der, "asset.ca_invalid"),
        "empty": (b"", "asset.ca_invalid"),
        "a server certificate": (leaf_pem, "asset.ca_invalid"),
        "too large": (pem + b"\n" * (MAX_CA_BUNDLE_BYTES + 1 - len(pem)), "asset.ca_too_large"),
    }
    for case, (content, code) in refused.items():
        with pytest.raises(ValidationError) as caught:
            service.trust_ca(platform.uow(tenant.principal), asset_id, content)
        assert caught.value.code == code, case
    # The bound itself is allowed; text around the certificate (a bundle's comments, here in
    # Chinese, and padding) is dropped: the asset keeps the certificate alone.
    commented = "# 工厂私有 CA\n".encode() + pem
    exactly = commented + b"\n" * (MAX_CA_BUNDLE_BYTES - len(commented))
    service.trust_ca(platform.uow(tenant.principal), asset_id, exactly)
    with platform.uow(tenant.principal) as uow:
        kept = uow.assessment.asset(asset_id).trusted_ca
    assert kept == lab.ca.certificate.public_bytes(serialization.Encoding.PEM).decode()
