"""The frozen, validated settings of one scan (recorded in every :class:`ScanResult`)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from cryptography import x509

from liubu.assessment.reasons import AssessmentCode
from liubu.assessment.scan._data import load_table, require
from liubu.errors import ValidationError

_SERVICES_FILE = "services.yaml"
PROBE_KINDS = frozenset({"tls", "http", "ssh", "read", "send", "connect"})
_MAX_BUNDLE_BYTES = 16 * 1024 * 1024  # a system bundle is ~200 kB; refuse to read a huge file


@dataclass(frozen=True)
class ServiceSpec:
    """One service of ``data/services.yaml``: how to probe it and what its exposure means."""

    name: str
    default_ports: tuple[int, ...]
    probe: str
    finding: str | None = None
    send: bytes = b""
    confirms: str | None = None
    when_reply: tuple[tuple[str, str], ...] = ()
    software: str | None = None
    follow_up: FollowUp | None = None


@dataclass(frozen=True)
class FollowUp:
    """A second harmless request on the same connection, sent only when the first reply
    matches ``when`` (Redis ``INFO server`` after an unauthenticated ``+PONG``); its reply is
    read for software (``software`` rules)."""

    when: str
    send: bytes
    software: str


def _service(name: str, row: object) -> ServiceSpec:
    where = f"services.{name}"
    probe = require(row, "probe", str, filename=_SERVICES_FILE, where=where)
    ports = require(row, "ports", list, filename=_SERVICES_FILE, where=where)
    assert isinstance(row, dict)
    extras = tuple(
        (str(rule["pattern"]), str(rule["finding"])) for rule in row.get("when_reply", ())
    )
    follow = row.get("follow_up")
    follow_up = (
        FollowUp(
            when=require(follow, "when", str, filename=_SERVICES_FILE, where=f"{where}.follow_up"),
            send=bytes.fromhex(
                require(follow, "send_hex", str, filename=_SERVICES_FILE, where=where)
            ),
            software=require(follow, "software", str, filename=_SERVICES_FILE, where=where),
        )
        if follow is not None
        else None
    )
    return ServiceSpec(
        name=name,
        default_ports=tuple(int(port) for port in ports),
        probe=probe,
        finding=row.get("finding"),
        send=bytes.fromhex(row.get("send_hex", "")),
        confirms=row.get("confirms"),
        when_reply=extras,
        software=row.get("software"),
        follow_up=follow_up,
    )


@cache
def service_catalogue() -> Mapping[str, ServiceSpec]:
    """Every service the scan knows, by name, read once from ``data/services.yaml``."""
    rows = require(
        load_table(_SERVICES_FILE), "services", dict, filename=_SERVICES_FILE, where="(top)"
    )
    return {name: _service(name, row) for name, row in rows.items()}


def default_port_map() -> dict[int, str]:
    """The default port → service map: every service on each of its well-known ports."""
    return {port: spec.name for spec in service_catalogue().values() for port in spec.default_ports}


def _refuse(message: str, *, name: str, value: object) -> ValidationError:
    return ValidationError(
        message, code=AssessmentCode.SCAN_INVALID_SETTINGS, field=name, value=value
    )


def _check_port(port: object, *, name: str) -> None:
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise _refuse(
            f"The parameter {name} must hold TCP ports 1–65535, not {port!r}.",
            name=name,
            value=port,
        )


@dataclass(frozen=True)
class ScanSettings:
    """How one scan ran: ports, services, time bounds and rate limits (all validated here).

    ``deadline`` bounds the whole scan in seconds; ``per_probe_timeout`` bounds each network
    exchange (a connect, a handshake, a request and its reply); ``max_concurrency`` is the most
    connections open at once; ``host_interval`` the least time between two connections started
    to the same address.
    """

    ports: tuple[int, ...]
    services: tuple[tuple[int, str], ...]
    dns_server: tuple[str, int] | None = None
    dkim_selectors: tuple[str, ...] = ()
    allow_private: bool = False
    deadline: float = 30.0
    per_probe_timeout: float = 3.0
    max_concurrency: int = 20
    host_interval: float = 0.05
    ca_bundle: str | None = None
    service_map: dict[int, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("deadline", "per_probe_timeout"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 < value <= 3600:
                raise _refuse(
                    f"The parameter {name} must be a number of seconds in (0, 3600], "
                    f"not {value!r}.",
                    name=name,
                    value=value,
                )
        if not isinstance(self.host_interval, int | float) or not 0 <= self.host_interval <= 60:
            raise _refuse(
                f"The parameter host_interval must be seconds in [0, 60], not "
                f"{self.host_interval!r}.",
                name="host_interval",
                value=self.host_interval,
            )
        if not isinstance(self.max_concurrency, int) or not 1 <= self.max_concurrency <= 1000:
            raise _refuse(
                f"The parameter max_concurrency must be an integer from 1 to 1000, not "
                f"{self.max_concurrency!r}.",
                name="max_concurrency",
                value=self.max_concurrency,
            )
        for port in self.ports:
            _check_port(port, name="ports")
        self._check_services()
        self._check_dns_server()
        self._check_ca_bundle()
        object.__setattr__(self, "service_map", {**default_port_map(), **dict(self.services)})

    def _check_services(self) -> None:
        known = service_catalogue()
        for port, service in self.services:
            _check_port(port, name="services")
            if service not in known:
                raise _refuse(
                    f"The parameter services maps port {port} to {service!r}, which is "
                    f"not a known service ({', '.join(sorted(known))}).",
                    name="services",
                    value=service,
                )

    def _check_dns_server(self) -> None:
        if self.dns_server is None:
            return
        host, port = self.dns_server
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise _refuse(
                f"The parameter dns_server must be (IP address, port), not {self.dns_server!r}.",
                name="dns_server",
                value=host,
            ) from None
        _check_port(port, name="dns_server")

    def _check_ca_bundle(self) -> None:
        """A trust store given must hold at least one PEM certificate: an empty or unreadable
        one would fail every chain and blame the servers for it."""
        if self.ca_bundle is None:
            return
        try:
            with open(self.ca_bundle, "rb") as bundle:
                x509.load_pem_x509_certificates(bundle.read(_MAX_BUNDLE_BYTES))
        except (OSError, ValueError) as error:
            raise _refuse(
                f"The parameter ca_bundle must name a readable PEM file of CA certificates, "
                f"but {self.ca_bundle!r} is not one ({error}).",
                name="ca_bundle",
                value=self.ca_bundle,
            ) from None

    def service_for(self, port: int) -> str | None:
        """The service probed on ``port``: the caller's map first, then the defaults."""
        return self.service_map.get(port)

    def to_dict(self) -> dict[str, object]:
        return {
            "ports": list(self.ports),
            "services": {str(port): name for port, name in self.services},
            "dns_server": list(self.dns_server) if self.dns_server else None,
            "dkim_selectors": list(self.dkim_selectors),
            "allow_private": self.allow_private,
            "deadline": self.deadline,
            "per_probe_timeout": self.per_probe_timeout,
            "max_concurrency": self.max_concurrency,
            "host_interval": self.host_interval,
            "ca_bundle": self.ca_bundle,
        }
