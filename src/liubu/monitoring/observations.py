"""What a feed or a security event says about one indicator: the unit that matching works on.

Every reader of a feed (CISA KEV, FIRST EPSS, NVD/CVE 5 deltas, STIX 2.1 bundles and TAXII
collections, abuse.ch Feodo) or of a security provider's events (Suricata EVE, OCSF, Zeek) turns
each record it reads into zero or more :class:`Observation` — or a :class:`Rejected` line with
its number and reason — and matching compares observations with the watch list of insured
assets. Only what an alert needs is kept (``evidence``, bounded), never the raw event.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from liubu.errors import ValidationError

#: At most this many evidence fields, each at most this many characters, are kept per observation.
MAX_EVIDENCE_FIELDS = 16
MAX_EVIDENCE_CHARS = 512


class IndicatorKind(StrEnum):
    """What an observation's ``value`` is, normalised as :func:`normalise` says."""

    IPV4 = "ipv4"  # dotted quad, e.g. 203.0.113.9
    IPV6 = "ipv6"  # compressed form, e.g. 2001:db8::1
    DOMAIN = "domain"  # lower case, no trailing dot, IDNA (punycode) for non-ASCII
    URL = "url"  # as given, scheme and host lower-cased
    CPE = "cpe"  # a CPE 2.3 formatted string (cpe:2.3:a:vendor:product:version:…)
    CVE = "cve"  # CVE-YYYY-NNNN…, upper case


class AlertSeverity(StrEnum):
    """An alert's severity, mapped from the source's own scale (the mapping is documented per
    source in docs/monitoring.md)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Observation:
    """One indicator seen by one source at one time.

    ``source`` names the feed or event format (``kev``, ``epss``, ``nvd``, ``cve5``, ``stix``,
    ``taxii``, ``feodo``, ``suricata``, ``ocsf``, ``zeek``); ``rule`` what made it an indicator
    (a Suricata signature id, a STIX indicator id, a KEV or EPSS rule); ``fingerprint`` a stable
    id of the source record, so the same record read twice is recognised (idempotent ingest);
    ``provider`` the security provider that sent it (events only; feeds have none)."""

    kind: IndicatorKind
    value: str
    source: str
    rule: str
    severity: AlertSeverity
    seen_at: datetime
    fingerprint: str
    evidence: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    provider: str | None = None

    def __post_init__(self) -> None:
        if self.seen_at.tzinfo is None:
            raise ValidationError(
                f"An observation's time must carry its UTC offset; got {self.seen_at!r}.",
                field="seen_at",
            )
        if len(self.evidence) > MAX_EVIDENCE_FIELDS or any(
            len(k) > MAX_EVIDENCE_CHARS or len(v) > MAX_EVIDENCE_CHARS
            for k, v in self.evidence.items()
        ):
            raise ValidationError(
                f"An observation keeps at most {MAX_EVIDENCE_FIELDS} evidence fields of "
                f"{MAX_EVIDENCE_CHARS} characters.",
                field="evidence",
            )
        object.__setattr__(self, "value", normalise(self.kind, self.value))
        object.__setattr__(self, "evidence", MappingProxyType(dict(self.evidence)))


@dataclass(frozen=True, slots=True)
class Rejected:
    """A line (or record) a reader refused: its 1-based number, a reason code and a sentence."""

    line: int
    code: str
    reason: str


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
#: An IPv4 address as ``ipaddress`` spells it: four decimal octets, no leading zeros.
IPV4_TEXT = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}", re.ASCII)


def normalise(kind: IndicatorKind, value: str) -> str:
    """The one spelling of ``value`` that matching compares; a malformed value is refused.

    >>> normalise(IndicatorKind.DOMAIN, "WWW.Example.CN.")
    'www.example.cn'
    >>> normalise(IndicatorKind.IPV6, "2001:0db8:0000::0001")
    '2001:db8::1'
    >>> normalise(IndicatorKind.CVE, "cve-2024-6387")
    'CVE-2024-6387'
    """
    text = value.strip()
    if kind is IndicatorKind.IPV4 and IPV4_TEXT.fullmatch(text):
        return text  # already the one spelling (the common case, without ipaddress's parse)
    try:
        if kind is IndicatorKind.IPV4:
            return str(ipaddress.IPv4Address(text))
        if kind is IndicatorKind.IPV6:
            return str(ipaddress.IPv6Address(text))
    except ValueError as error:
        raise ValidationError(
            f"{value!r} is not an {kind.value} address.", field="value", value=value
        ) from error
    if kind is IndicatorKind.DOMAIN:
        host = text.lower().rstrip(".")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise ValidationError(
                f"{value!r} is not a domain name.", field="value", value=value
            ) from error
        if not host or len(host) > 253 or " " in host:
            raise ValidationError(f"{value!r} is not a domain name.", field="value", value=value)
        return host
    if kind is IndicatorKind.CVE:
        upper = text.upper()
        parts = upper.split("-")
        if len(parts) != 3 or parts[0] != "CVE" or not (parts[1] + parts[2]).isdigit():
            raise ValidationError(f"{value!r} is not a CVE id.", field="value", value=value)
        return upper
    if kind is IndicatorKind.CPE:
        if not text.startswith("cpe:2.3:") or text.count(":") < 12:
            raise ValidationError(
                f"{value!r} is not a CPE 2.3 formatted string.", field="value", value=value
            )
        return text
    return text  # URL: kept as given (readers lower-case scheme and host)
