"""Building observations from what a reader found, with the one place a bad value is refused."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from liubu.monitoring.observations import (
    IPV4_TEXT,
    AlertSeverity,
    IndicatorKind,
    Observation,
    normalise,
)
from liubu.monitoring.readers._source import clip, fingerprint


def ip_kind(text: str) -> IndicatorKind | None:
    """IPv4 or IPv6 for an address, ``None`` for anything else (a CIDR, a host name)."""
    if IPV4_TEXT.fullmatch(text):
        return IndicatorKind.IPV4
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return IndicatorKind.IPV4 if address.version == 4 else IndicatorKind.IPV6


def url_spelling(url: str) -> str:
    """A URL with its scheme and host lower-cased (the rest is case-sensitive)."""
    parts = urlsplit(url.strip())
    return urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def host_kind(text: str) -> IndicatorKind:
    """An address's kind, or DOMAIN for a host name."""
    return ip_kind(text) or IndicatorKind.DOMAIN


def observation(
    kind: IndicatorKind,
    value: str,
    *,
    source: str,
    rule: str,
    severity: AlertSeverity,
    seen_at: datetime,
    record: str,
    evidence: Mapping[str, object],
    provider: str | None,
) -> Observation:
    """One observation; ``record`` is the stable key of the source record its fingerprint
    hashes with the normalised value. Raises ValidationError for a malformed value."""
    spelled = normalise(kind, url_spelling(value) if kind is IndicatorKind.URL else value)
    return Observation(
        kind=kind,
        value=spelled,
        source=source,
        rule=clip(rule, 200),
        severity=severity,
        seen_at=seen_at,
        # The normalised value is hashed, so two spellings of one indicator in a record agree.
        fingerprint=fingerprint(source, record, f"{kind.value}:{spelled}"),
        evidence={clip(k, 64): clip(v) for k, v in evidence.items() if v not in (None, "")},
        provider=provider,
    )
