"""Real servers on loopback for the scanner's tests and benchmark: TCP listeners that speak
HTTP (plain or over TLS), an RDP-like X.224 answer, SMB, TDS, MongoDB and Elasticsearch
handshake answers, Redis replies, fixed banners, or nothing."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Handler = Callable[[socket.socket], None]

# MS-RDPBCGR §4.1.2: TPKT, X.224 Connection Confirm, RDP_NEG_RSP selecting TLS.
RDP_CONNECTION_CONFIRM = bytes.fromhex("030000130ed000001234000200080001000000")


@dataclass
class Listener:
    """A TCP listener on ``host`` (an ephemeral port) that runs ``handler`` per connection."""

    handler: Handler
    host: str = "127.0.0.1"
    backlog: int = 64
    accept: bool = True
    port: int = 0
    _sock: socket.socket = field(init=False, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _clients: list[socket.socket] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    accepted_at: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((self.host, self.port))
        self._sock.listen(self.backlog)
        self.port = self._sock.getsockname()[1]
        self._sock.settimeout(0.2)
        if self.accept:
            threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by stop()
                return
            with self._lock:  # a connection accepted while stopping is closed, not leaked
                if self._stop.is_set():
                    client.close()
                    return
                self.accepted_at.append(time.monotonic())
                self._clients.append(client)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            client.settimeout(10)
            self.handler(client)
        except Exception:  # a probe that hangs up early is normal; the test judges the scanner
            pass
        finally:
            if self.handler is not hold_open:
                client.close()

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            clients = list(self._clients)
        for client in clients:
            client.close()
        self._sock.close()


def read_head(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@dataclass(frozen=True)
class Page:
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b"<html><body>liubu test page</body></html>"


def http_handler(pages: Mapping[str, Page], default: Page) -> Handler:
    def handle(sock: socket.socket) -> None:
        head = read_head(sock)
        path = head.split(b" ", 2)[1].decode() if head.count(b" ") >= 2 else "/"
        page = pages.get(path, default)
        lines = [f"HTTP/1.1 {page.status} X"]
        lines += [f"{name}: {value}" for name, value in page.headers]
        lines += [f"Content-Length: {len(page.body)}", "Connection: close", "", ""]
        sock.sendall("\r\n".join(lines).encode() + page.body)

    return handle


def tls_handler(context: ssl.SSLContext, inner: Handler) -> Handler:
    def handle(sock: socket.socket) -> None:
        with context.wrap_socket(sock, server_side=True) as connection:
            inner(connection)

    return handle


def server_context(
    cert_file: Path, key_file: Path, *, minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2
) -> ssl.SSLContext:
    """A server context; ``minimum=TLSv1`` with every cipher for the legacy test server."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if minimum < ssl.TLSVersion.TLSv1_2:
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        with warnings.catch_warnings():  # deliberately legacy: that is what is under test
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = minimum
    else:
        context.minimum_version = minimum
    context.load_cert_chain(cert_file, key_file)
    return context


def rdp_handler(sock: socket.socket) -> None:
    request = sock.recv(64)
    if request[:2] == b"\x03\x00" and len(request) >= 11 and request[5] == 0xE0:
        sock.sendall(RDP_CONNECTION_CONFIRM)


def redis_handler(reply: bytes) -> Handler:
    def handle(sock: socket.socket) -> None:
        if sock.recv(64).strip().upper() == b"PING":
            sock.sendall(reply)

    return handle


def banner_handler(banner: bytes) -> Handler:
    def handle(sock: socket.socket) -> None:
        sock.sendall(banner)
        sock.recv(64)

    return handle


def hold_open(sock: socket.socket) -> None:
    """Accept and never answer (the socket stays open until the listener stops)."""


def blackhole(host: str = "127.0.0.1") -> tuple[Listener, list[socket.socket]]:
    """A port whose accept queue is full and never drained: new SYNs get no answer.

    Linux keeps ``backlog + 1`` completed connections; once they are queued the kernel drops
    further SYNs, so a connect there times out as it would against a filtering firewall.
    """
    listener = Listener(hold_open, host=host, backlog=0, accept=False)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect((host, listener.port))
        fillers.append(filler)
    return listener, fillers


def close_blackhole(listener: Listener, fillers: list[socket.socket]) -> None:
    for filler in fillers:
        filler.close()
    listener.stop()


def _bson(document: Mapping[str, object]) -> bytes:
    """A BSON document (bsonspec.org) of booleans, int32, doubles and strings: enough for a
    handshake reply."""
    body = b""
    for key, value in document.items():
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            body += b"\x08" + name + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            body += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, float):
            body += b"\x01" + name + struct.pack("<d", value)
        else:
            text = str(value).encode() + b"\x00"
            body += b"\x02" + name + struct.pack("<i", len(text)) + text
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def smb_handler(sock: socket.socket) -> None:
    """Answers an SMB2 NEGOTIATE request with a NEGOTIATE response (MS-SMB2 §2.2.4)."""
    request = sock.recv(4096)
    if request[4:8] != b"\xfeSMB" or struct.unpack_from("<H", request, 4 + 12)[0] != 0:
        return
    header = b"\xfeSMB" + struct.pack(
        "<HHIHHIIQIIQ16s", 64, 0, 0, 0, 1, 1, 0, 0, 0xFEFF, 0, 0, b"\x00" * 16
    )
    body = struct.pack(
        "<HHHH16sIIIIQQHHI", 65, 1, 0x0210, 0, b"s" * 16, 0, 65536, 65536, 65536, 0, 0, 0, 0, 0
    )
    message = header + body
    sock.sendall(b"\x00" + len(message).to_bytes(3, "big") + message)


def mssql_handler(sock: socket.socket) -> None:
    """Answers a TDS PRELOGIN with a PRELOGIN response (MS-TDS §2.2.6.5): SQL Server 15.0.2000,
    encryption not supported."""
    request = sock.recv(4096)
    if request[:1] != b"\x12":
        return
    payload = bytes([0, 0, 11, 0, 6, 1, 0, 17, 0, 1, 0xFF]) + bytes([15, 0, 0x07, 0xD0, 0, 0, 2])
    length = (8 + len(payload)).to_bytes(2, "big")
    sock.sendall(b"\x04\x01" + length + b"\x00\x00\x01\x00" + payload)


def mongodb_handler(sock: socket.socket) -> None:
    """Answers an OP_QUERY isMaster with an OP_REPLY (MongoDB wire protocol, legacy opcodes)."""
    request = sock.recv(4096)
    if len(request) < 16 or struct.unpack_from("<i", request, 12)[0] != 2004:
        return
    if b"isMaster" not in request:
        return
    document = _bson({"ismaster": True, "maxWireVersion": 17, "minWireVersion": 0, "ok": 1.0})
    reply_body = struct.pack("<iqii", 8, 0, 0, 1) + document
    request_id = struct.unpack_from("<i", request, 4)[0]
    sock.sendall(struct.pack("<iiii", 16 + len(reply_body), 7, request_id, 1) + reply_body)


ELASTICSEARCH_ROOT = (
    b'{\n  "name" : "node-1",\n  "cluster_name" : "docker-cluster",\n  "cluster_uuid" : '
    b'"Q1bq8H2pQ3i7vZ9Y0sU1Xw",\n  "version" : {\n    "number" : "7.10.2",\n    '
    b'"build_flavor" : "oss",\n    "lucene_version" : "8.7.0"\n  },\n  '
    b'"tagline" : "You Know, for Search"\n}\n'
)


def redis_server(info: bytes) -> Handler:
    """A Redis without a password: ``+PONG`` to PING, then ``INFO server`` as a RESP bulk
    string (redis.io/docs/latest/develop/reference/protocol-spec)."""

    def handle(sock: socket.socket) -> None:
        buffer = b""
        while True:
            chunk = sock.recv(256)
            if not chunk:
                return
            buffer += chunk
            while b"\r\n" in buffer:
                line, buffer = buffer.split(b"\r\n", 1)
                command = line.strip().upper()
                if command == b"PING":
                    sock.sendall(b"+PONG\r\n")
                elif command == b"INFO SERVER":
                    sock.sendall(b"$%d\r\n%s\r\n" % (len(info), info))
                else:
                    sock.sendall(b"-ERR unknown command\r\n")

    return handle


def offered_suites(client_hello: bytes) -> list[int]:
    """The cipher suites of a ClientHello record (RFC 5246 §7.4.1.2), read independently of
    the scanner's own builder."""
    body = client_hello[5 + 4 :]  # record header, handshake header
    at = 2 + 32  # client_version, random
    at += 1 + body[at]  # session id
    (length,) = struct.unpack_from(">H", body, at)
    return list(struct.unpack_from(f">{length // 2}H", body, at + 2))


def server_hello(suite: int) -> bytes:
    """A TLS 1.2 ServerHello record choosing ``suite``, no extensions (RFC 5246 §7.4.1.3)."""
    body = b"\x03\x03" + bytes(range(32)) + b"\x00" + struct.pack(">H", suite) + b"\x00"
    handshake = b"\x02" + len(body).to_bytes(3, "big") + body
    return struct.pack(">BHH", 22, 0x0303, len(handshake)) + handshake


def _read_record(sock: socket.socket) -> bytes:
    data = b""
    while len(data) < 5 or len(data) < 5 + struct.unpack_from(">H", data, 3)[0]:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while chunk := source.recv(4096):
            sink.sendall(chunk)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


def legacy_suites_front(
    backend_port: int, accepted: tuple[int, ...], *, silent: bool = False
) -> Handler:
    """A TLS server that also accepts legacy suites this machine's OpenSSL no longer has: a
    ClientHello offering one of ``accepted`` (in that preference) gets a ServerHello choosing
    it (a real server would go on to the key exchange), or with ``silent`` no answer at all (a
    middlebox that drops what it does not like); any other hello is passed to the real TLS
    server on ``backend_port``, which completes the handshake."""

    def handle(sock: socket.socket) -> None:
        hello = _read_record(sock)
        offered = offered_suites(hello)
        chosen = next((suite for suite in accepted if suite in offered), None)
        if chosen is not None and silent:
            with contextlib.suppress(OSError):
                sock.recv(1)  # until the scanner gives up and hangs up
            return
        if chosen is not None:
            sock.sendall(server_hello(chosen))
            return
        with socket.create_connection(("127.0.0.1", backend_port), timeout=10) as backend:
            backend.sendall(hello)
            back = threading.Thread(target=_pipe, args=(backend, sock), daemon=True)
            back.start()
            _pipe(sock, backend)
            back.join(10)

    return handle


def kexinit_packet(lists: dict[str, str]) -> bytes:
    """An unencrypted SSH binary packet holding SSH_MSG_KEXINIT (RFC 4253 §6 and §7.1): message
    20, a 16-byte cookie, ten name-lists (missing ones empty), first_kex_packet_follows, 0."""
    order = (
        "kex",
        "host_keys",
        "ciphers",
        "ciphers",
        "macs",
        "macs",
        "compression",
        "compression",
        "languages",
        "languages",
    )
    payload = bytes([20]) + bytes(16)
    for name in order:
        value = lists.get(name, "none" if name == "compression" else "").encode()
        payload += struct.pack(">I", len(value)) + value
    payload += b"\x00" + bytes(4)
    padding = 8 - (len(payload) + 5) % 8
    padding += 8 if padding < 4 else 0
    return struct.pack(">IB", len(payload) + padding + 1, padding) + payload + bytes(padding)


def ssh_server(banner: bytes, lists: dict[str, str], received: list[bytes]) -> Handler:
    """Sends its identification line, reads the client's, sends its KEXINIT, then records
    everything else the client sends until it hangs up."""

    def handle(sock: socket.socket) -> None:
        sock.sendall(banner)
        data = b""
        while b"\n" not in data:
            chunk = sock.recv(256)
            if not chunk:
                break
            data += chunk
        sock.sendall(kexinit_packet(lists))
        sock.settimeout(2.0)
        with contextlib.suppress(OSError):
            while chunk := sock.recv(4096):
                data += chunk
        received.append(data)

    return handle
