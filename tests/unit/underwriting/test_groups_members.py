"""Group schemes: bad members get clear errors naming them, nothing partial, nothing duplicated;
binding issues a master policy and a certificate per member, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from liubu.core import uscc_with_check
from liubu.errors import ConflictError, IdentifierError, NotFoundError, ValidationError
from liubu.underwriting import groups
from liubu.underwriting.group_records import Certificate, SchemeState
from liubu.underwriting.groups_pricing import MemberScore

from .fakes import DECLARED, PARK_REF, SMALL_PARK, Chain, Database, make_chain, principal


@pytest.fixture
def chain() -> Chain:
    return make_chain()


# --- bad members: clear errors, nothing partial, nothing duplicated ---------------------------


def member_ids(chain: Chain) -> list[str | None]:
    with chain.db.uow(chain.who) as uow:
        return [m.enterprise_id for m in uow.groups.members(chain.scheme_id)]


def invited(chain: Chain) -> list[str]:
    with chain.db.uow(chain.who) as uow:
        return [m.uscc for m in uow.groups.members(chain.scheme_id)]


def test_a_supplier_invited_twice_is_refused_naming_its_code(chain: Chain) -> None:
    again = chain.suppliers[1]
    with chain.db.uow(chain.who) as uow, pytest.raises(ConflictError) as raised:
        groups.add_member(uow, chain.scheme_id, uscc=again.uscc, supplies="芯片")
    assert raised.value.code == "group.member_duplicate"
    assert again.uscc in raised.value.message
    assert again.name not in raised.value.message  # the sponsor knows the code, not more
    assert member_ids(chain) == [s.id for s in chain.suppliers]


def test_a_batch_naming_one_new_supplier_twice_invites_nothing(chain: Chain) -> None:
    new = chain.db.enterprise("新供应商", revenue=10_000_000)
    entries = [groups.MemberEntry(new.uscc, "包装"), groups.MemberEntry(new.uscc.lower(), "包装")]
    with chain.db.uow(chain.who) as uow, pytest.raises(ConflictError, match=new.uscc):
        groups.add_members(uow, chain.scheme_id, entries)
    assert new.uscc not in invited(chain)


def test_an_unregistered_code_is_invited_like_a_registered_one(chain: Chain) -> None:
    new = chain.db.enterprise("合规供应商", revenue=10_000_000)
    stranger = uscc_with_check("91310000MA1K99999").code  # well-formed, never registered
    entries = [groups.MemberEntry(new.uscc, "包装"), groups.MemberEntry(stranger, "物流")]
    with chain.db.uow(chain.who) as uow:
        added = groups.add_members(uow, chain.scheme_id, entries)
        uow.commit()
    assert [(m.uscc, m.state, m.enterprise_id) for m in added] == [
        (new.uscc, "invited", None),
        (stranger, "invited", None),
    ]
    with chain.db.uow(chain.who) as uow:
        rows = groups.scheme_view(uow, chain.scheme_id)["members"][-2:]
    assert sorted(rows[0]) == sorted(rows[1])  # the same fields, whoever holds the code
    assert [(r["name"], r["enterprise_id"]) for r in rows] == [(None, None), (None, None)]


def test_a_supplier_code_with_a_wrong_check_character_is_refused(chain: Chain) -> None:
    good = chain.suppliers[0].uscc
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with chain.db.uow(chain.who) as uow, pytest.raises(IdentifierError):
        groups.add_member(uow, chain.scheme_id, uscc=bad, supplies="零件")


def test_a_supplier_must_say_what_it_supplies_and_with_a_known_access(chain: Chain) -> None:
    new = chain.db.enterprise("软件供应商", revenue=10_000_000)
    with chain.db.uow(chain.who) as uow:
        with pytest.raises(ValidationError, match="supplies"):
            groups.add_member(uow, chain.scheme_id, uscc=new.uscc)
        with pytest.raises(ValidationError, match="'root_shell'"):
            groups.add_member(
                uow, chain.scheme_id, uscc=new.uscc, supplies="ERP", access="root_shell"
            )


def test_the_chain_owner_cannot_be_its_own_supplier(chain: Chain) -> None:
    with chain.db.uow(chain.who) as uow, pytest.raises(ValidationError, match="sponsor"):
        groups.add_member(uow, chain.scheme_id, uscc=chain.owner.uscc, supplies="自供")


def test_another_tenant_does_not_see_the_scheme(chain: Chain) -> None:
    outsider = chain.db.enterprise("别家链主", revenue=50_000_000)
    with chain.db.uow(principal(outsider.tenant_id)) as uow, pytest.raises(NotFoundError):
        groups.scheme_view(uow, chain.scheme_id)


def test_a_park_product_cannot_insure_a_supply_chain() -> None:
    db = Database()
    db.product(SMALL_PARK, insurer_tenant="insurer-shifan")
    owner = db.enterprise("链主", revenue=50_000_000)
    with db.uow(principal(owner.tenant_id)) as uow, pytest.raises(ValidationError) as raised:
        groups.create_scheme(
            uow,
            kind="supply_chain",
            name="链",
            sponsor_enterprise_id=owner.id,
            product_ref=PARK_REF,
        )
    assert raised.value.code == "group.product_kind_mismatch"


# --- binding: all or nothing ------------------------------------------------------------------


def quote_for(chain: Chain, uow: Any) -> groups.GroupQuote:
    scores = {s.id: MemberScore(75.0, "B") for s in chain.suppliers}
    return groups.quote_group(uow, chain.scheme_id, limit=Decimal(1_000_000), scores=scores)


def test_a_failure_on_the_third_certificate_leaves_nothing(chain: Chain) -> None:
    def third(item: object) -> bool:
        return isinstance(item, Certificate) and item.number.endswith("-0003")

    with chain.db.uow(chain.who, fail_on=third) as uow:
        quote = quote_for(chain, uow)
        with pytest.raises(OSError, match="disk full"):
            groups.bind_group(uow, chain.scheme_id, quote, declarations=DECLARED)
    with chain.db.uow(chain.who) as uow:
        assert uow.groups.master_policies(chain.scheme_id) == []
        assert chain.db.state.certificates == []
        assert uow.groups.scheme(chain.scheme_id).status == SchemeState.OPEN


def test_binding_issues_one_certificate_per_supplier_and_freezes_membership(chain: Chain) -> None:
    with chain.db.uow(chain.who) as uow:
        quote = quote_for(chain, uow)
        master = groups.bind_group(uow, chain.scheme_id, quote, declarations=DECLARED)
        uow.commit()
    with chain.db.uow(chain.who) as uow:
        certificates = uow.groups.certificates(master.id)
        assert [c.enterprise_id for c in certificates] == [s.id for s in chain.suppliers]
        assert sum(c.member_premium for c in certificates) == master.total_premium
        assert sum(c.sponsor_share for c in certificates) == master.sponsor_premium
        assert master.tenant_id == "insurer-cankao"
        assert master.client_tenant_id == chain.owner.tenant_id
        assert [c.member_tenant_id for c in certificates] == [s.tenant_id for s in chain.suppliers]
        late = chain.db.enterprise("迟到供应商", revenue=10_000_000)
        with pytest.raises(ConflictError, match="frozen"):
            groups.add_member(uow, chain.scheme_id, uscc=late.uscc, supplies="零件")
    # A supplier sees its own certificate under the insurer's master policy.
    supplier = principal(chain.suppliers[0].tenant_id)
    with chain.db.uow(supplier) as uow:
        assert [c.enterprise_id for c in uow.groups.certificates(master.id)] == [
            chain.suppliers[0].id
        ]


def test_a_quote_is_stale_once_the_membership_changes(chain: Chain) -> None:
    with chain.db.uow(chain.who) as uow:
        quote = quote_for(chain, uow)
        groups.remove_member(uow, chain.scheme_id, chain.suppliers[2].uscc)
        with pytest.raises(ConflictError) as raised:
            groups.bind_group(uow, chain.scheme_id, quote, declarations=DECLARED)
    assert raised.value.code == "group.quote_stale"
