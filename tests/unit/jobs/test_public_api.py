"""The curated public API of liubu.jobs and what it may import."""

from __future__ import annotations

import ast
from pathlib import Path

import liubu.jobs

PACKAGE = Path(liubu.jobs.__file__).parent
# liubu.datafiles, like liubu.errors, is a leaf that imports nothing else of liubu; the titles of
# the reason codes are read with it.
ALLOWED = ("liubu.errors", "liubu.datafiles", "liubu.jobs")
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "typer", "jinja2", "psycopg", "rich")


def test_public_api_is_pinned() -> None:
    assert liubu.jobs.__all__ == [
        "ACTIVE", "DEFAULT_MAX_ATTEMPTS", "MAX_INTERVAL", "MIN_INTERVAL", "Handler", "Job",
        "JobState", "JobStore", "JobUnitOfWork", "JobsCode", "Progress", "Schedule", "Worker",
        "WorkerSettings", "claim_next", "enqueue", "enqueue_due", "fail", "finish", "job_for",
        "list_schedules", "renew_lease", "report_progress", "schedule", "unschedule",
        "worker_name",
    ]  # fmt: skip
    for name in liubu.jobs.__all__:
        assert getattr(liubu.jobs, name) is not None


def test_the_package_imports_no_other_liubu_package_and_no_framework() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("liubu"):
                    assert name.startswith(ALLOWED), (path.name, name)
                assert not name.startswith(FORBIDDEN), (path.name, name)


def test_modules_stay_short() -> None:
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
