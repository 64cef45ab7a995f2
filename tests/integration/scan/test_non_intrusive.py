"""Non-intrusive: each service is sent only its documented harmless hello, or nothing."""

from __future__ import annotations

import socket
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
SERVICES = ("redis", "memcached", "postgresql", "rdp", "mysql", "smb", "vnc")


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
        "smb": b"",
        "vnc": b"",
    }
