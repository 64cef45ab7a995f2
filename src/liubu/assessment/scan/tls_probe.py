"""The TLS probe: protocol versions offered, cipher suites, OCSP stapling, then the certificate
and its chain, and the port's TLS grade (:mod:`tls_grading`).

Each version is tried with a context pinned to it and every cipher allowed (OpenSSL security
level 0), so an old server is seen as it is rather than refused by our own client's defaults.
"""

from __future__ import annotations

import ssl

from liubu.assessment.scan.certificate_products import certificate_products
from liubu.assessment.scan.certificates import CertificateFacts, matches_host, read_certificate
from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.findings import utc_now
from liubu.assessment.scan.net import PortClosed, pinned_context
from liubu.assessment.scan.tls_grading import (
    check_chain,
    check_legacy_suites,
    check_modern_suites,
    check_stapling,
    record_grade,
    sent_chain,
)

VERSIONS: tuple[tuple[str, ssl.TLSVersion, bool], ...] = (
    ("TLSv1.0", ssl.TLSVersion.TLSv1, ssl.HAS_TLSv1),
    ("TLSv1.1", ssl.TLSVersion.TLSv1_1, ssl.HAS_TLSv1_1),
    ("TLSv1.2", ssl.TLSVersion.TLSv1_2, ssl.HAS_TLSv1_2),
    ("TLSv1.3", ssl.TLSVersion.TLSv1_3, ssl.HAS_TLSv1_3),
)
OUTDATED = frozenset({"TLSv1.0", "TLSv1.1"})
EXPIRY_WARNING_DAYS = 30
# OpenSSL X509_V_ERR_* codes that the certificate's own facts already explain.
_CERT_NOT_YET_VALID, _CERT_HAS_EXPIRED, _DEPTH_ZERO_SELF_SIGNED = 9, 10, 18


def _offers(ctx: ProbeContext, version: ssl.TLSVersion) -> bool | None:
    """True if the server completes a handshake at ``version``; None if our OpenSSL cannot try."""
    try:
        with ctx.connect_tls(pinned_context(version)):
            return True
    except ssl.SSLError as error:
        if "NO_PROTOCOLS_AVAILABLE" in str(error).upper():
            return None
        return False
    except (ConnectionResetError, BrokenPipeError):
        return False


def _versions(ctx: ProbeContext) -> list[str]:
    offered = []
    for name, version, supported_here in VERSIONS:
        answer = _offers(ctx, version) if supported_here else None
        if answer is None:
            ctx.observe(name, "not testable: this scanner's OpenSSL cannot offer it")
        elif answer:
            offered.append(name)
    ctx.observe("versions_offered", " ".join(offered) or "none")
    return offered


def _verify_chain(ctx: ProbeContext) -> tuple[int, str] | None:
    """None if the chain verifies against the trust store; else OpenSSL's (code, message)."""
    context = pinned_context(
        None, verify=True, ca_bundle=ctx.settings.ca_bundle, ca_data=ctx.trusted_ca
    )
    try:
        with ctx.connect_tls(context):
            return None
    except ssl.SSLCertVerificationError as error:
        return int(error.verify_code), str(error.verify_message)


def _judge_chain(
    ctx: ProbeContext,
    facts: CertificateFacts,
    failure: tuple[int, str] | None,
    *,
    expired: bool,
    incomplete: bool,
) -> None:
    if failure is None:
        ctx.observe("chain", "verified")
        return
    code, message = failure
    ctx.observe("chain", f"not verified: {message} (X509 error {code})")
    explained = (
        incomplete
        or (code == _CERT_HAS_EXPIRED and expired)
        or (code == _DEPTH_ZERO_SELF_SIGNED and facts.self_signed)
        or (code == _CERT_NOT_YET_VALID and facts.not_before > utc_now())
    )
    if not explained:
        ctx.find(
            "tls.untrusted_chain",
            f"Chain verification failed: {message} (X509 error {code}); issuer {facts.issuer}.",
        )


def _judge_certificate(ctx: ProbeContext, facts: CertificateFacts) -> bool:
    now = utc_now()
    ctx.observe(
        "certificate",
        f"subject {facts.subject}; issuer {facts.issuer}; "
        f"valid {facts.not_before:%Y-%m-%d} to {facts.not_after:%Y-%m-%d}; "
        f"{facts.key_type} {facts.key_bits} bits; "
        f"SAN {', '.join(facts.dns_names + facts.ip_addresses) or 'none'}",
    )
    expired = facts.expired(now)
    if expired:
        ctx.find(
            "tls.certificate_expired",
            f"Certificate {facts.subject} expired on {facts.not_after.isoformat()}.",
        )
    elif facts.days_left(now) < EXPIRY_WARNING_DAYS:
        ctx.find(
            "tls.certificate_expiring",
            f"Certificate {facts.subject} expires on "
            f"{facts.not_after.isoformat()} ({facts.days_left(now):.0f} days left).",
        )
    if facts.self_signed:
        ctx.find("tls.self_signed", f"Certificate {facts.subject} is signed by its own key.")
    if facts.weak_key():
        ctx.find("tls.weak_key", f"Certificate key is {facts.key_type} {facts.key_bits} bits.")
    if facts.weak_signature():
        ctx.find("tls.weak_signature", f"Certificate is signed with {facts.signature_hash}.")
    host = ctx.server_name or ctx.address
    if host is not None and not matches_host(facts, host):
        names = ", ".join(facts.dns_names + facts.ip_addresses) or "none"
        ctx.find(
            "tls.hostname_mismatch",
            f"Certificate names ({names}) do not cover {host}; subject {facts.subject}.",
        )
    return expired


def probe_tls(ctx: ProbeContext) -> bool:
    """Run the TLS checks on ``ctx.port``; False if the port is closed or does not speak TLS."""
    try:
        offered = _versions(ctx)
    except PortClosed as error:
        ctx.observe("state", f"closed ({error})")
        return False
    if not offered:
        return False
    outdated = [name for name in offered if name in OUTDATED]
    if outdated:
        ctx.find(
            "tls.protocol_outdated",
            f"Handshakes completed with {', '.join(outdated)} (offered: {' '.join(offered)}).",
        )
    check_legacy_suites(ctx)
    check_modern_suites(ctx, offered)
    check_stapling(ctx)
    with ctx.connect_tls() as connection:
        der = connection.getpeercert(binary_form=True)
        chain = sent_chain(connection)
    if der is None:
        ctx.observe("certificate", "none sent")
        record_grade(ctx)
        return True
    facts = read_certificate(der)
    for rule, name in certificate_products(facts):
        ctx.identify(rule.cpe, f"{rule.name}, named by the certificate's {rule.field} {name}")
    expired = _judge_certificate(ctx, facts)
    failure = _verify_chain(ctx)
    incomplete = check_chain(ctx, chain, failure)
    _judge_chain(ctx, facts, failure, expired=expired, incomplete=incomplete)
    record_grade(ctx)
    return True
