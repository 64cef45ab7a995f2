"""Identifiers against their published check algorithms and published or real examples."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liubu.core import (
    MobileNumber,
    ResidentId,
    Sex,
    UnifiedSocialCreditCode,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
    registration_authorities,
    resident_id_check_character,
    uscc_check_character,
    uscc_with_check,
)
from liubu.core.identifiers import RESIDENT_ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS
from liubu.errors import IdentifierError, Reason

# --- independent recomputations of the published algorithms ---------------------------------

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015 Table: 0-9, A-Y without I O S V Z


def gb32100_check(first17: str) -> str:
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return ALPHABET[(31 - total % 31) % 31]


def iso7064_mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2 as GB 11643-1999 states it: (12 − Σ a_i·2^(17−i) mod 11) mod 11, 10 → X."""
    total = sum(int(c) * 2 ** (17 - i) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


uscc_prefixes = st.builds(
    lambda head, cat, division, body: head + cat + division + body,
    st.sampled_from(sorted("123456789ANY")),
    st.sampled_from(ALPHABET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
)
resident_prefixes = st.builds(
    lambda division, birth, order: division + birth.strftime("%Y%m%d") + order,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)

# --- unified social credit code -----------------------------------------------------------

# 91350100M000100Y43 is the example printed in GB 32100-2015. The others are published codes of
# well-known companies (business licences and annual reports): Shenzhen Tencent Computer Systems
# Co., Ltd.; Huawei Technologies Co., Ltd.; Beijing Baidu Netcom Science and Technology Co., Ltd.
REAL_USCC = ["91350100M000100Y43", "91440300708461136T", "914403001922038216", "91110000802100433B"]


def test_uscc_weights_are_powers_of_three_mod_31() -> None:
    assert tuple(pow(3, i, 31) for i in range(17)) == USCC_WEIGHTS
    assert USCC_ALPHABET == ALPHABET
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize("code", REAL_USCC)
def test_published_unified_social_credit_codes_validate(code: str) -> None:
    assert parse_uscc(code).code == code
    assert uscc_check_character(code[:17]) == gb32100_check(code[:17]) == code[17]


def test_standard_example_is_an_enterprise_registered_in_fuzhou() -> None:
    code = parse_uscc("91350100M000100Y43")
    assert code.registration_authority.zh == "工商"
    assert code.institution_category == "1"
    assert code.institution_category_name == "企业"
    assert code.division_code == "350100"
    assert code.organization_code == "M000100Y4"
    assert code.check_character == "3"
    assert str(code) == "91350100M000100Y43"


@given(uscc_prefixes)
def test_exactly_one_check_character_validates_each_prefix(first17: str) -> None:
    valid = []
    for candidate in ALPHABET:
        try:
            UnifiedSocialCreditCode(first17 + candidate)
            valid.append(candidate)
        except IdentifierError:
            pass
    assert valid == [gb32100_check(first17)]
    assert uscc_with_check(first17).check_character == valid[0]


@given(uscc_prefixes, st.integers(min_value=8, max_value=16), st.sampled_from(ALPHABET))
def test_any_single_substitution_in_the_body_is_detected(
    first17: str, position: int, replacement: str
) -> None:
    code = uscc_with_check(first17).code
    if code[position] == replacement:
        return
    tampered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(IdentifierError) as caught:
        parse_uscc(tampered)
    assert caught.value.code == "uscc.check_character"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("91350100M000100Y4", "uscc.length"),
        ("91350100M000100Y433", "uscc.length"),
        ("91350100M000100YO3", "uscc.alphabet"),
        ("9135010OM000100Y43", "uscc.alphabet"),
        ("B1350100M000100Y43", "uscc.registration_authority"),
        ("913501A0M000100Y43", "uscc.division"),
        ("91350100M000100Y44", "uscc.check_character"),
    ],
)
def test_invalid_codes_are_refused_with_distinct_reason_codes(text: str, code: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_uscc(text, field="insured.uscc")
    error = caught.value
    assert error.code == code
    assert error.reason is Reason.INVALID_IDENTIFIER
    assert error.field == "insured.uscc"
    assert error.detail == {"field": "insured.uscc", "value": text}
    assert "insured.uscc" in error.message
    assert text in error.message
    assert error.message.endswith(".")


def test_parse_uscc_accepts_blanks_and_lower_case_but_the_value_type_does_not() -> None:
    assert parse_uscc("  91350100m000100y43\n").code == "91350100M000100Y43"
    with pytest.raises(IdentifierError):
        UnifiedSocialCreditCode("91350100m000100y43")


def test_parse_uscc_refuses_a_non_string() -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_uscc(91350100)  # type: ignore[arg-type]
    assert caught.value.code == "uscc.type"


@pytest.mark.parametrize("prefix", ["91350100M000100Y", "91350100M000100YI", 17 * "0" + "0"])
def test_uscc_with_check_refuses_a_bad_prefix(prefix: str) -> None:
    with pytest.raises(IdentifierError):
        uscc_with_check(prefix)


def test_registration_authorities_cover_the_standard_codes() -> None:
    table = registration_authorities()
    assert {"1", "5", "9", "Y"} <= set(table)  # the four printed in GB 32100-2015
    assert set(table) == set("123456789ANY")
    assert table["5"].categories["3"] == "基金会"
    assert all(code in USCC_ALPHABET for code in table)


# --- resident identity number -------------------------------------------------------------


def test_resident_id_weights_are_powers_of_two_mod_11() -> None:
    assert tuple(2 ** (17 - i) % 11 for i in range(17)) == RESIDENT_ID_WEIGHTS


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        # the two examples printed in GB 11643-1999
        ("11010519491231002X", dt.date(1949, 12, 31), Sex.FEMALE),
        ("440524188001010014", dt.date(1880, 1, 1), Sex.MALE),
    ],
)
def test_standard_examples_validate(number: str, birth: dt.date, sex: Sex) -> None:
    resident = parse_resident_id(number)
    assert resident.number == number
    assert resident.birth_date == birth
    assert resident.sex is sex
    assert resident.division_code == number[:6]
    assert iso7064_mod11_2(number[:17]) == number[17]


@given(resident_prefixes)
def test_check_character_equals_iso7064_and_is_the_only_one(first17: str) -> None:
    expected = iso7064_mod11_2(first17)
    assert resident_id_check_character(first17) == expected
    valid = []
    for candidate in "0123456789X":
        try:
            ResidentId(first17 + candidate)
            valid.append(candidate)
        except IdentifierError:
            pass
    assert valid == [expected]


def test_resident_id_is_masked_in_repr_str_and_mask() -> None:
    resident = parse_resident_id("11010519491231002X")
    assert resident.mask() == "110***********002X"
    assert str(resident) == "110***********002X"
    assert "19491231" not in repr(resident)
    assert "110***********002X" in repr(resident)


def test_parse_resident_id_accepts_lower_case_x_and_blanks() -> None:
    assert parse_resident_id(" 11010519491231002x ").number == "11010519491231002X"


def _with_check(first17: str) -> str:
    return first17 + iso7064_mod11_2(first17)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "resident_id.length"),
        ("110105194912310", "resident_id.length"),  # old 15-digit numbers are not accepted
        ("1101051949123100AX", "resident_id.characters"),
        ("11010519491231002Y", "resident_id.characters"),
        (_with_check("11010519490230002"), "resident_id.birth_date"),  # 30 February
        (_with_check("11010519491301002"), "resident_id.birth_date"),  # month 13
        ("110105194912310021", "resident_id.check_character"),
    ],
)
def test_invalid_resident_ids_are_refused_without_showing_the_number(
    number: str, code: str
) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_resident_id(number, field="holder.resident_id")
    error = caught.value
    assert error.code == code
    assert error.field == "holder.resident_id"
    assert "holder.resident_id" in error.message
    assert number not in error.message
    assert number not in str(error.detail)
    assert number[6:14] not in error.message  # the birth date stays hidden


# --- mobile number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["13812345678", " 138 1234 5678 ", "138-1234-5678", "+86 138 1234 5678", "008613812345678"],
)
def test_mobile_numbers_parse_to_eleven_digits(text: str) -> None:
    mobile = parse_mobile(text)
    assert mobile.number == "13812345678"
    assert mobile.mask() == "138****5678"
    assert str(mobile) == "138****5678"
    assert "13812345678" not in repr(mobile)


@pytest.mark.parametrize(
    "text",
    [
        "12812345678",
        "10012345678",
        "1381234567",
        "138123456789",
        "23812345678",
        "１３８１２３４５６７８",
        "",
    ],
)
def test_invalid_mobile_numbers_are_refused(text: str) -> None:
    with pytest.raises(IdentifierError) as caught:
        parse_mobile(text, field="contact.mobile")
    assert caught.value.code == "mobile.format"
    assert "contact.mobile" in caught.value.message
    if len(text) > 7:
        assert text not in caught.value.message


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_eleven_digit_number_starting_13_to_19_is_accepted(number: str) -> None:
    assert MobileNumber(number).mask() == number[:3] + "****" + number[7:]
