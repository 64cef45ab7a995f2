"""Reserving a 40 × 40 paid triangle from the claims store: liubu's ``reserve_product`` (the
store's tenant-scoped development → ``triangle_from_development`` → checked ``Triangle`` →
chain ladder → rounded result) against the peer: one straightforward SQL query of the same
payments and recoveries, a pandas pivot to the cumulative triangle, and chainladder called
directly with the same options (volume-weighted development, no tail).

The store's development is by accident date and valuation day, so the triangle's granularity is
the caller's: 40 accident quarters (2017Q1 … 2026Q4) × 40 development quarters (3 … 120
months). The store is built once — one claim made by the use cases (notice, reserve, payment) as
the template, then 40 × ``CLAIMS_PER_QUARTER`` claims and their seeded quarterly payments written
as copies of its rows — and cached under ``var/bench-cache``.

Run: ``.venv/bin/python -m benchmarks reserving_store``. Prints cold (a fresh interpreter:
bootstrap, import, one reserve) and warm (medians of alternated repeated calls) wall times of
both and their ratios, after checking both give the same ultimate per origin (liubu rounds to
the fen; the peer's, rounded the same way, must be equal, and the relative difference ≤ 1e-9
before rounding where the fen allows it).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from benchmarks.processes import (
    cached_store,
    child_environment,
    describe,
    insert_rows,
    sqlite_platform,
)

SIZE = 40
CLAIMS_PER_QUARTER = int(os.environ.get("LIUBU_BENCH_CLAIMS_PER_QUARTER", "25"))
SEED = 20_261_207
FIRST = dt.date(2017, 1, 1)  # 40 quarters: 2017Q1 … 2026Q4
LAST_VALUATION = dt.date(2026, 12, 31)
ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "reserving store benchmark secret key, not for production use"
DATA_KEY = "cmVzZXJ2aW5nLXN0b3JlLWJlbmNoLWRhdGEta2V5LTE="  # 32 bytes, url-safe base64
REPEAT = 7
PEER_SQL = """
SELECT c.occurred_on AS accident, p.created_at AS at, p.amount AS amount
  FROM claim_payments p JOIN claims c ON c.id = p.claim_id
 WHERE c.tenant_id = :tenant AND c.product_ref = :product AND p.state <> 'declined'
UNION ALL
SELECT c.occurred_on, r.at, -r.amount
  FROM claim_recoveries r JOIN claims c ON c.id = r.claim_id
 WHERE c.tenant_id = :tenant AND c.product_ref = :product
"""


def _quarter_start(index: int) -> dt.date:
    return dt.date(FIRST.year + index // 4, 3 * (index % 4) + 1, 1)


def _platform(db: Path, data_dir: Path) -> Any:
    return sqlite_platform(db, data_dir, secret_key=SECRET_KEY, data_key=DATA_KEY)


def _synthetic(platform: Any, claim_id: str) -> tuple[int, int]:
    """Copies of the template claim and payment: per accident quarter, seeded claims each paid
    in a run-off 1 − 0.8^k over its development quarters (lognormal noise, some quarters
    without payment), every payment valued before ``LAST_VALUATION``."""
    from liubu.accounts.model import new_id
    from liubu.store import tables

    c, p = tables.claims, tables.claim_payments
    rng = np.random.default_rng(SEED)
    claims_rows: list[dict[str, Any]] = []
    payment_rows: list[dict[str, Any]] = []
    with platform.engine.begin() as connection:
        claim = dict(connection.execute(sa.select(c).where(c.c.id == claim_id)).one()._mapping)
        payment = dict(
            connection.execute(sa.select(p).where(p.c.claim_id == claim_id)).one()._mapping
        )
        # The template itself: an accident in the last quarter, paid in it.
        connection.execute(
            sa.update(c).where(c.c.id == claim_id).values(occurred_on=dt.date(2026, 10, 2))
        )
        connection.execute(
            sa.update(p)
            .where(p.c.claim_id == claim_id)
            .values(created_at=dt.datetime(2026, 11, 2, 4, tzinfo=dt.UTC))
        )
    serial = 10_000
    for origin in range(SIZE):
        start = _quarter_start(origin)
        for _ in range(CLAIMS_PER_QUARTER):
            serial += 1
            accident = start + dt.timedelta(days=int(rng.integers(0, 89)))
            identity = new_id()
            at = dt.datetime.combine(accident, dt.time(4), tzinfo=dt.UTC)
            claims_rows.append(
                {
                    **claim,
                    "id": identity,
                    "number": f"LB{serial:09d}",
                    "duplicate_key": f"{serial:064d}",
                    "occurred_on": accident,
                    "discovered_at": at,
                    "notified_at": at,
                    "updated_at": at,
                }
            )
            ultimate = 100_000 * rng.lognormal(0.0, 0.5)
            for k in range(SIZE - origin):
                share = 0.8**k - 0.8 ** (k + 1)
                if rng.random() < 0.3:
                    continue
                amount = round(ultimate * share * rng.lognormal(0.0, 0.2), 2)
                quarter = _quarter_start(origin + k)
                paid_on = max(quarter + dt.timedelta(days=int(rng.integers(0, 89))), accident)
                paid_on = min(paid_on, LAST_VALUATION)
                key = new_id()
                payment_rows.append(
                    {
                        **payment,
                        "id": key,
                        "claim_id": identity,
                        "amount": Decimal(f"{amount:.2f}"),
                        "idempotency_key": key,
                        "request_digest": f"{serial:064d}",
                        "created_at": dt.datetime.combine(paid_on, dt.time(4), tzinfo=dt.UTC),
                    }
                )
    with platform.engine.begin() as connection:
        insert_rows(connection, c, claims_rows)
        insert_rows(connection, p, payment_rows)
    return len(claims_rows), len(payment_rows)


def store() -> Path:
    """The cached store (built when missing)."""
    name = f"reserving-store-{SIZE}x{SIZE}-{CLAIMS_PER_QUARTER}-seed{SEED}.sqlite"
    return cached_store(name, _build)


def _build(db: Path, folder: Path) -> str:
    from tests.integration.claims_world import build, notice

    from liubu import claims
    from liubu.claims import Payee, notify

    platform = _platform(db, folder)
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim = notify(uow, notice(world.policy)).claim
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, claim.id, coverage="forensics", amount=Decimal("50000"), reason="Quote."
        )
        claims.pay(
            uow, claim.id, coverage="forensics", amount=Decimal("20000"),
            payee=Payee("某某科技有限公司", "6222020200112233445"), idempotency_key="tpl",
        )  # fmt: skip
    made, paid = _synthetic(platform, claim.id)
    platform.dispose()
    return f"{made + 1:,} claims, {paid + 1:,} payments"


def _copy(cached: Path, folder: Path) -> Path:
    db = folder / "liubu.sqlite"
    shutil.copyfile(cached, db)
    return db


def _actuary(platform: Any) -> Any:
    """An actuary of the product's insurer (made on the copy, so the cache stays as built)."""
    from liubu.accounts import service as accounts
    from liubu.accounts.model import SYSTEM, Role

    with platform.uow(SYSTEM) as uow:
        tenant = next(r.tenant_id for r in uow.products.list() if r.product_ref == PRODUCT)
        organisation = uow.organisations.get(tenant)
        user = accounts.create_user(
            uow, tenant_id=tenant, username="bench-actuary", password="bench-password-1",
            roles=[Role.ACTUARY],
        )  # fmt: skip
        uow.commit()
        return accounts.principal_for(user, organisation)


PRODUCT = "shifan-pc/sme-cyber-comprehensive@2"


def run_liubu(platform: Any, actuary: Any) -> list[Decimal]:
    from liubu.claims import reserve_product

    with platform.uow(actuary) as uow:
        result = reserve_product(
            actuary, uow.claim_development, product_ref=PRODUCT, basis="paid",
            origin_period="quarter",
        )  # fmt: skip
    return [o.ultimate for o in result.origins]


def run_peer(engine: Any, tenant: str) -> list[float]:
    """One SQL query, a pandas pivot to the cumulative quarterly triangle, chainladder."""
    import chainladder as cl
    import pandas as pd

    frame = pd.read_sql_query(
        sa.text(PEER_SQL), engine, params={"tenant": tenant, "product": PRODUCT}
    )
    accident = pd.to_datetime(frame["accident"])
    valued = (
        pd.to_datetime(frame["at"], utc=True, format="mixed")
        .dt.tz_convert("Asia/Shanghai")
        .dt.tz_localize(None)
        .dt.normalize()
    )
    valued = valued.where(valued >= accident, accident)
    origin = accident.dt.to_period("Q")
    age = (valued.dt.to_period("Q") - origin).apply(lambda offset: offset.n)
    last = valued.max().to_period("Q")
    incremental = (
        pd.DataFrame({"origin": origin, "age": age, "amount": frame["amount"].astype(float)})
        .pivot_table(index="origin", columns="age", values="amount", aggfunc="sum")
        .reindex(
            index=pd.period_range(origin.min(), last, freq="Q"),
            columns=range((last - origin.min()).n + 1),
            fill_value=0.0,
        )
        .fillna(0.0)
    )
    cumulative = incremental.cumsum(axis=1)
    long = cumulative.stack().rename("value").reset_index()
    long.columns = ["origin", "age", "value"]
    long = long[long["origin"] + long["age"] <= last]
    long["valuation"] = (long["origin"] + long["age"]).dt.end_time.dt.normalize()
    long["origin"] = long["origin"].dt.start_time
    triangle = cl.Triangle(
        long, origin="origin", development="valuation", columns=["value"], cumulative=True
    )
    developed = cl.Development(average="volume").fit_transform(triangle)
    model = cl.Chainladder().fit(developed)
    return [float(v) for v in np.asarray(model.ultimate_.values).ravel()]


def _fen(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def child(which: str, db: str) -> None:
    """One cold run in this fresh process: bootstrap, import, one reserve."""
    with tempfile.TemporaryDirectory() as folder:
        platform = _platform(Path(db), Path(folder))
        if which == "liubu":
            from liubu.accounts import service as accounts
            from liubu.store import tables

            with platform.engine.connect() as connection:
                user_id = connection.execute(
                    sa.select(tables.users.c.id).where(tables.users.c.username == "bench-actuary")
                ).scalar_one()
            with platform.uow() as uow:
                user = uow.users.get(user_id)
                actuary = accounts.principal_for(user, uow.organisations.get(user.tenant_id))
            run_liubu(platform, actuary)
        else:
            from liubu.store import tables

            with platform.engine.connect() as connection:
                tenant = connection.execute(
                    sa.select(tables.products.c.tenant_id).where(
                        tables.products.c.product_ref == PRODUCT
                    )
                ).scalar_one()
            run_peer(platform.engine, tenant)


def main() -> None:
    cached = store()
    with tempfile.TemporaryDirectory() as folder:
        db = _copy(cached, Path(folder))
        platform = _platform(db, Path(folder))
        actuary = _actuary(platform)
        tenant = actuary.tenant_id
        ours = run_liubu(platform, actuary)
        peer = run_peer(platform.engine, tenant)
        assert len(ours) == len(peer) == SIZE, (len(ours), len(peer))
        assert [_fen(v) for v in peer] == ours, "ultimates differ"
        worst = max(abs(float(o) - p) / abs(p) for o, p in zip(ours, peer, strict=True))
        assert worst <= max(1e-9, max(0.005 / abs(p) for p in peer)), worst
        timings: dict[str, list[float]] = {"liubu": [], "peer": []}
        for _ in range(REPEAT):  # alternated: liubu, peer, liubu, peer …
            for which, run in (
                ("liubu", lambda: run_liubu(platform, actuary)),
                ("peer", lambda: run_peer(platform.engine, tenant)),
            ):
                started = time.perf_counter()
                run()
                timings[which].append(time.perf_counter() - started)
        platform.dispose()
        warm = {k: statistics.median(v) for k, v in timings.items()}
        print(
            f"{SIZE} x {SIZE} quarterly paid triangle from the store: total ultimate "
            f"{sum(ours):,}; ultimates equal to the fen (largest relative gap before rounding "
            f"{worst:.1e})"
        )
        for which in ("liubu", "peer"):
            print(f"warm  {which:<6} {describe(timings[which])}")
        print(f"warm  ratio  {warm['liubu'] / warm['peer']:.2f} (liubu / peer, medians)")
        env = child_environment({"PYTHONPATH": str(ROOT)})
        cold: dict[str, list[float]] = {"liubu": [], "peer": []}
        for _ in range(3):  # alternated fresh processes
            for which in ("liubu", "peer"):
                call = f"b.child({which!r}, {str(db)!r})"
                argv = [
                    sys.executable,
                    "-c",
                    f"import benchmarks.reserving_store_bench as b; {call}",
                ]
                started = time.perf_counter()
                subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)
                cold[which].append(time.perf_counter() - started)
        for which in ("liubu", "peer"):
            print(f"cold  {which:<6} {describe(cold[which])}")
        ratio = statistics.median(cold["liubu"]) / statistics.median(cold["peer"])
        print(f"cold  ratio  {ratio:.2f} (liubu / peer, medians; both bootstrap and import)")


if __name__ == "__main__":
    main()
