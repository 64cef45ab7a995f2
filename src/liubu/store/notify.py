"""Storage for notifications (:class:`liubu.notify.NotifyStore`).

Scope, in one place per kind of read: rules are the caller's tenant's (the platform operator's
too: its own); dead letters and retries the caller's tenant's (the platform: all, to operate);
the inbox is the caller's own rows of ``notification_recipients``; the publishing methods
write into the tenants an event names (:func:`liubu.notify.publish` is called by use cases
that decided who is told); the due deliveries are read by the platform's worker only.

Rows are written with Core statements and audited by the use cases (explicit events), not by
the mapper's automatic audit: a rule's sealed address and secret must not be digested into the
chain as row state, and a delivery's attempts are events of their own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, true, update
from sqlalchemy.orm import Session

from liubu.accounts import Principal
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.notify import (
    Channel,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Notification,
    Rule,
)
from liubu.store import tables

_R, _N, _P, _D = (
    tables.notify_rules,
    tables.notifications,
    tables.notification_recipients,
    tables.notification_deliveries,
)


def _rule(row: Any) -> Rule:
    values = dict(row._mapping)
    values["channel"] = Channel(values["channel"])
    return Rule(**values)


def _notification(row: Any) -> Notification:
    return Notification(**{c.name: row._mapping[c.name] for c in _N.columns})


def _delivery(row: Any) -> Delivery:
    values = dict(row._mapping)
    values["channel"] = Channel(values["channel"])
    values["status"] = DeliveryStatus(values["status"])
    return Delivery(**values)


class SqlNotifyStore:
    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _mine(self, column: Any) -> ColumnElement[bool]:
        if self.principal.is_platform:
            return true()
        return column == self.principal.tenant_id  # type: ignore[no-any-return]

    # --- rules ---------------------------------------------------------------------------------

    def rules(self) -> Sequence[Rule]:
        # The caller's own tenant's, also for the platform: its operator keeps its own rules.
        own = _R.c.tenant_id == self.principal.tenant_id
        stmt = select(_R).where(own).order_by(_R.c.created_at, _R.c.id)
        return [_rule(row) for row in self.session.execute(stmt)]

    def add_rule(self, rule: Rule) -> None:
        if rule.tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("You may only add rules for your own organisation.")
        values = {c.name: getattr(rule, c.name) for c in _R.columns}
        values["channel"] = str(rule.channel)
        self.session.execute(insert(_R).values(**values))

    def remove_rule(self, rule_id: str) -> Rule:
        own = _R.c.tenant_id == self.principal.tenant_id
        row = self.session.execute(select(_R).where(_R.c.id == rule_id, own)).first()
        if row is None:
            raise NotFoundError(f"No notification rule with id {rule_id!r} is yours.")
        self.session.execute(delete(_R).where(_R.c.id == rule_id))
        return _rule(row)

    def rule(self, rule_id: str) -> Rule | None:
        row = self.session.execute(
            select(_R).where(_R.c.id == rule_id, self._mine(_R.c.tenant_id))
        ).first()
        return None if row is None else _rule(row)

    # --- publishing ----------------------------------------------------------------------------

    def rules_of(self, tenant_id: str) -> Sequence[Rule]:
        stmt = select(_R).where(_R.c.tenant_id == tenant_id).order_by(_R.c.created_at, _R.c.id)
        return [_rule(row) for row in self.session.execute(stmt)]

    def recipients(self, tenant_id: str, audiences: Collection[str]) -> Collection[str]:
        u = tables.users
        rows = self.session.execute(
            select(u.c.id, u.c.username, u.c.roles).where(
                u.c.tenant_id == tenant_id, u.c.active.is_(True)
            )
        )
        roles = {a.removeprefix("role:") for a in audiences if a.startswith("role:")}
        names = {a.removeprefix("user:") for a in audiences if a.startswith("user:")}
        everyone = "all" in audiences
        return sorted(
            user_id
            for user_id, username, user_roles in rows
            if everyone or username in names or roles.intersection(user_roles or ())
        )

    def add_notification(self, notification: Notification, recipients: Collection[str]) -> None:
        values = {c.name: getattr(notification, c.name) for c in _N.columns}
        self.session.execute(insert(_N).values(**values))
        rows = [
            {
                "notification_id": notification.id,
                "user_id": user_id,
                "tenant_id": notification.tenant_id,
                "created_at": notification.created_at,
                "read_at": None,
            }
            for user_id in recipients
        ]
        if rows:
            self.session.execute(insert(_P), rows)

    def add_delivery(self, delivery: Delivery) -> None:
        values = {c.name: getattr(delivery, c.name) for c in _D.columns}
        values["channel"], values["status"] = str(delivery.channel), str(delivery.status)
        self.session.execute(insert(_D).values(**values))

    # --- the inbox -----------------------------------------------------------------------------

    def _my_rows(self) -> ColumnElement[bool]:
        return and_(
            _P.c.user_id == self.principal.user_id, _P.c.tenant_id == self.principal.tenant_id
        )

    def inbox(self, *, limit: int) -> Sequence[InboxItem]:
        stmt = (
            select(_N, _P.c.read_at)
            .join(_P, _P.c.notification_id == _N.c.id)
            .where(self._my_rows())
            .order_by(_P.c.created_at.desc(), _N.c.id)
            .limit(limit)
        )
        return [
            InboxItem(notification=_notification(row), read_at=row.read_at)
            for row in self.session.execute(stmt)
        ]

    def unread_count(self) -> int:
        stmt = select(func.count()).select_from(_P).where(self._my_rows(), _P.c.read_at.is_(None))
        return int(self.session.execute(stmt).scalar_one())

    def mark_read(self, notification_ids: Collection[str] | None, *, at: datetime) -> int:
        condition = and_(self._my_rows(), _P.c.read_at.is_(None))
        if notification_ids is not None:
            condition = and_(condition, _P.c.notification_id.in_(list(notification_ids)))
        result = self.session.execute(update(_P).where(condition).values(read_at=at))
        return int(getattr(result, "rowcount", 0) or 0)

    # --- deliveries ----------------------------------------------------------------------------

    def due(self, *, now: datetime, limit: int) -> Sequence[Delivery]:
        if not self.principal.is_platform:
            raise PermissionDeniedError("Only the platform's worker sends notifications.")
        stmt = (
            select(_D)
            .where(_D.c.status == DeliveryStatus.PENDING.value, _D.c.next_attempt_at <= now)
            .order_by(_D.c.next_attempt_at, _D.c.id)
            .limit(limit)
        )
        if self.session.connection().dialect.name == "postgresql":
            # Two workers claim different deliveries instead of the same ones.
            stmt = stmt.with_for_update(skip_locked=True)
        return [_delivery(row) for row in self.session.execute(stmt)]

    def delivery(self, delivery_id: str) -> Delivery:
        row = self.session.execute(
            select(_D).where(_D.c.id == delivery_id, self._mine(_D.c.tenant_id))
        ).first()
        if row is None:
            raise NotFoundError(f"No delivery with id {delivery_id!r} is yours.")
        return _delivery(row)

    def save_delivery(self, delivery: Delivery, *, claiming: bool = False) -> bool:
        values = {
            name: getattr(delivery, name)
            for name in (
                "attempts",
                "max_attempts",
                "next_attempt_at",
                "updated_at",
                "last_error",
                "sent_at",
            )
        }
        values["status"] = str(delivery.status)
        condition = and_(_D.c.id == delivery.id, self._mine(_D.c.tenant_id))
        if claiming:
            # Still pending with the attempts it was read with: a second worker that read the
            # same row changes nothing (SQLite has no row locks to skip).
            condition = and_(
                condition,
                _D.c.status == DeliveryStatus.PENDING.value,
                _D.c.attempts == delivery.attempts - 1,
            )
        result = self.session.execute(update(_D).where(condition).values(**values))
        if getattr(result, "rowcount", 0) == 1:
            return True
        if claiming:
            return False
        raise NotFoundError(f"No delivery with id {delivery.id!r} is yours.")

    def dead(self, *, limit: int) -> Sequence[Delivery]:
        stmt = (
            select(_D)
            .where(_D.c.status == DeliveryStatus.DEAD.value, self._mine(_D.c.tenant_id))
            .order_by(_D.c.updated_at.desc(), _D.c.id)
            .limit(limit)
        )
        return [_delivery(row) for row in self.session.execute(stmt)]

    def notification(self, notification_id: str) -> Notification:
        row = self.session.execute(
            select(_N).where(_N.c.id == notification_id, self._mine(_N.c.tenant_id))
        ).first()
        if row is None:
            raise NotFoundError(f"No notification with id {notification_id!r} is yours.")
        return _notification(row)
