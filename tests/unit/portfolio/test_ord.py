"""ORD files read back with their column names, and their numbers agree with the simulation."""

from __future__ import annotations

import csv
import math

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
    files = write_ord(result, book, tmp / "out")
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
