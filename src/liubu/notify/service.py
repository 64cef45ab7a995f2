"""The notification use cases.

:func:`publish` runs inside its caller's transaction (the outbox): the notification and the
deliveries the audience tenants' rules ask for are committed with the change they announce, or
not at all. :func:`deliver_due` (the ``notify.deliver`` job) sends the deliveries that are due,
each in three short steps — claim (one attempt more, not claimable again for a while), send
outside any transaction, record the outcome — so a slow receiver holds no database lock and a
worker that dies mid-send leaves the delivery to be tried again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from liubu.accounts import Role, new_id, require
from liubu.core import PersonalDataCipher
from liubu.errors import ConflictError, ValidationError
from liubu.jobs import Job, JobState
from liubu.notify.events import DEFAULT_IN_APP, Event, EventKind
from liubu.notify.reasons import NotifyCode
from liubu.notify.records import (
    Channel,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Notification,
    NotifyUnitOfWork,
    Rule,
)
from liubu.notify.senders import Outgoing, Sender, SendFailed
from liubu.notify.signing import RetryPolicy, hashed
from liubu.notify.targets import (
    AddressAllowed,
    Resolver,
    check_audience,
    check_email,
    check_secret,
    check_url,
    checked_addresses,
    mask_email,
    mask_secret,
    system_resolver,
)

DELIVER_JOB = "notify.deliver"  # the job kind that runs deliver_due
MAX_RULES = 50  # per tenant
MAX_INBOX = 200
MAX_MARK = 200
MAX_DUE = 100  # deliveries per run of the job
MAX_DEAD = 200
ADDRESS_FIELD = "notify_rules.address"
SECRET_FIELD = "notify_rules.secret"  # noqa: S105 - the cipher's field label, not a secret

PUBLISHED = "notifications.published"
RULE_ADDED = "notifications.rule_added"
RULE_REMOVED = "notifications.rule_removed"
READ = "notifications.read"
SENT = "notifications.delivery_sent"
FAILED = "notifications.delivery_failed"
DEAD = "notifications.delivery_dead"
RETRIED = "notifications.delivery_retried"

UowFactory = Callable[[], NotifyUnitOfWork]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def default_rules(tenant_id: str, *, at: datetime) -> list[Rule]:
    """What a tenant receives in-app until it stores an in-app rule of its own: notices of its
    own alerts to all its users (no e-mail or webhook until configured)."""
    return [
        Rule(
            id=f"default:{kind}",
            tenant_id=tenant_id,
            event_kind=str(kind),
            channel=Channel.IN_APP,
            target="all",
            created_at=at,
            created_by="system",
        )
        for kind in sorted(DEFAULT_IN_APP)
    ]


def rules_in_effect(stored: Sequence[Rule], tenant_id: str, *, at: datetime) -> list[Rule]:
    """The tenant's stored rules, with :func:`default_rules` while none of them is in-app (an
    e-mail or webhook rule adds to the in-app default; an in-app rule replaces it)."""
    if any(rule.channel is Channel.IN_APP for rule in stored):
        return list(stored)
    return [*stored, *default_rules(tenant_id, at=at)]


# --- publishing --------------------------------------------------------------------------------


def publish(
    uow: NotifyUnitOfWork, event: Event, *, retry: RetryPolicy | None = None
) -> list[Notification]:
    """Write, in the caller's open transaction (no commit here), one notification per audience
    tenant whose rules ask for the event, with its in-app recipients and the e-mail and webhook
    deliveries owed. Returns the notifications written."""
    policy = retry or RetryPolicy()
    written: list[Notification] = []
    for tenant_id in dict.fromkeys(event.audiences):
        rules = rules_in_effect(uow.notify.rules_of(tenant_id), tenant_id, at=event.occurred_at)
        wanted = [rule for rule in rules if rule.event_kind == event.kind]
        if not wanted:
            continue
        notification = Notification(
            id=new_id(),
            tenant_id=tenant_id,
            event_kind=str(event.kind),
            subject_id=event.subject_id,
            title_zh=event.title.zh,
            title_en=event.title.en,
            body_zh=event.body.zh,
            body_en=event.body.en,
            link=event.link,
            created_at=event.occurred_at,
        )
        audiences = {rule.target for rule in wanted if rule.channel is Channel.IN_APP}
        recipients = uow.notify.recipients(tenant_id, audiences) if audiences else ()
        uow.notify.add_notification(notification, recipients)
        owed = [rule for rule in wanted if rule.channel is not Channel.IN_APP]
        for rule in owed:
            uow.notify.add_delivery(
                Delivery(
                    id=new_id(),
                    tenant_id=tenant_id,
                    notification_id=notification.id,
                    rule_id=rule.id,
                    channel=rule.channel,
                    target=rule.target,
                    status=DeliveryStatus.PENDING,
                    attempts=0,
                    max_attempts=policy.max_attempts,
                    next_attempt_at=event.occurred_at,
                    created_at=event.occurred_at,
                    updated_at=event.occurred_at,
                )
            )
        if owed:
            _wake_deliverer(uow, notification)
        uow.audit.record(
            PUBLISHED,
            entity_type="notification",
            entity_id=notification.id,
            tenant_id=tenant_id,
            after={
                "event": str(event.kind),
                "subject": event.subject_id,
                "recipients": len(recipients),
                "deliveries": len(owed),
            },
        )
        written.append(notification)
    return written


def _wake_deliverer(uow: NotifyUnitOfWork, notification: Notification) -> None:
    """Queue, in the same transaction, a ``notify.deliver`` job that sends what is due (this
    notification's deliveries among them), so the first attempt does not wait for the next
    scheduled run; retries after a backoff are the scheduled runs' (docs/notifications.md).
    One job per notification: its subject is new, so no other transaction can hold it. The job
    is the publisher's tenant's, or the audience's when the platform publishes."""
    at = datetime.now(UTC)
    principal = uow.principal
    uow.jobs.add(
        Job(
            id=new_id(),
            tenant_id=notification.tenant_id if principal.is_platform else principal.tenant_id,
            kind=DELIVER_JOB,
            subject=notification.id,
            state=JobState.QUEUED,
            created_at=at,
            updated_at=at,
            payload={"notification": notification.id},
            max_attempts=1,  # the deliveries keep their own attempts
        )
    )


# --- rules -------------------------------------------------------------------------------------


def _event_kind(text: str) -> EventKind:
    try:
        return EventKind(text)
    except ValueError:
        known = ", ".join(EventKind)
        raise ValidationError(
            f"{text[:80]!r} is not a notification event; known: {known}.",
            code=NotifyCode.UNKNOWN_EVENT,
            field="event_kind",
            value=text[:80],
        ) from None


def _channel(text: str) -> Channel:
    try:
        return Channel(text)
    except ValueError:
        known = ", ".join(Channel)
        raise ValidationError(
            f"{text[:80]!r} is not a notification channel; known: {known}.",
            code=NotifyCode.UNKNOWN_CHANNEL,
            field="channel",
            value=text[:80],
        ) from None


def add_rule(
    uow: NotifyUnitOfWork,
    *,
    event_kind: str,
    channel: str,
    target: str,
    secret: str | None = None,
    cipher: PersonalDataCipher | None,
    allowed: AddressAllowed,
    resolve: Resolver = system_resolver,
    now: datetime | None = None,
) -> Rule:
    """A tenant admin's rule. The e-mail address and the webhook secret are sealed; a webhook
    URL is refused unless its host is public (the platform's outbound guard)."""
    at = _now(now)
    require(uow.principal, Role.ADMIN)
    kind, way = _event_kind(event_kind), _channel(channel)
    # Checked (and a webhook's host resolved) before the transaction opens: no lookup holds it.
    sealed_address = sealed_secret = hint = None
    if way is Channel.IN_APP:
        shown = check_audience(target)
    elif way is Channel.EMAIL:
        address = check_email(target)
        shown = mask_email(address)
        sealed_address = _cipher(cipher).encrypt(address, field=ADDRESS_FIELD)
    else:
        shown, _host, _port = check_url(target)
        key = check_secret(secret or "")
        checked_addresses(shown, allowed=allowed, resolve=resolve)
        sealed_secret = _cipher(cipher).encrypt(key, field=SECRET_FIELD)
        hint = mask_secret(key)
    with uow:
        existing = uow.notify.rules()
        if len(existing) >= MAX_RULES:
            raise ConflictError(
                f"A tenant keeps at most {MAX_RULES} notification rules; remove one first.",
                code=NotifyCode.TOO_MANY_RULES,
            )
        if any(_same_rule(r, kind, way, shown, target.strip(), cipher) for r in existing):
            raise ConflictError("The same rule exists already.", code=NotifyCode.DUPLICATE_RULE)
        rule = Rule(
            id=new_id(),
            tenant_id=uow.principal.tenant_id,
            event_kind=str(kind),
            channel=way,
            target=shown,
            created_at=at,
            created_by=uow.principal.user_id,
            sealed_address=sealed_address,
            sealed_secret=sealed_secret,
            secret_hint=hint,
        )
        uow.notify.add_rule(rule)
        uow.audit.record(
            RULE_ADDED,
            entity_type="notification_rule",
            entity_id=rule.id,
            after={"event": rule.event_kind, "channel": str(way), "target": hashed(shown)},
        )
        uow.commit()
        return rule


def _same_rule(
    rule: Rule,
    kind: EventKind,
    way: Channel,
    shown: str,
    address: str,
    cipher: PersonalDataCipher | None,
) -> bool:
    """The same event, channel and target (e-mail addresses compared opened, in any case)."""
    if (rule.event_kind, rule.channel) != (kind, way):
        return False
    if way is Channel.EMAIL and rule.sealed_address is not None:
        opened = _cipher(cipher).decrypt(rule.sealed_address, field=ADDRESS_FIELD)
        return opened.lower() == address.lower()
    return rule.target == shown


def remove_rule(uow: NotifyUnitOfWork, rule_id: str) -> Rule:
    with uow:
        require(uow.principal, Role.ADMIN)
        rule = uow.notify.remove_rule(rule_id[:64])
        uow.audit.record(
            RULE_REMOVED,
            entity_type="notification_rule",
            entity_id=rule.id,
            after={"event": rule.event_kind, "channel": str(rule.channel)},
        )
        uow.commit()
        return rule


def list_rules(uow: NotifyUnitOfWork, *, now: datetime | None = None) -> list[Rule]:
    """The tenant's rules in effect (:func:`rules_in_effect`): a default rule's id starts with
    ``default:`` and cannot be removed (an in-app rule of the tenant's own replaces it)."""
    with uow:
        require(uow.principal, Role.ADMIN)
        return rules_in_effect(uow.notify.rules(), uow.principal.tenant_id, at=_now(now))


def _cipher(cipher: PersonalDataCipher | None) -> PersonalDataCipher:
    if cipher is None:
        raise ValidationError(
            "No personal-data key is configured, so e-mail addresses and webhook secrets "
            "cannot be sealed or opened.",
            code=NotifyCode.NO_CIPHER,
        )
    return cipher


# --- the inbox ---------------------------------------------------------------------------------


def inbox(uow: NotifyUnitOfWork, *, limit: int = 50) -> list[InboxItem]:
    """The caller's in-app notifications, newest first."""
    with uow:
        return list(uow.notify.inbox(limit=max(1, min(limit, MAX_INBOX))))


def unread_count(uow: NotifyUnitOfWork) -> int:
    with uow:
        return uow.notify.unread_count()


def mark_read(
    uow: NotifyUnitOfWork,
    notification_ids: Collection[str] | None = None,
    *,
    now: datetime | None = None,
) -> int:
    """Mark the caller's notifications read (``None``: all of them); how many changed."""
    ids = None if notification_ids is None else [i[:64] for i in notification_ids]
    if ids is not None and len(ids) > MAX_MARK:
        raise ValidationError(
            f"At most {MAX_MARK} notifications are marked at once.",
            field="notification_ids",
            value=len(ids),
        )
    with uow:
        changed = uow.notify.mark_read(ids, at=_now(now))
        if changed:
            uow.audit.record(
                READ,
                entity_type="notification",
                entity_id=ids[0] if ids and len(ids) == 1 else "*",
                after={"count": changed},
            )
        uow.commit()
        return changed


# --- delivering --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One run of the deliverer: sent, failed and due again later, dead (given up)."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "dead": self.dead}


def deliver_due(
    uow_factory: UowFactory,
    *,
    senders: Mapping[Channel, Sender],
    cipher: PersonalDataCipher | None,
    retry: RetryPolicy | None = None,
    base_url: str = "",
    now: datetime | None = None,
    limit: int = MAX_DUE,
) -> DeliveryReport:
    """Send the deliveries due at ``now`` (the platform's; run by the ``notify.deliver`` job)."""
    policy, at = retry or RetryPolicy(), _now(now)
    claimed = _claim(uow_factory(), cipher, at=at, policy=policy, limit=max(1, min(limit, MAX_DUE)))
    counts = {DeliveryStatus.SENT: 0, DeliveryStatus.PENDING: 0, DeliveryStatus.DEAD: 0}
    for delivery, outgoing in claimed:
        error: SendFailed | None = None
        sender = senders.get(delivery.channel)
        if outgoing is None:
            error = SendFailed("The rule of this delivery was removed.", retryable=False)
        elif sender is None:
            error = SendFailed(f"No {delivery.channel} sender is configured.", retryable=True)
        else:
            try:
                sender.send(dataclasses.replace(outgoing, base_url=base_url))
            except SendFailed as failed:
                error = failed
        ended = _record(uow_factory(), delivery, error, at=at, policy=policy)
        counts[ended.status] += 1
    return DeliveryReport(
        sent=counts[DeliveryStatus.SENT],
        retrying=counts[DeliveryStatus.PENDING],
        dead=counts[DeliveryStatus.DEAD],
    )


def _claim(
    uow: NotifyUnitOfWork,
    cipher: PersonalDataCipher | None,
    *,
    at: datetime,
    policy: RetryPolicy,
    limit: int,
) -> list[tuple[Delivery, Outgoing | None]]:
    claimed: list[tuple[Delivery, Outgoing | None]] = []
    with uow:
        for due in uow.notify.due(now=at, limit=limit):
            attempt = dataclasses.replace(
                due, attempts=due.attempts + 1, next_attempt_at=at + policy.claim, updated_at=at
            )
            if uow.notify.save_delivery(attempt, claiming=True):
                claimed.append((attempt, _outgoing(uow, attempt, cipher)))
        uow.commit()
    return claimed


def _outgoing(
    uow: NotifyUnitOfWork, delivery: Delivery, cipher: PersonalDataCipher | None
) -> Outgoing | None:
    rule = uow.notify.rule(delivery.rule_id)
    if rule is None:
        return None
    notification = uow.notify.notification(delivery.notification_id)
    # Opened only here, for the attempt; the opened values are never stored or logged.
    target = delivery.target
    secret = None
    if rule.sealed_address is not None:
        target = _cipher(cipher).decrypt(rule.sealed_address, field=ADDRESS_FIELD)
    if rule.sealed_secret is not None:
        secret = _cipher(cipher).decrypt(rule.sealed_secret, field=SECRET_FIELD)
    return Outgoing(
        delivery_id=delivery.id, notification=notification, target=target, secret=secret
    )


def _record(
    uow: NotifyUnitOfWork,
    delivery: Delivery,
    error: SendFailed | None,
    *,
    at: datetime,
    policy: RetryPolicy,
) -> Delivery:
    if error is None:
        sent = dataclasses.replace(
            delivery, status=DeliveryStatus.SENT, sent_at=at, last_error=None, updated_at=at
        )
        return _write_outcome(uow, sent, SENT)
    if error.retryable and delivery.attempts < delivery.max_attempts:
        later = dataclasses.replace(
            delivery,
            next_attempt_at=policy.next_attempt(delivery.attempts, at),
            last_error=str(error),
            updated_at=at,
        )
        return _write_outcome(uow, later, FAILED)
    dead = dataclasses.replace(
        delivery, status=DeliveryStatus.DEAD, last_error=str(error), updated_at=at
    )
    return _write_outcome(uow, dead, DEAD)


def _write_outcome(uow: NotifyUnitOfWork, delivery: Delivery, action: str) -> Delivery:
    with uow:
        uow.notify.save_delivery(delivery)
        uow.audit.record(
            action,
            entity_type="notification_delivery",
            entity_id=delivery.id,
            tenant_id=delivery.tenant_id,
            after={
                "channel": str(delivery.channel),
                "attempts": delivery.attempts,
                "status": str(delivery.status),
                "error": delivery.last_error,
            },
        )
        uow.commit()
    return delivery


# --- the dead letters --------------------------------------------------------------------------


def dead_letters(uow: NotifyUnitOfWork, *, limit: int = 100) -> list[Delivery]:
    """The tenant's deliveries that were given up, newest first (its admin's view)."""
    with uow:
        require(uow.principal, Role.ADMIN)
        return list(uow.notify.dead(limit=max(1, min(limit, MAX_DEAD))))


def retry_delivery(
    uow: NotifyUnitOfWork,
    delivery_id: str,
    *,
    retry: RetryPolicy | None = None,
    now: datetime | None = None,
) -> Delivery:
    """A dead delivery pending again, due now, with fresh attempts."""
    at, policy = _now(now), retry or RetryPolicy()
    with uow:
        require(uow.principal, Role.ADMIN)
        delivery = uow.notify.delivery(delivery_id[:64])
        if delivery.status is not DeliveryStatus.DEAD:
            raise ConflictError(
                f"Only a dead delivery can be retried; this one is {delivery.status}.",
                code=NotifyCode.NOT_DEAD,
            )
        again = dataclasses.replace(
            delivery,
            status=DeliveryStatus.PENDING,
            attempts=0,
            max_attempts=policy.max_attempts,
            next_attempt_at=at,
            updated_at=at,
        )
        uow.notify.save_delivery(again)
        uow.audit.record(
            RETRIED,
            entity_type="notification_delivery",
            entity_id=again.id,
            after={"channel": str(again.channel), "last_error": delivery.last_error},
        )
        uow.commit()
        return again
