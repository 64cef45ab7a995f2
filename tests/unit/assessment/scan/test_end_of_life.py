"""End-of-life lookups against the dated table: each line's end date from its source, and a
version of a still-supported line passes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from liubu.assessment.scan.end_of_life import end_of_life
from liubu.assessment.scan.ssh_probe import parse_kexinit
from tests.integration.scan.servers import kexinit_packet

DECEMBER_2026 = datetime(2026, 12, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cpe", "ended"),
    [
        ("cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*", date(2024, 6, 30)),
        ("cpe:2.3:a:php:php:7.4.3:*:*:*:*:*:*:*", date(2022, 11, 28)),  # php.net/eol.php
        ("cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*", date(2019, 12, 31)),
        ("cpe:2.3:a:apache:http_server:2.2.34:*:*:*:*:*:*:*", date(2017, 7, 11)),
        ("cpe:2.3:a:oracle:mysql:5.7.33:*:*:*:*:*:*:*", date(2023, 10, 31)),
    ],
)
def test_an_ended_line_is_found_with_its_date(cpe: str, ended: date) -> None:
    found = end_of_life(cpe, at=DECEMBER_2026)
    assert found is not None
    assert found.ended == ended


@pytest.mark.parametrize(
    "cpe",
    [
        "cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*",
        "cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*",
        "cpe:2.3:a:php:php:8.3.1:*:*:*:*:*:*:*",
        "cpe:2.3:a:memcached:memcached:1.6.9:*:*:*:*:*:*:*",  # not in the table
    ],
)
def test_a_supported_or_unknown_version_is_not_end_of_life(cpe: str) -> None:
    assert end_of_life(cpe, at=DECEMBER_2026) is None


def test_a_line_is_not_end_of_life_before_its_date() -> None:
    cpe = "cpe:2.3:a:php:php:8.1.2:*:*:*:*:*:*:*"  # security support until 2025-12-31
    assert end_of_life(cpe, at=datetime(2025, 6, 1, tzinfo=UTC)) is None
    assert end_of_life(cpe, at=DECEMBER_2026) is not None


def test_a_kexinit_packet_reads_back_into_its_name_lists() -> None:
    packet = kexinit_packet(
        {"kex": "curve25519-sha256,kex-strict-s-v00@openssh.com", "macs": "hmac-md5"}
    )
    kexinit = parse_kexinit(packet)
    assert kexinit is not None
    assert kexinit.kex == ("curve25519-sha256", "kex-strict-s-v00@openssh.com")
    assert kexinit.macs == ("hmac-md5",)
    assert kexinit.lists["compression_client_to_server"] == ("none",)
    assert parse_kexinit(b"\x00\x00\x00\x0c\x0a\x15" + bytes(10)) is None  # NEWKEYS, not KEXINIT
