"""Storage of quotes, policies and policy events: the insurer's, seen by the insured too."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from liubu.accounts.model import Principal
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.store import tables
from liubu.underwriting.records import Policy, PolicyEvent, Quote

T = TypeVar("T")
_TABLES: dict[type, Table] = {
    Quote: tables.quotes,
    Policy: tables.policies,
    PolicyEvent: tables.policy_events,
}


class SqlUnderwritingRepository:
    """Implements :class:`liubu.underwriting.records.UnderwritingRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _visible(self, model: type[T]) -> Any:
        table = _TABLES[model]
        stmt = select(model)
        if self.principal.is_platform:
            return stmt
        me = self.principal.tenant_id
        return stmt.where(or_(table.c.tenant_id == me, table.c.client_tenant_id == me))

    def _one(self, model: type[T], item_id: str, label: str) -> T:
        table = _TABLES[model]
        found = self.session.execute(
            self._visible(model).where(table.c.id == item_id)
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No {label} with id {item_id!r} is visible to you.")
        return cast(T, found)

    def add(self, item: Any) -> None:
        me = self.principal.tenant_id
        parties = (item.tenant_id, item.client_tenant_id)
        if not self.principal.is_platform and me not in parties:
            raise PermissionDeniedError("You may only record business you are a party to.")
        self.session.add(item)

    def quote(self, quote_id: str) -> Quote:
        return self._one(Quote, quote_id, "quote")

    def quotes(self) -> Sequence[Quote]:
        stmt = self._visible(Quote).order_by(tables.quotes.c.created_at)
        return list(self.session.execute(stmt).scalars())

    def policy(self, policy_id: str) -> Policy:
        return self._one(Policy, policy_id, "policy")

    def policies(self) -> Sequence[Policy]:
        stmt = self._visible(Policy).order_by(tables.policies.c.created_at)
        return list(self.session.execute(stmt).scalars())

    def events(self, policy_id: str) -> Sequence[PolicyEvent]:
        table = tables.policy_events
        stmt = self._visible(PolicyEvent).where(table.c.policy_id == policy_id)
        return list(self.session.execute(stmt.order_by(table.c.created_at)).scalars())
