"""The records notifications keep, and the ports the store implements for them.

A :class:`Rule` (per tenant) says which event kinds go to which channel and target; a
:class:`Notification` is one event as one tenant receives it (read per recipient in the
inbox); a :class:`Delivery` is one e-mail or webhook call owed for a notification, tried with
backoff until sent or dead. Rules, notifications and deliveries are the outbox: they are written
in the publisher's transaction and sent afterwards by the ``notify.deliver`` job.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from liubu.accounts import UnitOfWork
from liubu.jobs import JobStore


class Channel(StrEnum):
    IN_APP = "in_app"  # 站内通知
    EMAIL = "email"  # 电子邮件
    WEBHOOK = "webhook"  # Webhook 回调


class DeliveryStatus(StrEnum):
    """pending → sent, or → dead once its attempts are used up (or refused for good); a dead
    delivery retried by the tenant's admin is pending again with fresh attempts."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Rule:
    """Event kind → channel → target, for one tenant.

    ``target`` is what is shown: the in-app audience (``all``, ``role:<role>``,
    ``user:<username>``), the masked e-mail address, or the webhook URL. The e-mail address and
    the webhook's signing secret are kept only sealed (encrypted under the personal-data key):
    ``sealed_address``, ``sealed_secret``; ``secret_hint`` is the masked secret."""

    id: str
    tenant_id: str
    event_kind: str
    channel: Channel
    target: str
    created_at: datetime
    created_by: str
    sealed_address: bytes | None = None
    sealed_secret: bytes | None = None
    secret_hint: str | None = None


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    tenant_id: str
    event_kind: str
    subject_id: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    link: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A notification as one user sees it in the inbox."""

    notification: Notification
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: str
    tenant_id: str
    notification_id: str
    rule_id: str
    channel: Channel
    target: str  # as shown (the masked address, the URL)
    status: DeliveryStatus
    attempts: int
    max_attempts: int
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None


class NotifyStore(Protocol):
    """Storage bound to the unit of work's principal. Reads and changes of rules, the inbox and
    dead deliveries are scoped to the caller's tenant (and the inbox to the caller); the
    publishing methods write into the audience tenants an event names, as :func:`publish` is
    called by use cases that already decided who is told; the delivery methods are the
    platform's (the worker's)."""

    # --- rules (the caller's tenant) ---
    def rules(self) -> Sequence[Rule]: ...
    def add_rule(self, rule: Rule) -> None: ...
    def remove_rule(self, rule_id: str) -> Rule: ...

    # --- publishing (into the event's audience tenants) ---
    def rules_of(self, tenant_id: str) -> Sequence[Rule]: ...
    def recipients(self, tenant_id: str, audiences: Collection[str]) -> Collection[str]: ...
    def add_notification(self, notification: Notification, recipients: Collection[str]) -> None: ...
    def add_delivery(self, delivery: Delivery) -> None: ...

    # --- the inbox (the caller) ---
    def inbox(self, *, limit: int) -> Sequence[InboxItem]: ...
    def unread_count(self) -> int: ...
    def mark_read(self, notification_ids: Collection[str] | None, *, at: datetime) -> int: ...

    # --- deliveries ---
    def due(self, *, now: datetime, limit: int) -> Sequence[Delivery]: ...
    def delivery(self, delivery_id: str) -> Delivery: ...
    def save_delivery(self, delivery: Delivery, *, claiming: bool = False) -> bool:
        """Write the delivery's state; with ``claiming``, only if it is still pending with one
        attempt fewer (False if another worker claimed it first)."""
        ...

    def dead(self, *, limit: int) -> Sequence[Delivery]: ...
    def notification(self, notification_id: str) -> Notification: ...
    def rule(self, rule_id: str) -> Rule | None: ...


class NotifyUnitOfWork(UnitOfWork, Protocol):
    """The accounts' unit of work (its audit log) with the notification store and the job
    queue (a publication that owes deliveries queues the job that sends them)."""

    @property
    def notify(self) -> NotifyStore: ...

    @property
    def jobs(self) -> JobStore: ...
