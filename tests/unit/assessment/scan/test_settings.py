"""Scan settings are validated on construction and recorded; the default ports are IANA's."""

from __future__ import annotations

from pathlib import Path

import pytest

from liubu.assessment.scan import ScanSettings, service_catalogue
from liubu.assessment.scan.settings import default_port_map
from liubu.errors import ValidationError


def test_default_ports_are_the_iana_registered_ports_of_each_risky_service() -> None:
    # IANA Service Name and Transport Protocol Port Number Registry.
    expected = {
        21: "ftp",
        23: "telnet",
        445: "smb",
        1433: "mssql",
        3306: "mysql",
        3389: "rdp",
        5432: "postgresql",
        5900: "vnc",
        6379: "redis",
        9200: "elasticsearch",
        11211: "memcached",
        27017: "mongodb",
        22: "ssh",
        80: "http",
        443: "https",
    }
    ports = default_port_map()
    assert {port: ports[port] for port in expected} == expected


def test_every_service_names_a_known_probe_kind() -> None:
    kinds = {spec.probe for spec in service_catalogue().values()}
    assert kinds <= {"tls", "http", "ssh", "read", "send", "connect"}
    # The hellos sent are the documented harmless ones.
    sent = {spec.name: spec.send for spec in service_catalogue().values() if spec.send}
    assert sent["redis"] == b"PING\r\n"
    assert sent["memcached"] == b"version\r\n"
    assert sent["postgresql"] == (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")
    assert sent["rdp"][:4] == b"\x03\x00\x00\x13"
    assert len(sent["rdp"]) == 0x13


def _settings(**changes: object) -> ScanSettings:
    values: dict[str, object] = {"ports": (443,), "services": ()}
    values.update(changes)
    return ScanSettings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deadline", 0),
        ("deadline", -1.0),
        ("per_probe_timeout", 0.0),
        ("max_concurrency", 0),
        ("host_interval", -0.1),
        ("ports", (0,)),
        ("ports", (70000,)),
        ("ports", (True,)),
        ("services", ((54321, "gopher"),)),
        ("dns_server", ("resolver.example", 53)),
        ("dns_server", ("127.0.0.1", 0)),
    ],
)
def test_bad_settings_are_refused_naming_the_parameter(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(**{field: value})
    assert refused.value.field == field
    assert field in refused.value.message


def test_the_callers_service_map_overrides_the_defaults_and_is_recorded() -> None:
    settings = _settings(services=((54321, "rdp"), (443, "http")))
    assert settings.service_for(54321) == "rdp"
    assert settings.service_for(443) == "http"
    assert settings.service_for(3389) == "rdp"
    assert settings.service_for(1) is None
    assert settings.to_dict()["services"] == {"54321": "rdp", "443": "http"}


def test_a_ca_bundle_that_holds_no_pem_certificate_is_refused_before_any_probe(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("not a certificate\n", encoding="ascii")
    for bundle in (str(empty), str(tmp_path / "missing.pem")):
        with pytest.raises(ValidationError) as refused:
            ScanSettings(ports=(443,), services=(), ca_bundle=bundle)
        assert (refused.value.code, refused.value.field) == ("scan.invalid_settings", "ca_bundle")
