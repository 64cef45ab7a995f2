"""A bulk claims import killed with SIGKILL mid-file (the real CLI process) resumes to the result
an uninterrupted run gives: every line stored once, and each resident paid exactly their limit
(SQLite and PostgreSQL).

The truth is a closed form: each of the four residents claims ¥9,000 two thousand times; the
first claim uses the ¥3,000 retention and pays 6,000 × 0.7 = ¥4,200, later ones 9,000 × 0.7 =
¥6,300 each until the limit is reached, so every resident's claims pay exactly their limit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from liubu.bootstrap import Platform
from tests.integration.personal_claims_book import CLAIMS_HEADER, PEOPLE, issue_book

PER_PERSON = 2_000


def _env(platform: Platform) -> dict[str, str]:
    settings = platform.settings
    assert settings.data_key is not None
    return {
        **os.environ,
        "LIUBU_ENV": "test",
        "LIUBU_DATABASE_URL": settings.resolved_database_url,
        "LIUBU_DATA_DIR": str(settings.data_dir),
        "LIUBU_SECRET_KEY": settings.signing_secret.decode(),
        "LIUBU_DATA_KEY": settings.data_key.get_secret_value(),
    }


def _command(path: Path) -> list[str]:
    return [
        sys.executable, "-m", "liubu", "personal-claims", "import", str(path),
        "--insurer", "yangben-pc", "--chunk-size", "200",
    ]  # fmt: skip


def _count(platform: Platform) -> int:
    with platform.engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM personal_claims")).scalar_one())


def test_a_kill_9_mid_import_resumes_to_each_resident_paid_exactly_their_limit(
    platform: Platform, tmp_path: Path
) -> None:
    issue_book(platform, tmp_path)
    lines = [
        f"A110105010000202603{serial:06d},{person},9000,2026-03-01,2026-03-01,2026-03-02,0,\n"
        for serial, person in enumerate(
            number for _ in range(PER_PERSON) for _name, number, _limit in PEOPLE.values()
        )
    ]
    path = tmp_path / "claims.csv"
    path.write_text(CLAIMS_HEADER + "".join(lines), encoding="utf-8")
    total = len(lines)

    process = subprocess.Popen(
        _command(path), env=_env(platform), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if _count(platform) >= 1_000 or process.poll() is not None:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = _count(platform)
    assert 0 < interrupted < total, "the kill must land mid-import"

    resumed = subprocess.run(
        _command(path), env=_env(platform), capture_output=True, text=True, timeout=600
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after an interruption" in " ".join(resumed.stdout.split())
    assert _count(platform) == total
    with platform.engine.connect() as connection:
        paid = dict(
            connection.execute(
                sa.text(
                    'SELECT p."limit", sum(c.payable) FROM personal_claims c JOIN '
                    'personal_policies p ON p.policy_key = c.policy_key GROUP BY p."limit", '
                    "p.policy_key"
                )
            ).all()
        )
    # the limits of A and C are both ¥10,000: one row each, same key, same value
    assert {Decimal(str(limit)): Decimal(str(total)) for limit, total in paid.items()} == {
        Decimal(limit): Decimal(limit) for _name, _number, limit in PEOPLE.values()
    }
    errors = path.with_name(path.name + ".errors.csv").read_text("utf-8-sig").splitlines()
    assert errors == ["line,code,field,value,reason_zh,reason_en"]  # nothing rejected, once
    assert platform.verify_audit_chain().intact
