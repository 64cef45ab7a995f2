"""End-to-end fixtures: the real app over a real database, driven through HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from liubu.app import create_app
from liubu.bootstrap import Platform
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.e2e.cli import run_cli
from tests.integration.helpers import PASSWORD


class Api:
    """A test client with sign-in helpers."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def token(self, username: str, password: str = PASSWORD) -> str:
        response = self.client.post(
            "/api/auth/token", data={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}


@pytest.fixture
def api(platform: Platform) -> Iterator[Api]:
    with TestClient(create_app(platform=platform)) as client:
        yield Api(client)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium through Playwright, one per test module (browser tests only)."""
    require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# The CLI journeys start from `liubu demo` in a data directory of their own. The demo is made once
# per session (per xdist worker; the group "cli-demo" keeps them on one) and each test gets a
# copy; `tests/e2e/test_cli.py` still runs `liubu demo` itself, as it tests that.
CLI_DEMO = pytest.mark.xdist_group("cli-demo")


@pytest.fixture(scope="session")
def cli_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli-demo")
    run_cli("demo", data_dir=folder, check=True)
    return folder


@pytest.fixture
def cli_demo(cli_demo_template: Path, tmp_path: Path) -> Path:
    """``tmp_path`` as a data directory with the demo loaded (a copy of the session's)."""
    shutil.copytree(cli_demo_template, tmp_path, dirs_exist_ok=True)
    return tmp_path
