"""The regulator's aggregate queries: GROUP BY over policies and personal policies, nothing per
person. Amounts come back as Decimal CNY."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, cast, extract, func, select
from sqlalchemy.orm import Session

from liubu.portfolio.statistics import Figures, Row
from liubu.store import tables

_P = tables.policies
_PP = tables.personal_policies
_PR = tables.products


def _figures(row: Any) -> Figures:
    return Figures(
        int(row.policies or 0),
        Decimal(row.premium or 0).quantize(Decimal("0.01")),
        Decimal(row.sum_insured or 0).quantize(Decimal("0.01")),
    )


def _month(column: Any) -> Any:
    """YYYYMM as a number (portable); shown as YYYY-MM."""
    return cast(extract("year", column) * 100 + extract("month", column), Integer)


def _key(dimension: str, value: Any) -> str:
    if dimension == "month":
        number = int(value)
        return f"{number // 100:04d}-{number % 100:02d}"
    return str(value)


class SqlStatistics:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _enterprise_base(self, *keys: Any) -> Select[Any]:
        return select(
            *keys,
            func.count().label("policies"),
            func.sum(_P.c.annual_premium).label("premium"),
            func.sum(_P.c.limit).label("sum_insured"),
        )

    def enterprise_totals(self) -> Figures:
        return _figures(self.session.execute(self._enterprise_base().select_from(_P)).one())

    def enterprise_by(self, dimension: str) -> Sequence[Row]:
        enterprise = _P.c.submission["enterprise"]
        keys = {
            "product_type": _PR.c.product_type,
            "industry_section": enterprise["industry_section"].as_string(),
            "region": func.substr(enterprise["region_code"].as_string(), 1, 2),
            "month": _month(_P.c.period_start),
        }
        key = keys[dimension].label("key")
        stmt = self._enterprise_base(key).select_from(_P)
        if dimension == "product_type":
            stmt = stmt.join(_PR, _PR.c.product_ref == _P.c.product_ref)
        return self._rows(stmt.group_by(key).order_by(key), dimension)

    def personal_totals(self) -> Figures:
        stmt = select(
            func.count().label("policies"),
            func.sum(_PP.c.premium).label("premium"),
            func.sum(_PP.c.limit).label("sum_insured"),
        ).select_from(_PP)
        return _figures(self.session.execute(stmt).one())

    def personal_by(self, dimension: str) -> Sequence[Row]:
        keys = {
            "product": _PP.c.product_ref,
            "province": _PP.c.province,
            "month": _month(_PP.c.inception),
        }
        key = keys[dimension].label("key")
        stmt = select(
            key,
            func.count().label("policies"),
            func.sum(_PP.c.premium).label("premium"),
            func.sum(_PP.c.limit).label("sum_insured"),
        ).select_from(_PP)
        return self._rows(stmt.group_by(key).order_by(key), dimension)

    def _rows(self, stmt: Select[Any], dimension: str) -> list[Row]:
        return [Row(_key(dimension, r.key), _figures(r)) for r in self.session.execute(stmt)]
