"""The composition root: settings → engine → session factory → units of work.

Built by the CLI callback, ``create_app()`` or a test, never at import.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from liubu.accounts.model import SYSTEM, Principal
from liubu.audit import ChainReport, audit_key, verify_chain
from liubu.config import Settings, load_settings
from liubu.store import migrate
from liubu.store.audit import load_chain
from liubu.store.database import make_engine, make_session_factory
from liubu.store.uow import SqlUnitOfWork


@dataclass
class Platform:
    """Everything a request, a command or a test needs, built once."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    audit_key: bytes

    def uow(self, principal: Principal = SYSTEM) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.session_factory, principal, audit_key=self.audit_key)

    def database_ready(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # readiness probes report, they do not raise
            return False
        return True

    def verify_audit_chain(self) -> ChainReport:
        with self.session_factory() as session:
            events, head_seq, head_hash = load_chain(session)
        return verify_chain(events, key=self.audit_key, head_seq=head_seq, head_hash=head_hash)

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, upgrade_schema: bool = False) -> Platform:
    settings = settings or load_settings()
    url = settings.resolved_database_url
    if upgrade_schema:
        migrate.upgrade(url)
    engine = make_engine(url)
    return Platform(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        audit_key=audit_key(settings.signing_secret),
    )
