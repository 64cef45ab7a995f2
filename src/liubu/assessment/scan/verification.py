"""Proof that an enterprise controls an asset before liubu scans it (资产控制权验证).

The enterprise publishes the token liubu gave it in one of three places:

- a DNS TXT record ``liubu-verification=<token>`` at the domain itself, or
- the same TXT record at ``_liubu.<domain>``, or
- a file ``/.well-known/liubu-verification.txt`` containing the token, over HTTPS or HTTP.

Redirects are not followed, so the proof comes from the asset itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import dns.exception

from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.scan.dns_probe import DnsLookup
from liubu.assessment.scan.findings import utc_now
from liubu.assessment.scan.http_probe import request
from liubu.assessment.scan.net import (
    PortClosed,
    ProbeTimedOut,
    ScanClock,
    open_connection,
    pinned_context,
    tls_handshake,
)
from liubu.assessment.scan.targets import Target, require_public, resolve
from liubu.errors import ValidationError

TXT_PREFIX = "liubu-verification="
WELL_KNOWN_PATH = "/.well-known/liubu-verification.txt"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


@dataclass(frozen=True)
class ControlProof:
    """The outcome of one verification: ``verified`` and, if so, how (``method``, ``where``)."""

    asset: str
    verified: bool
    method: str | None
    where: str | None
    checked_at: datetime
    attempts: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "asset": self.asset,
            "verified": self.verified,
            "method": self.method,
            "where": self.where,
            "checked_at": self.checked_at.isoformat(),
            "attempts": list(self.attempts),
        }


def _check_txt(target: Target, token: str, lookup: DnsLookup, attempts: list[str]) -> str | None:
    expected = TXT_PREFIX + token
    for name in (target.host, f"_liubu.{target.host}"):
        try:
            texts = lookup.txt(name)
        except (ProbeTimedOut, dns.exception.DNSException) as error:
            attempts.append(f"DNS TXT {name}: {error}")
            continue
        if any(text.strip() == expected for text in texts):
            return name
        attempts.append(f"DNS TXT {name}: token not found")
    return None


def _fetch_file(target: Target, address: str, scheme: str, port: int, timeout: float) -> bytes:
    deadline = ScanClock(timeout).end
    sock = open_connection(address, port, deadline, timeout)
    server_name = None if target.is_address else target.host
    if scheme == "https":
        sock = tls_handshake(sock, pinned_context(None), server_name, deadline, timeout)
    host = target.host if port == (443 if scheme == "https" else 80) else f"{target.host}:{port}"
    with sock:
        response = request(
            sock,
            host,
            WELL_KNOWN_PATH,
            deadline=deadline,
            limit=timeout,
            want_body=True,
            max_bytes=16384,
        )
    if response is None or response.status != 200:
        status = "no HTTP response" if response is None else f"HTTP {response.status}"
        raise LookupError(status)
    return response.body


def _check_file(
    target: Target,
    token: str,
    address: str,
    web_ports: Sequence[tuple[str, int]],
    timeout: float,
    attempts: list[str],
) -> str | None:
    for scheme, port in web_ports:
        url = f"{scheme}://{target.host}:{port}{WELL_KNOWN_PATH}"
        try:
            body = _fetch_file(target, address, scheme, port, timeout)
        except (ProbeTimedOut, PortClosed, OSError, LookupError) as error:
            attempts.append(f"{url}: {error or type(error).__name__}")
            continue
        lines = body.decode("utf-8", "replace").split()
        if token in lines or TXT_PREFIX + token in lines:
            return url
        attempts.append(f"{url}: token not found in the file")
    return None


def verify_control(
    asset: str,
    token: str,
    *,
    dns_server: tuple[str, int] | None = None,
    timeout: float = 5.0,
    web_ports: Sequence[tuple[str, int]] = (("https", 443), ("http", 80)),
    allow_private: bool = False,
) -> ControlProof:
    """Check whether ``asset`` publishes ``token`` by DNS TXT or the well-known file.

    Each network exchange waits at most ``timeout`` seconds. Like the scan, it refuses assets
    that are or resolve to non-public addresses unless ``allow_private``.
    """
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise ValidationError(
            f"The verification token must be 16–128 letters, digits, '-' or '_', not {token!r}.",
            code=AssessmentCode.SCAN_INVALID_TOKEN,
            field="token",
            value=token,
        )
    target = Target(asset)
    attempts: list[str] = []
    if not target.is_address:
        lookup = DnsLookup(dns_server, per_query=timeout, clock=ScanClock(timeout * 4))
        name = _check_txt(target, token, lookup, attempts)
        if name is not None:
            return ControlProof(target.host, True, "dns_txt", name, utc_now(), tuple(attempts))
    try:
        addresses = resolve(target, dns_server, timeout=timeout)
    except TimeoutError as error:
        attempts.append(f"resolving {target.host}: no answer ({error})")
        addresses = []
    require_public(target, addresses, allow_private=allow_private)
    if addresses:
        url = _check_file(target, token, addresses[0], web_ports, timeout, attempts)
        if url is not None:
            return ControlProof(target.host, True, "http_file", url, utc_now(), tuple(attempts))
    return ControlProof(target.host, False, None, None, utc_now(), tuple(attempts))
