"""Targets: normalised names, public-address rule (RFC 6890 special-purpose registries) and the
refusals that happen before any probe."""

from __future__ import annotations

import pytest

from liubu.assessment.scan import Target, is_public, scan
from liubu.assessment.scan.targets import normalise_host
from liubu.errors import PermissionDeniedError, ValidationError


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Example.COM.", "example.com"),
        ("例子.测试", "xn--fsqu00a.xn--0zwm56d"),  # IANA's IDN test domain
        (" 192.0.2.1 ", "192.0.2.1"),
        ("[2001:DB8::1]", "2001:db8::1"),
    ],
)
def test_hosts_are_stored_in_one_canonical_form(given: str, stored: str) -> None:
    assert normalise_host(given) == stored


@pytest.mark.parametrize("bad", ["", "bad_host!", "-lead.example", "a..b", "x" * 64 + ".com"])
def test_malformed_hosts_are_refused_naming_the_value(bad: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Target(bad)
    assert refused.value.code == "scan.invalid_target"


@pytest.mark.parametrize(
    "address",
    [
        "0.0.0.0",
        "10.1.2.3",
        "100.64.0.1",
        "127.0.0.1",
        "169.254.169.254",
        "172.16.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "192.168.1.1",
        "198.18.0.1",
        "198.51.100.1",
        "203.0.113.1",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fe80::1",
        "fc00::1",
        "2001:db8::1",
        "3fff::1",
        "5f00::1",
        "64:ff9b:1::1",
        "100::1",
        "::ffff:10.0.0.1",
        "ff02::1",
    ],
)
def test_special_purpose_addresses_are_not_public(address: str) -> None:
    # Each is in the IANA IPv4/IPv6 Special-Purpose Address Registries (RFC 6890) or multicast.
    assert not is_public(address)


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_globally_routed_addresses_are_public(address: str) -> None:
    assert is_public(address)


def test_an_unverified_target_is_refused_by_set_and_by_predicate() -> None:
    for verified in ({"other.example"}, lambda host: host.endswith(".org")):
        with pytest.raises(PermissionDeniedError) as refused:
            scan(["a.example", "b.example"], verified=verified, ports=[])
        assert refused.value.code == "scan.unverified_target"
        assert refused.value.detail == {"targets": ["a.example", "b.example"]}
        assert "a.example, b.example has not been verified" in refused.value.message


def test_a_private_address_is_refused_unless_allowed() -> None:
    with pytest.raises(PermissionDeniedError) as refused:
        scan(["10.20.30.40"], verified={"10.20.30.40"}, ports=[])
    assert refused.value.code == "scan.private_address"
    assert "10.20.30.40" in refused.value.message
    (result,) = scan(["10.20.30.40"], verified={"10.20.30.40"}, ports=[], allow_private=True)
    assert (result.addresses, result.findings) == (("10.20.30.40",), ())


def test_duplicate_targets_are_scanned_once() -> None:
    results = scan(["192.0.2.1", "192.0.2.1"], verified={"192.0.2.1"}, ports=[], allow_private=True)
    assert [r.target for r in results] == ["192.0.2.1"]
