"""Certificate facts and host-name matching (RFC 9525 / RFC 6125 rules)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import warnings
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from liubu.assessment.scan import matches_host, read_certificate

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _der(
    names: list[str],
    *,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
    digest: hashes.HashAlgorithm | None = None,
    common_name: str = "subject.example",
) -> bytes:
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer = (
        subject
        if issuer_key is None
        else x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "issuer.example")])
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(NOW - dt.timedelta(days=10))
        .not_valid_after(NOW + dt.timedelta(days=20))
    )
    if names:
        alt: list[x509.GeneralName] = []
        for name in names:
            try:
                alt.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alt.append(x509.DNSName(name))
        builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
    signer = issuer_key or key
    cert = builder.sign(signer, digest or hashes.SHA256())  # type: ignore[arg-type]
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def wildcard() -> bytes:
    return _der(["*.example.com", "www.example.org", "192.0.2.7"])


@pytest.mark.parametrize(
    ("host", "covered"),
    [
        ("foo.example.com", True),  # RFC 6125 §6.4.3: * stands for one whole label
        ("FOO.Example.COM", True),  # DNS names compare case-insensitively
        ("bar.foo.example.com", False),  # ... and only one
        ("example.com", False),  # ... and at least one
        ("www.example.org", True),
        ("example.org", False),
        ("192.0.2.7", True),  # IP addresses match iPAddress entries
        ("192.0.2.8", False),
    ],
)
def test_host_names_match_subject_alternative_names_only(
    wildcard: bytes, host: str, covered: bool
) -> None:
    assert matches_host(read_certificate(wildcard), host) is covered


def test_the_common_name_is_not_a_fallback_and_wildcards_need_three_labels() -> None:
    # RFC 9525 §6.3 drops the CN-ID; "*.com" would cover a whole public suffix.
    assert not matches_host(read_certificate(_der([], common_name="cn.example")), "cn.example")
    assert not matches_host(read_certificate(_der(["*.com"])), "example.com")
    assert not matches_host(read_certificate(_der(["192.0.2.7"])), "7.2.0.192.in-addr.arpa")


def test_facts_name_the_key_expiry_and_whether_the_certificate_signs_itself() -> None:
    own = read_certificate(_der(["a.example"]))
    assert (own.key_type, own.key_bits, own.self_signed) == ("RSA", 2048, True)
    assert own.not_after == NOW + dt.timedelta(days=20)
    assert not own.expired(NOW)
    assert own.expired(NOW + dt.timedelta(days=21))
    assert own.days_left(NOW) == pytest.approx(20.0)
    issuer = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issued = read_certificate(_der(["a.example"], issuer_key=issuer))
    assert not issued.self_signed


def test_key_strength_thresholds_follow_nist_sp_800_131a() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    assert read_certificate(_der(["a.example"], key=small)).weak_key()
    assert not read_certificate(_der(["a.example"])).weak_key()
    p256 = ec.generate_private_key(ec.SECP256R1())
    facts = read_certificate(_der(["a.example"], key=p256))
    assert (facts.key_type, facts.key_bits, facts.weak_key()) == ("EC", 256, False)


def test_a_dsa_key_is_named_and_judged_without_touching_deprecated_names() -> None:
    # cryptography ≥ 51 deprecates DSA; only making the test key needs its names, so the warning
    # is allowed here alone. Reading the certificate must raise none (filterwarnings = error).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        from cryptography.hazmat.primitives.asymmetric import dsa

        small = dsa.generate_private_key(key_size=1024)
    issuer = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    facts = read_certificate(_der(["a.example"], key=small, issuer_key=issuer))  # type: ignore[arg-type]
    assert (facts.key_type, facts.key_bits, facts.weak_key()) == ("DSA", 1024, True)


def test_md5_or_sha1_signatures_are_weak_except_on_a_self_signed_certificate() -> None:
    # This OpenSSL refuses to sign with SHA-1, so the rule is checked on the facts themselves.
    issuer = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issued = read_certificate(_der(["a.example"], issuer_key=issuer))
    assert issued.signature_hash == "sha256"
    assert not issued.weak_signature()
    assert replace(issued, signature_hash="sha1").weak_signature()
    assert replace(issued, signature_hash="md5").weak_signature()
    # A root's signature on itself is never checked by clients, so it is not held against it.
    assert not replace(issued, signature_hash="sha1", self_signed=True).weak_signature()
