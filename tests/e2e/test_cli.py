"""The `liubu` command: every command has --help; errors are one clear line and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from liubu.cli.app import app
from tests.e2e.cli import run_cli
from tests.integration.helpers import PASSWORD


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
    # The demo enterprise is insured in term: its policy is in force today (the watch list reads
    # only those), its verified portal and address are watched (nothing unverified), and the
    # demo's Feodo line and Suricata alerts raised three alerts on the address, which the demo's
    # provider worked into three states.
    watched = json.loads(_run("monitor", "watchlist", "--json", data_dir=tmp_path).stdout)
    assert {(a["enterprise"], a["kind"], a["value"]) for a in watched} == {
        ("苏州示例智能制造有限公司", "domain", "portal.example.cn"),
        ("苏州示例智能制造有限公司", "ipv4", "203.0.113.24"),
    }
    (number,) = {a["policy_number"] for a in watched}
    alerts = json.loads(_run("alerts", "list", "--json", data_dir=tmp_path).stdout)
    assert sorted((a["source"], a["asset"], a["severity"], a["status"]) for a in alerts) == [
        ("feodo", "203.0.113.24", "high", "fix_reported"),
        ("suricata", "203.0.113.24", "high", "acknowledged"),
        ("suricata", "203.0.113.24", "medium", "open"),
    ]
    assert {a["policy_number"] for a in alerts} == {number}
    again = _run("demo", data_dir=tmp_path)  # idempotent
    assert again.returncode == 0, again.stderr
    assert len(json.loads(_run("alerts", "list", "--json", data_dir=tmp_path).stdout)) == 3
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
        PASSWORD,
        data_dir=tmp_path,
    )
    assert bad.returncode != 0
    assert bad.stderr.strip().count("\n") == 0
    assert bad.stderr.startswith("error: No organisation")


def test_a_mistyped_command_or_option_prints_the_usage_and_exits_2(tmp_path: Path) -> None:
    for args in (("nosuch",), ("reserve",), ("products", "list", "--nosuch")):
        result = _run(*args, data_dir=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Usage: liubu" in result.stderr, args
        assert "Traceback" not in result.stderr + result.stdout, args


def test_a_command_on_a_database_never_migrated_says_to_run_db_upgrade(tmp_path: Path) -> None:
    result = _run("products", "list", data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: The database has no liubu tables: run `liubu db upgrade` first."
    ]
    assert _run("db", "upgrade", data_dir=tmp_path).returncode == 0
    listed = _run("products", "list", data_dir=tmp_path)
    assert listed.returncode == 0, listed.stderr


def test_intel_load_names_the_json_files_that_are_not_feeds_and_loads_the_rest(
    tmp_path: Path,
) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "package.json").write_text('{"name": "not-a-feed", "version": "1.0.0"}')
    (feeds / "known_exploited_vulnerabilities.json").write_text(
        '{"title": "CISA Catalog of Known Exploited Vulnerabilities", "catalogVersion": "1",'
        ' "dateReleased": "2025-01-01T00:00:00.000Z", "count": 1, "vulnerabilities": [{'
        '"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2",'
        ' "vulnerabilityName": "Log4Shell", "dateAdded": "2021-12-10",'
        ' "shortDescription": "JNDI", "requiredAction": "Apply updates.",'
        ' "dueDate": "2021-12-24", "knownRansomwareCampaignUse": "Known", "notes": ""}]}'
    )
    result = _run("intel", "load", str(feeds), data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "1 file(s) stored" in result.stdout
    assert "1 skipped (not a feed)" in result.stdout
    assert f"skipped, not a feed: {feeds / 'package.json'}" in result.stderr
