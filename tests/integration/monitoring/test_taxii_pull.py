"""A real TAXII 2.1 server on loopback (medallion, memory backend) holding a real STIX bundle in
one collection, more objects than one page and several sharing one ``date_added``: pulled page
by page, not one object is lost or read twice; a pull stopped after its first page and resumed
from its cursor gives the same set; the cursor comes from ``X-TAXII-Date-Added-Last``, never
from an object's ``modified`` time."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from taxii2client.v21 import Collection

from liubu.monitoring import (
    MonitoringCode,
    Observation,
    ReadCounts,
    Rejected,
    TaxiiCursor,
    TaxiiPage,
    pull_collection,
    read_events,
)

SHARED = Path(os.environ.get("LIUBU_SHARED_DATA", Path(__file__).parents[4] / "shared" / "data"))
BUNDLE = SHARED / "stix21_oasis" / "examples" / "threat-reports" / "poisonivy.json"
COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
USER, PASSWORD = "analyst", "taxii-test-secret"
PAGE = 20
GROUP = 7  # objects added in one instant: 7 does not divide 20, so groups straddle pages
ADDED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SERVER = """
import sys
from werkzeug.serving import make_server
from medallion import load_app
app = load_app(sys.argv[1])
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def _date_added(index: int) -> str:
    instant = ADDED + timedelta(seconds=index // GROUP)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _version(item: dict[str, object]) -> str:
    return str(item.get("modified") or item["created"])


# One object the server holds that does not validate (its pattern lacks its closing bracket).
BROKEN = {
    "type": "indicator",
    "spec_version": "2.1",
    "id": "indicator--0b1e5c5e-8a7d-4f0c-9d55-6a1f2b3c4d5e",
    "created": "2015-05-15T09:12:16.432Z",
    "modified": "2015-05-15T09:12:16.432Z",
    "pattern": "[ipv4-addr:value = '192.0.2.1'",
    "pattern_type": "stix",
    "valid_from": "2015-05-15T09:12:16.432Z",
}


@pytest.fixture(scope="module")
def objects() -> list[dict[str, object]]:
    if not BUNDLE.is_file():
        pytest.fail(f"the real STIX bundle is required: not found at {BUNDLE}")
    return [*json.loads(BUNDLE.read_text(encoding="utf-8"))["objects"], BROKEN]


@pytest.fixture(scope="module")
def api_root(
    objects: list[dict[str, object]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("taxii")
    manifest = [
        {
            "id": item["id"],
            "date_added": _date_added(index),
            "version": _version(item),
            "media_type": "application/stix+json;version=2.1",
        }
        for index, item in enumerate(objects)
    ]
    data = {
        "/discovery": {"title": "liubu test TAXII server", "api_roots": ["/api1/"]},
        "api1": {
            "information": {
                "title": "api1",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 10_000_000,
            },
            "status": [],
            "collections": [
                {
                    "id": COLLECTION,
                    "title": "poisonivy",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": objects,
                    "manifest": manifest,
                }
            ],
        },
    }
    (folder / "data.json").write_text(json.dumps(data), encoding="utf-8")
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(folder / "data.json"),
        },
        "users": {USER: PASSWORD},
        "taxii": {"max_page_size": 100},
    }
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(folder / "config.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}/api1/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()


def _pull(api_root: str, cursor: TaxiiCursor | None = None) -> Iterator[TaxiiPage]:
    return pull_collection(api_root, COLLECTION, cursor, PAGE, user=USER, password=PASSWORD)


def _observations(pages: list[TaxiiPage]) -> list[Observation]:
    return [item for page in pages for item in page.items if isinstance(item, Observation)]


def test_a_pull_reads_every_object_once_page_by_page(
    api_root: str, objects: list[dict[str, object]]
) -> None:
    counts = ReadCounts()
    pages = list(
        pull_collection(
            api_root, COLLECTION, None, PAGE, user=USER, password=PASSWORD, counts=counts
        )
    )
    read = [ident for page in pages for ident in page.object_ids]
    assert len(pages) == math.ceil(len(objects) / PAGE) > 1
    assert Counter(read) == Counter(str(item["id"]) for item in objects)  # none lost, none twice
    assert counts.records == len(objects)
    refused = [item for page in pages for item in page.items if isinstance(item, Rejected)]
    assert [(r.line, r.code) for r in refused] == [(len(objects), MonitoringCode.STIX_INVALID)]
    assert str(BROKEN["id"]) in refused[0].reason
    # The indicators give what the same bundle read from its file gives (value and rule).
    from_file = {
        (o.kind, o.value, o.rule) for o in read_events(BUNDLE) if isinstance(o, Observation)
    }
    assert {(o.kind, o.value, o.rule) for o in _observations(pages)} == from_file
    # The cursor is the last object's date_added as the server said it, and the pull finished.
    assert pages[-1].cursor == TaxiiCursor(_date_added(len(objects) - 1), finished=True)
    assert all(not page.cursor.finished for page in pages[:-1])


def test_a_pull_stopped_after_its_first_page_resumes_from_its_cursor_without_loss(
    api_root: str, objects: list[dict[str, object]]
) -> None:
    whole = list(_pull(api_root))
    first = next(iter(_pull(api_root)))  # a pull that stops (is killed) after page 1 is stored
    assert first.cursor.date_added_last == _date_added(PAGE - 1)
    assert _date_added(PAGE - 1) == _date_added(PAGE)  # the page ends inside a group of one instant
    rest = list(_pull(api_root, first.cursor))
    read = list(first.object_ids) + [ident for page in rest for ident in page.object_ids]
    assert set(read) == {str(item["id"]) for item in objects}
    # What is read twice is exactly the first page's objects of the instant it ended in.
    boundary = {str(objects[i]["id"]) for i in range(PAGE) if _date_added(i) == _date_added(PAGE)}
    assert {ident for ident, n in Counter(read).items() if n > 1} == boundary
    # Their fingerprints are the ones already seen: ingesting both pulls stores the same set.
    resumed = _observations([first, *rest])
    assert {o.fingerprint for o in resumed} == {o.fingerprint for o in _observations(whole)}


def test_the_next_pull_asks_for_what_was_added_after_the_last_one_not_modified_after(
    api_root: str, objects: list[dict[str, object]]
) -> None:
    done = list(_pull(api_root))[-1].cursor
    # Every object was modified long before it was added: a pull keyed on `modified` would
    # read them all again.
    assert max(_version(item) for item in objects) < done.date_added_last
    assert [page.object_ids for page in _pull(api_root, done)] == [()]
    indicator = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--5e1c3b7b-5a62-4b4f-9f57-1f0a6f0f8a01",
        "created": "2015-01-01T00:00:00.000Z",
        "modified": "2015-01-01T00:00:00.000Z",
        "pattern": "[ipv4-addr:value = '198.51.100.77']",
        "pattern_type": "stix",
        "valid_from": "2015-01-01T00:00:00Z",
    }
    with Collection(
        f"{api_root}collections/{COLLECTION}/", user=USER, password=PASSWORD
    ) as collection:
        collection.add_objects(
            {
                "type": "bundle",
                "id": "bundle--5e1c3b7b-5a62-4b4f-9f57-1f0a6f0f8a02",
                "objects": [indicator],
            }
        )
    pages = list(_pull(api_root, done))
    assert [page.object_ids for page in pages] == [(indicator["id"],)]
    assert [(o.value, o.rule) for o in _observations(pages)] == [
        ("198.51.100.77", f"stix:{indicator['id']}")
    ]
    assert pages[-1].cursor.date_added_last > done.date_added_last
