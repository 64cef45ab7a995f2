"""``liubu monitor feeds`` as an administrator runs it on the demo: a feed of the real Feodo
blocklist served on loopback with ETag and Last-Modified is added (and scheduled), listed,
pulled (its rows read) and pulled again (not modified: nothing read)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO
from tests.integration.monitoring.test_feed_pulls import _Files
from tests.unit.monitoring.realdata import require_shared

pytestmark = CLI_DEMO


@pytest.fixture
def files_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_feed_is_added_listed_and_pulled_from_its_cursor(cli_demo: Path, files_url: str) -> None:
    require_shared()
    url = files_url + "/feodo.csv"
    added = run_cli("monitor", "feeds", "add", "feodo", "--url", url, "--every-hours", "1",
                    data_dir=cli_demo)  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "feed feodo (http) added; first pull due" in added.stdout
    first = json.loads(
        run_cli("monitor", "feeds", "pull", "feodo", "--json", data_dir=cli_demo, check=True).stdout
    )
    assert first["read"] > 0
    assert first["not_modified"] is False
    again = json.loads(
        run_cli("monitor", "feeds", "pull", "feodo", "--json", data_dir=cli_demo, check=True).stdout
    )
    assert (again["read"], again["not_modified"]) == (0, True)
    (listed,) = json.loads(
        run_cli("monitor", "feeds", "list", "--json", data_dir=cli_demo, check=True).stdout
    )
    assert (listed["name"], listed["kind"], listed["format"], listed["url"]) == (
        "feodo", "http", "auto", url,
    )  # fmt: skip
    assert listed["cursor"]["etag"]
    assert listed["last_result"]["not_modified"] is True
    duplicate = run_cli("monitor", "feeds", "add", "feodo", "--url", url, data_dir=cli_demo)
    assert duplicate.returncode != 0
    assert "exists" in duplicate.stderr
