"""Side-by-side comparison of products, normalised to the vocabulary (产品对比).

Rows come in four sections — general terms, coverages, exclusions, bundled services — each row one
vocabulary code, each cell one product's term in a language-neutral ``value`` (JSON-ready, None
when the product lacks the term) and as ``text`` in zh and en. A row ``differs`` when the values
are not all equal; ``differences`` lists those rows' keys. Each product also gets a plain-language
summary (what is covered, what is not, what you pay first).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from liubu.errors import ValidationError
from liubu.products.reasons import ProductsCode
from liubu.products.spec import Coverage, ProductSpec, Retention
from liubu.products.summary import ProductSummary, summarise
from liubu.products.text import Lang, Text, check_lang
from liubu.products.vocabulary import Vocabulary, load_vocabulary
from liubu.products.wording import duration, fill, money, per_lang, phrase, share


@dataclass(frozen=True, slots=True)
class Cell:
    """One product's term: ``value`` for machines (None: absent), ``text`` for people."""

    value: Any
    text: Text


@dataclass(frozen=True, slots=True)
class Row:
    """A row of the matrix; ``key`` is ``section:code``, e.g. ``exclusion:betterment``."""

    key: str
    section: str
    label: Text
    cells: tuple[Cell, ...]
    differs: bool
    definition: Text | None = None


@dataclass(frozen=True)
class Comparison:
    """The comparison of ``products`` (ids, in the order given); ``lang`` is the default language
    of :meth:`to_dict` and the text renderer."""

    products: tuple[str, ...]
    names: tuple[Text, ...]
    lang: Lang
    rows: tuple[Row, ...]
    differences: tuple[str, ...]
    summaries: tuple[ProductSummary, ...]

    def row(self, key: str) -> Row:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def to_dict(self, lang: Lang | None = None) -> dict[str, Any]:
        """JSON-ready: rows with labels and cell text in ``lang`` (default: the comparison's)."""
        chosen = check_lang(lang or self.lang)
        return {
            "lang": chosen,
            "products": [
                {"id": pid, "name": name.in_(chosen)}
                for pid, name in zip(self.products, self.names, strict=True)
            ],
            "rows": [
                {
                    "key": row.key,
                    "section": row.section,
                    "label": row.label.in_(chosen),
                    "definition": None if row.definition is None else row.definition.in_(chosen),
                    "differs": row.differs,
                    "cells": [{"value": c.value, "text": c.text.in_(chosen)} for c in row.cells],
                }
                for row in self.rows
            ],
            "differences": list(self.differences),
            "summaries": [summary.to_dict() for summary in self.summaries],
        }


def _differs(cells: Sequence[Cell]) -> bool:
    return len({json.dumps(cell.value, sort_keys=True) for cell in cells}) > 1


def _row(
    key: str, section: str, label: Text, cells: Iterable[Cell], definition: Text | None = None
) -> Row:
    cells = tuple(cells)
    return Row(key, section, label, cells, _differs(cells), definition)


def _absent() -> Cell:
    return Cell(None, phrase("cells", "absent"))


def _lines(parts: Iterable[Text]) -> Text:
    items = list(parts)
    return Text(zh="\n".join(t.zh for t in items), en="\n".join(t.en for t in items))


# ── general rows ───────────────────────────────────────────────────────────────────────────────


def _trigger_cell(spec: ProductSpec) -> Cell:
    trigger = spec.trigger
    parts = [phrase("labels", "trigger", trigger.basis)]
    if trigger.retroactive_date is not None:
        parts.append(
            fill(phrase("cells", "retroactive_date"), date=trigger.retroactive_date.isoformat())
        )
    elif trigger.retroactive_period_days == 0:
        parts.append(phrase("cells", "retroactive_inception"))
    elif trigger.retroactive_period_days is not None:
        parts.append(
            fill(phrase("cells", "retroactive_period"), days=trigger.retroactive_period_days)
        )
    value = {
        "basis": trigger.basis,
        "retroactive_date": None
        if trigger.retroactive_date is None
        else trigger.retroactive_date.isoformat(),
        "retroactive_period_days": trigger.retroactive_period_days,
    }
    return Cell(value, _lines(parts))


def _eligibility_cell(spec: ProductSpec) -> Cell:
    rule = spec.eligibility
    parts = [phrase("labels", "insured", rule.insured)]
    if rule.revenue_min is not None:
        low, high = rule.revenue_min, rule.revenue_max
        parts.append(
            per_lang(
                lambda lang: (
                    phrase("cells", "revenue")
                    .in_(lang)
                    .format(
                        low=money(low, lang),
                        high=phrase("cells", "no_upper").in_(lang)
                        if high is None
                        else money(high, lang),
                    )
                )
            )
        )
    if rule.security_score_min is not None:
        parts.append(fill(phrase("cells", "score_min"), score=format(rule.security_score_min, "f")))
    if rule.mlps_level_min is not None:
        parts.append(fill(phrase("cells", "mlps_min"), level=rule.mlps_level_min))
    if rule.age_min is not None:
        parts.append(fill(phrase("cells", "age"), low=rule.age_min, high=rule.age_max))
    value = {
        "insured": rule.insured,
        "industry_sections": None
        if rule.industry_sections is None
        else list(rule.industry_sections),
        "excluded_industry_sections": list(rule.excluded_industry_sections),
        "revenue_min": _str(rule.revenue_min),
        "revenue_max": _str(rule.revenue_max),
        "security_score_min": _str(rule.security_score_min),
        "mlps_level_min": rule.mlps_level_min,
        "age": None if rule.age_min is None else [rule.age_min, rule.age_max],
    }
    return Cell(value, _lines(parts))


def _str(value: object) -> str | None:
    return None if value is None else format(value, "f") if not isinstance(value, str) else value


def _general_rows(products: Sequence[ProductSpec], vocabulary: Vocabulary) -> list[Row]:
    def type_cell(spec: ProductSpec) -> Cell:
        term = vocabulary.product_types.get(spec.product_type)
        return Cell(
            spec.product_type, term.name if term else Text(spec.product_type, spec.product_type)
        )

    def limits_cell(spec: ProductSpec) -> Cell:
        return Cell(
            [_str(limit) for limit in spec.limit_options],
            per_lang(lambda lang: " / ".join(money(limit, lang) for limit in spec.limit_options)),
        )

    def notice_cell(spec: ProductSpec) -> Cell:
        hours = spec.claims.notice_within_hours
        return Cell(
            hours,
            per_lang(
                lambda lang: (
                    phrase("cells", "within_hours").in_(lang).format(hours=duration(hours, lang))
                )
            ),
        )

    def territory_cell(spec: ProductSpec) -> Cell:
        return Cell(spec.territory, phrase("labels", "territory", spec.territory))

    makers: list[tuple[str, Callable[[ProductSpec], Cell]]] = [
        ("type", type_cell),
        ("trigger", _trigger_cell),
        ("territory", territory_cell),
        ("eligibility", _eligibility_cell),
        ("limit_options", limits_cell),
        ("claims_notice", notice_cell),
    ]
    return [
        _row(f"general:{name}", "general", phrase("rows", name), (make(spec) for spec in products))
        for name, make in makers
    ]


# ── coverage, exclusion and service rows ──────────────────────────────────────────────────────


def _coverage_value(
    coverage: Coverage, retention: Retention | None, coinsurance: Decimal | None
) -> dict[str, Any]:
    waiting = coverage.waiting_period
    return {
        "sublimit": _str(coverage.sublimit),
        "retention": None
        if retention is None
        else {"amount": _str(retention.amount), "basis": retention.basis},
        "waiting_period": None
        if waiting is None
        else {"hours": waiting.hours, "semantics": waiting.semantics},
        "coinsurance": _str(coinsurance),
    }


def _coverage_lines(
    coverage: Coverage, retention: Retention | None, coinsurance: Decimal | None, lang: Lang
) -> str:
    lines = [phrase("cells", "present").in_(lang)]
    if coverage.sublimit is None:
        lines.append(phrase("cells", "full_limit").in_(lang))
    else:
        amount = money(coverage.sublimit, lang)
        lines.append(phrase("cells", "sublimit").in_(lang).format(amount=amount))
    if retention is None:
        lines.append(phrase("cells", "no_retention").in_(lang))
    else:
        basis = phrase("labels", "retention_basis", retention.basis).in_(lang)
        amount = money(retention.amount, lang)
        lines.append(phrase("cells", "retention").in_(lang).format(amount=amount, basis=basis))
    waiting = coverage.waiting_period
    if waiting is not None:
        kind = phrase("labels", "waiting_period", waiting.semantics).in_(lang)
        hours = duration(waiting.hours, lang)
        lines.append(phrase("cells", "waiting").in_(lang).format(kind=kind, hours=hours))
    if coinsurance is not None:
        lines.append(
            phrase("cells", "coinsurance").in_(lang).format(share=share(coinsurance, lang))
        )
    return "\n".join(lines)


def _coverage_cell(spec: ProductSpec, coverage: Coverage | None) -> Cell:
    """A coverage's terms as the buyer meets them: its own retention or the policy's, a zero
    retention or coinsurance shown as none."""
    if coverage is None:
        return _absent()
    retention = spec.retention_for(coverage)
    if retention is not None and retention.amount == 0:
        retention = None
    coinsurance = coverage.coinsurance if coverage.coinsurance else None
    return Cell(
        _coverage_value(coverage, retention, coinsurance),
        per_lang(lambda lang: _coverage_lines(coverage, retention, coinsurance, lang)),
    )


def _codes_in_order(codes: Iterable[str], order: Callable[[str], int]) -> list[str]:
    unique = list(dict.fromkeys(codes))
    return sorted(unique, key=lambda code: (order(code), unique.index(code)))


def _coverage_rows(products: Sequence[ProductSpec], vocabulary: Vocabulary) -> list[Row]:
    codes = _codes_in_order(
        (c.code for spec in products for c in spec.coverages), vocabulary.coverages.position
    )
    rows = []
    for code in codes:
        term = vocabulary.coverages.get(code)
        cells = (_coverage_cell(spec, spec.coverage(code)) for spec in products)
        rows.append(
            _row(
                f"coverage:{code}",
                "coverage",
                term.name if term else Text(code, code),
                cells,
                term.definition if term else None,
            )
        )
    return rows


def _exclusion_rows(products: Sequence[ProductSpec], vocabulary: Vocabulary) -> list[Row]:
    codes = _codes_in_order(
        (e.code for spec in products for e in spec.exclusions), vocabulary.exclusions.position
    )
    rows = []
    for code in codes:
        term = vocabulary.exclusions.get(code)
        cells = []
        for spec in products:
            exclusion = next((e for e in spec.exclusions if e.code == code), None)
            if exclusion is None:
                cells.append(_absent())
                continue
            text = phrase("cells", "excluded")
            if exclusion.lma_clause:
                text = _lines([text, Text(exclusion.lma_clause, exclusion.lma_clause)])
            cells.append(Cell({"lma_clause": exclusion.lma_clause}, text))
        rows.append(
            _row(
                f"exclusion:{code}",
                "exclusion",
                term.name if term else Text(code, code),
                cells,
                term.definition if term else None,
            )
        )
    return rows


def _service_rows(products: Sequence[ProductSpec], vocabulary: Vocabulary) -> list[Row]:
    codes = _codes_in_order(
        (s.code for spec in products for s in spec.services), vocabulary.services.position
    )
    rows = []
    for code in codes:
        term = vocabulary.services.get(code)
        cells = []
        for spec in products:
            service = next((s for s in spec.services if s.code == code), None)
            if service is None:
                cells.append(_absent())
                continue
            minutes = service.response_time_minutes
            text = phrase("cells", "present")
            if minutes is not None:
                text = _lines([text, fill(phrase("cells", "response_time"), minutes=minutes)])
            cells.append(Cell({"response_time_minutes": minutes}, text))
        rows.append(
            _row(
                f"service:{code}",
                "service",
                term.name if term else Text(code, code),
                cells,
                term.definition if term else None,
            )
        )
    return rows


def compare(products: Sequence[ProductSpec], *, lang: str = "zh") -> Comparison:
    """Line ``products`` up side by side, normalised to the vocabulary.

    Coverages, exclusions and services appear in vocabulary order, each only if at least one of
    the products has it.
    """
    chosen = check_lang(lang)
    if not products:
        raise ValidationError(
            "The list of products to compare is empty; give at least one product.",
            code=ProductsCode.COMPARISON_EMPTY,
            field="products",
        )
    vocabulary = load_vocabulary()
    rows = (
        _general_rows(products, vocabulary)
        + _coverage_rows(products, vocabulary)
        + _exclusion_rows(products, vocabulary)
        + _service_rows(products, vocabulary)
    )
    return Comparison(
        products=tuple(spec.product_id for spec in products),
        names=tuple(spec.name for spec in products),
        lang=chosen,
        rows=tuple(rows),
        differences=tuple(row.key for row in rows if row.differs),
        summaries=tuple(summarise(spec, vocabulary) for spec in products),
    )
