"""Reason codes of ``liubu.notify``: the ``code`` of every error this package raises.

Stable codes that API, web and CLI clients switch on. Add new codes; never rename or reuse one.
Their Chinese and English titles live in ``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class NotifyCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    UNKNOWN_EVENT = "notify.unknown_event"
    UNKNOWN_CHANNEL = "notify.unknown_channel"
    BAD_AUDIENCE = "notify.bad_audience"
    BAD_EMAIL = "notify.bad_email"
    BAD_URL = "notify.bad_url"
    PRIVATE_URL = "notify.private_url"
    BAD_SECRET = "notify.bad_secret"  # noqa: S105 - a reason code
    TOO_MANY_RULES = "notify.too_many_rules"
    DUPLICATE_RULE = "notify.duplicate_rule"
    TEXT_TOO_LONG = "notify.text_too_long"
    NOT_DEAD = "notify.not_dead"
    NO_CIPHER = "notify.no_cipher"


def message(code: NotifyCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.notify", code, lang)
