"""Versions of one product: effective periods must not overlap; a filed version is immutable."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from liubu.products import (
    ProductSpec,
    VersionWindow,
    check_revision,
    check_versions,
    load_reference_catalogue,
)


def sme(version: int = 1) -> ProductSpec:
    return next(
        s
        for s in load_reference_catalogue()
        if s.series == "shifan-pc/sme-cyber-comprehensive" and s.version == version
    )


def test_a_version_starting_on_the_last_day_of_the_previous_one_overlaps_it() -> None:
    # effective_to is the last day in effect (inclusive)
    issues = check_versions(
        [
            ("acme/cyber", 1, date(2024, 1, 1), date(2024, 12, 31)),
            ("acme/cyber", 2, date(2024, 12, 31), None),
        ]
    )
    assert [(i.code, i.file, i.path) for i in issues] == [
        ("version.overlapping_effective_dates", "acme/cyber@2", "effective_from")
    ]
    assert "2024-12-31" in issues[0].message
    assert "version 1" in issues[0].message


def test_a_version_starting_the_day_after_does_not_overlap() -> None:
    windows = [
        VersionWindow("acme/cyber", 1, date(2024, 1, 1), date(2024, 12, 31)),
        VersionWindow("acme/cyber", 2, date(2025, 1, 1), None),
    ]
    assert check_versions(windows) == []


def test_an_open_ended_version_overlaps_every_later_one() -> None:
    issues = check_versions(
        [
            ("acme/cyber@1", 1, date(2024, 1, 1), None),
            ("acme/cyber@2", 2, date(2030, 1, 1), None),
            ("other/cyber", 1, date(2024, 1, 1), None),
            ("acme/cyber", 3, None, None),  # a draft is not in effect
        ]
    )
    assert [(i.code, i.file) for i in issues] == [
        ("version.overlapping_effective_dates", "acme/cyber@2")
    ]


def test_a_version_number_used_twice_is_refused() -> None:
    issues = check_versions(
        [("acme/cyber", 1, date(2024, 1, 1), None), ("acme/cyber", 1, None, None)]
    )
    assert [i.code for i in issues] == ["version.duplicate"]


def test_editing_a_filed_version_in_place_is_refused() -> None:
    stored = sme(1)
    edited = dataclasses.replace(stored, limit_options=(Decimal(500_000), Decimal(3_000_000)))
    (issue,) = check_revision(stored, edited)
    assert issue.code == "version.filed_edited_in_place"
    assert "shifan-pc/sme-cyber-comprehensive@2" in issue.message


def test_withdrawing_or_closing_a_filed_version_is_not_an_edit() -> None:
    stored = dataclasses.replace(sme(1), effective_to=None)
    closed = dataclasses.replace(stored, status="withdrawn", effective_to=date(2025, 3, 31))
    assert check_revision(stored, closed) == []


def test_a_draft_may_be_edited_and_different_versions_are_not_compared() -> None:
    stored = dataclasses.replace(sme(1), status="draft", filing=None)
    edited = dataclasses.replace(stored, limit_options=(Decimal(500_000),))
    assert check_revision(stored, edited) == []
    assert check_revision(sme(1), sme(2)) == []
