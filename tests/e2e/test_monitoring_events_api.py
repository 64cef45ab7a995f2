"""``POST /api/monitoring/events`` as a security provider's robot sends them: real Suricata EVE
lines (the Zeus lab capture) with one address rewritten to the insured's, gzip on the wire,
through a provider's API token. The token reaches only the enterprises assigned to its provider:
elsewhere 403 and nothing stored; the same events again raise nothing new; a malformed line is
listed with its number and the rest go on; an unknown format is refused naming the known ones."""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

import pytest

from liubu import assessment, monitoring
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import Platform
from liubu.core import shanghai_today
from tests.e2e.conftest import Api
from tests.integration.helpers import facts, make_tenant
from tests.integration.monitoring_world import build_world
from tests.unit.monitoring.realdata import SHARED, require_shared

EVE = SHARED / "suricata_eve_zeus_lab" / "eve.json"
REWRITTEN = "192.168.230.1"  # the lab's gateway, in many of the capture's alerts


def _events(insured_ip: str) -> tuple[list[str], int, int]:
    """The capture's lines with the gateway's address replaced by the insured's, and the
    independent truth: alert lines naming it, and distinct signatures among them."""
    lines = EVE.read_text(encoding="utf-8").splitlines()
    rewritten, hits, signatures = [], 0, set()
    for line in lines:
        event = json.loads(line)
        for key in ("src_ip", "dest_ip"):
            if event.get(key) == REWRITTEN:
                event[key] = insured_ip
        if event["event_type"] == "alert" and insured_ip in (event["src_ip"], event["dest_ip"]):
            hits += 1
            signatures.add(event["alert"]["signature_id"])
        rewritten.append(json.dumps(event))
    return rewritten, hits, len(signatures)


def _token(api: Api, username: str) -> dict[str, str]:
    issued = api.client.post("/api/tokens", json={"name": "ids"}, headers=api.headers(username))
    assert issued.status_code == 201, issued.text
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def test_a_provider_token_sends_events_only_for_enterprises_it_serves(
    api: Api, platform: Platform
) -> None:
    require_shared()
    world = build_world(platform, start=shanghai_today() - timedelta(days=30))
    other = build_world(platform, serial=2, start=shanghai_today() - timedelta(days=30))
    guard = make_tenant(
        platform, OrgKind.SECURITY_PROVIDER, "Guard", Role.SECURITY_ANALYST, code="guard"
    )
    stranger = make_tenant(platform, OrgKind.SECURITY_PROVIDER, "Other", Role.SECURITY_ANALYST)
    assessment.assign_task(
        platform.uow(world.buyer),
        world.enterprise_id,
        provider_id=guard.organisation_id,
        fix_id="watch",
        title_zh="监测",
        title_en="Watch",
    )
    guard_token, stranger_token = _token(api, guard.username), _token(api, stranger.username)
    lines, hits, signatures = _events(world.insured_ip)
    assert hits > 0
    body = gzip.compress(("\n".join(lines) + "\n").encode())
    sent = {**guard_token, "Content-Encoding": "gzip", "Content-Type": "application/x-ndjson"}

    # Not served (another enterprise, or a provider not assigned): 403, nothing stored.
    for headers, enterprise in ((sent, other.enterprise_id), (stranger_token, world.enterprise_id)):
        refused = api.client.post(
            "/api/monitoring/events",
            params={"enterprise": enterprise},
            content=body,
            headers={**headers, "Content-Encoding": "gzip"},
        )
        assert refused.status_code == 403, refused.text
    with platform.uow(SYSTEM) as uow:
        assert monitoring.list_alerts(uow) == []

    unknown = api.client.post(
        "/api/monitoring/events",
        params={"enterprise": world.enterprise_id, "format": "pcap"},
        content=body,
        headers=sent,
    )
    assert unknown.status_code == 422
    assert "Known formats: suricata, ocsf, zeek" in unknown.json()["detail"]

    first = api.client.post(
        "/api/monitoring/events",
        params={"enterprise": world.enterprise_id, "format": "suricata"},
        content=body,
        headers=sent,
    )
    assert first.status_code == 200, first.text
    report = first.json()
    assert (report["matched"], report["alerted"]) == (hits, signatures)
    assert report["repeated"] == hits - signatures
    assert report["rejected"] == 0
    again = api.client.post(
        "/api/monitoring/events",
        params={"enterprise": world.enterprise_id},
        content=body,
        headers=sent,
    ).json()
    assert (again["alerted"], again["duplicates"]) == (0, report["read"])
    with platform.uow(SYSTEM) as uow:
        alerts = monitoring.list_alerts(uow)
    assert len(alerts) == signatures
    assert {a.enterprise_id for a in alerts} == {world.enterprise_id}
    assert {a.provider for a in alerts} == {"guard"}

    # A malformed line is refused with its number; the rest of the upload goes on (plain body).
    broken = [lines[0], "{not json", '{"event_type": "alert", "timestamp": "2024-12-18"}']
    partial = api.client.post(
        "/api/monitoring/events",
        params={"enterprise": world.enterprise_id, "format": "suricata"},
        content="\n".join(broken).encode(),
        headers=guard_token,
    ).json()
    assert partial["rejected"] == 2
    assert [r["line"] for r in partial["first_rejected"]] == [2, 3]
    assert partial["first_rejected"][0]["code"] == "monitoring.json_syntax"


def test_the_decompressed_size_is_capped_and_a_broken_gzip_body_is_refused(
    api: Api, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tenant(platform, OrgKind.PLATFORM, "Operator", Role.ADMIN)
    world_enterprise = _enterprise(platform)
    headers = {**api.headers("operator-admin"), "Content-Encoding": "gzip"}
    lines = EVE.read_bytes()[:200_000]
    monkeypatch.setattr(monitoring, "MAX_EVENT_BYTES", 50_000)
    capped = api.client.post(
        "/api/monitoring/events",
        params={"enterprise": world_enterprise},
        content=gzip.compress(lines),
        headers=headers,
    )
    assert capped.status_code == 422
    assert capped.json()["code"] == "monitoring.too_large"
    monkeypatch.undo()
    broken = api.client.post(
        "/api/monitoring/events",
        params={"enterprise": world_enterprise},
        content=gzip.compress(lines)[:5_000],
        headers=headers,
    )
    assert broken.status_code == 422
    assert broken.json()["code"] == "monitoring.encoding"


def _enterprise(platform: Platform) -> str:
    buyer = make_tenant(platform, OrgKind.ENTERPRISE, "Buyer", Role.ENTERPRISE_USER)
    with platform.uow(buyer.principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(9))
        uow.commit()
    return enterprise.id
