"""Deterministic scenarios from YAML, with located errors, and the packaged demo library.

A file is a list of named scenarios::

    scenarios:
      - name: aliyun_hangzhou_down_24h
        title: {zh: 阿里云杭州地域中断 24 小时, en: Alibaba Cloud Hangzhou down for 24 hours}
        kind: outage
        target: aliyun-cn-hangzhou
        hours: 24
        basis:
          hours: {assumption: true, note: "A full day."}

Errors name the file, the line, the field and a reason code; with a catalogue, a target it does
not declare is refused at the target's line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from liubu.datafiles import packaged_text
from liubu.portfolio.loader import read_text
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import Basis, Catalogue
from liubu.portfolio.scenario import SCENARIO_PARAMETERS, Scenario
from liubu.risk import Located, parse_located_yaml

Path = tuple[str | int, ...]
#: At most this many scenarios in a file, and a file at most 8 MB.
MAX_SCENARIOS = 1000
MAX_BYTES = 8 * 1024 * 1024

_KEYS = (
    "name",
    "title",
    "kind",
    "target",
    "hours",
    "share_hit",
    "loss_share",
    "coverage",
    "basis",
)
_CODES = (PortfolioCode.BAD_FIELD, PortfolioCode.UNKNOWN_FIELD, PortfolioCode.MISSING_FIELD)


def load_scenarios(
    text_or_path: str | FilePath,
    *,
    catalogue: Catalogue | None = None,
    source_name: str = "scenarios.yaml",
) -> tuple[Scenario, ...]:
    """Read a scenario library (``scenarios:``, a list of named scenarios; names unique). With
    ``catalogue``, every target must be one of its dependencies."""
    text, name = read_text(text_or_path, source_name, max_bytes=MAX_BYTES)
    src = parse_located_yaml(text, name)
    top = src.mapping(src.data, (), ("scenarios",), ("scenarios",), codes=_CODES, noun="field")
    rows = top["scenarios"]
    if not isinstance(rows, list) or not rows:
        raise src.fail(
            "scenarios must be a non-empty list of scenarios.",
            code=PortfolioCode.BAD_FIELD,
            path=("scenarios",),
            value=repr(rows),
        )
    if len(rows) > MAX_SCENARIOS:
        raise src.fail(
            f"At most {MAX_SCENARIOS} scenarios in a file; got {len(rows)}.",
            code=PortfolioCode.BAD_FIELD,
            path=("scenarios",),
            value=len(rows),
        )
    known = None if catalogue is None else {d.id for d in catalogue.dependencies}
    scenarios: list[Scenario] = []
    for i, row in enumerate(rows):
        at: Path = ("scenarios", i)
        scenario = _scenario(src, row, at)
        if any(s.name == scenario.name for s in scenarios):
            raise src.fail(
                f"Scenario {scenario.name!r} appears twice.",
                code=PortfolioCode.DUPLICATE_ID,
                path=(*at, "name"),
                value=scenario.name,
            )
        if known is not None and scenario.target not in known:
            raise src.fail(
                f"Scenario {scenario.name!r} strikes dependency {scenario.target!r}, which the "
                "catalogue does not declare.",
                code=PortfolioCode.UNKNOWN_DEPENDENCY,
                path=(*at, "target"),
                value=scenario.target,
            )
        scenarios.append(scenario)
    return tuple(scenarios)


def _scenario(src: Located, row: Any, at: Path) -> Scenario:
    s = src.mapping(row, at, _KEYS, ("name", "kind", "target"), codes=_CODES, noun="field")
    title: Mapping[str, Any] = src.mapping(
        s.get("title") or {}, (*at, "title"), ("zh", "en"), codes=_CODES, noun="field"
    )
    basis = {}
    raw = src.mapping(
        s.get("basis") or {}, (*at, "basis"), SCENARIO_PARAMETERS, codes=_CODES, noun="parameter"
    )
    for key, body in raw.items():
        where: Path = (*at, "basis", key)
        b = src.mapping(body, where, ("source", "assumption", "note"), codes=_CODES, noun="field")
        with src.at(where):
            basis[str(key)] = Basis(
                b.get("source"), bool(b.get("assumption", False)), str(b.get("note", ""))
            )
    with src.at(at):
        return Scenario(
            name=str(s["name"]),
            kind=str(s["kind"]),
            target=str(s["target"]),
            hours=s.get("hours"),
            share_hit=s.get("share_hit", 1.0),
            loss_share=s.get("loss_share"),
            coverage=str(s.get("coverage", "incident_response")),
            title_zh=str(title.get("zh", "")),
            title_en=str(title.get("en", "")),
            basis=basis,
        )


def demo_scenarios() -> tuple[Scenario, ...]:
    """The packaged scenario library for the demo catalogue (``data/demo_scenarios.yaml``)."""
    from liubu.portfolio.loader import demo_catalogue

    return load_scenarios(
        packaged_text("liubu.portfolio", "data", "demo_scenarios.yaml"),
        catalogue=demo_catalogue(),
        source_name="demo_scenarios.yaml",
    )
