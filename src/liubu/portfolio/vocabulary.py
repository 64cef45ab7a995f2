"""The vocabulary of dependencies and event families, read from ``data/dependencies.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from liubu.datafiles import packaged_yaml

#: Event family kinds (事件族): how an event reaches the book.
FAMILY_KINDS = (
    "provider_outage",
    "dns_cdn_outage",
    "mass_exploitation",
    "msp_ransomware",
    "attritional",
)
#: Families whose one event strikes every exposed insured at once, with one duration per event.
OUTAGE_KINDS = ("provider_outage", "dns_cdn_outage")


@dataclass(frozen=True, slots=True)
class Term:
    """A code with its Chinese and English names."""

    code: str
    zh: str
    en: str


@cache
def _table() -> dict[str, object]:
    data: dict[str, object] = packaged_yaml("liubu.portfolio", "data", "dependencies.yaml")
    return data


def dependency_kinds() -> tuple[Term, ...]:
    """The kinds of dependency (cloud, software, msp, cdn, dns, payment, email)."""
    rows = _table()["kinds"]
    assert isinstance(rows, list)
    return tuple(Term(str(r["code"]), str(r["zh"]), str(r["en"])) for r in rows)


def cloud_providers() -> tuple[Term, ...]:
    """The cloud providers a ``cloud`` dependency may name."""
    providers = _table()["providers"]
    assert isinstance(providers, dict)
    return tuple(Term(str(r["code"]), str(r["zh"]), str(r["en"])) for r in providers["cloud"])


def struck_kinds(family_kind: str) -> tuple[str, ...]:
    """The dependency kinds an event family of ``family_kind`` may target (none: attritional)."""
    families = _table()["families"]
    assert isinstance(families, dict)
    return tuple(str(k) for k in families[family_kind])
