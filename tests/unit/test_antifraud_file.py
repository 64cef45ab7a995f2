"""The bulk claims file: header and encoding refused up front; each bad line gets its code, its
masked value and both languages; lines read in chunks from any byte offset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from liubu.claims import ClaimsCode, inspect_claims_file
from liubu.claims.antifraud_file import ClaimLine, ClaimLineChecker, read_claim_lines
from liubu.core import resident_id_check_character
from liubu.errors import ValidationError
from liubu.massissue import RowError

HEADER = "receipt_number,resident_id,loss_amount,loss_date,police_report_date,notified_on\n"
PERSON = "11010519900307451" + resident_id_check_character("11010519900307451")
TODAY = dt.date(2026, 12, 7)
OUT_OF_ORDER = "2026-03-05,2026-03-01,2026-03-02"  # reported before the loss
TWO_MONTHS_ON = "2026-05-01,2026-05-01,2026-05-02"  # a March receipt for a May report


def _checker() -> ClaimLineChecker:
    return ClaimLineChecker(tuple(HEADER.strip().split(",")), today=TODAY)


def _line(receipt: str = "A1101050100002026030001", person: str = PERSON, amount: str = "8000",
          dates: str = "2026-03-01,2026-03-01,2026-03-02") -> str:  # fmt: skip
    return f"{receipt},{person},{amount},{dates}"


def test_a_good_line_becomes_a_claim_with_full_width_digits_folded() -> None:
    found = _checker().check(_line(amount="８，０００.５０"), 2)
    assert isinstance(found, ClaimLine)
    assert str(found.claim.loss_amount) == "8000.50"


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        (_line(receipt="A123"), ClaimsCode.RECEIPT_NUMBER, "receipt_number"),
        (_line(person=PERSON[:17] + "0"), ClaimsCode.RESIDENT_ID, "resident_id"),
        (_line(amount="-5"), ClaimsCode.AMOUNT, "loss_amount"),
        (_line(amount="1.234"), ClaimsCode.AMOUNT, "loss_amount"),
        (_line(dates="2026-02-30,2026-03-01,2026-03-02"), ClaimsCode.DATE, "loss_date"),
        (_line(dates="2030-01-01,2030-01-01,2030-01-01"), ClaimsCode.DATE, "loss_date"),
        (_line(dates=OUT_OF_ORDER), ClaimsCode.DATE_ORDER, "police_report_date"),
        (_line(dates=TWO_MONTHS_ON), ClaimsCode.RECEIPT_MONTH, "receipt_number"),
        (_line() + ",extra", ClaimsCode.ROW_COLUMNS, None),
        ('"A1101050100002026030001,' + PERSON, ClaimsCode.MALFORMED, None),
    ],
)  # fmt: skip
def test_each_bad_line_is_reported_with_its_code_field_and_both_languages(
    line: str, code: ClaimsCode, field: str | None
) -> None:
    found = _checker().check(line, 7)
    assert isinstance(found, RowError)
    assert (found.line, found.code, found.field) == (7, code, field)
    assert found.reason_zh
    assert found.reason_en
    assert found.reason_zh != found.reason_en
    assert PERSON not in found.value + found.reason_zh + found.reason_en  # masked, never clear


def test_a_receipt_number_seen_before_in_the_file_names_its_first_line() -> None:
    checker = _checker()
    assert isinstance(checker.check(_line(), 2), ClaimLine)
    second = checker.check(_line(), 5)
    assert isinstance(second, RowError)
    assert second.code == ClaimsCode.DUPLICATE_IN_FILE
    assert "2" in second.reason_en


def test_a_header_missing_a_column_or_not_utf8_is_refused_before_anything(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    missing.write_text("receipt_number,resident_id,loss_amount\n", encoding="utf-8")
    with pytest.raises(ValidationError) as header:
        inspect_claims_file(missing)
    assert header.value.code == ClaimsCode.HEADER
    assert "loss_date" in str(header.value)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(HEADER.encode() + "报案,身份证\n".encode("gb18030"))
    with pytest.raises(ValidationError) as encoding:
        inspect_claims_file(gbk)
    assert encoding.value.code == ClaimsCode.FILE
    assert encoding.value.location == "gbk.csv:2"


def test_chinese_headers_are_accepted_and_reading_resumes_at_a_byte_offset(
    tmp_path: Path,
) -> None:
    path = tmp_path / "claims.csv"
    header = "\ufeff报案回执编号,身份证号码,被骗金额,被骗日期,报警日期,通知日期\n"
    lines = [_line(receipt=f"A110105010000202603{n:04d}") for n in range(1, 6)]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    facts = inspect_claims_file(path)
    assert facts.columns[:3] == ("receipt_number", "resident_id", "loss_amount")
    assert facts.data_lines == 5
    reads = list(
        read_claim_lines(
            path, facts, byte_offset=facts.header_end, line=1, chunk_size=2, checker=_checker()
        )
    )
    assert [len(r.claims) for r in reads] == [2, 2, 1]
    assert reads[-1].finished
    middle = reads[0]
    rest = list(
        read_claim_lines(
            path,
            facts,
            byte_offset=middle.byte_offset,
            line=middle.line,
            chunk_size=10,
            checker=_checker(),
        )
    )
    assert [c.line for c in rest[0].claims] == [4, 5, 6]
