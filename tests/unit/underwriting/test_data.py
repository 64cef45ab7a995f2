"""Data files: every value checked, a bad one refused with file:line."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from liubu.errors import ConfigurationError
from liubu.underwriting._data import DataFile, _plain, load_data


def data_file(text: str) -> DataFile:
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert root is not None
    lines: dict[tuple[str | int, ...], int] = {}
    return DataFile("example.yaml", _plain(root, (), lines), lines)


def test_numbers_are_read_exactly_from_their_yaml_text() -> None:
    data = data_file("default:\n  expense_ratio: 0.1\n  count: 3\n")
    assert data.decimal(("default", "expense_ratio")) == Decimal("0.1")
    assert data.decimal(("default", "count")) == Decimal(3)


def test_a_bad_value_is_refused_with_its_file_and_line() -> None:
    data = data_file("default:\n  expense_ratio: 0.1\n  profit_margin: lots\n")
    with pytest.raises(ConfigurationError) as caught:
        data.decimal(("default", "profit_margin"))
    assert "liubu/underwriting/data/example.yaml:3" in str(caught.value)
    with pytest.raises(ConfigurationError) as out_of_range:
        data.decimal(("default", "expense_ratio"), low=Decimal("0.2"))
    assert "example.yaml:2" in str(out_of_range.value)


def test_every_shipped_data_file_loads() -> None:
    for name in (
        "loads.yaml",
        "referral_rules.yaml",
        "labels.yaml",
        "claims_history.yaml",
        "short_rate.yaml",
        "scenario_scope.yaml",
        "experience_credit.yaml",
    ):
        assert load_data(name).get(("version",)) == 1
