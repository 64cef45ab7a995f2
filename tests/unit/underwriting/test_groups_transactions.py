"""The group use cases own their transactions: one commit when they succeed, none (and the
committed state untouched) when they refuse or fail half-way. On the in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from liubu.errors import ConflictError, ValidationError
from liubu.underwriting import groups
from liubu.underwriting.group_records import Certificate
from liubu.underwriting.groups_pricing import MemberScore

from .fakes import CHAIN_REF, DECLARED, Chain, FakeUoW, make_chain


def _once(chain: Chain, use_case: Callable[[FakeUoW], Any], **kwargs: Any) -> Any:
    uow = chain.db.uow(chain.who, **kwargs)
    result = use_case(uow)
    assert uow.commits == 1
    return result


def _refused(
    chain: Chain, use_case: Callable[[FakeUoW], Any], error: type[Exception], **kwargs: Any
) -> None:
    before, shown = chain.db.state, repr(chain.db.state)
    uow = chain.db.uow(chain.who, **kwargs)
    with pytest.raises(error):
        use_case(uow)
    assert uow.commits == 0
    assert chain.db.state is before
    assert repr(chain.db.state) == shown


def _create(kind: str) -> Callable[[FakeUoW], Any]:
    def create(uow: FakeUoW) -> Any:
        owner = uow.enterprises.list()[0]
        return groups.create_scheme(
            uow, kind=kind, name="第二条链", sponsor_enterprise_id=owner.id, product_ref=CHAIN_REF
        )

    return create


def _quote(chain: Chain, uow: FakeUoW) -> groups.GroupQuote:
    scores = {s.id: MemberScore(75.0, "B") for s in chain.suppliers}
    return groups.quote_group(uow, chain.scheme_id, limit=Decimal(1_000_000), scores=scores)


def test_creating_a_scheme_commits_once_and_not_when_refused() -> None:
    chain = make_chain()
    _refused(chain, _create("guild"), ValidationError)
    scheme = _once(chain, _create("supply_chain"))
    assert scheme.id in {s.id for s in chain.db.state.schemes}


def test_members_are_added_and_removed_in_one_commit_each() -> None:
    chain = make_chain()
    late = chain.db.enterprise("迟到供应商", revenue=10_000_000)
    entry = groups.MemberEntry(late.uscc, "包装", "none")
    _once(chain, lambda u: groups.add_members(u, chain.scheme_id, [entry]))
    _refused(chain, lambda u: groups.add_members(u, chain.scheme_id, [entry]), ConflictError)
    _once(chain, lambda u: groups.remove_member(u, chain.scheme_id, late.uscc))
    assert late.uscc not in {m.uscc for m in chain.db.state.members}


def test_binding_commits_once_and_a_failure_half_way_keeps_nothing() -> None:
    chain = make_chain()

    def third(item: object) -> bool:
        return isinstance(item, Certificate) and item.number.endswith("-0003")

    def bind(uow: FakeUoW) -> Any:
        return groups.bind_group(uow, chain.scheme_id, _quote(chain, uow), declarations=DECLARED)

    _refused(chain, bind, OSError, fail_on=third)
    master = _once(chain, bind)
    assert [m.id for m in chain.db.state.masters] == [master.id]
    assert len(chain.db.state.certificates) == len(chain.suppliers)
