"""The anti-fraud claims API: a claims adjuster files one claim (worksheet in Chinese), cannot
file it twice, finds no policy for a stranger; another insurer, an underwriter and a regulator
are kept out; a bulk file runs as a job, with its error file; bad bodies are refused."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from typing import Any

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.personal_claims_book import (
    CLAIMS_HEADER,
    PEOPLE,
    STRANGER,
    issue_book,
    receipt,
)

A, B, C = (PEOPLE[k][1] for k in "ABC")


def _body(number: str, person: str, loss: str = "8000", month: str = "2026-03") -> dict[str, Any]:
    return {
        "receipt_number": number,
        "resident_id": person,
        "loss_amount": loss,
        "loss_date": f"{month}-01",
        "police_report_date": f"{month}-01",
        "notified_on": f"{month}-02",
    }


def _wait(api: Api, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = api.client.get(url, headers=headers).json()
        if state.get("status") != "running":
            return state
        time.sleep(0.1)
    raise AssertionError(f"the import did not finish: {state}")


def test_claims_over_http(api: Api, platform: Platform, tmp_path: Path) -> None:
    adjuster = make_tenant(
        platform, OrgKind.INSURER, "Yangben", Role.CLAIMS_ADJUSTER, code="yangben-pc"
    )
    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.CLAIMS_ADJUSTER, code="other-pc")
    regulator = make_tenant(platform, OrgKind.REGULATOR, "Regulator", Role.REGULATOR_VIEWER)
    issue_book(platform, tmp_path)
    mine = api.headers(adjuster.username)

    filed = api.client.post(
        "/api/personal-claims?lang=zh", json=_body(receipt("2026-03", 1), A), headers=mine
    )
    assert filed.status_code == 201, filed.text
    claim = filed.json()
    assert (claim["decision"], claim["payable"]) == ("accepted", "3500.00")  # (8000−3000)×0.7
    assert claim["resident_id"].startswith("110")
    assert "*" in claim["resident_id"]
    assert A not in filed.text
    assert {"step": "payable", "title": "应付赔款", "value": "3500.00"} in claim["worksheet"]

    twice = api.client.post(
        "/api/personal-claims", json=_body(receipt("2026-03", 1), A), headers=mine
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "claims.antifraud.already_claimed"
    stranger = api.client.post(
        "/api/personal-claims", json=_body(receipt("2026-03", 2), STRANGER), headers=mine
    )
    assert stranger.status_code == 404
    assert stranger.json()["code"] == "claims.antifraud.no_policy"
    waiting = api.client.post(
        "/api/personal-claims", json=_body(receipt("2026-01", 3), B, month="2026-01"), headers=mine
    )
    assert waiting.status_code == 201
    assert [r["code"] for r in waiting.json()["reasons"]] == ["claims.antifraud.waiting_period"]
    bad = api.client.post(
        "/api/personal-claims", json=_body("A1", A) | {"loss_amount": "-1"}, headers=mine
    )
    assert bad.status_code == 422

    for outsider in (other, regulator):
        headers = api.headers(outsider.username)
        assert api.client.get(
            f"/api/personal-claims/{claim['id']}", headers=headers
        ).status_code in (
            403,
            404,
        )
        listed = api.client.get("/api/personal-claims", headers=headers)
        assert listed.status_code == 403 or listed.json() == []
    assert (
        api.client.get(f"/api/personal-claims/{claim['id']}", headers=mine).json()["payable"]
        == "3500.00"
    )

    content = (
        CLAIMS_HEADER
        + f"{receipt('2026-04', 10)},{C},13000,2026-04-01,2026-04-01,2026-04-02,0,\n"
        + f"{receipt('2026-04', 11)},{STRANGER},5000,2026-04-01,2026-04-01,2026-04-02,0,\n"
        + f"A12,{C},5000,2026-04-01,2026-04-01,2026-04-02,0,\n"
    ).encode()
    refused = api.client.post(
        "/api/personal-claims/imports",
        headers=api.headers(other.username),
        files={"file": ("claims.csv", b"receipt_number\n", "text/csv")},
    )
    assert refused.status_code == 422  # header checked before anything is queued
    started = api.client.post(
        "/api/personal-claims/imports", headers=mine, files={"file": ("c.csv", content, "text/csv")}
    )
    assert started.status_code == 202, started.text
    state = _wait(api, started.json()["status_url"], mine)
    assert state["status"] == "finished", state
    assert state["summary"]["stored"] == 1
    assert state["summary"]["payable"] == "7000.00"  # (13000 − 3000) × 0.7, within ¥10,000
    errors = api.client.get(started.json()["status_url"] + "/errors.csv", headers=mine)
    rows = list(csv.DictReader(io.StringIO(errors.content.decode("utf-8-sig"))))
    assert [(r["line"], r["code"]) for r in rows] == [
        ("3", "claims.antifraud.no_policy"),
        ("4", "claims.antifraud.receipt_number"),
    ]
    assert STRANGER not in errors.text
    foreign = api.client.get(started.json()["status_url"], headers=api.headers(other.username))
    assert foreign.status_code == 404
