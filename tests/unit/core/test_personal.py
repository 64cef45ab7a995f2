"""Personal data at rest: AES-256-GCM round trips, tamper and field binding, keyed lookup hashes
checked against the standard library's HMAC, and the on-screen masks."""

from __future__ import annotations

import hashlib
import hmac
import pickle

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from liubu.core import PersonalDataCipher, mask_mobile, mask_name, mask_resident_id
from liubu.errors import ConfigurationError, IntegrityError, ValidationError

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.fixture(scope="module")
def cipher() -> PersonalDataCipher:
    return PersonalDataCipher(KEY)


def hkdf(label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(KEY)


@given(st.text(max_size=60))
def test_encryption_round_trips_any_text(value: str) -> None:
    cipher = PersonalDataCipher(KEY)
    assert cipher.decrypt(cipher.encrypt(value, field="name"), field="name") == value


def test_token_is_nonce_then_aes_gcm_ciphertext_and_tag_under_the_documented_subkey(
    cipher: PersonalDataCipher,
) -> None:
    value = "11010519491231002X"
    token = cipher.encrypt(value, field="resident_id")
    assert len(token) == 12 + len(value) + 16
    # Decrypt with the cryptography library directly, from the construction the docstring states.
    aead = AESGCM(hkdf(b"liubu personal data: AES-256-GCM v1"))
    assert aead.decrypt(token[:12], token[12:], b"resident_id") == value.encode()


def test_each_encryption_draws_a_fresh_nonce(cipher: PersonalDataCipher) -> None:
    tokens = cipher.encrypt_many(["13812345678"] * 500, field="mobile")
    assert len({token[:12] for token in tokens}) == 500
    assert len(set(tokens)) == 500


def test_flipping_any_byte_of_a_token_is_detected(cipher: PersonalDataCipher) -> None:
    token = cipher.encrypt("张小三", field="name")
    for position in range(len(token)):
        altered = bytearray(token)
        altered[position] ^= 0x01
        with pytest.raises(IntegrityError) as caught:
            cipher.decrypt(bytes(altered), field="name")
        assert caught.value.code == "personal.decrypt_failed"


def test_a_ciphertext_moved_to_another_field_does_not_decrypt(cipher: PersonalDataCipher) -> None:
    token = cipher.encrypt("13812345678", field="mobile")
    with pytest.raises(IntegrityError, match="another field"):
        cipher.decrypt(token, field="resident_id")


def test_a_ciphertext_under_another_key_does_not_decrypt(cipher: PersonalDataCipher) -> None:
    token = PersonalDataCipher(OTHER_KEY).encrypt("张三", field="name")
    with pytest.raises(IntegrityError):
        cipher.decrypt(token, field="name")


def test_a_truncated_token_is_refused(cipher: PersonalDataCipher) -> None:
    with pytest.raises(IntegrityError, match="shorter"):
        cipher.decrypt(b"\x00" * 27, field="name")


def test_lookup_hash_is_hmac_sha256_under_the_lookup_subkey(cipher: PersonalDataCipher) -> None:
    expected = hmac.new(
        hkdf(b"liubu personal data: lookup HMAC-SHA256 v1"),
        b"resident_id\x0011010519491231002X",
        hashlib.sha256,
    ).hexdigest()
    assert cipher.lookup_hash("11010519491231002X", field="resident_id") == expected
    assert cipher.lookup_hash_many(["11010519491231002X"], field="resident_id") == [expected]


def test_lookup_hash_is_stable_keyed_and_separated_by_field(cipher: PersonalDataCipher) -> None:
    value = "13812345678"
    first = cipher.lookup_hash(value, field="mobile")
    assert PersonalDataCipher(KEY).lookup_hash(value, field="mobile") == first
    assert PersonalDataCipher(OTHER_KEY).lookup_hash(value, field="mobile") != first
    assert cipher.lookup_hash(value, field="resident_id") != first
    assert cipher.lookup_hash("13812345679", field="mobile") != first
    # Neither sub-key is the data key itself, nor are they equal to each other.
    assert hmac.new(KEY, b"mobile\x00" + value.encode(), hashlib.sha256).hexdigest() != first


def test_a_key_of_the_wrong_length_is_refused_without_showing_it() -> None:
    with pytest.raises(ConfigurationError, match="32 bytes, but it is 16") as caught:
        PersonalDataCipher(b"k" * 16)
    assert "kkkk" not in caught.value.message
    with pytest.raises(ConfigurationError, match="but it is str"):
        PersonalDataCipher("k" * 32)  # type: ignore[arg-type]


def test_the_key_never_shows_and_the_cipher_is_not_pickled(cipher: PersonalDataCipher) -> None:
    assert repr(cipher) == "PersonalDataCipher(key=<hidden>)"
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(cipher)


def test_an_empty_field_name_is_refused(cipher: PersonalDataCipher) -> None:
    with pytest.raises(ValidationError):
        cipher.encrypt("x", field="")
    with pytest.raises(ValidationError):
        cipher.lookup_hash("x", field="a\x00b")


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张小三", "张*三"),
        ("欧阳小明", "欧**明"),
        ("王", "*"),
        (" 李四 ", "李*"),
        ("", ""),
    ],
)
def test_names_are_masked_keeping_the_first_and_last_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_resident_id_and_mobile_masks_keep_three_and_four_characters() -> None:
    assert mask_resident_id("11010519491231002X") == "110" + "*" * 11 + "002X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("1381") == "****"
