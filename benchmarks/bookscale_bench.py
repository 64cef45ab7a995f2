"""Books at scale: importing two million anti-fraud insured persons into PostgreSQL and SQLite,
against a plain SQLAlchemy ORM insert, and the regulator's dashboard on the book afterwards.

    .venv/bin/python -m benchmarks bookscale

``LIUBU_BENCH_PERSONS`` sets the number of synthetic persons (default 2,000,000; try 50000 first),
``LIUBU_BENCH_ORM_ROWS`` the ORM peer's sample (default 20,000) and ``LIUBU_BENCH_ENTERPRISES`` the
enterprise book (default 1,500). PostgreSQL is reached through ``LIUBU_TEST_POSTGRES_URL`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``, as the tests); a fresh database is created
for the run and dropped at the end. The file is written once (``write_synthetic_csv``, no broken
lines, as the pilot book) and, per database:

- the peer: one ORM object per row (``session.add``, a commit every 1,000 rows) for the first
  ``LIUBU_BENCH_ORM_ROWS`` rows that ``liubu.massissue.read_chunks`` produces from the same file,
  timed with the reading, into ``personal_policies`` of the empty database (then deleted);
- liubu: ``run_import`` with ``SqlIssueStore``, exactly as ``liubu.pilot`` loads the pilot book
  (PostgreSQL: COPY into a staging table then ``INSERT … ON CONFLICT DO NOTHING``; SQLite:
  ``INSERT OR IGNORE``), in a child process of its own so its peak RSS is the import's;
- then the 1,500-enterprise pilot book (``load_pilot(..., persons=0)``) and the regulator's
  ``market_statistics`` (median of 5) against a naive peer that fetches every personal policy's
  product, province, inception, premium and limit and sums them in Python.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, registry

from liubu.accounts.model import SYSTEM, new_id
from liubu.bootstrap import Platform, bootstrap
from liubu.config import load_settings
from liubu.core import PersonalDataCipher
from liubu.demo import load_reference_products
from liubu.massissue import ImportPlan, inspect_file, read_chunks, write_synthetic_csv
from liubu.massissue.importer import run_import
from liubu.pilot import ANTI_FRAUD, load_pilot
from liubu.products.validation import parse_product
from liubu.statistics import market_statistics
from liubu.store import tables
from liubu.store.personal import SqlIssueStore

PERSONS = int(os.environ.get("LIUBU_BENCH_PERSONS", "2000000"))
ORM_ROWS = int(os.environ.get("LIUBU_BENCH_ORM_ROWS", "20000"))
ENTERPRISES = int(os.environ.get("LIUBU_BENCH_ENTERPRISES", "1500"))
POSTGRES_URL = os.environ.get(
    "LIUBU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ROUNDS = 5
SEED = 2025
INCEPTION = date(2025, 3, 1)
ORM_COMMIT_EVERY = 1_000
SECRET_KEY = "bookscale benchmark secret key, not for production use"
DATA_KEY = "Ym9va3NjYWxlLWJlbmNobWFyay1kYXRhLWtleS0zMmI="  # 32 bytes, url-safe base64


class PersonalPolicy:
    """The ORM peer's mapped class: one object per ``personal_policies`` row."""


registry().map_imperatively(PersonalPolicy, tables.personal_policies)


def _platform(url: str, data_dir: Path) -> Platform:
    settings = load_settings(
        env="test",
        database_url=url,
        data_dir=data_dir,
        secret_key=SECRET_KEY,
        data_key=DATA_KEY,
    )
    return bootstrap(settings, upgrade_schema=True)


def _anti_fraud(platform: Platform) -> tuple[Any, str]:
    with platform.uow() as uow:
        record = next(r for r in uow.products.list() if r.product_ref == ANTI_FRAUD)
    return parse_product(record.document, source=record.product_ref), record.tenant_id


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def child(url: str, data_dir: str, csv_path: str) -> None:
    """The import alone, in its own process: prints one JSON line (seconds, issued, RSS)."""
    platform = _platform(url, Path(data_dir))
    spec, tenant_id = _anti_fraud(platform)
    path = Path(csv_path)
    store = SqlIssueStore(
        platform.uow,
        tenant_id=tenant_id,
        product_ref=spec.product_id,
        inception=INCEPTION.isoformat(),
        file_name=path.name,
    )
    before = _rss_kib()
    start = time.perf_counter()
    summary = run_import(
        store,
        path,
        plan=ImportPlan(spec, INCEPTION),
        cipher=PersonalDataCipher(platform.settings.personal_data_key),
        error_path=Path(data_dir) / (path.name + ".errors.csv"),
    )
    seconds = time.perf_counter() - start
    platform.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "issued": summary.issued,
                "rss_before_kib": before,
                "peak_rss_kib": peak,
            }
        )
    )


def _import_in_child(url: str, data_dir: Path, csv_path: Path) -> dict[str, Any]:
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            url,
            str(data_dir),
            str(csv_path),
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def orm_peer(platform: Platform, csv_path: Path, rows: int) -> tuple[float, int]:
    """Read the first ``rows`` accepted rows with ``read_chunks`` and insert them one ORM object
    at a time; returns (seconds, rows inserted). The rows and their batch are removed after."""
    spec, tenant_id = _anti_fraud(platform)
    plan = ImportPlan(spec, INCEPTION)
    cipher = PersonalDataCipher(platform.settings.personal_data_key)
    batch_id = new_id()
    now = sa.func.now()
    with platform.engine.begin() as connection:
        connection.execute(
            sa.insert(tables.import_batches).values(
                id=batch_id,
                tenant_id=tenant_id,
                product_ref=spec.product_id,
                file_sha256="0" * 64,
                plan_key="orm-peer",
                file_name=csv_path.name,
                checkpoint={},
                issued=0,
                started_at=now,
                updated_at=now,
            )
        )
    facts = inspect_file(csv_path)  # the whole file's hash: outside the peer's timing
    inserted = 0
    start = time.perf_counter()
    with Session(platform.engine) as session:
        for chunk in read_chunks(csv_path, facts=facts, plan=plan, cipher=cipher):
            for row in chunk.rows:
                policy = PersonalPolicy()
                policy.tenant_id = tenant_id  # type: ignore[attr-defined]
                policy.batch_id = batch_id  # type: ignore[attr-defined]
                policy.product_ref = spec.product_id  # type: ignore[attr-defined]
                policy.inception = INCEPTION  # type: ignore[attr-defined]
                for name, value in zip(row._fields, row, strict=True):
                    setattr(policy, name, value)
                session.add(policy)
                inserted += 1
                if inserted % ORM_COMMIT_EVERY == 0:
                    session.commit()
                if inserted == rows:
                    break
            if inserted == rows:
                break
        session.commit()
    seconds = time.perf_counter() - start
    with platform.engine.begin() as connection:
        t = tables.personal_policies
        connection.execute(sa.delete(t).where(t.c.batch_id == batch_id))
        connection.execute(
            sa.delete(tables.import_batches).where(tables.import_batches.c.id == batch_id)
        )
    return seconds, inserted


def naive_dashboard(platform: Platform) -> dict[str, Any]:
    """The personal half of the dashboard, summed in Python over every personal policy row."""
    t = tables.personal_policies
    totals: list[Any] = [0, Decimal(0), Decimal(0)]
    by: dict[str, dict[str, list[Any]]] = {
        d: defaultdict(lambda: [0, Decimal(0), Decimal(0)])
        for d in ("product", "province", "month")
    }
    with platform.engine.connect() as connection:
        result = connection.execute(
            sa.select(t.c.product_ref, t.c.province, t.c.inception, t.c.premium, t.c.limit)
        )
        for product, province, inception, premium, limit in result:
            month = str(inception)[:7]
            for figures in (
                totals,
                by["product"][product],
                by["province"][province],
                by["month"][month],
            ):
                figures[0] += 1
                figures[1] += premium
                figures[2] += limit
    return {"totals": totals, "by": by}


def dashboard(platform: Platform) -> tuple[list[float], list[float], Any, dict[str, Any]]:
    liubu_times: list[float] = []
    naive_times: list[float] = []
    figures: Any = None
    naive: dict[str, Any] = {}
    for _ in range(ROUNDS):
        start = time.perf_counter()
        with platform.uow(SYSTEM) as uow:
            figures = market_statistics(uow)
        liubu_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        naive = naive_dashboard(platform)
        naive_times.append(time.perf_counter() - start)
    return liubu_times, naive_times, figures, naive


def run_database(kind: str, url: str, data_dir: Path, csv_path: Path) -> dict[str, Any]:
    print(f"-- {kind} --", flush=True)
    platform = _platform(url, data_dir)
    load_reference_products(platform)
    orm_seconds, orm_rows = orm_peer(platform, csv_path, ORM_ROWS)
    print(f"  ORM peer: {orm_rows:,} rows in {orm_seconds:.2f} s", flush=True)
    platform.dispose()
    imported = _import_in_child(url, data_dir, csv_path)
    print(
        f"  liubu run_import: {imported['issued']:,} issued in {imported['seconds']:.1f} s, "
        f"peak RSS {imported['peak_rss_kib'] / 2**10:.0f} MiB",
        flush=True,
    )
    platform = _platform(url, data_dir)
    start = time.perf_counter()
    book = load_pilot(platform, work_dir=data_dir, enterprises=ENTERPRISES, persons=0)
    pilot_seconds = time.perf_counter() - start
    print(
        f"  pilot enterprise book: {book.enterprise_policies:,} policies in {pilot_seconds:.1f} s",
        flush=True,
    )
    liubu_times, naive_times, figures, naive = dashboard(platform)
    platform.dispose()
    personal = figures.personal
    if (personal.policies, personal.premium, personal.sum_insured) != tuple(naive["totals"]):
        raise SystemExit(f"the dashboards disagree: {personal} against {naive['totals']}")
    return {
        "orm": (orm_seconds, orm_rows),
        "import": imported,
        "pilot": (pilot_seconds, book.enterprise_policies),
        "dashboard": (statistics.median(liubu_times), statistics.median(naive_times)),
        "policies": personal.policies,
    }


def report(results: dict[str, dict[str, Any]]) -> None:
    print(f"\nimport of {PERSONS:,} persons against the ORM peer ({ORM_ROWS:,} rows, with reading)")
    print(
        f"  {'database':<11} {'liubu s':>8} {'liubu rows/s':>13} {'ORM rows/s':>11} {'ratio':>6} "
        f"{'peak RSS':>9} {'RSS before':>11}"
    )
    for kind, r in results.items():
        imported = r["import"]
        liubu_rate = imported["issued"] / imported["seconds"]
        orm_rate = r["orm"][1] / r["orm"][0]
        print(
            f"  {kind:<11} {imported['seconds']:8.1f} {liubu_rate:13,.0f} {orm_rate:11,.0f} "
            f"{liubu_rate / orm_rate:6.2f} {imported['peak_rss_kib'] / 2**10:6.0f} MiB "
            f"{imported['rss_before_kib'] / 2**10:7.0f} MiB"
        )
    print(f"\nregulator dashboard, median of {ROUNDS} (after {ENTERPRISES:,} enterprises)")
    print(
        f"  {'database':<11} {'policies':>10} {'market_statistics':>18} {'naive Python':>13} "
        f"{'× naive time':>13}"
    )
    for kind, r in results.items():
        liubu, naive = r["dashboard"]
        print(
            f"  {kind:<11} {r['policies']:>10,} {liubu * 1000:15.0f} ms {naive * 1000:10.0f} ms "
            f"{liubu / naive:13.3f}"
        )


def main() -> None:
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"liubu_bench_{uuid.uuid4().hex[:12]}"
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / f"pilot-people-{PERSONS}-{SEED}.csv"
        start = time.perf_counter()
        kinds = write_synthetic_csv(csv_path, PERSONS, seed=SEED, inception=INCEPTION)
        print(
            f"synthetic file: {PERSONS:,} persons ({kinds['good']:,} good), "
            f"{csv_path.stat().st_size / 2**20:.0f} MiB, "
            f"written in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            url = (
                sa.engine.make_url(POSTGRES_URL)
                .set(database=name)
                .render_as_string(hide_password=False)
            )
            pg_dir = Path(folder) / "postgresql"
            pg_dir.mkdir()
            results["PostgreSQL"] = run_database("PostgreSQL", url, pg_dir, csv_path)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        sqlite_dir = Path(folder) / "sqlite"
        sqlite_dir.mkdir()
        url = f"sqlite:///{(sqlite_dir / 'bench.db').as_posix()}"
        results["SQLite"] = run_database("SQLite", url, sqlite_dir, csv_path)
    report(results)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
