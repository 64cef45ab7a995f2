"""E-mail authentication and DNS findings against a real DNS server (dnslib on loopback)."""

from __future__ import annotations

import pytest

from liubu.assessment.scan import ScanResult, Target, scan
from tests.integration.scan.dnszone import ZoneServer


@pytest.fixture(scope="module")
def domains(zone: ZoneServer) -> dict[str, ScanResult]:
    names = ["nomail.test", "soft.test", "eleven.test", "ten.test", "good.test"]
    results = scan(
        [Target(name, ports=()) for name in names],
        verified=set(names),
        dns_server=zone.address,
        dkim_selectors=("sel1", "weak"),
        allow_private=True,
    )
    return {result.target: result for result in results}


def email_codes(result: ScanResult) -> set[str]:
    return {code for code in result.codes() if code.startswith("email.")}


def test_a_domain_without_spf_or_dmarc_gets_both_findings(domains: dict[str, ScanResult]) -> None:
    assert {"email.no_spf", "email.no_dmarc"} <= email_codes(domains["nomail.test"])


def test_neutral_all_is_as_permissive_as_plus_all(domains: dict[str, ScanResult]) -> None:
    assert "email.spf_permissive" in email_codes(domains["soft.test"])


def test_eleven_spf_lookups_exceed_the_limit_and_ten_do_not(
    domains: dict[str, ScanResult],
) -> None:
    # Counted by hand per RFC 7208 §4.6.4 (include, a, mx, ptr, exists and redirect count):
    # eleven.test a, mx, include (3); _s1 include, include, a, mx (7); _s2 exists, a (9);
    # _s3 include (10); _s4 mx (11). ten.test is the same chain with _s4 holding only ip4.
    assert "email.spf_too_many_lookups" in email_codes(domains["eleven.test"])
    assert "email.spf_too_many_lookups" not in email_codes(domains["ten.test"])
    counts = {
        name: next(o.value for o in domains[name].observations if o.name == "SPF lookups")
        for name in ("eleven.test", "ten.test")
    }
    assert counts == {"eleven.test": "11", "ten.test": "10"}


def test_a_512_bit_dkim_key_is_weak_and_a_2048_bit_one_is_not(
    domains: dict[str, ScanResult],
) -> None:
    weak = [f for f in domains["good.test"].findings if f.code == "email.dkim_weak_key"]
    assert [f.evidence.observed for f in weak] == [
        "DKIM key at weak._domainkey.good.test is RSA 512 bits."
    ]
    assert email_codes(domains["good.test"]) == {"email.dkim_weak_key"}
