"""Debian's security tracker feed: dpkg's version ordering (checked against dpkg itself), the
tracker's JSON format loaded by the real loader, and refusals located in the file."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.intel import (
    DebianStatus,
    SkippedFile,
    SourceKind,
    VulnerabilityIndex,
    compare_debian_versions,
    load_file,
    load_paths,
)
from liubu.intel._json import max_json_bytes

from .conftest import KEV

# Real Debian package versions: stable updates (+debXuY), backports of a newer upstream to a
# stable release (~debXuY, ~bpoN), epochs, a missing revision, tilde pre-releases, binNMUs.
PAIRS = [
    ("1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u10"),  # numeric, not text, order: u3 < u10
    ("1:9.2p1-2", "1:9.2p1-2+deb12u1"),
    ("9.2p1-2+deb12u3", "1:9.2p1-2+deb12u3"),  # no epoch is epoch 0
    ("1:7.9p1-10+deb10u2", "1:8.4p1-5+deb11u1"),
    ("3.0.11-1~deb12u2", "3.0.11-1~deb12u1"),
    ("3.0.11-1~deb12u2", "3.0.11-1"),  # ~ sorts before anything, even the end
    ("3.0.14-1~deb12u1", "3.0.11-1~deb12u2"),
    ("2.36-9+deb12u4", "2.36-9"),
    ("7.88.1-10+deb12u5", "7.88.1-10+deb12u12"),
    ("1:9.18.24-1~deb12u1", "1:9.18.19-1~deb12u1"),
    ("6.1.0-1~bpo11+1", "6.1.0-1"),
    ("2.4.57-2", "2.4.62-1~deb12u1"),
    ("1.0~rc1", "1.0"),
    ("0", "1:9.2p1-2"),  # the tracker's "0": below every real version
    ("2:1.0", "1:9.9"),
    ("1.0+b1", "1.0"),
    ("1.0a", "1.0"),
    ("1.0", "1.0.0"),
    ("1.0-1", "1.0-1"),
    ("8.2.7-1+deb12u1", "8.2.7-1+deb12u1"),
]


def _dpkg(first: str, second: str) -> int:
    """dpkg's own verdict: -1, 0 or 1."""
    for relation, value in (("lt", -1), ("eq", 0), ("gt", 1)):
        done = subprocess.run(
            ["dpkg", "--compare-versions", first, relation, second], check=False, timeout=10
        )
        if done.returncode == 0:
            return value
    raise AssertionError(f"dpkg placed {first} and {second} in no order")


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_version_order_agrees_with_dpkg(first: str, second: str) -> None:
    assert compare_debian_versions(first, second) == _dpkg(first, second)
    assert compare_debian_versions(second, first) == _dpkg(second, first)


# One package of Debian's tracker export as the tracker writes it: CVE-2024-6387 ("regreSSHion",
# DSA-5724-1) fixed in bookworm by openssh 1:9.2p1-2+deb12u3; and a TEMP- placeholder issue.
TRACKER = {
    "openssh": {
        "CVE-2024-6387": {
            "description": "regreSSHion: race condition in sshd's SIGALRM handler",
            "scope": "remote",
            "releases": {
                "bookworm": {
                    "status": "resolved",
                    "repositories": {"bookworm": "1:9.2p1-2+deb12u10"},
                    "fixed_version": "1:9.2p1-2+deb12u3",
                    "urgency": "not yet assigned",
                },
            },
        },
        "TEMP-0000000-A1B2C3": {
            "description": "placeholder for an issue without a CVE id",
            "releases": {"bookworm": {"status": "open", "repositories": {}, "urgency": "low"}},
        },
    }
}


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_tracker_export_is_detected_by_content_and_loaded(tmp_path: Path) -> None:
    # The tracker serves the export as ".../data/json": like every JSON feed, it is read as JSON
    # only under a name ending in .json or .json.gz, and otherwise skipped with the reason.
    unnamed = load_file(_write(tmp_path / "json", TRACKER))
    assert isinstance(unnamed, SkippedFile)
    loaded = load_file(_write(tmp_path / "debian-tracker.json", TRACKER))
    assert not isinstance(loaded, SkippedFile)
    assert loaded.report.kind is SourceKind.DEBIAN_TRACKER
    assert loaded.report.records == 1  # one release of one CVE; the TEMP- issue is not kept
    assert loaded.records == (
        DebianStatus(
            package="openssh",
            cve_id="CVE-2024-6387",
            release="bookworm",
            status="resolved",
            fixed_version="1:9.2p1-2+deb12u3",
            urgency="not yet assigned",
        ),
    )


def test_the_index_answers_for_package_cve_and_release(tmp_path: Path) -> None:
    _write(tmp_path / "tracker.json", TRACKER)
    shutil.copy(KEV / "known_exploited_vulnerabilities.json", tmp_path / "kev.json")
    bundle = load_paths([tmp_path])
    index = VulnerabilityIndex.from_bundle(bundle)
    status = index.debian.status("openssh", "CVE-2024-6387", "bookworm")
    assert status is not None
    assert status.fixed_in("1:9.2p1-2+deb12u10")
    assert not status.fixed_in("1:9.2p1-2+deb12u2")
    assert status.fixed_in("1:9.2p1-2+deb12u3")
    assert index.debian.status("openssh", "CVE-2024-6387", "bullseye") is None
    assert index.summary().debian_statuses == 1
    assert index.summary().kev_entries == 1404


def _refused(tmp_path: Path, document: object) -> ValidationError:
    path = _write(tmp_path / "tracker.json", document)
    with pytest.raises(ValidationError) as caught:
        load_paths([path])
    return caught.value


def _releases(**bookworm: object) -> dict[str, object]:
    issue = {"description": "x", "releases": {"bookworm": bookworm}}
    return {"openssh": {"CVE-2024-6387": issue}}


def test_an_unknown_status_is_refused_with_its_location(tmp_path: Path) -> None:
    error = _refused(tmp_path, _releases(status="fixed", fixed_version="1:9.2p1-2+deb12u3"))
    assert error.code == "intel.debian_status"
    assert error.location == (
        f"{tmp_path / 'tracker.json'}#/openssh/CVE-2024-6387/releases/bookworm/status"
    )
    assert "'fixed'" in error.message


def test_a_fixed_version_dpkg_would_refuse_is_refused_with_its_location(tmp_path: Path) -> None:
    error = _refused(tmp_path, _releases(status="resolved", fixed_version="1:9.2p1 2+deb12u3"))
    assert error.code == "intel.debian_version"
    assert error.location is not None
    assert error.location.endswith("#/openssh/CVE-2024-6387/releases/bookworm/fixed_version")


def test_a_resolved_status_without_its_fixed_version_is_refused(tmp_path: Path) -> None:
    error = _refused(tmp_path, _releases(status="resolved", urgency="low"))
    assert error.code == "intel.missing_field"
    assert error.location is not None
    assert error.location.endswith("#/openssh/CVE-2024-6387/releases/bookworm")


def test_a_wrongly_typed_release_table_is_refused(tmp_path: Path) -> None:
    document = {"openssh": {"CVE-2024-6387": {"releases": {"bookworm": "resolved"}}}}
    error = _refused(tmp_path, document)
    assert error.code == "intel.wrong_type"
    assert error.location is not None
    assert error.location.endswith("#/openssh/CVE-2024-6387/releases/bookworm")


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """A valid tracker document padded past the limit, compressed to well under a megabyte: the
    limit counts decompressed bytes, so a small compressed bomb is refused too."""
    path = tmp_path / "tracker.json.gz"
    limit = max_json_bytes()
    chunk = b" " * (1 << 24)
    with gzip.open(path, "wb", compresslevel=1) as handle:
        handle.write(json.dumps(TRACKER).encode())
        for _ in range(limit // len(chunk) + 1):
            handle.write(chunk)
    assert path.stat().st_size < limit // 100
    with pytest.raises(ValidationError) as caught:
        load_paths([path])
    assert caught.value.code == "intel.too_large"
    assert caught.value.location == str(path)
    assert f"{limit:,} bytes" in caught.value.message


def test_a_fault_beside_good_releases_is_located_at_the_faulty_one(tmp_path: Path) -> None:
    document = json.loads(json.dumps(TRACKER))
    releases = document["openssh"]["CVE-2024-6387"]["releases"]
    releases["bullseye"] = {"status": "open", "repositories": {}, "urgency": 3}
    error = _refused(tmp_path, document)
    assert error.code == "intel.wrong_type"
    assert error.location is not None
    assert error.location.endswith("#/openssh/CVE-2024-6387/releases/bullseye/urgency")
