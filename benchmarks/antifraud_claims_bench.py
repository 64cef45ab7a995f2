"""Bulk anti-fraud claims: 100,000 claim rows against a 2,000,000-person book, on SQLite, against
a straightforward SQLAlchemy ORM loop.

    .venv/bin/python -m benchmarks antifraud_claims

``LIUBU_BENCH_PERSONS`` sets the book (default 2,000,000; try 50000 first), ``LIUBU_BENCH_CLAIMS``
the claims file (default 100,000), ``LIUBU_BENCH_PEER_ROWS`` the ORM peer's sample (default
20,000), ``LIUBU_BENCH_CACHE`` where the built book is kept between runs (default
``var/bench-cache``). Building the book is the existing bulk issue (``write_synthetic_csv``, seed
2025, inception 2025-03-01, no broken lines, then ``run_import`` with ``SqlIssueStore``, as
``liubu.pilot`` does); it takes minutes at 2,000,000, so the SQLite file is cached under a name
that carries the size and seed, and each run works on a copy.

The claims file takes every k-th person of the book (k = persons ÷ claims; 98 %), plus 1 % of
persons not in the book and 1 % of lines with a bad receipt number; losses are spread over the
policy year with 3 % inside the waiting period and 5 % told late. Then, in child processes:

- liubu: ``import_antifraud_claims`` (10,000-line chunks: batch hashing and encryption, one
  ``IN`` query for the chunk's policies, one for their year-to-date, one for receipts already
  claimed, one multi-row ``INSERT``, a checkpoint and an audit event per chunk), timed cold (the
  first run in a fresh process) and warm (the same process again, after the claims are deleted);
- the peer: ``csv.DictReader``, the same checks (``parse_receipt_number``,
  ``parse_resident_id``, ``AntifraudClaim``), per row one keyed hash, one ORM ``SELECT`` of the
  resident's policy and one of the receipt (idempotency), the same :func:`liubu.claims.assess`
  with the year-to-date kept in a dict, one ORM object per claim (``session.add``, a commit every
  1,000 rows); no running totals and no audit (both flatter the peer); first
  ``LIUBU_BENCH_PEER_ROWS`` lines, cold and warm likewise.

The run checks that both assess the peer's sample to the same total payable.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, registry

from benchmarks.processes import CACHE, sqlite_platform
from liubu.accounts.model import SYSTEM, new_id
from liubu.bootstrap import Platform
from liubu.claims import (
    AntifraudClaim,
    AntifraudTerms,
    YearToDate,
    assess_antifraud_claim,
    import_antifraud_claims,
    parse_receipt_number,
)
from liubu.core import PersonalDataCipher, mask_resident_id, parse_resident_id
from liubu.demo import load_reference_products
from liubu.errors import ValidationError
from liubu.massissue import ImportPlan, run_import, synthetic_lines, write_synthetic_csv
from liubu.products import parse_product
from liubu.store import tables
from liubu.store.personal import SqlIssueStore

PERSONS = int(os.environ.get("LIUBU_BENCH_PERSONS", "2000000"))
CLAIMS = int(os.environ.get("LIUBU_BENCH_CLAIMS", "100000"))
PEER_ROWS = int(os.environ.get("LIUBU_BENCH_PEER_ROWS", "20000"))
SEED = 2025
INCEPTION = dt.date(2025, 3, 1)
TODAY = dt.date(2026, 12, 7)
PRODUCT = "yangben-pc/anti-fraud@1"
COMMIT_EVERY = 1_000
SECRET_KEY = "antifraud claims benchmark secret key, not for production use"
DATA_KEY = "YW50aWZyYXVkLWNsYWltcy1iZW5jaC1kYXRhLWtleTE="  # 32 bytes, url-safe base64
HEADER = "receipt_number,resident_id,loss_amount,loss_date,police_report_date,notified_on\n"


class PersonalClaim:
    """The ORM peer's mapped class: one object per ``personal_claims`` row."""


class PersonalPolicy:
    """The ORM peer's policy lookup."""


_mapper = registry()
_mapper.map_imperatively(PersonalClaim, tables.personal_claims)
_mapper.map_imperatively(PersonalPolicy, tables.personal_policies)


def _platform(db: Path, data_dir: Path) -> Any:
    return sqlite_platform(db, data_dir, secret_key=SECRET_KEY, data_key=DATA_KEY)


def _tenant(platform: Platform) -> str:
    with platform.uow() as uow:
        record = next(r for r in uow.products.list() if r.product_ref == PRODUCT)
    return record.tenant_id


def book(folder: Path) -> Path:
    """The cached 2,000,000-person book (built with the existing bulk issue when missing)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"antifraud-book-{PERSONS}-seed{SEED}.sqlite"
    if cached.exists():
        print(f"book: cached {cached} ({cached.stat().st_size / 2**20:,.0f} MiB)", flush=True)
        return cached
    building = cached.with_suffix(".building")
    building.unlink(missing_ok=True)
    people = folder / "people.csv"
    start = time.perf_counter()
    write_synthetic_csv(people, PERSONS, seed=SEED, inception=INCEPTION)
    platform = _platform(building, folder)
    load_reference_products(platform)
    with platform.uow() as uow:
        record = next(r for r in uow.products.list() if r.product_ref == PRODUCT)
    spec = parse_product(record.document, source=record.product_ref)
    store = SqlIssueStore(
        platform.uow,
        tenant_id=record.tenant_id,
        product_ref=spec.product_id,
        inception=INCEPTION.isoformat(),
        file_name=people.name,
    )
    summary = run_import(
        store,
        people,
        plan=ImportPlan(spec, INCEPTION),
        cipher=PersonalDataCipher(platform.settings.personal_data_key),
        error_path=folder / "people.errors.csv",
    )
    with platform.engine.begin() as connection:
        connection.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
    platform.dispose()
    building.rename(cached)
    print(
        f"book: built {summary.issued:,} policies in {time.perf_counter() - start:,.0f} s "
        f"-> {cached}",
        flush=True,
    )
    return cached


def claims_file(path: Path) -> None:
    """Every k-th person of the book, 1 % strangers, 1 % bad receipts (seeded)."""
    rng = random.Random(SEED)
    step = max(1, PERSONS // CLAIMS)
    book_ids = (line.text.split(",")[1] for line in synthetic_lines(PERSONS, seed=SEED))
    strangers = (line.text.split(",")[1] for line in synthetic_lines(CLAIMS, seed=SEED + 1))
    lines = [HEADER]
    for serial, number in enumerate(n for i, n in enumerate(book_ids) if i % step == 0):
        if serial == CLAIMS:
            break
        roll = rng.random()
        person = next(strangers) if roll < 0.01 else number
        day = rng.randrange(0, 7) if roll > 0.97 else rng.randrange(0, 365)
        loss = INCEPTION + dt.timedelta(days=day)
        report = loss + dt.timedelta(days=rng.randrange(0, 2))
        told = report + dt.timedelta(days=rng.randrange(5, 9) if roll < 0.06 else rng.randrange(3))
        receipt = f"A110105010000{report:%Y%m}{serial:06d}"
        if 0.01 <= roll < 0.02:
            receipt = receipt[:10]
        amount = rng.randrange(500, 60_000)
        lines.append(f"{receipt},{person},{amount},{loss},{report},{told}\n")
    path.write_text("".join(lines), encoding="utf-8")


def _reset(platform: Platform) -> None:
    with platform.engine.begin() as connection:
        connection.execute(sa.delete(tables.personal_claims))
        connection.execute(sa.delete(tables.personal_claim_batches))
        connection.execute(sa.update(tables.personal_policy_totals).values(claims=0, claims_paid=0))


def _sample_payable(platform: Platform) -> str:
    t = tables.personal_claims
    with platform.engine.connect() as connection:
        total = connection.execute(
            sa.select(sa.func.sum(t.c.payable)).where(t.c.line <= PEER_ROWS + 1)
        ).scalar_one()
    return str(Decimal(str(total or 0)).quantize(Decimal("0.01")))


def liubu_child(db: str, data_dir: str, path: str) -> dict[str, Any]:
    platform = _platform(Path(db), Path(data_dir))
    tenant_id = _tenant(platform)
    found: dict[str, Any] = {}
    for run in ("cold", "warm"):
        start = time.perf_counter()
        summary = import_antifraud_claims(
            lambda: platform.uow(SYSTEM),
            Path(path),
            cipher=PersonalDataCipher(platform.settings.personal_data_key),
            error_path=Path(data_dir) / "claims.errors.csv",
            today=TODAY,
            insurer=tenant_id,
        )
        found[run] = time.perf_counter() - start
        found["stored"], found["rejected"] = summary.stored, summary.rejected
        found["payable"] = str(summary.payable)
        found["sample_payable"] = _sample_payable(platform)
        _reset(platform)
    platform.dispose()
    return found


def _peer_run(platform: Platform, path: Path, tenant_id: str) -> tuple[int, Decimal]:
    cipher = PersonalDataCipher(platform.settings.personal_data_key)
    with platform.uow() as uow:
        spec = next(
            parse_product(r.document, source=r.product_ref)
            for r in uow.products.list()
            if r.product_ref == PRODUCT
        )
    terms: dict[Decimal, AntifraudTerms] = {}
    to_date: dict[str, YearToDate] = {}
    stored, payable = 0, Decimal(0)
    with Session(platform.engine) as session, path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            if line > PEER_ROWS + 1:
                break
            try:
                number = parse_resident_id(record["resident_id"]).number
                claim = AntifraudClaim(
                    receipt=parse_receipt_number(record["receipt_number"]),
                    loss_amount=Decimal(record["loss_amount"]).quantize(Decimal("0.01")),
                    loss_date=dt.date.fromisoformat(record["loss_date"]),
                    police_report_date=dt.date.fromisoformat(record["police_report_date"]),
                    notified_on=dt.date.fromisoformat(record["notified_on"]),
                )
            except (ValidationError, ValueError, ArithmeticError):
                continue
            person_hash = cipher.lookup_hash(number, field="resident_id")
            policy = (
                session.query(PersonalPolicy)
                .filter_by(tenant_id=tenant_id, resident_id_hash=person_hash)
                .first()
            )
            if policy is None:
                continue
            seen = (
                session.query(PersonalClaim.id)  # type: ignore[attr-defined]
                .filter_by(tenant_id=tenant_id, receipt_number=claim.receipt.text)
                .first()
            )
            if seen is not None:
                continue
            key, limit = policy.policy_key, Decimal(str(policy.limit))  # type: ignore[attr-defined]
            if limit not in terms:
                terms[limit] = AntifraudTerms.of(spec, limit=limit)
            before = to_date.get(key, YearToDate())
            result = assess_antifraud_claim(
                claim,
                terms=terms[limit],
                inception=policy.inception,  # type: ignore[attr-defined]
                year_to_date=before,
            )
            to_date[key] = before.after(result)
            row = PersonalClaim()
            for name, value in {
                "id": new_id(),
                "tenant_id": tenant_id,
                "receipt_number": claim.receipt.text,
                "policy_key": key,
                "product_ref": PRODUCT,
                "line": line,
                "resident_id_hash": person_hash,
                "resident_id_encrypted": cipher.encrypt(number, field="resident_id"),
                "resident_id_masked": mask_resident_id(number),
                "loss_amount": claim.loss_amount,
                "recovered_amount": claim.recovered_amount,
                "loss_date": claim.loss_date,
                "police_report_date": claim.police_report_date,
                "notified_on": claim.notified_on,
                "decision": str(result.decision),
                "retention_applied": result.retention_applied,
                "payable": result.payable,
                "payable_from": result.payable_from,
                "worksheet": result.to_dict(),
                "policy_inception": policy.inception,  # type: ignore[attr-defined]
                "province": policy.province,  # type: ignore[attr-defined]
                "created_at": dt.datetime.now(dt.UTC),
            }.items():
                setattr(row, name, value)
            session.add(row)
            stored += 1
            payable += result.payable
            if stored % COMMIT_EVERY == 0:
                session.commit()
        session.commit()
    return stored, payable


def peer_child(db: str, data_dir: str, path: str) -> dict[str, Any]:
    platform = _platform(Path(db), Path(data_dir))
    tenant_id = _tenant(platform)
    found: dict[str, Any] = {}
    for run in ("cold", "warm"):
        start = time.perf_counter()
        stored, payable = _peer_run(platform, Path(path), tenant_id)
        found[run] = time.perf_counter() - start
        found["stored"], found["sample_payable"] = stored, str(payable)
        _reset(platform)
    platform.dispose()
    return found


def _child(kind: str, db: Path, data_dir: Path, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            f"--{kind}",
            str(db),
            str(data_dir),
            str(path),
        ],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {kind} run failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        cached = book(folder)
        work = folder / "book.sqlite"
        shutil.copyfile(cached, work)
        path = folder / "claims.csv"
        claims_file(path)
        lines = CLAIMS
        print(f"claims file: {lines:,} lines, {path.stat().st_size / 2**20:.1f} MiB", flush=True)
        ours = _child("liubu", work, folder, path)
        peer = _child("peer", work, folder, path)
    sample = min(PEER_ROWS, lines)
    print(
        f"liubu import_antifraud_claims: {lines:,} lines, stored {ours['stored']:,}, rejected "
        f"{ours['rejected']:,}, payable ¥{Decimal(ours['payable']):,}"
    )
    print(f"ORM peer: first {sample:,} lines, stored {peer['stored']:,}")
    if ours["sample_payable"] != peer["sample_payable"]:
        raise SystemExit(
            f"the two assess the sample differently: {ours['sample_payable']} ≠ "
            f"{peer['sample_payable']}"
        )
    print(f"same total payable on the peer's sample: ¥{Decimal(peer['sample_payable']):,}")
    for run in ("cold", "warm"):
        ours_rate, peer_rate = lines / ours[run], sample / peer[run]
        ratio = ours_rate / peer_rate
        print(
            f"  {run}: liubu {ours[run]:7.1f} s {ours_rate:>9,.0f} rows/s · ORM peer "
            f"{peer[run]:7.1f} s {peer_rate:>9,.0f} rows/s · liubu ÷ peer {ratio:5.2f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] in ("--liubu", "--peer"):
        run = liubu_child if sys.argv[1] == "--liubu" else peer_child
        print(json.dumps(run(*sys.argv[2:])))
    else:
        main()
