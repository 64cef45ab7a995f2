"""Twenty clients saving one enterprise's questionnaire answers at once, against a real server
on each database (issue 13, item 7: 89 of 210 saves used to get 409 "duplicate"). Every save
must succeed, with its own consecutive version, and every answer must be stored as sent."""

from __future__ import annotations

import threading

import httpx2 as httpx

from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.core import uscc_with_check
from tests.e2e.browser import running_server
from tests.e2e.conftest import Api
from tests.integration.helpers import make_tenant

CLIENTS = 20
SAVES_EACH = 6


def test_twenty_concurrent_answer_saves_all_succeed_with_consecutive_versions(
    api: Api, platform: Platform
) -> None:
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, "Racer", Role.ENTERPRISE_USER)
    headers = api.headers(tenant.username)
    created = api.client.post(
        "/api/enterprises",
        json={
            "name": "并发答卷企业",
            "uscc": str(uscc_with_check("91320500MA0000077")),
            "industry_section": "C",
            "industry_division": "39",
            "region_code": "320500",
            "annual_revenue": "30000000",
            "employees": 80,
            "mlps_level": 2,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    path = f"/api/enterprises/{created.json()['id']}/answers"
    start = threading.Barrier(CLIENTS)
    replies: list[tuple[int, int, dict[str, object]]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int, base: str) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            start.wait()
            for save in range(SAVES_EACH):
                # Each save is told apart by its number of days (index × 10 + save).
                sent = {"mfa.email": ("yes", "no", "partial")[save % 3]}
                sent["iam.leaver_days"] = index * 10 + save  # type: ignore[assignment]
                reply = http.post(path, json={"answers": sent})
                with lock:
                    if reply.status_code == 201:
                        replies.append((reply.json()["number"], index * 10 + save, sent))
                    else:
                        failures.append(f"{reply.status_code} {reply.text[:200]}")

    with running_server(platform) as base:
        threads = [threading.Thread(target=client, args=(i, base)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    total = CLIENTS * SAVES_EACH
    assert sorted(number for number, _, _ in replies) == list(range(1, total + 1))
    history = api.client.get(path, headers=headers).json()
    assert [h["number"] for h in history] == list(range(1, total + 1))
    stored = {h["number"]: h["answers"] for h in history}
    for number, _tag, sent in replies:
        assert {k: v["value"] for k, v in stored[number].items()} == sent
    assert sorted(stored[n]["iam.leaver_days"]["value"] for n in stored) == sorted(
        tag for _, tag, _ in replies
    )
