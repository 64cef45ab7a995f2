"""Facts about a server certificate, read with ``cryptography`` (pure: no network).

Host-name matching follows RFC 9525 (which replaces RFC 6125): only subjectAltName entries count
(no fallback to the subject's common name); a wildcard must be the whole left-most label and
stands for exactly one label; IP addresses match only iPAddress entries.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ObjectIdentifier

# NIST SP 800-131A Rev. 2: RSA/DSA keys below 2048 bits and curves below 256 bits are disallowed.
MIN_KEY_BITS = {"RSA": 2048, "DSA": 2048, "EC": 256}
WEAK_SIGNATURE_HASHES = frozenset({"md5", "sha1"})
# id-dsa (RFC 3279 §2.3.2). cryptography ≥ 51 deprecates DSA: naming ``dsa.DSAPublicKey`` or even
# loading a DSA public key warns. A DSA key is told by the certificate's algorithm identifier and
# its size read from the DSS parameters in the DER, so no deprecated path is touched.
_ID_DSA = ObjectIdentifier("1.2.840.10040.4.1")
_SHA256 = hashes.SHA256()


@dataclass(frozen=True)
class CertificateFacts:
    """The parts of a leaf certificate the scanner judges."""

    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    key_type: str
    key_bits: int
    self_signed: bool
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    signature_hash: str | None

    def expired(self, at: datetime) -> bool:
        return at > self.not_after

    def days_left(self, at: datetime) -> float:
        return (self.not_after - at).total_seconds() / 86400.0

    def weak_key(self) -> bool:
        minimum = MIN_KEY_BITS.get(self.key_type)
        return minimum is not None and self.key_bits < minimum

    def weak_signature(self) -> bool:
        return not self.self_signed and self.signature_hash in WEAK_SIGNATURE_HASHES


def _der_item(der: bytes, start: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at ``start`` (X.690 §8.1)."""
    tag, length, at = der[start], der[start + 1], start + 2
    if length & 0x80:
        count = length & 0x7F
        length, at = int.from_bytes(der[at : at + count], "big"), at + count
    return tag, at, at + length


def _dsa_bits(certificate: x509.Certificate) -> int:
    """Bit length of the prime p in the SubjectPublicKeyInfo's Dss-Parms (RFC 3279 §2.3.2).

    TBSCertificate is [0] version?, serial, signature, issuer, validity, subject,
    subjectPublicKeyInfo (RFC 5280 §4.1); 0 when the parameters are inherited (absent).
    """
    der = certificate.tbs_certificate_bytes
    _, at, _ = _der_item(der, 0)
    if der[at] == 0xA0:  # explicit version
        at = _der_item(der, at)[2]
    for _ in range(5):  # serial, signature, issuer, validity, subject
        at = _der_item(der, at)[2]
    _, spki, _ = _der_item(der, at)
    _, algorithm, algorithm_end = _der_item(der, spki)
    parameters = _der_item(der, algorithm)[2]  # past the OID
    if parameters >= algorithm_end or der[parameters] != 0x30:
        return 0
    _, prime, _ = _der_item(der, parameters)
    _, p_start, p_end = _der_item(der, prime)
    return int.from_bytes(der[p_start:p_end], "big").bit_length()


def _key(certificate: x509.Certificate) -> tuple[str, int]:
    if certificate.public_key_algorithm_oid == _ID_DSA:
        return "DSA", _dsa_bits(certificate)
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, 0


def _self_signed(certificate: x509.Certificate) -> bool:
    """Issuer equals subject and the certificate's own key verifies its signature."""
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _alt_names(certificate: x509.Certificate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return (), ()
    names = extension.value
    dns_names = tuple(name.lower() for name in names.get_values_for_type(x509.DNSName))
    addresses = tuple(str(ip) for ip in names.get_values_for_type(x509.IPAddress))
    return dns_names, addresses


def read_certificate(der: bytes) -> CertificateFacts:
    """Facts from a DER-encoded certificate as the server sent it."""
    certificate = x509.load_der_x509_certificate(der)
    key_type, key_bits = _key(certificate)
    dns_names, addresses = _alt_names(certificate)
    digest = certificate.signature_hash_algorithm
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        key_type=key_type,
        key_bits=key_bits,
        self_signed=_self_signed(certificate),
        dns_names=dns_names,
        ip_addresses=addresses,
        signature_hash=digest.name if digest is not None else None,
    )


def _label_match(pattern: str, host: str) -> bool:
    pattern_labels, host_labels = pattern.split("."), host.split(".")
    if len(pattern_labels) != len(host_labels) or (len(pattern_labels) < 3 and "*" in pattern):
        return False
    first, *rest = pattern_labels
    if rest != host_labels[1:]:
        return False
    return first == host_labels[0] or (first == "*" and host_labels[0] != "")


def matches_host(facts: CertificateFacts, host: str) -> bool:
    """Whether the certificate is valid for ``host`` (a DNS name or an IP address)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        wanted = host.lower().rstrip(".")
        return any(_label_match(name.rstrip("."), wanted) for name in facts.dns_names)
    return any(ipaddress.ip_address(ip) == address for ip in facts.ip_addresses)


MAX_CA_BUNDLE_BYTES = 64 * 1024  # a few CA certificates; far more than a private PKI's chain


@dataclass(frozen=True)
class TrustedCa:
    """One CA certificate an asset's owner asked the scanner to trust."""

    subject: str
    not_after: datetime
    sha256: str
    pem: str = field(repr=False)  # the certificate alone, re-encoded (no comments, no text)


def read_ca_bundle(pem: bytes) -> tuple[TrustedCa, ...]:
    """The CA certificates of a PEM bundle, or ``ValueError`` saying why it is not one: at most
    :data:`MAX_CA_BUNDLE_BYTES`, one or more PEM certificates, each a CA (basicConstraints
    cA=TRUE, RFC 5280 §4.2.1.9), which is what OpenSSL accepts as a trust anchor for a chain."""
    if len(pem) > MAX_CA_BUNDLE_BYTES:
        raise ValueError(f"{len(pem):,} bytes, more than {MAX_CA_BUNDLE_BYTES:,}")
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise ValueError("not PEM certificates") from None
    found = []
    for certificate in certificates:
        try:
            constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
            is_ca = constraints.value.ca
        except x509.ExtensionNotFound:
            is_ca = False
        subject = certificate.subject.rfc4514_string()
        if not is_ca:
            raise ValueError(f"{subject} is not a CA certificate (basicConstraints cA is not set)")
        found.append(
            TrustedCa(
                subject=subject,
                not_after=certificate.not_valid_after_utc,
                sha256=certificate.fingerprint(_SHA256).hex(),
                pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            )
        )
    return tuple(found)
