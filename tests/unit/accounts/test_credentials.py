"""Passwords, JWT access tokens and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from liubu.accounts.credentials import (
    api_token_matches,
    decode_access_token,
    hash_password,
    issue_access_token,
    new_api_token_secret,
    split_api_token,
    verify_password,
)
from liubu.accounts.model import OrgKind, Principal, Role
from liubu.errors import AuthenticationError, Reason

SECRET = b"s" * 48
ALICE = Principal("u1", "alice", "t1", OrgKind.INSURER, frozenset({Role.UNDERWRITER}))


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "correct horsE")
    assert not verify_password(None, "correct horse")


def test_an_access_token_round_trips_the_principal() -> None:
    token = issue_access_token(ALICE, secret=SECRET, minutes=15)
    assert decode_access_token(token, secret=SECRET) == ALICE


def test_an_access_token_expires_after_its_lifetime() -> None:
    issued = datetime.now(UTC) - timedelta(minutes=16)
    token = issue_access_token(ALICE, secret=SECRET, minutes=15, now=issued)
    with pytest.raises(AuthenticationError) as caught:
        decode_access_token(token, secret=SECRET)
    assert caught.value.reason is Reason.TOKEN_EXPIRED


def test_a_token_signed_with_another_key_or_no_key_is_refused() -> None:
    for token in (
        issue_access_token(ALICE, secret=b"x" * 48, minutes=15),
        jwt.encode({"sub": "u1", "tid": "t1", "exp": 4102444800}, key="", algorithm="none"),
    ):
        with pytest.raises(AuthenticationError) as caught:
            decode_access_token(token, secret=SECRET)
        assert caught.value.reason is Reason.TOKEN_INVALID


def test_an_api_token_is_checked_against_its_stored_hash_only() -> None:
    issued = new_api_token_secret("abc123")
    token_id, secret = split_api_token(issued.plaintext) or ("", "")
    assert token_id == "abc123"
    assert secret not in issued.secret_hash
    assert api_token_matches(issued.secret_hash, secret)
    assert not api_token_matches(issued.secret_hash, secret + "x")
    assert split_api_token("bearer-nonsense") is None
