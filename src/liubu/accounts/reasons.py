"""Reason codes of ``liubu.accounts``: the ``code`` of every error this package raises with one.

Stable codes that API and CLI clients switch on. Add new codes; never rename or reuse one. Their
Chinese and English titles live in ``data/reasons.yaml`` and are read once per process.
"""

from __future__ import annotations

from enum import StrEnum

from liubu.datafiles import reason_title


class AccountsCode(StrEnum):
    """Stable codes of this package's rules. Add new codes; never rename or reuse one."""

    PASSWORD_TOO_SHORT = "password.too_short"  # noqa: S105 - a reason code
    PASSWORD_TOO_LONG = "password.too_long"  # noqa: S105 - a reason code
    PASSWORD_COMMON = "password.common"  # noqa: S105 - a reason code
    PASSWORD_HAS_USERNAME = "password.contains_username"  # noqa: S105 - a reason code
    PASSWORD_CURRENT_WRONG = "password.current_wrong"  # noqa: S105 - a reason code
    SESSION_ENDED = "session.ended"
    # A credit code already belongs to another enterprise on the platform; a claim was opened.
    USCC_TAKEN = "identity.uscc_taken"
    NOT_IDENTITY_HOLDER = "identity.not_holder"
    CLAIM_DECIDED = "identity.claim_decided"
    NAME_CHARACTERS = "name.forbidden_characters"
    NAME_EMPTY = "name.empty"
    NAME_TOO_LONG = "name.too_long"

    BAD_AUDIT_FILTER = "audit.bad_filter"


def message(code: AccountsCode, lang: str) -> str:
    """The short title of what ``code`` refuses, in ``lang`` (``"zh"`` or ``"en"``)."""
    return reason_title("liubu.accounts", code, lang)
