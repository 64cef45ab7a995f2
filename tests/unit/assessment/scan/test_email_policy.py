"""SPF, DMARC and DKIM record parsing against the RFCs' own examples and rules."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from liubu.assessment.scan import SpfRecord, dkim_key_bits, parse_spf, parse_tags, spf_lookup_count
from liubu.assessment.scan.email_policy import is_dmarc, is_spf


def test_rfc_7208_appendix_a_record_has_two_lookup_terms_and_a_fail_all() -> None:
    # RFC 7208 Appendix A.1: "v=spf1 +mx a:colo.example.com/28 -all".
    record = parse_spf("v=spf1 +mx a:colo.example.com/28 -all")
    assert [(t.qualifier, t.name, t.value) for t in record.terms] == [
        ("+", "mx", ""),
        ("+", "a", "colo.example.com/28"),
        ("-", "all", ""),
    ]
    assert [t.name for t in record.lookup_terms()] == ["mx", "a"]
    assert record.all_qualifier == "-"


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("v=spf1 all", "+"),
        ("v=spf1 ?all", "?"),
        ("v=spf1 ~all", "~"),
        ("v=spf1 ip4:192.0.2.1", None),
    ],
)
def test_the_all_qualifier_defaults_to_pass_when_written_bare(
    text: str, qualifier: str | None
) -> None:
    # RFC 7208 §4.6.2: a mechanism without a qualifier has the qualifier "+".
    assert parse_spf(text).all_qualifier == qualifier


def test_redirect_counts_as_a_lookup_and_ip_mechanisms_do_not() -> None:
    record = parse_spf(
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ptr exists:%{i}.x.example "
        "redirect=_spf.example.com"
    )
    assert [t.name for t in record.lookup_terms()] == ["ptr", "exists", "redirect"]
    assert record.redirect == "_spf.example.com"


def test_lookup_counting_follows_includes_and_stops_on_a_loop() -> None:
    zone = {
        "example.com": "v=spf1 mx include:a.example.com -all",
        "a.example.com": "v=spf1 a include:b.example.com -all",
        "b.example.com": "v=spf1 include:a.example.com -all",  # a loop back to a
    }

    def fetch(name: str) -> SpfRecord | None:
        return parse_spf(zone[name]) if name in zone else None

    # mx, include (2); a, include (4); include (5); then a, include again ... until past 10.
    assert spf_lookup_count("example.com", fetch) == 11


def test_a_macro_include_is_counted_but_not_followed() -> None:
    seen: list[str] = []

    def fetch(name: str) -> SpfRecord | None:
        seen.append(name)
        return parse_spf("v=spf1 include:%{d}.spf.example.com -all") if len(seen) == 1 else None

    assert spf_lookup_count("example.com", fetch) == 1
    assert seen == ["example.com"]


def test_spf_and_dmarc_records_are_recognised_by_their_version_tag() -> None:
    assert is_spf("v=spf1 -all")
    assert is_spf("v=spf1")
    assert not is_spf("v=spf10 -all")
    # RFC 7489 Appendix B.2.1's first record.
    record = "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com"
    assert is_dmarc(record)
    assert parse_tags(record) == {
        "v": "DMARC1",
        "p": "none",
        "rua": "mailto:dmarc-feedback@example.com",
    }
    assert not is_dmarc("v=spf1 -all")


@pytest.mark.parametrize("bits", [1024, 2048])
def test_dkim_key_size_is_the_rsa_modulus_length(bits: int) -> None:
    public = rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    encoded = base64.b64encode(der).decode()
    # RFC 6376 §3.6.1: whitespace inside the p= value is ignored.
    record = f"v=DKIM1; k=rsa; p={encoded[:40]} {encoded[40:]}"
    assert dkim_key_bits(record) == ("rsa", bits)


def test_a_revoked_or_garbled_dkim_key_has_no_size() -> None:
    assert dkim_key_bits("v=DKIM1; p=") == ("rsa", None)
    assert dkim_key_bits("v=DKIM1; p=!!notbase64") == ("rsa", None)
    assert dkim_key_bits("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=") == (
        "ed25519",
        256,
    )
