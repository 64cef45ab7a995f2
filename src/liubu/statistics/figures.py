"""Market statistics for regulators (监管统计): policies, premium and sum insured by product type,
industry, region and month, for enterprise and personal lines separately — aggregates only,
never a person or an insured. Cells below a minimum number of insureds are merged (see
:mod:`liubu.statistics.suppression` and ``docs/statistics.md``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, Protocol

from liubu.accounts import OrgKind, Role, UnitOfWork, require
from liubu.errors import ValidationError
from liubu.products import Lang
from liubu.statistics.names import export_word, key_names
from liubu.statistics.records import MIN_INSUREDS, Figures, ProductName, Row
from liubu.statistics.suppression import OTHER, suppress

ENTERPRISE_DIMENSIONS = ("product_type", "industry_section", "region", "month")
PERSONAL_DIMENSIONS = ("product", "province", "month")


class StatisticsQueries(Protocol):
    """Aggregate queries over the whole market (every insurer), returning no personal data."""

    def enterprise_totals(self) -> Figures: ...
    def enterprise_by(self, dimension: str) -> Sequence[Row]: ...
    def enterprise_insureds(self, dimension: str, keys: Collection[str]) -> int:
        """Distinct insured enterprises over the cells ``keys`` of a dimension together."""
        ...

    def personal_totals(self) -> Figures: ...
    def personal_by(self, dimension: str) -> Sequence[Row]: ...
    def personal_insureds(self, dimension: str, keys: Collection[str]) -> int: ...
    def product_names(self, refs: Collection[str]) -> Sequence[ProductName]:
        """The names of the product versions ``refs`` (filed products are public)."""
        ...


class StatisticsUnitOfWork(UnitOfWork, Protocol):
    @property
    def statistics(self) -> StatisticsQueries: ...


_WITHHELD = "<{minimum}"


@dataclass(frozen=True)
class MarketStatistics:
    """The published figures. A line's totals are None (and its tables empty) when the whole
    line covers fewer than ``minimum`` insureds."""

    enterprise: Figures | None
    enterprise_by: dict[str, Sequence[Row]]
    personal: Figures | None
    personal_by: dict[str, Sequence[Row]]
    minimum: int = MIN_INSUREDS
    #: the names of the products keying the personal line's ``product`` table
    products: Mapping[str, ProductName] = field(default_factory=dict)

    def _lines(self) -> tuple[tuple[str, Figures | None, dict[str, Sequence[Row]]], ...]:
        return (
            ("enterprise", self.enterprise, self.enterprise_by),
            ("personal", self.personal, self.personal_by),
        )

    def to_dict(self) -> dict[str, Any]:
        def rows(groups: dict[str, Sequence[Row]]) -> dict[str, Any]:
            return {
                d: [{"key": r.key, **r.figures.to_dict(), "merged": r.merged} for r in rs]
                for d, rs in groups.items()
            }

        def totals(figures: Figures | None) -> dict[str, Any]:
            if figures is None:
                withheld = dict.fromkeys(
                    ("policies", "insureds", "premium", "sum_insured", "claims", "claims_paid")
                )
                return {**withheld, "withheld": True}
            return {**figures.to_dict(), "withheld": False}

        found: dict[str, Any] = {"minimum_insureds": self.minimum}
        for line, figures, groups in self._lines():
            found[line] = {"totals": totals(figures), "by": rows(groups)}
        return found

    def _cells(self, figures: Figures | None) -> list[Any]:
        if figures is None:
            return [_WITHHELD.format(minimum=self.minimum)] * 4
        return [figures.policies, figures.insureds, figures.premium, figures.sum_insured]

    def _claim_cells(self, figures: Figures | None) -> list[Any]:
        """Claims filed and paid; withheld like the rest, empty where a line reports none."""
        if figures is None:
            return [_WITHHELD.format(minimum=self.minimum)] * 2
        return ["" if figures.claims is None else figures.claims, figures.claims_paid or ""]

    def _table(self, lang: Lang) -> tuple[list[str], list[list[Any]]]:
        """The exports' one table in ``lang``: each code (line, dimension, key) shown by its
        name, with the code itself in the column beside it."""
        names = key_names(lang)
        names["product"] = {ref: name.in_(lang) for ref, name in self.products.items()}
        other = export_word("other", "", lang)

        def named(dimension: str, key: str) -> str:
            return other if key == OTHER else names.get(dimension, {}).get(key, key)

        heading = [export_word("columns", column, lang) for column in _COLUMNS]
        rows: list[list[Any]] = []
        for line, totals, groups in self._lines():
            line_name = export_word("lines", line, lang)
            total = export_word("dimensions", "total", lang)
            codes = [line_name, line, total, "total", "", ""]
            rows.append([*codes, *self._cells(totals), 0, *self._claim_cells(totals)])
            for dimension, group in groups.items():
                dimension_name = export_word("dimensions", dimension, lang)
                for row in group:
                    codes = [line_name, line, dimension_name, dimension]
                    codes += [named(dimension, row.key), row.key]
                    cells = [*self._cells(row.figures), row.merged]
                    rows.append([*codes, *cells, *self._claim_cells(row.figures)])
        return heading, rows

    def to_csv(self, *, lang: Lang = "zh") -> str:
        """One table (UTF-8 with BOM for spreadsheet programs), headed in ``lang``: line,
        dimension and group by name, each with its code beside it, then policies, insureds,
        premium, sum insured, merged cells, claims and claims paid. Withheld totals read
        ``<3``."""
        out = io.StringIO()
        writer = csv.writer(out)
        heading, rows = self._table(lang)
        writer.writerow(heading)
        writer.writerows(rows)
        return "\ufeff" + out.getvalue()

    def to_xlsx(self, *, lang: Lang = "zh") -> bytes:
        """One sheet per line of business, named in ``lang``, with the CSV's columns less the
        line's two, amounts as numbers, and the small-cell rule under the table."""
        from openpyxl import Workbook

        heading, rows = self._table(lang)
        book = Workbook()
        book.remove(book.active)
        for line, _totals, _groups in self._lines():
            sheet = book.create_sheet(export_word("lines", line, lang))
            sheet.append(heading[2:])
            for row in rows:
                if row[1] == line:
                    sheet.append([float(c) if isinstance(c, Decimal) else c for c in row[2:]])
            sheet.append([])
            sheet.append([export_word("footnote", "", lang).format(minimum=self.minimum)])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


_COLUMNS = (
    "line",
    "line_code",
    "dimension",
    "dimension_code",
    "key",
    "key_code",
    "policies",
    "insureds",
    "premium",
    "sum_insured",
    "merged",
    "claims",
    "claims_paid",
)


def _withheld(totals: Figures, minimum: int) -> bool:
    """A line with some insureds, but fewer than the minimum (an empty line shows its zeros)."""
    return 0 < totals.insureds < minimum


def market_statistics(
    uow: StatisticsUnitOfWork, *, minimum: int = MIN_INSUREDS
) -> MarketStatistics:
    """For regulators (and the platform operator): the whole market, aggregates only, with no
    figure behind fewer than ``minimum`` insureds (:func:`suppress`)."""
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ValidationError(
            f"The minimum number of insureds per cell must be a positive integer, not {minimum!r}.",
            field="minimum",
            value=repr(minimum),
        )
    require(
        uow.principal,
        Role.REGULATOR_VIEWER,
        Role.ADMIN,
        kinds=[OrgKind.REGULATOR, OrgKind.PLATFORM],
    )
    queries = uow.statistics
    enterprise, personal = queries.enterprise_totals(), queries.personal_totals()

    def tables(
        totals: Figures,
        dimensions: Sequence[str],
        rows_of: Callable[[str], Sequence[Row]],
        insureds_of: Callable[[str, Collection[str]], int],
    ) -> dict[str, Sequence[Row]]:
        if _withheld(totals, minimum):
            return {d: [] for d in dimensions}
        return {
            d: suppress(rows_of(d), minimum=minimum, insureds_of=partial(insureds_of, d))
            for d in dimensions
        }

    personal_by = tables(
        personal, PERSONAL_DIMENSIONS, queries.personal_by, queries.personal_insureds
    )
    refs = {row.key for row in personal_by["product"] if not row.merged}
    return MarketStatistics(
        enterprise=None if _withheld(enterprise, minimum) else enterprise,
        enterprise_by=tables(
            enterprise,
            ENTERPRISE_DIMENSIONS,
            queries.enterprise_by,
            queries.enterprise_insureds,
        ),
        personal=None if _withheld(personal, minimum) else personal,
        personal_by=personal_by,
        minimum=minimum,
        products={p.product_ref: p for p in queries.product_names(refs)} if refs else {},
    )
