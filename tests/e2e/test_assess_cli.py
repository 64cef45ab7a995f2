"""`liubu intel load` on the real feeds and `liubu assess` on real local servers, as a user runs
them: separate processes, an SQLite database under the data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO
from tests.integration.scan.servers import Listener, Page, http_handler, rdp_handler

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


_cli = run_cli


def test_intel_load_reports_counts_and_is_idempotent(tmp_path: Path) -> None:
    kev = SHARED / "cisa_kev"
    first = _cli("intel", "load", str(kev), data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "1,404" in first.stdout  # the catalogue's 1,404 entries, JSON and CSV alike
    assert "2 file(s) stored" in first.stdout
    again = _cli("intel", "load", str(kev), data_dir=tmp_path)
    assert "0 file(s) stored, 2 already loaded" in again.stdout


def test_a_malformed_feed_is_refused_with_its_location_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "feeds" / "epss.csv"
    bad.parent.mkdir()
    bad.write_text(
        "#model_version:v2025.03.14,score_date:2025-08-20\ncve,epss,percentile\n"
        "CVE-2021-44228,not-a-number,0.9\n",
        encoding="utf-8",
    )
    result = _cli("intel", "load", str(bad.parent), str(SHARED / "cisa_kev"), data_dir=tmp_path)
    assert result.returncode != 0
    assert "epss.csv:3" in result.stderr
    again = _cli("intel", "load", str(SHARED / "cisa_kev"), data_dir=tmp_path)
    assert "2 file(s) stored" in again.stdout  # the failed run stored nothing


@CLI_DEMO
def test_assess_scan_of_a_verified_asset_prints_score_and_findings(cli_demo: Path) -> None:
    tmp_path = cli_demo
    pages: dict[str, Page] = {}
    web = Listener(http_handler(pages, Page(headers=(("Server", "nginx/1.18.0"),))))
    rdp = Listener(rdp_handler)
    try:
        enterprise = json.loads(_cli("products", "list", "--json", data_dir=tmp_path).stdout)
        assert enterprise  # the catalogue is loaded with the demo
        listed = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "from liubu.bootstrap import bootstrap\n"
                    "p = bootstrap()\n"
                    "with p.uow() as uow: print(uow.enterprises.list()[0].id)\n"
                ),
            ],
            env={**os.environ, "LIUBU_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        enterprise_id = listed.stdout.strip()
        unverified = _cli("assess", "scan", "127.0.0.1", "--allow-private", data_dir=tmp_path)
        assert unverified.returncode != 0
        assert "not a declared asset" in unverified.stderr
        added = _cli(
            "assess", "assets", "add", "127.0.0.1", "--enterprise", enterprise_id, data_dir=tmp_path
        )
        token = added.stdout.split("containing ")[1].split()[0]
        asset_id = added.stdout.split("asset ")[1].split()[0]
        pages["/.well-known/liubu-verification.txt"] = Page(body=token.encode())
        verify = _cli(
            "assess",
            "assets",
            "verify",
            asset_id,
            data_dir=tmp_path,
            extra={
                "LIUBU_SCAN_ALLOW_PRIVATE": "true",
                "LIUBU_SCAN_VERIFY_WEB_PORTS": f"http:{web.port}",
            },
        )
        assert verify.returncode == 0, verify.stderr
        scan = _cli(
            "assess",
            "scan",
            "127.0.0.1",
            "--allow-private",
            "--ports",
            f"{web.port},{rdp.port}",
            "--services",
            f"{web.port}:http,{rdp.port}:rdp",
            "--json",
            data_dir=tmp_path,
        )
        assert scan.returncode == 0, scan.stderr
        summary = json.loads(scan.stdout)
        assert {"score", "grade", "factors", "findings"} <= set(summary)
        codes = {f["code"] for f in summary["findings"]}
        assert {"http.missing_csp", "service.rdp_exposed"} <= codes
        assert all({"code", "severity", "asset", "evidence"} <= set(f) for f in summary["findings"])
    finally:
        web.stop()
        rdp.stop()
