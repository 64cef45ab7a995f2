"""Time and rate bounds: hung hosts end in timeouts reported as inconclusive, never as passes;
the deadline holds; concurrency and per-host pacing are respected."""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Iterator

import pytest

from liubu.assessment.scan import FindingStatus, ScanResult, ScanStatus, scan
from tests.integration.scan.servers import Listener, blackhole, close_blackhole, hold_open

SLACK = 1.0  # seconds allowed past the deadline for threads to notice and results to assemble


@pytest.fixture
def silent_ports() -> Iterator[dict[str, int]]:
    """A TLS port and a Redis port that accept and never answer, and a port dropping SYNs."""
    hung_tls, hung_redis = Listener(hold_open), Listener(hold_open)
    hole, fillers = blackhole()
    yield {"https": hung_tls.port, "redis": hung_redis.port, "rdp": hole.port}
    hung_tls.stop()
    hung_redis.stop()
    close_blackhole(hole, fillers)


def _scan_silent(ports: dict[str, int], *, deadline: float, per_probe_timeout: float) -> ScanResult:
    return scan(
        ["127.0.0.1"],
        verified={"127.0.0.1"},
        ports=list(ports.values()),
        services={port: role for role, port in ports.items()},
        allow_private=True,
        deadline=deadline,
        per_probe_timeout=per_probe_timeout,
    )[0]


def test_hung_hosts_end_within_the_deadline_as_inconclusive_timeouts(
    silent_ports: dict[str, int],
) -> None:
    began = time.monotonic()
    result = _scan_silent(silent_ports, deadline=4.0, per_probe_timeout=1.0)
    assert time.monotonic() - began <= 4.0 + SLACK
    assert result.status is ScanStatus.INCONCLUSIVE
    stages = {(t.port, t.stage) for t in result.timeouts}
    assert (silent_ports["https"], "TLS handshake") in stages
    assert (silent_ports["redis"], "banner") in stages
    assert (silent_ports["rdp"], "connect") in stages
    (timeout,) = [f for f in result.findings if f.code == "scan.timeout"]
    assert timeout.status is FindingStatus.INCONCLUSIVE
    assert "inconclusive" in timeout.evidence.observed
    # Silence is never read as a pass nor as a verdict: the silent "Redis" port is open but
    # unconfirmed, so it is reported as an unidentified open port, not as an exposed Redis.
    assert not [f for f in result.findings if f.code.startswith(("tls.", "http."))]
    assert [f.code for f in result.findings if f.evidence.port == silent_ports["redis"]] == [
        "service.unidentified"
    ]


def test_a_deadline_shorter_than_one_probe_still_ends_the_scan_on_time(
    silent_ports: dict[str, int],
) -> None:
    began = time.monotonic()
    result = _scan_silent(silent_ports, deadline=1.0, per_probe_timeout=30.0)
    assert time.monotonic() - began <= 1.0 + SLACK
    assert result.status is ScanStatus.INCONCLUSIVE
    assert {t.port for t in result.timeouts} == set(silent_ports.values())
    assert "scan.timeout" in result.codes()


def _most_overlapping(windows: list[tuple[float, float]]) -> int:
    events = sorted([(start, 1) for start, _ in windows] + [(end, -1) for _, end in windows])
    running, most = 0, 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


def test_no_more_connections_are_open_at_once_than_max_concurrency() -> None:
    # Each window runs from the server reading PING to it sending the reply: the scanner's
    # connection is certainly open throughout, and one worker's windows cannot overlap.
    windows: list[tuple[float, float]] = []

    def slow_pong(sock: socket.socket) -> None:
        sock.recv(64)
        start = time.monotonic()
        time.sleep(0.3)
        windows.append((start, time.monotonic()))
        sock.sendall(b"+PONG\r\n")

    listeners = [Listener(slow_pong) for _ in range(8)]
    try:
        result = scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[item.port for item in listeners],
            services={item.port: "redis" for item in listeners},
            allow_private=True,
            max_concurrency=3,
            host_interval=0.0,
            deadline=30.0,
        )[0]
    finally:
        for listener in listeners:
            listener.stop()
    assert len([f for f in result.findings if f.code == "service.redis_no_auth"]) == 8
    assert len(windows) == 8
    assert 2 <= _most_overlapping(windows) <= 3


def test_connections_to_one_host_start_at_least_the_host_interval_apart() -> None:
    listeners = [Listener(hold_open) for _ in range(4)]
    try:
        scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[item.port for item in listeners],
            services={item.port: "smb" for item in listeners},
            allow_private=True,
            host_interval=0.3,
            deadline=30.0,
        )
        waited = time.monotonic() + 2.0  # let the accept threads take the last connection
        while sum(len(item.accepted_at) for item in listeners) < 4 and time.monotonic() < waited:
            time.sleep(0.01)
    finally:
        for listener in listeners:
            listener.stop()
    accepted = sorted(t for listener in listeners for t in listener.accepted_at)
    assert len(accepted) == 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(accepted)]
    assert min(gaps) >= 0.3 - 0.1  # 0.1 s for accept-thread scheduling jitter


def test_progress_is_reported_up_to_the_total() -> None:
    listeners = [Listener(hold_open) for _ in range(3)]
    calls: list[tuple[int, int]] = []
    try:
        scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[item.port for item in listeners],
            services={item.port: "mssql" for item in listeners},
            allow_private=True,
            progress=lambda done, total: calls.append((done, total)),
        )
    finally:
        for listener in listeners:
            listener.stop()
    assert calls[-1] == (3, 3)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_a_silent_dns_server_makes_the_name_checks_inconclusive() -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # bound, never answers
    silent.bind(("127.0.0.1", 0))
    try:
        began = time.monotonic()
        (result,) = scan(
            ["quiet.test"],
            verified={"quiet.test"},
            ports=[443],
            dns_server=("127.0.0.1", silent.getsockname()[1]),
            deadline=3.0,
            per_probe_timeout=0.5,
        )
        elapsed = time.monotonic() - began
    finally:
        silent.close()
    assert elapsed <= 3.0 + SLACK
    assert result.addresses == ()
    assert result.status is ScanStatus.INCONCLUSIVE
    assert [t.probe for t in result.timeouts] == ["dns", "dns"]  # resolving, then the records
    assert [f.code for f in result.findings] == ["scan.timeout"]
