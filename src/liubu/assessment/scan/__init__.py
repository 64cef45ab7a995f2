"""liubu.assessment.scan: the non-intrusive outside-in scan of pre-bind assessment (保前诊断).

Only assets the enterprise declared and proved it controls are scanned (:func:`verify_control`),
never private or reserved addresses unless explicitly allowed, with bounded time and rate.

- :func:`scan` → one :class:`ScanResult` per target: :class:`Finding` codes from the documented
  vocabulary (``data/findings.yaml``, ``docs/findings.md``), software as CPE 2.3 names,
  observations and the probes that timed out.
- :func:`vocabulary` / :func:`definition`: the findings vocabulary with bilingual remediation.
- :class:`Confidence`: how sure a finding is; software read from a distribution's package
  (:attr:`Software.distribution`) makes CVE matches ``tentative``, with
  :func:`distribution_caveat` saying why; :func:`debian_package` names the Debian package and
  release such a banner shows, for Debian's security tracker to settle (:func:`debian_caveat`).

Network I/O of the assessment lives here and nowhere else.
"""

from liubu.assessment.scan.certificates import (
    MAX_CA_BUNDLE_BYTES,
    CertificateFacts,
    TrustedCa,
    matches_host,
    read_ca_bundle,
    read_certificate,
)
from liubu.assessment.scan.email_policy import (
    SpfRecord,
    dkim_key_bits,
    parse_spf,
    parse_tags,
    spf_lookup_count,
)
from liubu.assessment.scan.findings import (
    Confidence,
    Evidence,
    Factor,
    Finding,
    FindingDefinition,
    FindingStatus,
    Severity,
    Text,
    definition,
    make_finding,
    vocabulary,
)
from liubu.assessment.scan.result import (
    Observation,
    ProbeTimeout,
    ScanResult,
    ScanStatus,
    Software,
)
from liubu.assessment.scan.scanner import scan
from liubu.assessment.scan.settings import ScanSettings, ServiceSpec, service_catalogue
from liubu.assessment.scan.software import (
    DebianPackage,
    Identified,
    cpe_name,
    debian_caveat,
    debian_package,
    distribution_caveat,
    identify,
)
from liubu.assessment.scan.targets import Target, is_public
from liubu.assessment.scan.verification import ControlProof, verify_control

__all__ = [
    "MAX_CA_BUNDLE_BYTES",
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
