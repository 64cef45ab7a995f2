"""The file is refused before anything is issued when its encoding or header is wrong, naming
what is wrong and where; a good file is hashed and counted."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.massissue import contract, inspect_file, write_synthetic_csv
from tests.unit.massissue.conftest import HEADER, INCEPTION, rid

GOOD = f"张小三,{rid('110105', '19900307')},13812345678,10000\n"
WriteCsv = Callable[..., Path]


def refusal(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect_file(path)
    return caught.value


def test_a_good_file_is_hashed_and_its_lines_counted(write_csv: WriteCsv) -> None:
    path = write_csv(HEADER + GOOD * 3)
    facts = inspect_file(path)
    assert facts.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert facts.size == path.stat().st_size
    assert facts.columns == ("name", "resident_id", "mobile", "limit")
    assert facts.header_end == len(HEADER)
    assert facts.data_lines == 3
    assert facts.bom is False


def test_a_last_line_without_a_line_break_still_counts(write_csv: WriteCsv) -> None:
    assert inspect_file(write_csv(HEADER + GOOD + GOOD.rstrip("\n"))).data_lines == 2
    assert inspect_file(write_csv(HEADER.rstrip("\n"))).data_lines == 0


def test_a_utf8_byte_order_mark_is_accepted(write_csv: WriteCsv) -> None:
    facts = inspect_file(write_csv(HEADER + GOOD, encoding="utf-8-sig"))
    assert facts.bom is True
    assert facts.header_end == 3 + len(HEADER)
    assert facts.columns[0] == "name"


def test_a_gb18030_file_is_refused_with_the_offset_and_line_of_its_first_non_utf8_byte(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gbk.csv"
    write_synthetic_csv(path, 50, seed=3, inception=INCEPTION, encoding="gb18030")
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError) as decoding:  # the whole file at once, as a peer
        data.decode("utf-8")
    offset = decoding.value.start
    line = data[:offset].count(b"\n") + 1
    error = refusal(path)
    assert error.code == "massissue.encoding"
    assert error.value == "gb18030"
    assert error.location == f"gbk.csv:{line}"
    assert line == 2
    assert f"byte offset {offset} (line {line})" in error.message
    assert "GB18030" in error.message
    assert "GBK" in error.message
    assert "nothing was issued" in error.message


def test_a_gbk_line_deep_in_a_utf8_file_is_found_before_anything_is_issued(
    write_csv: WriteCsv,
) -> None:
    utf8_part = (HEADER + GOOD * 40_000).encode("utf-8")  # > 1 MiB: past the first block
    bad = "王五,{},13912345678,10000\n".format(rid("310101", "19850512")).encode("gbk")
    path = write_csv(utf8_part + bad + GOOD.encode())
    error = refusal(path)
    assert error.location == "people.csv:40002"
    assert f"byte offset {len(utf8_part)} " in error.message
    assert error.value == "gb18030"


def test_bytes_that_are_neither_utf8_nor_gb18030_are_refused_as_unknown(
    write_csv: WriteCsv,
) -> None:
    path = write_csv(HEADER.encode() + b"ab\xff\xffcd,1,2,3\n")
    error = refusal(path)
    assert error.code == "massissue.encoding"
    assert error.value == "unknown"
    assert "byte offset 32 (line 2)" in error.message


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 64])
def test_characters_straddling_read_blocks_are_not_mistaken_for_bad_bytes(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(contract, "BLOCK_BYTES", block)
    path = write_csv(HEADER + GOOD * 5)
    facts = inspect_file(path)
    assert facts.data_lines == 5
    assert facts.header_end == len(HEADER)
    assert facts.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("encoding", "named"),
    [("utf-16", "UTF-16"), ("utf-32", "UTF-32")],
)
def test_utf16_and_utf32_files_are_refused_by_name(
    write_csv: WriteCsv, encoding: str, named: str
) -> None:
    error = refusal(write_csv(HEADER + GOOD, encoding=encoding))
    assert error.code == "massissue.not_csv"
    assert named in error.message


def test_a_workbook_is_refused_as_not_csv(write_csv: WriteCsv) -> None:
    error = refusal(write_csv(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 100))
    assert error.code == "massissue.not_csv"
    assert ".xlsx" in error.message


def test_an_empty_file_is_refused(write_csv: WriteCsv) -> None:
    assert refusal(write_csv(b"")).code == "massissue.empty_file"


def test_missing_and_unknown_columns_are_each_named(write_csv: WriteCsv) -> None:
    error = refusal(write_csv("name,id,mobil\n"))
    assert error.code == "massissue.header"
    assert error.location == "people.csv:1"
    for part in (
        "missing column 'resident_id'",
        "missing column 'mobile'",
        "missing column 'limit'",
        "unknown column 'id'",
        "unknown column 'mobil' (did you mean 'mobile'?)",
    ):
        assert part in error.message


def test_a_column_given_twice_is_named(write_csv: WriteCsv) -> None:
    error = refusal(write_csv("name,resident_id,mobile,limit,手机号\n"))
    assert "column 'mobile' given more than once" in error.message


def test_header_names_ignore_case_blanks_order_and_accept_chinese_aliases(
    write_csv: WriteCsv,
) -> None:
    facts = inspect_file(write_csv(" Limit ,手机号,姓名, RESIDENT_ID,外部编号\n"))
    assert facts.columns == ("limit", "mobile", "name", "resident_id", "external_ref")


def test_a_tab_separated_file_is_refused_naming_the_separator(write_csv: WriteCsv) -> None:
    error = refusal(write_csv("name\tresident_id\tmobile\tlimit\n"))
    assert error.code == "massissue.delimiter"
    assert "not comma-separated" in error.message


def test_bare_carriage_returns_are_refused(write_csv: WriteCsv) -> None:
    error = refusal(write_csv(HEADER.replace("\n", "\r") + GOOD.replace("\n", "\r")))
    assert error.code == "massissue.line_endings"


def test_a_file_without_line_breaks_is_refused(write_csv: WriteCsv) -> None:
    error = refusal(write_csv("name," * 20_000))
    assert error.code == "massissue.line_endings"
