"""Certificates for the scanner's test servers, made with ``cryptography`` at test time."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Issued:
    """A certificate and key written as PEM files, ready for ``load_cert_chain``."""

    cert_file: Path
    key_file: Path
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(directory: Path, stem: str, cert: x509.Certificate, key: rsa.RSAPrivateKey) -> Issued:
    cert_file, key_file = directory / f"{stem}.pem", directory / f"{stem}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Issued(cert_file, key_file, cert, key)


def self_signed(
    directory: Path,
    common_name: str,
    *,
    key_bits: int = 2048,
    not_before: dt.datetime = NOW - dt.timedelta(days=400),
    not_after: dt.datetime = NOW - dt.timedelta(days=2),
) -> Issued:
    """A self-signed certificate without subjectAltName (expired by default)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return _write(directory, f"self-{common_name}", cert, key)


def certificate_authority(
    directory: Path,
    common_name: str = "liubu test CA",
    *,
    stem: str = "ca",
    signed_by: Issued | None = None,
) -> Issued:
    """A root CA, or with ``signed_by`` an intermediate CA issued by that CA."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuer_name = signed_by.certificate.subject if signed_by else _name(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(
            x509.BasicConstraints(ca=True, path_length=0 if signed_by else None), critical=True
        )
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(signed_by.key if signed_by else key, hashes.SHA256())
    )
    return _write(directory, stem, cert, key)


def issue(
    directory: Path,
    ca: Issued,
    names: list[str],
    *,
    days: int = 90,
    stem: str | None = None,
    ca_issuers: str | None = None,
) -> Issued:
    """A server certificate from ``ca`` for DNS names and IP addresses in ``names``;
    ``ca_issuers`` is the issuer's download address (AIA), as public CAs write it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(names[0]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if ca_issuers is not None:
        access = x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(ca_issuers)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([access]), critical=False)
    return _write(directory, stem or f"leaf-{names[0]}", builder.sign(ca.key, hashes.SHA256()), key)


def chain_file(directory: Path, stem: str, *certificates: Issued) -> Path:
    """A PEM file holding ``certificates`` in the given order (what the server will send)."""
    path = directory / f"{stem}.pem"
    path.write_bytes(
        b"".join(c.certificate.public_bytes(serialization.Encoding.PEM) for c in certificates)
    )
    return path
