"""The curated public API of liubu.assessment.scan (pinned: changing it is a decision)."""

from __future__ import annotations

import liubu.assessment.scan as scan_package


def test_the_public_names_are_pinned() -> None:
    assert sorted(scan_package.__all__) == [
        "CertificateFacts",
        "Confidence",
        "ControlProof",
        "DebianPackage",
        "Evidence",
        "Factor",
        "Finding",
        "FindingDefinition",
        "FindingStatus",
        "Identified",
        "MAX_CA_BUNDLE_BYTES",
        "Observation",
        "ProbeTimeout",
        "ScanResult",
        "ScanSettings",
        "ScanStatus",
        "ServiceSpec",
        "Severity",
        "Software",
        "SpfRecord",
        "Target",
        "Text",
        "TrustedCa",
        "cpe_name",
        "debian_caveat",
        "debian_package",
        "definition",
        "distribution_caveat",
        "dkim_key_bits",
        "identify",
        "is_public",
        "make_finding",
        "matches_host",
        "parse_spf",
        "parse_tags",
        "read_ca_bundle",
        "read_certificate",
        "scan",
        "service_catalogue",
        "spf_lookup_count",
        "verify_control",
        "vocabulary",
    ]
    for name in scan_package.__all__:
        assert getattr(scan_package, name) is not None
