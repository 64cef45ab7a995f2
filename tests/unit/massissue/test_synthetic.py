"""Synthetic persons: reproducible, formally valid by the standards' own formulas, unique, and
broken on request in exactly the ways they claim."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.massissue import BAD_KINDS, synthetic_lines, synthetic_people, write_synthetic_csv
from tests.unit.massissue.conftest import INCEPTION, iso7064

GB2260_PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65",
}  # fmt: skip  # the 31 mainland provincial-level divisions


def test_the_same_seed_gives_the_same_file_and_another_seed_another() -> None:
    first = list(synthetic_people(2_000, seed=4, bad_fraction=0.2))
    assert first == list(synthetic_people(2_000, seed=4, bad_fraction=0.2))
    assert first != list(synthetic_people(2_000, seed=5, bad_fraction=0.2))
    assert first[0] == "name,resident_id,mobile,limit\n"
    assert len(first) == 2_001


def test_good_persons_are_valid_unique_eligible_and_priced_among_the_options() -> None:
    numbers = []
    for line in synthetic_lines(20_000, seed=8, inception=INCEPTION):
        assert line.bad_kind is None
        name, number, mobile, limit = line.text.rstrip("\n").split(",")
        assert number[17] == iso7064(number[:17])
        assert number[:2] in GB2260_PROVINCES
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        age = (
            INCEPTION.year - born.year - ((INCEPTION.month, INCEPTION.day) < (born.month, born.day))
        )
        assert 18 <= age <= 69
        assert re.fullmatch(r"1[3-9]\d{9}", mobile)
        assert limit in {"10000", "50000", "100000"}
        assert 2 <= len(name) <= 4
        numbers.append(number)
    assert len(set(numbers)) == len(numbers)


def test_the_bad_share_and_every_kind_appear_as_asked() -> None:
    n, p = 40_000, 0.1
    kinds = Counter(line.bad_kind for line in synthetic_lines(n, seed=9, bad_fraction=p))
    bad = n - kinds[None]
    sd = (n * p * (1 - p)) ** 0.5
    assert abs(bad - n * p) < 5 * sd  # binomial: within five standard deviations
    assert set(kinds) - {None} == set(BAD_KINDS)
    per_kind = n * p / len(BAD_KINDS)
    for kind in BAD_KINDS:
        assert abs(kinds[kind] - per_kind) < 5 * per_kind**0.5 + 5, kind


def test_write_reports_the_kinds_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    kinds = write_synthetic_csv(path, 500, seed=1, bad_fraction=0.3, external_ref=True)
    assert sum(kinds.values()) == 500
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "name,resident_id,mobile,limit,external_ref"
    assert len(lines) == 501
    assert kinds == Counter(
        line.bad_kind or "good"
        for line in synthetic_lines(500, seed=1, bad_fraction=0.3, external_ref=True)
    )


@pytest.mark.parametrize(("n", "fraction"), [(-1, 0.0), (10_000_001, 0.0), (10, 1.5)])
def test_sizes_and_fractions_out_of_range_are_refused(n: int, fraction: float) -> None:
    with pytest.raises(ValidationError):
        list(synthetic_lines(n, seed=1, bad_fraction=fraction))
