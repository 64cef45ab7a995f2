"""Loss-development triangles for reserving (准备金评估): the typed input of chain ladder, Mack and
Bornhuetter–Ferguson (``reserving_methods``), and the port through which the claims store will
hand over its claims' development.

A :class:`Triangle` is a set of :class:`TrianglePoint` — one cumulative amount per origin period
(事故期, an accident year ``2021`` or quarter ``2021Q3``) and development age in months (进展期,
12, 24, … or 3, 6, …). It is checked when built, and every refusal names the cell:

- no cell twice;
- origins consecutive, developments a regular grid ``step, 2·step, …`` (step 3, 6 or 12 months,
  dividing the origin period);
- no gap: every cell whose development period has begun by the triangle's valuation (the latest
  cell) is present;
- cumulative amounts never fall along development, unless ``allow_decreasing`` (incurred may fall
  when case reserves are released; paid may not);
- at most :data:`MAX_ORIGINS` × :data:`MAX_DEVELOPMENTS` cells, amounts finite, 0 ≤ x ≤ 10¹⁵.

:func:`triangle_from_development` builds a triangle from dated amounts (accident date, valuation
date, amount) as a :class:`DevelopmentSource` — the claims store — yields them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Literal, NamedTuple, Protocol

from liubu.claims.reasons import ClaimsCode
from liubu.errors import ValidationError

MAX_ORIGINS = 200
MAX_DEVELOPMENTS = 200
MAX_VALUE = Decimal("1e15")
DEVELOPMENT_STEPS = (3, 6, 12)
OriginPeriod = Literal["year", "quarter"]
Basis = Literal["paid", "incurred"]
_LABEL = re.compile(r"([0-9]{4})(?:Q([1-4]))?")
_YEARS = (1900, 2200)  # pandas, under chainladder, dates up to 2262


def _cell_error(message: str, code: ClaimsCode, origin: str, development: int) -> ValidationError:
    error = ValidationError(
        message, code=code, field="value", location=f"origin {origin}, development {development}"
    )
    error.detail["origin"] = origin
    error.detail["development"] = development
    return error


def origin_start(label: str) -> date:
    """The first day of the origin period ``label`` (``"2021"`` or ``"2021Q3"``).

    >>> origin_start("2021Q3")
    datetime.date(2021, 7, 1)
    """
    match = _LABEL.fullmatch(label)
    if match is None or not _YEARS[0] <= int(match[1]) <= _YEARS[1]:
        raise ValidationError(
            f"The origin {label[:32]!r} is not a year (2021) or a quarter (2021Q3) between "
            f"{_YEARS[0]} and {_YEARS[1]}.",
            code=ClaimsCode.TRIANGLE_VALUE,
            field="origin",
            value=label[:32],
        )
    quarter = int(match[2]) if match[2] else 1
    return date(int(match[1]), 3 * quarter - 2, 1)


def origin_label(day: date, period: OriginPeriod) -> str:
    """The label of the origin period ``period`` that contains ``day``.

    >>> origin_label(date(2021, 8, 15), "quarter"), origin_label(date(2021, 8, 15), "year")
    ('2021Q3', '2021')
    """
    if period == "year":
        return f"{day.year:04d}"
    return f"{day.year:04d}Q{(day.month - 1) // 3 + 1}"


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True, slots=True)
class TrianglePoint:
    """One cell: the cumulative amount of ``origin`` at ``development_months`` of age."""

    origin: str
    development_months: int
    value: Decimal


@dataclass(frozen=True)
class Triangle:
    """A checked cumulative loss-development triangle (see the module docstring for the rules).

    ``origins`` (labels, oldest first), ``developments`` (months) and ``cells`` (a row per origin,
    ``None`` beyond the valuation) are derived on construction.
    """

    points: tuple[TrianglePoint, ...]
    allow_decreasing: bool = False
    origins: tuple[str, ...] = field(init=False)
    developments: tuple[int, ...] = field(init=False)
    cells: tuple[tuple[Decimal | None, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.points) > MAX_ORIGINS * MAX_DEVELOPMENTS:
            raise ValidationError(
                f"The triangle has {len(self.points):,} cells, more than the "
                f"{MAX_ORIGINS * MAX_DEVELOPMENTS:,} allowed.",
                code=ClaimsCode.TRIANGLE_TOO_LARGE,
                field="points",
            )
        if not self.points:
            raise ValidationError(
                "The triangle has no cells.", code=ClaimsCode.TRIANGLE_MALFORMED, field="points"
            )
        known = self._cells_by_key()
        origins = _origin_grid(sorted({origin for origin, _ in known}, key=origin_start))
        valuation = max(_month_index(origin_start(o)) + d for o, d in known)
        if valuation > _month_index(date(_YEARS[1] + 1, 1, 1)):
            raise ValidationError(
                f"The triangle is valued after {_YEARS[1]} ({_valuation_label(valuation)}): an "
                f"origin plus its development reaches beyond the calendar liubu reserves in.",
                code=ClaimsCode.TRIANGLE_VALUE,
                field="development",
            )
        developments = _development_grid(
            sorted({dev for _, dev in known}),
            origins[0],
            oldest_age=valuation - _month_index(origin_start(origins[0])),
        )
        rows: list[tuple[Decimal | None, ...]] = []
        for origin in origins:
            start = _month_index(origin_start(origin))
            row: list[Decimal | None] = []
            for development in developments:
                value = known.get((origin, development))
                if value is None and start + development - developments[0] < valuation:
                    raise _cell_error(
                        f"The triangle has a gap: origin {origin} has no value at "
                        f"{development} months, inside the known region (valuation "
                        f"{_valuation_label(valuation)}).",
                        ClaimsCode.TRIANGLE_GAP,
                        origin,
                        development,
                    )
                row.append(value)
            self._check_increasing(origin, developments, row)
            rows.append(tuple(row))
        object.__setattr__(self, "origins", tuple(origins))
        object.__setattr__(self, "developments", tuple(developments))
        object.__setattr__(self, "cells", tuple(rows))

    def _cells_by_key(self) -> dict[tuple[str, int], Decimal]:
        known: dict[tuple[str, int], Decimal] = {}
        for point in self.points:
            check_point(point)
            key = (point.origin, point.development_months)
            if key in known:
                raise _cell_error(
                    f"The triangle has two values for origin {point.origin} at "
                    f"{point.development_months} months ({known[key]} and {point.value}).",
                    ClaimsCode.TRIANGLE_DUPLICATE_CELL,
                    *key,
                )
            known[key] = point.value
        return known

    def _check_increasing(
        self, origin: str, developments: list[int], row: list[Decimal | None]
    ) -> None:
        if self.allow_decreasing:
            return
        for before, after, development in zip(row, row[1:], developments[1:], strict=False):
            if before is not None and after is not None and after < before:
                raise _cell_error(
                    f"The cumulative amount of origin {origin} falls from {before} to {after} at "
                    f"{development} months; paid amounts may not fall (allow decreasing values "
                    f"for an incurred triangle).",
                    ClaimsCode.TRIANGLE_DECREASING,
                    origin,
                    development,
                )

    @property
    def latest(self) -> tuple[Decimal, ...]:
        """The latest known cumulative amount of each origin (the current diagonal)."""
        return tuple(next(v for v in reversed(row) if v is not None) for row in self.cells)


def check_point(point: TrianglePoint) -> None:
    """Refuse a cell whose origin label, development age or amount is out of bounds."""
    origin_start(point.origin)
    development = point.development_months
    if not isinstance(development, int) or not 1 <= development <= 12 * MAX_DEVELOPMENTS:
        raise _cell_error(
            f"The development {development!r} of origin {point.origin} is not a whole number of "
            f"months between 1 and {12 * MAX_DEVELOPMENTS}.",
            ClaimsCode.TRIANGLE_VALUE,
            point.origin,
            development if isinstance(development, int) else 0,
        )
    value = point.value
    if not isinstance(value, Decimal) or not value.is_finite() or not 0 <= value <= MAX_VALUE:
        raise _cell_error(
            f"The value {value!r} of origin {point.origin} at {development} months is not a "
            f"finite amount between 0 and {MAX_VALUE:,.0f}.",
            ClaimsCode.TRIANGLE_VALUE,
            point.origin,
            development,
        )


def _origin_grid(origins: list[str]) -> list[str]:
    quarterly = {"Q" in origin for origin in origins}
    if len(quarterly) > 1:
        raise ValidationError(
            "The origins mix years and quarters; use one origin period.",
            code=ClaimsCode.TRIANGLE_GRID,
            field="origin",
        )
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(
            f"The triangle has {len(origins)} origins, more than the {MAX_ORIGINS} allowed.",
            code=ClaimsCode.TRIANGLE_TOO_LARGE,
            field="origin",
        )
    step = 3 if quarterly.pop() else 12
    for before, after in pairwise(origins):
        months = _month_index(origin_start(after)) - _month_index(origin_start(before))
        if months != step:
            raise ValidationError(
                f"The origins are not consecutive: {before} is followed by {after}; add the "
                f"origins between them (with zero amounts if they had no claims).",
                code=ClaimsCode.TRIANGLE_GRID,
                field="origin",
                value=after,
            )
    return origins


def _development_grid(developments: list[int], first_origin: str, *, oldest_age: int) -> list[int]:
    """Every development age from the first up to the oldest origin's age at the valuation: the
    oldest origin is developed to the valuation (chainladder reads the latest diagonal there), so
    a triangle cut at a smaller maximum age shows as a gap."""
    step = developments[0]
    origin_months = 3 if "Q" in first_origin else 12
    if step not in DEVELOPMENT_STEPS or origin_months % step:
        raise ValidationError(
            f"The first development period is {step} months; it must be 3, 6 or 12 months and "
            f"divide the origin period ({origin_months} months).",
            code=ClaimsCode.TRIANGLE_GRID,
            field="development",
            value=step,
        )
    for development in developments:
        if development % step:
            raise ValidationError(
                f"The development periods are not a regular grid of {step} months: "
                f"{development} months is not a multiple of {step}.",
                code=ClaimsCode.TRIANGLE_GRID,
                field="development",
                value=development,
            )
    ages = list(range(step, oldest_age + 1, step))
    if len(ages) > MAX_DEVELOPMENTS:
        raise ValidationError(
            f"The triangle has {len(ages)} development periods, more than the "
            f"{MAX_DEVELOPMENTS} allowed.",
            code=ClaimsCode.TRIANGLE_TOO_LARGE,
            field="development",
        )
    return ages


def _valuation_label(month_index: int) -> str:
    year, month = divmod(month_index - 1, 12)
    return f"{year:04d}-{month + 1:02d}"


class DevelopmentRow(NamedTuple):
    """A dated amount of the claims of one accident date, as at ``valuation_date``."""

    accident_date: date
    valuation_date: date
    amount: Decimal


class DevelopmentSource(Protocol):
    """The claims store's side of reserving: the development of a product's claims (every product
    of the caller's insurer when ``product_ref`` is None), paid or incurred, scoped to the
    caller's tenant by the store. Incremental movements (payments; changes of paid + case reserve)
    or cumulative amounts per accident date, as ``triangle_from_development`` is told."""

    def claim_development(
        self, product_ref: str | None, basis: Basis
    ) -> Iterable[DevelopmentRow]: ...


def triangle_from_development(
    rows: Iterable[DevelopmentRow | tuple[date, date, Decimal]],
    *,
    origin_period: OriginPeriod = "year",
    development_period_months: Literal[3, 6, 12] = 12,
    amounts: Literal["incremental", "cumulative"] = "incremental",
    as_of: date | None = None,
    allow_decreasing: bool = False,
) -> Triangle:
    """The cumulative triangle of dated amounts, as at ``as_of`` (default: the latest valuation).

    Origin = the period that contains the accident date. Development period k of an origin
    starting on s covers valuations up to s + k·step months (exclusive); a cell exists once its
    period has begun by ``as_of``, and holds the amount known at its end (or at ``as_of``).
    ``incremental`` rows are summed; ``cumulative`` rows give, per accident date, the amount
    known at their valuation (the latest one at or before a cell's end counts). Every origin
    from the earliest accident to ``as_of`` gets a row, zero when it had no claims.
    """
    by_accident: dict[date, list[tuple[date, Decimal]]] = defaultdict(list)
    for accident, valuation, amount in rows:
        if valuation < accident:
            raise ValidationError(
                f"A claim amount valued on {valuation} is earlier than its accident {accident}.",
                code=ClaimsCode.TRIANGLE_VALUE,
                field="valuation_date",
                value=str(valuation),
            )
        by_accident[accident].append((valuation, Decimal(amount)))
    if not by_accident:
        raise ValidationError(
            "There are no claim amounts to build a triangle from.",
            code=ClaimsCode.RESERVING_NO_CLAIMS,
            field="rows",
        )
    end = as_of or max(v for series in by_accident.values() for v, _ in series)
    cumulative: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    step = development_period_months
    for accident, series in by_accident.items():
        origin = origin_label(accident, origin_period)
        series.sort()
        for development, cell_end in _cell_ends(origin_start(origin), step, end):
            known = [a for v, a in series if v <= cell_end]
            if amounts == "incremental":
                cumulative[(origin, development)] += sum(known, Decimal(0))
            elif known:
                cumulative[(origin, development)] += known[-1]
    return Triangle(
        tuple(_all_cells(cumulative, min(by_accident), end, origin_period, step)),
        allow_decreasing=allow_decreasing,
    )


def _cell_ends(start: date, step: int, as_of: date) -> Iterator[tuple[int, date]]:
    """(development months, last valuation counted) of each cell of an origin begun by as_of."""
    development = step
    while True:
        opens = _add_months(start, development - step)
        if opens > as_of:
            return
        closes = _add_months(start, development)
        yield development, min(as_of, date.fromordinal(closes.toordinal() - 1))
        development += step


def _add_months(day: date, months: int) -> date:
    index = _month_index(day) + months
    return date(index // 12, index % 12 + 1, 1)


def _all_cells(
    cumulative: dict[tuple[str, int], Decimal],
    first_accident: date,
    as_of: date,
    period: OriginPeriod,
    step: int,
) -> Iterator[TrianglePoint]:
    months = 12 if period == "year" else 3
    start = origin_start(origin_label(first_accident, period))
    while start <= as_of:
        origin = origin_label(start, period)
        for development, _ in _cell_ends(start, step, as_of):
            yield TrianglePoint(
                origin, development, cumulative.get((origin, development), Decimal(0))
            )
        start = _add_months(start, months)
