"""Reading claims-experience CSV: the documented format, all or nothing, located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from liubu.errors import ValidationError
from liubu.experience import (
    ExperienceFileError,
    read_experience_csv,
    synthetic_experience,
    write_experience_csv,
)

HEADER = "policy_id,period,exposure_years,claim_count,incurred_loss,security_grade"


def _refused(text: str | bytes, **kwargs: object) -> ExperienceFileError:
    with pytest.raises(ExperienceFileError) as caught:
        read_experience_csv(text, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_small_file_reads_every_column_exactly(small_csv: str) -> None:
    data = read_experience_csv(small_csv)
    assert data.n_rows == 4
    assert data.factor_names == ("security_grade", "industry_section")
    assert list(data.policy_id) == ["P1", "P1", "P2", "P3"]
    assert list(data.period) == [2023, 2024, 2023, 2024]
    assert list(data.exposure) == [1.0, 0.5, 1.0, 0.75]
    assert list(data.claim_count) == [0, 1, 2, 0]
    assert list(data.incurred_loss) == [0.0, 120000.5, 300000.0, 0.0]
    assert list(data.factors["industry_section"]) == ["C", "C", "I", "I"]
    totals = data.totals()
    assert totals.exposure == 3.25
    assert totals.claims == 3
    assert totals.incurred_loss == pytest.approx(420000.5)
    assert data.periods == (2023, 2024)
    assert data.levels("security_grade") == ("A", "B", "E")


def test_arrays_of_loaded_data_are_read_only(small_csv: str) -> None:
    data = read_experience_csv(small_csv)
    with pytest.raises(ValueError, match="read-only"):
        data.exposure[0] = 2.0


def test_utf8_byte_order_mark_is_accepted_in_bytes_text_and_files(
    small_csv: str, tmp_path: Path
) -> None:
    plain = read_experience_csv(small_csv)
    path = tmp_path / "experience.csv"
    path.write_bytes(b"\xef\xbb\xbf" + small_csv.encode("utf-8"))
    for source in (path, path.read_bytes(), "\ufeff" + small_csv):
        data = read_experience_csv(source)
        assert data.factor_names == plain.factor_names  # "policy_id" not "\ufeffpolicy_id"
        assert list(data.incurred_loss) == list(plain.incurred_loss)
    assert read_experience_csv(path).source == str(path)


def test_windows_line_endings_and_blank_lines_are_accepted(small_csv: str) -> None:
    text = small_csv.replace("\n", "\r\n") + "\r\n\r\n"
    assert read_experience_csv(text).n_rows == 4


def test_gbk_bytes_are_refused_at_their_line(small_csv: str) -> None:
    lines = small_csv.encode("utf-8").splitlines(keepends=True)
    lines[2] = "P1,2024,0.5,1,120000.50,A,制造\n".encode("gbk")
    error = _refused(b"".join(lines), name="claims.csv")
    assert error.code == "experience.encoding"
    assert error.location == "claims.csv:3"
    assert "not UTF-8" in error.message
    assert "nothing was loaded" in error.message


def test_utf16_file_is_refused() -> None:
    error = _refused((HEADER + "\n").encode("utf-16"))
    assert error.code == "experience.encoding"
    assert "UTF-16" in error.message


def test_missing_required_columns_stop_the_load_at_the_header() -> None:
    error = _refused("policy_id,period,exposure_years,security_grade\nP1,2023,1,A\n", name="x.csv")
    assert error.code == "experience.missing_columns"
    assert error.location == "x.csv:1"
    assert "claim_count" in error.message
    assert "incurred_loss" in error.message


def test_duplicate_and_badly_named_columns_are_refused() -> None:
    assert _refused(HEADER + ",security_grade\n").code == "experience.duplicate_column"
    assert _refused(HEADER + ",Security Grade\n").code == "experience.bad_column"


def test_every_bad_row_is_located_and_nothing_is_loaded() -> None:
    text = "\n".join(
        [
            HEADER,
            "P1,2023,1,0,0,A",  # line 2: fine
            "P2,2023,-1,0,0,B",  # line 3: exposure
            "P3,23,1,0,0,B",  # line 4: period
            "P4,2023,1,1.5,100,B",  # line 5: claim_count
            "P5,2023,1,1,100.123,B",  # line 6: loss with three decimals
            "P6,2023,1,0,0,F",  # line 7: unknown grade
            "P7,2023,1,0,0",  # line 8: too few fields
            "",
        ]
    )
    error = _refused(text, name="exp.csv")
    assert error.code == "experience.bad_rows"
    found = [(p.location, p.column, p.value) for p in error.problems]
    assert found == [
        ("exp.csv:3", "exposure_years", "-1"),
        ("exp.csv:4", "period", "23"),
        ("exp.csv:5", "claim_count", "1.5"),
        ("exp.csv:6", "incurred_loss", "100.123"),
        ("exp.csv:7", "security_grade", "F"),
        ("exp.csv:8", None, None),
    ]
    assert error.location == "exp.csv:3"
    assert "6 bad row(s); nothing was loaded" in error.message
    assert error.detail["problems"][0]["column"] == "exposure_years"  # type: ignore[index]


def test_claims_and_loss_must_agree() -> None:
    error = _refused(f"{HEADER}\nP1,2023,1,0,50,A\nP2,2023,1,2,0,A\n")
    assert [(p.location, p.column) for p in error.problems] == [
        ("<text>:2", "incurred_loss"),
        ("<text>:3", "incurred_loss"),
    ]
    assert "claim_count is 0" in error.problems[0].message
    assert "positive incurred loss" in error.problems[1].message


def test_a_repeated_policy_period_names_its_first_line() -> None:
    error = _refused(f"{HEADER}\nP1,2023,1,0,0,A\nP2,2023,1,0,0,A\nP1,2023,0.5,0,0,B\n")
    (problem,) = error.problems
    assert problem.location == "<text>:4"
    assert "first at line 2" in problem.message


def test_industry_sections_are_checked_against_gbt4754() -> None:
    header = "policy_id,period,exposure_years,claim_count,incurred_loss,industry_section"
    assert read_experience_csv(f"{header}\nP1,2023,1,0,0,I\n").levels("industry_section") == ("I",)
    error = _refused(f"{header}\nP1,2023,1,0,0,Z\n")
    assert error.problems[0].column == "industry_section"


def test_unknown_factor_columns_are_free_text() -> None:
    text = "policy_id,period,exposure_years,claim_count,incurred_loss,region\nP1,2023,1,0,0,东部\n"
    assert read_experience_csv(text).levels("region") == ("东部",)


def test_line_numbers_count_physical_lines_across_quoted_newlines() -> None:
    text = f'{HEADER},note\nP1,2023,1,0,0,A,"two\nlines"\nP2,2023,x,0,0,A,ok\n'
    (problem,) = _refused(text).problems
    assert problem.location == "<text>:4"


def test_empty_file_and_header_only_file_are_refused() -> None:
    assert _refused("").code == "experience.empty"
    assert _refused(HEADER + "\n").code == "experience.empty"


def test_reading_stops_after_max_problems() -> None:
    rows = "\n".join(f"P{i},2023,0,0,0,A" for i in range(100))
    error = _refused(f"{HEADER}\n{rows}\n", max_problems=5)
    assert len(error.problems) == 5
    assert "at least 5 bad row(s)" in error.message


def test_missing_file_is_a_located_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="cannot be read"):
        read_experience_csv(tmp_path / "absent.csv")


def test_written_csv_reads_back_to_the_same_data(tmp_path: Path) -> None:
    data = synthetic_experience(
        n_policies=300,
        relativities={"security_grade": {"A": 0.7, "C": 1.0}, "mlps_level": {"2": 1, "3": 0.9}},
        base_frequency=0.3,
        severity_mean=50_000,
        severity_shape=2.0,
        rng=np.random.default_rng(7),
    )
    path = tmp_path / "round.csv"
    path.write_text(write_experience_csv(data), encoding="utf-8")
    back = read_experience_csv(path)
    assert back.factor_names == data.factor_names
    for name in ("policy_id", "period", "exposure", "claim_count", "incurred_loss"):
        assert np.array_equal(getattr(back, name), getattr(data, name)), name
    for factor in data.factor_names:
        assert np.array_equal(back.factors[factor], data.factors[factor])


def test_a_file_name_passed_as_text_is_refused_with_a_hint() -> None:
    error = _refused("claims.csv")
    assert error.code == "experience.not_csv"
    assert "pathlib.Path" in error.message
