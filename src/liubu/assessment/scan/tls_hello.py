"""A hand-built TLS ClientHello and the ServerHello it draws: which cipher suite a server picks
from a list, and whether it will staple an OCSP response. Nothing past the ServerHello is
answered: no key exchange happens, so no session is made.

Why by hand: the scanner's OpenSSL no longer implements RC4, 3DES, DES, export or NULL suites,
so Python's ``ssl`` cannot offer them, yet what a server accepts is exactly what peers such as
sslyze and testssl.sh report. (``sslyze`` itself needs ``cryptography`` < 47; see the README.)
Wire formats: RFC 5246 §6.2 (records), §7.4.1.2-3 (hellos), RFC 6066 §3 (server_name) and §8
(status_request), RFC 8422 (elliptic curves), RFC 5746 (renegotiation_info).
"""

from __future__ import annotations

import ipaddress
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from liubu.assessment.scan._data import load_table, require
from liubu.assessment.scan.context import ProbeContext
from liubu.assessment.scan.net import receive, send_all

_FILE = "tls_ciphers.yaml"
_HANDSHAKE, _ALERT = 22, 21
_SERVER_HELLO = 2
_STATUS_REQUEST = 5
# x25519, secp256r1, secp384r1, secp521r1, ffdhe2048
_GROUPS = (29, 23, 24, 25, 256)
# rsa_pkcs1 sha256/384/512, ecdsa sha256/384/512, rsa_pss_rsae sha256/384/512, rsa/ecdsa sha1
_SIGNATURES = (0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0201)


@dataclass(frozen=True)
class CipherCategory:
    name: str
    finding: str
    reference: str
    suites: dict[int, str]


@dataclass(frozen=True)
class ServerHello:
    """What the server chose: protocol version, cipher suite and extension types it echoed."""

    version: int
    suite: int
    extensions: frozenset[int]


@cache
def cipher_categories() -> tuple[CipherCategory, ...]:
    rows = require(load_table(_FILE), "categories", dict, filename=_FILE, where="(top)")
    return tuple(
        CipherCategory(
            name=str(name),
            finding=require(row, "finding", str, filename=_FILE, where=str(name)),
            reference=require(row, "reference", str, filename=_FILE, where=str(name)),
            suites={
                int(k): str(v)
                for k, v in require(row, "suites", dict, filename=_FILE, where=str(name)).items()
            },
        )
        for name, row in rows.items()
    )


@cache
def modern_suites() -> dict[int, str]:
    rows = require(load_table(_FILE), "modern", dict, filename=_FILE, where="(top)")
    return {int(k): str(v) for k, v in rows.items()}


def _extension(kind: int, body: bytes) -> bytes:
    return struct.pack(">HH", kind, len(body)) + body


def _u16_list(values: Sequence[int]) -> bytes:
    return struct.pack(">H", 2 * len(values)) + b"".join(struct.pack(">H", v) for v in values)


def client_hello(
    suites: Sequence[int], *, server_name: str | None, status_request: bool = False
) -> bytes:
    """One TLS record holding a ClientHello offering ``suites`` at TLS 1.2 (RFC 5246 §7.4.1.2)."""
    extensions = b""
    if server_name is not None and not _is_address(server_name):
        name = server_name.encode("idna")
        entry = b"\x00" + struct.pack(">H", len(name)) + name
        extensions += _extension(0, struct.pack(">H", len(entry)) + entry)
    extensions += _extension(10, _u16_list(_GROUPS))
    extensions += _extension(11, b"\x01\x00")  # ec_point_formats: uncompressed
    extensions += _extension(13, _u16_list(_SIGNATURES))
    extensions += _extension(0xFF01, b"\x00")  # renegotiation_info, empty (RFC 5746)
    if status_request:
        extensions += _extension(_STATUS_REQUEST, b"\x01\x00\x00\x00\x00")  # ocsp, no ids/exts
    body = (
        b"\x03\x03"
        + os.urandom(32)
        + b"\x00"  # no session id
        + _u16_list(suites)
        + b"\x01\x00"  # compression: null only
        + struct.pack(">H", len(extensions))
        + extensions
    )
    handshake = bytes([1]) + len(body).to_bytes(3, "big") + body
    return struct.pack(">BHH", _HANDSHAKE, 0x0301, len(handshake)) + handshake


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _records(data: bytes) -> tuple[int | None, bytes]:
    """(first alert level or None, the concatenated handshake bytes) of whole records."""
    at, handshake = 0, b""
    while at + 5 <= len(data):
        kind, _, length = struct.unpack_from(">BHH", data, at)
        fragment = data[at + 5 : at + 5 + length]
        if kind == _ALERT:
            return (fragment[0] if fragment else 0), handshake
        if kind == _HANDSHAKE:
            handshake += fragment
        at += 5 + length
    return None, handshake


def parse_server_hello(data: bytes) -> ServerHello | None:
    """The ServerHello at the start of ``data`` (records as received); None for an alert, a
    non-TLS reply or one cut short."""
    alert, handshake = _records(data)
    if alert is not None or len(handshake) < 4 or handshake[0] != _SERVER_HELLO:
        return None
    length = int.from_bytes(handshake[1:4], "big")
    body = handshake[4 : 4 + length]
    if len(body) < 38:
        return None
    version = struct.unpack_from(">H", body, 0)[0]
    at = 34
    at += 1 + body[at]  # session id
    if at + 3 > len(body):
        return None
    suite = struct.unpack_from(">H", body, at)[0]
    at += 3  # suite, compression method
    kinds = set()
    if at + 2 <= len(body):
        end = at + 2 + struct.unpack_from(">H", body, at)[0]
        at += 2
        while at + 4 <= min(end, len(body)):
            kind, size = struct.unpack_from(">HH", body, at)
            kinds.add(kind)
            at += 4 + size
    return ServerHello(version, suite, frozenset(kinds))


def _hello_done(data: bytes) -> bool:
    alert, handshake = _records(data)
    if alert is not None:
        return True
    return len(handshake) >= 4 and len(handshake) >= 4 + int.from_bytes(handshake[1:4], "big")


def offer(
    ctx: ProbeContext, suites: Sequence[int], *, status_request: bool = False
) -> ServerHello | None:
    """Send one ClientHello offering ``suites``; the ServerHello, or None if refused."""
    with ctx.connect() as sock:
        hello = client_hello(suites, server_name=ctx.server_name, status_request=status_request)
        send_all(sock, hello, ctx.deadline(), ctx.limit)
        reply = receive(
            sock, ctx.deadline(), ctx.limit, stage="ServerHello", done=_hello_done, max_bytes=16384
        )
    return parse_server_hello(reply)
