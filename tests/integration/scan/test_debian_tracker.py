"""Debian's security tracker settles CVE matches on Debian packages: a scan of real SSH banner
servers on 127.0.0.1, the feeds loaded by ``liubu intel load``'s use case into the platform's
store (SQLite and PostgreSQL) and the index rebuilt from what was stored.

The facts used: CVE-2024-6387 ("regreSSHion") affects Portable OpenSSH 8.5p1 to 9.7p1 (OpenSSH
9.8 release notes); Debian fixed it in bookworm with openssh 1:9.2p1-2+deb12u3 (DSA-5724-1);
FIRST EPSS scores it 0.995 (the real EPSS file of the shared data), so a match is a
``vuln.high_epss`` finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from liubu.assessment import IndexCache, load_intel_files
from liubu.assessment.scan import Confidence, Finding, ScanResult, Software, scan
from liubu.assessment.vulnerabilities import vulnerability_findings
from liubu.bootstrap import Platform
from liubu.intel import DebianStatus, VulnerabilityIndex, load_paths
from tests.integration.scan.servers import Listener, banner_handler

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
EPSS_2024 = SHARED / "epss" / "emba_first_api_by_year" / "CVE_2024_EPSS.csv"
CVE = "CVE-2024-6387"
FIXED = "1:9.2p1-2+deb12u3"

# A minimal record in NVD's CVE API 2.0 format (the shared NVD pages hold no OpenSSH CVE): the
# range as OpenSSH's release notes state it, the CVSS 3.1 vector as its CNA (Red Hat) scored it.
NVD_PAGE = {
    "resultsPerPage": 1,
    "startIndex": 0,
    "totalResults": 1,
    "format": "NVD_CVE",
    "version": "2.0",
    "timestamp": "2024-07-10T00:00:00.000",
    "vulnerabilities": [
        {
            "cve": {
                "id": CVE,
                "sourceIdentifier": "secalert@redhat.com",
                "published": "2024-07-01T13:15:10.020",
                "lastModified": "2024-07-09T18:19:14.047",
                "vulnStatus": "Analyzed",
                "descriptions": [
                    {
                        "lang": "en",
                        "value": "A signal handler race condition was found in OpenSSH's "
                        "server (sshd).",
                    }
                ],
                "metrics": {
                    "cvssMetricV31": [
                        {
                            "source": "secalert@redhat.com",
                            "type": "Secondary",
                            "cvssData": {
                                "version": "3.1",
                                "vectorString": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                "baseScore": 8.1,
                                "baseSeverity": "HIGH",
                            },
                        }
                    ]
                },
                "configurations": [
                    {
                        "nodes": [
                            {
                                "operator": "OR",
                                "negate": False,
                                "cpeMatch": [
                                    {
                                        "vulnerable": True,
                                        "criteria": "cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*",
                                        "versionStartIncluding": "8.5",
                                        "versionEndExcluding": "9.8",
                                    }
                                ],
                            }
                        ]
                    }
                ],
            }
        }
    ],
}

# Debian's tracker export, for that package and CVE, as the tracker writes it.
TRACKER = {
    "openssh": {
        CVE: {
            "description": "regreSSHion: race condition in sshd's SIGALRM handler",
            "scope": "remote",
            "releases": {
                "bookworm": {
                    "status": "resolved",
                    "repositories": {"bookworm": "1:9.2p1-2+deb12u10"},
                    "fixed_version": FIXED,
                    "urgency": "not yet assigned",
                }
            },
        }
    }
}


@pytest.fixture(scope="module")
def scanned() -> Iterator[dict[str, list[Software]]]:
    """Software read from two real banner servers: bookworm's current openssh (deb12u10) and
    one still at deb12u2, before Debian's fix."""
    banners = {
        "u10": b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n",
        "u2": b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2\r\n",
    }
    listeners = {name: Listener(banner_handler(banner)) for name, banner in banners.items()}
    try:
        result: ScanResult = scan(
            ["127.0.0.1"],
            verified={"127.0.0.1"},
            ports=[listener.port for listener in listeners.values()],
            services={listener.port: "ssh" for listener in listeners.values()},
            allow_private=True,
            per_probe_timeout=3.0,
            deadline=20.0,
            host_interval=0.0,
        )[0]
        yield {
            name: [s for s in result.software if s.evidence.port == listener.port]
            for name, listener in listeners.items()
        }
    finally:
        for listener in listeners.values():
            listener.stop()


def _feeds(folder: Path, *, tracker: bool) -> Path:
    folder.mkdir()
    (folder / "nvd-CVE-2024-6387.json").write_text(json.dumps(NVD_PAGE), encoding="utf-8")
    (folder / "CVE_2024_EPSS.csv").write_bytes(EPSS_2024.read_bytes())
    if tracker:
        (folder / "debian-security-tracker.json").write_text(json.dumps(TRACKER), "utf-8")
    return folder


def _index(platform: Platform, feeds: Path) -> VulnerabilityIndex:
    report = load_intel_files(platform.uow(), [feeds])
    assert report.skipped == ()
    with platform.uow() as uow:
        return IndexCache().get(uow.intel)  # rebuilt from the stored files


def _only(findings: list[Finding]) -> Finding:
    (finding,) = findings
    assert finding.code == "vuln.high_epss"
    assert CVE in finding.evidence.observed
    return finding


def test_the_tracker_is_stored_as_a_feed_and_settles_both_packages(
    platform: Platform, scanned: dict[str, list[Software]], tmp_path: Path
) -> None:
    index = _index(platform, _feeds(tmp_path / "feeds", tracker=True))
    report = load_intel_files(platform.uow(), [tmp_path / "feeds"])
    assert report.records["debian_tracker"] == 1
    assert report.unchanged == 3  # loading again stores nothing

    # deb12u10 carries Debian's fix (deb12u3): the CVE is not raised, though it was matched.
    fixed, matches = vulnerability_findings(index, scanned["u10"])
    assert fixed == []
    assert [m.cve_id for m in matches] == [CVE]

    # deb12u2 predates the fix: raised with normal confidence, naming the version to install.
    finding = _only(vulnerability_findings(index, scanned["u2"])[0])
    assert finding.confidence is Confidence.CONFIRMED
    assert finding.caveat is not None
    assert FIXED in finding.caveat.en
    assert FIXED in finding.caveat.zh
    assert "1:9.2p1-2+deb12u2" in finding.caveat.en
    assert "bookworm" in finding.caveat.en
    assert "may be fixed" not in finding.caveat.en
    assert f"upgrade the package to {FIXED}" in finding.evidence.observed


def test_without_the_tracker_a_debian_package_match_stays_tentative(
    platform: Platform, scanned: dict[str, list[Software]], tmp_path: Path
) -> None:
    index = _index(platform, _feeds(tmp_path / "feeds", tracker=False))
    assert index.summary().debian_statuses == 0
    finding = _only(vulnerability_findings(index, scanned["u10"])[0])
    assert finding.confidence is Confidence.TENTATIVE
    assert finding.caveat is not None
    assert "may be fixed by the distribution's security update" in finding.caveat.en
    assert "Debian-2+deb12u10" in finding.caveat.en


def _index_with(statuses: list[DebianStatus], tmp_path: Path) -> VulnerabilityIndex:
    bundle = load_paths([_feeds(tmp_path / "feeds", tracker=False)])
    return VulnerabilityIndex.from_records(nvd=bundle.nvd, epss=bundle.epss, debian=statuses)


def _status(release: str, status: str, fixed: str | None) -> DebianStatus:
    """A status as the tracker could state it, to check the rule for each kind of answer (the
    statuses below are the rule's inputs, not claims about Debian's data)."""
    return DebianStatus("openssh", CVE, release, status, fixed, None)


def test_an_open_entry_is_raised_with_normal_confidence(
    scanned: dict[str, list[Software]], tmp_path: Path
) -> None:
    index = _index_with([_status("bookworm", "open", None)], tmp_path)
    finding = _only(vulnerability_findings(index, scanned["u10"])[0])
    assert finding.confidence is Confidence.CONFIRMED
    assert finding.caveat is not None
    assert "not yet fixed" in finding.caveat.en
    assert "尚未修复" in finding.caveat.zh


@pytest.mark.parametrize(
    "statuses",
    [
        [_status("bookworm", "undetermined", None)],  # the tracker has not decided
        [_status("bullseye", "resolved", "1:8.4p1-5+deb11u3")],  # another release only
        [DebianStatus("openssl", CVE, "bookworm", "resolved", FIXED, None)],  # another package
    ],
)
def test_an_answer_that_does_not_settle_the_package_leaves_it_tentative(
    statuses: list[DebianStatus], scanned: dict[str, list[Software]], tmp_path: Path
) -> None:
    index = _index_with(statuses, tmp_path)
    finding = _only(vulnerability_findings(index, scanned["u10"])[0])
    assert finding.confidence is Confidence.TENTATIVE


def test_a_later_fix_than_the_installed_package_is_raised(
    scanned: dict[str, list[Software]], tmp_path: Path
) -> None:
    # deb12u10 sorts above deb12u3 but below deb12u11 (numeric, not text, comparison).
    index = _index_with([_status("bookworm", "resolved", "1:9.2p1-2+deb12u11")], tmp_path)
    finding = _only(vulnerability_findings(index, scanned["u10"])[0])
    assert finding.confidence is Confidence.CONFIRMED
    assert finding.caveat is not None
    assert "1:9.2p1-2+deb12u11" in finding.caveat.en
