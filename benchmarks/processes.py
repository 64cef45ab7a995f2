"""Timing whole processes: fresh interpreters, and a fresh ``liubu serve`` answering its first
request. Shared by the benchmarks that measure what a user waits for after a start.

``LIUBU_BENCH_BEFORE`` (optional) names another ``src`` directory (an older checkout): the
benchmarks then also run their child processes from it, alternating with the current code, so
a before/after pair meets the same load on a shared machine.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Where benchmarks keep the stores they build once (``LIUBU_BENCH_CACHE`` overrides it).
CACHE = Path(os.environ.get("LIUBU_BENCH_CACHE", "var/bench-cache"))


def sqlite_platform(db: Path, data_dir: Path, *, secret_key: str, data_key: str) -> Any:
    """A migrated platform on the SQLite file ``db`` (a benchmark's own keys: a cached store
    opens with the keys it was built with)."""
    from liubu.bootstrap import bootstrap
    from liubu.config import load_settings

    settings = load_settings(
        env="test",
        database_url=f"sqlite:///{db.as_posix()}",
        data_dir=data_dir,
        secret_key=secret_key,
        data_key=data_key,
    )
    return bootstrap(settings, upgrade_schema=True)


def cached_store(name: str, build: Callable[[Path, Path], str]) -> Path:
    """The benchmark store ``name`` in :data:`CACHE`, built when missing by ``build(db, scratch
    folder)``, which fills the SQLite file ``db`` and returns what it made (for the log)."""
    import tempfile

    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / name
    if cached.exists():
        print(f"store: cached {cached} ({cached.stat().st_size / 2**20:,.1f} MiB)", flush=True)
        return cached
    building = cached.with_suffix(".building")
    building.unlink(missing_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        made = build(building, Path(folder))
    building.rename(cached)
    print(f"store: built {cached} in {time.perf_counter() - started:.1f} s ({made})", flush=True)
    return cached


def insert_rows(connection: Any, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk-insert ``rows`` into ``table``, a thousand a statement."""
    import sqlalchemy as sa

    for start in range(0, len(rows), 1000):
        connection.execute(sa.insert(table), list(rows[start : start + 1000]))


def child_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **(extra or {})}


def variants(extra: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """``{"now": env}``, and ``"before": env`` running the older tree when one is named."""
    found = {"now": child_environment(extra)}
    before = os.environ.get("LIUBU_BENCH_BEFORE")
    if before:
        found["before"] = {**child_environment(extra), "PYTHONPATH": before}
    return found


def process_seconds(argv: Sequence[str], *, runs: int, env: dict[str, str]) -> list[float]:
    """Wall time of ``runs`` fresh processes running ``argv`` (output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)
        times.append(time.perf_counter() - start)
    return times


def describe(times: Sequence[float]) -> str:
    """``median (min–max) of n``, in milliseconds."""
    return (
        f"{statistics.median(times) * 1000:7.0f} ms (min {min(times) * 1000:.0f}, "
        f"max {max(times) * 1000:.0f}, n={len(times)})"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, server: subprocess.Popen[bytes], *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"liubu serve exited with {server.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.01)
    raise RuntimeError("liubu serve did not listen in time")


@contextmanager
def fresh_server(env: dict[str, str], args: Sequence[str] = ()) -> Iterator[tuple[str, float]]:
    """A new ``liubu serve`` process (with ``args``, e.g. ``--workers 2``); yields its base URL
    and the seconds until it listened (uvicorn listens once the app's start-up, with its
    warm-up, has finished; with workers, once the first one has)."""
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "liubu",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *args,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, server, timeout=300)
        yield f"http://127.0.0.1:{port}", time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=60)


def first_request_seconds(
    envs: dict[str, dict[str, str]], request: Callable[[str], None], *, runs: int
) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """For ``runs`` fresh servers of each variant, in turn: seconds to listen, the first
    ``request`` and the second."""
    found: dict[str, tuple[list[float], list[float], list[float]]] = {
        name: ([], [], []) for name in envs
    }
    for _ in range(runs):
        for name, env in envs.items():
            ready, first, second = found[name]
            with fresh_server(env) as (base, listened):
                ready.append(listened)
                start = time.perf_counter()
                request(base)
                first.append(time.perf_counter() - start)
                start = time.perf_counter()
                request(base)
                second.append(time.perf_counter() - start)
    return found
