"""Shared fixtures: real databases (SQLite always; PostgreSQL when reachable, required on CI),
a platform bootstrapped on them, and an HTTP client through the real app."""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.bootstrap import Platform, bootstrap
from liubu.config import Settings, load_settings
from liubu.store import migrate

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


@pytest.fixture(scope="session")
def _sqlite_schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database migrated to head once per session (and xdist worker): each test's
    platform starts from a copy of it instead of running every migration again (seconds each)."""
    path = tmp_path_factory.mktemp("schema") / "liubu.db"
    migrate.upgrade(f"sqlite:///{path.as_posix()}")
    return path


@pytest.fixture(scope="session")
def _postgres_schema(postgres_admin: sa.Engine | None) -> Iterator[str]:
    """A PostgreSQL database migrated to head once per session, the template of each test's."""
    assert postgres_admin is not None
    name, url = _fresh_postgres_database(postgres_admin)
    migrate.upgrade(url)
    yield name
    _drop_postgres_database(postgres_admin, name)


def _migrated(request: pytest.FixtureRequest, database_url: str) -> None:
    """Fill the test's empty database (same name, same file) with the migrated schema of the
    session's template; ``bootstrap(upgrade_schema=True)`` then finds it at head. The migrations
    themselves are tested from an empty database in tests/integration/test_migrations.py."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        template: Path = request.getfixturevalue("_sqlite_schema")
        target = Path(str(url.database))
        for suffix in ("", "-wal", "-shm"):
            source = template.with_name(template.name + suffix)
            if source.exists():
                shutil.copyfile(source, target.with_name(target.name + suffix))
        return
    name: str = request.getfixturevalue("_postgres_schema")
    admin: sa.Engine = request.getfixturevalue("postgres_admin")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}" TEMPLATE "{name}"'))


@pytest.fixture
def platform(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[Platform]:
    """The platform on a migrated, empty database."""
    _migrated(request, database_url)
    built = bootstrap(test_settings(database_url, tmp_path), upgrade_schema=True)
    yield built
    built.dispose()


@pytest.fixture
def sqlite_platform(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Platform]:
    url = f"sqlite:///{(tmp_path / 'liubu.db').as_posix()}"
    _migrated(request, url)
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
