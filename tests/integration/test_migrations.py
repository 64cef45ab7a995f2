"""Migrations are the only source of the schema: they build it from empty, match the tables
exactly, and the newest one can be undone."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from liubu.store import migrate
from liubu.store.database import make_engine
from liubu.store.tables import metadata


def _differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_from_empty_leaves_no_autogenerate_difference(database_url: str) -> None:
    assert _tables(database_url) == set()
    migrate.upgrade(database_url)
    assert set(metadata.tables) <= _tables(database_url)
    assert _differences(database_url) == []


def test_downgrade_of_the_latest_revision_works_and_upgrades_again(database_url: str) -> None:
    migrate.upgrade(database_url)
    migrate.downgrade(database_url, "-1")
    assert not set(metadata.tables) & _tables(database_url) or _differences(database_url)
    migrate.upgrade(database_url)
    assert _differences(database_url) == []


def test_the_audit_chain_starts_at_its_genesis(database_url: str) -> None:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        head = connection.execute(sa.text("SELECT last_seq, last_hash FROM audit_head")).one()
    engine.dispose()
    assert head == (0, "0" * 64)
