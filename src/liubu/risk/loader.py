"""``load_model``: the hand-written YAML model file (schema in ``data/model.schema.json``).

Errors name the parameter, its value and file:line (line numbers come from the composed YAML node
tree). A scenario entry is either written out, or ``{library: <name>, modifier: {...}}`` taking a
library scenario for the model's ``library: {industry, revenue}`` (or ``revenue_band``);
``library.scenarios: all``
takes every library scenario.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path as FilePath
from typing import Any

from liubu.risk import specs
from liubu.risk.events import Modifier, Scenario
from liubu.risk.library import library_scenarios, scenario_names
from liubu.risk.located import Located, Path, parse_yaml
from liubu.risk.model import Model
from liubu.risk.reasons import RiskCode
from liubu.risk.terms import Terms

_TOP_KEYS = ("name", "currency", "scenarios", "library", "terms", "scenario_correlation")


def load_model(text_or_path: str | FilePath, *, source_name: str = "model.yaml") -> Model:
    """Read a model from YAML text or from a file path (``.yaml``/``.yml``)."""
    if isinstance(text_or_path, FilePath) or (
        "\n" not in text_or_path and text_or_path.endswith((".yaml", ".yml"))
    ):
        path = FilePath(text_or_path)
        text, source_name = path.read_text(encoding="utf-8"), path.name
    else:
        text = str(text_or_path)
    return parse_model(text, source_name=source_name)


def parse_model(text: str, *, source_name: str = "model.yaml") -> Model:
    """Read a model from YAML text only — never a path: what a user sends over HTTP is text, and
    a one-line ``x.yaml`` must not read a file of the server."""
    src = parse_yaml(text, source_name)
    top = specs._mapping(src, src.data, (), _TOP_KEYS)
    if top.get("currency", "CNY") != "CNY":
        raise src.fail(
            f"Only CNY models are supported; got currency {top['currency']!r}.",
            code=RiskCode.BAD_CURRENCY,
            path=("currency",),
            value=top["currency"],
        )
    scenarios = _scenarios(src, top)
    terms = specs.terms(src, top["terms"], ("terms",)) if top.get("terms") is not None else None
    with src.at(()):
        return Model(
            tuple(scenarios),
            terms or Terms(),
            scenario_correlation=top.get("scenario_correlation", 0.0),
            name=str(top.get("name", "model")),
        )


def _scenarios(src: Located, top: Mapping[str, Any]) -> list[Scenario]:
    lib = specs._mapping(
        src,
        top.get("library", {}) or {},
        ("library",),
        ("industry", "revenue", "revenue_band", "scenarios", "modifiers"),
    )
    items = top.get("scenarios", []) or []
    if not isinstance(items, list):
        raise src.fail(
            "scenarios must be a list.",
            code=RiskCode.BAD_SCENARIOS,
            path=("scenarios",),
            value=items,
        )
    out: list[Scenario] = []
    if lib.get("scenarios") is not None:
        chosen = lib["scenarios"]
        names = scenario_names() if chosen == "all" else chosen
        modifiers = {
            name: _modifier(src, body, ("library", "modifiers", name))
            for name, body in (lib.get("modifiers") or {}).items()
        }
        out.extend(_from_library(src, lib, names, modifiers, ("library",)))
    for i, item in enumerate(items):
        path: Path = ("scenarios", i)
        if isinstance(item, Mapping) and "library" in item:
            entry = specs._mapping(src, item, path, ("library", "modifier"), ("library",))
            mod = _modifier(src, entry.get("modifier", {}), (*path, "modifier"))
            out.extend(
                _from_library(
                    src, lib, [entry["library"]], {entry["library"]: mod}, (*path, "library")
                )
            )
        else:
            out.append(specs.scenario(src, item, path))
    if not out:
        raise src.fail(
            "The model has no scenarios.", code=RiskCode.NO_SCENARIOS, path=("scenarios",)
        )
    return out


def _from_library(
    src: Located, lib: Mapping[str, Any], names: Any, modifiers: dict[str, Modifier], path: Path
) -> tuple[Scenario, ...]:
    if "industry" not in lib or ("revenue_band" not in lib and "revenue" not in lib):
        raise src.fail(
            "Library scenarios need library: {industry, revenue} (or revenue_band) in the model.",
            code=RiskCode.LIBRARY_SETTINGS,
            path=path,
            value=names,
        )
    with src.at(path):
        revenue = lib["revenue"] if "revenue" in lib else str(lib["revenue_band"])
        return library_scenarios(lib["industry"], revenue, names=list(names), modifiers=modifiers)


def _modifier(src: Located, body: Any, path: Path) -> Modifier:
    d = specs._mapping(src, body or {}, path, ("frequency", "severity"))
    with src.at(path):
        return Modifier(d.get("frequency", 1.0), d.get("severity", 1.0))


@cache
def model_schema() -> dict[str, Any]:
    """The published JSON Schema of the model file."""
    text = resources.files("liubu.risk").joinpath("data/model.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
