"""Feeds pulled as jobs, against real servers on loopback:

* an HTTP server serving the real KEV catalogue, EPSS excerpt and Feodo blocklist with ETag and
  Last-Modified: the first pull records them (the insured's address in the Feodo list and its
  Apache in KEV each raise one alert), the next sends the stored validators and reads nothing
  (304), and the job the schedule queues runs the pull;
* medallion holding a real STIX bundle over several pages: the server stops after page 2 (the
  pull fails), is started again, and the pull resumes from the cursor stored with page 2 —
  every observation stored exactly once, none lost.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu import jobs, monitoring
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from liubu.errors import ValidationError
from liubu.monitoring import FEED_PULL, Observation, observation_key, pull_collection
from liubu.store import tables
from tests.integration.helpers import make_tenant
from tests.integration.monitoring.test_taxii_pull import (
    BROKEN,
    BUNDLE,
    COLLECTION,
    PASSWORD,
    USER,
    _date_added,
    _version,
)
from tests.integration.monitoring_world import build_world
from tests.unit.monitoring.realdata import SHARED, require_shared

FILES = {
    "/kev.json": SHARED / "cisa_kev" / "known_exploited_vulnerabilities.json",
    "/epss.csv": SHARED / "epss" / "lodestone_epss_scores-current_HEAD_excerpt.csv",
    "/feodo.csv": SHARED / "abusech_feodo" / "ipblocklist_2024-04-04.csv",
}
PAGE = 20


class _Files(http.server.BaseHTTPRequestHandler):
    """The real files with a strong ETag and Last-Modified, honouring both conditions."""

    seen: list[tuple[str, str | None, str | None, int]] = []  # noqa: RUF012 - one per server

    def do_GET(self) -> None:
        path = FILES.get(self.path)
        if path is None:
            self.send_error(404)
            return
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        match, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        fresh = match == etag if match is not None else since == modified
        self.seen.append((self.path, match, since, 304 if fresh else 200))
        if fresh:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def files_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    _Files.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_http_feeds_are_pulled_with_conditional_gets_by_their_scheduled_job(
    platform: Platform, files_url: str
) -> None:
    require_shared()
    build_world(platform, start=shanghai_today() - timedelta(days=30))
    for name, path in (("feodo", "/feodo.csv"), ("kev", "/kev.json"), ("epss", "/epss.csv")):
        monitoring.add_feed(platform.uow(SYSTEM), name, url=files_url + path)
    first = {n: monitoring.pull_feed(platform.uow(SYSTEM), n) for n in ("feodo", "kev", "epss")}
    assert first["feodo"].alerted == 1  # the insured's address is in the real blocklist
    assert first["kev"].alerted == 1  # its Apache HTTP Server 2.4.49 has a KEV listing
    assert all(r.read > 0 and not r.not_modified for r in first.values())
    (feodo,) = [f for f in monitoring.list_feeds(platform.uow(SYSTEM)) if f.name == "feodo"]
    etag, modified = feodo.cursor["etag"], feodo.cursor["last_modified"]
    assert etag.startswith('"')
    assert modified.endswith("GMT")

    again = monitoring.pull_feed(platform.uow(SYSTEM), "feodo")
    assert again.not_modified
    assert again.read == 0
    assert _Files.seen[-1] == (
        "/feodo.csv",
        feodo.cursor["etag"],
        feodo.cursor["last_modified"],
        304,
    )

    # The same pull as the schedule's job (the platform organisation's), run by a worker.
    make_tenant(platform, OrgKind.PLATFORM, "Operator", Role.ADMIN)
    platform.schedule_feed(feodo)
    worker = jobs.Worker(platform.uow, {FEED_PULL: platform.job_handlers()[FEED_PULL]})
    assert worker.run(threading.Event(), until_idle=True) == 1
    job = jobs.job_for(platform.uow(SYSTEM), FEED_PULL, "feodo")
    assert job is not None
    assert job.state == jobs.JobState.SUCCEEDED
    assert json.loads(job.result or "{}")["not_modified"] is True
    assert len(monitoring.list_alerts(platform.uow(SYSTEM))) == 2


SERVER = """
import sys
from werkzeug.serving import make_server
from medallion import load_app
server = make_server("127.0.0.1", int(sys.argv[2]), load_app(sys.argv[1]), threaded=True)
print("ready", flush=True)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Medallion:
    """medallion on a fixed port, so that it can be stopped and started again at one URL."""

    def __init__(self, folder: Path) -> None:
        self.config, self.port = folder / "config.json", _free_port()
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(self.config), str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None


@pytest.fixture
def medallion(tmp_path: Path) -> Iterator[_Medallion]:
    objects = [*json.loads(BUNDLE.read_text(encoding="utf-8"))["objects"], BROKEN]
    manifest = [
        {
            "id": item["id"],
            "date_added": _date_added(index),
            "version": _version(item),
            "media_type": "application/stix+json;version=2.1",
        }
        for index, item in enumerate(objects)
    ]
    collection = {
        "id": COLLECTION,
        "title": "poisonivy",
        "can_read": True,
        "can_write": False,
        "media_types": ["application/stix+json;version=2.1"],
        "objects": objects,
        "manifest": manifest,
    }
    root = {"information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"],
                            "max_content_length": 10_000_000},
            "status": [], "collections": [collection]}  # fmt: skip
    data = {"/discovery": {"title": "liubu", "api_roots": ["/api1/"]}, "api1": root}
    (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
    backend = {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
               "filename": str(tmp_path / "data.json")}  # fmt: skip
    config = {"backend": backend, "users": {USER: PASSWORD}, "taxii": {"max_page_size": 100}}
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    server = _Medallion(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _stored_keys(platform: Platform) -> set[str]:
    with platform.engine.connect() as connection:
        return set(connection.execute(sa.select(tables.observation_fingerprints.c.key)).scalars())


def test_a_taxii_pull_that_fails_after_page_2_resumes_without_loss_or_duplicates(
    platform: Platform, medallion: _Medallion
) -> None:
    url = f"http://127.0.0.1:{medallion.port}/api1/"
    whole = [
        item
        for page in pull_collection(url, COLLECTION, None, PAGE, user=USER, password=PASSWORD)
        for item in page.items
        if isinstance(item, Observation)
    ]
    expected = {observation_key(o) for o in whole}
    assert len(whole) > 2 * PAGE // 4  # the bundle's indicators spread over the pages
    monitoring.add_feed(
        platform.uow(SYSTEM), "poisonivy", url=url, collection=COLLECTION, user=USER
    )

    def stop_after_page_2(number: int) -> None:
        if number == 2:
            medallion.stop()

    with pytest.raises(ValidationError) as failed:
        monitoring.pull_feed(
            platform.uow(SYSTEM),
            "poisonivy",
            password=PASSWORD,
            page_size=PAGE,
            after_page=stop_after_page_2,
        )
    assert failed.value.code == monitoring.MonitoringCode.TAXII_FAILED
    (feed,) = monitoring.list_feeds(platform.uow(SYSTEM))
    assert feed.cursor == {"date_added_last": _date_added(2 * PAGE - 1), "finished": False}
    partial = _stored_keys(platform)
    assert partial  # pages 1 and 2 were recorded with their cursor…
    assert partial < expected  # …and the rest was not

    medallion.start()
    resumed = monitoring.pull_feed(
        platform.uow(SYSTEM), "poisonivy", password=PASSWORD, page_size=PAGE
    )
    assert _stored_keys(platform) == expected  # none lost
    # Each observation counted fresh once over both pulls: the re-read boundary are duplicates.
    assert resumed.read - resumed.duplicates == len(expected - partial)
    assert resumed.rejected == 1  # the one object that does not validate, named
    (feed,) = monitoring.list_feeds(platform.uow(SYSTEM))
    assert feed.cursor["finished"] is True
    # Pulled again: nothing new was added, nothing is read again.
    assert monitoring.pull_feed(platform.uow(SYSTEM), "poisonivy", password=PASSWORD).read == 0
