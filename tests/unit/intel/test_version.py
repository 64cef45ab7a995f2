"""Version ordering against vendors' published release sequences and the `packaging` library."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from liubu.errors import ValidationError
from liubu.intel import compare_versions, in_range, version_key

# Release orders as the vendors publish them (release notes / download pages).
OPENSSL_1_1_1 = ["1.1.0l", "1.1.1", *(f"1.1.1{c}" for c in "abcdefghijklmnopqrstuvw"),
                 "3.0.0-alpha1", "3.0.0-beta1", "3.0.0", "3.0.1", "3.0.10"]  # fmt: skip
OPENSSH = ["7.9p1", "8.0p1", "8.1p1", "8.2p1", "8.3p1", "8.4p1", "8.5p1", "8.6p1", "8.7p1",
           "8.8p1", "8.9p1", "9.0p1", "9.9p2", "10.0p1"]  # fmt: skip
APACHE_HTTPD = ["2.2.34", "2.4.9", "2.4.10", "2.4.48", "2.4.49", "2.4.50", "2.4.51"]
BITBUCKET = ["7.0.0", "7.6.18", "7.6.19", "7.7.0", "7.17.12", "7.21.6", "8.0.5", "8.1.4", "8.1.5"]
VCENTER = ["6.7", "7.0", "7.0 U1", "7.0 U3", "7.0 U3s", "8.0", "8.0 U2", "8.0 U3", "8.0 U3b"]


@pytest.mark.parametrize("published", [OPENSSL_1_1_1, OPENSSH, APACHE_HTTPD, BITBUCKET, VCENTER])
def test_shuffled_releases_sort_back_into_published_order(published: list[str]) -> None:
    shuffled = published[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=version_key) == published


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("7.6.18", "7.6.19", -1),
        ("2.4.49", "2.4.5", 1),  # numeric, not lexicographic
        ("1.1.1k", "1.1.1", 1),  # OpenSSL letter releases follow the base release
        ("1.1.1k", "1.1.2", -1),
        ("8.0p1", "8.0", 1),
        ("8.0p1", "8.1", -1),
        ("7.0", "7.0.0", 0),  # trailing zeros do not count
        ("2.0rc1", "2.0", -1),
        ("2.0.0rc1", "2.0rc1", 0),
        ("8.0 U3b", "8.0u3b", 0),  # separators and case do not count
        ("v1.2", "1.2", 0),
    ],
)
def test_pairs_compare_as_vendors_mean(left: str, right: str, expected: int) -> None:
    assert compare_versions(left, right) == expected
    assert compare_versions(right, left) == -expected


def test_a_version_without_digits_or_letters_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        version_key("-")
    assert caught.value.code == "intel.bad_version"
    assert "'-'" in caught.value.message


@pytest.mark.parametrize(
    ("version", "inside"),
    [("6.9.9", False), ("7.0.0", True), ("7.6.18", True), ("7.6.19", False), ("7.6.20", False)],
)
def test_bitbucket_range_includes_its_start_and_excludes_its_end(
    version: str, inside: bool
) -> None:
    assert in_range(version, start_including="7.0.0", end_excluding="7.6.19") is inside


def test_excluding_and_including_bounds_differ_only_at_the_bound() -> None:
    assert not in_range("2.4.49", start_excluding="2.4.49")
    assert in_range("2.4.50", start_excluding="2.4.49")
    assert in_range("2.4.49", end_including="2.4.49")
    assert not in_range("2.4.50", end_including="2.4.49")


releases = st.lists(st.integers(0, 30), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)
suffixes = st.sampled_from(["", "rc1", "rc2", "rc10", ".dev1", ".dev3"])
pep440 = st.tuples(releases, suffixes).map("".join)


@given(pep440, pep440)
def test_ordering_agrees_with_packaging_on_pep440_versions(left: str, right: str) -> None:
    peer = (Version(left) > Version(right)) - (Version(left) < Version(right))
    assert compare_versions(left, right) == peer
