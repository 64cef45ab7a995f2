"""Sending one delivery: e-mail over SMTP (``smtplib``) and signed webhook calls
(``http.client``). A sender raises :class:`SendFailed`, saying whether trying again may help.

The webhook sender resolves the URL's host itself, refuses it unless every address passes the
platform's outbound guard, and connects to the address it checked — so a name that changes its
answer between the check and the call (DNS rebinding) cannot steer it inside the network. It
follows no redirect.
"""

from __future__ import annotations

import http.client
import json
import smtplib
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol
from urllib.parse import urlsplit

from liubu.errors import LiubuError
from liubu.notify.records import Notification
from liubu.notify.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from liubu.notify.targets import AddressAllowed, Resolver, checked_addresses, system_resolver

MAX_ERROR = 500


class SendFailed(Exception):
    """A delivery attempt failed; ``retryable`` if a later attempt may succeed (a timeout, a
    5xx or 429 answer, a temporary SMTP refusal), not if it cannot (a 4xx, an unknown mailbox)."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message[:MAX_ERROR])
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What one attempt sends: the notification, to whom (the plain address or URL, opened
    from the sealed rule only for the attempt) and the webhook's secret."""

    delivery_id: str
    notification: Notification
    target: str
    secret: str | None = None
    base_url: str = ""

    @property
    def link(self) -> str:
        return self.base_url.rstrip("/") + self.notification.link if self.notification.link else ""


class Sender(Protocol):
    def send(self, outgoing: Outgoing) -> None: ...


def email_message(outgoing: Outgoing, *, sender: str) -> EmailMessage:
    """The bilingual plain-text e-mail: Chinese first, English below."""
    n = outgoing.notification
    message = EmailMessage()
    message["From"] = sender
    message["To"] = outgoing.target
    message["Subject"] = f"{n.title_zh} | {n.title_en}"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=outgoing.delivery_id)
    link = outgoing.link
    text = "\n".join(
        [
            n.title_zh,
            "",
            n.body_zh,
            *([f"查看：{link}"] if link else []),
            "",
            "-- ",
            "",
            n.title_en,
            "",
            n.body_en,
            *([f"View: {link}"] if link else []),
            "",
        ]
    )
    message.set_content(text, charset="utf-8")
    return message


@dataclass(frozen=True)
class SmtpSender:
    """Sends through the SMTP server of the settings (``LIUBU_SMTP_*``)."""

    host: str
    port: int = 25
    sender: str = "liubu@localhost"
    timeout: float = 10.0
    starttls: bool = False
    username: str | None = None
    password: str | None = None

    def send(self, outgoing: Outgoing) -> None:
        message = email_message(outgoing, sender=self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.username and self.password:
                    client.login(self.username, self.password)
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            raise SendFailed(
                f"The SMTP server refused the recipient ({codes}).",
                retryable=all(400 <= code < 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as error:
            raise SendFailed(
                f"The SMTP server answered {error.smtp_code}.",
                retryable=400 <= error.smtp_code < 500,
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendFailed(
                f"The SMTP server could not be reached: {error}", retryable=True
            ) from None


def webhook_body(outgoing: Outgoing) -> bytes:
    n = outgoing.notification
    document = {
        "id": outgoing.delivery_id,
        "event": n.event_kind,
        "notification": n.id,
        "subject": n.subject_id,
        "tenant": n.tenant_id,
        "created_at": n.created_at.isoformat(),
        "title": {"zh": n.title_zh, "en": n.title_en},
        "body": {"zh": n.body_zh, "en": n.body_en},
        "link": outgoing.link,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class WebhookSender:
    """POSTs the signed JSON body; ``allowed`` is the outbound guard (see the module)."""

    allowed: AddressAllowed
    resolve: Resolver = system_resolver
    timeout: float = 10.0
    clock: Callable[[], float] = time.time

    def send(self, outgoing: Outgoing) -> None:
        if outgoing.secret is None:
            raise SendFailed("The webhook rule has no secret.", retryable=False)
        try:
            addresses = checked_addresses(
                outgoing.target, allowed=self.allowed, resolve=self.resolve
            )
        except LiubuError as error:
            raise SendFailed(error.message, retryable=False) from None
        body = webhook_body(outgoing)
        timestamp = int(self.clock())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "liubu-webhooks/1",
            DELIVERY_HEADER: outgoing.delivery_id,
            EVENT_HEADER: outgoing.notification.event_kind,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(outgoing.secret, timestamp, body),
        }
        status = self._post(outgoing.target, addresses[0], body, headers)
        if 200 <= status < 300:
            return
        raise SendFailed(
            f"The receiver answered HTTP {status}.", retryable=status == 429 or status >= 500
        )

    def _post(self, url: str, address: str, body: bytes, headers: dict[str, str]) -> int:
        parts = urlsplit(url)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "",
                parts.port,
                timeout=self.timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=self.timeout
            )

        def to_checked(
            target: tuple[str, int], timeout: float | None = None, source: object = None
        ) -> socket.socket:
            # The checked address, not a fresh lookup of the name (TLS still checks the name).
            return socket.create_connection((address, target[1]), timeout)

        connection._create_connection = to_checked  # type: ignore[attr-defined]
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(64 * 1024)  # a little of the answer, so the connection ends cleanly
            return response.status
        except TimeoutError:
            raise SendFailed(
                f"The receiver did not answer within {self.timeout} s.", retryable=True
            ) from None
        except (OSError, http.client.HTTPException) as error:
            raise SendFailed(
                f"The receiver could not be reached: {error}", retryable=True
            ) from None
        finally:
            connection.close()
