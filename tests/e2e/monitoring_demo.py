"""Alerts for the demo enterprise, raised through the real ingest path: the demo enterprise
(insured by its SME policy, in force) declares a web host and an address of the real Feodo
blocklist, both verified; its latest scan identified Apache HTTP Server 2.4.49 on the host; the
demo security provider is assigned to it; then the real Feodo blocklist and the real KEV
catalogue are read from the shared data and recorded (``record_observations``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from liubu import assessment, monitoring
from liubu.accounts import new_id
from liubu.accounts import service as accounts
from liubu.accounts.model import SYSTEM, Principal
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import Platform
from tests.integration.monitoring_world import APACHE
from tests.unit.monitoring.realdata import APACHE_CVE5, KEV_JSON, SHARED, feodo_rows

WEB_HOST = "www.demo-insured.example.cn"


@dataclass(frozen=True)
class Seeded:
    enterprise_id: str
    blocked_ip: str
    alerts: int


def principal(platform: Platform, username: str) -> Principal:
    with platform.uow(SYSTEM) as uow:
        user = uow.users.find_by_username(username)
        assert user is not None
        return accounts.principal_for(user, uow.organisations.get(user.tenant_id))


def seed_demo_alerts(platform: Platform) -> Seeded:
    insured, analyst = principal(platform, "enterprise"), principal(platform, "analyst")
    with platform.uow(insured) as uow:
        enterprise = next(iter(uow.enterprises.list()))
    blocked_ip = feodo_rows()[0]["dst_ip"]
    ids = [
        assessment.declare_asset(platform.uow(insured), enterprise.id, name).id
        for name in (blocked_ip, WEB_HOST)
    ]
    at = datetime.now(UTC)
    software = {"cpe": APACHE, "evidence": {}, "distribution": None, "confidence": "confirmed"}
    with platform.uow(SYSTEM) as uow:
        # Proof of control needs the insured's DNS; the record is what the watch list reads.
        for asset_id in ids:
            asset = uow.assessment.asset(asset_id)
            asset.verified_at, asset.verified_by = at, "dns_txt"
        uow.assessment.add(
            Scan(
                id=new_id(),
                tenant_id=enterprise.tenant_id,
                enterprise_id=enterprise.id,
                status=ScanState.FINISHED,
                targets=[WEB_HOST],
                settings={},
                created_at=at,
                started_at=at,
                finished_at=at,
                result={"targets": [{"target": WEB_HOST, "software": [software]}]},
            )
        )
        uow.commit()
    assessment.load_intel_files(platform.uow(SYSTEM), [KEV_JSON, APACHE_CVE5])
    assessment.assign_task(
        platform.uow(insured),
        enterprise.id,
        provider_id=analyst.tenant_id,
        fix_id="monitoring",
        title_zh="保中监控",
        title_en="In-term monitoring",
    )
    alerted = 0
    for path, kind in (
        (next((SHARED / "abusech_feodo").glob("ipblocklist*.csv")), "feodo"),
        (KEV_JSON, "kev"),
    ):
        observations = [
            item
            for item in monitoring.read_events(path, kind, None)
            if isinstance(item, monitoring.Observation)
        ]
        alerted += monitoring.record_observations(platform.uow(SYSTEM), observations).alerted
    return Seeded(enterprise.id, blocked_ip, alerted)
