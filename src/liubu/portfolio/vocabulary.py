"""The vocabulary of event families (``data/dependencies.yaml``); the kinds of dependency and the
cloud providers are the assessment's (the insured declares them), re-exported here."""

from __future__ import annotations

from functools import cache

from liubu.assessment import cloud_providers, dependency_kinds
from liubu.datafiles import packaged_yaml

__all__ = ["FAMILY_KINDS", "OUTAGE_KINDS", "cloud_providers", "dependency_kinds", "struck_kinds"]

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


@cache
def _table() -> dict[str, object]:
    data: dict[str, object] = packaged_yaml("liubu.portfolio", "data", "dependencies.yaml")
    return data


def struck_kinds(family_kind: str) -> tuple[str, ...]:
    """The dependency kinds an event family of ``family_kind`` may target (none: attritional)."""
    families = _table()["families"]
    assert isinstance(families, dict)
    return tuple(str(k) for k in families[family_kind])
