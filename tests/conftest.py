"""Shared fixtures: real databases (SQLite always; PostgreSQL when reachable, required on CI),
a platform bootstrapped on them, and an HTTP client through the real app."""

from __future__ import annotations

import base64
import os
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.bootstrap import Platform, bootstrap
from liubu.config import Settings, load_settings

ON_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "LIUBU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_admin() -> sa.Engine | None:
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:
        engine.dispose()
        if ON_CI:
            pytest.fail(f"PostgreSQL must be reachable on CI at {POSTGRES_URL}: {error}")
        return None
    return engine


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine | None]:
    engine = _postgres_admin()
    yield engine
    if engine is not None:
        engine.dispose()


def _fresh_postgres_database(admin: sa.Engine) -> tuple[str, str]:
    name = f"liubu_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(POSTGRES_URL).set(database=name)
    return name, url.render_as_string(hide_password=False)


def _drop_postgres_database(admin: sa.Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_admin: sa.Engine | None
) -> Iterator[str]:
    """An empty database of each kind, made for this test and removed after it."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'liubu.db').as_posix()}"
        return
    if postgres_admin is None:
        pytest.skip("PostgreSQL is not reachable here (it is required on CI)")
    name, url = _fresh_postgres_database(postgres_admin)
    try:
        yield url
    finally:
        _drop_postgres_database(postgres_admin, name)


def test_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    return load_settings(
        env="test",
        database_url=database_url,
        data_dir=data_dir,
        secret_key=secrets.token_urlsafe(48),
        data_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        **overrides,
    )


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def platform(database_url: str, tmp_path: Path) -> Iterator[Platform]:
    """The platform on a migrated, empty database."""
    built = bootstrap(test_settings(database_url, tmp_path), upgrade_schema=True)
    yield built
    built.dispose()


@pytest.fixture
def sqlite_platform(tmp_path: Path) -> Iterator[Platform]:
    url = f"sqlite:///{(tmp_path / 'liubu.db').as_posix()}"
    built = bootstrap(test_settings(url, tmp_path), upgrade_schema=True)
    yield built
    built.dispose()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Make ``--dist loadgroup`` keep an ``xdist_group`` on one worker under pytest 9.

    xdist (3.8) appends ``@group`` to ``item._nodeid``, which pytest 9 no longer reads (the id is
    ``item._id``), so the groups were silently ignored. This does the same on ``_id``; where
    xdist's own renaming works (older pytest, no ``_id``), it does nothing.
    """
    if not (hasattr(config, "workerinput") and config.getvalue("loadgroup")):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        suffix = "@" + "_".join(names)
        if names and hasattr(item, "_id") and not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)
