"""The regulator's aggregate queries: GROUP BY over policies and personal policies, nothing per
person. Amounts come back as Decimal CNY; each cell also counts its distinct insureds (enterprises
by credit code), which the statistics package needs to merge small cells."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Integer, Select, cast, extract, func, select, type_coerce, union_all
from sqlalchemy.orm import Session

from liubu.assessment import DependencySources
from liubu.products import Text
from liubu.statistics import Figures, InsuredCover, ProductName, Row
from liubu.store import tables
from liubu.store.dependencies import dependency_sources
from liubu.store.monitoring import chunks, latest_scan_results
from liubu.underwriting import PolicyState

_P = tables.policies
_PT = tables.personal_policy_totals
_PR = tables.products
_PERSONAL_KEYS = {"product": _PT.c.product_ref, "province": _PT.c.province, "month": _PT.c.month}


def _figures(row: Any) -> Figures:
    claims = getattr(row, "claims", None)
    paid = getattr(row, "claims_paid", None)
    reported = "claims" in row._fields
    return Figures(
        int(row.policies or 0),
        Decimal(row.premium or 0).quantize(Decimal("0.01")),
        Decimal(row.sum_insured or 0).quantize(Decimal("0.01")),
        insureds=int(row.insureds or 0),
        claims=int(claims or 0) if reported else None,
        claims_paid=Decimal(str(paid or 0)).quantize(Decimal("0.01")) if reported else None,
    )


def _month(column: Any) -> Any:
    """YYYYMM as a number (portable); shown as YYYY-MM."""
    return cast(extract("year", column) * 100 + extract("month", column), Integer)


def _stored_key(dimension: str, key: str) -> Any:
    """The value a published key was made from (``_key`` backwards)."""
    if dimension == "month":
        year, month = key.split("-")
        return int(year) * 100 + int(month)
    return key


def _key(dimension: str, value: Any) -> str:
    if dimension == "month":
        number = int(value)
        return f"{number // 100:04d}-{number % 100:02d}"
    return str(value)


class SqlStatistics:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _enterprise_book(self) -> Any:
        """One row per insured enterprise and cover: each policy, and each certificate of a
        group master policy (a supply chain's supplier or a park's member is an insured
        enterprise too; the master's premium is the sum of its certificates')."""
        # Read as plain JSON: the column's type turns a whole row into a Submission.
        enterprise = type_coerce(_P.c.submission, JSON)["enterprise"]
        _C, _G, _E = tables.certificates, tables.group_policies, tables.enterprises
        # The insured is the enterprise's credit code: one company registered by two tenants is
        # still one insured (the unit of the small-cell rule).
        single = select(
            _E.c.uscc.label("insured"),
            _P.c.annual_premium.label("premium"),
            _P.c.limit.label("sum_insured"),
            _P.c.product_ref.label("product_ref"),
            enterprise["industry_section"].as_string().label("industry_section"),
            func.substr(enterprise["region_code"].as_string(), 1, 2).label("region"),
            _P.c.period_start.label("period_start"),
        ).join(_E, _E.c.id == _P.c.enterprise_id)
        member = (
            select(
                _E.c.uscc.label("insured"),
                _C.c.member_premium.label("premium"),
                _C.c.limit.label("sum_insured"),
                _G.c.product_ref.label("product_ref"),
                _E.c.industry_section.label("industry_section"),
                func.substr(_E.c.region_code, 1, 2).label("region"),
                _G.c.period_start.label("period_start"),
            )
            .join(_G, _G.c.id == _C.c.master_id)
            .join(_E, _E.c.id == _C.c.enterprise_id)
        )
        return union_all(single, member).subquery("book")

    def _enterprise_base(self, book: Any, *keys: Any) -> Select[Any]:
        return select(
            *keys,
            func.count().label("policies"),
            func.count(book.c.insured.distinct()).label("insureds"),
            func.sum(book.c.premium).label("premium"),
            func.sum(book.c.sum_insured).label("sum_insured"),
        ).select_from(book)

    def enterprise_totals(self) -> Figures:
        book = self._enterprise_book()
        return _figures(self.session.execute(self._enterprise_base(book)).one())

    def _enterprise_key(self, book: Any, dimension: str) -> Any:
        keys = {
            "product_type": _PR.c.product_type,
            "industry_section": book.c.industry_section,
            "region": book.c.region,
            "month": _month(book.c.period_start),
        }
        return keys[dimension]

    def _enterprise_by_key(self, book: Any, dimension: str, *columns: Any) -> Select[Any]:
        stmt = self._enterprise_base(book, *columns)
        if dimension == "product_type":
            stmt = stmt.join(_PR, _PR.c.product_ref == book.c.product_ref)
        return stmt

    def enterprise_by(self, dimension: str) -> Sequence[Row]:
        book = self._enterprise_book()
        key = self._enterprise_key(book, dimension).label("key")
        stmt = self._enterprise_by_key(book, dimension, key)
        return self._rows(stmt.group_by(key).order_by(key), dimension)

    def enterprise_insureds(self, dimension: str, keys: Collection[str]) -> int:
        book = self._enterprise_book()
        column = self._enterprise_key(book, dimension)
        stored = [_stored_key(dimension, k) for k in keys]
        stmt = self._enterprise_by_key(book, dimension).where(column.in_(stored))
        return int(self.session.execute(stmt).one().insureds or 0)

    def _personal(self, *keys: Any) -> Select[Any]:
        """From the running totals the importer keeps (``personal_policy_totals``): a few
        hundred rows, whatever the size of the book."""
        return select(
            *keys,
            func.sum(_PT.c.policies).label("policies"),
            # One insured person per anti-fraud policy: the running totals keep no persons.
            func.sum(_PT.c.policies).label("insureds"),
            func.sum(_PT.c.premium).label("premium"),
            func.sum(_PT.c.sum_insured).label("sum_insured"),
            # Anti-fraud claims, counted in their policy's cell (docs/antifraud-claims.md).
            func.sum(_PT.c.claims).label("claims"),
            func.sum(_PT.c.claims_paid).label("claims_paid"),
        ).select_from(_PT)

    def personal_totals(self) -> Figures:
        return _figures(self.session.execute(self._personal()).one())

    def personal_by(self, dimension: str) -> Sequence[Row]:
        key = _PERSONAL_KEYS[dimension].label("key")
        return self._rows(self._personal(key).group_by(key).order_by(key), dimension)

    def personal_insureds(self, dimension: str, keys: Collection[str]) -> int:
        stored = [_stored_key(dimension, k) for k in keys]
        stmt = self._personal().where(_PERSONAL_KEYS[dimension].in_(stored))
        return int(self.session.execute(stmt).one().insureds or 0)

    def product_names(self, refs: Collection[str]) -> list[ProductName]:
        stmt = select(_PR.c.product_ref, _PR.c.name_zh, _PR.c.name_en, _PR.c.product_version)
        found = self.session.execute(stmt.where(_PR.c.product_ref.in_(list(refs))))
        return [
            ProductName(r.product_ref, Text(r.name_zh, r.name_en), int(r.product_version))
            for r in found
        ]

    def _rows(self, stmt: Select[Any], dimension: str) -> list[Row]:
        return [Row(_key(dimension, r.key), _figures(r)) for r in self.session.execute(stmt)]

    # The industry risk view (liubu.statistics.exposure): covers in force, their latest
    # scans and their unresolved alerts, over the whole market. Nothing here leaves the
    # statistics package unaggregated.

    def insured_covers(self, on: date) -> Sequence[InsuredCover]:
        """Every policy and group certificate in force on ``on``, with its insured's credit
        code, industry section and province (a policy's as bound, as the book reads them)."""
        enterprise = type_coerce(_P.c.submission, JSON)["enterprise"]
        _C, _G, _E = tables.certificates, tables.group_policies, tables.enterprises
        single = (
            select(
                _P.c.id,
                _P.c.enterprise_id,
                _E.c.uscc,
                enterprise["industry_section"].as_string(),
                func.substr(enterprise["region_code"].as_string(), 1, 2),
            )
            .join(_E, _E.c.id == _P.c.enterprise_id)
            .where(
                _P.c.status == PolicyState.IN_FORCE, _P.c.period_start <= on, _P.c.period_end > on
            )
        )
        member = (
            select(
                _C.c.id,
                _C.c.enterprise_id,
                _E.c.uscc,
                _E.c.industry_section,
                func.substr(_E.c.region_code, 1, 2),
            )
            .join(_G, _G.c.id == _C.c.master_id)
            .join(_E, _E.c.id == _C.c.enterprise_id)
            .where(
                _G.c.status == PolicyState.IN_FORCE, _G.c.period_start <= on, _G.c.period_end > on
            )
        )
        return [
            InsuredCover(str(r[0]), str(r[1]), str(r[2]), str(r[3] or ""), str(r[4] or ""))
            for stmt in (single, member)
            for r in self.session.execute(stmt)
        ]

    def latest_scan_results(self, enterprise_ids: Collection[str]) -> Mapping[str, Any]:
        """The result of each enterprise's latest finished scan (what the watch list reads)."""
        return latest_scan_results(self.session, enterprise_ids)

    def alerted_covers(
        self, cover_ids: Collection[str], *, severities: Collection[str], statuses: Collection[str]
    ) -> set[str]:
        """Those of ``cover_ids`` with an alert of one of ``severities`` in one of ``statuses``."""
        a = tables.alerts
        found: set[str] = set()
        for chunk in chunks(cover_ids):
            stmt = (
                select(a.c.policy_id)
                .where(
                    a.c.policy_id.in_(chunk),
                    a.c.severity.in_(list(severities)),
                    a.c.status.in_(list(statuses)),
                )
                .distinct()
            )
            found.update(str(p) for p in self.session.execute(stmt).scalars())
        return found

    def cover_limits(self, cover_ids: Collection[str]) -> Mapping[str, Decimal]:
        """The aggregate limit of each policy or group certificate among ``cover_ids``."""
        found: dict[str, Decimal] = {}
        for chunk in chunks(cover_ids):
            for table in (_P, tables.certificates):
                stmt = select(table.c.id, table.c.limit).where(table.c.id.in_(chunk))
                found.update((str(i), Decimal(limit)) for i, limit in self.session.execute(stmt))
        return found

    def dependency_sources(
        self, enterprise_ids: Collection[str]
    ) -> Mapping[str, DependencySources]:
        """What each enterprise's dependencies are derived from (aggregated by the caller)."""
        return dependency_sources(self.session, enterprise_ids)
