"""Observations are normalised to one spelling per indicator, carry a UTC-aware time and keep
only bounded evidence; the module's examples hold."""

from __future__ import annotations

import doctest
import ipaddress
import random
from datetime import UTC, datetime

import pytest

import liubu.monitoring.observations as observations
from liubu.errors import ValidationError
from liubu.monitoring import AlertSeverity, IndicatorKind, Observation, normalise

SEEN = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(observations)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("text", ["2001:0DB8:0:0:0:0:0:1", "2001:db8::0:1", "2001:db8:0::1"])
def test_an_ipv6_address_has_one_spelling(text: str) -> None:
    # the standard library's compressed form (RFC 5952) is the independent truth
    assert normalise(IndicatorKind.IPV6, text) == ipaddress.IPv6Address("2001:db8::1").compressed


def test_a_non_ascii_domain_is_compared_in_punycode() -> None:
    assert normalise(IndicatorKind.DOMAIN, "例子.中国.") == "xn--fsqu00a.xn--fiqs8s"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (IndicatorKind.IPV4, "256.1.1.1"),
        (IndicatorKind.IPV4, "2001:db8::1"),
        (IndicatorKind.CVE, "CVE-24-x"),
        (IndicatorKind.CPE, "cpe:/a:openbsd:openssh:9.2"),  # CPE 2.2 URI, not 2.3
        (IndicatorKind.DOMAIN, "two words.cn"),
    ],
)
def test_a_malformed_value_is_refused(kind: IndicatorKind, value: str) -> None:
    with pytest.raises(ValidationError):
        normalise(kind, value)


def test_an_observation_normalises_its_value_and_freezes_its_evidence() -> None:
    seen = Observation(
        IndicatorKind.DOMAIN, "Bad.Example.", "stix", "indicator--1", AlertSeverity.HIGH, SEEN, "f"
    )
    assert seen.value == "bad.example"
    with pytest.raises(TypeError):
        seen.evidence["x"] = "y"  # type: ignore[index]


def test_a_naive_time_or_unbounded_evidence_is_refused() -> None:
    with pytest.raises(ValidationError):
        Observation(
            IndicatorKind.IPV4, "203.0.113.9", "feodo", "c2", AlertSeverity.HIGH,
            datetime(2026, 12, 7), "f",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        Observation(
            IndicatorKind.IPV4, "203.0.113.9", "feodo", "c2", AlertSeverity.HIGH, SEEN, "f",
            evidence={str(i): "v" for i in range(17)},
        )  # fmt: skip


def test_the_fast_ipv4_spelling_agrees_with_ipaddress() -> None:
    """The regular expression that skips ipaddress's parse accepts exactly what ipaddress
    spells the same way, and refuses what ipaddress refuses (leading zeros, octets over 255)."""
    rng = random.Random(7)
    samples = ["0.0.0.0", "255.255.255.255", "1.2.3.04", "256.1.1.1", "1.2.3", "1.2.3.4.5",
               "01.2.3.4", "1.2.3.4 ", "１.2.3.4", "10.0.0.255", "192.168.230.1"]  # fmt: skip
    samples += [".".join(str(rng.randint(0, 300)) for _ in range(4)) for _ in range(2000)]
    for text in samples:
        try:
            spelled: str | None = str(ipaddress.IPv4Address(text))
        except ValueError:
            spelled = None
        assert bool(observations.IPV4_TEXT.fullmatch(text)) == (spelled == text), text
