"""The audit trail read through the API: scoped to the caller's tenant, filtered by action
prefix, actor, entity and time window, paged by sequence; admins only; bad filters are 422s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from liubu import accounts
from liubu.accounts import Principal
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from tests.e2e.conftest import Api
from tests.integration.helpers import facts, make_tenant


def _register(platform: Platform, principal: Principal, serial: int) -> str:
    with platform.uow(principal) as uow:
        enterprise = accounts.register_enterprise(uow, facts(serial))
        return enterprise.id


def test_an_admin_reads_only_its_tenant_filtered_and_paged(api: Api, platform: Platform) -> None:
    a = make_tenant(platform, OrgKind.ENTERPRISE, "Firm A", Role.ADMIN)
    b = make_tenant(platform, OrgKind.ENTERPRISE, "Firm B", Role.ADMIN)
    mine = {_register(platform, a.principal, serial) for serial in (1, 2, 3)}
    theirs = _register(platform, b.principal, 4)
    headers = api.headers(a.username)

    events = api.client.get("/api/audit/events", headers=headers).json()
    assert events, "registering enterprises is audited"
    assert {e["tenant_id"] for e in events} == {a.organisation_id}
    assert theirs not in {e["entity_id"] for e in events}

    # An action prefix, and an entity: exactly the rows that match, newest first.
    created = [e for e in events if e["action"].startswith("enterprise")]
    by_prefix = api.client.get(
        "/api/audit/events", params={"action": "enterprise"}, headers=headers
    ).json()
    assert by_prefix == created
    assert {e["entity_id"] for e in by_prefix if e["entity_type"] == "enterprises"} >= mine
    # The codes stay; their names ride beside them, in both languages.
    registered = [e for e in by_prefix if e["action"] == "enterprises.created"]
    assert {e["entity_id"] for e in registered} == mine
    assert {(e["action_name_zh"], e["action_name_en"]) for e in registered} == {
        ("企业档案 · 新建", "Enterprise profile · created")
    }
    assert {e["entity_type_name_zh"] for e in registered} == {"企业档案"}
    one = sorted(mine)[0]
    by_entity = api.client.get(
        "/api/audit/events", params={"entity_id": one}, headers=headers
    ).json()
    assert by_entity
    assert {e["entity_id"] for e in by_entity} == {one}
    # A prefix is text, not a pattern: "%" matches nothing rather than everything.
    wildcard = api.client.get("/api/audit/events", params={"action": "%"}, headers=headers)
    assert wildcard.json() == []

    # The actor filter: the admin's own sign-in and registrations; a stranger's id: nothing.
    actors = {e["actor_id"] for e in events}
    assert len(actors) >= 1
    actor = next(iter(actors))
    by_actor = api.client.get(
        "/api/audit/events", params={"actor_id": actor}, headers=headers
    ).json()
    assert {e["actor_id"] for e in by_actor} == {actor}

    # A window that ends before anything happened is empty; one around now holds everything.
    now = datetime.now(UTC)
    past = api.client.get(
        "/api/audit/events",
        params={"until": (now - timedelta(days=1)).isoformat()},
        headers=headers,
    ).json()
    assert past == []
    around = api.client.get(
        "/api/audit/events",
        params={
            "since": (now - timedelta(hours=1)).isoformat(),
            "until": (now + timedelta(hours=1)).isoformat(),
        },
        headers=headers,
    ).json()
    assert [e["seq"] for e in around] == [e["seq"] for e in events]

    # Paging back by sequence number.
    first_page = api.client.get("/api/audit/events", params={"limit": 2}, headers=headers).json()
    assert len(first_page) == 2
    older = api.client.get(
        "/api/audit/events",
        params={"limit": 500, "before_seq": first_page[-1]["seq"]},
        headers=headers,
    ).json()
    assert [e["seq"] for e in first_page + older] == [e["seq"] for e in events]


def test_bad_filters_and_non_admins_are_refused(api: Api, platform: Platform) -> None:
    admin = make_tenant(platform, OrgKind.INSURER, "Insurer A", Role.ADMIN)
    underwriter = make_tenant(platform, OrgKind.INSURER, "Insurer B", Role.UNDERWRITER)
    headers = api.headers(admin.username)
    now = datetime.now(UTC)
    backwards = api.client.get(
        "/api/audit/events",
        params={"since": now.isoformat(), "until": (now - timedelta(hours=1)).isoformat()},
        headers=headers,
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "audit.bad_filter"
    naive = api.client.get(
        "/api/audit/events", params={"since": "2026-01-01T00:00:00"}, headers=headers
    )
    assert naive.status_code == 422
    too_long = api.client.get("/api/audit/events", params={"action": "x" * 129}, headers=headers)
    assert too_long.status_code == 422
    refused = api.client.get("/api/audit/events", headers=api.headers(underwriter.username))
    assert refused.status_code == 403
