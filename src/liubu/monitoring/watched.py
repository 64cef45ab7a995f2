"""The watch list (监控清单): every asset of every enterprise holding a policy in force.

A group member is insured by its certificate under the group's master policy: while the master
policy is in force, the member's assets are watched under the certificate's number.

Read from the store at call time, never kept: binding a policy adds its enterprise's assets,
an endorsement changes nothing the list shows, and a cancellation or the end of the period
takes them off — by construction, since only policies in force on the day are read.

What is watched, per insured enterprise and policy:

* each **verified** asset (a domain, an IP address; a CIDR network if one is ever declared —
  the asset vocabulary holds host names and addresses only today): unverified names are not the
  enterprise's until proven, so a blocklist hit on one would accuse the wrong party;
* each **versioned** software name (CPE 2.3) identified by the enterprise's latest finished
  scan (a name without a version would match every CVE of the product);
* TODO(#19): cloud, SaaS and managed-service dependencies once the questionnaire names them —
  its answers today are yes/no and levels (``vendor.assessment`` asks whether suppliers are
  assessed, not which), so there is nothing to watch yet.

Who sees which part: an insurer's staff the assets of its own policies; the insured its own; a
security provider's staff those of the enterprises with a service task assigned to it; the
platform all (the store applies the rule in :meth:`MonitoringRepository.insured_policies`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from liubu.accounts import OrgKind, Role, require
from liubu.core import shanghai_today
from liubu.errors import ValidationError
from liubu.intel import parse_any_cpe
from liubu.monitoring.observations import IndicatorKind, normalise
from liubu.monitoring.records import Cover, InsuredPolicy, MonitoringUnitOfWork

# Everyone with a stake in an insured's monitoring; a regulator sees aggregates (a later page).
WATCHERS = (
    Role.ADMIN,
    Role.UNDERWRITER,
    Role.ACTUARY,
    Role.CLAIMS_ADJUSTER,
    Role.SECURITY_ANALYST,
    Role.ENTERPRISE_USER,
)
WATCHING_KINDS = (OrgKind.PLATFORM, OrgKind.INSURER, OrgKind.SECURITY_PROVIDER, OrgKind.ENTERPRISE)


#: The longest asset value kept on an alert (a domain has at most 253 characters; real software
#: names are far shorter; a longer scanned name is not watched).
MAX_ASSET_CHARS = 300


class AssetKind(StrEnum):
    """What a watched asset's ``value`` is."""

    DOMAIN = "domain"
    IPV4 = "ipv4"
    IPV6 = "ipv6"
    CIDR = "cidr"  # a network, e.g. 203.0.113.0/24
    CPE = "cpe"  # software, a CPE 2.3 formatted string with a version


@dataclass(frozen=True, slots=True)
class WatchedAsset:
    """One insured asset under one policy (an enterprise insured twice is watched twice)."""

    enterprise_id: str
    enterprise_name: str
    policy_id: str
    policy_number: str
    insurer_tenant_id: str
    client_tenant_id: str
    kind: AssetKind
    value: str
    origin: str  # "asset" (declared and verified) or "scan" (software a scan identified)
    cover: Cover = Cover.POLICY  # policy_* name the group member's certificate when CERTIFICATE

    def as_dict(self) -> dict[str, str]:
        """The CLI's and the API's JSON form."""
        return {
            "enterprise_id": self.enterprise_id,
            "enterprise": self.enterprise_name,
            "policy_number": self.policy_number,
            "cover": str(self.cover),
            "kind": str(self.kind),
            "value": self.value,
            "origin": self.origin,
        }


def host_asset(name: str) -> tuple[AssetKind, str]:
    """The kind and normalised value of a declared asset's name.

    >>> host_asset("WWW.Example.CN.")
    (<AssetKind.DOMAIN: 'domain'>, 'www.example.cn')
    >>> host_asset("203.0.113.0/24")
    (<AssetKind.CIDR: 'cidr'>, '203.0.113.0/24')
    """
    text = name.strip()
    if "/" in text:
        try:
            return AssetKind.CIDR, str(ipaddress.ip_network(text, strict=False))
        except ValueError as error:
            raise ValidationError(
                f"{name!r} is not a network.", field="value", value=name
            ) from error
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return AssetKind.DOMAIN, normalise(IndicatorKind.DOMAIN, text)
    if address.version == 4:
        return AssetKind.IPV4, normalise(IndicatorKind.IPV4, text)
    return AssetKind.IPV6, normalise(IndicatorKind.IPV6, text)


def scanned_software(result: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The versioned CPE names a stored scan result identified, each once, in order."""
    names: dict[str, None] = {}
    for target in (result or {}).get("targets", ()):
        for item in target.get("software", ()):
            try:
                cpe = parse_any_cpe(str(item.get("cpe", "")))
            except ValidationError:
                continue  # a name the scanner wrote that intel cannot read is not watchable
            if cpe.version not in ("*", "-", "") and len(cpe.formatted) <= MAX_ASSET_CHARS:
                names[normalise(IndicatorKind.CPE, cpe.formatted)] = None
    return tuple(names)


def watchlist(uow: MonitoringUnitOfWork, *, on: date | None = None) -> tuple[WatchedAsset, ...]:
    """Every asset the caller may watch of every enterprise insured on ``on`` (today on the
    Beijing calendar), by policy number, kind and value."""
    day = on or shanghai_today()
    with uow:
        require(uow.principal, *WATCHERS, kinds=WATCHING_KINDS)
        policies = uow.monitoring.insured_policies(day)
        enterprise_ids = {p.enterprise_id for p in policies}
        hosts: dict[str, list[tuple[AssetKind, str]]] = {}
        for enterprise_id, name in uow.monitoring.verified_hosts(enterprise_ids):
            try:
                hosts.setdefault(enterprise_id, []).append(host_asset(name))
            except ValidationError:
                continue  # a name stored before today's vocabulary; nothing to match it on
        scans = uow.monitoring.latest_scan_results(enterprise_ids)
        software = {eid: scanned_software(result) for eid, result in scans.items()}
        found = [
            asset
            for policy in policies
            for asset in _assets_of(policy, hosts.get(policy.enterprise_id, ()), software)
        ]
    return tuple(sorted(dict.fromkeys(found), key=_order))


def _assets_of(
    policy: InsuredPolicy,
    hosts: Iterable[tuple[AssetKind, str]],
    software: Mapping[str, tuple[str, ...]],
) -> Iterator[WatchedAsset]:
    for kind, value in hosts:
        yield _watched(policy, kind, value, "asset")
    for cpe in software.get(policy.enterprise_id, ()):
        yield _watched(policy, AssetKind.CPE, cpe, "scan")


def _watched(policy: InsuredPolicy, kind: AssetKind, value: str, origin: str) -> WatchedAsset:
    return WatchedAsset(
        enterprise_id=policy.enterprise_id,
        enterprise_name=policy.enterprise_name,
        policy_id=policy.policy_id,
        policy_number=policy.policy_number,
        insurer_tenant_id=policy.insurer_tenant_id,
        client_tenant_id=policy.client_tenant_id,
        kind=kind,
        value=value,
        origin=origin,
        cover=policy.cover,
    )


def _order(asset: WatchedAsset) -> tuple[str, str, str]:
    return asset.policy_number, str(asset.kind), asset.value
