"""Migration 0019 on alerts recorded before it: each gets its due times from its severity and
creation, as new alerts do (``monitoring.due_times``), no escalation and an empty history; the
downgrade drops the lifecycle's columns and keeps the alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from liubu.monitoring import due_times
from liubu.store import migrate
from liubu.store.database import make_engine

T0 = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _seed(connection: sa.Connection) -> None:
    for org_id, kind in (("ins", "insurer"), ("own", "enterprise")):
        connection.execute(
            sa.text(
                "INSERT INTO organisations (id, kind, name, created_at, version) "
                "VALUES (:id, :kind, :id, :at, 1)"
            ),
            {"id": org_id, "kind": kind, "at": T0},
        )
    enterprise = sa.Table("enterprises", sa.MetaData(), autoload_with=connection)
    row = {
        "id": "e1", "tenant_id": "own", "name": "e1", "uscc": "91320500MA1GL00026",
        "industry_section": "C", "industry_division": "39", "region_code": "320500",
        "annual_revenue": 1000, "employees": 10, "mlps_level": 2,
        "critical_infrastructure": False, "created_at": T0, "updated_at": T0, "version": 1,
    }  # fmt: skip
    for column in enterprise.columns:  # columns later revisions added, at their defaults
        if column.name not in row and not column.nullable and column.server_default is None:
            row[column.name] = False if isinstance(column.type, sa.Boolean) else ""
    connection.execute(enterprise.insert(), [row])
    for alert_id, severity in (("a-critical", "critical"), ("a-low", "low")):
        connection.execute(
            sa.text(
                "INSERT INTO alerts (id, tenant_id, client_tenant_id, enterprise_id, policy_id, "
                "policy_number, asset_kind, asset_value, indicator_kind, indicator, match_kind, "
                "severity, source, rule, evidence, first_seen, last_seen, count, status, "
                "created_at, updated_at, provider, cover, version) VALUES (:id, 'ins', 'own', "
                "'e1', 'p1', 'P-1', 'ipv4', '192.0.2.1', 'ipv4', '192.0.2.1', 'ip', :severity, "
                "'feodo', 'feodo.c2', '{}', :at, :at, 1, 'open', :at, :at, NULL, 'policy', 1)"
            ),
            {"id": alert_id, "severity": severity, "at": T0},
        )


def _utc(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_alerts_recorded_before_the_lifecycle_get_their_due_times(database_url: str) -> None:
    migrate.upgrade(database_url, "0018_monitoring_alerts")
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            _seed(connection)
        migrate.upgrade(database_url, "0019_alert_lifecycle")
        with engine.connect() as connection:
            alerts = sa.table(
                "alerts",
                sa.column("id", sa.String()),
                sa.column("severity", sa.String()),
                sa.column("acknowledge_due", sa.DateTime(timezone=True)),
                sa.column("fix_due", sa.DateTime(timezone=True)),
                sa.column("escalation_level", sa.Integer()),
                sa.column("history", sa.JSON()),
            )
            rows = connection.execute(sa.select(*alerts.columns).order_by(alerts.c.id)).all()
        assert len(rows) == 2
        for _id, severity, acknowledge, fix, level, history in rows:
            assert (_utc(acknowledge), _utc(fix)) == due_times(severity, T0)
            assert level == 0
            assert history == []
        migrate.downgrade(database_url, "0018_monitoring_alerts")
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("alerts")}
            kept = connection.execute(sa.text("SELECT count(*) FROM alerts")).scalar()
        assert "fix_due" not in columns
        assert kept == 2
    finally:
        engine.dispose()
