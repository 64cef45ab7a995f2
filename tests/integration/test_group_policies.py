"""A supply chain insured on real databases: the chain owner and ten suppliers (separate
tenants), scores from their own assessments, one master policy and a certificate per supplier;
the parties' premiums add up, and each supplier sees its own certificate and nothing else."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from liubu.accounts.model import SYSTEM, Principal
from liubu.bootstrap import Platform
from liubu.demo import load_reference_products
from liubu.errors import ConflictError, NotFoundError, ValidationError
from liubu.statistics import market_statistics
from liubu.store import tables
from liubu.underwriting import groups
from tests.integration.helpers import (
    DECLARED,
    SUPPLY_CHAIN_PRODUCT,
    verified_enterprise,
)

PRODUCT = SUPPLY_CHAIN_PRODUCT
_enterprise = verified_enterprise


def _accept(platform: Platform, member: Principal) -> None:
    """The member's own user accepts every invitation waiting for it."""
    with platform.uow(member) as uow:
        waiting = [i.id for i in groups.my_invitations(uow) if i.state == "invited"]
    for invitation in waiting:
        groups.accept_invitation(platform.uow(member), invitation)


def _chain(platform: Platform) -> tuple[Principal, str, list[tuple[Principal, str, str]]]:
    load_reference_products(platform)
    owner, owner_id, _uscc = _enterprise(platform, "Owner", 1)
    suppliers = [_enterprise(platform, f"Supplier {i}", 10 + i) for i in range(10)]
    with platform.uow(owner) as uow:
        scheme = groups.create_scheme(
            uow,
            kind="supply_chain",
            name="示例供应链",
            sponsor_enterprise_id=owner_id,
            product_ref=PRODUCT,
        )
        uow.commit()
    return owner, scheme.id, suppliers


def test_a_chain_is_quoted_and_bound_with_a_certificate_per_supplier(
    platform: Platform,
) -> None:
    owner, scheme_id, suppliers = _chain(platform)
    with platform.uow(owner) as uow:
        groups.add_members(
            uow,
            scheme_id,
            [
                groups.MemberEntry(uscc=uscc, supplies="电子元器件", access="remote_access")
                for _p, _id, uscc in suppliers
            ],
        )
        uow.commit()
    for member, _id, _uscc in suppliers:
        _accept(platform, member)
    scores = {
        eid: groups.MemberScore(score=40.0 + 5 * i, grade="C")
        for i, (_p, eid, _u) in enumerate(suppliers)
    }
    with platform.uow(owner) as uow:
        quote = groups.quote_group(uow, scheme_id, limit=Decimal(1_000_000), scores=scores)
        policy = groups.bind_group(uow, scheme_id, quote, declarations=DECLARED)
        uow.commit()
    price = quote.price
    shares = [price.member(eid) for _p, eid, _u in suppliers]
    assert price.total_premium == price.sponsor_premium + price.members_premium
    assert price.members_premium == sum(s.member_share for s in shares)
    # Better scores, lower supplier shares (the owner's base share does not float).
    member_shares = [s.member_share for s in shares]
    assert member_shares == sorted(member_shares, reverse=True)
    with platform.uow(owner) as uow:
        certificates = uow.groups.certificates(policy.id)
    assert len(certificates) == 10
    first_supplier, first_id, _u = suppliers[0]
    with platform.uow(first_supplier) as uow:
        mine = uow.groups.certificates(policy.id)
        assert [c.enterprise_id for c in mine] == [first_id]
        with pytest.raises(NotFoundError):
            uow.groups.scheme(scheme_id)
    assert platform.verify_audit_chain().intact
    # The regulator counts each certificate as an insured enterprise; the figures equal the
    # certificates' own sums, read straight from the table (no single policies exist here).
    with platform.engine.connect() as connection:
        raw = connection.execute(
            sa.select(
                sa.func.count(),
                sa.func.sum(tables.certificates.c.member_premium),
                sa.func.sum(tables.certificates.c.limit),
            )
        ).one()
    with platform.uow(SYSTEM) as uow:
        stats = market_statistics(uow)
    assert (stats.enterprise.policies, stats.enterprise.premium, stats.enterprise.sum_insured) == (
        10,
        Decimal(raw[1]),
        Decimal(raw[2]),
    )
    assert raw[0] == 10
    assert Decimal(raw[1]) == price.total_premium
    assert [r.key for r in stats.enterprise_by["industry_section"]] == ["C"]
    assert [(r.key, r.figures.policies) for r in stats.enterprise_by["product_type"]] == [
        ("supply_chain", 10)
    ]


def test_bad_members_are_named_and_nothing_is_added(platform: Platform) -> None:
    owner, scheme_id, suppliers = _chain(platform)
    uscc = suppliers[0][2]
    with platform.uow(owner) as uow, pytest.raises(ConflictError) as twice:
        groups.add_members(
            uow,
            scheme_id,
            [
                groups.MemberEntry(uscc=uscc, supplies="x", access="none"),
                groups.MemberEntry(uscc=uscc, supplies="x", access="none"),
            ],
        )
    assert uscc in twice.value.message
    bad = uscc[:-1] + ("0" if uscc[-1] != "0" else "1")
    with platform.uow(owner) as uow, pytest.raises(ValidationError) as malformed:
        groups.add_members(
            uow,
            scheme_id,
            [
                groups.MemberEntry(uscc=suppliers[1][2], supplies="x", access="none"),
                groups.MemberEntry(uscc=bad, supplies="x", access="none"),
            ],
        )
    assert malformed.value.field == "uscc"
    with platform.uow(owner) as uow:
        assert uow.groups.members(scheme_id) == []


def test_batch_scores_read_each_members_own_assessment(platform: Platform) -> None:
    owner, scheme_id, suppliers = _chain(platform)
    with platform.uow(owner) as uow:
        groups.add_members(
            uow,
            scheme_id,
            [
                groups.MemberEntry(uscc=uscc, supplies="部件", access="none")
                for _p, _id, uscc in suppliers
            ],
        )
        uow.commit()
    for member, _id, _uscc in suppliers:
        _accept(platform, member)
    with platform.uow(owner) as uow:
        scores = groups.batch_scores(uow, scheme_id)
    assert set(scores) == {eid for _p, eid, _u in suppliers}
    assert {s.source for s in scores.values()} == {"unassessed"}  # nobody has scanned yet
    with platform.uow(SYSTEM) as uow:
        assert uow.groups.find_registered_enterprise(suppliers[0][1]) is not None
