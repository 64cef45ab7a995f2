"""Typed records kept as JSON columns: the record's ``to_dict`` on the way in, its
``from_dict`` on the way out, so no business code reads a stored dict by key.

Each record's JSON carries a ``schema`` version; ``from_dict`` reads older rows too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from liubu.underwriting import BoundTerms, PricedOption, QuoteDecision, RenewalTerm, Submission


class SubmissionJSON(TypeDecorator[Submission]):
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Submission | None, dialect: Dialect) -> Any:
        return None if value is None else value.to_dict()

    def process_result_value(self, value: Any, dialect: Dialect) -> Submission | None:
        return None if value is None else Submission.from_dict(value)


class OptionsJSON(TypeDecorator[tuple[PricedOption, ...]]):
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Sequence[PricedOption] | None, dialect: Dialect) -> Any:
        return None if value is None else [option.to_dict() for option in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> tuple[PricedOption, ...] | None:
        return None if value is None else tuple(PricedOption.from_dict(o) for o in value)


class DecisionJSON(TypeDecorator[QuoteDecision]):
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: QuoteDecision | None, dialect: Dialect) -> Any:
        return None if value is None else value.to_dict()

    def process_result_value(self, value: Any, dialect: Dialect) -> QuoteDecision | None:
        return None if value is None else QuoteDecision.from_dict(value)


class BoundTermsJSON(TypeDecorator[BoundTerms]):
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: BoundTerms | None, dialect: Dialect) -> Any:
        return None if value is None else value.to_dict()

    def process_result_value(self, value: Any, dialect: Dialect) -> BoundTerms | None:
        return None if value is None else BoundTerms.from_dict(value)


class RenewalJSON(TypeDecorator[RenewalTerm]):
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: RenewalTerm | None, dialect: Dialect) -> Any:
        return None if value is None else value.to_dict()

    def process_result_value(self, value: Any, dialect: Dialect) -> RenewalTerm | None:
        return None if value is None else RenewalTerm.from_dict(value)
