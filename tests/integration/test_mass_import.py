"""Mass anti-fraud issuance through the real CLI process: idempotent, bad rows to the error
file, and a kill -9 in the middle resumes to the same result with no duplicates (SQLite and
PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.massissue import write_synthetic_csv

PRODUCT = "yangben-pc/anti-fraud@1"


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


def _command(path: Path, chunk: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "liubu",
        "policies",
        "import",
        str(path),
        "--product",
        PRODUCT,
        "--inception",
        "2026-12-01",
        "--chunk-size",
        str(chunk),
    ]


def _count(platform: Platform, sql: str) -> int:
    with platform.engine.connect() as connection:
        return int(connection.execute(sa.text(sql)).scalar_one())


@pytest.fixture
def people(tmp_path: Path) -> tuple[Path, int, int]:
    path = tmp_path / "people.csv"
    counts = write_synthetic_csv(path, 30_000, seed=11, bad_fraction=0.01)
    good = counts["good"]
    return path, good, sum(counts.values()) - good


def _import(platform: Platform, path: Path, chunk: int) -> subprocess.CompletedProcess[str]:
    """Run the import CLI to the end, output captured."""
    return subprocess.run(
        _command(path, chunk),
        env=_env(platform),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_importing_twice_issues_once_and_bad_rows_go_to_the_error_file(
    platform: Platform, people: tuple[Path, int, int]
) -> None:
    load_reference_products(platform)
    path, good, bad = people
    first = _import(platform, path, 5000)
    assert first.returncode == 0, first.stderr
    assert f"issued {good:,} new policies" in first.stdout
    assert _count(platform, "SELECT count(*) FROM personal_policies") == good
    errors = path.with_name(path.name + ".errors.csv").read_text("utf-8-sig").splitlines()
    assert len(errors) == 1 + bad  # header + one line per rejected row
    again = _import(platform, path, 5000)
    assert "issued 0 new policies" in again.stdout
    assert _count(platform, "SELECT count(*) FROM personal_policies") == good
    # Personal data is stored only encrypted: no resident ID in clear anywhere in the row.
    with platform.engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT resident_id_masked, resident_id_encrypted FROM personal_policies LIMIT 1"
            )
        ).one()
    assert "*" in row.resident_id_masked
    assert row.resident_id_masked.replace("*", "") not in bytes(row.resident_id_encrypted).hex()


def test_a_kill_9_mid_import_resumes_to_the_same_result(
    platform: Platform, people: tuple[Path, int, int]
) -> None:
    load_reference_products(platform)
    path, good, _bad = people
    process = subprocess.Popen(
        _command(path, 2000),
        env=_env(platform),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done = _count(platform, "SELECT count(*) FROM personal_policies")
        if done >= 4000 or process.poll() is not None:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    interrupted = _count(platform, "SELECT count(*) FROM personal_policies")
    assert 0 < interrupted < good, "the kill must land mid-import"
    resumed = _import(platform, path, 2000)
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed after an interruption" in resumed.stdout
    assert _count(platform, "SELECT count(*) FROM personal_policies") == good
    assert (
        _count(platform, "SELECT count(DISTINCT resident_id_hash) FROM personal_policies") == good
    )
    assert platform.verify_audit_chain().intact
