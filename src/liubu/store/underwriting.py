"""Storage of quotes, policies and policy events: the insurer's, seen by the insured too; and
the insurer's claims experience of a segment, in aggregate, for the technical premium."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from sqlalchemy import Table, and_, exists, func, or_, select

from liubu.products import DRAFT
from liubu.store import tables
from liubu.store.book_capital import book_capital_ratio
from liubu.store.repositories import TenantTables
from liubu.underwriting import BookCapitalRatio, Policy, PolicyEvent, Quote, SegmentExperience

_EXPOSURE_QUANTUM = Decimal("0.000001")  # the column's scale

_TABLES: dict[type, Table] = {
    Quote: tables.quotes,
    Policy: tables.policies,
    PolicyEvent: tables.policy_events,
}


class SqlUnderwritingRepository(TenantTables):
    """Implements :class:`liubu.underwriting.records.UnderwritingRepository`."""

    tables = _TABLES
    also_visible_to = MappingProxyType(dict.fromkeys(_TABLES, "client_tenant_id"))

    def add(self, item: Any) -> None:
        self.add_record(item)

    def quote(self, quote_id: str) -> Quote:
        return self.one(Quote, quote_id, "quote")

    def quotes(self) -> Sequence[Quote]:
        return self.all(Quote, order="created_at")

    def policy(self, policy_id: str) -> Policy:
        return self.one(Policy, policy_id, "policy")

    def policies(self) -> Sequence[Policy]:
        return self.all(Policy, order="created_at")

    def policy_by_number(self, number: str) -> Policy | None:
        """The visible policy with this number (numbers are unique), or None."""
        found = self.all(Policy, order="created_at", number=number)
        return found[0] if found else None

    def events(self, policy_id: str) -> Sequence[PolicyEvent]:
        return self.all(PolicyEvent, order="created_at", policy_id=policy_id)

    def book_capital_ratio(
        self, product_ref: str, *, industry_section: str, policy_number: str | None = None
    ) -> BookCapitalRatio | None:
        """The stored book-capital ratio of the insurer that owns ``product_ref`` (a product the
        caller may see), whoever asks — as :meth:`segment_experience` scopes its experience: the
        policy's own (``policy_number``), else ``industry_section``'s, else the book's."""
        owner = self._product_owner(product_ref)
        if owner is None:
            return None
        return book_capital_ratio(
            self.session, owner, industry_section=industry_section, policy_number=policy_number
        )

    def _product_owner(self, product_ref: str) -> str | None:
        products = tables.products
        me = self.principal.tenant_id
        owner: str | None = self.session.execute(
            select(products.c.tenant_id).where(
                products.c.product_ref == product_ref,
                or_(products.c.status != DRAFT, products.c.tenant_id == me),
            )
        ).scalar_one_or_none()
        return owner

    def segment_experience(
        self, product_ref: str, industry_section: str
    ) -> SegmentExperience | None:
        """Sums over the claims-experience rows of the insurer that owns ``product_ref`` (a
        product the caller may see: filed, or the caller's own draft) whose ``industry_section``
        factor is ``industry_section``, tagged with the product or untagged — an untagged row of
        a policy-period also stored under the product's tag is counted once, as the tagged one.
        Scoped to the product's insurer whoever asks (the enterprise asking for a quote prices
        on its insurer's experience); only the totals leave the store."""
        owner = self._product_owner(product_ref)
        if owner is None:
            return None
        rows = tables.claims_experience
        tagged = rows.alias("tagged")
        also_tagged = exists().where(
            tagged.c.tenant_id == owner,
            tagged.c.product_ref == product_ref,
            tagged.c.policy_id == rows.c.policy_id,
            tagged.c.period == rows.c.period,
        )
        stmt = select(
            func.count(),
            func.coalesce(func.sum(rows.c.claim_count), 0),
            func.coalesce(func.sum(rows.c.exposure_years), 0),
        ).where(
            rows.c.tenant_id == owner,
            rows.c.factors["industry_section"].as_string() == industry_section,
            or_(
                rows.c.product_ref == product_ref,
                and_(rows.c.product_ref.is_(None), ~also_tagged),
            ),
        )
        count, claims, exposure = self.session.execute(stmt).one()
        if not count:
            return None
        return SegmentExperience(
            product_ref=product_ref,
            industry_section=industry_section,
            exposure_years=Decimal(str(exposure)).quantize(_EXPOSURE_QUANTUM),
            claims=int(claims),
            rows=int(count),
            source="claims_experience",
        )
