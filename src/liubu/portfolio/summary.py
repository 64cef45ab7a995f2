"""The blocks' outputs summed into a :class:`BookResult`, the year-loss table streamed.

Per-year arrays (N floats each) are joined in year order and every measure is computed from the
whole arrays, so no sum depends on the block size. Contributions need each part's loss in the tail
years, known only once all years are in: the Parquet files are read back one row group (one chunk)
at a time, each chunk's partial sums added to the running totals in chunk order — the same
additions in the same order for any block size and any number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from liubu.portfolio.blocks import BlockOutput
from liubu.portfolio.kernel import SEED_YEARS
from liubu.portfolio.plan import BoolArray, FloatArray, IntArray, Plan
from liubu.portfolio.results import (
    RETURN_PERIODS,
    TAIL_RETURN_PERIODS,
    BookResult,
    Contribution,
    ReturnPeriodLoss,
    TailMeasure,
    loss_at_return_period,
    tail_years,
)

INDEPENDENT = "independent"


def summarise(
    plan: Plan,
    outputs: Sequence[BlockOutput],
    *,
    years: int,
    seed: int,
    block_years: int,
    partials: Partials,
) -> BookResult:
    ordered = sorted(outputs, key=lambda o: o.block)
    annual = np.concatenate([o.annual for o in ordered])
    largest = np.concatenate([o.largest for o in ordered])
    ground_up = np.concatenate([o.ground_up for o in ordered])
    chunk_events = np.concatenate([o.chunk_events for o in ordered])
    sd = float(annual.std(ddof=1)) if years > 1 else 0.0
    periods = [t for t in TAIL_RETURN_PERIODS if t <= years]
    tails = []
    masks = []
    for t in periods:
        rows = tail_years(annual, t)
        top = np.sort(largest)[::-1][: len(rows)]
        tails.append(
            TailMeasure(
                t,
                1.0 - 1.0 / t,
                loss_at_return_period(annual, t),
                float(annual[rows].mean()),
                float(top.mean()),
                len(rows),
            )
        )
        mask = np.zeros(years, dtype=np.bool_)
        mask[rows] = True
        masks.append(mask)
    return BookResult(
        years=years,
        seed=seed,
        block_years=block_years,
        seed_years=SEED_YEARS,
        policies=plan.policies,
        events=int(chunk_events.sum()),
        aal=float(annual.mean()),
        aal_standard_error=sd / float(np.sqrt(years)),
        sd=sd,
        ground_up_aal=float(ground_up.mean()),
        curve=tuple(
            ReturnPeriodLoss(t, loss_at_return_period(annual, t), loss_at_return_period(largest, t))
            for t in RETURN_PERIODS
            if t <= years
        ),
        tails=tuple(tails),
        contributions=_contributions(plan, ordered, years, masks, tails, partials),
        annual=annual,
        largest=largest,
        ground_up=ground_up,
        chunk_events=tuple(int(c) for c in chunk_events),
        ylt_files=tuple(o.path for o in ordered),
    )


#: Computes each block's per-chunk partial sums: (paths, masks) → per block, per chunk, an array
#: of shape (1 + tail periods, policies + families + dependencies + 1).
Partials = Callable[[list[str], BoolArray], list[list[FloatArray]]]


def block_partials(path: str, masks: BoolArray, sizes: tuple[int, int, int]) -> list[FloatArray]:
    """One block's year-loss table read back one chunk (row group) at a time: each chunk's insured
    loss by policy, family and dependency (−1, independent, last), over all years (row 0) and over
    each tail's years (rows 1…). Run wherever is free; the client adds them in chunk order."""
    import pyarrow.parquet as pq

    policies, families, dependencies = sizes
    columns = ["year", "family", "dependency", "policy", "insured"]
    parquet = pq.ParquetFile(path)
    out = []
    for group in range(parquet.num_row_groups):
        table = parquet.read_row_group(group, columns=columns)
        year: IntArray = table.column("year").to_numpy()
        insured: FloatArray = table.column("insured").to_numpy()
        dependency = table.column("dependency").to_numpy()
        keys = (
            (table.column("policy").to_numpy(), policies),
            (table.column("family").to_numpy(), families),
            (np.where(dependency < 0, dependencies - 1, dependency), dependencies),
        )
        weights = [insured] + [insured * m[year] for m in masks]
        out.append(
            np.array(
                [np.concatenate([np.bincount(k, w, n) for k, n in keys]) for w in weights],
                dtype=np.float64,
            )
        )
    return out


def sizes_of(plan: Plan) -> tuple[int, int, int]:
    return plan.policies, len(plan.families), len(plan.dependencies) + 1


def _contributions(
    plan: Plan,
    outputs: Sequence[BlockOutput],
    years: int,
    masks: list[np.ndarray],
    tails: list[TailMeasure],
    partials: Partials,
) -> tuple[Contribution, ...]:
    policies, families, dependencies = sizes_of(plan)
    summed = np.zeros((1 + len(masks), policies + families + dependencies))
    stacked = np.array(masks, dtype=np.bool_).reshape(len(masks), years)
    for block in partials([o.path for o in outputs], stacked):
        for chunk in block:  # chunk order: the same additions for any block size or worker
            summed += chunk
    totals = {
        "policy": summed[:, :policies],
        "family": summed[:, policies : policies + families],
        "dependency": summed[:, policies + families :],
    }
    scale = np.array([years] + [t.tail_years for t in tails], dtype=np.float64)[:, None]
    means = {by: t / scale for by, t in totals.items()}
    names = {
        "policy": list(plan.policy_ids),
        "family": [f.name for f in plan.families],
        "dependency": [*plan.dependencies, INDEPENDENT],
    }
    rows: list[Contribution] = []
    for by in ("family", "dependency"):
        for j, name in enumerate(names[by]):
            if by == "dependency" and name == INDEPENDENT and not _has_attritional(plan):
                continue
            rows.append(_row(by, name, means[by][:, j]))
    for by, labels in (("industry", plan.industries), ("region", plan.regions)):
        keys_sorted = sorted(set(labels))
        code = np.array([keys_sorted.index(v) for v in labels], dtype=np.int64)
        for i, name in enumerate(keys_sorted):
            grouped = [np.bincount(code, row, len(keys_sorted))[i] for row in means["policy"]]
            rows.append(_row(by, name, np.array(grouped)))
    rows.extend(
        _row("policy", name, means["policy"][:, j]) for j, name in enumerate(names["policy"])
    )
    return tuple(rows)


def _row(by: str, key: str, values: FloatArray) -> Contribution:
    return Contribution(by, key, float(values[0]), tuple(float(v) for v in values[1:]))


def _has_attritional(plan: Plan) -> bool:
    return any(f.dependency < 0 for f in plan.families)
