"""ORD files read back with their column names, and their numbers agree with the simulation."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from liubu.portfolio import BookResult, demo_book, demo_catalogue, run_book, write_ord

YEARS = 3_000
Rows = list[dict[str, str]]


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[BookResult, dict[str, list[dict[str, str]]]]:
    tmp = tmp_path_factory.mktemp("ord")
    book = demo_book()
    result = run_book(book, demo_catalogue(), years=YEARS, seed=5, workers=0, ylt_dir=str(tmp))
    files = write_ord(result, book, tmp / "out", policy_events=True)
    tables = {}
    for path in files:
        with path.open(encoding="utf-8", newline="") as f:
            tables[path.name] = list(csv.DictReader(f))
    return result, tables


def test_each_file_has_the_ord_columns(written) -> None:  # type: ignore[no-untyped-def]
    _, tables = written
    expected = {
        "il_S1_selt.csv": ["EventId", "SummaryId", "SampleId", "Loss", "ImpactedExposure"],
        "il_S1_splt.csv": [
            "Period", "PeriodWeight", "EventId", "Year", "Month", "Day", "Hour", "Minute",
            "SummaryId", "SampleId", "Loss", "ImpactedExposure",
        ],
        "il_S1_ept.csv": ["SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss"],
        "il_S1_palt.csv": ["SummaryId", "SampleType", "MeanLoss", "SDLoss"],
        "gul_S1_palt.csv": ["SummaryId", "SampleType", "MeanLoss", "SDLoss"],
    }  # fmt: skip
    for name, columns in expected.items():
        assert list(tables[name][0]) == columns, name


def test_the_event_tables_add_up_to_the_annual_losses(written) -> None:  # type: ignore[no-untyped-def]
    result, tables = written
    plt = tables["il_S1_splt.csv"]
    per_period = np.zeros(YEARS)
    for row in plt:
        per_period[int(row["Period"]) - 1] += float(row["Loss"])
    # each event's loss is rounded to the fen in the file
    assert np.all(np.abs(per_period - result.annual) <= 0.005 * result.events / YEARS + 1)
    elt_ids = [int(r["EventId"]) for r in tables["il_S1_selt.csv"]]
    assert elt_ids == [int(r["EventId"]) for r in plt]
    assert len(set(elt_ids)) == len(elt_ids)
    assert {r["PeriodWeight"] for r in plt} == {f"{1 / YEARS:.6f}"}


def test_the_ept_and_alt_carry_the_simulated_measures(written) -> None:  # type: ignore[no-untyped-def]
    result, tables = written
    ept = {
        (int(r["EPType"]), round(float(r["ReturnPeriod"]))): float(r["Loss"])
        for r in tables["il_S1_ept.csv"]
    }
    for row in result.curve:
        assert ept[(3, row.return_period)] == pytest.approx(row.aep, abs=1e-6)
        assert ept[(1, row.return_period)] == pytest.approx(row.oep, abs=1e-6)
    assert ept[(4, 200)] == pytest.approx(result.tail(200).tvar, abs=1e-6)
    assert ept[(2, 200)] == pytest.approx(result.tail(200).oep_tvar, abs=1e-6)
    assert {r["EPCalc"] for r in tables["il_S1_ept.csv"]} == {"2"}
    (alt,) = tables["il_S1_palt.csv"]
    assert float(alt["MeanLoss"]) == pytest.approx(result.aal, abs=1e-6)
    assert float(alt["SDLoss"]) == pytest.approx(result.sd, abs=1e-6)
    (gul,) = tables["gul_S1_palt.csv"]
    assert float(gul["MeanLoss"]) == pytest.approx(result.ground_up_aal, abs=1e-6)
    assert result.ground_up_aal > result.aal > 0
    assert not math.isnan(float(gul["SDLoss"]))


def _policy_years(result: BookResult, policies: int) -> tuple[np.ndarray, np.ndarray]:
    """The independent truth: the whole year-loss table read at once (a small run), each
    policy-year's total and largest hit."""
    import pyarrow.parquet as pq

    annual = np.zeros((policies, result.years))
    largest = np.zeros((policies, result.years))
    for path in result.ylt_files:
        table = pq.read_table(path, columns=["year", "policy", "insured"])
        year = table.column("year").to_numpy()
        policy = table.column("policy").to_numpy()
        insured = table.column("insured").to_numpy()
        np.add.at(annual, (policy, year), insured)
        np.maximum.at(largest, (policy, year), insured)
    return annual, largest


def test_per_policy_files_have_the_ord_columns_and_map_to_the_policies(written) -> None:  # type: ignore[no-untyped-def]
    _, tables = written
    book = demo_book()
    info = tables["il_S2_summary-info.csv"]
    assert list(info[0]) == ["summary_id", "PolNumber", "tiv"]
    assert [(int(r["summary_id"]), r["PolNumber"]) for r in info] == [
        (i + 1, p.id) for i, p in enumerate(book.policies)
    ]
    assert float(info[0]["tiv"]) == book.policies[0].revenue
    assert list(tables["il_S2_palt.csv"][0]) == ["SummaryId", "SampleType", "MeanLoss", "SDLoss"]
    assert list(tables["il_S2_ept.csv"][0]) == [
        "SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss",
    ]  # fmt: skip


def test_per_policy_aal_adds_up_to_the_books_and_matches_the_contributions(written) -> None:  # type: ignore[no-untyped-def]
    result, tables = written
    alt = tables["il_S2_palt.csv"]
    (book_alt,) = tables["il_S1_palt.csv"]
    assert len(alt) == result.policies
    means = np.array([float(r["MeanLoss"]) for r in alt])
    # each mean is written to six decimals
    assert means.sum() == pytest.approx(float(book_alt["MeanLoss"]), abs=1e-6 * len(alt) + 1e-6)
    ids = [p.id for p in demo_book().policies]
    contributions = {c.key: c.aal for c in result.contributions_by("policy")}
    for i, row in enumerate(alt):
        assert float(row["MeanLoss"]) == pytest.approx(contributions[ids[i]], abs=1e-6)
    annual, _ = _policy_years(result, result.policies)
    sd = annual.std(axis=1, ddof=1)
    assert np.allclose([float(r["SDLoss"]) for r in alt], sd, rtol=1e-7, atol=1e-5)


def _check_policy_ept(result: BookResult, rows: Rows, periods: tuple[int, ...]) -> None:
    from liubu.portfolio.results import loss_at_return_period

    annual, largest = _policy_years(result, result.policies)
    ept = {
        (int(r["SummaryId"]), int(r["EPType"]), round(float(r["ReturnPeriod"]))): float(r["Loss"])
        for r in rows
    }
    assert {t for (_, _, t) in ept} == set(periods)
    assert len(ept) == result.policies * len(periods) * 4
    for i in range(result.policies):
        for t in periods:
            k = result.years // t
            for ep_type, values in ((1, largest[i]), (3, annual[i])):
                assert ept[(i + 1, ep_type, t)] == pytest.approx(
                    loss_at_return_period(values, t), abs=1e-6
                )
                tail = np.sort(values)[::-1][:k].mean()
                assert ept[(i + 1, ep_type + 1, t)] == pytest.approx(tail, rel=1e-9, abs=1e-6)


def test_per_policy_ept_against_the_whole_table(written) -> None:  # type: ignore[no-untyped-def]
    result, tables = written
    periods = tuple(t for t in (2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000))
    _check_policy_ept(result, tables["il_S2_ept.csv"], periods)


def test_per_policy_ept_within_a_small_memory_bound(
    written, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """With room for only a few thousand losses the pool is pruned chunk after chunk and only the
    long return periods are reported, with the same numbers."""
    from liubu.portfolio import ord as ord_module

    result, _ = written
    monkeypatch.setattr(ord_module, "POLICY_EPT_CELLS", 3_000)
    periods = ord_module.policy_return_periods(result.policies, result.years)
    assert periods == (250, 500, 1000, 2000)  # 200 × (3000 // 250 + 1) = 2,600 ≤ 3,000
    annual, _ = _policy_years(result, result.policies)
    assert (annual > 0).sum() > 2 * 3_000  # so the pool was pruned on the way
    files = write_ord(result, demo_book(), tmp_path / "small")
    with (tmp_path / "small" / "il_S2_ept.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [f.name for f in files][-3:] == [
        "il_S2_summary-info.csv", "il_S2_palt.csv", "il_S2_ept.csv",
    ]  # fmt: skip
    _check_policy_ept(result, rows, periods)


def test_per_policy_event_tables_split_the_books_events(written) -> None:  # type: ignore[no-untyped-def]
    _, tables = written
    elt, plt = tables["il_S2_selt.csv"], tables["il_S2_splt.csv"]
    assert list(elt[0]) == ["EventId", "SummaryId", "SampleId", "Loss", "ImpactedExposure"]
    assert list(plt[0]) == list(tables["il_S1_splt.csv"][0])
    book_events = [int(r["EventId"]) for r in tables["il_S1_selt.csv"]]
    seen: dict[int, float] = {}
    hits: dict[int, int] = {}
    for row in elt:
        event = int(row["EventId"])
        seen[event] = seen.get(event, 0.0) + float(row["Loss"])
        hits[event] = hits.get(event, 0) + 1
    assert list(seen) == book_events  # the same events, in the same order
    for row in tables["il_S1_selt.csv"]:
        event = int(row["EventId"])
        # every row is rounded to the fen: at most half a fen each
        assert abs(seen[event] - float(row["Loss"])) <= 0.005 * (hits[event] + 1) + 1e-9
    revenue = {i + 1: p.revenue for i, p in enumerate(demo_book().policies)}
    means = {int(r["SummaryId"]): float(r["MeanLoss"]) for r in tables["il_S2_palt.csv"]}
    by_policy: dict[int, float] = {}
    for row in plt:
        summary = int(row["SummaryId"])
        by_policy[summary] = by_policy.get(summary, 0.0) + float(row["Loss"])
        assert float(row["ImpactedExposure"]) == revenue[summary]
    for summary, total in by_policy.items():
        # each hit is rounded to the fen in the file
        assert total / YEARS == pytest.approx(means[summary], abs=0.01)
