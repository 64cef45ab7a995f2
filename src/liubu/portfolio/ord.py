"""Open Results Data (Oasis LMF) outputs: ELT, PLT, EPT and ALT as CSV with ORD column names.

Written (insured loss, summary set 1, the whole book as ``SummaryId`` 1):

- ``il_S1_selt.csv`` (sample ELT): EventId, SummaryId, SampleId, Loss, ImpactedExposure;
- ``il_S1_splt.csv`` (sample PLT): Period, PeriodWeight, EventId, Year, Month, Day, Hour, Minute,
  SummaryId, SampleId, Loss, ImpactedExposure;
- ``il_S1_ept.csv``: SummaryId, EPCalc, EPType, ReturnPeriod, Loss (EPType 1 OEP, 2 OEP TVaR,
  3 AEP, 4 AEP TVaR; EPCalc 2, full uncertainty: every simulated year is one sample);
- ``il_S1_palt.csv`` and ``gul_S1_palt.csv``: SummaryId, SampleType, MeanLoss, SDLoss (SampleType
  2, sample statistics).

What differs from an Oasis run is stated in docs/portfolio.md: each simulated event occurrence is
its own EventId (numbered 1, 2, … in year order of the chunks), SampleId is always 1, the period is
the simulated year (PeriodWeight 1/N), no date within the year is modelled (Year is the period,
Month, Day, Hour and Minute are 0), and ImpactedExposure is the annual revenue of the policies
with an insured loss from the event. The ELT and PLT are streamed from the year-loss table, one
chunk at a time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from liubu.portfolio.records import Book
from liubu.portfolio.results import BookResult, loss_at_return_period, tail_years

ELT_COLUMNS = ("EventId", "SummaryId", "SampleId", "Loss", "ImpactedExposure")
PLT_COLUMNS = (
    "Period",
    "PeriodWeight",
    "EventId",
    "Year",
    "Month",
    "Day",
    "Hour",
    "Minute",
    "SummaryId",
    "SampleId",
    "Loss",
    "ImpactedExposure",
)
EPT_COLUMNS = ("SummaryId", "EPCalc", "EPType", "ReturnPeriod", "Loss")
ALT_COLUMNS = ("SummaryId", "SampleType", "MeanLoss", "SDLoss")
OEP, OEP_TVAR, AEP, AEP_TVAR = 1, 2, 3, 4
FULL_UNCERTAINTY = 2
SAMPLE = 2
FILES = ("il_S1_selt.csv", "il_S1_splt.csv", "il_S1_ept.csv", "il_S1_palt.csv", "gul_S1_palt.csv")


def write_ord(result: BookResult, book: Book, directory: str | Path) -> tuple[Path, ...]:
    """Write the ORD files for ``result`` (simulated from ``book``) into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    revenue = np.array([p.revenue for p in book.policies], dtype=np.float64)
    _event_tables(result, revenue, out / FILES[0], out / FILES[1])
    _ept(result, out / FILES[2])
    _alt(result.annual, out / FILES[3])
    _alt(result.ground_up, out / FILES[4])
    return tuple(out / name for name in FILES)


def _event_tables(result: BookResult, revenue: np.ndarray, elt: Path, plt: Path) -> None:
    import pyarrow.parquet as pq

    offsets = np.concatenate([[0], np.cumsum(result.chunk_events)])
    weight = f"{1.0 / result.years:.6f}"
    with elt.open("w", encoding="utf-8") as e, plt.open("w", encoding="utf-8") as p:
        e.write(",".join(ELT_COLUMNS) + "\n")
        p.write(",".join(PLT_COLUMNS) + "\n")
        for path in result.ylt_files:
            parquet = pq.ParquetFile(path)
            for group in range(parquet.num_row_groups):
                table = parquet.read_row_group(
                    group, columns=["chunk", "year", "event", "policy", "insured"]
                )
                chunk = int(table.column("chunk")[0].as_py())
                event = table.column("event").to_numpy()
                events, row = np.unique(event, return_inverse=True)
                loss = np.bincount(row, table.column("insured").to_numpy(), len(events))
                exposure = np.bincount(row, revenue[table.column("policy").to_numpy()], len(events))
                year = np.zeros(len(events), dtype=np.int64)
                year[row] = table.column("year").to_numpy()
                ids = offsets[chunk] + events + 1
                for i in np.argsort(year, kind="stable"):
                    e.write(f"{ids[i]},1,1,{loss[i]:.2f},{exposure[i]:.2f}\n")
                    p.write(
                        f"{year[i] + 1},{weight},{ids[i]},{year[i] + 1},0,0,0,0,1,1,"
                        f"{loss[i]:.2f},{exposure[i]:.2f}\n"
                    )


def _ept(result: BookResult, path: Path) -> None:
    rows = []
    for curve in result.curve:
        t = curve.return_period
        worst = tail_years(result.annual, t)
        largest = np.sort(result.largest)[::-1][: len(worst)]
        rows += [
            (OEP, t, loss_at_return_period(result.largest, t)),
            (OEP_TVAR, t, float(largest.mean())),
            (AEP, t, loss_at_return_period(result.annual, t)),
            (AEP_TVAR, t, float(result.annual[worst].mean())),
        ]
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(EPT_COLUMNS) + "\n")
        for ep_type, t, loss in sorted(rows, key=lambda r: (r[0], -r[1])):
            f.write(f"1,{FULL_UNCERTAINTY},{ep_type},{t:.6f},{loss:.6f}\n")


def _alt(annual: np.ndarray, path: Path) -> None:
    sd = float(annual.std(ddof=1)) if len(annual) > 1 else 0.0
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(ALT_COLUMNS) + "\n")
        f.write(f"1,{SAMPLE},{float(annual.mean()):.6f},{sd:.6f}\n")
