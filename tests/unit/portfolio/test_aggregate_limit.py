"""The annual aggregate limit caps each policy-year and shares the cap pro rata among its events,
whether a chunk's policy-years are summed in a dense table or over their distinct cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from liubu.portfolio import Book, demo_book, demo_catalogue, run_book
from liubu.risk import Terms
from tests.unit.portfolio.books import identical_book, one_provider


def test_dense_and_sparse_policy_years_agree_to_the_bit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, catalogue = demo_book(), demo_catalogue()
    (tmp_path / "dense").mkdir()
    (tmp_path / "sparse").mkdir()
    dense = run_book(
        book, catalogue, years=2_000, seed=9, workers=0, ylt_dir=str(tmp_path / "dense")
    )
    monkeypatch.setattr("liubu.portfolio.kernel.DENSE_CELLS", 0)
    sparse = run_book(
        book, catalogue, years=2_000, seed=9, workers=0, ylt_dir=str(tmp_path / "sparse")
    )
    assert np.array_equal(dense.annual, sparse.annual)
    assert np.array_equal(dense.largest, sparse.largest)
    assert dense.contributions == sparse.contributions


def test_a_policy_year_never_pays_more_than_its_limit(tmp_path: Path) -> None:
    # 3 policies, each event 20 h × 1,000 = 20,000; limit 50,000 a year: from the third event
    # in a year a policy is capped, so each year's loss is 3 × min(20,000·N, 50,000)
    book: Book = identical_book(3, dependency="cloud-a", terms=Terms(aggregate_limit=50_000.0))
    result = run_book(
        book, one_provider(2.0, 20.0), years=3_000, seed=2, workers=0, ylt_dir=str(tmp_path)
    )
    assert set(np.unique(result.annual)) <= {0.0, 60_000.0, 120_000.0, 150_000.0}
    assert result.annual.max() == 150_000.0
    for policy in result.contributions_by("policy"):
        assert policy.tvar[-1] <= 50_000.0 * (1 + 1e-12)
