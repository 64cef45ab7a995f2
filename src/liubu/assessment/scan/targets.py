"""Declared assets as scan targets: normalised, checked against proof of control and refused
when they are (or resolve to) private, loopback or otherwise non-public addresses."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from functools import cache

import dns.exception
import dns.resolver

from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.certificates import read_ca_bundle
from liubu.errors import PermissionDeniedError, ValidationError

_BLOCKS = "special_addresses.yaml"

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
Verified = Callable[[str], bool] | Set[str]


def normalise_host(host: object) -> str:
    """A host as liubu stores it: an IP address, or a lower-case ASCII (IDNA) DNS name."""
    if not isinstance(host, str) or not host.strip():
        raise ValidationError(
            f"A scan target must be a host name or IP address, not {host!r}.",
            code=AssessmentCode.SCAN_INVALID_TARGET,
            field="targets",
            value=host,
        )
    text = host.strip().rstrip(".")
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        pass
    try:
        name = text.encode("idna").decode("ascii").lower()
    except UnicodeError:
        name = ""
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in name.split(".")):
        raise ValidationError(
            f"The scan target {host!r} is neither an IP address nor a valid DNS name.",
            code=AssessmentCode.SCAN_INVALID_TARGET,
            field="targets",
            value=host,
        )
    return name


@dataclass(frozen=True)
class Target:
    """One declared asset; ``ports`` overrides the scan's port list for this asset only;
    ``trusted_ca`` (PEM text of CA certificates, e.g. the enterprise's private CA) is trusted for
    this asset's TLS chains only, on top of the scan's trust store."""

    host: str
    ports: tuple[int, ...] | None = None
    trusted_ca: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "host", normalise_host(self.host))
        if self.ports is not None:
            object.__setattr__(self, "ports", tuple(self.ports))
        if self.trusted_ca is not None:
            try:
                read_ca_bundle(self.trusted_ca.encode())
            except (ValueError, UnicodeError) as error:
                raise ValidationError(
                    f"The trusted CA of {self.host} must be PEM CA certificates ({error}).",
                    code=AssessmentCode.SCAN_INVALID_SETTINGS,
                    field="trusted_ca",
                    value=self.host,
                ) from None

    @property
    def is_address(self) -> bool:
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True


def as_targets(targets: Iterable[str | Target]) -> list[Target]:
    if isinstance(targets, str | Target):
        targets = [targets]
    parsed = list(
        dict.fromkeys(item if isinstance(item, Target) else Target(item) for item in targets)
    )
    if not parsed:
        raise ValidationError(
            "The parameter targets must name at least one asset.",
            code=AssessmentCode.SCAN_INVALID_TARGET,
            field="targets",
            value=None,
        )
    return parsed


def require_verified(targets: Iterable[Target], verified: Verified) -> None:
    """Refuse the whole scan if any target lacks proof of control (see ``verify_control``)."""
    check = verified if callable(verified) else (lambda host: host in verified)
    refused = [target.host for target in targets if not check(target.host)]
    if refused:
        raise PermissionDeniedError(
            f"The scan was refused: {', '.join(refused)} has not been verified as controlled by "
            "the enterprise. Verify control first (a DNS TXT record liubu-verification=<token> "
            "or the file /.well-known/liubu-verification.txt) and pass it in verified.",
            code=AssessmentCode.SCAN_UNVERIFIED_TARGET,
            detail={"targets": refused},
        )


@cache
def special_blocks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The refused blocks of ``data/special_addresses.yaml`` (IANA special-purpose registries)."""
    rows = require(load_table(_BLOCKS), "blocks", list, filename=_BLOCKS, where="(top)")
    return tuple(ipaddress.ip_network(row["network"]) for row in rows)


def is_public(address: str) -> bool:
    """Whether ``address`` is globally routable: in no special-purpose block (private, loopback,
    link-local, shared, documentation, reserved, multicast, ...) and global for Python too.
    IPv4-mapped IPv6 is judged as its IPv4 address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == block.version and ip in block for block in special_blocks()):
        return False
    return ip.is_global


def require_public(target: Target, addresses: Iterable[str], *, allow_private: bool) -> None:
    if allow_private:
        return
    private = [address for address in addresses if not is_public(address)]
    if private:
        raise PermissionDeniedError(
            f"The scan of {target.host} was refused: it is or resolves to the non-public "
            f"address {', '.join(private)} (private, loopback, link-local or reserved). Pass "
            "allow_private=True only for an assessment inside that network.",
            code=AssessmentCode.SCAN_PRIVATE_ADDRESS,
            detail={"target": target.host, "addresses": private},
        )


def resolve(target: Target, dns_server: tuple[str, int] | None, *, timeout: float) -> list[str]:
    """The target's addresses, IPv4 first: through ``dns_server`` if given, else the system's
    resolver. Raises ``TimeoutError`` when no answer comes within ``timeout``."""
    if target.is_address:
        return [target.host]
    if dns_server is None:
        try:
            infos = socket.getaddrinfo(target.host, None, type=socket.SOCK_STREAM)
        except socket.gaierror:
            return []
        found = [str(info[4][0]) for info in infos]
    else:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers, resolver.port = [dns_server[0]], dns_server[1]
        found = []
        for rdtype in ("A", "AAAA"):
            try:
                answer = resolver.resolve(
                    target.host, rdtype, lifetime=timeout, raise_on_no_answer=False, search=False
                )
            except dns.resolver.NXDOMAIN:
                return []
            except dns.exception.Timeout:
                raise TimeoutError(f"DNS {rdtype} {target.host}") from None
            found += [rdata.to_text() for rdata in answer]
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda address: ":" in address)
