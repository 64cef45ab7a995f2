"""The password policy (ASVS 4.0.3 §2.1, level 2), against the list it ships with."""

from __future__ import annotations

import pytest
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from liubu.accounts import check_password
from liubu.accounts.passwords import common_password_count
from liubu.errors import ValidationError


def _code(password: str, username: str = "li.wei") -> str | None:
    try:
        check_password(password, username=username)
    except ValidationError as refused:
        return f"{refused.code}@{refused.field}"
    return None


def test_the_common_list_holds_at_least_ten_thousand_passwords() -> None:
    assert common_password_count() >= 10_000
    assert common_password_count() == len({p.lower() for p in FREQUENCY_LISTS["passwords"]})


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("12345678", "password.too_short"),
        ("elevenchars", "password.too_short"),
        ("qwerty123456", "password.common"),  # 12 characters, but in every cracking list
        ("1qaz2wsx3edc", "password.common"),
        ("QWERTY123456", "password.common"),  # case does not hide it
        ("I am li.wei, hi", "password.contains_username"),
        ("x" * 129, "password.too_long"),
    ],
)
def test_a_weak_password_is_refused_with_its_reason(password: str, code: str) -> None:
    assert _code(password) == f"{code}@password"  # located at the field


@pytest.mark.parametrize(
    "password",
    [
        "tide-lamp-owl",  # 13 characters, no digit, no capital: composition is not required
        "月落乌啼霜满天江枫渔火对愁眠",  # Unicode
        "four words with spaces",
        "p" + "a" * 127,  # 128 characters
    ],
)
def test_a_long_uncommon_password_of_any_characters_is_accepted(password: str) -> None:
    assert _code(password) is None


def test_a_short_username_inside_a_password_is_not_held_against_it() -> None:
    assert _code("rabbit shelter x", username="ab") is None
