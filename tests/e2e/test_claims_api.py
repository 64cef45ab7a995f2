"""The claims journey over HTTP: the insured reports, the insurer dispatches its vendor, the
vendor logs the response and uploads evidence, the adjuster reserves and pays (once per key),
then closes; problem+json for what is refused; a vendor or another insurer gets 404."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.claims_world import build


def test_notice_to_payment_over_http(api: Api, platform: Platform) -> None:
    world = build(platform)
    insured = api.headers(world.insured.username)
    adjuster = api.headers(world.adjuster.username)
    vendor = api.headers(world.provider.username)
    other = api.headers(world.other_insurer.username)
    now = datetime.now(UTC)
    notice = {
        "policy_id": world.policy.id,
        "incident_type": "ransomware",
        "occurred_on": str((now - timedelta(days=1)).date()),
        "discovered_at": (now - timedelta(hours=3)).isoformat(),
        "description": "勒索软件加密了文件服务器。",
        "affected_assets": ["fs01.example.cn"],
        "contact": {"name": "张小三", "phone": "13812345678"},
    }
    created = api.client.post("/api/claims", json=notice, headers=insured)
    assert created.status_code == 201, created.text
    claim = created.json()
    assert claim["duplicate"] is False
    assert claim["contact"]["phone"] == "138****5678"
    assert claim["reserves"] == []  # the insured does not see the insurer's reserves
    again = api.client.post("/api/claims", json=notice, headers=insured)
    assert again.status_code == 200
    assert again.json()["id"] == claim["id"]
    assert again.json()["duplicate"] is True
    case = f"/api/claims/{claim['id']}"

    queue = api.client.get("/api/claims", headers=adjuster).json()
    assert [c["id"] for c in queue] == [claim["id"]]
    assert queue[0]["sla"]["ir_contact"]["breached"] is False

    # Incident response: panel, dispatch, the vendor accepts, logs and uploads.
    assert api.client.get(case, headers=vendor).status_code == 404
    panel = api.client.post(
        "/api/claims/panel", json={"vendor_id": world.provider.tenant_id}, headers=adjuster
    )
    assert panel.status_code == 201, panel.text
    sent = api.client.post(
        f"{case}/dispatches", json={"vendor_id": world.provider.tenant_id}, headers=adjuster
    )
    assert sent.status_code == 201, sent.text
    dispatch_id = sent.json()["id"]
    answer = api.client.post(
        f"/api/claims/dispatches/{dispatch_id}/answer", json={"accept": True}, headers=vendor
    )
    assert answer.json()["state"] == "accepted"
    logged = api.client.post(
        f"{case}/timeline",
        json={"phase": "containment", "note": "隔离了受影响网段。"},
        headers=vendor,
    )
    assert logged.status_code == 201, logged.text
    log = b"ransom note: README_DECRYPT.txt\n"
    uploaded = api.client.post(
        f"{case}/evidence", files={"file": ("note.txt", log, "text/plain")}, headers=vendor
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["sha256"] == hashlib.sha256(log).hexdigest()
    changed = api.client.post(
        f"{case}/evidence", files={"file": ("note.txt", log + b"!", "text/plain")}, headers=vendor
    )
    assert changed.status_code == 409
    assert changed.headers["content-type"].startswith("application/problem+json")
    assert changed.json()["code"] == "claims.evidence_changed"
    evidence = api.client.get(f"/api/claims/evidence/{uploaded.json()['id']}", headers=adjuster)
    assert evidence.content == log
    incident = api.client.get(f"{case}/incident", headers=vendor).json()
    assert [e["phase"] for e in incident["timeline"]] == ["containment"]
    shown = api.client.get(case, headers=vendor).json()
    assert shown["reserves"] == []
    assert shown["payments"] == []

    # Reserve and pay, once per key.
    reserved = api.client.post(
        f"{case}/reserves",
        json={"coverage": "forensics", "amount": "40000.00", "reason": "取证公司报价。"},
        headers=adjuster,
    )
    assert reserved.status_code == 200, reserved.text
    payment = {
        "coverage": "forensics",
        "amount": "25000.00",
        "payee": {"name": "某某取证公司", "bank_account": "6222020200112233445"},
        "idempotency_key": "invoice-2026-001",
    }
    paid = api.client.post(f"{case}/payments", json=payment, headers=adjuster)
    assert paid.status_code == 201, paid.text
    repeated = api.client.post(f"{case}/payments", json=payment, headers=adjuster)
    assert repeated.status_code == 200
    assert repeated.json()["id"] == paid.json()["id"]
    reused = api.client.post(
        f"{case}/payments", json={**payment, "amount": "25000.01"}, headers=adjuster
    )
    assert reused.status_code == 409
    assert reused.json()["code"] == "claims.key_reused"
    above = api.client.post(
        f"{case}/payments",
        json={**payment, "amount": "15000.01", "idempotency_key": "invoice-2026-002"},
        headers=adjuster,
    )
    assert above.status_code == 422
    assert above.json()["code"] == "claims.above_reserve"
    position = api.client.post(f"{case}/coverage", json={}, headers=insured)
    assert position.status_code == 200, position.text
    rulings = {
        e["code"]: {"status": "does_not_apply", "reason": "已核查。"}
        for e in position.json()["exclusions"]
    }
    assessed = api.client.post(
        f"{case}/assessment",
        json={
            "items": [
                {"coverage": "forensics", "kind": "invoice", "description": "取证发票",
                 "amount": "25000.00"}
            ],
            "rulings": rulings,
        },
        headers=adjuster,
    )  # fmt: skip
    assert assessed.status_code == 200, assessed.text
    assert assessed.json()["claimed"] == "25000.00"
    assert api.client.get(case, headers=insured).json()["worksheet"]["claimed"] == "25000.00"
    assert api.client.get(case, headers=vendor).json()["worksheet"] is None
    bad = api.client.post(
        f"{case}/assessment",
        json={"items": [{"coverage": "forensics", "kind": "bribe", "description": "x",
                         "amount": "1"}]},
        headers=adjuster,
    )  # fmt: skip
    assert bad.status_code == 422
    run = api.client.post("/api/claims/payment-run", headers=adjuster).json()
    assert [p["id"] for p in run["sent"]] == [paid.json()["id"]]
    # The insured sees its payment (masked); another insurer sees nothing.
    mine = api.client.get(case, headers=insured).json()
    assert [p["payee"]["account"][-4:] for p in mine["payments"]] == ["3445"]
    assert api.client.get(case, headers=other).status_code == 404
    closed = api.client.post(f"{case}/close", json={"reason": "已赔付。"}, headers=adjuster)
    assert closed.json()["state"] == "closed"
    assert closed.json()["totals"] == {
        "paid": "25000.00",
        "outstanding": "0.00",
        "recovered": "0.00",
        "incurred": "25000.00",
    }
