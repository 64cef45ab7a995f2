"""Schemathesis over the whole OpenAPI of a real server with the demo data, as an insurer's
underwriter and as an enterprise user: no 5xx and every answer as the OpenAPI describes it.

Bounded for CI (a few seeded examples per operation and mode); `make fuzz` runs the same with
more examples and more checks (docs/fuzzing.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.browser import demo_server
from tests.e2e.fuzz import fuzz

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(Path(tmp_path_factory.mktemp("fuzz"))) as (_platform, base):
        yield base


@pytest.mark.parametrize("username", ["underwriter", "enterprise"])
def test_no_operation_answers_a_server_error_or_breaks_its_response_schema(
    demo_base: str, username: str
) -> None:
    report = fuzz(demo_base, username)
    print(f"{username}: {report.cases} cases, {len(report.defects)} distinct failures")
    assert report.cases > 0
    if report.defects:
        pytest.fail(report.summary(), pytrace=False)
