"""``liubu serve --workers 2``: each worker process builds its platform from the environment,
and a token issued by one is accepted by the other (the same settings and secrets)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx2 as httpx
import pytest

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.integration.helpers import PASSWORD, make_tenant
from tests.integration.test_mass_import import _env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_two_server_processes_answer_the_same_signed_in_client(
    sqlite_platform: Platform,
) -> None:
    """On SQLite only: the worker path does not depend on the database (and each start of two
    warming processes is slow on a shared machine)."""
    platform = sqlite_platform
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, "Workers", Role.ENTERPRISE_USER)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "liubu", "serve", "--port", str(port), "--workers", "2"],
        env=_env(platform),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "liubu serve --workers 2 did not answer"
            time.sleep(0.2)
        token = httpx.post(
            base + "/api/auth/token",
            data={"username": tenant.username, "password": PASSWORD},
            timeout=60,
        ).json()["access_token"]
        # Fresh connections, so the kernel hands them to either worker.
        for _ in range(12):
            reply = httpx.get(
                base + "/api/enterprises", headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            assert reply.status_code == 200, reply.text
            assert reply.json() == []
    finally:
        server.terminate()
        server.wait(timeout=60)
        if server.stderr:
            server.stderr.close()
