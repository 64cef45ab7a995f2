"""`liubu --help` stays light: the command tree is built without the engine, the database layer,
the web framework or the business packages, which are imported only by the command that runs.

Checked in a fresh interpreter, because this test session has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("scipy", "numpy", "sqlalchemy", "fastapi", "pandas", "matplotlib")
BUSINESS = (
    "liubu.bootstrap",
    "liubu.store",
    "liubu.risk",
    "liubu.products",
    "liubu.underwriting",
    "liubu.assessment",
    "liubu.experience",
    "liubu.massissue",
    "liubu.portfolio",
    "liubu.api",
    "liubu.web",
)

_PROBE = """
import contextlib, io, json, sys

import typer

import liubu.cli.app as cli

imported = sorted(sys.modules)
groups = sorted(typer.main.get_command(cli.app).commands)
for argv in (["--help"], *([name, "--help"] for name in groups)):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        cli.app(argv, prog_name="liubu")
with open(sys.argv[1], "w", encoding="utf-8") as report:
    json.dump({"import": imported, "help": sorted(sys.modules), "groups": groups}, report)
"""


def _modules_of_a_fresh_process(tmp_path: Path) -> dict[str, list[str]]:
    report = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", _PROBE, str(report)], check=True, timeout=120, capture_output=True
    )
    found: dict[str, list[str]] = json.loads(report.read_text(encoding="utf-8"))
    return found


def _heavy(modules: list[str]) -> list[str]:
    return sorted(
        m
        for m in modules
        if m.split(".")[0] in HEAVY or any(m == b or m.startswith(f"{b}.") for b in BUSINESS)
    )


def test_importing_the_cli_and_asking_every_group_for_help_imports_no_heavy_package(
    tmp_path: Path,
) -> None:
    found = _modules_of_a_fresh_process(tmp_path)
    assert {"risk", "products", "quote", "assess"} <= set(found["groups"])  # the probe saw them
    assert _heavy(found["import"]) == []
    assert _heavy(found["help"]) == []


def test_the_heavy_package_filter_would_catch_the_engine() -> None:
    """The check above is not vacuous: the names the engine brings in are recognised."""
    assert _heavy(["numpy.linalg", "scipy", "liubu.risk.fft", "liubu.cli.app", "rich"]) == [
        "liubu.risk.fft",
        "numpy.linalg",
        "scipy",
    ]
