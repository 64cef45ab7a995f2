"""Identifiers with published check algorithms.

- Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters over a 31-character
  alphabet; character 18 is a mod-31 check over the first 17 with weights ``3**i mod 31``.
- Resident identity number (公民身份号码), GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check
  character; digits 7–14 are the birth date and digit 17 is odd for men, even for women.
- Mainland mobile number (手机号码): 11 digits starting ``1[3-9]``.

Personal numbers (resident ID, mobile) never show in full in ``repr``, ``str`` or error messages.

>>> parse_uscc("91350100M000100Y43").registration_authority.zh
'工商'
>>> parse_resident_id("11010519491231002X").birth_date.isoformat()
'1949-12-31'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from liubu.core._data import load_table, require_keys
from liubu.core.reasons import CoreCode
from liubu.errors import IdentifierError

DIGITS = "0123456789"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100-2015 (no I, O, S, V, Z); a character's value is its index."""
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
"""GB 32100-2015 weights W_i = 3**i mod 31 for positions i = 0..16."""
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
"""GB 11643-1999 weights W_i = 2**(17 - i) mod 11 for positions i = 0..16."""
RESIDENT_ID_CHECK_CHARACTERS = "10X98765432"
"""The check character is ``RESIDENT_ID_CHECK_CHARACTERS[Σ a_i·W_i mod 11]``."""

_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _masked(text: str, *, head: int, tail: int) -> str:
    """``text`` with all but ``head`` leading and ``tail`` trailing characters starred."""
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def _require_str(text: object, *, field: str, what: str, code: CoreCode) -> str:
    if not isinstance(text, str):
        raise IdentifierError(
            f"The {field} must be a string holding a {what}, but it is a {type(text).__name__}.",
            code=code,
            field=field,
            value=type(text).__name__,
        )
    return text


# --- unified social credit code (GB 32100-2015) ---------------------------------------------


@dataclass(frozen=True, slots=True)
class RegistrationAuthority:
    """A registration authority (登记管理部门, character 1) and its institution categories."""

    code: str
    zh: str
    en: str
    categories: Mapping[str, str]


@cache
def registration_authorities() -> Mapping[str, RegistrationAuthority]:
    """The registration authorities from ``data/gb32100_authorities.yaml``, keyed by code."""
    filename = "gb32100_authorities.yaml"
    keys = frozenset({"code", "zh", "en", "categories"})
    table: dict[str, RegistrationAuthority] = {}
    for row in load_table(filename)["authorities"]:
        entry = require_keys(row, keys, filename=filename)
        categories = {str(code): str(name) for code, name in entry["categories"].items()}
        table[str(entry["code"])] = RegistrationAuthority(
            code=str(entry["code"]),
            zh=str(entry["zh"]),
            en=str(entry["en"]),
            categories=MappingProxyType(categories),
        )
    return MappingProxyType(table)


def _uscc_weighted_sum(first17: str) -> int:
    return sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(first17, USCC_WEIGHTS, strict=True)
    )


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character: ``alphabet[(31 − Σ c_i·W_i mod 31) mod 31]``."""
    _require_str(first17, field="first17", what="17-character code prefix", code=CoreCode.USCC_TYPE)
    if len(first17) != 17 or any(char not in USCC_ALPHABET for char in first17):
        raise IdentifierError(
            f"The first17 {first17!r} must be 17 characters from {USCC_ALPHABET}.",
            code=CoreCode.USCC_PREFIX,
            field="first17",
            value=first17,
        )
    return USCC_ALPHABET[(31 - _uscc_weighted_sum(first17) % 31) % 31]


def _uscc_problem(code: str, *, field: str) -> IdentifierError | None:
    """The first rule ``code`` breaks, as an error to raise, or None when it is valid."""

    def problem(reason: str, rule: CoreCode) -> IdentifierError:
        return IdentifierError(
            f"The {field} {code!r} is not a valid unified social credit code (GB 32100-2015): "
            f"{reason}.",
            code=rule,
            field=field,
            value=code,
        )

    if len(code) != 18:
        return problem(f"it has {len(code)} characters instead of 18", CoreCode.USCC_LENGTH)
    bad = sorted({char for char in code if char not in USCC_ALPHABET})
    if bad:
        return problem(
            f"{''.join(bad)!r} is outside the alphabet {USCC_ALPHABET}", CoreCode.USCC_ALPHABET
        )
    if code[0] not in registration_authorities():
        known = "".join(registration_authorities())
        return problem(
            f"the registration authority code {code[0]!r} is not one of {known}",
            CoreCode.USCC_REGISTRATION_AUTHORITY,
        )
    if any(char not in DIGITS for char in code[2:8]):
        return problem(
            f"characters 3–8 {code[2:8]!r} must be a six-digit administrative division code",
            CoreCode.USCC_DIVISION,
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return problem(
            f"the check character is {code[17]!r} but the first 17 characters give {expected!r}",
            CoreCode.USCC_CHECK_CHARACTER,
        )
    return None


@dataclass(frozen=True, slots=True)
class UnifiedSocialCreditCode:
    """A valid unified social credit code (统一社会信用代码), in canonical upper case."""

    code: str

    def __post_init__(self) -> None:
        _require_str(
            self.code, field="code", what="unified social credit code", code=CoreCode.USCC_TYPE
        )
        error = _uscc_problem(self.code, field="code")
        if error is not None:
            raise error

    @property
    def registration_authority(self) -> RegistrationAuthority:
        """Character 1, 登记管理部门代码."""
        return registration_authorities()[self.code[0]]

    @property
    def institution_category(self) -> str:
        """Character 2, 机构类别代码."""
        return self.code[1]

    @property
    def institution_category_name(self) -> str | None:
        """The Chinese name of the institution category, or None when the table lacks it."""
        return self.registration_authority.categories.get(self.code[1])

    @property
    def division_code(self) -> str:
        """Characters 3–8, the registering authority's administrative division (GB/T 2260)."""
        return self.code[2:8]

    @property
    def organization_code(self) -> str:
        """Characters 9–17, the entity identifier (主体标识码, the former organization code)."""
        return self.code[8:17]

    @property
    def check_character(self) -> str:
        return self.code[17]

    def __str__(self) -> str:
        return self.code


def parse_uscc(text: str, *, field: str = "uscc") -> UnifiedSocialCreditCode:
    """Parse user input (surrounding blanks and lower case allowed) into a checked code.

    Raises :class:`~liubu.errors.IdentifierError` with code ``uscc.length``, ``uscc.alphabet``,
    ``uscc.registration_authority``, ``uscc.division`` or ``uscc.check_character``.
    """
    code = _require_str(
        text, field=field, what="unified social credit code", code=CoreCode.USCC_TYPE
    )
    code = code.strip().upper()
    error = _uscc_problem(code, field=field)
    if error is not None:
        raise error
    return UnifiedSocialCreditCode(code)


def uscc_with_check(first17: str) -> UnifiedSocialCreditCode:
    """Complete a 17-character prefix with its check character (for demo and test data)."""
    return UnifiedSocialCreditCode(first17 + uscc_check_character(first17))


# --- resident identity number (GB 11643-1999) ----------------------------------------------


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


def resident_id_check_character(first17: str) -> str:
    """The GB 11643-1999 check character: ``"10X98765432"[Σ a_i·W_i mod 11]``."""
    _require_str(first17, field="first17", what="17-digit prefix", code=CoreCode.RESIDENT_ID_TYPE)
    if len(first17) != 17 or any(char not in DIGITS for char in first17):
        raise IdentifierError(
            f"The first17 {_masked(first17, head=3, tail=0)!r} must be exactly 17 digits.",
            code=CoreCode.RESIDENT_ID_PREFIX,
            field="first17",
            value=_masked(first17, head=3, tail=0),
        )
    total = sum(
        int(char) * weight for char, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True)
    )
    return RESIDENT_ID_CHECK_CHARACTERS[total % 11]


def _resident_id_problem(number: str, *, field: str) -> IdentifierError | None:
    shown = _masked(number, head=3, tail=4)

    def problem(reason: str, rule: CoreCode) -> IdentifierError:
        return IdentifierError(
            f"The {field} {shown!r} is not a valid resident identity number (GB 11643-1999): "
            f"{reason}.",
            code=rule,
            field=field,
            value=shown,
        )

    if len(number) != 18:
        return problem(
            f"it has {len(number)} characters instead of 18", CoreCode.RESIDENT_ID_LENGTH
        )
    if any(char not in DIGITS for char in number[:17]) or number[17] not in DIGITS + "X":
        return problem(
            "it must be 17 digits followed by a digit or X", CoreCode.RESIDENT_ID_CHARACTERS
        )
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return problem(
            "digits 7–14 are not a calendar date (YYYYMMDD)", CoreCode.RESIDENT_ID_BIRTH_DATE
        )
    if number[17] != resident_id_check_character(number[:17]):
        return problem(
            "the check character does not match the first 17 digits",
            CoreCode.RESIDENT_ID_CHECK_CHARACTER,
        )
    return None


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid 18-character resident identity number. ``repr`` and ``str`` show it masked."""

    number: str = dataclass_field(repr=False)

    def __post_init__(self) -> None:
        _require_str(
            self.number, field="number", what="resident ID", code=CoreCode.RESIDENT_ID_TYPE
        )
        error = _resident_id_problem(self.number, field="number")
        if error is not None:
            raise error

    @property
    def division_code(self) -> str:
        """Digits 1–6, the administrative division of first registration (GB/T 2260)."""
        return self.number[:6]

    @property
    def birth_date(self) -> dt.date:
        return dt.date(int(self.number[6:10]), int(self.number[10:12]), int(self.number[12:14]))

    @property
    def sex(self) -> Sex:
        """Digit 17 (the order code's last digit): odd for men, even for women."""
        return Sex.MALE if int(self.number[16]) % 2 == 1 else Sex.FEMALE

    def mask(self) -> str:
        """First 3 and last 4 characters shown: ``110***********002X``."""
        return _masked(self.number, head=3, tail=4)

    def __repr__(self) -> str:
        return f"ResidentId({self.mask()!r})"

    def __str__(self) -> str:
        return self.mask()


def parse_resident_id(text: str, *, field: str = "resident_id") -> ResidentId:
    """Parse user input (blanks around it and a lower-case ``x`` allowed) into a checked ID.

    Raises :class:`~liubu.errors.IdentifierError` with code ``resident_id.length``,
    ``resident_id.characters``, ``resident_id.birth_date`` or ``resident_id.check_character``;
    the number in the message and detail is masked. 15-digit numbers (GB 11643-1989) are refused.
    """
    number = _require_str(text, field=field, what="resident ID", code=CoreCode.RESIDENT_ID_TYPE)
    number = number.strip().upper()
    error = _resident_id_problem(number, field=field)
    if error is not None:
        raise error
    return ResidentId(number)


# --- mainland mobile number ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MobileNumber:
    """A mainland China mobile number, 11 digits ``1[3-9]xxxxxxxxx``; shown masked."""

    number: str = dataclass_field(repr=False)

    def __post_init__(self) -> None:
        _require_str(self.number, field="number", what="mobile number", code=CoreCode.MOBILE_TYPE)
        if _MOBILE.fullmatch(self.number) is None:
            raise _mobile_error(self.number, field="number")

    def mask(self) -> str:
        """First 3 and last 4 digits shown: ``138****5678``."""
        return _masked(self.number, head=3, tail=4)

    def __repr__(self) -> str:
        return f"MobileNumber({self.mask()!r})"

    def __str__(self) -> str:
        return self.mask()


def _mobile_error(number: str, *, field: str) -> IdentifierError:
    shown = _masked(number, head=3, tail=4)
    return IdentifierError(
        f"The {field} {shown!r} is not a mainland mobile number: it must be 11 digits starting "
        f"with 13–19.",
        code=CoreCode.MOBILE_FORMAT,
        field=field,
        value=shown,
    )


def parse_mobile(text: str, *, field: str = "mobile") -> MobileNumber:
    """Parse user input: blanks and hyphens are dropped, and a ``+86``/``0086`` prefix."""
    number = _require_str(text, field=field, what="mobile number", code=CoreCode.MOBILE_TYPE)
    number = re.sub(r"[\s-]", "", number)
    for prefix in ("+86", "0086"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
            break
    if _MOBILE.fullmatch(number) is None:
        raise _mobile_error(number, field=field)
    return MobileNumber(number)
