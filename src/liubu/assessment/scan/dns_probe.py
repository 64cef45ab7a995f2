"""The DNS probe: A/AAAA/MX/NS/CAA records, SPF, DMARC and DKIM (dnspython).

With ``dns_server=(address, port)`` every query goes to that server only; otherwise to the
resolvers in the system configuration.
"""

from __future__ import annotations

import dns.exception
import dns.resolver

from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.email_policy import (
    SPF_LOOKUP_LIMIT,
    SpfRecord,
    dkim_key_bits,
    is_dmarc,
    is_spf,
    parse_spf,
    parse_tags,
    spf_lookup_count,
)
from liubu.assessment.scan.net import ProbeTimedOut, ScanClock

RECORD_TYPES = ("A", "AAAA", "MX", "NS")
DKIM_MIN_BITS = 1024  # RFC 8301 §3.2


class DnsLookup:
    """Time-bounded queries: each within ``per_query`` seconds and before the scan's deadline."""

    def __init__(
        self, dns_server: tuple[str, int] | None, *, per_query: float, clock: ScanClock
    ) -> None:
        if dns_server is None:
            self._resolver = dns.resolver.Resolver()
        else:
            self._resolver = dns.resolver.Resolver(configure=False)
            self._resolver.nameservers = [dns_server[0]]
            self._resolver.port = dns_server[1]
        self._per_query = per_query
        self._clock = clock

    def records(self, name: str, rdtype: str) -> list[str]:
        """The record texts at ``name`` (empty when the name or type does not exist)."""
        lifetime = min(self._per_query, self._clock.remaining())
        if lifetime <= 0:
            raise ProbeTimedOut(f"DNS {rdtype} {name}", self._per_query)
        try:
            answer = self._resolver.resolve(
                name, rdtype, lifetime=lifetime, raise_on_no_answer=False, search=False
            )
        except dns.resolver.NXDOMAIN:
            return []
        except dns.exception.Timeout:
            raise ProbeTimedOut(f"DNS {rdtype} {name}", self._per_query) from None
        if rdtype == "TXT":
            return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
        return [rdata.to_text() for rdata in answer]

    def txt(self, name: str) -> list[str]:
        return self.records(name, "TXT")


def _spf_records(lookup: DnsLookup, name: str) -> list[str]:
    return [text for text in lookup.txt(name) if is_spf(text)]


def _check_spf(ctx: ProbeContext, lookup: DnsLookup, domain: str) -> None:
    records = _spf_records(lookup, domain)
    if len(records) != 1:
        reason = "no SPF record" if not records else f"{len(records)} SPF records (permerror)"
        ctx.find("email.no_spf", f"TXT at {domain}: {reason}.")
        return
    ctx.observe("SPF", records[0])
    record = parse_spf(records[0])
    if record.all_qualifier in {"+", "?"}:
        ctx.find(
            "email.spf_permissive",
            f"SPF at {domain} ends in {record.all_qualifier}all: {records[0]!r}.",
        )

    def fetch(name: str) -> SpfRecord | None:
        if name == domain:
            return record
        found = _spf_records(lookup, name)
        return parse_spf(found[0]) if found else None

    count = spf_lookup_count(domain, fetch)
    ctx.observe("SPF lookups", str(count))
    if count > SPF_LOOKUP_LIMIT:
        ctx.find(
            "email.spf_too_many_lookups",
            f"Evaluating SPF at {domain} needs more than "
            f"{SPF_LOOKUP_LIMIT} DNS lookups (counted {count} before stopping).",
        )


def _check_dmarc(ctx: ProbeContext, lookup: DnsLookup, domain: str) -> None:
    records = [text for text in lookup.txt(f"_dmarc.{domain}") if is_dmarc(text)]
    if not records:
        ctx.find("email.no_dmarc", f"No v=DMARC1 TXT record at _dmarc.{domain}.")
        return
    ctx.observe("DMARC", records[0])
    policy = parse_tags(records[0]).get("p", "").lower()
    if policy not in {"quarantine", "reject"}:
        ctx.find(
            "email.dmarc_p_none",
            f"DMARC at _dmarc.{domain} has p={policy or '(missing)'}: {records[0]!r}.",
        )


def _check_dkim(ctx: ProbeContext, lookup: DnsLookup, domain: str) -> None:
    for selector in ctx.settings.dkim_selectors:
        name = f"{selector}._domainkey.{domain}"
        keys = [text for text in lookup.txt(name) if "p=" in text]
        if not keys:
            ctx.find("email.dkim_missing", f"No DKIM key record at {name}.")
            continue
        key_type, bits = dkim_key_bits(keys[0])
        ctx.observe(f"DKIM {selector}", f"{key_type} {bits if bits else 'unreadable'} bits")
        if key_type == "rsa" and bits is not None and bits < DKIM_MIN_BITS:
            ctx.find("email.dkim_weak_key", f"DKIM key at {name} is RSA {bits} bits.")


def _check_caa(ctx: ProbeContext, lookup: DnsLookup, domain: str) -> None:
    """CAA applies from the closest ancestor that has it (RFC 8659 §3), so climb to the parent
    domains (stopping above the registrable-looking two last labels) before reporting none."""
    labels = domain.split(".")
    for start in range(max(len(labels) - 1, 1)):
        name = ".".join(labels[start:])
        values = lookup.records(name, "CAA")
        if values:
            ctx.observe("CAA", f"{name}: {', '.join(values)}")
            return
    ctx.observe("CAA", "none")
    ctx.find("dns.no_caa", f"No CAA record at {domain} or its parent domains.")


def probe_dns(ctx: ProbeContext, lookup: DnsLookup) -> None:
    """Record the domain's DNS records and judge its e-mail authentication and CAA."""
    domain = ctx.target
    for rdtype in RECORD_TYPES:
        ctx.observe(rdtype, ", ".join(lookup.records(domain, rdtype)) or "none")
    _check_caa(ctx, lookup, domain)
    _check_spf(ctx, lookup, domain)
    _check_dmarc(ctx, lookup, domain)
    _check_dkim(ctx, lookup, domain)
