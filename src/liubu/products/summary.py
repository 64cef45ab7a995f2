"""The plain-language summary of a product: what is covered, what is not, what you pay first.

Written for the buyer, in Chinese and English, from the product's terms and the vocabulary's
names — no wording is invented per product, so two summaries can be read side by side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from liubu.products.spec import Coverage, ProductSpec, Retention
from liubu.products.text import Lang, Text
from liubu.products.vocabulary import Vocabulary
from liubu.products.wording import duration, join, join_or, money, per_lang, phrase, share

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class ProductSummary:
    """Three short paragraphs about one product, each in zh and en."""

    product_id: str
    name: Text
    covered: Text
    not_covered: Text
    pay_first: Text

    def to_dict(self) -> dict[str, object]:
        return {
            "product": self.product_id,
            "name": self.name.to_dict(),
            "covered": self.covered.to_dict(),
            "not_covered": self.not_covered.to_dict(),
            "pay_first": self.pay_first.to_dict(),
        }


def in_sentence(name: str, lang: Lang) -> str:
    """An English vocabulary name inside a sentence: ``Cyber extortion`` → ``cyber extortion``
    (acronyms such as ``AI`` keep their capitals)."""
    if lang == "en" and len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _name(vocabulary: Vocabulary, code: str, lang: Lang) -> str:
    term = vocabulary.coverages.get(code)
    return in_sentence(term.name.in_(lang) if term else code, lang)


def _covered(spec: ProductSpec, vocabulary: Vocabulary) -> Text:
    def render(lang: Lang) -> str:
        items = []
        for coverage in spec.coverages:
            name = _name(vocabulary, coverage.code, lang)
            if coverage.sublimit is None:
                items.append(name)
            else:
                template = phrase("summary", "covered_item_sublimit").in_(lang)
                items.append(template.format(name=name, amount=money(coverage.sublimit, lang)))
        limits = join_or([money(limit, lang) for limit in spec.limit_options], lang)
        return (
            phrase("summary", "covered")
            .in_(lang)
            .format(items=join(items, lang, separator="separator"), limits=limits)
        )

    return per_lang(render)


def _not_covered(spec: ProductSpec, vocabulary: Vocabulary) -> Text:
    kind = vocabulary.product_types.get(spec.product_type)
    parties = kind.parties if kind is not None else ()
    missing = [
        term.code
        for term in vocabulary.coverages
        if term.party in parties and spec.coverage(term.code) is None
    ]

    def render(lang: Lang) -> str:
        names = []
        for exclusion in spec.exclusions:
            term = vocabulary.exclusions.get(exclusion.code)
            name = in_sentence(term.name.in_(lang) if term else exclusion.code, lang)
            clause = exclusion.lma_clause
            if clause:
                name += f"（{clause}）" if lang == "zh" else f" ({clause})"
            names.append(name)
        listed = (
            join(names, lang, separator="separator")
            if names
            else phrase("summary", "no_exclusions").in_(lang)
        )
        sentence = phrase("summary", "not_covered").in_(lang).format(exclusions=listed)
        if missing:
            others = join((_name(vocabulary, code, lang) for code in missing), lang)
            sentence += " " if lang == "en" else ""
            sentence += phrase("summary", "not_included").in_(lang).format(coverages=others)
        return sentence

    return per_lang(render)


def _grouped(spec: ProductSpec, key: Callable[[Coverage], K | None]) -> dict[K, list[str]]:
    """Coverage codes grouped by a term (left out where the term is None), in product order."""
    groups: dict[K, list[str]] = defaultdict(list)
    for coverage in spec.coverages:
        value = key(coverage)
        if value is not None:
            groups[value].append(coverage.code)
    return groups


def _retention_items(spec: ProductSpec, vocabulary: Vocabulary, lang: Lang) -> list[str]:
    items: list[str] = []
    default = spec.retention
    if default is not None and default.amount > 0:
        basis = phrase("summary", "retention_default_basis", default.basis).in_(lang)
        items.append(
            phrase("summary", "retention_default")
            .in_(lang)
            .format(amount=money(default.amount, lang), basis=basis)
        )

    def own(coverage: Coverage) -> Retention | None:
        mine = coverage.retention
        return mine if mine is not None and mine != default and mine.amount > 0 else None

    for retention, codes in _grouped(spec, own).items():
        basis = phrase("summary", "retention_default_basis", retention.basis).in_(lang)
        names = join_or([_name(vocabulary, code, lang) for code in codes], lang)
        items.append(
            phrase("summary", "retention_other")
            .in_(lang)
            .format(names=names, amount=money(retention.amount, lang), basis=basis)
        )
    return items


def _pay_first(spec: ProductSpec, vocabulary: Vocabulary) -> Text:
    def render(lang: Lang) -> str:
        items = _retention_items(spec, vocabulary, lang)
        for waiting, codes in _grouped(spec, lambda c: c.waiting_period).items():
            names = join_or([_name(vocabulary, code, lang) for code in codes], lang)
            items.append(
                phrase("summary", "waiting", waiting.semantics)
                .in_(lang)
                .format(names=names, hours=duration(waiting.hours, lang))
            )
        shares = _grouped(
            spec,
            lambda c: c.coinsurance if c.coinsurance is not None and c.coinsurance > 0 else None,
        )
        for fraction, codes in shares.items():
            names = join_or([_name(vocabulary, code, lang) for code in codes], lang)
            items.append(
                phrase("summary", "coinsurance")
                .in_(lang)
                .format(names=names, share=share(fraction, lang))
            )
        if not items:
            return phrase("summary", "pay_nothing").in_(lang)
        return (
            phrase("summary", "pay_first")
            .in_(lang)
            .format(items=join(items, lang, separator="separator"))
        )

    return per_lang(render)


def summarise(spec: ProductSpec, vocabulary: Vocabulary) -> ProductSummary:
    """What is covered, what is not, and what the buyer pays first, in zh and en."""
    return ProductSummary(
        product_id=spec.product_id,
        name=spec.name,
        covered=_covered(spec, vocabulary),
        not_covered=_not_covered(spec, vocabulary),
        pay_first=_pay_first(spec, vocabulary),
    )
