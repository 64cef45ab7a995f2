"""Product specs: identity, exact money, files, and the rules applied to specs built in code."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.products import (
    Coverage,
    check_product,
    dump_product,
    fingerprint,
    load_product,
    parse_product,
)


def test_identity_is_insurer_code_at_version(base_text: str) -> None:
    spec = parse_product(base_text)
    assert spec.product_id == "test-pc/base-product@1"
    assert spec.series == "test-pc/base-product"


def test_money_is_read_exactly_and_dates_as_dates(base_text: str) -> None:
    text = base_text.replace("premium: 3000}", "premium: 3000.10}")
    spec = parse_product(text)
    row = spec.rate_plan.base_premiums[0]
    assert row.premium == Decimal("3000.10")
    assert isinstance(row.premium, Decimal)
    assert spec.coverages[2].coinsurance == Decimal("0.2")
    assert spec.effective_from == date(2024, 2, 1)
    assert "premium: 3000.10}" in dump_product(spec)
    assert "effective_from: 2024-02-01\n" in dump_product(spec)


def test_load_product_reads_a_file_and_names_it_in_errors(tmp_path: Path, base_text: str) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(base_text, encoding="utf-8")
    assert load_product(good).code == "base-product"
    bad = tmp_path / "bad.yaml"
    bad.write_text(base_text.replace("code: extortion", "code: ransom"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_product(bad)
    assert caught.value.location is not None
    assert caught.value.location.startswith(str(bad) + ":")


def test_check_product_applies_the_rules_to_a_spec_built_in_code(base_text: str) -> None:
    spec = parse_product(base_text)
    broken = dataclasses.replace(
        spec, coverages=(*spec.coverages, Coverage("extortion", sublimit=Decimal(100_000)))
    )
    (issue,) = check_product(broken)
    assert (issue.code, issue.path, issue.file, issue.line) == (
        "coverage.duplicate",
        "coverages[4].code",
        "test-pc/base-product@1",
        None,
    )


def test_a_spec_refuses_an_inverted_effective_period(base_text: str) -> None:
    spec = parse_product(base_text)
    with pytest.raises(ValidationError) as caught:
        dataclasses.replace(spec, effective_to=date(2024, 1, 1))
    assert caught.value.code == "effective.window_inverted"


def test_a_coinsurance_of_one_or_more_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        Coverage("extortion", coinsurance=Decimal(1))
    assert caught.value.code == "coverage.coinsurance_range"


def test_the_fingerprint_changes_with_the_content_and_not_with_the_layout(base_text: str) -> None:
    spec = parse_product(base_text)
    relaid = parse_product(dump_product(spec))
    assert fingerprint(relaid) == fingerprint(spec)
    changed = dataclasses.replace(spec, territory="worldwide")
    assert fingerprint(changed) != fingerprint(spec)
