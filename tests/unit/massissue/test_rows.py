"""Each kind of bad line goes to the errors with its line number and reason code, masked, in
Chinese and English, while the good lines around it are issued."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from liubu.core import PersonalDataCipher
from liubu.massissue import (
    Chunk,
    ImportPlan,
    RowError,
    error_file_header,
    inspect_file,
    read_chunks,
    reason_codes,
)
from tests.unit.massissue.conftest import HEADER, iso7064, rid

A = rid("110105", "19900307", "123")
B = rid("440305", "19851120", "246")
WriteCsv = Callable[..., Path]


def run(path: Path, plan: ImportPlan, cipher: PersonalDataCipher) -> list[Chunk]:
    return list(read_chunks(path, facts=inspect_file(path), plan=plan, cipher=cipher))


def errors_of(chunks: list[Chunk]) -> list[RowError]:
    return [error for chunk in chunks for error in chunk.errors]


BAD_LINES = [
    ("row.columns", f"张三,{A},13812345678"),
    ("row.malformed", f'"张三,{A},13812345678,10000'),
    ("name.empty", f"  ,{A},13812345678,10000"),
    ("name.invalid", f"张三3,{A},13812345678,10000"),
    ("resident_id.length", f"张三,{A[:17]},13812345678,10000"),
    ("resident_id.characters", f"张三,{A[:10]}A{A[11:]},13812345678,10000"),
    ("resident_id.birth_date", f"张三,{rid('110105', '19901332')},13812345678,10000"),
    (
        "resident_id.check_character",
        f"张三,{A[:17]}{'0' if A[17] != '0' else '1'},13812345678,10000",
    ),
    ("resident_id.region", f"张三,{rid('990105', '19900307')},13812345678,10000"),
    ("mobile.format", f"张三,{A},12812345678,10000"),
    ("mobile.format", f"张三,{A},1381234567,10000"),
    ("limit.syntax", f"张三,{A},13812345678,十万"),
    ("limit.syntax", f"张三,{A},13812345678,"),
    ("limit.not_offered", f"张三,{A},13812345678,20000"),
    ("age.ineligible", f"张三,{rid('110105', '20070102')},13812345678,10000"),  # 17 on 1 Jan
    ("age.ineligible", f"张三,{rid('110105', '19540101')},13812345678,10000"),  # 71 on 1 Jan
]


@pytest.mark.parametrize(
    ("code", "bad"), BAD_LINES, ids=[f"{code}-{i}" for i, (code, _) in enumerate(BAD_LINES)]
)
def test_a_bad_line_is_rejected_with_its_line_and_code_and_good_lines_pass(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher, code: str, bad: str
) -> None:
    before = f"李四,{B},13912345678,50000"
    after = f"王五,{rid('310101', '19850512')},13712345678,100000"
    chunks = run(write_csv(HEADER + f"{before}\n{bad}\n{after}\n"), plan, cipher)
    assert [(e.line, e.code) for e in errors_of(chunks)] == [(3, code)]
    assert [row.line for chunk in chunks for row in chunk.rows] == [2, 4]
    final = chunks[-1].checkpoint
    assert (final.accepted, final.rejected, final.blank) == (2, 1, 0)
    assert final.rejected_by_code == ((code, 1),)


def test_reasons_are_bilingual_and_show_personal_values_only_masked(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    wrong = A[:17] + ("0" if A[17] != "0" else "1")
    path = write_csv(HEADER + f"张三,{wrong},13812345678,10000\n张三,{A},12812345678,20000\n")
    chunks = run(path, plan, cipher)
    first, second = errors_of(chunks)
    assert first.value == wrong[:3] + "*" * 11 + wrong[-4:]
    assert "校验码" in first.reason_zh
    assert "check character" in first.reason_en
    assert second.value == "128****5678"
    for secret in (wrong, A, "12812345678"):
        assert secret not in chunks[0].error_text
    for error in (first, second):
        assert error.reason_zh.endswith("。")
        assert error.reason_en.endswith(".")
    written = error_file_header().lstrip("\ufeff") + chunks[0].error_text
    records = list(csv.reader(io.StringIO(written)))
    assert records[0] == ["line", "code", "field", "value", "reason_zh", "reason_en"]
    assert records[1][:4] == ["2", "resident_id.check_character", "resident_id", first.value]
    assert records[2][:2] == ["3", "mobile.format"]


def test_every_reason_code_has_both_texts() -> None:
    for code, text in reason_codes().items():
        assert text.en, code
        assert any("\u4e00" <= char <= "\u9fff" for char in text.zh), code


def test_a_person_is_issued_once_per_file_and_the_duplicate_names_the_first_line(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    lines = [
        f"张三,{A},13812345678,30000",  # line 2: rejected (limit), so A is not taken yet
        f"张三,{A},13812345678,10000",  # line 3: issued
        f"李四,{B},13912345678,50000",  # line 4: issued
        f"张三,{A.lower()},13812345678,100000",  # line 5: the same person again
    ]
    chunks = run(write_csv(HEADER + "\n".join(lines) + "\n"), plan, cipher)
    assert [(e.line, e.code) for e in errors_of(chunks)] == [
        (2, "limit.not_offered"),
        (5, "person.duplicate"),
    ]
    assert "line 3" in errors_of(chunks)[1].reason_en
    assert "第3行" in errors_of(chunks)[1].reason_zh
    assert [row.line for chunk in chunks for row in chunk.rows] == [3, 4]


def test_the_eligible_ages_are_counted_in_whole_years_on_the_inception_date(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    # inception 2025-01-01; the product covers ages 18 to 70
    births = {"20070101": True, "20070102": False, "19540102": True, "19540101": False}
    lines = [f"张三,{rid('110105', birth)},13812345678,10000" for birth in births]
    chunks = run(write_csv(HEADER + "\n".join(lines) + "\n"), plan, cipher)
    issued = {row.line for chunk in chunks for row in chunk.rows}
    assert [line in issued for line in range(2, 6)] == list(births.values())
    ages = sorted(row.age for chunk in chunks for row in chunk.rows)
    assert ages == [18, 70]
    assert "17" in errors_of(chunks)[0].reason_en


def test_full_width_digits_lower_case_x_phone_formats_and_limit_spellings_are_accepted(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    ending_x = next(
        rid("320102", "19880808", f"{order:03d}")
        for order in range(1000)
        if iso7064(f"32010219880808{order:03d}") == "X"
    )
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in B)  # ０-９ are U+FF10-FF19
    lines = [
        f' 张三 ,{ending_x.lower()}, +86 138-1234-5678 ,"10,000"',
        f"李四,{full_width},13912345678,10000.00",
        f"王五,{A},0086 13712345678,¥１００００",
    ]
    chunks = run(write_csv(HEADER + "\n".join(lines) + "\n"), plan, cipher)
    assert errors_of(chunks) == []
    rows = chunks[0].rows
    assert [cipher.decrypt(r.resident_id_encrypted, field="resident_id") for r in rows] == [
        ending_x,
        B,
        A,
    ]
    assert [cipher.decrypt(r.mobile_encrypted, field="mobile") for r in rows] == [
        "13812345678",
        "13912345678",
        "13712345678",
    ]
    assert cipher.decrypt(rows[0].name_encrypted, field="name") == "张三"
    assert {r.limit for r in rows} == {Decimal(10000)}
    assert {r.premium for r in rows} == {Decimal("7.90")}


def test_blank_lines_are_counted_apart_and_are_no_errors(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    text = HEADER + f"张三,{A},13812345678,10000\n\n,,,\r\n   \n李四,{B},13912345678,10000\n"
    final = run(write_csv(text), plan, cipher)[-1].checkpoint
    assert (final.accepted, final.rejected, final.blank) == (2, 0, 3)


def test_an_external_reference_is_kept_and_an_overlong_one_is_rejected(
    write_csv: WriteCsv, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    text = (
        "name,resident_id,mobile,limit,external_ref\n"
        f"张三,{A},13812345678,10000,ORD-1\n"
        f"李四,{B},13912345678,10000,{'R' * 65}\n"
        f"王五,{rid('310101', '19850512')},13712345678,10000,\n"
    )
    chunks = run(write_csv(text), plan, cipher)
    assert [(e.line, e.code) for e in errors_of(chunks)] == [(3, "external_ref.invalid")]
    assert [row.external_ref for row in chunks[0].rows] == ["ORD-1", None]
