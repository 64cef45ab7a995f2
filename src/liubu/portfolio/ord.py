"""Open Results Data (Oasis LMF) outputs: ELT, PLT, EPT and ALT as CSV with ORD column names.

Written (insured loss, summary set 1, the whole book as ``SummaryId`` 1):

- ``il_S1_selt.csv`` (sample ELT): EventId, SummaryId, SampleId, Loss, ImpactedExposure;
- ``il_S1_splt.csv`` (sample PLT): Period, PeriodWeight, EventId, Year, Month, Day, Hour, Minute,
  SummaryId, SampleId, Loss, ImpactedExposure;
- ``il_S1_ept.csv``: SummaryId, EPCalc, EPType, ReturnPeriod, Loss (EPType 1 OEP, 2 OEP TVaR,
  3 AEP, 4 AEP TVaR; EPCalc 2, full uncertainty: every simulated year is one sample);
- ``il_S1_palt.csv`` and ``gul_S1_palt.csv``: SummaryId, SampleType, MeanLoss, SDLoss (SampleType
  2, sample statistics).

Summary set 2, one ``SummaryId`` per policy (its position in the book + 1):

- ``il_S2_summary-info.csv``: summary_id, PolNumber (the policy id), tiv (its annual revenue);
- ``il_S2_palt.csv``: each policy's AAL and standard deviation (SampleType 2);
- ``il_S2_ept.csv``: each policy's OEP, OEP TVaR, AEP and AEP TVaR at the return periods
  :func:`policy_return_periods` allows (memory bounded by :data:`POLICY_EPT_CELLS`).

What differs from an Oasis run is stated in docs/portfolio.md: each simulated event occurrence is
its own EventId (numbered 1, 2, … in year order of the chunks), SampleId is always 1, the period is
the simulated year (PeriodWeight 1/N), no date within the year is modelled (Year is the period,
Month, Day, Hour and Minute are 0), and ImpactedExposure is the annual revenue of the policies
with an insured loss from the event. The ELT and PLT are streamed from the year-loss table, one
chunk at a time.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from liubu.portfolio.records import Book
from liubu.portfolio.results import (
    RETURN_PERIODS,
    BookResult,
    loss_at_return_period,
    tail_years,
)

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
#: Summary set 2, one SummaryId per policy (its position in the book + 1).
POLICY_FILES = ("il_S2_summary-info.csv", "il_S2_palt.csv", "il_S2_ept.csv")
#: Summary set 2's event tables, one row per policy hit (on request: as long as the YLT).
POLICY_EVENT_FILES = ("il_S2_selt.csv", "il_S2_splt.csv")
SUMMARY_INFO_COLUMNS = ("summary_id", "PolNumber", "tiv")
#: Per-policy EPT: at most this many of the policies' largest annual (and largest event) losses
#: are held at once; the return periods reported per policy are those T with
#: policies × (⌊N/T⌋ + 1) within it.
POLICY_EPT_CELLS = 2_000_000


def write_ord(
    result: BookResult, book: Book, directory: str | Path, *, policy_events: bool = False
) -> tuple[Path, ...]:
    """Write the ORD files for ``result`` (simulated from ``book``) into ``directory``: summary
    set 1 (the whole book) and summary set 2 (one SummaryId per policy, mapped to the policy by
    ``il_S2_summary-info.csv``); with ``policy_events`` also set 2's ELT and PLT, a row per
    policy hit."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    revenue = np.array([p.revenue for p in book.policies], dtype=np.float64)
    _event_tables(result, revenue, out / FILES[0], out / FILES[1])
    _ept(result, out / FILES[2])
    _alt(result.annual, out / FILES[3])
    _alt(result.ground_up, out / FILES[4])
    _summary_info(book, out / POLICY_FILES[0])
    _policy_tables(result, len(book.policies), out / POLICY_FILES[1], out / POLICY_FILES[2])
    names: tuple[str, ...] = (*FILES, *POLICY_FILES)
    if policy_events:
        _policy_event_tables(
            result, revenue, out / POLICY_EVENT_FILES[0], out / POLICY_EVENT_FILES[1]
        )
        names = (*names, *POLICY_EVENT_FILES)
    return tuple(out / name for name in names)


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


def _policy_event_tables(result: BookResult, revenue: np.ndarray, elt: Path, plt: Path) -> None:
    """Summary set 2's ELT and PLT: each policy hit of each event (SummaryId the policy's),
    events in the order of set 1's tables, policies in book order within an event."""
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
                year = table.column("year").to_numpy()
                event = table.column("event").to_numpy()
                policy = table.column("policy").to_numpy()
                order = np.lexsort((policy, event, year))
                ids = (offsets[chunk] + event[order] + 1).tolist()
                periods = (year[order] + 1).tolist()
                summary = (policy[order] + 1).tolist()
                loss = table.column("insured").to_numpy()[order].tolist()
                exposure = revenue[policy[order]].tolist()
                e.writelines(
                    f"{i},{s},1,{x:.2f},{v:.2f}\n"
                    for i, s, x, v in zip(ids, summary, loss, exposure, strict=True)
                )
                p.writelines(
                    f"{y},{weight},{i},{y},0,0,0,0,{s},1,{x:.2f},{v:.2f}\n"
                    for y, i, s, x, v in zip(periods, ids, summary, loss, exposure, strict=True)
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


def _summary_info(book: Book, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(SUMMARY_INFO_COLUMNS)
        for i, p in enumerate(book.policies):
            writer.writerow((i + 1, p.id, f"{p.revenue:.2f}"))


def policy_return_periods(policies: int, years: int) -> tuple[int, ...]:
    """The return periods of the per-policy EPT: those T ≤ N from the smallest one whose
    ⌊N/T⌋ + 1 largest losses per policy fit in :data:`POLICY_EPT_CELLS` (a longer T needs
    fewer)."""
    return tuple(
        t for t in RETURN_PERIODS if t <= years and policies * (years // t + 1) <= POLICY_EPT_CELLS
    )


class _Largest:
    """Each policy's K largest values seen so far (policy-years with a loss only), and how many
    values each policy has had. Pruned to K per policy whenever the pool passes twice what it
    may hold after a pruning (policies × K ≤ :data:`POLICY_EPT_CELLS`, at least 100,000), so
    memory stays within a few times the budget; after a pruning a
    policy holding K values takes only values above the least of them (the others cannot be
    among its K largest), so prunings grow rare as the run goes on."""

    def __init__(self, policies: int, keep: int) -> None:
        self.policies = policies
        self.keep = keep
        self.count = np.zeros(policies, dtype=np.int64)
        self.floor = np.zeros(policies)
        self.limit = 2 * max(policies * keep, 100_000)
        self.policy: list[np.ndarray] = []
        self.value: list[np.ndarray] = []
        self.size = 0

    def add(self, policy: np.ndarray, value: np.ndarray) -> None:
        self.count += np.bincount(policy, minlength=self.policies)
        if self.keep == 0:
            return
        above = value > self.floor[policy]
        self.policy.append(policy[above])
        self.value.append(value[above])
        self.size += int(above.sum())
        if self.size > self.limit:
            self._prune()

    def _prune(self) -> None:
        policy = np.concatenate(self.policy) if self.policy else np.zeros(0, dtype=np.int64)
        value = np.concatenate(self.value) if self.value else np.zeros(0)
        order = np.argsort(-value, kind="stable")
        order = order[np.argsort(policy[order], kind="stable")]
        policy, value = policy[order], value[order]
        start = np.searchsorted(policy, np.arange(self.policies))
        rank = np.arange(len(policy)) - start[policy]
        kept = rank < self.keep
        full = rank == self.keep - 1
        self.floor[policy[full]] = value[full]
        self.policy, self.value = [policy[kept]], [value[kept]]
        self.size = int(kept.sum())

    def sorted(self) -> tuple[np.ndarray, np.ndarray]:
        """Per policy, its kept values largest first: (start offsets, values)."""
        self._prune()
        policy, value = self.policy[0], self.value[0]
        return np.searchsorted(policy, np.arange(self.policies + 1)), value


def _policy_tables(result: BookResult, policies: int, alt: Path, ept: Path) -> None:
    """Per-policy ALT and EPT from the year-loss table, one row group (chunk) at a time: a
    policy-year's loss is the sum of its hits, its largest event the largest hit (an event hits
    a policy once), both complete within the chunk that holds the year."""
    import pyarrow.parquet as pq

    years = result.years
    periods = policy_return_periods(policies, years)
    keep = years // periods[0] + 1 if periods else 0
    total = np.zeros(policies)
    squares = np.zeros(policies)
    aggregate, occurrence = _Largest(policies, keep), _Largest(policies, keep)
    for path in result.ylt_files:
        parquet = pq.ParquetFile(path)
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group, columns=["year", "policy", "insured"])
            key = table.column("year").to_numpy() * policies + table.column("policy").to_numpy()
            insured = table.column("insured").to_numpy()
            cells, row = np.unique(key, return_inverse=True)
            summed = np.bincount(row, insured, len(cells))
            largest = np.zeros(len(cells))
            np.maximum.at(largest, row, insured)
            policy = cells % policies
            total += np.bincount(policy, summed, policies)
            squares += np.bincount(policy, summed * summed, policies)
            aggregate.add(policy, summed)
            occurrence.add(policy, largest)
    mean = total / years
    variance = (squares - years * mean * mean) / (years - 1) if years > 1 else np.zeros(policies)
    sd = np.sqrt(np.maximum(variance, 0.0))
    with alt.open("w", encoding="utf-8") as f:
        f.write(",".join(ALT_COLUMNS) + "\n")
        for i in range(policies):
            f.write(f"{i + 1},{SAMPLE},{mean[i]:.6f},{sd[i]:.6f}\n")
    curves = [
        (OEP, OEP_TVAR, occurrence, *occurrence.sorted()),
        (AEP, AEP_TVAR, aggregate, *aggregate.sorted()),
    ]
    with ept.open("w", encoding="utf-8") as f:
        f.write(",".join(EPT_COLUMNS) + "\n")
        for i in range(policies):
            for at, tvar, kept, start, values in curves:
                mine = values[start[i] : start[i + 1]]
                for ep_type, t in [(at, t) for t in periods[::-1]] + [
                    (tvar, t) for t in periods[::-1]
                ]:
                    k = years // t
                    if ep_type == at:
                        loss = float(mine[k]) if kept.count[i] > k else 0.0
                    else:
                        loss = float(mine[:k].sum()) / k
                    f.write(f"{i + 1},{FULL_UNCERTAINTY},{ep_type},{t:.6f},{loss:.6f}\n")
