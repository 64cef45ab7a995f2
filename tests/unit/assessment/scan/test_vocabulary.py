"""The findings vocabulary: required codes, both languages, and agreement with the docs and the
other data files that name findings."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from liubu.assessment.scan import (
    Evidence,
    Factor,
    Finding,
    FindingStatus,
    Severity,
    definition,
    make_finding,
    service_catalogue,
    vocabulary,
)
from liubu.assessment.scan.http_probe import header_rules
from liubu.errors import ValidationError

DOCS = Path(__file__).resolve().parents[4] / "docs" / "findings.md"
# The codes the pre-bind assessment issue requires, as written there.
REQUIRED = {
    "tls.certificate_expired",
    "tls.self_signed",
    "tls.protocol_outdated",
    "tls.hostname_mismatch",
    "tls.weak_key",
    "http.missing_hsts",
    "http.missing_csp",
    "http.server_banner",
    "service.rdp_exposed",
    "service.database_exposed",
    "service.redis_exposed",
    "service.telnet_exposed",
    "email.no_dmarc",
    "email.dmarc_p_none",
    "email.spf_permissive",
    "email.spf_too_many_lookups",
    "email.no_spf",
    "scan.timeout",
    "vuln.known_exploited",
    "vuln.high_epss",
    "vuln.critical_cvss",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_code_the_issue_requires_is_in_the_vocabulary() -> None:
    assert set(vocabulary()) >= REQUIRED


def test_codes_are_dotted_lower_case_with_a_known_prefix() -> None:
    for code in vocabulary():
        assert re.fullmatch(
            r"(tls|ssh|http|service|software|email|dns|scan|vuln)\.[a-z0-9_]+", code
        ), code


@pytest.mark.parametrize("code", sorted(vocabulary()))
def test_each_entry_has_chinese_and_english_texts(code: str) -> None:
    entry = definition(code)
    for text in (entry.title, entry.description, entry.remediation):
        assert CJK.search(text.zh), (code, text.zh)
        assert not CJK.search(text.en), (code, text.en)
        assert len(text.en) > 10, (code, text.en)


def test_vulnerability_findings_are_left_to_the_lead_and_the_rest_are_the_scanners() -> None:
    by_emitter = {entry.code: entry.emitted_by for entry in vocabulary().values()}
    assert {code for code, who in by_emitter.items() if who == "lead"} == {
        "vuln.known_exploited",
        "vuln.high_epss",
        "vuln.critical_cvss",
    }
    assert set(by_emitter.values()) == {"lead", "scanner"}
    assert {definition(c).factor for c in REQUIRED if c.startswith("vuln.")} == {
        Factor.VULNERABILITIES
    }


def test_the_docs_list_every_code_with_its_severity_and_factor() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = {
        match[1]: (match[2], match[3])
        for match in re.finditer(r"^\| `([a-z_.0-9]+)` \| (\w+) \| (\w+) \|", text, re.M)
    }
    assert rows == {
        code: (str(entry.severity), str(entry.factor)) for code, entry in vocabulary().items()
    }


def test_findings_named_by_the_service_and_header_tables_exist() -> None:
    named = {spec.finding for spec in service_catalogue().values() if spec.finding}
    named |= {code for spec in service_catalogue().values() for _, code in spec.when_reply}
    named |= {rule.finding for rule in header_rules()}
    assert named <= set(vocabulary())


def test_the_yaml_lists_each_code_once() -> None:
    raw = Path(__file__).resolve().parents[4] / "src/liubu/assessment/scan/data/findings.yaml"
    keys = re.findall(r"^  ([a-z]+\.[a-z0-9_]+):$", raw.read_text(encoding="utf-8"), re.M)
    assert len(keys) == len(set(keys)) == len(yaml.safe_load(raw.read_text())["findings"])


def _evidence(at: datetime) -> Evidence:
    return Evidence(observed="seen", observed_at=at, source="192.0.2.10", target="example.com")


def test_a_finding_takes_its_severity_factor_and_advice_from_the_vocabulary() -> None:
    finding = make_finding(
        "service.rdp_exposed", _evidence(datetime.fromisoformat("2025-01-01T00:00:00+00:00"))
    )
    assert (finding.severity, finding.factor) == (Severity.CRITICAL, Factor.NETWORK_EXPOSURE)
    assert finding.status is FindingStatus.DETECTED
    assert finding.remediation == definition("service.rdp_exposed").remediation
    timeout = make_finding("scan.timeout", finding.evidence)
    assert timeout.status is FindingStatus.INCONCLUSIVE


def test_a_finding_that_contradicts_the_vocabulary_is_refused() -> None:
    base = make_finding(
        "http.missing_csp", _evidence(datetime.fromisoformat("2025-01-01T00:00:00+00:00"))
    )
    with pytest.raises(ValidationError) as refused:
        Finding(
            code=base.code,
            severity=Severity.CRITICAL,
            factor=base.factor,
            status=base.status,
            title=base.title,
            remediation=base.remediation,
            evidence=base.evidence,
        )
    assert refused.value.code == "scan.finding_mismatch"


def test_an_unknown_code_and_a_naive_or_non_utc_time_are_refused() -> None:
    with pytest.raises(ValidationError) as unknown:
        definition("tls.made_up")
    assert unknown.value.field == "code"
    for when in ("2025-01-01T00:00:00", "2025-01-01T08:00:00+08:00"):
        with pytest.raises(ValidationError):
            _evidence(datetime.fromisoformat(when))
