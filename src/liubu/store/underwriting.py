"""Storage of quotes, policies and policy events: the insurer's, seen by the insured too."""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Any

from sqlalchemy import Table

from liubu.store import tables
from liubu.store.repositories import TenantTables
from liubu.underwriting import Policy, PolicyEvent, Quote

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
