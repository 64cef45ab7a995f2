"""The standard vocabulary (标准词表): coverages, exclusions, product types, services, factors.

Products name their terms with these codes, so any two products line up side by side. The entries
live in ``data/*.yaml`` with zh-CN and English names and plain-language definitions.

>>> vocabulary = load_vocabulary()
>>> vocabulary.coverage("extortion").name.zh
'网络勒索损失'
>>> vocabulary.coverage("legal_counsel").risk_category
'incident_response'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, Protocol, TypeVar

from liubu.errors import ConfigurationError, ValidationError
from liubu.products._data import load_yaml_table
from liubu.products.reasons import ProductsCode
from liubu.products.text import Text

PARTIES = ("first_party", "third_party", "personal")


@dataclass(frozen=True, slots=True)
class CoverageTerm:
    """A coverage (保险责任); ``risk_category`` is the risk-engine loss component, or None."""

    code: str
    party: str
    risk_category: str | None
    outage: bool
    name: Text
    definition: Text


@dataclass(frozen=True, slots=True)
class LmaClause:
    """One of the LMA cyber-war model clauses LMA5564–LMA5567."""

    code: str
    name: Text
    definition: Text


@dataclass(frozen=True, slots=True)
class ExclusionTerm:
    """An exclusion (责任免除); ``audience`` is enterprise, personal or any."""

    code: str
    audience: str
    lma_clause_required: bool
    name: Text
    definition: Text


@dataclass(frozen=True, slots=True)
class ProductTypeTerm:
    """A product type (产品类型) and what a product of the type must and may carry."""

    code: str
    parties: tuple[str, ...]
    requires_all: tuple[str, ...]
    requires_parties: tuple[str, ...]
    insured: str
    group: bool
    requires_service: bool
    name: Text
    definition: Text


@dataclass(frozen=True, slots=True)
class ServiceTerm:
    """A security service a product may bundle (配套服务), with its lifecycle step."""

    code: str
    step: str
    response_time_required: bool
    name: Text
    definition: Text


@dataclass(frozen=True, slots=True)
class RatingFactorTerm:
    """A rating factor (费率调整因子): its input kind (score, number, level) and monotonicity."""

    code: str
    input: str
    monotone: str | None
    name: Text
    definition: Text


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


T = TypeVar("T", bound=_Coded)


@dataclass(frozen=True)
class Section(Generic[T]):
    """The entries of one vocabulary table, in file order, looked up by code."""

    kind: str
    entries: tuple[T, ...]
    _by_code: Mapping[str, T] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code = {entry.code: entry for entry in self.entries}
        if len(by_code) != len(self.entries):
            raise ConfigurationError(f"The {self.kind} vocabulary repeats a code.")
        object.__setattr__(self, "_by_code", by_code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, code: str) -> T | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> T:
        entry = self._by_code.get(code)
        if entry is None:
            raise ValidationError(
                f"The {self.kind} code {code!r} is not in the liubu vocabulary.",
                code=ProductsCode(f"vocabulary.unknown_{self.kind}"),
                field=self.kind,
                value=code,
            )
        return entry

    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.entries)

    def position(self, code: str) -> int:
        """Index of ``code`` in file order (for sorting rows the way the vocabulary lists them)."""
        return self.codes().index(code) if code in self._by_code else len(self.entries)


@dataclass(frozen=True)
class Vocabulary:
    """The whole vocabulary, as loaded by :func:`load_vocabulary`."""

    coverages: Section[CoverageTerm]
    exclusions: Section[ExclusionTerm]
    lma_clauses: Section[LmaClause]
    product_types: Section[ProductTypeTerm]
    services: Section[ServiceTerm]
    rating_factors: Section[RatingFactorTerm]
    risk_categories: tuple[str, ...]

    def __post_init__(self) -> None:
        for term in self.coverages:
            if term.risk_category is not None and term.risk_category not in self.risk_categories:
                raise ConfigurationError(
                    f"The coverage {term.code!r} maps to the risk category "
                    f"{term.risk_category!r}, which is not one of {list(self.risk_categories)}."
                )
            if term.party not in PARTIES:
                raise ConfigurationError(f"The coverage {term.code!r} has party {term.party!r}.")

    def coverage(self, code: str) -> CoverageTerm:
        return self.coverages[code]

    def exclusion(self, code: str) -> ExclusionTerm:
        return self.exclusions[code]

    def product_type(self, code: str) -> ProductTypeTerm:
        return self.product_types[code]

    def service(self, code: str) -> ServiceTerm:
        return self.services[code]

    def rating_factor(self, code: str) -> RatingFactorTerm:
        return self.rating_factors[code]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole vocabulary (for the API and the web pages)."""

        def entries(section: Section[Any]) -> list[dict[str, Any]]:
            return [_entry_dict(entry) for entry in section]

        return {
            "coverages": entries(self.coverages),
            "exclusions": entries(self.exclusions),
            "lma_clauses": entries(self.lma_clauses),
            "product_types": entries(self.product_types),
            "services": entries(self.services),
            "rating_factors": entries(self.rating_factors),
            "risk_categories": list(self.risk_categories),
        }


def _entry_dict(entry: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in entry.__slots__:
        value = getattr(entry, name)
        out[name] = (
            value.to_dict()
            if isinstance(value, Text)
            else (list(value) if isinstance(value, tuple) else value)
        )
    return out


def _text(raw: Mapping[str, Any], key: str, *, where: str) -> Text:
    value = raw.get(key)
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"The vocabulary entry {where} needs a {key} with zh and en.")
    return Text(zh=str(value.get("zh", "")), en=str(value.get("en", "")))


def _rows(table: Mapping[str, Any], key: str, filename: str) -> Iterable[Mapping[str, Any]]:
    rows = table.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        raise ConfigurationError(f"The data file {filename} needs a list {key} of mappings.")
    return rows


def _coverages() -> tuple[tuple[CoverageTerm, ...], tuple[str, ...]]:
    table = load_yaml_table("coverages.yaml")
    terms = tuple(
        CoverageTerm(
            code=str(row["code"]),
            party=str(row["party"]),
            risk_category=None if row["risk_category"] is None else str(row["risk_category"]),
            outage=bool(row.get("outage", False)),
            name=_text(row, "name", where=str(row["code"])),
            definition=_text(row, "definition", where=str(row["code"])),
        )
        for row in _rows(table, "coverages", "coverages.yaml")
    )
    return terms, tuple(str(category) for category in table["risk_categories"])


def _exclusions() -> tuple[tuple[ExclusionTerm, ...], tuple[LmaClause, ...]]:
    table = load_yaml_table("exclusions.yaml")
    terms = tuple(
        ExclusionTerm(
            code=str(row["code"]),
            audience=str(row["audience"]),
            lma_clause_required=bool(row.get("lma_clause_required", False)),
            name=_text(row, "name", where=str(row["code"])),
            definition=_text(row, "definition", where=str(row["code"])),
        )
        for row in _rows(table, "exclusions", "exclusions.yaml")
    )
    clauses = tuple(
        LmaClause(
            code=str(row["code"]),
            name=_text(row, "name", where=str(row["code"])),
            definition=_text(row, "definition", where=str(row["code"])),
        )
        for row in _rows(table, "lma_clauses", "exclusions.yaml")
    )
    return terms, clauses


def _product_types() -> tuple[ProductTypeTerm, ...]:
    table = load_yaml_table("product_types.yaml")
    return tuple(
        ProductTypeTerm(
            code=str(row["code"]),
            parties=tuple(str(p) for p in row["parties"]),
            requires_all=tuple(str(c) for c in row["requires_all"]),
            requires_parties=tuple(str(p) for p in row["requires_parties"]),
            insured=str(row["insured"]),
            group=bool(row["group"]),
            requires_service=bool(row["requires_service"]),
            name=_text(row, "name", where=str(row["code"])),
            definition=_text(row, "definition", where=str(row["code"])),
        )
        for row in _rows(table, "product_types", "product_types.yaml")
    )


def _services() -> tuple[ServiceTerm, ...]:
    table = load_yaml_table("services.yaml")
    return tuple(
        ServiceTerm(
            code=str(row["code"]),
            step=str(row["step"]),
            response_time_required=bool(row["response_time_required"]),
            name=_text(row, "name", where=str(row["code"])),
            definition=_text(row, "definition", where=str(row["code"])),
        )
        for row in _rows(table, "services", "services.yaml")
    )


def _rating_factors() -> tuple[RatingFactorTerm, ...]:
    table = load_yaml_table("rating_factors.yaml")
    return tuple(
        RatingFactorTerm(
            code=str(row["code"]),
            input=str(row["input"]),
            monotone=None if row.get("monotone") is None else str(row["monotone"]),
            name=_text(row, "name", where=str(row["code"])),
            definition=_text(row, "definition", where=str(row["code"])),
        )
        for row in _rows(table, "rating_factors", "rating_factors.yaml")
    )


@cache
def load_vocabulary() -> Vocabulary:
    """The liubu vocabulary, read from the packaged data files on first use and kept."""
    try:
        coverages, risk_categories = _coverages()
        exclusions, clauses = _exclusions()
        return Vocabulary(
            coverages=Section("coverage", coverages),
            exclusions=Section("exclusion", exclusions),
            lma_clauses=Section("lma_clause", clauses),
            product_types=Section("product_type", _product_types()),
            services=Section("service", _services()),
            rating_factors=Section("rating_factor", _rating_factors()),
            risk_categories=risk_categories,
        )
    except (KeyError, TypeError, ValidationError) as error:
        raise ConfigurationError(f"The liubu product vocabulary is malformed: {error}.") from error
