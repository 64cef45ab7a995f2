"""Matching observations against the watch list: :class:`WatchIndex` and :func:`match`.

The index is built once per ingest call (see ``ingest_events``) and answers each observation
without looping over assets:

* an IP address: a hash lookup among watched addresses, and a binary search (``bisect``) among
  watched networks sorted by their first address, walking back only while a running maximum of
  the networks' last addresses still reaches the address (overlapping networks are all found);
* a domain name: the name itself and each parent (``a.b.example.cn`` → ``b.example.cn`` →
  ``example.cn`` → ``cn``) looked up among watched domains, so a name under an insured domain
  matches it;
* a URL: its host, as an address or a domain;
* a CPE: the same software name;
* a CVE (a KEV listing, an EPSS jump): the CVE's applicability statements, as
  :mod:`liubu.intel` loaded them, are evaluated only against watched software filed under a
  ``(vendor, product)`` they name, once per distinct software name, with intel's own version
  logic (``Configuration.vulnerable_matches``; platforms assumed, as the scan's findings do).
  A CVE intel does not know, or has rejected, matches nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from urllib.parse import urlsplit

from liubu.errors import ValidationError
from liubu.intel import Configuration, Cpe, Vulnerability, VulnerabilityIndex, parse_any_cpe
from liubu.monitoring.observations import IPV4_TEXT, IndicatorKind, Observation
from liubu.monitoring.records import MatchKind
from liubu.monitoring.watched import AssetKind, WatchedAsset

Interval = tuple[int, int, WatchedAsset]


@dataclass(frozen=True, slots=True)
class AlertCandidate:
    """An observation that met a watched asset, and how (``detail``: e.g. the CPE a CVE hit)."""

    asset: WatchedAsset
    observation: Observation
    match_kind: MatchKind
    detail: str = ""


class _Networks:
    """Networks of one IP version as sorted intervals of integers."""

    def __init__(self, intervals: Iterable[Interval]) -> None:
        ordered = sorted(intervals, key=lambda item: (item[0], item[1]))
        self._starts = [start for start, _end, _asset in ordered]
        self._ends = [end for _start, end, _asset in ordered]
        self._reach = list(accumulate(self._ends, max))  # the furthest end so far
        self._assets = [asset for _start, _end, asset in ordered]

    def __bool__(self) -> bool:
        return bool(self._starts)

    def containing(self, address: int) -> Iterator[WatchedAsset]:
        position = bisect_right(self._starts, address) - 1
        while position >= 0 and self._reach[position] >= address:
            if self._ends[position] >= address:
                yield self._assets[position]
            position -= 1


class WatchIndex:
    """A watch list indexed for matching, with the vulnerability index a CVE is judged by."""

    def __init__(
        self,
        assets: Iterable[WatchedAsset],
        *,
        vulnerabilities: VulnerabilityIndex | None = None,
    ) -> None:
        self._addresses: dict[str, list[WatchedAsset]] = {}
        self._domains: dict[str, list[WatchedAsset]] = {}
        self._software: dict[tuple[str, str], dict[str, list[WatchedAsset]]] = {}
        self._names: dict[str, Cpe] = {}  # by formatted name: each parsed once
        self._by_key: dict[tuple[str, str], list[Cpe]] = {}  # filled as CVEs ask
        parsed: dict[str, Cpe] = {}
        intervals: dict[int, list[Interval]] = {4: [], 6: []}
        size = 0
        for asset in assets:
            size += 1
            if asset.kind in (AssetKind.IPV4, AssetKind.IPV6):
                self._addresses.setdefault(asset.value, []).append(asset)
            elif asset.kind is AssetKind.DOMAIN:
                self._domains.setdefault(asset.value, []).append(asset)
            elif asset.kind is AssetKind.CIDR:
                network = ipaddress.ip_network(asset.value, strict=False)
                first, last = int(network.network_address), int(network.broadcast_address)
                intervals[network.version].append((first, last, asset))
            else:
                cpe = parsed.get(asset.value) or parse_any_cpe(asset.value)
                parsed[asset.value] = cpe
                self._names[cpe.formatted] = cpe
                by_name = self._software.setdefault(cpe.key, {})
                by_name.setdefault(cpe.formatted, []).append(asset)
        self._networks = {version: _Networks(found) for version, found in intervals.items()}
        self._size = size
        known = () if vulnerabilities is None else vulnerabilities.vulnerabilities
        self._vulnerabilities: dict[str, Vulnerability] = {v.cve_id: v for v in known}
        self._cve_hits: dict[str, tuple[tuple[str, WatchedAsset], ...]] = {}

    def __len__(self) -> int:
        return self._size

    def by_address(self, value: str) -> Iterator[tuple[WatchedAsset, MatchKind]]:
        for asset in self._addresses.get(value, ()):
            yield asset, MatchKind.IP
        if IPV4_TEXT.fullmatch(value):  # the common case, without ipaddress's parse
            if self._networks[4]:
                number = int.from_bytes(socket.inet_aton(value), "big")
                for asset in self._networks[4].containing(number):
                    yield asset, MatchKind.CIDR
            return
        address = ipaddress.ip_address(value)
        for asset in self._networks[address.version].containing(int(address)):
            yield asset, MatchKind.CIDR

    def by_domain(self, value: str) -> Iterator[tuple[WatchedAsset, MatchKind]]:
        for asset in self._domains.get(value, ()):
            yield asset, MatchKind.DOMAIN
        labels = value.split(".")
        for start in range(1, len(labels)):
            for asset in self._domains.get(".".join(labels[start:]), ()):
                yield asset, MatchKind.SUBDOMAIN

    def by_url(self, value: str) -> Iterator[tuple[WatchedAsset, MatchKind]]:
        try:
            host = urlsplit(value).hostname
        except ValueError:
            return
        if not host:
            return
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            yield from self.by_domain(host.rstrip(".").lower())
            return
        yield from self.by_address(str(address))

    def by_cpe(self, value: str) -> Iterator[tuple[WatchedAsset, MatchKind]]:
        cpe = parse_any_cpe(value)
        for asset in self._software.get(cpe.key, {}).get(cpe.formatted, ()):
            yield asset, MatchKind.CPE

    def by_cve(self, cve_id: str) -> tuple[tuple[str, WatchedAsset], ...]:
        """``(software name, asset)`` pairs the CVE applies to; computed once per CVE."""
        known = self._cve_hits.get(cve_id)
        if known is not None:
            return known
        vulnerability = self._vulnerabilities.get(cve_id)
        names: dict[str, None] = {}
        if vulnerability is not None and not vulnerability.rejected:
            for configuration in vulnerability.configurations:
                for key in configuration.vulnerable_keys():
                    names.update(dict.fromkeys(self._vulnerable_names(configuration, key)))
        hits = tuple(
            (name, asset) for name in names for asset in self._software[self._names[name].key][name]
        )
        self._cve_hits[cve_id] = hits
        return hits

    def _vulnerable_names(self, configuration: Configuration, key: tuple[str, str]) -> list[str]:
        """The watched names under ``key`` the configuration finds vulnerable, each judged on
        its own as an asset is (a name never completes another's AND). A configuration of OR
        nodes judges names independently, so all of them are evaluated in one call."""
        cpes = self._by_key.get(key)
        if cpes is None:
            cpes = [self._names[name] for name in self._software.get(key, {})]
            self._by_key[key] = cpes
        if not cpes:
            return []
        if _independent(configuration):
            found = configuration.vulnerable_matches(cpes, assume_platforms=True)
            return [cpe.formatted for cpe in found]
        return [
            cpe.formatted
            for cpe in cpes
            if configuration.vulnerable_matches([cpe], assume_platforms=True)
        ]


def _independent(configuration: Configuration) -> bool:
    """Whether the configuration's verdict on several names is the union of its verdicts on
    each: no negation, and OR throughout (an AND could be completed by two names)."""
    return (
        not configuration.negate
        and (configuration.operator == "OR" or len(configuration.nodes) == 1)
        and all(node.operator == "OR" and not node.negate for node in configuration.nodes)
    )


def match(observations: Iterable[Observation], index: WatchIndex) -> Iterator[AlertCandidate]:
    """Each (observation, watched asset) pair that meets, in observation order. Pure: reads
    only its arguments."""
    for observation in observations:
        yield from match_one(observation, index)


def match_one(observation: Observation, index: WatchIndex) -> Iterator[AlertCandidate]:
    kind, value = observation.kind, observation.value
    if kind is IndicatorKind.CVE:
        for name, asset in index.by_cve(value):
            yield AlertCandidate(asset, observation, MatchKind.CVE, name)
        return
    pairs: Iterable[tuple[WatchedAsset, MatchKind]]
    if kind in (IndicatorKind.IPV4, IndicatorKind.IPV6):
        pairs = index.by_address(value)
    elif kind is IndicatorKind.DOMAIN:
        pairs = index.by_domain(value)
    elif kind is IndicatorKind.URL:
        pairs = index.by_url(value)
    else:
        pairs = _safe_cpe(index, value)
    for asset, how in pairs:
        yield AlertCandidate(asset, observation, how)


def _safe_cpe(index: WatchIndex, value: str) -> Sequence[tuple[WatchedAsset, MatchKind]]:
    try:
        return list(index.by_cpe(value))
    except ValidationError:
        return []
