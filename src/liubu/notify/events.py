"""What may be announced: the event kinds (a StrEnum, one line per kind) and the event a
publisher hands to :func:`liubu.notify.publish`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from liubu.errors import ValidationError
from liubu.notify.reasons import NotifyCode

MAX_TITLE = 200
MAX_BODY = 2000
MAX_LINK = 500
MAX_AUDIENCES = 10


class EventKind(StrEnum):
    """The events liubu announces. A new one is one line here (and its titles in the web
    catalogue); rules name these values."""

    ALERT_OPENED = "monitoring.alert_opened"  # a high or critical alert on an insured asset
    ALERT_ESCALATED = "monitoring.alert_escalated"  # an alert missed its service level


#: What a tenant that has configured nothing receives: in-app notices to all its users.
DEFAULT_IN_APP = frozenset({EventKind.ALERT_OPENED, EventKind.ALERT_ESCALATED})


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in Chinese and English (Chinese first wherever both are shown)."""

    zh: str
    en: str

    def bounded(self, limit: int, *, field: str, one_line: bool = False) -> Bilingual:
        for text in (self.zh, self.en):
            # A title becomes an e-mail's Subject: no line break may reach a header.
            broken = one_line and any(c in text for c in "\r\n")
            if not text.strip() or len(text) > limit or broken:
                raise ValidationError(
                    f"A notification's {field} has 1 to {limit} characters in each language"
                    + (", on one line." if one_line else "."),
                    code=NotifyCode.TEXT_TOO_LONG,
                    field=field,
                    value=len(text),
                )
        return self


@dataclass(frozen=True, slots=True)
class Event:
    """Something happened that tenants may want to hear of.

    ``audiences`` are the tenants told (each by its own rules); ``subject_id`` is the record the
    event is about (an alert's id) and ``link`` the page that shows it (a path of this site)."""

    kind: EventKind
    subject_id: str
    audiences: tuple[str, ...]
    title: Bilingual
    body: Bilingual
    link: str
    occurred_at: datetime

    def __post_init__(self) -> None:
        if self.kind not in set(EventKind):
            raise ValidationError(
                f"{self.kind!r} is not a notification event kind.",
                code=NotifyCode.UNKNOWN_EVENT,
                field="kind",
                value=str(self.kind),
            )
        self.title.bounded(MAX_TITLE, field="title", one_line=True)
        self.body.bounded(MAX_BODY, field="body")
        # A path of this site: "//host" or a backslash would lead a browser elsewhere.
        outside = self.link.startswith("//") or "\\" in self.link
        if len(self.link) > MAX_LINK or (self.link and (not self.link.startswith("/") or outside)):
            raise ValidationError(
                f"A notification's link is a path of this site of at most {MAX_LINK} characters.",
                code=NotifyCode.TEXT_TOO_LONG,
                field="link",
                value=self.link[:80],
            )
        if not self.audiences or len(self.audiences) > MAX_AUDIENCES:
            raise ValidationError(
                f"An event is told to 1 to {MAX_AUDIENCES} tenants.",
                code=NotifyCode.BAD_AUDIENCE,
                field="audiences",
                value=len(self.audiences),
            )
        if self.occurred_at.tzinfo is None:
            raise ValidationError("Event times must be timezone-aware.", field="occurred_at")
