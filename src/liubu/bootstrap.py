"""The composition root: settings → engine → session factory → units of work, and the job
handlers a worker runs (a scan, a bulk anti-fraud import, notification deliveries).

Built by the CLI callback, ``create_app()`` or a test, never at import.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import json
import os
import shutil
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from liubu import products
from liubu.accounts import SYSTEM, Principal
from liubu.assessment import (
    SCAN_JOB,
    IndexCache,
    ScanPolicy,
    ScanState,
    is_public,
    load_fix_costs,
    load_questionnaire,
    load_risk_effects,
    load_score_model,
    run_scan,
)
from liubu.audit import ChainReport, audit_key, verify_chain
from liubu.claims import import_antifraud_claims
from liubu.config import Settings, load_settings
from liubu.core import PersonalDataCipher, shanghai_today
from liubu.errors import NotFoundError, ValidationError
from liubu.jobs import (
    ACTIVE,
    Handler,
    Job,
    JobState,
    Progress,
    Schedule,
    Worker,
    WorkerSettings,
    enqueue,
    job_for,
    schedule,
)
from liubu.massissue import ImportPlan, ImportSummary, run_import
from liubu.monitoring import (
    FEED_PULL,
    SCHEDULE_JOB,
    Feed,
    alert_new_findings,
    complete_rescans,
    escalate_overdue,
    pull_feed,
    run_due_rescans,
    schedule_services,
)
from liubu.notify import (
    DELIVER_JOB,
    AddressAllowed,
    Channel,
    DeliveryReport,
    Sender,
    SmtpSender,
    WebhookSender,
    deliver_due,
)
from liubu.portfolio import (
    DEFAULT_BLOCK_YEARS,
    RUN_JOB,
    BlockFailedError,
    Book,
    Catalogue,
    PortfolioCode,
    PortfolioRun,
    RunSource,
    capital_period,
    demo_catalogue,
    insurer_book,
    load_book,
    load_catalogue,
    new_run,
    queue_run,
    record_summary,
    run_book,
    store_run_capital,
    summary_of,
    write_ord,
)
from liubu.products import FILED, load_vocabulary, parse_product
from liubu.risk import scenario_names
from liubu.store import migrate
from liubu.store.audit import load_chain
from liubu.store.database import make_engine, make_session_factory
from liubu.store.personal import SqlIssueStore
from liubu.store.uow import SqlUnitOfWork
from liubu.underwriting import loads_for, referral_rules

ANTI_FRAUD_IMPORT = "anti_fraud_import"
ANTI_FRAUD_CLAIMS_IMPORT = "anti_fraud_claims_import"
MONITORING_ESCALATE = "monitoring.escalate"
# The platform's recurring work: (job kind, subject, interval). Each handler is idempotent, so a
# run that overlaps the next or is repeated after a crash changes nothing twice.
RECURRING = (
    (MONITORING_ESCALATE, "alerts", timedelta(minutes=15)),
    (SCHEDULE_JOB, "services", timedelta(hours=24)),
    (DELIVER_JOB, "deliveries", timedelta(minutes=1)),
)


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
    # The in-process worker (embedded default), if started: its thread and its stop signal.
    _worker_thread: threading.Thread | None = field(default=None, repr=False)
    _worker_stop: threading.Event = field(default_factory=threading.Event, repr=False)

    def uow(self, principal: Principal = SYSTEM) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.session_factory, principal, audit_key=self.audit_key, cipher=self.cipher
        )

    @functools.cached_property
    def cipher(self) -> PersonalDataCipher:
        """The personal-data cipher, built once (its AES-GCM and HMAC states are reused)."""
        return PersonalDataCipher(self.settings.personal_data_key)

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

    def run_scan(
        self,
        scan_id: str,
        *,
        policy: ScanPolicy | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        """Carry out a requested scan (in the caller's thread)."""
        run_scan(
            lambda: self.uow(SYSTEM),
            scan_id,
            policy=policy or self.scan_policy(),
            index_cache=self.index_cache,
            on_progress=on_progress,
        )

    def run_scan_later(self, scan_id: str, *, tenant_id: str) -> Job:
        """Queue a requested scan as a durable job (run by a worker, resumed after a crash)."""
        return enqueue(
            self.uow(SYSTEM), SCAN_JOB, scan_id, tenant_id=tenant_id, payload={"scan_id": scan_id}
        )

    def queue_import(
        self,
        principal: Principal,
        path: Path,
        *,
        tenant_id: str,
        product_ref: str,
        inception: date,
        file_name: str,
        chunk_size: int | None = None,
    ) -> Job:
        """Queue the bulk import of an uploaded file (kept under :meth:`import_folder`, named by
        its SHA-256) for the issuing insurer ``tenant_id``; the job's payload is what
        :meth:`_import_job` reads back."""
        payload = {
            "file": path.relative_to(self.settings.data_dir).as_posix(),
            "file_name": file_name,
            "product": product_ref,
            "inception": inception.isoformat(),
        }
        if chunk_size is not None:
            payload["chunk_size"] = str(chunk_size)
        sha = path.stem
        return enqueue(
            self.uow(principal), ANTI_FRAUD_IMPORT, sha, tenant_id=tenant_id, payload=payload
        )

    def import_folder(self, tenant_id: str) -> Path:
        """Where a tenant's uploaded import files are kept (the web process and every worker
        must see the same data directory)."""
        return self.settings.data_dir / "imports" / tenant_id

    def job_handlers(self) -> dict[str, Handler]:
        return {
            SCAN_JOB: self._scan_job,
            ANTI_FRAUD_IMPORT: self._import_job,
            ANTI_FRAUD_CLAIMS_IMPORT: self._claims_import_job,
            MONITORING_ESCALATE: self._escalate_job,
            FEED_PULL: self._feed_job,
            SCHEDULE_JOB: self._schedule_services_job,
            DELIVER_JOB: self._deliver_job,
            RUN_JOB: self._portfolio_run_job,
        }

    def _platform_organisation(self) -> str | None:
        """The platform operator's organisation, which owns the platform's own recurring work
        (None before the administrator's set-up or the demo created it)."""
        with self.engine.connect() as connection:
            owner = connection.execute(
                text("SELECT id FROM organisations WHERE kind = 'platform' ORDER BY created_at")
            ).scalar()
        return None if owner is None else str(owner)

    def schedule_recurring(self) -> list[Schedule]:
        """Put the platform's recurring work on the job schedule (docs/jobs.md): escalating
        alerts past their service levels, scheduling bundled services and due rescans, and
        sending notifications due a retry. Called by the server's start-up (``liubu serve``,
        ``make demo``) and by ``liubu worker``; scheduling again only moves the next run to
        now. Nothing is scheduled before the platform's organisation exists."""
        owner = self._platform_organisation()
        if owner is None:
            return []
        return [
            schedule(self.uow(SYSTEM), kind, subject, tenant_id=owner, every=every)
            for kind, subject, every in RECURRING
        ]

    def schedule_feed(self, feed: Feed) -> Schedule:
        """Pull ``feed`` every its interval as a ``monitoring.feed_pull`` job of the platform's
        organisation (docs/jobs.md, docs/monitoring.md)."""
        owner = self._platform_organisation()
        if owner is None:
            raise ValidationError(
                "Feeds are pulled for the platform's organisation: create it first "
                "(liubu demo, or the administrator's set-up).",
                field="feed",
            )
        return schedule(
            self.uow(SYSTEM),
            FEED_PULL,
            feed.name,
            tenant_id=owner,
            every=timedelta(seconds=feed.interval_seconds),
        )

    def _feed_job(self, job: Job, progress: Progress) -> str:
        # Resumed from the feed's stored cursor, committed with each batch (monitoring.feeds).
        # A TAXII server's password comes from the environment, never from the database.
        variable = "LIUBU_FEED_PASSWORD_" + job.subject.upper().replace("-", "_").replace(".", "_")
        result = pull_feed(self.uow(SYSTEM), job.subject, password=os.environ.get(variable))
        progress(result.pages, result.pages)
        return json.dumps(result.as_dict())

    def queue_service_schedule(self, *, tenant_id: str) -> Job:
        """Queue the scheduling of bundled services and monthly rescans (保中服务) — after a
        bind, and on a schedule; the run covers every policy in force, so asking twice while
        one is waiting runs it once."""
        return enqueue(self.uow(SYSTEM), SCHEDULE_JOB, "services", tenant_id=tenant_id)

    def _schedule_services_job(self, job: Job, progress: Progress) -> str:
        # Idempotent: a run cut off mid-way is simply run again (nothing is created twice).
        today = shanghai_today()
        result = schedule_services(self.uow(SYSTEM), today)
        scans = run_due_rescans(self.uow(SYSTEM), today)
        return json.dumps({**result.as_dict(), "rescans_queued": len(scans)})

    # --- notifications (docs/notifications.md) ----------------------------------------------

    def outbound_allowed(self) -> AddressAllowed:
        """The outbound-address guard webhooks share with the scanner: public addresses only;
        loopback too when ``LIUBU_NOTIFY_ALLOW_LOOPBACK`` is set (tests; refused in
        production)."""
        loopback = self.settings.notify_allow_loopback

        def allowed(address: str) -> bool:
            return is_public(address) or (loopback and ipaddress.ip_address(address).is_loopback)

        return allowed

    def notification_senders(self) -> dict[Channel, Sender]:
        settings = self.settings
        senders: dict[Channel, Sender] = {
            Channel.WEBHOOK: WebhookSender(
                allowed=self.outbound_allowed(), timeout=settings.webhook_timeout_seconds
            )
        }
        if settings.smtp_host:
            password = settings.smtp_password
            senders[Channel.EMAIL] = SmtpSender(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_sender,
                timeout=settings.smtp_timeout_seconds,
                starttls=settings.smtp_starttls,
                username=settings.smtp_username,
                password=password.get_secret_value() if password is not None else None,
            )
        return senders

    def deliver_notifications(self, *, now: datetime | None = None) -> DeliveryReport:
        """Send the notification deliveries due now (what the ``notify.deliver`` job runs)."""
        return deliver_due(
            lambda: self.uow(SYSTEM),
            senders=self.notification_senders(),
            cipher=self.cipher,
            base_url=self.settings.public_url,
            now=now,
        )

    def _deliver_job(self, job: Job, progress: Progress) -> str:
        # Idempotent: each delivery is claimed before it is sent, so a re-run sends only what
        # is still due.
        return json.dumps(self.deliver_notifications().as_dict())

    def claims_import_folder(self, tenant_id: str) -> Path:
        """Where a tenant's uploaded anti-fraud claims files are kept until their import ends
        (apart from the policy uploads, which :meth:`sweep_uploads` looks after)."""
        return self.settings.data_dir / "claims-imports" / tenant_id

    def queue_claims_import(self, principal: Principal, path: Path, *, file_name: str) -> Job:
        """Queue the import of an uploaded claims file (named by its SHA-256) for the caller's
        insurer; the worker runs :func:`liubu.claims.import_antifraud_claims` on it."""
        payload = {
            "file": path.relative_to(self.settings.data_dir).as_posix(),
            "file_name": file_name,
        }
        return enqueue(
            self.uow(principal),
            ANTI_FRAUD_CLAIMS_IMPORT,
            path.stem,
            tenant_id=principal.tenant_id,
            payload=payload,
        )

    def _claims_import_job(self, job: Job, progress: Progress) -> str:
        # Resumable as the policy import is (a checkpoint per committed chunk); the upload holds
        # resident IDs in plain text and is deleted once the import has ended.
        root = (self.settings.data_dir / "claims-imports").resolve()
        path = (self.settings.data_dir / job.payload["file"]).resolve()
        if not path.is_relative_to(root) or path.suffix != ".csv":
            raise ValidationError(f"The claims file {job.payload['file']!r} is not an upload.")
        try:
            summary = import_antifraud_claims(
                lambda: self.uow(SYSTEM),
                path,
                cipher=PersonalDataCipher(self.settings.personal_data_key),
                error_path=path.with_name(path.name + ".errors.csv"),
                today=shanghai_today(),
                insurer=job.tenant_id,
                progress=progress,
            )
        except Exception:
            if job.attempts >= job.max_attempts:
                path.unlink(missing_ok=True)
            raise
        path.unlink(missing_ok=True)
        shown = {k: v for k, v in dataclasses.asdict(summary).items() if k != "error_file"}
        return json.dumps(shown, ensure_ascii=False, default=str)

    # --- book simulations as jobs (docs/portfolio.md) -----------------------------------------

    def portfolio_run_folder(self, tenant_id: str, run_id: str) -> Path:
        """Where a run's uploaded book and catalogue (``inputs/``) and its ORD files (``ord/``)
        are kept: under the data directory every worker shares."""
        return self.settings.data_dir / "portfolio-runs" / tenant_id / run_id

    def queue_portfolio_run(
        self,
        principal: Principal,
        *,
        source: RunSource | str,
        years: int,
        seed: int,
        block_years: int | None = None,
        book: tuple[str, bytes] | None = None,
        catalogue: tuple[str, bytes] | None = None,
    ) -> PortfolioRun:
        """Check, keep and queue a simulation of the caller's book: ``book`` and ``catalogue``
        are uploaded files (name, content). The inputs are read before anything is queued, so a
        bad file is refused with its line and field and leaves nothing behind."""
        run = new_run(
            principal,
            source=source,
            years=years,
            seed=seed,
            block_years=DEFAULT_BLOCK_YEARS if block_years is None else block_years,
            workers=self.settings.portfolio_workers,
            book_name=book[0] if book else None,
            catalogue_name=catalogue[0] if catalogue else None,
        )
        if run.source is RunSource.FILES and catalogue is None:
            raise ValidationError(
                "A run from files needs a catalogue file beside the book.",
                code=PortfolioCode.BAD_RUN,
                field="catalogue",
            )
        folder = self.portfolio_run_folder(run.tenant_id, run.id)
        try:
            inputs = folder / "inputs"
            inputs.mkdir(mode=0o700, parents=True)
            for field_name, upload in (("book", book), ("catalogue", catalogue)):
                if upload is not None:
                    _check_upload(field_name, upload[1])
                    (inputs / _input_name(field_name, upload[0])).write_bytes(upload[1])
            self._portfolio_book(run)  # located errors now, not in the worker
            return queue_run(self.uow(principal), run)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def _portfolio_book(self, run: PortfolioRun) -> tuple[Book, Catalogue]:
        """The one place a run's book and catalogue come from. ``files``: the uploads kept with
        the run. ``store``: the insurer's own book (the catalogue uploaded, or the shipped one)
        (``portfolio.insurer_book``: its policies in force and its imported existing book)."""
        inputs = self.portfolio_run_folder(run.tenant_id, run.id) / "inputs"
        catalogue_file = inputs / _input_name("catalogue", run.catalogue_name or "")
        catalogue = (
            load_catalogue(
                _input_text(catalogue_file, run.catalogue_name),
                source_name=run.catalogue_name or "catalogue.yaml",
            )
            if run.catalogue_name
            else demo_catalogue()
        )
        if run.source is RunSource.STORE:
            own = insurer_book(self.uow(SYSTEM), run.tenant_id, catalogue).book
            if own is None:
                raise ValidationError(
                    "Your insurer has no policy in force and no imported existing book to "
                    "simulate: bind policies, or import the existing book first (liubu "
                    "portfolio book import, or POST /api/portfolio/book).",
                    code=PortfolioCode.EMPTY_BOOK,
                    field="source",
                )
            return own, catalogue
        book_name = run.book_name or "book.yaml"
        book_file = inputs / _input_name("book", book_name)
        book = load_book(
            _input_text(book_file, book_name), catalogue=catalogue, source_name=book_name
        )
        return book, catalogue

    def portfolio_ord_files(self, run: PortfolioRun) -> list[Path]:
        """The ORD files kept for a finished run (none before it succeeded)."""
        folder = self.portfolio_run_folder(run.tenant_id, run.id) / "ord"
        return sorted(folder.glob("*.csv")) if folder.is_dir() else []

    def portfolio_ord_archive(self, run: PortfolioRun) -> Path:
        """The zip of a finished run's ORD files, written once beside them (the API and the page
        serve the same file); NotFoundError before the run succeeded."""
        files = self.portfolio_ord_files(run)
        if run.state != JobState.SUCCEEDED or run.summary is None or not files:
            raise NotFoundError(f"The run {run.id} has no ORD files yet.")
        archive = files[0].parent.parent / "ord.zip"
        if not archive.exists():
            partial = archive.with_suffix(f".{uuid.uuid4().hex}.partial")
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
                for file in files:
                    zipped.write(file, arcname=file.name)
            partial.replace(archive)
        return archive

    def _portfolio_run_job(self, job: Job, progress: Progress) -> str:
        # Re-run from the start after a crash or a failed attempt: the years are a function of
        # the seed, so a re-run gives the same numbers; the summary is stored only once the whole
        # simulation and its ORD files are written, and a stored summary is never redone.
        with self.uow(SYSTEM) as uow:
            run = uow.portfolio_runs.get(job.payload["run_id"])
        if run.summary is not None:
            return json.dumps({"run_id": run.id, "already_done": True})
        book, catalogue = self._portfolio_book(run)
        folder = self.portfolio_run_folder(run.tenant_id, run.id)
        ylt, ord_dir = folder / "ylt", folder / "ord"
        for each in (ylt, ord_dir):
            shutil.rmtree(each, ignore_errors=True)
        ylt.mkdir(mode=0o700, parents=True)
        try:
            try:
                result = run_book(
                    book,
                    catalogue,
                    years=run.years,
                    seed=run.seed,
                    workers=run.workers,
                    scheduler=self.settings.portfolio_scheduler,
                    block_years=run.block_years,
                    ylt_dir=str(ylt),
                    progress=progress,
                )
            except ValidationError:
                raise
            except Exception as error:  # a block that failed in this process
                raise BlockFailedError(
                    f"A block of the simulation failed ({type(error).__name__}: {error}); no "
                    "partial result is summed.",
                    code=PortfolioCode.BLOCK_FAILED,
                    field="block",
                ) from error
            write_ord(result, book, ord_dir)
            if run.source is RunSource.STORE:  # the insurer's own book: its capital for pricing
                period = capital_period(self.uow(SYSTEM), run.tenant_id)
                if run.years >= period:
                    store_run_capital(self.uow(SYSTEM), run.tenant_id, run.id, result, book)
        finally:
            shutil.rmtree(ylt, ignore_errors=True)
        summary = summary_of(result)
        record_summary(self.uow(SYSTEM), run.id, summary)
        return json.dumps({"run_id": run.id, "years": summary.years, "aal": summary.aal})

    def worker(self, *, poll_seconds: float | None = None) -> Worker:
        settings = WorkerSettings(
            lease_seconds=self.settings.job_lease_seconds,
            poll_seconds=poll_seconds or self.settings.job_poll_seconds,
        )
        return Worker(lambda: self.uow(SYSTEM), self.job_handlers(), settings=settings)

    def sweep_uploads(self, *, now: float | None = None) -> list[Path]:
        """Delete the uploaded import files that no queued or running job will read — those of
        a job that failed because its worker died on the last attempt (its handler never ran to
        delete them). An upload is written just before its job is queued, so only files older
        than two leases are considered. Error files (``*.errors.csv``) are the user's report
        and stay. Returns what was deleted."""
        root = self.settings.data_dir / "imports"
        if not root.is_dir():
            return []
        cutoff = (time.time() if now is None else now) - 2 * self.settings.job_lease_seconds
        removed: list[Path] = []
        for path in sorted(root.glob("*/*.csv")):
            try:
                if path.name.endswith(".errors.csv") or path.stat().st_mtime > cutoff:
                    continue
            except FileNotFoundError:  # its import ended and deleted it meanwhile
                continue
            try:
                job = job_for(self.uow(SYSTEM), ANTI_FRAUD_IMPORT, path.stem)
            except SQLAlchemyError:  # database down or not migrated: sweep another time
                return removed
            if job is not None and job.state in ACTIVE:
                continue
            path.unlink(missing_ok=True)
            removed.append(path)
        return removed

    def start_worker(self) -> None:
        """Run one worker thread in this process until :meth:`dispose` (the embedded default);
        the thread first deletes uploads that no live job will read (:meth:`sweep_uploads`), so
        the server's start-up does not wait for it."""
        if self._worker_thread is not None:
            return
        self._worker_stop.clear()
        worker = self.worker()

        def sweep_then_work(stop: threading.Event) -> None:
            self.sweep_uploads()
            worker.run(stop)

        thread = threading.Thread(
            target=sweep_then_work, args=(self._worker_stop,), name="liubu-worker", daemon=True
        )
        thread.start()
        self._worker_thread = thread

    def stop_worker(self) -> None:
        """Stop taking jobs and wait (up to a lease) for the running one; a job still running
        after that keeps its lease until it expires, and is then resumed by another worker."""
        thread, self._worker_thread = self._worker_thread, None
        if thread is None:
            return
        self._worker_stop.set()
        thread.join(timeout=self.settings.job_lease_seconds)

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
        self.stop_worker()
        self.engine.dispose()

    def _scan_job(self, job: Job, progress: Progress) -> str:
        # Re-run from the stored request: a scan cut off mid-way is probed again from the start
        # and its findings are stored only at its end, in one transaction. A scan that did end
        # (its worker died before recording the job's end) is not probed again.
        scan_id = job.payload["scan_id"]
        with self.uow(SYSTEM) as uow:
            ended = uow.assessment.scan(scan_id).status in (ScanState.FINISHED, ScanState.FAILED)
        if not ended:
            self.run_scan(scan_id, on_progress=progress)
        with self.uow(SYSTEM) as uow:
            status = uow.assessment.scan(scan_id).status
        # A monthly rescan's tasks (保中服务) are completed with the scan as their evidence, and
        # what it found that the scan before it did not raises alerts (保中监控).
        if complete_rescans(self.uow(SYSTEM), scan_id):
            alert_new_findings(self.uow(SYSTEM), scan_id)
        return json.dumps({"scan_id": scan_id, "status": str(status)})

    def _escalate_job(self, job: Job, progress: Progress) -> str:
        # Idempotent (an alert's escalation only rises), so a run cut off is simply run again;
        # meant for the recurring schedule. ``payload["at"]`` (ISO 8601) pins the moment.
        at = job.payload.get("at")
        moment = datetime.fromisoformat(at) if at else None
        result = escalate_overdue(self.uow(SYSTEM), moment)
        return json.dumps({"overdue": result.overdue, "escalated": result.escalated})

    def _import_job(self, job: Job, progress: Progress) -> str:
        # Resumed from the checkpoint committed with the import's last chunk: a policy key
        # already stored is never issued again (liubu.massissue, docs/mass-issuance.md). The
        # upload holds personal data in plain text: it is deleted once the import has ended —
        # finished, or failed on its last attempt — and kept only while a resume may need it.
        arguments = job.payload
        try:
            summary = self._run_import_job(job, progress)
        except Exception:
            if job.attempts >= job.max_attempts:
                self._forget_upload(arguments["file"])
            raise
        self._forget_upload(arguments["file"])
        return summary

    def _run_import_job(self, job: Job, progress: Progress) -> str:
        arguments = job.payload
        with self.uow(SYSTEM) as uow:
            record = products.find_product(uow, arguments["product"])
        spec = parse_product(record.document, source=record.product_ref)
        inception = date.fromisoformat(arguments["inception"])
        chunk = arguments.get("chunk_size")
        plan = (
            ImportPlan(spec, inception)
            if chunk is None
            else ImportPlan(spec, inception, chunk_size=int(chunk))
        )
        store = SqlIssueStore(
            self.uow,
            tenant_id=job.tenant_id,
            product_ref=spec.product_id,
            inception=plan.inception.isoformat(),
            file_name=arguments["file_name"],
        )
        done = store.checkpoint_for(job.subject, plan.plan_key)
        if done is not None and done.finished:
            # The same file posted again after its import ended: the upload may already be
            # deleted by the job that ended it; nothing is issued twice either way.
            summary = ImportSummary(
                issued=0,
                accepted=done.accepted,
                rejected=done.rejected,
                blank=done.blank,
                rejected_by_code=dict(done.rejected_by_code),
                resumed=False,
                already_done=True,
                error_file="",
            )
            shown = {k: v for k, v in dataclasses.asdict(summary).items() if k != "error_file"}
            return json.dumps(shown, ensure_ascii=False)
        path = self._import_file(arguments["file"])
        summary = run_import(
            store,
            path,
            plan=plan,
            cipher=PersonalDataCipher(self.settings.personal_data_key),
            error_path=path.with_name(path.name + ".errors.csv"),
            progress=progress,
        )
        shown = {k: v for k, v in dataclasses.asdict(summary).items() if k != "error_file"}
        return json.dumps(shown, ensure_ascii=False)

    def _forget_upload(self, relative: str) -> None:
        root = (self.settings.data_dir / "imports").resolve()
        path = (self.settings.data_dir / relative).resolve()
        if path.is_relative_to(root) and path.suffix == ".csv":
            path.unlink(missing_ok=True)

    def _import_file(self, relative: str) -> Path:
        """The uploaded file a job names, refused if the name points outside the imports."""
        root = (self.settings.data_dir / "imports").resolve()
        path = (self.settings.data_dir / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise ValidationError(f"The import file {relative!r} is not among the uploads.")
        return path


#: The largest book or catalogue file a run accepts.
MAX_PORTFOLIO_UPLOAD = 16 << 20


def _check_upload(field_name: str, content: bytes) -> None:
    if len(content) > MAX_PORTFOLIO_UPLOAD:
        raise ValidationError(
            f"The {field_name} file is larger than {MAX_PORTFOLIO_UPLOAD >> 20} MiB.",
            code=PortfolioCode.FILE_TOO_LARGE,
            field=field_name,
        )
    if not content.strip():
        raise ValidationError(
            f"The {field_name} file is empty.", code=PortfolioCode.BAD_FILE, field=field_name
        )


def _input_name(field_name: str, uploaded: str) -> str:
    """A kept input's file name: the field and the uploaded name's kind (CSV or YAML), never
    the uploaded name itself."""
    return f"{field_name}.csv" if uploaded.lower().endswith(".csv") else f"{field_name}.yaml"


def _input_text(path: Path, name: str | None) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            f"The file {name} is not UTF-8 text.", code=PortfolioCode.BAD_FILE, location=name
        ) from None
    except OSError:
        raise ValidationError(
            f"The file {name} kept with the run is missing.",
            code=PortfolioCode.BAD_FILE,
            location=name,
        ) from None


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
