"""The error file is opened in spreadsheets by the insurer's staff: a rejected value (what a
stranger typed) must never run there as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest

from liubu.massissue import RowError, error_lines


@pytest.mark.parametrize(
    "typed",
    ['=HYPERLINK("http://attacker.example")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_a_value_a_spreadsheet_would_run_gets_a_leading_quote(typed: str) -> None:
    text = error_lines([RowError(7, "mobile.invalid", "mobile", typed, "无效", "invalid")])
    (row,) = list(csv.reader(io.StringIO(text)))
    assert row[3] == "'" + typed.replace("\r", " ")  # a line break is no row break
    assert row[0] == "7"


def test_ordinary_values_are_written_as_they_are() -> None:
    text = error_lines([RowError(3, "name.missing", "name", "张三 1", "缺少", "missing")])
    (row,) = list(csv.reader(io.StringIO(text)))
    assert row == ["3", "name.missing", "name", "张三 1", "缺少", "missing"]
