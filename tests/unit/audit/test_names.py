"""Every code the audit trail can hold has a Chinese and an English name.

The codes are collected here independently of the vocabulary: the audited tables from the store's
mapping (every mapped record's write is audited), the explicit events and their entity types from
the sources' syntax trees (every ``audit.record(...)`` call, following a constant or a parameter
back to the literals that reach it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import liubu
from liubu.audit import action_name, actor_name, entity_name, named_actions, named_entities
from liubu.jobs import JobState
from liubu.store.orm import MAPPED

SOURCES = Path(liubu.__file__).parent
VERBS = ("created", "updated", "deleted")


def _audit_calls(tree: ast.Module) -> Iterator[ast.Call]:
    """Calls of ``….record(code, entity_type=…)``: the audit log's one way in."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "record"
            and any(k.arg == "entity_type" for k in node.keywords)
        ):
            yield node


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _function_of(tree: ast.Module, call: ast.Call) -> ast.FunctionDef | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(n is call for n in ast.walk(node)):
            return node
    return None


def _arguments_to(tree: ast.Module, function: ast.FunctionDef, param: str) -> Iterator[ast.expr]:
    """What the callers in this module pass ``function`` for its parameter ``param``."""
    names = [a.arg for a in function.args.args]
    # A method's callers pass no ``self``; a keyword-only parameter has no position.
    position = names.index(param) - (names[:1] == ["self"]) if param in names else -1
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = (
            node.func.attr
            if isinstance(node.func, ast.Attribute)
            else getattr(node.func, "id", None)
        )
        if called != function.name:
            continue
        yield from (k.value for k in node.keywords if k.arg == param)
        if 0 <= position < len(node.args):
            yield node.args[position]


def _resolve(tree: ast.Module, call: ast.Call, expr: ast.expr, where: str) -> set[str]:
    """The codes an expression can evaluate to; an expression this cannot follow fails the test,
    so a new way of naming an action must be taught here (and named in the vocabulary)."""
    if isinstance(expr, ast.Constant):
        return set() if expr.value is None else {str(expr.value)}
    if isinstance(expr, ast.IfExp):
        return _resolve(tree, call, expr.body, where) | _resolve(tree, call, expr.orelse, where)
    if isinstance(expr, ast.BoolOp):
        return set().union(*(_resolve(tree, call, v, where) for v in expr.values))
    if isinstance(expr, ast.Name):
        constant = _constants(tree).get(expr.id)
        if constant is not None:
            return {constant}
        function = _function_of(tree, call)
        if function is not None and expr.id in [a.arg for a in function.args.args] + [
            a.arg for a in function.args.kwonlyargs
        ]:
            return set().union(
                *(
                    _resolve(tree, call, arg, where)
                    for arg in _arguments_to(tree, function, expr.id)
                )
            )
    if isinstance(expr, ast.JoinedStr) and ast.unparse(expr) == "f'jobs.{job.state}'":
        return {f"jobs.{state}" for state in JobState}
    raise AssertionError(f"{where}: cannot follow the audited code {ast.unparse(expr)}")


@cache
def _explicit() -> tuple[frozenset[str], frozenset[str]]:
    """The explicit event codes and the entity types they name, from every source file."""
    actions: set[str] = set()
    entities: set[str] = set()
    for path in sorted(SOURCES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _audit_calls(tree):
            where = f"{path.relative_to(SOURCES)}:{call.lineno}"
            actions |= _resolve(tree, call, call.args[0], where)
            entity = next(k.value for k in call.keywords if k.arg == "entity_type")
            entities |= _resolve(tree, call, entity, where)
    return frozenset(actions), frozenset(entities)


def _fixed_actors() -> set[str]:
    """Actor ids written as literals: an audit record's ``actor_id``, a principal's ``user_id``
    and the ``name`` of a principal acting in a tenant (with that parameter's default)."""
    found: set[str] = set()
    for path in sorted(SOURCES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == "acting_in":
                found |= {d.value for d in node.args.kw_defaults if isinstance(d, ast.Constant)}
            if not isinstance(node, ast.Call):
                continue
            called = ast.unparse(node.func).rsplit(".", 1)[-1]
            wanted = {"record": "actor_id", "Principal": "user_id", "acting_in": "name"}.get(called)
            found |= {
                k.value.value
                for k in node.keywords
                if k.arg == wanted
                and isinstance(k.value, ast.Constant)
                and isinstance(k.value.value, str)
            }
    return found


def _audited_tables() -> list[str]:
    return sorted(table.name for table in MAPPED.values())


def test_the_collection_finds_the_known_events() -> None:
    actions, entities = _explicit()
    # A check on the collector itself: events written in each way it follows.
    assert {
        "auth.signed_in",  # a literal
        "auth.sign_in_failed",  # a module constant
        "claims.closed",  # a literal handed to a helper's parameter
        "jobs.requeued",  # a keyword argument of the job store's helper
        "jobs.succeeded",  # the job's state
    } <= actions
    assert {"user", "claim_reserves", "web_session"} <= entities
    assert len(actions) > 30
    assert "users" in _audited_tables()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_audited_table_and_entity_type_has_a_name(lang: str) -> None:
    _, entities = _explicit()
    unnamed = [e for e in [*_audited_tables(), *sorted(entities)] if entity_name(e, lang) == e]  # type: ignore[arg-type]
    assert unnamed == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_action_the_code_base_writes_has_a_name(lang: str) -> None:
    actions, _ = _explicit()
    writes = [f"{t}.{v}" for t in _audited_tables() for v in VERBS]
    unnamed = [a for a in [*writes, *sorted(actions)] if action_name(a, lang) == a]  # type: ignore[arg-type]
    assert unnamed == []


def test_a_write_is_named_by_its_table_and_verb_in_each_language() -> None:
    assert action_name("products.created", "zh") == entity_name("products", "zh") + " · 新建"
    assert action_name("policies.deleted", "en") == entity_name("policies", "en") + " · deleted"
    assert action_name("auth.signed_in", "zh") == "登录"
    assert action_name("auth.signed_in", "en") == "Signed in"


def test_unknown_codes_are_shown_as_themselves() -> None:
    assert action_name("no_such_table.created", "zh") == "no_such_table.created"
    assert action_name("products.archived", "en") == "products.archived"
    assert action_name("", "zh") == ""
    assert entity_name("no_such_table", "en") == "no_such_table"


def test_no_two_codes_share_a_chinese_name() -> None:
    actions, entities = _explicit()
    tables = _audited_tables()
    for codes, name in (
        ([*tables, *sorted(entities - set(tables))], entity_name),
        ([*(f"{t}.{v}" for t in tables for v in VERBS), *sorted(actions)], action_name),
    ):
        names: dict[str, str] = {}
        for code in codes:
            zh = name(code, "zh")
            assert names.setdefault(zh, code) == code, f"{code} and {names[zh]} are both {zh}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_choices_offer_every_named_action_once(lang: str) -> None:
    actions, _ = _explicit()
    offered = [c.code for c in named_actions(lang)]  # type: ignore[arg-type]
    assert len(offered) == len(set(offered))
    assert set(actions) <= set(offered)
    assert {f"{t}." for t in _audited_tables()} <= set(offered)
    assert all(c.name != c.code for c in named_actions(lang))  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_entity_choices_offer_every_entity_type_once(lang: str) -> None:
    _, entities = _explicit()
    offered = [c.code for c in named_entities(lang)]  # type: ignore[arg-type]
    assert len(offered) == len(set(offered))
    assert {*_audited_tables(), *entities} <= set(offered)
    assert all(c.name == entity_name(c.code, lang) != c.code for c in named_entities(lang))  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_actor_that_is_no_user_has_a_name(lang: str) -> None:
    actors = _fixed_actors()
    assert {"system", "anonymous", "demo"} <= actors  # the collector finds each kind
    assert [a for a in sorted(actors) if not actor_name(a, lang)] == []
    assert actor_name("a-user-id", lang) is None
