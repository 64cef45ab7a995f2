"""The JSON-lines form of observations: good lines become observations equal to the ones
written, bad lines are rejected with their number and the rest go on, and a line too long is
never held whole."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from liubu.monitoring import (
    AlertSeverity,
    IndicatorKind,
    Observation,
    Rejected,
    bounded_lines,
    read_observation_lines,
)

GOOD = {
    "kind": "domain",
    "value": "Login.Example.CN.",
    "source": "stix",
    "rule": "indicator--1",
    "severity": "medium",
    "seen_at": "2026-06-01T09:00:00+08:00",
    "fingerprint": "bundle-1:indicator--1",
    "evidence": {"pattern": "[domain-name:value = 'login.example.cn']"},
}


def test_lines_become_observations_and_bad_ones_are_named_by_number() -> None:
    lines = [
        json.dumps(GOOD),
        "",
        "{not json",
        json.dumps({**GOOD, "kind": "hash"}),
        json.dumps({k: v for k, v in GOOD.items() if k != "rule"}),
        json.dumps({**GOOD, "seen_at": "2026-06-01T09:00:00"}),  # no offset
        json.dumps({**GOOD, "evidence": {"n": 1}}),
        json.dumps([GOOD]),
    ]
    found = list(read_observation_lines(lines))
    assert found[0] == Observation(
        kind=IndicatorKind.DOMAIN,
        value="login.example.cn",
        source="stix",
        rule="indicator--1",
        severity=AlertSeverity.MEDIUM,
        seen_at=datetime(2026, 6, 1, 1, 0, tzinfo=UTC),
        fingerprint="bundle-1:indicator--1",
        evidence={"pattern": "[domain-name:value = 'login.example.cn']"},
    )
    rejected = found[1:]
    assert all(isinstance(r, Rejected) for r in rejected)
    assert [r.line for r in rejected if isinstance(r, Rejected)] == [3, 4, 5, 6, 7, 8]
    assert "rule" in rejected[2].reason  # type: ignore[union-attr]


def test_a_line_too_long_is_cut_and_rejected_once_and_the_next_line_is_read() -> None:
    stream = io.StringIO("x" * 1000 + "\n" + json.dumps(GOOD) + "\n")
    lines = list(bounded_lines(stream, limit=400))
    assert [len(line) for line in lines] == [401, len(json.dumps(GOOD)) + 1]
    stream = io.StringIO("x" * 70_000 + "\n" + json.dumps(GOOD) + "\n")
    found = list(read_observation_lines(bounded_lines(stream)))
    assert isinstance(found[0], Rejected)
    assert (found[0].line, found[0].code) == (1, "monitoring.line_too_long")
    assert isinstance(found[1], Observation)
