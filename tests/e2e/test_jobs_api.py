"""A deployment with separate workers (``LIUBU_INPROCESS_WORKER=false``): the web process only
queues. An uploaded import waits, shown as queued, until a worker runs it; then its status shows
the worker's progress and summary, read from the job."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liubu.accounts.model import OrgKind, Role
from liubu.app import create_app
from liubu.bootstrap import Platform, bootstrap
from liubu.demo import load_reference_products
from liubu.massissue import write_synthetic_csv
from liubu.store import tables
from tests.conftest import test_settings
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant


@pytest.fixture
def queue_only(database_url: str, tmp_path: Path) -> Iterator[Platform]:
    settings = test_settings(database_url, tmp_path, inprocess_worker=False)
    built = bootstrap(settings, upgrade_schema=True)
    yield built
    built.dispose()


def _issued(platform: Platform) -> int:
    with platform.engine.connect() as connection:
        stmt = sa.select(sa.func.count()).select_from(tables.personal_policies)
        return int(connection.execute(stmt).scalar_one())


def test_without_an_in_process_worker_an_import_waits_for_a_worker_and_shows_its_result(
    queue_only: Platform, tmp_path: Path
) -> None:
    insurer = make_tenant(
        queue_only, OrgKind.INSURER, "Yangben", Role.UNDERWRITER, code="yangben-pc"
    )
    load_reference_products(queue_only)
    path = tmp_path / "people.csv"
    counts = write_synthetic_csv(path, 500, seed=3, bad_fraction=0.02)
    with TestClient(create_app(platform=queue_only)) as client:
        api = Api(client)
        headers = api.headers(insurer.username)
        started = client.post(
            "/api/personal-policies/imports",
            headers=headers,
            data={"product": "yangben-pc/anti-fraud@1", "inception": "2026-12-01"},
            files={"file": ("people.csv", path.read_bytes(), "text/csv")},
        )
        assert started.status_code == 202, started.text
        status_url = started.json()["status_url"]
        waiting = client.get(status_url, headers=headers).json()
        assert (waiting["status"], waiting["job_state"], waiting["attempts"]) == (
            "running",
            "queued",
            0,
        )
        assert _issued(queue_only) == 0  # nobody runs jobs in this web process

        ended = queue_only.worker().run_once()  # what a `liubu worker` process does
        assert ended is not None
        assert ended.subject == started.json()["id"]

        done = client.get(status_url, headers=headers).json()
    assert (done["status"], done["job_state"], done["attempts"]) == ("finished", "succeeded", 1)
    assert done["lines_done"] == done["lines_total"] == 500
    assert done["summary"]["issued"] == done["summary"]["accepted"] == counts["good"]
    assert _issued(queue_only) == counts["good"]
    assert done["batches"][0]["finished"] is True
