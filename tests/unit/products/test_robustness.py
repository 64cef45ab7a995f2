"""Whatever an author types, validation answers with located issues and never crashes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liubu.products import dump_product, parse_product, validate_product

SCALARS = st.sampled_from(
    [
        "",
        "null",
        "-1",
        "0",
        "0.5",
        "1e3",
        "1.5e+3",
        "abc",
        "[]",
        "{}",
        "[1, 2]",
        "{a: 1}",
        "2024-13-01",
        "true",
        "~",
        "'x'",
        ".inf",
        "100000000000",
        "!!binary aGk=",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "value", "indent"]))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "value" and ": " in line:
            key = line.split(": ", 1)[0]
            lines[index] = f"{key}: {draw(SCALARS)}"
        else:
            lines[index] = "  " + line
        if not lines:
            break
    return "\n".join(lines) + "\n"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_mangled_product_gets_issues_or_a_spec_that_round_trips(
    base_text: str, data: st.DataObject
) -> None:
    text = data.draw(mutated(base_text))
    issues = validate_product(text, source="fuzz.yaml")
    for issue in issues:
        assert issue.code
        assert issue.message
        assert issue.message_zh
        assert issue.line is None or 1 <= issue.line <= text.count("\n") + 1
    if not issues:
        spec = parse_product(text)
        assert parse_product(dump_product(spec)) == spec
