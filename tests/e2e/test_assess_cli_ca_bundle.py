"""`liubu assess scan --ca-bundle`: an enterprise's private CA, passed on the command line, is
what the chain is validated against, so a certificate it issued raises no untrusted-chain
finding; without it the same server's chain is untrusted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.e2e.conftest import CLI_DEMO
from tests.integration.scan import pki
from tests.integration.scan.servers import (
    Listener,
    Page,
    http_handler,
    server_context,
    tls_handler,
)

HEADERS = (
    ("Strict-Transport-Security", "max-age=31536000"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
)


def _first_enterprise(data_dir: Path) -> str:
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from liubu.bootstrap import bootstrap\np = bootstrap()\n"
            "with p.uow() as uow: print(uow.enterprises.list()[0].id)\n",
        ],
        env={**os.environ, "LIUBU_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return listed.stdout.strip()


def _ours(printed: str, port: int) -> list[dict[str, object]]:
    """The open findings on the scanned port (the demo enterprise has others of its own)."""
    findings: list[dict[str, object]] = json.loads(printed)["findings"]
    return [f for f in findings if f["asset"] == f"127.0.0.1:{port}"]


@CLI_DEMO
def test_a_private_ca_passed_with_ca_bundle_raises_no_untrusted_chain(cli_demo: Path) -> None:
    data_dir = cli_demo
    ca = pki.certificate_authority(data_dir, "enterprise private CA", stem="private-ca")
    leaf = pki.issue(data_dir, ca, ["127.0.0.1"], stem="private-leaf")
    pages: dict[str, Page] = {}
    web = Listener(http_handler(pages, Page(status=301, headers=(("Location", "https://x/"),))))
    context = server_context(leaf.cert_file, leaf.key_file)
    secure = Listener(tls_handler(context, http_handler({}, Page(headers=HEADERS))))
    try:
        enterprise = _first_enterprise(data_dir)
        added = run_cli(
            "assess", "assets", "add", "127.0.0.1", "--enterprise", enterprise, data_dir=data_dir
        )
        token = added.stdout.split("containing ")[1].split()[0]
        asset_id = added.stdout.split("asset ")[1].split()[0]
        pages["/.well-known/liubu-verification.txt"] = Page(body=token.encode())
        verified = run_cli(
            "assess",
            "assets",
            "verify",
            asset_id,
            data_dir=data_dir,
            extra={
                "LIUBU_SCAN_ALLOW_PRIVATE": "true",
                "LIUBU_SCAN_VERIFY_WEB_PORTS": f"http:{web.port}",
            },
        )
        assert verified.returncode == 0, verified.stderr
        scan_args = [
            "assess",
            "scan",
            "127.0.0.1",
            "--allow-private",
            "--ports",
            str(secure.port),
            "--services",
            f"{secure.port}:https",
            "--json",
        ]
        untrusted = run_cli(*scan_args, data_dir=data_dir)
        assert untrusted.returncode == 0, untrusted.stderr
        codes = {f["code"] for f in _ours(untrusted.stdout, secure.port)}
        assert codes == {"tls.untrusted_chain"}
        trusted = run_cli(*scan_args, "--ca-bundle", str(ca.cert_file), data_dir=data_dir)
        assert trusted.returncode == 0, trusted.stderr
        assert [f["code"] for f in _ours(trusted.stdout, secure.port)] == []
        missing = run_cli(*scan_args, "--ca-bundle", str(data_dir / "nope.pem"), data_dir=data_dir)
        assert missing.returncode != 0
        assert "nope.pem" in missing.stderr
    finally:
        web.stop()
        secure.stop()
