"""What a TLS port offers beyond its versions: cipher suites (RC4, 3DES, NULL/anonymous/export,
forward secrecy, CBC only), the chain as sent (complete, in order), OCSP stapling, and the TLS
grade of ``data/tls_grade.yaml``.

Suites this scanner's OpenSSL still implements are tried with Python's ``ssl`` and a restricted
cipher list; the ones it no longer implements (RC4, 3DES, DES, export, NULL) are offered in a
hand-built ClientHello (:mod:`tls_hello`) that stops at the ServerHello.
"""

from __future__ import annotations

import itertools
import ssl
from collections.abc import Sequence
from functools import cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import AuthorityInformationAccessOID

from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.net import ProbeTimedOut, pinned_context
from liubu.assessment.scan.tls_hello import cipher_categories, modern_suites, offer

_GRADE_FILE = "tls_grade.yaml"
_FORWARD_SECRECY = "kECDHE:kDHE:!aNULL:!eNULL:@SECLEVEL=0"
_AEAD = "AESGCM:CHACHA20:AESCCM:!aNULL:!eNULL:@SECLEVEL=0"
_LEGACY = {
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.0": ssl.TLSVersion.TLSv1,
}
# OpenSSL X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT(_LOCALLY): the chain stops short of a trust anchor.
_ISSUER_MISSING = frozenset({2, 20})
_STATUS_REQUEST = 5
_REFUSED = (ssl.SSLError, ConnectionResetError, BrokenPipeError)


@cache
def grade_caps() -> tuple[tuple[str, frozenset[str]], ...]:
    """(grade, finding codes that cap a port at it), worst grade first."""
    caps = require(load_table(_GRADE_FILE), "caps", dict, filename=_GRADE_FILE, where="(top)")
    return tuple(
        (str(grade), frozenset(str(code) for code in codes))
        for grade, codes in sorted(caps.items(), key=lambda item: str(item[0]), reverse=True)
    )


def tls_grade(codes: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The port's grade and the findings that set it: the worst cap among ``codes``, else A."""
    for grade, capping in grade_caps():
        found = tuple(sorted(codes & capping))
        if found:
            return grade, found
    return "A", ()


def check_legacy_suites(ctx: ProbeContext) -> None:
    """Offer every RC4, 3DES and NULL/anonymous/export suite; each category the server picks
    from is a finding, and is left out of the next offer until the server refuses them all."""
    remaining = list(cipher_categories())
    while remaining:
        suites = [suite for category in remaining for suite in category.suites]
        try:
            hello = offer(ctx, suites)
        except (ConnectionResetError, BrokenPipeError):
            hello = None
        except ProbeTimedOut as silence:  # not a pass: recorded, and the other checks go on
            ctx.timed_out(f"legacy-suite {silence.stage}", silence.limit)
            return
        if hello is None:
            ctx.observe("legacy_suites", "refused: " + ", ".join(c.name for c in remaining))
            return
        chosen = next((c for c in remaining if hello.suite in c.suites), None)
        if chosen is None:
            ctx.observe("legacy_suites", f"server chose a suite not offered ({hello.suite:#06x})")
            return
        names = ", ".join(c.name for c in remaining)
        ctx.find(
            chosen.finding,
            f"Offered only legacy suites ({names}) in a TLS 1.2 ClientHello, the server chose "
            f"{chosen.suites[hello.suite]} ({hello.suite:#06x}); see {chosen.reference}.",
        )
        remaining.remove(chosen)


def _accepts(ctx: ProbeContext, version: ssl.TLSVersion, ciphers: str) -> str | None:
    """The suite negotiated offering only ``ciphers``; None if refused (a silence raises)."""
    try:
        with ctx.connect_tls(pinned_context(version, ciphers=ciphers)) as connection:
            chosen = connection.cipher()
            return None if chosen is None else chosen[0]
    except _REFUSED:
        return None


def check_modern_suites(ctx: ProbeContext, offered: Sequence[str]) -> None:
    """Without TLS 1.3, is there a forward-secret suite, and an AEAD (non-CBC) one?"""
    if "TLSv1.3" in offered:
        ctx.observe("forward_secrecy", "yes (TLS 1.3 is offered; its suites are all AEAD)")
        return
    legacy = next((name for name in _LEGACY if name in offered), None)
    if legacy is None:
        return
    version = _LEGACY[legacy]
    try:
        forward = _accepts(ctx, version, _FORWARD_SECRECY)
        aead = _accepts(ctx, version, _AEAD)
    except ProbeTimedOut as silence:  # not a pass: recorded, and the other checks go on
        ctx.timed_out(f"cipher-suite {silence.stage}", silence.limit)
        return
    ctx.observe("forward_secrecy", forward or "none")
    if forward is None:
        ctx.find(
            "tls.no_forward_secrecy",
            f"Offered only ECDHE/DHE suites at {legacy} (the highest version the server "
            "speaks), the server refused the handshake: every session uses static RSA key "
            "exchange, so a stolen private key decrypts recorded traffic.",
        )
    ctx.observe("aead_suite", aead or "none")
    if aead is None:
        ctx.find(
            "tls.cbc_only",
            f"Offered only AEAD suites (AES-GCM, ChaCha20-Poly1305, AES-CCM) at {legacy}, the "
            "server refused the handshake: it offers CBC-mode suites only.",
        )


def check_stapling(ctx: ProbeContext) -> None:
    """Whether the server will staple an OCSP response (status_request echoed, RFC 6066 §8)."""
    try:
        hello = offer(ctx, list(modern_suites()), status_request=True)
    except (ConnectionResetError, BrokenPipeError):
        hello = None
    except ProbeTimedOut as silence:
        ctx.timed_out(f"OCSP-stapling {silence.stage}", silence.limit)
        return
    if hello is None:
        ctx.observe("ocsp_stapling", "not tested (no TLS 1.2 handshake with common suites)")
    elif _STATUS_REQUEST in hello.extensions:
        ctx.observe("ocsp_stapling", "yes")
    else:
        ctx.observe("ocsp_stapling", "no (clients must ask the CA's OCSP responder themselves)")


def sent_chain(connection: ssl.SSLSocket) -> list[bytes]:
    """The certificates the server sent, in its order (DER)."""
    public = getattr(connection, "get_unverified_chain", None)  # Python ≥ 3.13
    if public is None:  # 3.11-3.12: the same call, not yet public
        public = connection._sslobj.get_unverified_chain  # type: ignore[attr-defined]
    return [
        certificate if isinstance(certificate, bytes) else certificate.public_bytes(2)
        for certificate in (public() or [])
    ]


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    if child.issuer != parent.subject:
        return False
    try:
        child.verify_directly_issued_by(parent)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _ca_issuers(certificate: x509.Certificate) -> list[str]:
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return []
    return [
        str(item.access_location.value)
        for item in access.value
        if item.access_method == AuthorityInformationAccessOID.CA_ISSUERS
    ]


def check_chain(ctx: ProbeContext, chain: Sequence[bytes], failure: tuple[int, str] | None) -> bool:
    """Judge the chain as sent: order, and a missing intermediate. True when a missing
    intermediate explains the verification failure (so it is not also called untrusted).

    A missing intermediate is told apart from an unknown root by the top certificate sent:
    not self-issued, and naming its issuer's download address (AIA caIssuers), as certificates
    of public CAs do: a public CA never signs a server certificate with its root key (CA/Browser
    Forum Baseline Requirements §6.1.7), so the issuer named there is an intermediate.
    """
    try:
        certificates = [x509.load_der_x509_certificate(der) for der in chain]
    except ValueError as error:
        ctx.observe("chain_sent", f"unreadable ({error})")
        return False
    if not certificates:
        return False
    subjects = " → ".join(c.subject.rfc4514_string() for c in certificates)
    ctx.observe("chain_sent", f"{len(certificates)} certificate(s): {subjects}")
    in_order = all(_issued_by(a, b) for a, b in itertools.pairwise(certificates))
    if not in_order:
        ctx.find(
            "tls.chain_order",
            f"The server sent {subjects}: each certificate should be followed by its issuer "
            "(RFC 8446 §4.4.2, RFC 5246 §7.4.2).",
        )
    top = next(
        (c for c in certificates if not any(_issued_by(c, other) for other in certificates)),
        certificates[-1],
    )
    addresses = _ca_issuers(top)
    if failure is None or failure[0] not in _ISSUER_MISSING or top.issuer == top.subject:
        return False
    if not addresses:
        return False
    ctx.find(
        "tls.chain_incomplete",
        f"The chain sent ({subjects}) stops at a certificate issued by "
        f"{top.issuer.rfc4514_string()}, which the server does not send; it is to be fetched "
        f"from {', '.join(addresses)} (AIA), which browsers may do but API clients, mail "
        f"servers and devices do not. OpenSSL: {failure[1]}.",
    )
    return True


def record_grade(ctx: ProbeContext) -> None:
    grade, because = tls_grade(frozenset(f.code for f in ctx.findings))
    notes = [f"capped by {', '.join(because)}"] if because else []
    if ctx.timeouts:  # a check that got no answer may hide a cap: the grade is provisional
        notes.append("provisional: " + ", ".join(t.stage for t in ctx.timeouts) + " timed out")
    ctx.observe("tls_grade", grade + (f" ({'; '.join(notes)})" if notes else ""))
