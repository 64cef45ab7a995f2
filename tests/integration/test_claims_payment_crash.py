"""A payment process killed with SIGKILL mid-payment, then run again: exactly one payment, on
SQLite and on PostgreSQL.

The child is a real Python process paying through the same use case on the same database. It
stops at a chosen point of the transaction — just before the commit, or just after it (before it
could report anything) — prints ``PAUSED`` and sleeps; the test kills it with SIGKILL there, then
runs the same request (same idempotency key) again to completion.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from liubu import claims
from liubu.bootstrap import Platform
from liubu.claims import notify
from liubu.store import tables
from tests.integration.claims_world import build, notice

CHILD = r"""
import json, sys, time
from decimal import Decimal
from liubu import claims
from liubu.accounts import OrgKind, Principal, Role
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.store.uow import SqlUnitOfWork

args = json.loads(sys.argv[1])
pause = args["pause"]
real_commit = SqlUnitOfWork.commit

def commit(self):
    if pause == "before_commit":
        self.flush()  # the payment and the reserve change are written, not committed
        print("PAUSED", flush=True)
        time.sleep(120)
    real_commit(self)
    if pause == "after_commit":
        print("PAUSED", flush=True)
        time.sleep(120)

SqlUnitOfWork.commit = commit
platform = bootstrap(load_settings(env="test", **args["settings"]))
who = args["principal"]
principal = Principal(who["user_id"], who["username"], who["tenant_id"], OrgKind(who["kind"]),
                      frozenset(Role(r) for r in who["roles"]))
payee = claims.Payee("某某科技有限公司", "6222020200112233445")
outcome = claims.pay(platform.uow(principal), args["claim_id"], coverage="forensics",
                     amount=Decimal("12345.67"), payee=payee, idempotency_key="crash-key")
print(json.dumps({"id": outcome.payment.id, "repeated": outcome.repeated}), flush=True)
"""


def _run(args: dict[str, object], *, kill: bool) -> dict[str, object] | None:
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        line = process.stdout.readline().strip()
        if kill:
            assert line == "PAUSED", (line, process.stderr.read())
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            assert process.returncode == -signal.SIGKILL
            return None
        errors = process.stderr.read()
        process.wait(timeout=120)
        assert process.returncode == 0, errors
        return dict(json.loads(line))


def _payments(platform: Platform) -> list[sa.Row[tuple[object, ...]]]:
    with platform.engine.connect() as connection:
        return list(connection.execute(sa.select(tables.claim_payments)))


def test_a_payment_killed_mid_way_and_run_again_is_made_exactly_once(platform: Platform) -> None:
    world = build(platform)
    with platform.uow(world.insured) as uow:
        claim_id = notify(uow, notice(world.policy)).claim.id
    with platform.uow(world.adjuster) as uow:
        claims.set_reserve(
            uow, claim_id, coverage="forensics", amount=Decimal("50000"), reason="Estimate."
        )
    settings = platform.settings
    assert settings.secret_key is not None
    assert settings.data_key is not None
    who = world.adjuster
    base = {
        "settings": {
            "database_url": settings.database_url,
            "data_dir": str(settings.data_dir),
            "secret_key": settings.secret_key.get_secret_value(),
            "data_key": settings.data_key.get_secret_value(),
        },
        "principal": {
            "user_id": who.user_id,
            "username": who.username,
            "tenant_id": who.tenant_id,
            "kind": str(who.org_kind),
            "roles": sorted(str(r) for r in who.roles),
        },
        "claim_id": claim_id,
    }
    # Killed after writing, before committing: nothing of it remains.
    _run({**base, "pause": "before_commit"}, kill=True)
    assert _payments(platform) == []
    # Killed after committing, before answering: the payment is there, once.
    _run({**base, "pause": "after_commit"}, kill=True)
    rows = _payments(platform)
    assert len(rows) == 1
    # Run again to the end: the same payment comes back, no second one is made.
    answer = _run({**base, "pause": None}, kill=False)
    assert answer == {"id": rows[0].id, "repeated": True}
    assert len(_payments(platform)) == 1
    with platform.uow(world.adjuster) as uow:
        line = next(
            line for line in uow.claims.reserve_lines(claim_id) if line.coverage == "forensics"
        )
    assert (line.reserve, line.paid) == (Decimal("37654.33"), Decimal("12345.67"))
