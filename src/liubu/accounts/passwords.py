"""The password policy, after OWASP ASVS 4.0.3 §2.1 (level 2).

* at least 12 characters (2.1.1) and up to 128 allowed (2.1.2: at least 64 must be);
* any characters, Unicode and spaces included, never truncated (2.1.3, 2.1.4);
* no composition rules (2.1.9): no "one digit, one capital";
* refused when on a list of common or breached passwords (2.1.7): the 30,000 most frequent
  passwords of leaked sets that the ``zxcvbn`` package ships (``frequency_lists.passwords``);
* refused when it contains the username, which any attacker tries first.

Applied where a password is chosen (a new user, a password change), never at sign-in: a user
whose old password predates the policy can still sign in and change it.
"""

from __future__ import annotations

from functools import cache

from liubu.accounts.reasons import AccountsCode
from liubu.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 128
_SHORTEST_USERNAME_CHECKED = 3  # "ab" inside a password says nothing about the user


@cache
def _common_passwords() -> frozenset[str]:
    # Imported on first use: the list is a 30,000-entry module (about 0.1 s to load).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def common_password_count() -> int:
    """How many passwords the common/breached list holds (the README quotes it)."""
    return len(_common_passwords())


def check_password(password: str, *, username: str, field: str = "password") -> None:
    """Raise a :class:`ValidationError` located at ``field`` unless ``password`` may be chosen."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            f"The password must have at least {MIN_LENGTH} characters; a phrase of a few words "
            "is easy to remember.",
            field=field,
            code=AccountsCode.PASSWORD_TOO_SHORT,
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(
            f"The password must have at most {MAX_LENGTH} characters.",
            field=field,
            code=AccountsCode.PASSWORD_TOO_LONG,
        )
    folded = password.lower()
    if folded in _common_passwords() or folded.strip() in _common_passwords():
        raise ValidationError(
            "The password is on the list of common or breached passwords; choose another.",
            field=field,
            code=AccountsCode.PASSWORD_COMMON,
        )
    name = username.strip().lower()
    if len(name) >= _SHORTEST_USERNAME_CHECKED and name in folded:
        raise ValidationError(
            "The password must not contain the username.",
            field=field,
            code=AccountsCode.PASSWORD_HAS_USERNAME,
        )
