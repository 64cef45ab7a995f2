"""The hand-built ClientHello is a well-formed TLS 1.2 hello (read back by an independent
parser), ServerHellos and alerts are told apart, and the grade table caps as documented."""

from __future__ import annotations

import struct

import pytest

from liubu.assessment.scan.tls_grading import tls_grade
from liubu.assessment.scan.tls_hello import client_hello, parse_server_hello
from tests.integration.scan.servers import offered_suites, server_hello


def _extensions(record: bytes) -> dict[int, bytes]:
    """Extension type → body of a ClientHello record (RFC 5246 §7.4.1.2, RFC 6066)."""
    body = record[9:]
    at = 34
    at += 1 + body[at]
    at += 2 + struct.unpack_from(">H", body, at)[0]
    at += 1 + body[at]
    end = at + 2 + struct.unpack_from(">H", body, at)[0]
    at += 2
    found = {}
    while at < end:
        kind, size = struct.unpack_from(">HH", body, at)
        found[kind] = body[at + 4 : at + 4 + size]
        at += 4 + size
    return found


def test_the_client_hello_offers_exactly_the_suites_asked_with_sni_and_status_request() -> None:
    record = client_hello([0x000A, 0x0005], server_name="shop.example.cn", status_request=True)
    kind, version, length = struct.unpack_from(">BHH", record, 0)
    assert (kind, version, length) == (22, 0x0301, len(record) - 5)
    assert record[5] == 1  # ClientHello
    assert int.from_bytes(record[6:9], "big") == len(record) - 9
    assert record[9:11] == b"\x03\x03"  # TLS 1.2
    assert offered_suites(record) == [0x000A, 0x0005]
    extensions = _extensions(record)
    assert extensions[0].endswith(b"shop.example.cn")  # server_name
    assert extensions[5] == b"\x01\x00\x00\x00\x00"  # status_request: ocsp, empty lists
    assert 5 not in _extensions(client_hello([0x000A], server_name=None))


def test_an_ip_address_is_never_sent_as_server_name() -> None:
    assert 0 not in _extensions(client_hello([0x002F], server_name="192.0.2.7"))


def test_a_server_hello_gives_the_chosen_suite_and_an_alert_gives_nothing() -> None:
    hello = parse_server_hello(server_hello(0x000A))
    assert hello is not None
    assert (hello.version, hello.suite, hello.extensions) == (0x0303, 0x000A, frozenset())
    handshake_failure = bytes([21, 3, 3, 0, 2, 2, 40])  # fatal, handshake_failure (RFC 5246)
    assert parse_server_hello(handshake_failure) is None
    assert parse_server_hello(b"HTTP/1.1 400 Bad Request\r\n\r\n") is None


@pytest.mark.parametrize(
    ("codes", "grade"),
    [
        (set(), "A"),
        ({"tls.protocol_outdated"}, "B"),
        ({"tls.protocol_outdated", "tls.cipher_3des"}, "C"),
        ({"tls.cipher_3des", "tls.certificate_expired"}, "F"),
        ({"tls.chain_order", "tls.certificate_expiring"}, "A"),
    ],
)
def test_the_worst_cap_sets_the_grade(codes: set[str], grade: str) -> None:
    assert tls_grade(frozenset(codes))[0] == grade
