"""A private CA bundle for one asset: only PEM CA certificates (basicConstraints cA, RFC 5280
§4.2.1.9) within 64 KiB are read, each re-encoded alone; a target carrying one that is not is
refused before any probe."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from liubu.assessment.scan import MAX_CA_BUNDLE_BYTES, Target, read_ca_bundle
from liubu.errors import ValidationError

NOT_AFTER = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)


def _certificate(name: str, *, ca: bool | None) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(NOT_AFTER)
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
    return builder.sign(key, hashes.SHA256())


def _pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def test_each_ca_certificate_is_read_with_its_subject_expiry_and_fingerprint() -> None:
    root, other = _certificate("Root CA", ca=True), _certificate("Other CA", ca=True)
    found = read_ca_bundle(b"# a comment\n" + _pem(root, other) + b"\n")
    assert [(ca.subject, ca.not_after) for ca in found] == [
        ("CN=Root CA", NOT_AFTER),
        ("CN=Other CA", NOT_AFTER),
    ]
    assert found[0].sha256 == root.fingerprint(hashes.SHA256()).hex()
    assert found[1].pem.encode() == _pem(other)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "not PEM certificates"),
        (b"hello", "not PEM certificates"),
        (_certificate("leaf.example", ca=False).public_bytes(serialization.Encoding.DER), "PEM"),
        (_pem(_certificate("leaf.example", ca=False)), "is not a CA certificate"),
        (_pem(_certificate("v1 style", ca=None)), "is not a CA certificate"),
    ],
)
def test_anything_but_pem_ca_certificates_is_refused(content: bytes, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        read_ca_bundle(content)


def test_the_size_is_bounded_at_64_kib() -> None:
    pem = _pem(_certificate("Root CA", ca=True))
    assert len(read_ca_bundle(pem + b"\n" * (MAX_CA_BUNDLE_BYTES - len(pem)))) == 1
    with pytest.raises(ValueError, match="more than 65,536"):
        read_ca_bundle(pem + b"\n" * (MAX_CA_BUNDLE_BYTES + 1 - len(pem)))


def test_a_target_refuses_a_trusted_ca_that_is_not_one() -> None:
    pem = _pem(_certificate("Root CA", ca=True)).decode()
    assert Target("intranet.example", trusted_ca=pem).trusted_ca == pem
    with pytest.raises(ValidationError) as refused:
        Target("intranet.example", trusted_ca="not a certificate")
    assert (refused.value.code, refused.value.field) == ("scan.invalid_settings", "trusted_ca")
