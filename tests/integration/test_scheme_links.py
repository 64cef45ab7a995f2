"""Supplier-of-supplier links stored with a supply-chain scheme, on SQLite and PostgreSQL: the
chain owner declares them (bounded, located errors, audited), its graph carries them, another
sponsor never reaches them; after binding, the insurer of the master policy sees the scheme's
chain with its links, and another insurer or a supplier does not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liubu import portfolio, underwriting
from liubu.accounts import OrgKind, Principal, Role, acting_in
from liubu.accounts.model import SYSTEM
from liubu.bootstrap import Platform
from liubu.demo import accept_invitations, load_reference_products, register_scanned_supplier
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from liubu.store.audit import recent_events
from liubu.underwriting import UnderwritingCode, groups
from liubu.underwriting import groups_links as links_module
from tests.integration.helpers import DECLARED, SUPPLY_CHAIN_PRODUCT, verified_enterprise

ACCESS = ("remote_access", "software_supply", "network_connection", *("none",) * 8)


def _chain(
    platform: Platform, *, accepted: int = 10
) -> tuple[Principal, str, list[tuple[Principal, str, str]]]:
    """A chain owner and eleven invited suppliers with a clean scan each (the product insures
    ten at least), the first ``accepted`` of whom accepted: each as its principal, record id and
    credit code."""
    load_reference_products(platform)
    owner, owner_id, _uscc = verified_enterprise(platform, "Owner", 1)
    codes = [register_scanned_supplier(platform, f"Supplier {i}", i, ()) for i in range(11)]
    with platform.uow(owner) as uow:
        scheme = groups.create_scheme(
            uow,
            kind="supply_chain",
            name="示例供应链",
            sponsor_enterprise_id=owner_id,
            product_ref=SUPPLY_CHAIN_PRODUCT,
        )
        groups.add_members(
            uow,
            scheme.id,
            [
                groups.MemberEntry(uscc=uscc, supplies="零件", access=access)
                for uscc, access in zip(codes, ACCESS, strict=True)
            ],
        )
    for uscc in codes[:accepted]:
        accept_invitations(platform, uscc)
    suppliers = []
    with platform.uow(SYSTEM) as uow:
        for uscc in codes:
            holder = uow.enterprises.find_identity_holder(uscc)
            assert holder is not None
            member = acting_in(holder.tenant_id, OrgKind.ENTERPRISE, Role.ENTERPRISE_USER)
            suppliers.append((member, holder.id, uscc))
    return owner, scheme.id, suppliers


def _insurer(platform: Platform, code: str) -> Principal:
    with platform.uow(SYSTEM) as uow:
        organisation = uow.organisations.find_by_code(code)
        assert organisation is not None
        return acting_in(organisation.id, OrgKind.INSURER, Role.UNDERWRITER)


def test_the_owner_declares_links_and_its_graph_carries_them(platform: Platform) -> None:
    owner, scheme_id, suppliers = _chain(platform)
    (_pa, a_id, a_uscc), (_pb, b_id, _b_uscc) = suppliers[3], suppliers[0]
    # by credit code and by record id: A (none to the owner) reaches it through B (remote access)
    declared = underwriting.declare_link(
        platform.uow(owner), scheme_id, source=a_uscc, target=b_id, access="network_connection"
    )
    assert (declared.source, declared.target, declared.access) == (
        a_id,
        b_id,
        "network_connection",
    )
    assert (declared.source_name, declared.target_name) == ("Supplier 3", "Supplier 0")
    assert [x.id for x in underwriting.scheme_links(platform.uow(owner), scheme_id)] == [
        declared.id
    ]
    chain, premiums = portfolio.scheme_graph(platform.uow(owner), scheme_id)
    edges = {(e.source, e.target): e.access for e in chain.edges}
    assert edges[(a_id, b_id)] == "network_connection"
    assert edges[(a_id, chain.owner.id)] == "none"  # its own edge to the owner stays
    assert len(chain.edges) == 10 + 1
    assert len(premiums) == 10

    def refused(error: type[Exception], **given: str) -> Exception:
        arguments = {"source": a_id, "target": b_id, "access": "none", **given}
        with pytest.raises(error) as caught:
            underwriting.declare_link(platform.uow(owner), scheme_id, **arguments)
        return caught.value

    unknown = refused(ValidationError, target="no-such-member")
    assert (unknown.code, unknown.field) == (UnderwritingCode.GROUP_LINK_UNKNOWN_MEMBER, "target")
    # the eleventh supplier was invited but never accepted: not a member a link may name
    waiting = refused(ValidationError, source=suppliers[10][2])
    assert (waiting.code, waiting.field) == (UnderwritingCode.GROUP_LINK_UNKNOWN_MEMBER, "source")
    itself = refused(ValidationError, target=a_id)
    assert (itself.code, itself.field) == (UnderwritingCode.GROUP_LINK_SELF, "target")
    bad = refused(ValidationError, access="telepathy")
    assert (bad.code, bad.field) == (UnderwritingCode.GROUP_BAD_ACCESS, "access")
    twice = refused(ConflictError)
    assert twice.code == UnderwritingCode.GROUP_LINK_DUPLICATE

    # another chain owner reaches neither the links nor the scheme
    stranger, _stranger_id, _ = verified_enterprise(platform, "Stranger", 40)
    with pytest.raises(NotFoundError):
        underwriting.scheme_links(platform.uow(stranger), scheme_id)
    with pytest.raises(NotFoundError):
        underwriting.declare_link(
            platform.uow(stranger), scheme_id, source=a_id, target=b_id, access="none"
        )
    with pytest.raises(NotFoundError):
        underwriting.remove_link(platform.uow(stranger), scheme_id, declared.id)
    # a supplier does not see the links that name it
    with pytest.raises(NotFoundError):
        underwriting.scheme_links(platform.uow(suppliers[0][0]), scheme_id)

    second = underwriting.declare_link(
        platform.uow(owner), scheme_id, source=suppliers[4][1], target=b_id, access="none"
    )
    underwriting.remove_link(platform.uow(owner), scheme_id, second.id)
    with pytest.raises(NotFoundError):
        underwriting.remove_link(platform.uow(owner), scheme_id, second.id)
    with platform.uow(SYSTEM) as uow:
        events = recent_events(uow.session, SYSTEM, limit=500)
    link_events = [(e.action, e.entity_id) for e in events if e.entity_type == "scheme_links"]
    assert sorted(link_events) == sorted(
        [
            ("scheme_links.created", declared.id),
            ("scheme_links.created", second.id),
            ("scheme_links.deleted", second.id),
        ]
    )
    assert all(e.actor_id == owner.user_id for e in events if e.entity_type == "scheme_links")
    assert platform.verify_audit_chain().intact

    # the sponsor takes a member out of the open scheme: its links go with it
    underwriting.remove_member(platform.uow(owner), scheme_id, a_uscc)
    assert underwriting.scheme_links(platform.uow(owner), scheme_id) == []


def test_the_links_per_scheme_are_bounded(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, scheme_id, suppliers = _chain(platform, accepted=10)
    monkeypatch.setattr(links_module, "MAX_LINKS", 2)
    for i in (1, 2):
        underwriting.declare_link(
            platform.uow(owner),
            scheme_id,
            source=suppliers[i][1],
            target=suppliers[0][1],
            access="none",
        )
    with pytest.raises(ValidationError) as too_many:
        underwriting.declare_link(
            platform.uow(owner),
            scheme_id,
            source=suppliers[3][1],
            target=suppliers[0][1],
            access="none",
        )
    assert (too_many.value.code, too_many.value.field) == (
        UnderwritingCode.GROUP_LINK_COUNT,
        "links",
    )


def test_the_insurer_of_the_master_policy_sees_the_chain_and_no_one_else(
    platform: Platform,
) -> None:
    owner, scheme_id, suppliers = _chain(platform, accepted=10)
    a_id, b_id = suppliers[3][1], suppliers[0][1]
    underwriting.declare_link(
        platform.uow(owner), scheme_id, source=a_id, target=b_id, access="remote_access"
    )
    insurer = _insurer(platform, "cankao-pc")
    other_insurer = _insurer(platform, "shifan-pc")
    # before binding the insurer holds nothing of the scheme
    with pytest.raises(NotFoundError):
        underwriting.underwritten_scheme(platform.uow(insurer), scheme_id)
    scores = {
        eid: groups.MemberScore(score=40.0 + 5 * i, grade="C")
        for i, (_p, eid, _u) in enumerate(suppliers[:10])
    }
    with platform.uow(owner) as uow:
        quote = groups.quote_group(uow, scheme_id, limit=Decimal(1_000_000), scores=scores)
        master = groups.bind_group(uow, scheme_id, quote, declarations=DECLARED)

    seen = underwriting.underwritten_scheme(platform.uow(insurer), scheme_id)
    assert seen.master.number == master.number
    assert seen.view["sponsor_name"].startswith("Owner")
    assert sorted(m["name"] for m in seen.view["members"]) == [f"Supplier {i}" for i in range(10)]
    assert [(x.source, x.target, x.access) for x in seen.links] == [(a_id, b_id, "remote_access")]
    assert [
        (m.scheme_id, name) for m, name in underwriting.underwritten_schemes(platform.uow(insurer))
    ] == [(scheme_id, "示例供应链")]
    # the insurer's graph is the owner's: the same members, scores, edges and premiums
    by_insurer = portfolio.scheme_graph(platform.uow(insurer), scheme_id)
    by_owner = portfolio.scheme_graph(platform.uow(owner), scheme_id)
    assert by_insurer == by_owner
    assert (a_id, b_id) in {(e.source, e.target) for e in by_insurer[0].edges}

    with pytest.raises(NotFoundError):
        underwriting.underwritten_scheme(platform.uow(other_insurer), scheme_id)
    with pytest.raises(NotFoundError):
        portfolio.scheme_graph(platform.uow(other_insurer), scheme_id)
    assert underwriting.underwritten_schemes(platform.uow(other_insurer)) == []
    supplier = suppliers[0][0]
    with pytest.raises(NotFoundError):
        portfolio.scheme_graph(platform.uow(supplier), scheme_id)
    with pytest.raises(PermissionDeniedError):
        underwriting.underwritten_scheme(platform.uow(supplier), scheme_id)
