"""Observations as JSON lines: the plain form ``liubu monitor record`` reads (for tests and for
tools that already normalised their input; the feed and event formats have their own readers).

One JSON object per line::

    {"kind": "ipv4", "value": "203.0.113.9", "source": "feodo", "rule": "feodo.c2",
     "severity": "high", "seen_at": "2024-04-04T10:00:00+00:00", "fingerprint": "feodo:203.0.113.9",
     "evidence": {"malware": "QakBot"}, "provider": null}

``kind`` is one of :class:`IndicatorKind`, ``severity`` one of :class:`AlertSeverity`;
``seen_at`` is ISO 8601 with its offset; ``evidence`` (string values) and ``provider`` may be
left out. Blank lines are skipped; a bad line becomes a :class:`Rejected` with its number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from liubu.errors import ValidationError
from liubu.monitoring.observations import AlertSeverity, IndicatorKind, Observation, Rejected
from liubu.monitoring.reasons import MonitoringCode

MAX_LINE_CHARS = 65_536
REQUIRED = ("kind", "value", "source", "rule", "severity", "seen_at", "fingerprint")
_LIMITS = {"value": 2048, "source": 32, "rule": 200, "fingerprint": 512, "provider": 64}


def read_observation_lines(lines: Iterable[str]) -> Iterator[Observation | Rejected]:
    """Each non-blank line as an :class:`Observation`, or a :class:`Rejected` naming it."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            yield Rejected(
                number,
                MonitoringCode.LINE_TOO_LONG,
                f"The line is over {MAX_LINE_CHARS} characters.",
            )
            continue
        try:
            document = json.loads(line)
        except ValueError as error:
            yield Rejected(
                number, MonitoringCode.LINE_NOT_JSON, f"The line is not JSON: {error.args[0]}."
            )
            continue
        try:
            yield observation_from_json(document)
        except ValidationError as error:
            yield Rejected(number, error.code, error.message)


def bounded_lines(stream: IO[str], *, limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The stream's lines, never holding more than ``limit + 1`` characters of one: a longer
    line is given cut at ``limit + 1`` (so :func:`read_observation_lines` rejects it, counted
    once) and the rest of it is skipped."""
    while line := stream.readline(limit + 1):
        if len(line) > limit and not line.endswith("\n"):
            while (rest := stream.readline(limit + 1)) and not rest.endswith("\n"):
                pass
        yield line


def observation_from_json(document: Any) -> Observation:
    """An :class:`Observation` from its JSON object (see the module's documentation)."""
    if not isinstance(document, dict):
        raise _bad("An observation is a JSON object.", "observation")
    missing = [name for name in REQUIRED if not isinstance(document.get(name), str)]
    if missing:
        raise _bad(f"An observation needs {', '.join(missing)} as text.", missing[0])
    for name, limit in _LIMITS.items():
        value = document.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise _bad(f"{name} is longer than {limit} characters.", name)
    provider = document.get("provider")
    evidence = document.get("evidence") or {}
    if not isinstance(evidence, dict) or not all(isinstance(v, str) for v in evidence.values()):
        raise _bad("evidence is an object of text values.", "evidence")
    try:
        kind = IndicatorKind(document["kind"])
        severity = AlertSeverity(document["severity"])
        seen_at = datetime.fromisoformat(document["seen_at"])
    except ValueError as error:
        raise _bad(f"{error}.", "observation") from error
    return Observation(
        kind=kind,
        value=document["value"],
        source=document["source"],
        rule=document["rule"],
        severity=severity,
        seen_at=seen_at,
        fingerprint=document["fingerprint"],
        evidence=evidence,
        provider=provider if isinstance(provider, str) else None,
    )


def _bad(message: str, field: str) -> ValidationError:
    return ValidationError(message, code=MonitoringCode.BAD_OBSERVATION, field=field)
