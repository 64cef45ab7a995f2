"""The composition root: settings → engine → session factory → units of work.

Built by the CLI callback, ``create_app()`` or a test, never at import.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from liubu.accounts.model import SYSTEM, Principal
from liubu.assessment.fix_costs import load_fix_costs
from liubu.assessment.modifiers import load_risk_effects
from liubu.assessment.questionnaire import load_questionnaire
from liubu.assessment.scanning import run_scan
from liubu.assessment.score_model import load_score_model
from liubu.assessment.service import ScanPolicy
from liubu.assessment.vulnerabilities import IndexCache
from liubu.audit import ChainReport, audit_key, verify_chain
from liubu.config import Settings, load_settings
from liubu.products import load_vocabulary, parse_product
from liubu.products.registry import FILED
from liubu.risk import scenario_names
from liubu.store import migrate
from liubu.store.audit import load_chain
from liubu.store.database import make_engine, make_session_factory
from liubu.store.uow import SqlUnitOfWork
from liubu.underwriting import loads_for, referral_rules


@dataclass
class Platform:
    """Everything a request, a command or a test needs, built once."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    audit_key: bytes
    index_cache: IndexCache = field(default_factory=IndexCache)
    # Tests and operators may pin how scans run (ports of local test servers, a test resolver).
    scan_policy_override: ScanPolicy | None = None
    # Background work (scans): two workers, as this runs beside the web server on small machines.
    jobs: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="liubu-job")
    )

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

    def scan_policy(self) -> ScanPolicy:
        if self.scan_policy_override is not None:
            return self.scan_policy_override
        settings = self.settings
        dns = None
        if settings.scan_dns_server:
            host, _, port = settings.scan_dns_server.rpartition(":")
            dns = (host, int(port))
        web_ports = tuple(
            (scheme, int(port))
            for scheme, _, port in (
                p.partition(":") for p in settings.scan_verify_web_ports.split(",")
            )
        )
        return ScanPolicy(
            allow_private=settings.scan_allow_private,
            dns_server=dns,
            verify_web_ports=web_ports,
            deadline=settings.scan_deadline_seconds,
        )

    def run_scan(self, scan_id: str, *, policy: ScanPolicy | None = None) -> None:
        """Carry out a requested scan (in the caller's thread)."""
        run_scan(
            lambda: self.uow(SYSTEM),
            scan_id,
            policy=policy or self.scan_policy(),
            index_cache=self.index_cache,
        )

    def run_scan_later(self, scan_id: str) -> None:
        self.jobs.submit(self.run_scan, scan_id)

    def warm_up(self) -> None:
        """Build now what the first quote would otherwise build while its client waits: the
        filed products of the registry (parsed and checked once per process, then remembered by
        their text), their insurers' loads and referral rules, the questionnaire and scoring
        tables and the scenario library. Called by the app's start-up, never at import."""
        load_vocabulary()
        scenario_names()
        load_questionnaire()
        load_score_model()
        load_risk_effects()
        load_fix_costs()
        try:
            with self.uow(SYSTEM) as uow:
                filed = [r for r in uow.products.list() if r.status == FILED]
        except SQLAlchemyError:  # database down or not migrated: serve; /readyz says so
            return
        for record in filed:
            spec = parse_product(record.document, source=record.product_ref)
            loads_for(spec.insurer)
            referral_rules(spec.insurer)

    def dispose(self) -> None:
        self.jobs.shutdown(wait=True, cancel_futures=False)
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
