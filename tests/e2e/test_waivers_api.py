"""Waivers and a per-asset trusted CA through the API, on findings of a real scan: a loopback TLS
server whose certificate a throw-away private CA issued is reported ``tls.untrusted_chain``. An
insurer's underwriter waives it with a reason (the finding and the score show it); the
enterprise may not; a bad reason is refused with its code; another insurer sees nothing. The
enterprise attaches its CA to the asset and the next scan no longer reports the chain."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes

from liubu.accounts.model import OrgKind, Role
from liubu.assessment.service import ScanPolicy
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.scan import pki
from tests.integration.scan.servers import Listener, Page, http_handler, server_context, tls_handler

WELL_KNOWN = "/.well-known/liubu-verification.txt"
REASON = "Internal API behind the enterprise's private CA, approved by underwriting."


@dataclass
class Lab:
    web: Listener
    secure: Listener
    pages: dict[str, Page]
    ca: pki.Issued


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    ca = pki.certificate_authority(tmp_path, "Factory private CA", stem="private-ca")
    leaf = pki.issue(tmp_path, ca, ["127.0.0.1"], stem="leaf")
    pages: dict[str, Page] = {}
    web = Listener(http_handler(pages, Page()))
    context = server_context(leaf.cert_file, leaf.key_file)
    secure = Listener(tls_handler(context, http_handler({}, Page())))
    yield Lab(web, secure, pages, ca)
    web.stop()
    secure.stop()


def _scanned(api: Api, platform: Platform, lab: Lab, headers: dict[str, str], serial: int) -> str:
    """An enterprise registered by the caller, its asset 127.0.0.1 verified and scanned."""
    platform.scan_policy_override = ScanPolicy(
        allow_private=True,
        verify_web_ports=(("http", lab.web.port),),
        ports=(lab.secure.port,),
        services={lab.secure.port: "https"},
        deadline=20.0,
        per_probe_timeout=2.0,
    )
    body = {
        "name": f"豁免测试企业 {serial}",
        "uscc": str(uscc_with_check(f"91320500MA{serial:07d}")),
        "industry_section": "C",
        "industry_division": "39",
        "region_code": "320500",
        "annual_revenue": "30000000",
        "employees": 80,
        "mlps_level": 2,
    }
    registered = api.client.post("/api/enterprises", json=body, headers=headers)
    assert registered.status_code == 201, registered.text
    enterprise_id = str(registered.json()["id"])
    declared = api.client.post(
        f"/api/enterprises/{enterprise_id}/assets", json={"name": "127.0.0.1"}, headers=headers
    ).json()
    lab.pages[WELL_KNOWN] = Page(body=declared["asset"]["token"].encode())
    verified = api.client.post(f"/api/assets/{declared['asset']['id']}/verify", headers=headers)
    assert verified.status_code == 200, verified.text
    _scan(api, enterprise_id, headers)
    return enterprise_id


def _scan(api: Api, enterprise_id: str, headers: dict[str, str]) -> None:
    started = api.client.post(f"/api/enterprises/{enterprise_id}/scans", headers=headers)
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 60
    status = {}
    while time.monotonic() < deadline:
        status = api.client.get(f"/api/scans/{started.json()['id']}", headers=headers).json()
        if status["status"] in ("finished", "failed"):
            break
        time.sleep(0.2)
    assert status["status"] == "finished", status


def _untrusted(api: Api, enterprise_id: str, headers: dict[str, str]) -> list[dict[str, object]]:
    findings = api.client.get(f"/api/enterprises/{enterprise_id}/findings", headers=headers)
    assert findings.status_code == 200, findings.text
    return [f for f in findings.json() if f["code"] == "tls.untrusted_chain"]


def test_an_underwriter_waives_a_finding_with_a_reason(
    api: Api, platform: Platform, lab: Lab
) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer", Role.UNDERWRITER)
    make_tenant(platform, OrgKind.INSURER, "Rival", Role.UNDERWRITER)
    headers = api.headers("insurer-underwriter")
    enterprise_id = _scanned(api, platform, lab, headers, 41)
    (finding,) = _untrusted(api, enterprise_id, headers)
    url = f"/api/findings/{finding['id']}/waive"
    before = api.client.get(f"/api/enterprises/{enterprise_id}/assessment", headers=headers)

    for reason in ("", "   ", "x" * 2001):
        refused = api.client.post(url, json={"reason": reason}, headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "waiver.reason"
    rival = api.client.post(url, json={"reason": REASON}, headers=api.headers("rival-underwriter"))
    assert rival.status_code == 404, rival.text

    waived = api.client.post(url, json={"reason": REASON}, headers=headers)
    assert waived.status_code == 200, waived.text
    body = waived.json()
    assert body["status"] == "waived"
    assert body["detail"]["waiver"]["reason"] == REASON
    assert body["detail"]["waiver"]["by"] == insurer.principal.user_id
    (listed,) = _untrusted(api, enterprise_id, headers)
    assert (listed["status"], listed["detail"]["waiver"]["reason"]) == ("waived", REASON)

    after = api.client.get(f"/api/enterprises/{enterprise_id}/assessment", headers=headers)
    tls_before = _factor(before.json(), "tls")
    tls_after = _factor(after.json(), "tls")
    # The waived finding is listed in the breakdown at 0 points and the points it cost return.
    assert {"kind": "waived", "ref": "tls.untrusted_chain", "points": 0} in [
        {k: (float(r[k]) if k == "points" else r[k]) for k in ("kind", "ref", "points")}
        for r in tls_after["reasons"]
    ]
    cost = [r for r in tls_before["reasons"] if r["ref"] == "tls.untrusted_chain"]
    assert float(tls_after["points"]) == float(tls_before["points"]) - float(cost[0]["points"])


def _factor(summary: dict[str, object], name: str) -> dict[str, object]:
    factors = summary["score"]["factors"]  # type: ignore[index]
    return next(f for f in factors if f["factor"] == name)


def test_an_enterprise_may_not_waive_its_own_finding(
    api: Api, platform: Platform, lab: Lab
) -> None:
    make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    headers = api.headers("factory-enterprise_user")
    enterprise_id = _scanned(api, platform, lab, headers, 42)
    (finding,) = _untrusted(api, enterprise_id, headers)
    refused = api.client.post(
        f"/api/findings/{finding['id']}/waive", json={"reason": REASON}, headers=headers
    )
    assert refused.status_code == 403, refused.text
    (still,) = _untrusted(api, enterprise_id, headers)
    assert still["status"] == "open"


def test_the_enterprise_trusts_its_private_ca_for_the_asset(
    api: Api, platform: Platform, lab: Lab
) -> None:
    make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    headers = api.headers("factory-enterprise_user")
    enterprise_id = _scanned(api, platform, lab, headers, 43)
    assert len(_untrusted(api, enterprise_id, headers)) == 1
    (asset,) = api.client.get(f"/api/enterprises/{enterprise_id}/assets", headers=headers).json()
    assert asset["trusted_ca"] == []
    url = f"/api/assets/{asset['id']}/trusted-ca"

    junk = api.client.put(url, files={"file": ("ca.pem", b"not a certificate")}, headers=headers)
    assert (junk.status_code, junk.json()["code"]) == (422, "asset.ca_invalid")
    big = api.client.put(url, files={"file": ("ca.pem", b"-" * (64 * 1024 + 1))}, headers=headers)
    assert (big.status_code, big.json()["code"]) == (422, "asset.ca_too_large")

    pem = lab.ca.cert_file.read_bytes()
    attached = api.client.put(url, files={"file": ("ca.pem", pem)}, headers=headers)
    assert attached.status_code == 200, attached.text
    (trusted,) = attached.json()["trusted_ca"]
    assert trusted["subject"] == lab.ca.certificate.subject.rfc4514_string()
    assert trusted["sha256"] == lab.ca.certificate.fingerprint(hashes.SHA256()).hex()
    _scan(api, enterprise_id, headers)
    assert _untrusted(api, enterprise_id, headers) == []

    removed = api.client.delete(url, headers=headers)
    assert (removed.status_code, removed.json()["trusted_ca"]) == (200, [])
