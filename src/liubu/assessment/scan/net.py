"""Time-bounded network primitives: every connect, handshake and read ends by a deadline.

Deadlines are ``time.monotonic()`` instants. A probe never waits past the smaller of its own
per-exchange bound and the whole scan's deadline, so a hung host cannot hold a scan open.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import warnings
from collections.abc import Callable
from functools import lru_cache

# Legacy protocol versions are deprecated in Python's ssl module; probing for them is the point,
# so their DeprecationWarning is silenced only while a pinned context is built (under a lock,
# because ``warnings.catch_warnings`` is process-wide and not thread-safe).
_CONTEXT_LOCK = threading.Lock()
_ALL_CIPHERS = "DEFAULT:@SECLEVEL=0"


class ProbeTimedOut(Exception):
    """A network exchange got no answer before its deadline (internal to the scanner)."""

    def __init__(self, stage: str, limit: float) -> None:
        super().__init__(f"no answer during {stage} within {limit:.1f} s")
        self.stage = stage
        self.limit = limit


class PortClosed(Exception):
    """The host answered that nothing listens there (RST, or an ICMP unreachable)."""


class ScanClock:
    """The whole scan's deadline, fixed when the scan starts."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def exchange_deadline(self, per_exchange: float) -> float:
        """The instant one exchange must finish by: its own bound or the scan's, whichever first."""
        return min(time.monotonic() + per_exchange, self.end)


class Pacer:
    """Per-host pacing: at least ``interval`` seconds between connection starts to one address."""

    def __init__(self, interval: float, clock: ScanClock) -> None:
        self._interval = interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, address: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(address, now))
            self._next[address] = slot + self._interval
        if slot >= self._clock.end:
            raise ProbeTimedOut("pacing", self._clock.seconds)
        if slot > now:
            time.sleep(slot - now)


def left(deadline: float, stage: str) -> float:
    """Seconds left before ``deadline``; raises :class:`ProbeTimedOut` when none are."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ProbeTimedOut(stage, 0.0)
    return remaining


def open_connection(address: str, port: int, deadline: float, limit: float) -> socket.socket:
    """A TCP connection to ``address:port`` established before ``deadline``."""
    try:
        return socket.create_connection((address, port), timeout=left(deadline, "connect"))
    except TimeoutError:
        raise ProbeTimedOut("connect", limit) from None
    except (ConnectionRefusedError, ConnectionResetError) as error:
        raise PortClosed(str(error)) from None
    except OSError as error:  # host or network unreachable: an answer, not silence
        raise PortClosed(str(error)) from None


@lru_cache(maxsize=32)
def pinned_context(
    version: ssl.TLSVersion | None,
    *,
    verify: bool = False,
    ca_bundle: str | None = None,
    ca_data: str | None = None,
    ciphers: str = _ALL_CIPHERS,
) -> ssl.SSLContext:
    """A client context for probing: every cipher (security level 0) unless ``ciphers`` narrows
    the TLS ≤ 1.2 suites offered, optionally one version.

    With ``verify`` the context checks the chain against ``ca_bundle`` (or the system store),
    plus the PEM CA certificates ``ca_data`` (one asset's private CA) when given, but not the
    host name, which the scanner checks itself so both faults are reported apart.
    Contexts are cached (loading a trust store costs milliseconds) and shared between threads,
    which OpenSSL allows once they are configured.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED if verify else ssl.CERT_NONE
    context.set_ciphers(ciphers)
    if verify:
        if ca_bundle is not None:
            context.load_verify_locations(cafile=ca_bundle)
        else:
            context.load_default_certs()
        if ca_data is not None:
            context.load_verify_locations(cadata=ca_data)
    with _CONTEXT_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = version or ssl.TLSVersion.TLSv1
        context.maximum_version = version or ssl.TLSVersion.MAXIMUM_SUPPORTED
    return context


def tls_handshake(
    sock: socket.socket,
    context: ssl.SSLContext,
    server_name: str | None,
    deadline: float,
    limit: float,
) -> ssl.SSLSocket:
    """Wrap ``sock`` in TLS and complete the handshake before ``deadline``."""
    sock.settimeout(left(deadline, "TLS handshake"))
    try:
        return context.wrap_socket(sock, server_hostname=server_name)
    except TimeoutError:
        sock.close()
        raise ProbeTimedOut("TLS handshake", limit) from None
    except BaseException:
        sock.close()
        raise


def receive(
    sock: socket.socket,
    deadline: float,
    limit: float,
    *,
    stage: str,
    done: Callable[[bytes], bool],
    max_bytes: int = 65536,
) -> bytes:
    """Read until ``done(data)``, end of stream or ``max_bytes``, all before ``deadline``.

    A silent peer raises :class:`ProbeTimedOut`; a peer that closes returns what it sent.
    """
    data = b""
    while not done(data) and len(data) < max_bytes:
        sock.settimeout(max(left(deadline, stage), 0.001))
        try:
            chunk = sock.recv(min(4096, max_bytes - len(data)))
        except TimeoutError:
            raise ProbeTimedOut(stage, limit) from None
        except (ConnectionResetError, ssl.SSLError):
            break
        if not chunk:
            break
        data += chunk
    return data


def send_all(sock: socket.socket, payload: bytes, deadline: float, limit: float) -> None:
    sock.settimeout(max(left(deadline, "send"), 0.001))
    try:
        sock.sendall(payload)
    except TimeoutError:
        raise ProbeTimedOut("send", limit) from None


def source_towards(address: str) -> str:
    """The local address this host would use to reach ``address`` (no packet is sent)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((address, 9))
            return str(probe.getsockname()[0])
    except OSError:
        return "unknown"


def excerpt(raw: bytes, limit: int = 160) -> str:
    """A banner as printable text: non-printing bytes as ``\\xNN``, cut to ``limit`` chars."""
    text = "".join(chr(byte) if 0x20 <= byte < 0x7F else f"\\x{byte:02x}" for byte in raw[:limit])
    return text + ("…" if len(raw) > limit else "")
