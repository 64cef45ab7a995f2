"""A certificate that names its product: a FortiGate's default certificate, served for real on
loopback, identifies FortiOS (CPE with version ``*``), which is never joined to CVEs or to the
end-of-life table — the real CVE 5 record of CVE-2024-21762 (FortiOS, CISA KEV) matches a
versioned FortiOS and not this one; each shipped rule matches the default names published for
its product and not an ordinary CA's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from liubu.assessment.scan import ScanResult, read_certificate, scan
from liubu.assessment.scan.certificate_products import certificate_products, certificate_rules
from liubu.assessment.vulnerabilities import vulnerability_findings
from liubu.intel import VulnerabilityIndex, load_paths
from tests.integration.scan.servers import Listener, Page, http_handler, server_context, tls_handler

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
NOW = dt.datetime.now(dt.UTC)
FORTIOS = "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*"


def _name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def _fortinet(unit: str, common_name: str) -> x509.Name:
    """The names a FortiGate's certificates carry (openssl prints them C, ST, L, O, OU, CN)."""
    return _name(
        (NameOID.COUNTRY_NAME, "US"),
        (NameOID.STATE_OR_PROVINCE_NAME, "California"),
        (NameOID.LOCALITY_NAME, "Sunnyvale"),
        (NameOID.ORGANIZATION_NAME, "Fortinet"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
        (NameOID.COMMON_NAME, common_name),
    )


def _certificate(subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


@pytest.fixture(scope="module")
def fortigate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ScanResult, int]]:
    folder = tmp_path_factory.mktemp("fortigate")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = _certificate(
        _fortinet("FortiGate", "FG6H0FTB22903890"),
        _fortinet("Certificate Authority", "FG6H0FTB22903890"),
        key,
    )
    cert_file, key_file = folder / "gui.pem", folder / "gui.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    listener = Listener(tls_handler(server_context(cert_file, key_file), http_handler({}, Page())))
    try:
        result = scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[listener.port],
            services={listener.port: "https"},
            allow_private=True,
            per_probe_timeout=3.0,
            deadline=30.0,
            host_interval=0.0,
        )[0]
        yield result, listener.port
    finally:
        listener.stop()


def test_a_fortigate_certificate_names_fortios_without_a_version(
    fortigate: tuple[ScanResult, int],
) -> None:
    result, port = fortigate
    named = [s for s in result.software if s.evidence.port == port]
    assert [s.cpe for s in named] == [FORTIOS]
    (fortios,) = named
    assert not fortios.versioned
    assert "Fortinet FortiGate" in fortios.evidence.observed
    assert "CN=FG6H0FTB22903890" in fortios.evidence.observed
    assert "software.end_of_life" not in {f.code for f in result.findings}


def test_a_product_without_a_version_is_never_joined_to_its_cves(
    fortigate: tuple[ScanResult, int],
) -> None:
    result, _ = fortigate
    index = VulnerabilityIndex.from_bundle(
        load_paths(
            [
                SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json",
                SHARED / "cve5_vulnrichment" / "kev_subset" / "CVE-2024-21762.json",
            ]
        )
    )
    (fortios,) = [s for s in result.software if s.cpe == FORTIOS]
    assert vulnerability_findings(index, [fortios]) == ([], [])
    # The same product at a version the record lists as affected is matched (so the index
    # does hold FortiOS): 7.4.0 lies in CVE-2024-21762's affected range.
    versioned = replace(fortios, cpe=FORTIOS.replace("fortios:*", "fortios:7.4.0"))
    findings, matches = vulnerability_findings(index, [versioned])
    assert {m.cve_id for m in matches} == {"CVE-2024-21762"}
    assert [f.code for f in findings] == ["vuln.known_exploited"]


def _der(subject: x509.Name, issuer: x509.Name) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return _certificate(subject, issuer, key).public_bytes(serialization.Encoding.DER)


PUBLISHED = {
    # issuer of a FortiGate's GUI certificate, as openssl s_client prints it in public write-ups
    "o:fortinet:fortios": _fortinet("Certificate Authority", "FG6H0FTB22903890"),
    # ESXi's autogenerated host certificate (self-signed)
    "o:vmware:esxi": _name(
        (NameOID.COUNTRY_NAME, "US"),
        (NameOID.STATE_OR_PROVINCE_NAME, "California"),
        (NameOID.LOCALITY_NAME, "Palo Alto"),
        (NameOID.ORGANIZATION_NAME, "VMware, Inc"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "VMware ESX Server Default Certificate"),
        (NameOID.COMMON_NAME, "localhost.localdomain"),
    ),
    "a:cisco:adaptive_security_appliance_software": _name(
        (NameOID.COMMON_NAME, "ASA Temporary Self Signed Certificate")
    ),
    "a:synology:diskstation_manager": _name(
        (NameOID.COUNTRY_NAME, "TW"),
        (NameOID.LOCALITY_NAME, "Taipei"),
        (NameOID.ORGANIZATION_NAME, "Synology Inc."),
        (NameOID.COMMON_NAME, "Synology Inc. CA"),
    ),
}


@pytest.mark.parametrize("product", sorted(PUBLISHED))
def test_each_rule_matches_its_published_default_name(product: str) -> None:
    issuer = PUBLISHED[product]
    facts = read_certificate(_der(_name((NameOID.COMMON_NAME, "host.example")), issuer))
    found = [rule.cpe for rule, _ in certificate_products(facts)]
    assert found == [f"cpe:2.3:{product}:*:*:*:*:*:*:*:*"]


def test_an_ordinary_or_look_alike_issuer_names_no_product() -> None:
    assert {r.cpe.split(":")[3] for r in certificate_rules()} >= {"fortinet", "vmware", "cisco"}
    for issuer in (
        _name((NameOID.ORGANIZATION_NAME, "Let's Encrypt"), (NameOID.COMMON_NAME, "R11")),
        # Fortinet's own product CA (CN=support) signs FortiSwitch and FortiFone too: no FortiOS.
        _fortinet("Certificate Authority", "support"),
        _name((NameOID.COMMON_NAME, "Not the ASA Temporary Self Signed Certificate")),
    ):
        facts = read_certificate(_der(_name((NameOID.COMMON_NAME, "host.example")), issuer))
        assert certificate_products(facts) == []
