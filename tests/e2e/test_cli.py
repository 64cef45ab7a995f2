"""The `liubu` command: every command has --help; errors are one clear line and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from liubu.cli.app import app
from tests.e2e.cli import run_cli


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for name, command in getattr(group, "commands", {}).items():
        path = (*prefix, name)
        found.append(path)
        found += _commands(command, path)
    return found


def test_every_command_has_help() -> None:
    root = typer.main.get_command(app)
    commands = _commands(root)
    expected = {("db", "upgrade"), ("serve",), ("demo",), ("users", "create"), ("audit", "verify")}
    assert expected <= set(commands)
    runner = CliRunner()
    for path in commands:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, path
        assert "Usage" in result.output, path


_run = run_cli


def test_demo_then_an_error_prints_one_line_and_exits_non_zero(tmp_path: Path) -> None:
    demo = _run("demo", data_dir=tmp_path)
    assert demo.returncode == 0, demo.stderr
    for login in (
        "admin",
        "underwriter",
        "actuary",
        "adjuster",
        "analyst",
        "enterprise",
        "regulator",
    ):
        assert login in demo.stdout
    assert (tmp_path / "liubu.db").exists()
    again = _run("demo", data_dir=tmp_path)  # idempotent
    assert again.returncode == 0, again.stderr
    verify = _run("audit", "verify", data_dir=tmp_path)
    assert verify.returncode == 0
    bad = _run(
        "users",
        "create",
        "--username",
        "x",
        "--org",
        "no-such-org",
        "--role",
        "admin",
        "--password",
        "long enough",
        data_dir=tmp_path,
    )
    assert bad.returncode != 0
    assert bad.stderr.strip().count("\n") == 0
    assert bad.stderr.startswith("error: No organisation")
