"""The outside-in scanner: 50 local targets scanned concurrently against one at a time.

Run: ``.venv/bin/python -m benchmarks.scan_bench`` (or ``python -m benchmarks scan``) from the
repository root. Each target is its own loopback address 127.0.0.N (so per-host pacing applies
per target, as on the internet) with three real servers on ephemeral ports: HTTPS (a certificate
from a throw-away CA, TLS 1.2+, all security headers), an RDP-like X.224 responder and a Redis
listener answering ``-NOAUTH``. Every target costs 9 connections (4 TLS version handshakes, the
certificate, the chain check, one HTTPS request, RDP, Redis) and, since the TLS grading, 11
(a ClientHello offering only legacy suites, one asking for OCSP stapling; a server offering TLS 1.3
needs no forward-secrecy or AEAD handshakes).

Two settings, each run sequentially (``max_concurrency=1``) and concurrently (the default 20):

- ``loopback``: no added latency and ``host_interval=0``: the scanner's own overhead;
- ``20 ms RTT``: each server waits 20 ms before answering (a nearby host on the internet), with
  the default pacing of 50 ms between connections to one host.

Both orders must find the same codes on every target; the script checks and prints them.
"""

from __future__ import annotations

import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.integration.scan import pki
from tests.integration.scan.servers import (
    Listener,
    Page,
    http_handler,
    rdp_handler,
    redis_handler,
    server_context,
    tls_handler,
)

from liubu.assessment.scan import ScanResult, Target, scan

TARGETS = 50
HEADERS = (
    ("Strict-Transport-Security", "max-age=31536000"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)
Handler = Callable[[socket.socket], None]


def delayed(handler: Handler, delay: list[float]) -> Handler:
    """``handler`` after ``delay[0]`` seconds (a list, so one run can change it for all)."""

    def handle(sock: socket.socket) -> None:
        time.sleep(delay[0])
        handler(sock)

    return handle


def start_servers(
    directory: Path, delay: list[float]
) -> tuple[list[Target], dict[int, str], list[Listener], Path]:
    hosts = [f"127.0.0.{n}" for n in range(2, 2 + TARGETS)]
    ca = pki.certificate_authority(directory)
    leaf = pki.issue(directory, ca, hosts)
    context = server_context(leaf.cert_file, leaf.key_file)
    page = http_handler({}, Page(headers=HEADERS))
    targets: list[Target] = []
    services: dict[int, str] = {}
    listeners: list[Listener] = []

    def unique(handler: Handler, host: str) -> Listener:
        # The port → service map is one for all targets, so a port number must not serve two
        # roles on two addresses (the protocol check would rightly find the wrong service).
        while True:
            listener = Listener(handler, host=host)
            if listener.port not in services:
                services[listener.port] = "pending"
                return listener
            listener.stop()

    for host in hosts:
        https = unique(delayed(tls_handler(context, page), delay), host)
        rdp = unique(delayed(rdp_handler, delay), host)
        redis = unique(delayed(redis_handler(b"-NOAUTH Authentication required.\r\n"), delay), host)
        listeners += [https, rdp, redis]
        services.update({https.port: "https", rdp.port: "rdp", redis.port: "redis"})
        targets.append(Target(host, ports=(https.port, rdp.port, redis.port)))
    return targets, services, listeners, ca.cert_file


def timed(
    targets: list[Target],
    services: dict[int, str],
    ca: Path,
    *,
    concurrency: int,
    host_interval: float,
) -> tuple[float, list[ScanResult]]:
    began = time.perf_counter()
    results = scan(
        targets,
        verified={t.host for t in targets},
        services=services,
        allow_private=True,
        ca_bundle=str(ca),
        max_concurrency=concurrency,
        host_interval=host_interval,
        deadline=300.0,
        per_probe_timeout=5.0,
    )
    return time.perf_counter() - began, results


def summary(results: list[ScanResult]) -> list[tuple[str, ...]]:
    return [tuple(sorted(f.code for f in r.findings)) for r in results]


def run(
    targets: list[Target],
    services: dict[int, str],
    ca: Path,
    *,
    label: str,
    host_interval: float,
    repeats: int,
) -> None:
    sequential, concurrent = [], []
    for _ in range(repeats):
        seconds, one_by_one = timed(
            targets, services, ca, concurrency=1, host_interval=host_interval
        )
        sequential.append(seconds)
        seconds, together = timed(
            targets, services, ca, concurrency=20, host_interval=host_interval
        )
        concurrent.append(seconds)
        if summary(one_by_one) != summary(together):
            raise SystemExit("the two orders found different findings")
    seq, con = statistics.median(sequential), statistics.median(concurrent)
    codes = sorted({code for codes in summary(together) for code in codes})
    print(
        f"{label:>10}: sequential {seq:7.3f} s   concurrent (20) {con:7.3f} s   "
        f"ratio {seq / con:5.1f}x   ({TARGETS} targets, median of {repeats}; findings "
        f"per target: {', '.join(codes)}; incomplete: "
        f"{sum(r.status != 'complete' for r in together)})"
    )
    print(
        f"{'':>10}  first (cold) pair: sequential {sequential[0]:7.3f} s   concurrent "
        f"{concurrent[0]:7.3f} s   ratio {sequential[0] / concurrent[0]:5.1f}x  (the two orders "
        f"alternate: sequential, concurrent, sequential, …)"
    )


def main() -> None:
    delay = [0.0]
    with tempfile.TemporaryDirectory() as directory:
        targets, services, listeners, ca = start_servers(Path(directory), delay)
        try:
            run(targets, services, ca, label="loopback", host_interval=0.0, repeats=3)
            delay[0] = 0.020
            run(targets, services, ca, label="20 ms RTT", host_interval=0.05, repeats=1)
        finally:
            for listener in listeners:
                listener.stop()


if __name__ == "__main__":
    main()
