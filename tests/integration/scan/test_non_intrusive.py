"""Non-intrusive: each service is sent only its documented harmless hello, or nothing."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Callable

from liubu.assessment.scan import scan
from tests.integration.scan.servers import Listener

GREETINGS = {"vnc": b"RFB 003.008\n", "mysql": b"\x4a\x00\x00\x00\x0a8.0.36\x00"}
REPLIES = {
    "redis": b"-NOAUTH Authentication required.\r\n",
    "memcached": b"VERSION 1.6.9\r\n",
    "postgresql": b"N",
}
SERVICES = (
    "redis",
    "memcached",
    "postgresql",
    "rdp",
    "mysql",
    "smb",
    "vnc",
    "mssql",
    "mongodb",
    "elasticsearch",
)


def _smb2_negotiate() -> bytes:
    """MS-SMB2 §2.2.1.2 header + §2.2.3 NEGOTIATE offering 2.0.2 and 2.1, in a NetBIOS frame."""
    header = b"\xfeSMB" + struct.pack(
        "<HHIHHIIQIIQ16s", 64, 0, 0, 0, 1, 0, 0, 0, 0xFEFF, 0, 0, bytes(16)
    )
    body = struct.pack("<HHHHI16sQHH", 36, 2, 1, 0, 0, bytes(16), 0, 0x0202, 0x0210)
    return b"\x00" + len(header + body).to_bytes(3, "big") + header + body


def _tds_prelogin() -> bytes:
    """MS-TDS §2.2.6.5: VERSION (6 bytes at offset 11) and ENCRYPTION (1 byte at 17) = 2."""
    options = bytes([0, 0, 11, 0, 6, 1, 0, 17, 0, 1, 0xFF]) + bytes(6) + b"\x02"
    return b"\x12\x01" + (8 + len(options)).to_bytes(2, "big") + b"\x00\x00\x01\x00" + options


def _mongodb_is_master() -> bytes:
    """OP_QUERY (2004) on admin.$cmd with the BSON document {isMaster: int32 1}."""
    element = b"\x10isMaster\x00" + struct.pack("<i", 1)
    document = struct.pack("<i", 4 + len(element) + 1) + element + b"\x00"
    body = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1) + document
    return struct.pack("<iiii", 16 + len(body), 1, 0, 2004) + body


def _recorder(service: str, received: dict[str, bytes]) -> Callable[[socket.socket], None]:
    """Greets if the protocol's server speaks first, answers once, records all it is sent."""

    def handle(sock: socket.socket) -> None:
        sock.sendall(GREETINGS.get(service, b""))
        sock.settimeout(2.0)
        data = b""
        try:
            while chunk := sock.recv(4096):
                data += chunk
                sock.sendall(REPLIES.get(service, b""))
        except TimeoutError:
            pass
        received[service] = data

    return handle


def test_each_service_receives_only_its_documented_hello() -> None:
    received: dict[str, bytes] = {}
    listeners = {service: Listener(_recorder(service, received)) for service in SERVICES}
    ports = {listener.port: service for service, listener in listeners.items()}
    try:
        scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=list(ports),
            services=ports,
            allow_private=True,
            per_probe_timeout=1.0,
            deadline=10.0,
        )
        waited = time.monotonic() + 3.0  # the handlers finish when the scanner hangs up
        while len(received) < len(SERVICES) and time.monotonic() < waited:
            time.sleep(0.05)
    finally:
        for listener in listeners.values():
            listener.stop()
    assert received == {
        "redis": b"PING\r\n",
        "memcached": b"version\r\n",
        "postgresql": bytes.fromhex("0000000804d2162f"),
        "rdp": bytes.fromhex("030000130ee000000000000100080003000000"),
        "mysql": b"",
        "smb": _smb2_negotiate(),
        "vnc": b"",
        "mssql": _tds_prelogin(),
        "mongodb": _mongodb_is_master(),
        "elasticsearch": b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: liubu-scan/0.1\r\n"
        b"Accept: application/json\r\nConnection: close\r\n\r\n",
    }
