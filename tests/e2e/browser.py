"""A real server on 127.0.0.1 and Debian's Chromium driven by Playwright, for browser tests."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from liubu.app import create_app
from liubu.bootstrap import Platform

CHROMIUM = os.environ.get("LIUBU_CHROMIUM", "/usr/bin/chromium")
ON_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(platform: Platform) -> Iterator[str]:
    """Serve the app with uvicorn in a thread; yield its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(platform=platform),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    # The lifespan (off: the caller disposes the platform) would start the job worker; as in
    # `liubu serve`, jobs (scans) run in this process.
    if platform.settings.inprocess_worker:
        platform.start_worker()
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        platform.stop_worker()


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (make test installs it with apt-get)"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def demo_server(folder: Path) -> Iterator[tuple[Platform, str]]:
    """A migrated SQLite platform with the demo tenants and catalogue, served on 127.0.0.1."""
    from liubu.bootstrap import bootstrap
    from liubu.demo import load_demo
    from tests.conftest import test_settings

    url = f"sqlite:///{(folder / 'liubu.db').as_posix()}"
    platform = bootstrap(test_settings(url, folder), upgrade_schema=True)
    load_demo(platform)
    with running_server(platform) as base:
        yield platform, base
    platform.dispose()


@contextmanager
def demo_site(folder: Path) -> Iterator[tuple[Platform, str]]:
    """The demo server, for tests that drive it with Chromium."""
    require_chromium()
    with demo_server(folder) as running:
        yield running
