"""The curated public API of liubu.massissue and what it may import."""

from __future__ import annotations

import ast
from pathlib import Path

import liubu.massissue

PACKAGE = Path(liubu.massissue.__file__).parent
ALLOWED = (
    "liubu.core",
    "liubu.errors",
    "liubu.datafiles",
    "liubu.products",
    "liubu.massissue",
)
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "typer", "jinja2", "psycopg", "rich")


def test_public_api_is_pinned() -> None:
    assert liubu.massissue.__all__ == [
        "BAD_KINDS",
        "ERROR_COLUMNS",
        "MOBILE_FIELD",
        "NAME_FIELD",
        "RESIDENT_ID_FIELD",
        "Chunk",
        "Column",
        "FileFacts",
        "ImportCheckpoint",
        "ImportPlan",
        "ImportSummary",
        "IssueRow",
        "MassissueCode",
        "Person",
        "ReasonText",
        "RowChecker",
        "RowError",
        "SyntheticLine",
        "contract_columns",
        "error_file_header",
        "error_lines",
        "inspect_file",
        "policy_key",
        "read_chunks",
        "reason_codes",
        "resume_from",
        "run_import",
        "seal",
        "synthetic_lines",
        "synthetic_people",
        "write_synthetic_csv",
    ]  # fmt: skip
    for name in liubu.massissue.__all__:
        assert getattr(liubu.massissue, name) is not None


def test_the_package_imports_only_pure_liubu_packages_and_no_framework() -> None:
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
