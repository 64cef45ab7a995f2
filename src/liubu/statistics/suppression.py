"""Small-cell suppression (小单元格抑制) of the regulator's tables: no published figure may
describe fewer than ``minimum`` insureds, and no such figure may be recovered by subtraction.

The rule (documented in ``docs/statistics.md``), applied to each one-way table on its own:

1. a cell that covers fewer than ``minimum`` distinct insureds is *small*;
2. every small cell of the table is merged into one row, :data:`OTHER`;
3. if that row still covers fewer than ``minimum`` distinct insureds (always the case when only
   one cell is small), the shown cells with the fewest insureds join it, one at a time, until it
   covers at least ``minimum`` — so the total minus the shown rows gives only the merged row,
   which is itself above the minimum;
4. if the whole line covers fewer than ``minimum`` insureds, its totals and tables are withheld.

Distinct insureds of a merged row are counted again by the caller (``insureds_of``): the same
enterprise may hold policies in two months, so counts of cells do not add up.

>>> from decimal import Decimal
>>> from liubu.statistics.records import Figures, Row
>>> def row(key, n):
...     return Row(key, Figures(n, Decimal(100 * n), Decimal(1000 * n), insureds=n))
>>> rows = [row("11", 1), row("31", 5), row("32", 4), row("44", 9)]
>>> count = {r.key: r.figures.insureds for r in rows}
>>> table = suppress(rows, minimum=3, insureds_of=lambda keys: sum(count[k] for k in keys))
>>> [(r.key, r.figures.insureds, r.merged) for r in table]
[('31', 5, 0), ('44', 9, 0), ('other', 5, 2)]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from decimal import Decimal

from liubu.statistics.records import Figures, Row

OTHER = "other"


def merge_plan(
    cells: Sequence[tuple[str, int, int]],
    *,
    minimum: int,
    insureds_of: Callable[[Collection[str]], int],
) -> tuple[list[str], int] | None:
    """The rule above on a table's cells given as ``(key, insureds, policies)``: the keys to
    merge into :data:`OTHER` (none when no cell is small) and the merged row's distinct
    insureds; None when the whole table is below ``minimum``. Every table the regulator sees
    (:func:`suppress`, the industry risk view) is cut by this one function."""
    small = [key for key, insureds, _policies in cells if insureds < minimum]
    if not small:
        return [], 0
    # Complementary cells: the fewest insureds first (then fewest policies, then key) so the
    # merge hides as little as it can, and the same data always give the same table.
    candidates = sorted(
        ((insureds, policies, key) for key, insureds, policies in cells if insureds >= minimum)
    )
    merged = list(small)
    insureds = insureds_of(merged)
    while insureds < minimum and candidates:
        merged.append(candidates.pop(0)[2])
        insureds = insureds_of(merged)
    if insureds < minimum:
        return None
    return merged, insureds


def suppress(
    rows: Sequence[Row], *, minimum: int, insureds_of: Callable[[Collection[str]], int]
) -> list[Row]:
    """The table with its small cells merged into one :data:`OTHER` row (rule above), in the
    original order with :data:`OTHER` last; empty when the whole table is below ``minimum``."""
    plan = merge_plan(
        [(r.key, r.figures.insureds, r.figures.policies) for r in rows],
        minimum=minimum,
        insureds_of=insureds_of,
    )
    if plan is None:
        return []
    keys, insureds = plan
    if not keys:
        return list(rows)
    hidden = set(keys)
    merged = [r for r in rows if r.key in hidden]
    reported = all(r.figures.claims is not None for r in merged)
    other = Row(
        OTHER,
        Figures(
            sum(r.figures.policies for r in merged),
            sum((r.figures.premium for r in merged), Decimal(0)),
            sum((r.figures.sum_insured for r in merged), Decimal(0)),
            insureds=insureds,
            claims=sum(r.figures.claims or 0 for r in merged) if reported else None,
            claims_paid=(
                sum((r.figures.claims_paid or Decimal(0) for r in merged), Decimal(0))
                if reported
                else None
            ),
        ),
        merged=len(merged),
    )
    return [r for r in rows if r.key not in hidden] + [other]
