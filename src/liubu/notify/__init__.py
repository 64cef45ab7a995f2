"""liubu.notify — notifications (通知): in-app, e-mail over SMTP and HMAC-signed webhooks, with
retries and a dead-letter list. Business package: no database, web or CLI framework.

- :class:`EventKind` — what is announced (one line per kind); :class:`Event` — one occurrence,
  with its audience tenants and bilingual text; :func:`publish` — called inside the publisher's
  transaction, writes the notifications and deliveries the tenants' rules ask for (the outbox).
- :class:`Rule` — a tenant's rule (event kind → channel → target): :func:`add_rule`,
  :func:`remove_rule`, :func:`list_rules`; with none stored, :func:`default_rules` apply
  (in-app notices of the tenant's own alerts).
- :func:`inbox`, :func:`unread_count`, :func:`mark_read` — a user's in-app notifications.
- :func:`deliver_due` — the ``notify.deliver`` job: sends due deliveries through a
  :class:`SmtpSender` and a :class:`WebhookSender`, with exponential backoff
  (:class:`RetryPolicy`) until sent or dead; :func:`dead_letters` and :func:`retry_delivery`
  for the tenant's admin.
- :func:`signature` / :func:`verify` — the webhook signature (docs/notifications.md).
"""

from __future__ import annotations

from liubu.notify.events import DEFAULT_IN_APP, Bilingual, Event, EventKind
from liubu.notify.reasons import NotifyCode
from liubu.notify.records import (
    Channel,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Notification,
    NotifyStore,
    NotifyUnitOfWork,
    Rule,
)
from liubu.notify.senders import (
    Outgoing,
    Sender,
    SendFailed,
    SmtpSender,
    WebhookSender,
    email_message,
    webhook_body,
)
from liubu.notify.service import (
    DELIVER_JOB,
    MAX_RULES,
    DeliveryReport,
    add_rule,
    dead_letters,
    default_rules,
    deliver_due,
    inbox,
    list_rules,
    mark_read,
    publish,
    remove_rule,
    retry_delivery,
    unread_count,
)
from liubu.notify.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    RetryPolicy,
    signature,
    verify,
)
from liubu.notify.targets import AddressAllowed, mask_email, mask_secret

__all__ = [
    "DEFAULT_IN_APP",
    "DELIVERY_HEADER",
    "DELIVER_JOB",
    "EVENT_HEADER",
    "MAX_RULES",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "AddressAllowed",
    "Bilingual",
    "Channel",
    "Delivery",
    "DeliveryReport",
    "DeliveryStatus",
    "Event",
    "EventKind",
    "InboxItem",
    "Notification",
    "NotifyCode",
    "NotifyStore",
    "NotifyUnitOfWork",
    "Outgoing",
    "RetryPolicy",
    "Rule",
    "SendFailed",
    "Sender",
    "SmtpSender",
    "WebhookSender",
    "add_rule",
    "dead_letters",
    "default_rules",
    "deliver_due",
    "email_message",
    "inbox",
    "list_rules",
    "mark_read",
    "mask_email",
    "mask_secret",
    "publish",
    "remove_rule",
    "retry_delivery",
    "signature",
    "unread_count",
    "verify",
    "webhook_body",
]
