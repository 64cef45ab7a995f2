"""The small-cell rule on its own: which cells are merged, and that nothing below the minimum can
be worked out from what is published (the total less the shown rows)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from decimal import Decimal

from liubu.statistics import OTHER, Figures, Row, suppress


def _table(cells: dict[str, set[str]]) -> tuple[list[Row], dict[str, set[str]]]:
    """Rows from the insureds of each cell; each insured pays 1,000 + its number."""

    def premium(names: set[str]) -> Decimal:
        return sum((Decimal(1000 + int(n[1:])) for n in names), Decimal(0))

    rows = [
        Row(key, Figures(len(names), premium(names), Decimal(0), insureds=len(names)))
        for key, names in cells.items()
    ]
    return rows, cells


def _counter(cells: dict[str, set[str]]) -> Callable[[Collection[str]], int]:
    def insureds_of(keys: Collection[str]) -> int:
        return len(set().union(*(cells[k] for k in keys)))

    return insureds_of


def _unrecoverable(rows: list[Row], published: list[Row], minimum: int) -> None:
    """The total less the shown rows is the merged row, and every published row covers at
    least ``minimum`` insureds."""
    total = sum((r.figures.premium for r in rows), Decimal(0))
    shown = sum((r.figures.premium for r in published if r.key != OTHER), Decimal(0))
    others = [r for r in published if r.key == OTHER]
    assert total - shown == sum((r.figures.premium for r in others), Decimal(0))
    assert all(r.figures.insureds >= minimum for r in published)


def test_cells_of_one_and_two_insureds_merge_and_a_cell_of_three_is_shown() -> None:
    rows, cells = _table({"A": {"e1"}, "B": {"e2", "e3"}, "C": {"e4", "e5", "e6"}})
    published = suppress(rows, minimum=3, insureds_of=_counter(cells))
    assert [(r.key, r.figures.insureds, r.merged) for r in published] == [
        ("C", 3, 0),
        (OTHER, 3, 2),
    ]
    assert published[1].figures.premium == Decimal(1001 + 1002 + 1003)
    _unrecoverable(rows, published, 3)


def test_one_small_cell_takes_the_smallest_shown_cell_with_it() -> None:
    rows, cells = _table(
        {"A": {"e1"}, "B": {f"e{i}" for i in range(2, 7)}, "C": {f"e{i}" for i in range(7, 11)}}
    )
    published = suppress(rows, minimum=3, insureds_of=_counter(cells))
    # C (4 insureds) is smaller than B (5): it is merged with A, so neither A nor C can be
    # worked out, and the merged row covers five insureds.
    assert [(r.key, r.figures.insureds, r.merged) for r in published] == [
        ("B", 5, 0),
        (OTHER, 5, 2),
    ]
    _unrecoverable(rows, published, 3)


def test_the_same_insured_in_two_small_cells_counts_once() -> None:
    # One enterprise with policies in two months and another alone in a third: three cells of
    # one insured each, but only two insureds together, so a shown cell must join them.
    rows, cells = _table(
        {"2026-01": {"e1"}, "2026-02": {"e1"}, "2026-03": {"e2"}, "2026-04": {"e3", "e4", "e5"}}
    )
    published = suppress(rows, minimum=3, insureds_of=_counter(cells))
    assert [(r.key, r.figures.insureds, r.merged) for r in published] == [(OTHER, 5, 4)]
    _unrecoverable(rows, published, 3)


def test_a_table_without_small_cells_is_unchanged_and_one_below_the_minimum_is_empty() -> None:
    rows, cells = _table({"A": {"e1", "e2", "e3"}, "B": {"e4", "e5", "e6", "e7"}})
    assert suppress(rows, minimum=3, insureds_of=_counter(cells)) == rows
    small, cells = _table({"A": {"e1"}, "B": {"e2"}})
    assert suppress(small, minimum=3, insureds_of=_counter(cells)) == []


def test_every_published_row_of_random_tables_covers_the_minimum() -> None:
    import random

    rng = random.Random(13)
    for _ in range(300):
        minimum = rng.randint(2, 5)
        cells = {
            f"k{c}": {f"e{rng.randint(1, 30)}" for _ in range(rng.randint(1, 6))}
            for c in range(rng.randint(1, 8))
        }
        rows, cells = _table(cells)
        published = suppress(rows, minimum=minimum, insureds_of=_counter(cells))
        if len(set().union(*cells.values())) < minimum:
            assert published == []
            continue
        _unrecoverable(rows, published, minimum)
        assert len([r for r in published if r.key == OTHER]) <= 1
        merged = [r for r in published if r.key == OTHER]
        if merged:
            assert merged[0].merged >= 2 or len(rows) == 1
