"""`liubu intel load` on a Debian security tracker export, as a user runs it: a separate
process, an SQLite database under the data directory."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.cli import run_cli
from tests.unit.intel.test_debian import TRACKER


def test_the_tracker_loads_like_any_feed_and_again_is_a_no_op(tmp_path: Path) -> None:
    feed = tmp_path / "debian-security-tracker.json"
    feed.write_text(json.dumps(TRACKER), encoding="utf-8")
    first = run_cli("intel", "load", str(feed), data_dir=tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert "debian_tracker" in first.stdout
    assert "1 file(s) stored" in first.stdout
    again = run_cli("intel", "load", str(feed), data_dir=tmp_path / "data")
    assert "0 file(s) stored, 1 already loaded" in again.stdout


def test_a_malformed_tracker_is_refused_with_its_place_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    document = json.loads(json.dumps(TRACKER))
    document["openssh"]["CVE-2024-6387"]["releases"]["bookworm"]["status"] = "fixed"
    feed = tmp_path / "debian-security-tracker.json"
    feed.write_text(json.dumps(document), encoding="utf-8")
    result = run_cli("intel", "load", str(feed), data_dir=tmp_path / "data")
    assert result.returncode != 0
    stderr = " ".join(result.stderr.split())  # rich wraps long lines
    assert "The status 'fixed' is not one the tracker uses" in stderr
    assert "#/openssh/CVE-2024-6387/releases/bookworm/status" in stderr.replace(" ", "")
    feed.write_text(json.dumps(TRACKER), encoding="utf-8")
    fixed = run_cli("intel", "load", str(feed), data_dir=tmp_path / "data")
    assert "1 file(s) stored" in fixed.stdout  # the refused run stored nothing
