"""Rough costs of fixes by revenue band (``data/fix_costs.yaml``; every figure an assumption).

A fix's annualised cost is ``annual + one_off / amortisation_years``, each end of the [low, high]
range scaled from the reference revenue band by the entry's scale, in CNY rounded half-up to the
fen. The plan ranks by the middle of the annualised range.

>>> cost = fix_cost_for_question("payments.callback", revenue_band="10m_100m")
>>> cost.annualised_low, cost.annualised_high
(Decimal('1166.67'), Decimal('6000.00'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from liubu.assessment._tables import Path, Table, load_table, parse_table
from liubu.assessment.reasons import AssessmentCode
from liubu.core import FEN, half_up
from liubu.errors import ConfigurationError
from liubu.products import Text

_FILE = "fix_costs.yaml"


def fen(value: Decimal) -> Decimal:
    """``value`` rounded half-up to the fen."""
    return half_up(value, FEN)


@dataclass(frozen=True)
class CostEntry:
    """Costs at the reference band: one-off and annual [low, high], and the size scale."""

    one_off: tuple[Decimal, Decimal]
    annual: tuple[Decimal, Decimal]
    scale: str
    title: Text | None = None
    advice: Text | None = None


@dataclass(frozen=True)
class FixCost:
    """A fix's cost for one revenue band (CNY): one-off and annual ranges and the annualised
    range ``annual + one_off / amortisation_years``."""

    revenue_band: str
    scale: str
    one_off_low: Decimal
    one_off_high: Decimal
    annual_low: Decimal
    annual_high: Decimal
    amortisation_years: int
    assumption: bool = True

    @property
    def annualised_low(self) -> Decimal:
        return fen(self.annual_low + self.one_off_low / self.amortisation_years)

    @property
    def annualised_high(self) -> Decimal:
        return fen(self.annual_high + self.one_off_high / self.amortisation_years)

    @property
    def annualised_mid(self) -> Decimal:
        return fen((self.annualised_low + self.annualised_high) / 2)

    def plus(self, other: FixCost) -> FixCost:
        """Two fixes' costs together (ranges add)."""
        return FixCost(
            self.revenue_band,
            self.scale if self.scale == other.scale else "mixed",
            self.one_off_low + other.one_off_low,
            self.one_off_high + other.one_off_high,
            self.annual_low + other.annual_low,
            self.annual_high + other.annual_high,
            self.amortisation_years,
            self.assumption or other.assumption,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "revenue_band": self.revenue_band,
            "scale": self.scale,
            "one_off": [str(self.one_off_low), str(self.one_off_high)],
            "annual": [str(self.annual_low), str(self.annual_high)],
            "annualised": [str(self.annualised_low), str(self.annualised_high)],
            "annualised_mid": str(self.annualised_mid),
            "amortisation_years": self.amortisation_years,
            "assumption": self.assumption,
        }


@dataclass(frozen=True)
class CostTable:
    version: int
    reference_band: str
    amortisation_years: int
    scales: Mapping[str, Mapping[str, Decimal]]
    findings_default: Mapping[str, CostEntry]
    findings: Mapping[str, CostEntry]
    questions: Mapping[str, CostEntry]

    def cost(self, entry: CostEntry, revenue_band: str) -> FixCost:
        """``entry`` scaled to ``revenue_band``."""
        factor = self.scales[entry.scale].get(revenue_band)
        if factor is None:
            raise ConfigurationError(
                f"liubu/assessment/data/{_FILE} has no {entry.scale} scale for the revenue band "
                f"{revenue_band!r}.",
                code=AssessmentCode.FIX_COSTS,
            )
        return FixCost(
            revenue_band,
            entry.scale,
            fen(entry.one_off[0] * factor),
            fen(entry.one_off[1] * factor),
            fen(entry.annual[0] * factor),
            fen(entry.annual[1] * factor),
            self.amortisation_years,
        )


@cache
def load_fix_costs() -> CostTable:
    """The packaged cost table (read once)."""
    return _build(load_table(_FILE))


def parse_fix_costs(text: str, *, filename: str = _FILE) -> CostTable:
    return _build(parse_table(text, filename))


def _range(table: Table, path: Path, key: str) -> tuple[Decimal, Decimal]:
    if key not in table.mapping(path):
        return Decimal(0), Decimal(0)
    low, high = table.decimal((*path, key, 0)), table.decimal((*path, key, 1))
    if not 0 <= low <= high:
        raise table.fail(f"The {key} range must satisfy 0 <= low <= high.", (*path, key))
    return low, high


def _text(table: Table, path: Path) -> Text:
    return Text(zh=table.text((*path, "zh")), en=table.text((*path, "en")))


def _entry(table: Table, path: Path, scales: Mapping[str, Any], *, texts: bool) -> CostEntry:
    scale = table.text((*path, "scale"))
    if scale not in scales:
        raise table.fail(f"Unknown scale {scale!r}.", (*path, "scale"))
    return CostEntry(
        _range(table, path, "one_off"),
        _range(table, path, "annual"),
        scale,
        _text(table, (*path, "title")) if texts else None,
        _text(table, (*path, "advice")) if texts else None,
    )


def _build(table: Table) -> CostTable:
    scales = {
        str(name): {
            str(band): table.decimal(("scales", name, band))
            for band in table.mapping(("scales", name))
        }
        for name in table.mapping(("scales",))
    }
    years = table.get(("amortisation_years",))
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise table.fail("amortisation_years must be a positive integer.", ("amortisation_years",))
    return CostTable(
        version=int(table.get(("version",))),
        reference_band=table.text(("reference_band",)),
        amortisation_years=years,
        scales=scales,
        findings_default={
            str(s): _entry(table, ("findings", "default", s), scales, texts=False)
            for s in table.mapping(("findings", "default"))
        },
        findings={
            str(c): _entry(table, ("findings", "codes", c), scales, texts=False)
            for c in table.mapping(("findings", "codes"))
        },
        questions={
            str(q): _entry(table, ("questions", q), scales, texts=True)
            for q in table.mapping(("questions",))
        },
    )


def fix_cost_for_finding(code: str, severity: str, *, revenue_band: str) -> FixCost:
    """The cost of resolving every finding of ``code`` (its severity's default when unlisted)."""
    table = load_fix_costs()
    entry = table.findings.get(code) or table.findings_default[severity]
    return table.cost(entry, revenue_band)


def fix_cost_for_question(question_id: str, *, revenue_band: str) -> FixCost:
    """The cost of bringing ``question_id``'s control to its best answer."""
    table = load_fix_costs()
    try:
        entry = table.questions[question_id]
    except KeyError:
        raise ConfigurationError(
            f"liubu/assessment/data/{_FILE} has no cost for the question {question_id!r}.",
            code=AssessmentCode.FIX_COSTS,
        ) from None
    return table.cost(entry, revenue_band)


def question_texts(question_id: str) -> tuple[Text, Text]:
    """The fix's title and advice for a question, from the cost table."""
    entry = load_fix_costs().questions[question_id]
    assert entry.title is not None
    assert entry.advice is not None
    return entry.title, entry.advice
