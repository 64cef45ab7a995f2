"""Book simulations over HTTP: an actuary queues a run from the demo files, the in-process
worker runs it, the run shows its summary and its ORD zip holds the ORD files with their column
names; another insurer gets 404 on the run and its zip, an enterprise 403; years beyond the
bound and a catalogue naming an unknown dependency are refused (located) and queue nothing."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from importlib import resources
from typing import Any

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant

DATA = resources.files("liubu.portfolio").joinpath("data")
BOOK = DATA.joinpath("demo_book.csv").read_bytes()
CATALOGUE = DATA.joinpath("demo_catalogue.yaml").read_bytes()


def _files(catalogue: bytes = CATALOGUE) -> dict[str, Any]:
    return {
        "book": ("demo_book.csv", BOOK, "text/csv"),
        "catalogue": ("demo_catalogue.yaml", catalogue, "application/yaml"),
    }


def _wait(api: Api, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 300
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = api.client.get(url, headers=headers).json()
        if state.get("status") in ("succeeded", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"the run did not end: {state}")


def test_runs_over_http(api: Api, platform: Platform) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.ACTUARY, code="yangben-pc")
    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.ADMIN, code="other-pc")
    enterprise = make_tenant(platform, OrgKind.ENTERPRISE, "Acme", Role.ENTERPRISE_USER)
    mine = api.headers(actuary.username)

    too_many = api.client.post(
        "/api/portfolio/runs", headers=mine, data={"years": "1000001"}, files=_files()
    )
    assert too_many.status_code == 422
    assert "years" in too_many.text
    bad = CATALOGUE.decode().replace("target: aliyun-cn-hangzhou", "target: nowhere-cloud", 1)
    refused = api.client.post(
        "/api/portfolio/runs", headers=mine, data={"years": "2000"}, files=_files(bad.encode())
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "portfolio.unknown_dependency"
    assert "nowhere-cloud" in problem["detail"] or "nowhere-cloud" in refused.text
    store = api.client.post("/api/portfolio/runs", headers=mine, data={"years": "2000"})
    assert store.status_code == 422
    assert store.json()["code"] == "portfolio.empty_book"
    assert api.client.get("/api/portfolio/runs", headers=mine).json() == []

    started = api.client.post(
        "/api/portfolio/runs",
        headers=mine,
        data={"years": "2000", "seed": "7", "block_years": "1000"},
        files=_files(),
    )
    assert started.status_code == 202, started.text
    run = _wait(api, started.json()["status_url"], mine)
    assert run["status"] == "succeeded", run
    summary = run["summary"]
    assert (summary["years"], summary["policies"]) == (2000, 200)
    assert [p["return_period"] for p in summary["pml"]] == [100, 200, 250]
    assert run["progress"] == {"done": 2000, "total": 2000}

    archive = api.client.get(run["ord_url"], headers=mine)
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        names = set(zipped.namelist())
        assert names == {
            "il_S1_selt.csv",
            "il_S1_splt.csv",
            "il_S1_ept.csv",
            "il_S1_palt.csv",
            "gul_S1_palt.csv",
            "il_S2_summary-info.csv",
            "il_S2_palt.csv",
            "il_S2_ept.csv",
        }
        ept = list(csv.reader(io.TextIOWrapper(zipped.open("il_S1_ept.csv"), "utf-8")))
    assert ept[0] == ["SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss"]
    aep_200 = [r for r in ept[1:] if r[2] == "3" and float(r[3]) == 200]
    pml_200 = next(p["aep"] for p in summary["pml"] if p["return_period"] == 200)
    assert float(aep_200[0][4]) == round(pml_200, 6)  # the EPT is written to six decimals

    listed = api.client.get("/api/portfolio/runs", headers=mine).json()
    assert [r["id"] for r in listed] == [run["id"]]
    theirs = api.headers(other.username)
    assert api.client.get(f"/api/portfolio/runs/{run['id']}", headers=theirs).status_code == 404
    assert api.client.get(run["ord_url"], headers=theirs).status_code == 404
    assert api.client.get("/api/portfolio/runs", headers=theirs).json() == []
    outsider = api.headers(enterprise.username)
    assert api.client.get(f"/api/portfolio/runs/{run['id']}", headers=outsider).status_code == 403
    assert (
        api.client.post(
            "/api/portfolio/runs", headers=outsider, data={"years": "2000"}, files=_files()
        ).status_code
        == 403
    )
