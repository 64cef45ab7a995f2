"""Software identification from banners → CPE 2.3 names (rules in ``data/software.yaml``).

Only identifications with a version are reported: a CPE without one would match every CVE of the
product. The lead joins these names to CVEs with the intel index.

A banner that names a distribution's package (``OpenSSH_9.2p1 Debian-2+deb12u10``,
``Apache/2.4.57 (Debian)``, ``PHP/7.4.3-4ubuntu2.19``) keeps it beside the upstream version:
distributions backport security fixes without changing the upstream version, so a CVE matched
on that version alone may already be fixed, and is reported with lower confidence.

For Debian packages :func:`debian_package` goes further: from the revision's ``+debXuY`` marker
and a per-product table (source package and epoch, ``data/software.yaml``) it names the Debian
release and the installed package version (``OpenSSH_9.2p1 Debian-2+deb12u10`` → ``openssh``
``1:9.2p1-2+deb12u10`` in ``bookworm``), which Debian's security tracker can settle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.findings import Text

_FILE = "software.yaml"
# CPE 2.3 formatted-string binding (NISTIR 7695 §6.2): these characters stand as themselves;
# every other printable character is quoted with a backslash.
_UNQUOTED = re.compile(r"[A-Za-z0-9._-]")


@dataclass(frozen=True)
class SoftwareRule:
    source: str
    pattern: re.Pattern[str]
    products: tuple[tuple[str, str], ...]


class Identified(NamedTuple):
    """One product named by a banner: its CPE, the text that named it, and the distribution
    package it comes from when the banner says so."""

    cpe: str
    matched: str
    distribution: str | None


@cache
def distribution_markers() -> tuple[re.Pattern[str], ...]:
    """Patterns (with a group ``distribution``) that show a whole banner is a distribution's."""
    rows = require(load_table(_FILE), "distributions", list, filename=_FILE, where="(top)")
    return tuple(re.compile(str(row)) for row in rows)


def distribution_caveat(distribution: str) -> Text:
    """Why a match on a distribution-packaged version is tentative, and what settles it."""
    phrase = require(load_table(_FILE), "distribution_caveat", dict, filename=_FILE, where="(top)")
    en = require(phrase, "en", str, filename=_FILE, where="distribution_caveat")
    zh = require(phrase, "zh", str, filename=_FILE, where="distribution_caveat")
    return Text(en=en.format(distribution=distribution), zh=zh.format(distribution=distribution))


class DebianPackage(NamedTuple):
    """A Debian source package as installed: what Debian's security tracker is asked about."""

    source_package: str
    release: str  # codename, as the tracker names releases
    version: str  # the full package version, epoch included: "1:9.2p1-2+deb12u10"


def _debian_table() -> dict[str, Any]:
    table: dict[str, Any] = require(
        load_table(_FILE), "debian", dict, filename=_FILE, where="(top)"
    )
    return table


@cache
def _release_marker() -> re.Pattern[str]:
    marker = require(_debian_table(), "release_marker", str, filename=_FILE, where="debian")
    return re.compile(marker)


def debian_package(
    vendor: str, product: str, version: str, update: str, distribution: str
) -> DebianPackage | None:
    """The Debian package behind a banner's product, or ``None`` when the banner does not say
    enough: not a Debian package, a product without a row in the table, or a revision without
    a release marker (``Debian-2`` could be any release shipping that revision)."""
    table = _debian_table()
    rows = require(table, "packages", list, filename=_FILE, where="debian")
    releases = require(table, "releases", dict, filename=_FILE, where="debian")
    for index, row in enumerate(rows):
        where = f"debian.packages[{index}]"
        if require(row, "cpe", str, filename=_FILE, where=where) != f"{vendor}:{product}":
            continue
        prefix = require(row, "banner_prefix", str, filename=_FILE, where=where)
        if not distribution.startswith(prefix):
            return None
        revision = distribution.removeprefix(prefix)
        marker = _release_marker().search(revision)
        release = None if marker is None else releases.get(int(marker["major"]))
        if release is None:
            return None
        epoch = require(row, "epoch", int, filename=_FILE, where=where)
        upstream = version + ("" if update in {"*", "-", ""} else update)
        return DebianPackage(
            source_package=require(row, "source_package", str, filename=_FILE, where=where),
            release=str(release),
            version=f"{epoch}:{upstream}-{revision}" if epoch else f"{upstream}-{revision}",
        )
    return None


def debian_caveat(kind: str, **values: str) -> Text:
    """The caveat of a match Debian's tracker settled as affected: ``kind`` is ``"unfixed"``
    (fixed in a later package) or ``"open"`` (no fix yet)."""
    key = f"debian_{kind}_caveat"
    phrase = require(load_table(_FILE), key, dict, filename=_FILE, where="(top)")
    en = require(phrase, "en", str, filename=_FILE, where=key)
    zh = require(phrase, "zh", str, filename=_FILE, where=key)
    return Text(en=en.format(**values), zh=zh.format(**values))


def _distribution(match: re.Match[str], banner: str) -> str | None:
    own = match.groupdict().get("distribution")
    if own:
        return own
    for marker in distribution_markers():
        found = marker.search(banner)
        if found is not None:
            return found["distribution"]
    return None


@cache
def software_rules() -> tuple[SoftwareRule, ...]:
    """The identification rules, read once."""
    rows = require(load_table(_FILE), "rules", list, filename=_FILE, where="(top)")
    rules = []
    for index, row in enumerate(rows):
        where = f"rules[{index}]"
        products = require(row, "products", list, filename=_FILE, where=where)
        rules.append(
            SoftwareRule(
                source=require(row, "source", str, filename=_FILE, where=where),
                pattern=re.compile(
                    require(row, "pattern", str, filename=_FILE, where=where), re.DOTALL
                ),
                products=tuple(
                    (vendor, product)
                    for vendor, product in (str(item).split(":", 1) for item in products)
                ),
            )
        )
    return tuple(rules)


def cpe_component(value: str) -> str:
    """One CPE 2.3 formatted-string component: lower case, special characters quoted."""
    if value in {"*", "-"}:
        return value
    return "".join(char if _UNQUOTED.fullmatch(char) else "\\" + char for char in value.lower())


def cpe_name(vendor: str, product: str, version: str, update: str = "*") -> str:
    """``cpe:2.3:a:<vendor>:<product>:<version>:<update>:*:*:*:*:*:*`` for an application."""
    parts = [cpe_component(part) for part in (vendor, product, version, update)]
    return "cpe:2.3:a:" + ":".join(parts) + ":*:*:*:*:*:*"


def identify(source: str, banner: str) -> list[Identified]:
    """Every product the rules for ``source`` find in ``banner``."""
    found: list[Identified] = []
    for rule in software_rules():
        if rule.source != source:
            continue
        match = rule.pattern.search(banner)
        if match is None:
            continue
        update = match.groupdict().get("update") or "*"
        distribution = _distribution(match, banner)
        for vendor, product in rule.products:
            cpe = cpe_name(vendor, product, match["version"], update)
            found.append(Identified(cpe, match.group(0), distribution))
    return found
