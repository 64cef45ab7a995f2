"""The annual aggregate limit caps each policy-year and shares the cap pro rata among its events,
whether a chunk's policy-years are summed in a dense table or over their distinct cells."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from liubu.portfolio import Book, demo_book, demo_catalogue, run_book
from liubu.risk import Terms
from tests.unit.portfolio.books import identical_book, one_provider


def test_every_policy_year_of_a_book_is_capped_at_its_limit(tmp_path: Path) -> None:
    import dataclasses

    import pyarrow.parquet as pq

    limit = 150_000.0
    demo = demo_book()
    capped = Book(
        tuple(
            dataclasses.replace(p, terms=dataclasses.replace(p.terms, aggregate_limit=limit))
            for p in demo.policies
        )
    )
    result = run_book(
        capped, demo_catalogue(), years=2_000, seed=9, workers=0, ylt_dir=str(tmp_path)
    )
    year = np.concatenate([pq.read_table(f).column("year").to_numpy() for f in result.ylt_files])
    policy = np.concatenate(
        [pq.read_table(f).column("policy").to_numpy() for f in result.ylt_files]
    )
    insured = np.concatenate(
        [pq.read_table(f).column("insured").to_numpy() for f in result.ylt_files]
    )
    cells, row = np.unique(year * len(demo.policies) + policy, return_inverse=True)
    per_policy_year = np.bincount(row, insured)
    assert per_policy_year.max() <= limit * (1 + 1e-12)
    assert np.sum(np.isclose(per_policy_year, limit, rtol=1e-12)) > 10  # the limit binds
    by_year = np.bincount(cells // len(demo.policies), per_policy_year, 2_000)
    np.testing.assert_allclose(by_year, result.annual, rtol=1e-12, atol=1e-6)


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
