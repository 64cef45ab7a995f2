"""Parsing e-mail authentication records: SPF (RFC 7208), DMARC (RFC 7489), DKIM keys (RFC 6376).

Pure: no network. :func:`spf_lookup_count` walks ``include:`` and ``redirect=`` through a lookup
function the caller supplies.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

SPF_LOOKUP_LIMIT = 10  # RFC 7208 §4.6.4
# Terms that cause DNS queries and count toward the limit (RFC 7208 §4.6.4).
_LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
_QUALIFIERS = "+-~?"


@dataclass(frozen=True)
class SpfTerm:
    """One directive (``qualifier`` + mechanism) or modifier (``name=value``)."""

    qualifier: str
    name: str
    value: str
    modifier: bool = False


@dataclass(frozen=True)
class SpfRecord:
    terms: tuple[SpfTerm, ...]

    @property
    def all_qualifier(self) -> str | None:
        """The qualifier of the ``all`` mechanism (``+`` when written bare), or None."""
        for term in self.terms:
            if not term.modifier and term.name == "all":
                return term.qualifier
        return None

    @property
    def redirect(self) -> str | None:
        for term in self.terms:
            if term.modifier and term.name == "redirect":
                return term.value
        return None

    def lookup_terms(self) -> tuple[SpfTerm, ...]:
        """The terms that each cost one DNS lookup."""
        return tuple(
            term
            for term in self.terms
            if (not term.modifier and term.name in _LOOKUP_MECHANISMS)
            or (term.modifier and term.name == "redirect")
        )


def is_spf(text: str) -> bool:
    """An SPF record is a TXT record whose version section is exactly ``v=spf1`` (§4.5)."""
    return text.lower() == "v=spf1" or text.lower().startswith("v=spf1 ")


def parse_spf(text: str) -> SpfRecord:
    """Split an SPF record into terms (RFC 7208 §12 grammar, leniently)."""
    terms = []
    for word in text.split()[1:]:
        head, equals, value = word.partition("=")
        if equals and ":" not in head and "/" not in head:
            terms.append(SpfTerm("", head.lower(), value, modifier=True))
            continue
        qualifier = word[0] if word[0] in _QUALIFIERS else "+"
        body = word[1:] if word[0] in _QUALIFIERS else word
        name, _, target = body.partition(":")
        if "/" in name:  # "a/24" or "mx/24" carry a CIDR length, not a domain
            name = name.split("/", 1)[0]
        terms.append(SpfTerm(qualifier, name.lower(), target))
    return SpfRecord(tuple(terms))


def spf_lookup_count(
    domain: str, fetch: Callable[[str], SpfRecord | None], *, limit: int = SPF_LOOKUP_LIMIT
) -> int:
    """DNS-querying terms needed to evaluate ``domain``'s SPF, following include/redirect.

    Counting stops once it passes ``limit`` (the answer is then ``limit + 1`` or a little more),
    so a loop of includes cannot run forever. ``fetch`` returns the SPF record at a name or None.
    """
    count = 0
    pending = [domain]
    while pending and count <= limit:
        record = fetch(pending.pop(0))
        if record is None:
            continue
        for term in record.lookup_terms():
            count += 1
            if term.name in {"include", "redirect"} and term.value and "%" not in term.value:
                pending.append(term.value)
    return count


def parse_tags(text: str) -> dict[str, str]:
    """``tag=value; tag=value`` as in DMARC (RFC 7489 §6.4) and DKIM (RFC 6376 §3.2)."""
    tags = {}
    for part in text.split(";"):
        name, equals, value = part.partition("=")
        if equals:
            tags[name.strip().lower()] = "".join(value.split())
    return tags


def is_dmarc(text: str) -> bool:
    return parse_tags(text).get("v") == "DMARC1"


def dkim_key_bits(text: str) -> tuple[str, int | None]:
    """The key type and RSA modulus size of a DKIM key record; bits None if unreadable/revoked."""
    tags = parse_tags(text)
    key_type = tags.get("k", "rsa").lower()
    encoded = tags.get("p", "")
    if not encoded:
        return key_type, None  # an empty p= means the key is revoked (RFC 6376 §3.6.1)
    if key_type == "ed25519":
        return key_type, 256
    try:
        key = load_der_public_key(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return key_type, None
    return key_type, key.key_size if isinstance(key, rsa.RSAPublicKey) else None
