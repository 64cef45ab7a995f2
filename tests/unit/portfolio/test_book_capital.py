"""Capital from the simulated book: each policy's Euler TVaR contribution and its stand-alone
capital, against an independent computation on the same year-loss table (pyarrow, sorting), the
binomial closed form of a book of independent like policies, and a comonotone book."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from scipy import stats

from liubu.errors import ValidationError
from liubu.portfolio import (
    Book,
    BookResult,
    Catalogue,
    EventFamily,
    PortfolioCode,
    book_capital,
    return_period_of,
    run_book,
)
from liubu.portfolio.capital import worst_years_mean
from liubu.risk import Constant, CoverageTerms, Terms

from .books import BI_TERMS, identical_book, one_provider, policy

LOSS = 50_000.0  # L: each policy's loss in a year with at least one hit (its aggregate limit)
RATE = 0.05  # hits a year per policy: P(a loss year) = 1 − e^−λ
POLICIES = 60
YEARS = 40_000
CAPPED = Terms(
    retention=0.0,
    aggregate_limit=LOSS,
    coverages={"incident_response": CoverageTerms(sublimit=LOSS)},
)


def independent_book() -> tuple[Book, Catalogue]:
    """POLICIES policies, each losing exactly L in a year with one or more of its own independent
    hits (every hit's loss, 1 % of 8.76m revenue, exceeds L; the aggregate limit caps the year
    at L), in three industry sections."""
    sections = ("C39", "I65", "M73")
    book = Book(
        tuple(policy(f"P{i:03d}", terms=CAPPED, industry=sections[i % 3]) for i in range(POLICIES))
    )
    family = EventFamily("own", "attritional", RATE, loss_share=Constant(0.01))
    return book, Catalogue((), (family,))


def per_policy_years(result: BookResult, policies: int) -> np.ndarray:
    """The independent path: every policy's annual insured loss, (years × policies), summed from
    the Parquet files with pyarrow directly."""
    losses = np.zeros((result.years, policies))
    for path in result.ylt_files:
        table = pq.read_table(path, columns=["year", "policy", "insured"])
        np.add.at(
            losses,
            (table.column("year").to_numpy(), table.column("policy").to_numpy()),
            table.column("insured").to_numpy(),
        )
    return losses


@pytest.fixture(scope="module")
def independent(tmp_path_factory: pytest.TempPathFactory) -> tuple[Book, BookResult]:
    book, catalogue = independent_book()
    directory = tmp_path_factory.mktemp("ylt")
    result = run_book(book, catalogue, years=YEARS, seed=11, workers=0, ylt_dir=str(directory))
    return book, result


def test_each_policys_contribution_and_stand_alone_capital_match_the_year_loss_table(
    independent: tuple[Book, BookResult],
) -> None:
    book, result = independent
    capital = book_capital(result, book, return_period=200)
    losses = per_policy_years(result, POLICIES)
    book_years = losses.sum(axis=1)
    k = YEARS // 200
    tail = np.argsort(-book_years, kind="stable")[:k]
    own_worst = -np.sort(-losses, axis=0)[:k].mean(axis=0)
    assert capital.tail_years == k
    for i, row in enumerate(capital.policies):
        assert row.policy == book.policies[i].id
        assert row.mean == pytest.approx(losses[:, i].mean(), rel=1e-12)
        assert row.euler == pytest.approx(losses[tail, i].mean(), rel=1e-12, abs=1e-9)
        assert row.stand_alone == pytest.approx(own_worst[i] - losses[:, i].mean(), rel=1e-12)
    assert sum(p.euler for p in capital.policies) == pytest.approx(capital.book_tvar, rel=1e-12)
    assert capital.book_tvar == pytest.approx(book_years[tail].mean(), rel=1e-12)


def test_independent_like_policies_match_the_binomial_closed_form(
    independent: tuple[Book, BookResult],
) -> None:
    """X_i = L·Bernoulli(p), p = 1 − e^−λ, independent: S = L·Binomial(N, p). At 1-in-200 each
    policy's own worst years are all loss years (p ≫ 1/200), so s_i = L − m_i; by symmetry
    e_i = TVaR(S) / N, with TVaR the binomial's (the mean of its worst 0.5 %)."""
    book, result = independent
    capital = book_capital(result, book, return_period=200)
    p = 1 - math.exp(-RATE)
    binomial = stats.binom(POLICIES, p)
    alpha = 0.995
    var = binomial.ppf(alpha)
    beyond = sum(j * binomial.pmf(j) for j in range(int(var) + 1, POLICIES + 1))
    tvar = LOSS * (beyond + var * (1 - alpha - binomial.sf(var))) / (1 - alpha)
    means = np.array([row.mean for row in capital.policies])
    error = LOSS * math.sqrt(p * (1 - p) / YEARS)
    assert abs(means.mean() - LOSS * p) < 4 * error / math.sqrt(POLICIES)
    for row in capital.policies:
        assert row.stand_alone == pytest.approx(LOSS - row.mean, rel=1e-12)
    assert capital.book_tvar == pytest.approx(tvar, rel=0.03)
    ratio = (tvar / POLICIES - LOSS * p) / (LOSS * (1 - p))
    assert capital.book.ratio == pytest.approx(ratio, rel=0.06)
    for section in ("C", "I", "M"):
        segment = capital.industry(section)
        assert segment is not None
        assert segment.policies == POLICIES // 3
        members = [r for r in capital.policies if r.industry == section]
        assert segment.capital == pytest.approx(sum(r.euler - r.mean for r in members))
        assert segment.stand_alone == pytest.approx(sum(r.stand_alone for r in members))


def test_a_comonotone_book_ties_up_all_of_each_policys_stand_alone_capital(
    tmp_path: Path,
) -> None:
    book = identical_book(20, dependency="cloud-a", terms=BI_TERMS)
    result = run_book(
        book, one_provider(0.02, 30.0), years=20_000, seed=3, workers=0, ylt_dir=str(tmp_path)
    )
    capital = book_capital(result, book, return_period=100)
    for row in capital.policies:
        assert row.stand_alone > 0
        assert row.ratio == pytest.approx(1.0, rel=1e-12)
    assert capital.book.ratio == pytest.approx(1.0, rel=1e-12)
    assert sum(p.euler for p in capital.policies) == pytest.approx(capital.book_tvar, rel=1e-12)


def test_the_running_top_years_are_those_of_a_full_sort(
    independent: tuple[Book, BookResult],
) -> None:
    _book, result = independent
    losses = per_policy_years(result, POLICIES)
    for k in (1, 7, 200):
        expected = -np.sort(-losses, axis=0)[:k].mean(axis=0)
        found = worst_years_mean(result.ylt_files, POLICIES, result.years, k)
        np.testing.assert_allclose(found, expected, rtol=1e-12)


def test_a_policy_that_never_loses_has_no_ratio_and_one_outside_the_tail_none_of_its_capital(
    tmp_path: Path,
) -> None:
    book = Book(
        (
            *identical_book(5, dependency="cloud-a", terms=BI_TERMS).policies,
            policy("QUIET", terms=BI_TERMS),  # relies on nothing: never loses
        )
    )
    result = run_book(
        book, one_provider(0.02, 30.0), years=2_000, seed=5, workers=0, ylt_dir=str(tmp_path)
    )
    quiet = book_capital(result, book, return_period=100).policy("QUIET")
    assert quiet is not None
    assert (quiet.mean, quiet.euler, quiet.stand_alone, quiet.ratio) == (0.0, 0.0, 0.0, None)


@pytest.mark.parametrize(
    ("level", "period"), [(Decimal("0.995"), 200), (Decimal("0.99"), 100), (0.995, 200)]
)
def test_the_capital_level_maps_to_its_return_period(level: Decimal | float, period: int) -> None:
    assert return_period_of(level, (100, 200)) == period


@pytest.mark.parametrize("level", [Decimal("0.98"), Decimal("0.996"), Decimal("1"), Decimal("0")])
def test_a_level_without_a_simulated_tail_is_refused(level: Decimal) -> None:
    with pytest.raises(ValidationError) as caught:
        return_period_of(level, (100, 200))
    assert caught.value.code == PortfolioCode.CAPITAL_LEVEL
    assert caught.value.field == "capital_level"


def test_a_return_period_the_run_did_not_measure_is_refused(
    independent: tuple[Book, BookResult],
) -> None:
    book, result = independent
    with pytest.raises(ValidationError) as caught:
        book_capital(result, book, return_period=250)
    assert caught.value.code == PortfolioCode.CAPITAL_LEVEL
    assert "100, 200" in caught.value.message


def test_a_result_of_another_book_is_refused(independent: tuple[Book, BookResult]) -> None:
    _book, result = independent
    with pytest.raises(ValidationError) as caught:
        book_capital(result, identical_book(3, dependency="cloud-a", terms=BI_TERMS))
    assert caught.value.code == PortfolioCode.BOOK_MISMATCH


def test_a_chunk_split_over_several_row_groups_is_summed_whole(
    independent: tuple[Book, BookResult], tmp_path: Path
) -> None:
    """Were a writer to split a chunk's rows over several row groups (pyarrow caps their size),
    a policy-year spread over two of them still counts as one year."""
    _book, result = independent
    split = []
    for n, path in enumerate(result.ylt_files):
        table = pq.read_table(path)
        target = tmp_path / f"split-{n}.parquet"
        pq.write_table(table, target, row_group_size=97)  # a prime: groups cut across years
        split.append(str(target))
    assert pq.ParquetFile(split[0]).num_row_groups > len(result.ylt_files) * 40
    losses = per_policy_years(result, POLICIES)
    # about as many years as a policy has losses (40,000 × 0.049): those worst years reach the
    # years of two hits, which a split counted twice would inflate
    for k in (200, 1_990):
        expected = -np.sort(-losses, axis=0)[:k].mean(axis=0)
        found = worst_years_mean(tuple(split), POLICIES, result.years, k)
        np.testing.assert_allclose(found, expected, rtol=1e-12)
