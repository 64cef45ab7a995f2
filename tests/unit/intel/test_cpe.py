"""CPE 2.3 names against NIST's dictionary, NISTIR 7695/7696 examples and NVD's own match lists."""

from __future__ import annotations

import json

import pytest

from liubu.errors import ValidationError
from liubu.intel import (
    Cpe,
    CpeCriterion,
    cpe_matches,
    parse_any_cpe,
    parse_cpe,
    parse_cpe_uri,
)
from liubu.intel.cpe import attribute_matches, unescape_value

from .conftest import NVD


def test_every_name_in_the_nvd_cpe_dictionary_page_parses_and_prints_back_unchanged() -> None:
    page = json.loads((NVD / "cpes-2023.json").read_text(encoding="utf-8"))
    names = [product["cpe"]["cpeName"] for product in page["products"]]
    assert len(names) == page["resultsPerPage"] == 10_000
    assert [str(parse_cpe(name)) for name in names] == [name.lower() for name in names]


def test_escaped_characters_are_kept_as_values_and_colons_inside_them_do_not_split() -> None:
    ios = parse_cpe(r"cpe:2.3:o:cisco:ios:10.3\(3.4\):*:*:*:*:*:*:*")
    assert ios.version == r"10.3\(3.4\)"
    assert unescape_value(ios.version) == "10.3(3.4)"
    colon = parse_cpe(r"cpe:2.3:a:vendor:odd\:name:1.0:*:*:*:*:*:*:*")
    assert colon.product == r"odd\:name"
    assert unescape_value(colon.product) == "odd:name"


def test_needless_escapes_and_upper_case_give_the_same_name() -> None:
    plain = parse_cpe("cpe:2.3:a:nodejs:node.js:16.13.0:*:*:*:lts:*:*:*")
    spelled = parse_cpe(r"cpe:2.3:A:NodeJS:node\.js:16\.13\.0:*:*:*:LTS:*:*:*")
    assert plain == spelled


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("cpe:2.2:a:vendor:product:1.0:*:*:*:*:*:*:*", "must start with"),
        ("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*", "10 attributes"),
        ("cpe:2.3:x:vendor:product:1.0:*:*:*:*:*:*:*", "part 'x'"),
        ("cpe:2.3:o:cisco:ios:10.3(3.4):*:*:*:*:*:*:*", "must be escaped"),
        ("cpe:2.3:a:vendor::1.0:*:*:*:*:*:*:*", "product attribute is empty"),
        ("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:x\\", "lone backslash"),
    ],
)
def test_malformed_names_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cpe(text)
    assert caught.value.code == "intel.cpe_syntax"
    assert reason in caught.value.message
    assert caught.value.value == text


@pytest.mark.parametrize(
    ("uri", "formatted"),
    [
        # NISTIR 7695 §6.1.3.3 example 1 (packed edition unpacked; an empty attribute is ANY).
        (
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~",
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*",
        ),
        # NISTIR 7695 example with a percent-encoded tilde.
        (
            "cpe:/a:foo%7ebar:big%7emoney_2010",
            r"cpe:2.3:a:foo\~bar:big\~money_2010:*:*:*:*:*:*:*:*",
        ),
        # As Red Hat writes them in real CVE JSON 5 records.
        ("cpe:/a:redhat:openshift:4.12::el8", "cpe:2.3:a:redhat:openshift:4.12:*:el8:*:*:*:*:*"),
        ("cpe:/o:redhat:enterprise_linux:9", "cpe:2.3:o:redhat:enterprise_linux:9:*:*:*:*:*:*:*"),
    ],
)
def test_cpe_22_uris_unbind_to_the_names_the_specification_gives(uri: str, formatted: str) -> None:
    assert str(parse_cpe_uri(uri)) == formatted
    assert parse_any_cpe(uri) == parse_cpe(formatted)


# NISTIR 7696 Table 6-2, read as "does the criterion (source) match the target?": a match needs
# SUPERSET or EQUAL. Rows: source ANY / NA / value; columns: target ANY / NA / same / other value.
TABLE_6_2 = [
    ("*", "*", True), ("*", "-", True), ("*", "7.0", True),
    ("-", "*", False), ("-", "-", True), ("-", "7.0", False),
    ("7.0", "*", False), ("7.0", "-", False), ("7.0", "7.0", True), ("7.0", "7.1", False),
    ("7.*", "7.1", True), ("7.*", "8.1", False), ("7.?", "7.1", True), ("7.?", "7.10", False),
]  # fmt: skip


@pytest.mark.parametrize(("criterion", "target", "expected"), TABLE_6_2)
def test_attribute_comparison_follows_nistir_7696(
    criterion: str, target: str, expected: bool
) -> None:
    assert attribute_matches(criterion, target) is expected


def test_nvds_own_cpematch_lists_are_reproduced_name_for_name() -> None:
    """NVD's cpematch response lists, for each criterion of CVE-2022-32223, every dictionary name
    it matches. Each listed name must match its criterion, and no other criterion unless NVD
    lists it there too."""
    page = json.loads((NVD / "cpematch-CVE-2022-32223.json").read_text(encoding="utf-8"))
    bound_keys = ("versionStartIncluding", "versionStartExcluding",
                  "versionEndIncluding", "versionEndExcluding")  # fmt: skip
    criteria: list[tuple[CpeCriterion, set[str]]] = []
    for item in page["matchStrings"]:
        string = item["matchString"]
        bounds = {key: string.get(key) for key in bound_keys}
        criterion = CpeCriterion(
            criteria=parse_cpe(string["criteria"]),
            vulnerable=True,
            version_start_including=bounds["versionStartIncluding"],
            version_start_excluding=bounds["versionStartExcluding"],
            version_end_including=bounds["versionEndIncluding"],
            version_end_excluding=bounds["versionEndExcluding"],
        )
        criteria.append((criterion, {m["cpeName"] for m in string["matches"]}))
    names = set().union(*(listed for _, listed in criteria))
    assert len(names) == 76
    for criterion, listed in criteria:
        found = {name for name in names if criterion.matches(parse_cpe(name))}
        assert found == listed, str(criterion.criteria)


def test_a_banner_without_version_does_not_fall_inside_a_version_range() -> None:
    criterion = CpeCriterion(
        criteria=parse_cpe("cpe:2.3:a:atlassian:bitbucket:*:*:*:*:*:*:*:*"),
        vulnerable=True,
        version_end_excluding="7.6.19",
    )
    assert not criterion.matches(parse_cpe("cpe:2.3:a:atlassian:bitbucket:*:*:*:*:*:*:*:*"))
    assert criterion.matches(parse_cpe("cpe:2.3:a:atlassian:bitbucket:7.6.18:*:*:*:*:*:*:*"))


def test_names_are_frozen_and_validated_on_construction() -> None:
    with pytest.raises(ValidationError):
        Cpe(("a", "Vendor", "product", *("*",) * 8))  # not canonical: upper case
    name = parse_cpe("cpe:2.3:a:openbsd:openssh:8.0:p1:*:*:*:*:*:*")
    assert cpe_matches(name, parse_cpe("cpe:2.3:a:openbsd:openssh:8.0:*:*:*:*:*:*:*"))
    assert not cpe_matches(name, parse_cpe("cpe:2.3:a:openbsd:openssh:8.0:-:*:*:*:*:*:*"))
    assert str(name.with_version("8.0 U3")) == r"cpe:2.3:a:openbsd:openssh:8.0\ u3:p1:*:*:*:*:*:*"
