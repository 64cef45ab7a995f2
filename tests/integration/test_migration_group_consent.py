"""Migration 0010 on data written before it: of two enterprise tenants' records of one credit
code the earliest holds it and the later one gets an open claim; an insurer's record of the code
holds nothing; members of an open scheme become invitations again (without their record id),
members of a bound scheme stay accepted. The downgrade keeps the accepted members only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from liubu.store import migrate
from liubu.store.database import make_engine

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CODE = "91320500MA1GL00018"


def _rows(connection: sa.Connection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in connection.execute(sa.text(sql))]


def _seed(connection: sa.Connection) -> None:
    orgs = [("p1", "enterprise"), ("p2", "enterprise"), ("ins", "insurer"), ("own", "enterprise")]
    for org_id, kind in orgs:
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, kind, name, created_at, version) "
                "VALUES (:id, :kind, :id, :at, 1)"
            ),
            {"id": org_id, "kind": kind, "at": T0},
        )
    records = [("e-late", "p2", CODE, 2), ("e-early", "p1", CODE, 1), ("e-ins", "ins", CODE, 0)]
    records.append(("e-own", "own", "91320500MA1GL00026", 0))
    for record_id, tenant, uscc, days in records:
        connection.execute(
            sa.text(
                "INSERT INTO enterprises (id, tenant_id, name, uscc, industry_section, "
                "industry_division, region_code, annual_revenue, employees, mlps_level, "
                "critical_infrastructure, created_at, updated_at, version) VALUES (:id, :t, :id, "
                ":u, 'C', '39', '320500', 1000, 10, 2, false, :at, :at, 1)"
            ),
            {"id": record_id, "t": tenant, "u": uscc, "at": T0 + timedelta(days=days)},
        )
    for scheme_id, status in (("s-open", "open"), ("s-bound", "bound")):
        connection.execute(
            sa.text(
                "INSERT INTO group_schemes (id, tenant_id, kind, name, sponsor_enterprise_id, "
                "product_ref, created_at, status, version) VALUES (:id, 'own', 'supply_chain', "
                ":id, 'e-own', 'x/y@1', :at, :status, 1)"
            ),
            {"id": scheme_id, "at": T0, "status": status},
        )
        connection.execute(
            sa.text(
                "INSERT INTO group_members (id, tenant_id, scheme_id, enterprise_id, supplies, "
                "access, added_at, version) VALUES (:id, 'own', :s, 'e-early', 'x', 'none', :at, 1)"
            ),
            {"id": f"m-{scheme_id}", "s": scheme_id, "at": T0},
        )


def test_existing_duplicates_and_members_are_migrated_as_documented(database_url: str) -> None:
    migrate.upgrade(database_url, "0009_durable_jobs")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            _seed(connection)
        migrate.upgrade(database_url)
        with engine.connect() as connection:
            holders = _rows(
                connection, "SELECT id FROM enterprises WHERE identity_holder ORDER BY id"
            )
            claims = _rows(
                connection,
                "SELECT tenant_id, uscc, holder_enterprise_id, holder_tenant_id, state "
                "FROM identity_claims",
            )
            members = _rows(
                connection,
                "SELECT scheme_id, uscc, state, enterprise_id FROM group_members ORDER BY id",
            )
        assert holders == [("e-early",), ("e-own",)]
        assert claims == [("p2", CODE, "e-early", "p1", "open")]
        assert members == [
            ("s-bound", CODE, "accepted", "e-early"),
            ("s-open", CODE, "invited", None),
        ]
        migrate.downgrade(database_url, "0009_durable_jobs")
        with engine.connect() as connection:
            kept = _rows(connection, "SELECT id, enterprise_id FROM group_members")
        assert kept == [("m-s-bound", "e-early")]
    finally:
        engine.dispose()
