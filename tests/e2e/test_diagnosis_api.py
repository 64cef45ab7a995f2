"""保前诊断 and 保前治疗 through the API: a real scan of local servers, versioned answers, the
score, the treatment plan, the bilingual PDF report and tasks for a security provider."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from liubu.accounts.model import OrgKind, Role
from liubu.assessment.service import ScanPolicy
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from liubu.demo import load_reference_products
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant
from tests.integration.scan.servers import Listener, Page, http_handler, rdp_handler

WELL_KNOWN = "/.well-known/liubu-verification.txt"


@pytest.fixture
def servers() -> Iterator[tuple[Listener, Listener, dict[str, Page]]]:
    pages: dict[str, Page] = {}
    web = Listener(http_handler(pages, Page(headers=(("Server", "Apache/2.4.49"),))))
    rdp = Listener(rdp_handler)
    yield web, rdp, pages
    web.stop()
    rdp.stop()


def _enterprise(api: Api, headers: dict[str, str]) -> str:
    body = {
        "name": "诊断测试企业",
        "uscc": str(uscc_with_check("91320500MA0000042")),
        "industry_section": "C",
        "industry_division": "39",
        "region_code": "320500",
        "annual_revenue": "30000000",
        "employees": 80,
        "mlps_level": 2,
    }
    response = api.client.post("/api/enterprises", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _scanned(
    api: Api,
    platform: Platform,
    servers: tuple[Listener, Listener, dict[str, Page]],
    headers: dict[str, str],
) -> str:
    web, rdp, pages = servers
    platform.scan_policy_override = ScanPolicy(
        allow_private=True,
        verify_web_ports=(("http", web.port),),
        ports=(web.port, rdp.port),
        services={web.port: "http", rdp.port: "rdp"},
        deadline=20.0,
        per_probe_timeout=2.0,
    )
    enterprise_id = _enterprise(api, headers)
    declared = api.client.post(
        f"/api/enterprises/{enterprise_id}/assets", json={"name": "127.0.0.1"}, headers=headers
    ).json()
    asset = declared["asset"]
    assert asset["token"] in declared["instructions"]["well_known_file"]
    pages[WELL_KNOWN] = Page(body=asset["token"].encode())
    verified = api.client.post(f"/api/assets/{asset['id']}/verify", headers=headers)
    assert verified.status_code == 200, verified.text
    started = api.client.post(f"/api/enterprises/{enterprise_id}/scans", headers=headers)
    assert started.status_code == 202
    scan_id = started.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = api.client.get(f"/api/scans/{scan_id}", headers=headers).json()
        if status["status"] in ("finished", "failed"):
            break
        time.sleep(0.2)
    assert status["status"] == "finished", status
    return enterprise_id


def test_a_scan_answers_score_and_plan_through_the_api(
    api: Api, platform: Platform, servers: tuple[Listener, Listener, dict[str, Page]]
) -> None:
    make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    headers = api.headers("factory-enterprise_user")
    enterprise_id = _scanned(api, platform, servers, headers)
    findings = api.client.get(f"/api/enterprises/{enterprise_id}/findings", headers=headers).json()
    assert {"service.rdp_exposed", "http.missing_csp"} <= {f["code"] for f in findings}

    before = api.client.get(f"/api/enterprises/{enterprise_id}/assessment", headers=headers).json()
    assert before["score"]["grade"] in "DE"  # exposed RDP caps the grade at D
    caps = {cap["trigger"]: cap["max_grade"] for cap in before["score"]["caps"]}
    assert caps.get("service.rdp_exposed") == "D"

    first = api.client.post(
        f"/api/enterprises/{enterprise_id}/answers",
        headers=headers,
        json={"answers": {"mfa.email": "no"}},
    )
    assert first.status_code == 201, first.text
    second = api.client.post(
        f"/api/enterprises/{enterprise_id}/answers",
        headers=headers,
        json={"answers": {"mfa.email": "yes"}},
    )
    assert second.json()["number"] == 2
    history = api.client.get(f"/api/enterprises/{enterprise_id}/answers", headers=headers).json()
    assert [h["answers"]["mfa.email"]["value"] for h in history] == ["no", "yes"]
    bad = api.client.post(
        f"/api/enterprises/{enterprise_id}/answers",
        headers=headers,
        json={"answers": {"no.such.question": "yes"}},
    )
    assert bad.status_code == 422

    load_reference_products(platform)
    plan = api.client.get(
        f"/api/enterprises/{enterprise_id}/treatment",
        headers=headers,
        params={"product": "shifan-pc/sme-cyber-comprehensive@2"},
    )
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert body["fixes"]
    assert any("service.rdp_exposed" in fix["resolves"] for fix in body["fixes"])
    assert body["baseline"]["premium"] is not None
    # The headline names only worth-it fixes and adds up their rows' whole-yuan net savings.
    rows = {fix["fix_id"]: fix for fix in body["fixes"]}
    named = [rows[fix_id] for fix_id in body["headline"]["fix_ids"]]
    assert all(fix["status"] == "worth_it" and int(fix["net_saving_yuan"]) > 0 for fix in named)
    assert int(body["headline"]["net_saving_yuan"]) == sum(
        int(fix["net_saving_yuan"]) for fix in named
    )


def test_the_report_is_a_bilingual_pdf(
    api: Api, platform: Platform, servers: tuple[Listener, Listener, dict[str, Page]]
) -> None:
    make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    headers = api.headers("factory-enterprise_user")
    enterprise_id = _scanned(api, platform, servers, headers)
    load_reference_products(platform)
    csrf_page = api.client.get("/login").text
    token = csrf_page.split('name="csrf_token" value="')[1].split('"')[0]
    api.client.post(
        "/login",
        data={
            "username": "factory-enterprise_user",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    response = api.client.get(f"/diagnosis/{enterprise_id}/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for words in (
        "保前诊断报告",
        "Pre-bind diagnosis report",
        "安全评分",
        "Security score",
        "service.rdp_exposed",
        "保前治疗",
        "Treatment plan",
    ):
        assert words in text, words
    # The loss chart speaks the reader's language (its title, axes and legend are text in the
    # PDF, not pixels); the method is told in plain words, without the repository's documents;
    # the screen's way back is not printed.
    english_chart = ("Loss exceedance curve", "Annual aggregate loss", "Loss (CNY 10,000)")
    chinese_chart = ("损失超越概率曲线", "年度累计损失", "损失（万元）")
    assert all(words in text for words in chinese_chart), text
    assert not any(words in text for words in english_chart)
    assert "How this report was made" in text
    assert "docs/" not in text
    assert "Back to the diagnosis" not in text
    api.client.get("/lang/en", follow_redirects=False)
    english = api.client.get(f"/diagnosis/{enterprise_id}/report.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(english.content)).pages)
    assert all(words in text for words in english_chart), text
    assert not any(words in text for words in chinese_chart)
    assert "保前诊断报告" in text  # the text around the chart stays bilingual


def test_a_provider_sees_only_the_tasks_assigned_to_it(api: Api, platform: Platform) -> None:
    make_tenant(platform, OrgKind.ENTERPRISE, "Factory", Role.ENTERPRISE_USER)
    chosen = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Chosen", Role.SECURITY_ANALYST)
    other = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Other", Role.SECURITY_ANALYST)
    headers = api.headers("factory-enterprise_user")
    enterprise_id = _enterprise(api, headers)
    task = api.client.post(
        f"/api/enterprises/{enterprise_id}/tasks",
        headers=headers,
        json={
            "provider_id": chosen.organisation_id,
            "fix_id": "service.rdp_exposed",
            "title_zh": "关闭 RDP",
            "title_en": "Close RDP",
        },
    )
    assert task.status_code == 201, task.text
    mine = api.client.get("/api/tasks", headers=api.headers("chosen-security_analyst")).json()
    assert [t["title_en"] for t in mine] == ["Close RDP"]
    assert api.client.get("/api/tasks", headers=api.headers("other-security_analyst")).json() == []
    # The provider sees the task, not the enterprise behind it.
    analyst = api.headers("chosen-security_analyst")
    assert api.client.get(f"/api/enterprises/{enterprise_id}", headers=analyst).status_code == 404
    done = api.client.post(
        f"/api/tasks/{task.json()['id']}/status",
        headers=analyst,
        json={"status": "done", "note": "RDP closed at the firewall"},
    )
    assert done.json()["status"] == "done"
    refused = api.client.post(
        f"/api/tasks/{task.json()['id']}/status",
        json={"status": "open"},
        headers=api.headers("other-security_analyst"),
    )
    assert refused.status_code == 404
    assert other.organisation_id != chosen.organisation_id
