"""Engines and session factories for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from liubu.store.audit import install_audit_listener
from liubu.store.orm import start_mappers


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas liubu relies on (SQLite: foreign keys, WAL, busy timeout)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        writers = _WriterQueue()
        engine = create_engine(
            url, connect_args={"timeout": _BUSY_SECONDS, "factory": writers.connection}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", writers.before_write)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


_BUSY_SECONDS = 30
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class _WriterQueue:
    """The threads of one process wait here, not in SQLite's busy handler, for the database's
    write lock.

    SQLite lets one transaction write at a time; a second writer polls with sleeps that grow to
    100 ms and may lose to newcomers again and again, which under 16 concurrent quotes gave
    a p99 of seconds. Here a transaction's first write waits on a lock of this process, which
    it holds until its commit or rollback has finished, so the threads of the process write one
    after the other without polling; other processes (``liubu serve --workers``) still meet at
    SQLite's own lock. A wait longer than the busy timeout goes on to SQLite, as before.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        queue = self

        class Connection(sqlite3.Connection):
            holds = False

            # Writes through the DBAPI connection itself (the personal-policy import's bulk
            # INSERT) queue as SQLAlchemy's do.
            def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
                queue.before(self, sql)
                return super().execute(sql, *args)

            def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:
                queue.before(self, sql)
                return super().executemany(sql, *args)

            def commit(self) -> None:
                try:
                    super().commit()
                finally:
                    queue.release(self)

            def rollback(self) -> None:
                try:
                    super().rollback()
                finally:
                    queue.release(self)

            def close(self) -> None:
                try:
                    super().close()
                finally:
                    queue.release(self)

        self.connection = Connection

    def before_write(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.before(conn.connection.dbapi_connection, statement)

    def before(self, dbapi: Any, statement: str) -> None:
        if getattr(dbapi, "holds", True) or statement.lstrip()[:6].upper() not in _WRITES:
            return
        if self._lock.acquire(timeout=_BUSY_SECONDS):
            dbapi.holds = True

    def release(self, dbapi: Any) -> None:
        if dbapi.holds:
            dbapi.holds = False
            self._lock.release()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit and write the audit chain on flush."""
    start_mappers()
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_audit_listener(factory)
    return factory
