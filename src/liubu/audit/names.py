"""Names of the audit trail's codes (审计日志用语) in Chinese and English, from ``data/names.yaml``.

An action is either ``<table>.<verb>`` (the store's record of a write) or an explicit event code;
a code the file does not name is shown as itself, never refused: the trail outlives vocabularies.

>>> action_name("auth.signed_in", "zh")
'登录'
>>> action_name("products.created", "en")
'Product · created'
>>> entity_name("claim_reserves", "zh")
'赔案准备金'
>>> actor_name("system", "zh")
'系统'
>>> action_name("no_such.thing", "zh")
'no_such.thing'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from liubu.datafiles import packaged_yaml

Lang = Literal["zh", "en"]
#: Between an entity's name and its verb's: 赔案准备金 · 新建.
_JOIN = " · "


@dataclass(frozen=True)
class NamedCode:
    """An action code (or an action prefix ending in a dot) and its name in one language."""

    code: str
    name: str


@dataclass(frozen=True)
class _Vocabulary:
    tables: Mapping[str, Mapping[str, str]]
    entities: Mapping[str, Mapping[str, str]]
    verbs: Mapping[str, Mapping[str, str]]
    events: Mapping[str, Mapping[str, str]]
    actors: Mapping[str, Mapping[str, str]]


@cache
def _vocabulary() -> _Vocabulary:
    data = packaged_yaml("liubu.audit", "data", "names.yaml")
    return _Vocabulary(
        data["tables"], data["entities"], data["verbs"], data["events"], data["actors"]
    )


def entity_name(entity_type: str, lang: Lang) -> str:
    """The name of an audited table or of an explicit event's entity type (else the code)."""
    words = _vocabulary()
    found = words.tables.get(entity_type) or words.entities.get(entity_type)
    return found[lang] if found is not None else entity_type


def actor_name(actor_id: str, lang: Lang) -> str | None:
    """The name of an actor that is no user (``system``, ``anonymous``, a loader), else None:
    a user's id is named by the accounts, not here."""
    found = _vocabulary().actors.get(actor_id)
    return found[lang] if found is not None else None


def action_name(action: str, lang: Lang) -> str:
    """The name of an explicit event, or of a table's write as ``<table> · <verb>``; a code not
    named (nor its table or verb) is returned as it is."""
    words = _vocabulary()
    event = words.events.get(action)
    if event is not None:
        return event[lang]
    table, _, verb = action.partition(".")
    if table in words.tables and verb in words.verbs:
        return words.tables[table][lang] + _JOIN + words.verbs[verb][lang]
    return action


def named_entities(lang: Lang) -> list[NamedCode]:
    """Every named entity type, for choosing one: the audited tables, then the other types."""
    words = _vocabulary()
    return [
        NamedCode(code, name[lang]) for code, name in {**words.tables, **words.entities}.items()
    ]


def named_actions(lang: Lang) -> list[NamedCode]:
    """Every named action, for choosing one: each table's prefix (all its writes) then its three
    writes, then the explicit events by code."""
    words = _vocabulary()
    named: list[NamedCode] = []
    for table, name in words.tables.items():
        named.append(NamedCode(f"{table}.", name[lang]))
        named.extend(
            NamedCode(f"{table}.{v}", action_name(f"{table}.{v}", lang)) for v in words.verbs
        )
    named.extend(NamedCode(code, name[lang]) for code, name in sorted(words.events.items()))
    return named
