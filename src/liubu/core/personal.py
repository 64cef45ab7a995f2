"""Personal data at rest (个人信息保护): encrypted, shown masked, found by a keyed hash.

One 32-byte data key (``Settings.personal_data_key``) yields two sub-keys by HKDF-SHA256
(RFC 5869, no salt), so that no key serves two algorithms:

- the encryption key, ``info = b"liubu personal data: AES-256-GCM v1"``: each value is encrypted
  with AES-256-GCM (NIST SP 800-38D) under a fresh random 96-bit nonce and stored as
  ``nonce (12 bytes) || ciphertext || tag (16 bytes)``. The field name (``b"resident_id"``) is
  the associated data, so a ciphertext copied into another field does not decrypt;
- the lookup key, ``info = b"liubu personal data: lookup HMAC-SHA256 v1"``: the lookup hash of a
  value is ``HMAC-SHA256(lookup key, field || 0x00 || value)`` in lower-case hex. Equal values
  of one field give equal hashes, so an index on the hash finds a person without decrypting;
  without the key the hash cannot be brute-forced over the (small) space of resident IDs.

Random 96-bit nonces keep the chance of a repeat below 2⁻³² for up to 2³² encryptions under one
key (SP 800-38D §8.3); 2,000,000 insured persons × 3 fields is far inside that.

Hash the canonical form (``ResidentId.number``, ``MobileNumber.number``): ``" 13812345678"``
and ``"13812345678"`` hash differently.

>>> mask_name("张小三"), mask_name("张三")
('张*三', '张*')
>>> mask_resident_id("11010519491231002X"), mask_mobile("13812345678")
('110***********002X', '138****5678')
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from liubu.core.reasons import CoreCode
from liubu.errors import ConfigurationError, IntegrityError, ValidationError

KEY_BYTES = 32
"""The data key is 256 bits."""
NONCE_BYTES = 12
"""AES-GCM nonce: 96 bits, random per value."""
TAG_BYTES = 16
"""AES-GCM authentication tag: 128 bits."""
ENCRYPTION_LABEL = b"liubu personal data: AES-256-GCM v1"
"""HKDF ``info`` of the encryption sub-key."""
LOOKUP_LABEL = b"liubu personal data: lookup HMAC-SHA256 v1"
"""HKDF ``info`` of the lookup-hash sub-key."""


def derive_subkey(key: bytes, *, label: bytes) -> bytes:
    """HKDF-SHA256 (RFC 5869) of ``key`` with no salt and ``info = label``, 32 bytes."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(key)


def _field_bytes(field: str) -> bytes:
    if not isinstance(field, str) or not field or "\x00" in field:
        raise ValidationError(
            f"The field name {field!r} must be a non-empty string without NUL characters.",
            code=CoreCode.PERSONAL_FIELD,
            field="field",
            value=repr(field),
        )
    return field.encode("utf-8")


class PersonalDataCipher:
    """Encrypts, decrypts and hashes personal data under one 32-byte data key.

    Build one per process and reuse it: the AES-GCM context and the keyed HMAC states are made
    once. ``repr`` never shows the key.
    """

    __slots__ = ("_aead", "_lookup_key", "_lookup_states")
    _lookup_states: dict[str, tuple[hashlib._Hash, hashlib._Hash]]

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) != KEY_BYTES:
            size = len(key) if isinstance(key, bytes) else type(key).__name__
            raise ConfigurationError(
                f"The personal-data key must be {KEY_BYTES} bytes, but it is {size}; set "
                f"LIUBU_DATA_KEY to 32 random bytes in URL-safe base64.",
                code=CoreCode.PERSONAL_KEY_LENGTH,
            )
        self._aead = AESGCM(derive_subkey(key, label=ENCRYPTION_LABEL))
        self._lookup_key = derive_subkey(key, label=LOOKUP_LABEL)
        self._lookup_states = {}

    def __repr__(self) -> str:
        return "PersonalDataCipher(key=<hidden>)"

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("A PersonalDataCipher holds a key and is not pickled.")

    # --- encryption ------------------------------------------------------------------------

    def encrypt(self, value: str, *, field: str) -> bytes:
        """``nonce || AES-256-GCM(value)`` with the field name as associated data."""
        return self.encrypt_many([value], field=field)[0]

    def encrypt_many(self, values: Sequence[str], *, field: str) -> list[bytes]:
        """:meth:`encrypt` for many values of one field (one call for all the nonces)."""
        associated = _field_bytes(field)
        nonces = os.urandom(NONCE_BYTES * len(values))
        seal = self._aead.encrypt
        out: list[bytes] = []
        for index, value in enumerate(values):
            nonce = nonces[index * NONCE_BYTES : (index + 1) * NONCE_BYTES]
            out.append(nonce + seal(nonce, value.encode("utf-8"), associated))
        return out

    def decrypt(self, token: bytes, *, field: str) -> str:
        """The value :meth:`encrypt` sealed for ``field``.

        Raises :class:`~liubu.errors.IntegrityError` (code ``personal.decrypt_failed``) when the
        token was altered, was sealed for another field or under another key.
        """
        associated = _field_bytes(field)
        if not isinstance(token, bytes) or len(token) < NONCE_BYTES + TAG_BYTES:
            raise _undecryptable(field, "it is shorter than a nonce and a tag")
        try:
            plain = self._aead.decrypt(token[:NONCE_BYTES], token[NONCE_BYTES:], associated)
        except InvalidTag:
            raise _undecryptable(
                field, "it was altered, or sealed for another field or under another key"
            ) from None
        return plain.decode("utf-8")

    # --- lookup hash -----------------------------------------------------------------------

    def lookup_hash(self, value: str, *, field: str) -> str:
        """``HMAC-SHA256(lookup key, field || 0x00 || value)`` as 64 lower-case hex digits."""
        return self.lookup_hash_many([value], field=field)[0]

    def lookup_hash_many(self, values: Sequence[str], *, field: str) -> list[str]:
        """:meth:`lookup_hash` for many values of one field.

        HMAC (RFC 2104) is computed from two SHA-256 states keyed once per field, the inner one
        already fed ``field || 0x00``: copying them costs half of ``hmac.new`` per value.
        """
        states = self._lookup_states.get(field)
        if states is None:
            states = _hmac_states(self._lookup_key, _field_bytes(field) + b"\x00")
            self._lookup_states[field] = states
        inner, outer = states
        out: list[str] = []
        for value in values:
            digest = inner.copy()
            digest.update(value.encode("utf-8"))
            result = outer.copy()
            result.update(digest.digest())
            out.append(result.hexdigest())
        return out


def _hmac_states(key: bytes, prefix: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states after ``K ⊕ ipad || prefix`` and after ``K ⊕ opad`` (RFC 2104, |K| ≤ 64)."""
    block = key.ljust(64, b"\x00")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in block) + prefix)
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))
    return inner, outer


def _undecryptable(field: str, why: str) -> IntegrityError:
    return IntegrityError(
        f"The stored {field} could not be decrypted: {why}.",
        code=CoreCode.PERSONAL_DECRYPT_FAILED,
        detail={"field": field},
    )


# --- masking -------------------------------------------------------------------------------


def _masked(text: str, *, head: int, tail: int) -> str:
    """``text`` with all but ``head`` leading and ``tail`` trailing characters starred (all of it
    when it is that short), as ``ResidentId.mask`` and ``MobileNumber.mask`` show it."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_resident_id(number: str) -> str:
    """First 3 and last 4 characters shown, as ``ResidentId.mask``: ``110***********002X``."""
    if len(number) == 18:
        return number[:3] + "***********" + number[14:]
    return _masked(number, head=3, tail=4)


def mask_mobile(number: str) -> str:
    """First 3 and last 4 digits shown, as ``MobileNumber.mask``: ``138****5678``."""
    if len(number) == 11:
        return number[:3] + "****" + number[7:]
    return _masked(number, head=3, tail=4)


def mask_name(name: str) -> str:
    """A name with its inner characters starred: ``张*三``; two characters keep the first, ``张*``;
    one is starred whole. Blanks around the name are dropped."""
    text = name.strip()
    if len(text) <= 1:
        return "*" * len(text)
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]
