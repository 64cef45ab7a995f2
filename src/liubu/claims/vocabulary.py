"""The incident types a notice of loss names (``data/incident_types.yaml``), read once.

Each type carries the risk-engine scenario it corresponds to (or None), the product-vocabulary
coverages it can trigger and the exclusions it makes live. The file is checked against the two
vocabularies it names when first read: a code that is in neither is a configuration error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from liubu.claims.reasons import ClaimsCode
from liubu.datafiles import packaged_yaml
from liubu.errors import ConfigurationError, ValidationError
from liubu.products import Text, load_vocabulary
from liubu.risk import scenario_names

_WHERE = "liubu/claims/data/incident_types.yaml"


@dataclass(frozen=True, slots=True)
class IncidentType:
    """One incident type: code, bilingual name, engine scenario, coverages it can trigger and the
    exclusions an adjuster must rule on."""

    code: str
    name: Text
    scenario: str | None
    coverages: tuple[str, ...]
    exclusions_to_check: tuple[str, ...]


@cache
def incident_types() -> tuple[IncidentType, ...]:
    """Every incident type, in the file's order (checked against the vocabularies)."""
    raw = packaged_yaml("liubu.claims", "data", "incident_types.yaml")
    vocabulary = load_vocabulary()
    coverages = set(vocabulary.coverages.codes())
    exclusions = set(vocabulary.exclusions.codes())
    scenarios = set(scenario_names())
    found: list[IncidentType] = []
    for index, entry in enumerate(raw["incident_types"]):
        where = f"{_WHERE} incident_types[{index}]"
        scenario = entry.get("scenario")
        if scenario is not None and scenario not in scenarios:
            raise ConfigurationError(f"{where}: no risk scenario {scenario!r}.")
        bad = [c for c in entry["coverages"] if c not in coverages]
        bad += [e for e in entry["exclusions_to_check"] if e not in exclusions]
        if bad:
            raise ConfigurationError(f"{where}: codes not in the product vocabulary: {bad}.")
        found.append(
            IncidentType(
                code=str(entry["code"]),
                name=Text(str(entry["name"]["zh"]), str(entry["name"]["en"])),
                scenario=scenario,
                coverages=tuple(entry["coverages"]),
                exclusions_to_check=tuple(entry["exclusions_to_check"]),
            )
        )
    return tuple(found)


def incident_type(code: str) -> IncidentType:
    """The incident type ``code``, or a located ValidationError naming the known codes."""
    for item in incident_types():
        if item.code == code:
            return item
    raise ValidationError(
        f"No incident type {code!r}; choose one of {[t.code for t in incident_types()]}.",
        code=ClaimsCode.UNKNOWN_INCIDENT_TYPE,
        field="incident_type",
        value=code[:64],
    )
