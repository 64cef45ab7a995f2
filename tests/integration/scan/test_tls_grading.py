"""TLS grading on real loopback servers: legacy suites (3DES, RC4), no forward secrecy and
CBC-only suites, a missing intermediate and a chain out of order, each with its finding and the
grade of ``data/tls_grade.yaml``."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from liubu.assessment.scan import ScanResult, scan
from tests.integration.scan import pki
from tests.integration.scan.conftest import GOOD_HEADERS, Certificates
from tests.integration.scan.servers import (
    Listener,
    Page,
    http_handler,
    legacy_suites_front,
    server_context,
    tls_handler,
)

RSA_3DES = 0x000A  # TLS_RSA_WITH_3DES_EDE_CBC_SHA (IANA)
RSA_RC4_SHA = 0x0005  # TLS_RSA_WITH_RC4_128_SHA


@dataclass(frozen=True)
class Chains:
    root: pki.Issued
    intermediate: pki.Issued
    leaf: pki.Issued
    stranger: pki.Issued
    directory: Path


@pytest.fixture(scope="module")
def chains(tmp_path_factory: pytest.TempPathFactory) -> Chains:
    directory = tmp_path_factory.mktemp("chains")
    root = pki.certificate_authority(directory, "liubu test root", stem="root")
    intermediate = pki.certificate_authority(
        directory, "liubu test intermediate", stem="intermediate", signed_by=root
    )
    leaf = pki.issue(
        directory,
        intermediate,
        ["127.0.0.1"],
        stem="chained-leaf",
        ca_issuers="http://ca.invalid/intermediate.crt",
    )
    stranger = pki.certificate_authority(directory, "unrelated CA", stem="unrelated")
    return Chains(root, intermediate, leaf, stranger, directory)


def _page() -> Page:
    return Page(headers=GOOD_HEADERS)


def _context(cert_file: Path, key_file: Path, *, ciphers: str | None = None) -> ssl.SSLContext:
    context = server_context(cert_file, key_file)
    if ciphers is not None:  # TLS 1.2 only, so that the cipher list is all there is
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.set_ciphers(ciphers)
    return context


def _scan(ports: dict[int, str], ca_bundle: Path) -> ScanResult:
    return scan(
        ["127.0.0.1"],
        verified={"127.0.0.1"},
        ports=list(ports),
        services=ports,
        allow_private=True,
        per_probe_timeout=3.0,
        deadline=30.0,
        host_interval=0.0,
        ca_bundle=str(ca_bundle),
    )[0]


@pytest.fixture(scope="module")
def graded(
    certificates: Certificates, chains: Chains
) -> Iterator[tuple[ScanResult, dict[str, int]]]:
    good = (certificates.good.cert_file, certificates.good.key_file)
    backend = Listener(tls_handler(_context(*good), http_handler({}, _page())))
    full = pki.chain_file(chains.directory, "full", chains.leaf, chains.intermediate)
    shuffled = pki.chain_file(
        chains.directory, "shuffled", chains.leaf, chains.stranger, chains.intermediate
    )
    listeners = {
        "good": Listener(tls_handler(_context(*good), http_handler({}, _page()))),
        # Static-RSA CBC suites only: no forward secrecy, no AEAD (what this OpenSSL can serve).
        "rsa_cbc": Listener(
            tls_handler(_context(*good, ciphers="AES128-SHA:AES256-SHA"), http_handler({}, _page()))
        ),
        "3des": Listener(legacy_suites_front(backend.port, (RSA_3DES,))),
        "rc4_3des": Listener(legacy_suites_front(backend.port, (RSA_RC4_SHA, RSA_3DES))),
        "leaf_only": Listener(
            tls_handler(
                _context(chains.leaf.cert_file, chains.leaf.key_file), http_handler({}, _page())
            )
        ),
        "full_chain": Listener(
            tls_handler(_context(full, chains.leaf.key_file), http_handler({}, _page()))
        ),
        "shuffled": Listener(
            tls_handler(_context(shuffled, chains.leaf.key_file), http_handler({}, _page()))
        ),
    }
    bundle = pki.chain_file(chains.directory, "bundle", certificates.ca, chains.root)
    ports = {role: listener.port for role, listener in listeners.items()}
    yield _scan(dict.fromkeys(ports.values(), "https"), bundle), ports
    for listener in [*listeners.values(), backend]:
        listener.stop()


def _codes(result: ScanResult, port: int) -> set[str]:
    return {f.code for f in result.findings if f.evidence.port == port}


def _seen(result: ScanResult, port: int, name: str) -> str:
    (value,) = [o.value for o in result.observations if o.port == port and o.name == name]
    return value


EXPECTED = {
    "good": (set(), "A"),
    "rsa_cbc": ({"tls.no_forward_secrecy", "tls.cbc_only"}, "B"),
    "3des": ({"tls.cipher_3des"}, "C"),
    "rc4_3des": ({"tls.cipher_rc4", "tls.cipher_3des"}, "F"),
    "leaf_only": ({"tls.chain_incomplete"}, "B"),
    "full_chain": (set(), "A"),
    "shuffled": ({"tls.chain_order"}, "A"),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_server_gets_its_findings_and_grade(
    graded: tuple[ScanResult, dict[str, int]], role: str
) -> None:
    result, ports = graded
    codes, grade = EXPECTED[role]
    assert _codes(result, ports[role]) == codes
    assert _seen(result, ports[role], "tls_grade").split()[0] == grade


def test_the_3des_evidence_names_the_suite_the_server_chose(
    graded: tuple[ScanResult, dict[str, int]],
) -> None:
    result, ports = graded
    (finding,) = [f for f in result.findings if f.evidence.port == ports["3des"]]
    assert "TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000a)" in finding.evidence.observed


def test_a_missing_intermediate_is_not_also_called_an_untrusted_chain(
    graded: tuple[ScanResult, dict[str, int]],
) -> None:
    result, ports = graded
    (finding,) = [f for f in result.findings if f.evidence.port == ports["leaf_only"]]
    assert "http://ca.invalid/intermediate.crt" in finding.evidence.observed
    assert _seen(result, ports["full_chain"], "chain") == "verified"
    assert _seen(result, ports["full_chain"], "chain_sent").startswith("2 certificate(s)")


def test_forward_secrecy_and_stapling_are_recorded_for_the_modern_server(
    graded: tuple[ScanResult, dict[str, int]],
) -> None:
    result, ports = graded
    assert _seen(result, ports["good"], "forward_secrecy").startswith("yes")
    # Python's ssl cannot staple OCSP, so the test server does not: seen, not a finding.
    assert _seen(result, ports["good"], "ocsp_stapling").startswith("no")
    assert _seen(result, ports["rsa_cbc"], "forward_secrecy") == "none"


def test_a_silence_to_the_legacy_hello_is_inconclusive_and_the_other_checks_still_run(
    certificates: Certificates,
) -> None:
    good = (certificates.good.cert_file, certificates.good.key_file)
    backend = Listener(tls_handler(_context(*good), http_handler({}, _page())))
    front = Listener(legacy_suites_front(backend.port, (RSA_3DES,), silent=True))
    try:
        result = scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[front.port],
            services={front.port: "https"},
            allow_private=True,
            per_probe_timeout=1.0,
            deadline=20.0,
            host_interval=0.0,
            ca_bundle=str(certificates.ca.cert_file),
        )[0]
    finally:
        front.stop()
        backend.stop()
    assert [t.stage for t in result.timeouts] == ["legacy-suite ServerHello"]
    assert result.codes() == {"scan.timeout"}  # inconclusive, never a pass
    assert _seen(result, front.port, "chain") == "verified"
    assert _seen(result, front.port, "tls_grade") == (
        "A (provisional: legacy-suite ServerHello timed out)"
    )
