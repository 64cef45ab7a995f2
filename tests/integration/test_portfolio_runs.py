"""A book simulation as a durable job, on SQLite and PostgreSQL: the stored summary is the one
``run_book`` gives directly with the same settings (the pure function is the independent truth),
the ORD files are kept with their ORD column names; a block that fails fails the attempt, is
retried by the jobs machinery and stores no summary; bad settings and a bad catalogue are
refused with a located error and queue nothing; another insurer does not find the run."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from liubu import portfolio
from liubu.accounts.model import OrgKind, Role
from liubu.bootstrap import Platform
from liubu.errors import NotFoundError, PermissionDeniedError, ValidationError
from liubu.jobs import JobState
from liubu.portfolio import (
    Book,
    Catalogue,
    PortfolioCode,
    PortfolioRun,
    demo_book,
    demo_catalogue,
    run_book,
    summary_of,
)
from liubu.store import tables
from liubu.underwriting import loads_for
from tests.integration.helpers import make_tenant

DATA = resources.files("liubu.portfolio").joinpath("data")
BOOK = ("demo_book.csv", DATA.joinpath("demo_book.csv").read_bytes())
CATALOGUE = ("demo_catalogue.yaml", DATA.joinpath("demo_catalogue.yaml").read_bytes())
ORD_COLUMNS = {
    "il_S1_selt.csv": ["EventId", "SummaryId", "SampleId", "Loss", "ImpactedExposure"],
    "il_S1_ept.csv": ["SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss"],
    "il_S1_palt.csv": ["SummaryId", "SampleType", "MeanLoss", "SDLoss"],
    "gul_S1_palt.csv": ["SummaryId", "SampleType", "MeanLoss", "SDLoss"],
    # summary set 2: one SummaryId per policy
    "il_S2_summary-info.csv": ["summary_id", "PolNumber", "tiv"],
    "il_S2_palt.csv": ["SummaryId", "SampleType", "MeanLoss", "SDLoss"],
    "il_S2_ept.csv": ["SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss"],
}


def _count(platform: Platform, table: object) -> int:
    import sqlalchemy as sa

    with platform.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_a_run_job_stores_what_run_book_gives(platform: Platform, tmp_path: Path) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.ACTUARY, code="yangben-pc")
    other = make_tenant(platform, OrgKind.INSURER, "Other", Role.ACTUARY, code="other-pc")
    queued = platform.queue_portfolio_run(
        actuary.principal,
        source="files",
        years=2_000,
        seed=7,
        block_years=1_000,
        book=BOOK,
        catalogue=CATALOGUE,
    )
    assert queued.state == JobState.QUEUED
    ended = platform.worker(poll_seconds=0.01).run_once()
    assert ended is not None
    assert ended.state == JobState.SUCCEEDED, ended

    run = portfolio.get_run(platform.uow(actuary.principal), queued.id)
    (tmp_path / "direct").mkdir()
    direct = run_book(
        demo_book(),
        demo_catalogue(),
        years=2_000,
        seed=7,
        workers=0,
        block_years=1_000,
        ylt_dir=str(tmp_path / "direct"),
    )
    assert (run.state, run.progress) == (JobState.SUCCEEDED, 1.0)
    assert run.progress_done == run.progress_total == 2_000
    assert run.summary == summary_of(direct)
    assert run.summary is not None
    assert (run.summary.aal, run.summary.aal_standard_error) == (
        direct.aal,
        direct.aal_standard_error,
    )
    assert [p.aep for p in run.summary.pml] == [direct.loss_at(t).aep for t in (100, 200, 250)]
    assert run.summary.tails == direct.tails
    by_dependency = run.summary.contributions_by("dependency")
    assert by_dependency == direct.contributions_by("dependency")
    assert len(run.summary.contributions_by("policy")) == 20

    files = {p.name: p for p in platform.portfolio_ord_files(run)}
    assert set(ORD_COLUMNS) | {"il_S1_splt.csv"} == set(files)
    for name, columns in ORD_COLUMNS.items():
        with files[name].open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == columns
    with files["il_S1_palt.csv"].open(encoding="utf-8") as f:
        row = next(iter(csv.DictReader(f)))
    assert float(row["MeanLoss"]) == pytest.approx(direct.aal, abs=1e-6)
    assert not (platform.portfolio_run_folder(run.tenant_id, run.id) / "ylt").exists()

    with pytest.raises(NotFoundError):
        portfolio.get_run(platform.uow(other.principal), run.id)
    assert portfolio.list_runs(platform.uow(other.principal)) == []
    assert [r.id for r in portfolio.list_runs(platform.uow(actuary.principal))] == [run.id]


def test_a_store_run_simulates_the_insurers_own_book_and_stores_its_capital(
    platform: Platform, tmp_path: Path
) -> None:
    """source=store: the insurer's book as ``insurer_book`` reads it (here its imported existing
    book: the demo's 200 rows) is simulated by the job, exactly as ``run_book`` on that book,
    and each policy's capital is stored for pricing under the run's id, as the refresh would."""
    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.ACTUARY, code="yangben-pc")
    catalogue = demo_catalogue()
    portfolio.import_book(
        platform.uow(actuary.principal),
        actuary.organisation_id,
        BOOK[1],
        filename=BOOK[0],
        catalogue=catalogue,
    )
    own = portfolio.insurer_book(
        platform.uow(actuary.principal), actuary.organisation_id, catalogue
    )
    assert own.book is not None
    assert (own.from_store, own.imported) == (0, 200)
    queued = platform.queue_portfolio_run(
        actuary.principal, source="store", years=2_000, seed=11, block_years=1_000
    )
    ended = platform.worker(poll_seconds=0.01).run_once()
    assert ended is not None
    assert ended.state == JobState.SUCCEEDED, ended
    run = portfolio.get_run(platform.uow(actuary.principal), queued.id)
    (tmp_path / "direct").mkdir()
    direct = run_book(
        own.book,
        catalogue,
        years=2_000,
        seed=11,
        workers=0,
        block_years=1_000,
        ylt_dir=str(tmp_path / "direct"),
    )
    assert run.summary == summary_of(direct)
    stored = portfolio.stored_book_capital(platform.uow(actuary.principal), actuary.organisation_id)
    assert stored is not None
    assert stored.run_id == run.id
    level = loads_for("yangben-pc").capital_level  # the insurer's own capital level
    assert stored.return_period == round(1 / (1 - float(level)))
    expected = portfolio.book_capital(direct, own.book, return_period=stored.return_period)
    assert stored.book.ratio is not None
    assert expected.book.ratio is not None
    assert float(stored.book.ratio) == pytest.approx(expected.book.ratio, abs=1e-7)
    assert len([r for r in stored.rows if r.segment == "policy"]) == 200


class _FailingBlocks(Platform):
    """The platform whose book source hands the runner a family whose draws always raise, as a
    worker that lost its disk would: the real runner and the real jobs machinery do the rest."""

    def _portfolio_book(self, run: PortfolioRun) -> tuple[Book, Catalogue]:
        from tests.unit.portfolio.books import BI_TERMS, cloud, identical_book, outage
        from tests.unit.portfolio.flaky import FailingOnce

        hours = FailingOnce(30.0, marker=str(self.settings.data_dir / "failed"), always=True)
        catalogue = Catalogue((cloud("cloud-a"),), (outage("a_down", "cloud-a", 0.5, hours),))
        return identical_book(5, dependency="cloud-a", terms=BI_TERMS), catalogue


def test_a_failing_block_fails_the_job_and_stores_no_summary(platform: Platform) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.UNDERWRITER, code="yb")
    failing = _FailingBlocks(
        settings=platform.settings,
        engine=platform.engine,
        session_factory=platform.session_factory,
        audit_key=platform.audit_key,
    )
    queued = failing.queue_portfolio_run(
        actuary.principal,
        source="files",
        years=2_000,
        seed=1,
        block_years=1_000,
        book=BOOK,
        catalogue=CATALOGUE,
    )
    worker = failing.worker(poll_seconds=0.01)
    first = worker.run_once()
    assert first is not None
    assert first.state == JobState.QUEUED  # retried
    run = portfolio.get_run(platform.uow(actuary.principal), queued.id)
    assert (run.state, run.summary) == (JobState.QUEUED, None)
    assert run.error is not None
    assert "no partial result" in run.error
    worker.run_once()
    last = worker.run_once()
    assert last is not None
    assert last.state == JobState.FAILED
    run = portfolio.get_run(platform.uow(actuary.principal), queued.id)
    assert (run.state, run.summary, run.attempts) == (JobState.FAILED, None, 3)
    assert failing.portfolio_ord_files(run) == []


def test_bad_settings_and_files_queue_nothing(platform: Platform) -> None:
    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.ACTUARY, code="yangben-pc")
    enterprise = make_tenant(platform, OrgKind.ENTERPRISE, "Acme", Role.ENTERPRISE_USER)
    bad_catalogue = (
        CATALOGUE[1].decode().replace("target: aliyun-cn-hangzhou", "target: nowhere-cloud", 1)
    )
    assert "nowhere-cloud" in bad_catalogue
    cases = [
        ({"years": 1_000_001}, PortfolioCode.BAD_RUN, "years"),
        ({"years": 0}, PortfolioCode.BAD_RUN, "years"),
        ({"seed": -1}, PortfolioCode.BAD_RUN, "seed"),
        (
            {"catalogue": ("bad.yaml", bad_catalogue.encode())},
            PortfolioCode.UNKNOWN_DEPENDENCY,
            None,
        ),
        ({"catalogue": None}, PortfolioCode.BAD_RUN, "catalogue"),
        ({"book": ("b.csv", b"id,industry\nP1,I\n")}, None, None),
    ]
    for change, code, field in cases:
        arguments = {"years": 2_000, "seed": 1, "book": BOOK, "catalogue": CATALOGUE} | change
        with pytest.raises(ValidationError) as caught:
            platform.queue_portfolio_run(actuary.principal, source="files", **arguments)  # type: ignore[arg-type]
        if code is not None:
            assert caught.value.code == code, caught.value
        if field is not None:
            assert caught.value.field == field
        if change.get("catalogue"):
            assert "bad.yaml" in caught.value.message
            assert "nowhere-cloud" in caught.value.message
    with pytest.raises(ValidationError) as caught:
        platform.queue_portfolio_run(actuary.principal, source="store", years=2_000, seed=1)
    assert caught.value.code == PortfolioCode.EMPTY_BOOK
    with pytest.raises(PermissionDeniedError):
        platform.queue_portfolio_run(
            enterprise.principal,
            source="files",
            years=2_000,
            seed=1,
            book=BOOK,
            catalogue=CATALOGUE,
        )
    assert _count(platform, tables.portfolio_runs) == 0
    assert _count(platform, tables.jobs) == 0
    folder = platform.settings.data_dir / "portfolio-runs"
    assert not folder.exists() or not any(folder.rglob("*.*"))


def test_a_run_whose_worker_died_is_run_again_after_its_lease(
    platform: Platform, tmp_path: Path
) -> None:
    """A worker claims the run and dies mid-way (its lease lapses, a half-written year-loss
    table and ORD file left behind); the next worker runs it again from the start, and the
    summary is the one ``run_book`` gives."""
    from datetime import UTC, datetime, timedelta

    from liubu import jobs

    actuary = make_tenant(platform, OrgKind.INSURER, "Yangben", Role.ADMIN, code="yangben-pc")
    queued = platform.queue_portfolio_run(
        actuary.principal,
        source="files",
        years=2_000,
        seed=3,
        block_years=1_000,
        book=BOOK,
        catalogue=CATALOGUE,
    )
    past = datetime.now(UTC) - timedelta(minutes=10)
    dead = jobs.claim_next(
        platform.uow(), owner="dead-worker", kinds=[portfolio.RUN_JOB], lease_seconds=1, now=past
    )
    assert dead is not None
    assert dead.subject == queued.id
    folder = platform.portfolio_run_folder(queued.tenant_id, queued.id)
    for leftover in (folder / "ylt" / "ylt-000001.parquet", folder / "ord" / "il_S1_elt.csv"):
        leftover.parent.mkdir(parents=True, exist_ok=True)
        leftover.write_bytes(b"half")
    ended = platform.worker(poll_seconds=0.01).run_once()
    assert ended is not None
    assert (ended.state, ended.attempts) == (JobState.SUCCEEDED, 2)
    run = portfolio.get_run(platform.uow(actuary.principal), queued.id)
    (tmp_path / "direct").mkdir()
    direct = run_book(
        demo_book(),
        demo_catalogue(),
        years=2_000,
        seed=3,
        workers=0,
        block_years=1_000,
        ylt_dir=str(tmp_path / "direct"),
    )
    assert run.summary == summary_of(direct)
    assert "il_S1_elt.csv" not in {p.name for p in platform.portfolio_ord_files(run)}
