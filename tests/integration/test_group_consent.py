"""Consent for group membership and ownership of a credit code, on real databases.

A sponsor invites by credit code; until the member's own user accepts, the sponsor sees only the
invitation's state — no name, no record id, no score, and the store does not let it read the
member's scans. A verified holder may accept, decline or leave; an unverified one may not accept.
A credit code has one holder: a second registration is refused with a claim that the platform
operator decides. Names with control or bidirectional-override characters are refused."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from liubu.accounts import (
    SYSTEM,
    AccountsCode,
    IdentityTakenError,
    OrgKind,
    Principal,
    Role,
    add_evidence,
    decide_claim,
    list_claims,
    register_enterprise,
    verify_enterprise,
)
from liubu.accounts import service as accounts
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import Platform
from liubu.demo import accept_invitations, load_reference_products, register_scanned_supplier
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from liubu.store.audit import recent_events
from liubu.underwriting import UnderwritingCode, groups
from tests.integration.helpers import facts, make_tenant

CHAIN = "cankao-pc/supply-chain-cyber@1"
PARK = "shifan-pc/park-group-cyber@1"


def _enterprise(
    platform: Platform, name: str, serial: int, *, verified: bool = True
) -> tuple[Principal, str, str]:
    tenant = make_tenant(platform, OrgKind.ENTERPRISE, name, Role.ENTERPRISE_USER)
    record = dataclasses.replace(
        facts(serial, name=name), industry_section="C", industry_division="39"
    )
    enterprise = register_enterprise(platform.uow(tenant.principal), record)
    if verified:
        verify_enterprise(platform.uow(SYSTEM), enterprise.id)
    return tenant.principal, enterprise.id, enterprise.uscc


def _scheme(platform: Platform, owner: Principal, owner_id: str, *, kind: str, product: str) -> str:
    scheme = groups.create_scheme(
        platform.uow(owner),
        kind=kind,
        name=f"{kind} 方案",
        sponsor_enterprise_id=owner_id,
        product_ref=product,
    )
    return scheme.id


def _invitation(platform: Platform, member: Principal) -> str:
    (invitation,) = groups.my_invitations(platform.uow(member))
    return invitation.id


def _scan(platform: Platform, member: Principal, enterprise_id: str) -> None:
    now = datetime.now(UTC)
    with platform.uow(member) as uow:
        uow.assessment.add(
            Scan(
                id=f"scan{enterprise_id[:28]}",
                tenant_id=member.tenant_id,
                enterprise_id=enterprise_id,
                status=str(ScanState.FINISHED),
                targets=["member.example"],
                settings={},
                created_at=now,
                started_at=now,
                finished_at=now,
                result={"targets": []},
            )
        )
        uow.commit()


def test_the_sponsor_sees_a_member_only_after_it_accepts_and_no_longer_once_it_leaves(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    owner, owner_id, _ = _enterprise(platform, "Owner", 1)
    member, member_id, member_uscc = _enterprise(platform, "Member", 2)
    other, _other_id, other_uscc = _enterprise(platform, "Other", 3)
    _scan(platform, member, member_id)
    scheme_id = _scheme(platform, owner, owner_id, kind="supply_chain", product=CHAIN)
    entries = [groups.MemberEntry(u, "零件", "remote_access") for u in (member_uscc, other_uscc)]
    groups.add_members(platform.uow(owner), scheme_id, entries)
    # The chain product prices 10 members at least: ten more accept at once.
    fillers = [register_scanned_supplier(platform, f"Filler {i}", 20 + i, ()) for i in range(10)]
    groups.add_members(
        platform.uow(owner), scheme_id, [groups.MemberEntry(u, "零件") for u in fillers]
    )
    for uscc in fillers:
        assert accept_invitations(platform, uscc) == 1

    def sponsor_sees() -> tuple[list[tuple[str, str | None, str | None]], int]:
        with platform.uow(owner) as uow:
            view = groups.scheme_view(uow, scheme_id)
            scans = len(uow.assessment.scans(member_id))
        rows = {m["uscc"]: (m["state"], m["name"], m["enterprise_id"]) for m in view["members"]}
        return [rows[member_uscc], rows[other_uscc]], scans

    assert sponsor_sees() == ([("invited", None, None), ("invited", None, None)], 0)
    with platform.uow(owner) as uow:
        first = groups.quote_group(uow, scheme_id, limit=Decimal(1_000_000))
    assert member_id not in {m.enterprise_id for m in first.price.members}
    assert first.to_dict()["not_priced"] == {"invited": 2, "declined": 0, "left": 0, "lapsed": 0}

    # The member sees who invites it, to what; the other tenant sees only its own invitation.
    (seen,) = groups.my_invitations(platform.uow(member))
    assert (seen.scheme_name, seen.sponsor_name, seen.supplies, seen.state) == (
        "supply_chain 方案",
        "Owner 1",
        "零件",
        "invited",
    )
    with pytest.raises(NotFoundError):
        groups.accept_invitation(platform.uow(other), seen.id)  # not its code
    groups.accept_invitation(platform.uow(member), seen.id)
    groups.decline_invitation(platform.uow(other), _invitation(platform, other))
    assert sponsor_sees() == ([("accepted", "Member 2", member_id), ("declined", None, None)], 1)
    with platform.uow(owner) as uow:
        quote = groups.quote_group(uow, scheme_id, limit=Decimal(1_000_000))
    assert len(quote.price.members) == 11
    assert quote.price.member(member_id).score.source == "assessment"
    assert quote.to_dict()["not_priced"] == {"invited": 0, "declined": 1, "left": 0, "lapsed": 0}

    groups.leave_scheme(platform.uow(member), seen.id)
    assert sponsor_sees() == ([("left", None, None), ("declined", None, None)], 0)
    with pytest.raises(ConflictError) as again:
        groups.accept_invitation(platform.uow(member), seen.id)
    assert again.value.code == UnderwritingCode.GROUP_INVITATION_STATE
    # Invited again, it may accept again; every change was audited on an intact chain.
    groups.add_members(platform.uow(owner), scheme_id, [entries[0]])
    groups.accept_invitation(platform.uow(member), seen.id)
    assert sponsor_sees()[0][0] == ("accepted", "Member 2", member_id)
    with platform.uow(SYSTEM) as uow:
        events = recent_events(uow.session, SYSTEM, limit=500)
    member_events = [e for e in events if e.entity_type == "group_members"]
    # 12 invitations, 11 acceptances, a decline, a leave, invited again, accepted again
    assert len(member_events) == 27
    assert platform.verify_audit_chain().intact


def test_an_unverified_enterprise_cannot_accept(platform: Platform) -> None:
    load_reference_products(platform)
    owner, owner_id, _ = _enterprise(platform, "Owner", 1)
    member, member_id, member_uscc = _enterprise(platform, "Unverified", 2, verified=False)
    scheme_id = _scheme(platform, owner, owner_id, kind="supply_chain", product=CHAIN)
    groups.add_members(platform.uow(owner), scheme_id, [groups.MemberEntry(member_uscc, "零件")])
    invitation = _invitation(platform, member)
    with pytest.raises(ConflictError) as refused:
        groups.accept_invitation(platform.uow(member), invitation)
    assert refused.value.code == UnderwritingCode.GROUP_MEMBER_UNVERIFIED
    with pytest.raises(PermissionDeniedError):
        verify_enterprise(platform.uow(member), member_id)  # only the platform operator
    verify_enterprise(platform.uow(SYSTEM), member_id)
    assert groups.accept_invitation(platform.uow(member), invitation).state == "accepted"


def test_a_park_operator_invites_and_its_members_accept_or_decline(platform: Platform) -> None:
    load_reference_products(platform)
    operator, operator_id, _ = _enterprise(platform, "Park", 1)
    members = [_enterprise(platform, f"Tenant {i}", 10 + i) for i in range(3)]
    scheme_id = _scheme(platform, operator, operator_id, kind="park", product=PARK)
    groups.add_members(
        platform.uow(operator), scheme_id, [groups.MemberEntry(u) for *_x, u in members]
    )
    first, second, _third = members
    (invitation,) = groups.my_invitations(platform.uow(first[0]))
    assert invitation.kind == "park"
    groups.accept_invitation(platform.uow(first[0]), invitation.id)
    groups.decline_invitation(platform.uow(second[0]), _invitation(platform, second[0]))
    with platform.uow(operator) as uow:
        view = groups.scheme_view(uow, scheme_id)
    assert [(m["uscc"], m["state"], m["name"]) for m in view["members"]] == [
        (first[2], "accepted", "Tenant 0 10"),
        (second[2], "declined", None),
        (members[2][2], "invited", None),
    ]


def test_a_second_registration_of_a_credit_code_opens_a_claim_the_operator_decides(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    holder, holder_id, uscc = _enterprise(platform, "Early", 1)
    owner, owner_id, _ = _enterprise(platform, "Owner", 2)
    claimant = make_tenant(platform, OrgKind.ENTERPRISE, "Rightful", Role.ENTERPRISE_USER)
    record = facts(1, name="Rightful")
    # The squatter's acceptance lets it into another company's scheme...
    scheme_id = _scheme(platform, owner, owner_id, kind="supply_chain", product=CHAIN)
    groups.add_members(platform.uow(owner), scheme_id, [groups.MemberEntry(uscc, "零件")])
    groups.accept_invitation(platform.uow(holder), _invitation(platform, holder))

    with pytest.raises(IdentityTakenError) as taken:
        register_enterprise(platform.uow(claimant.principal), record)
    assert taken.value.code == AccountsCode.USCC_TAKEN
    assert "Early" not in taken.value.message  # the holder is not named
    claim_id = str(taken.value.detail["claim_id"])
    with pytest.raises(IdentityTakenError) as twice:
        register_enterprise(platform.uow(claimant.principal), record)
    assert twice.value.detail["claim_id"] == claim_id  # one open claim per claimant and code
    # An insurer's record of the same code (a client) holds nothing and is not refused.
    insurer = make_tenant(platform, OrgKind.INSURER, "Insurer", Role.UNDERWRITER)
    client = register_enterprise(platform.uow(insurer.principal), record)
    assert not client.identity_holder

    add_evidence(platform.uow(claimant.principal), claim_id, "营业执照 and the legal rep's letter")
    add_evidence(platform.uow(holder), claim_id, "we registered first")
    with pytest.raises(NotFoundError):
        add_evidence(platform.uow(owner), claim_id, "not a party")
    (seen,) = list_claims(platform.uow(SYSTEM))
    assert (seen.state, seen.claimant_evidence, seen.holder_evidence) == (
        "open",
        "营业执照 and the legal rep's letter",
        "we registered first",
    )
    with pytest.raises(PermissionDeniedError):
        decide_claim(platform.uow(claimant.principal), claim_id, uphold=True, note="")
    decided = decide_claim(platform.uow(SYSTEM), claim_id, uphold=True, note="licence checked")
    assert decided.state == "upheld"
    with pytest.raises(ConflictError) as closed:
        decide_claim(platform.uow(SYSTEM), claim_id, uphold=False, note="")
    assert closed.value.code == AccountsCode.CLAIM_DECIDED

    # ...and loses it with the code: its acceptance lapses, it is no longer priced.
    with platform.uow(owner) as uow, pytest.raises(ConflictError) as lapsed:
        groups.quote_group(uow, scheme_id, limit=Decimal(1_000_000))
    assert "1 lapsed" in lapsed.value.message
    rightful = register_enterprise(platform.uow(claimant.principal), record)
    assert rightful.identity_holder
    assert rightful.verified_at is None
    with platform.uow(holder) as uow:
        assert not uow.enterprises.get(holder_id).identity_holder


def test_a_rejected_claim_changes_nothing(platform: Platform) -> None:
    _holder, holder_id, _uscc = _enterprise(platform, "Early", 1)
    claimant = make_tenant(platform, OrgKind.ENTERPRISE, "Late", Role.ENTERPRISE_USER)
    with pytest.raises(IdentityTakenError) as taken:
        register_enterprise(platform.uow(claimant.principal), facts(1, name="Late"))
    claim_id = str(taken.value.detail["claim_id"])
    assert decide_claim(platform.uow(SYSTEM), claim_id, uphold=False, note="").state == "rejected"
    with platform.uow(SYSTEM) as uow:
        assert uow.enterprises.get(holder_id).verified_at is not None
    with pytest.raises(IdentityTakenError):
        register_enterprise(platform.uow(claimant.principal), facts(1, name="Late"))


def test_names_with_control_or_bidi_characters_are_refused_where_they_are_given(
    platform: Platform,
) -> None:
    load_reference_products(platform)
    owner, owner_id, _ = _enterprise(platform, "Owner", 2)
    for bad in ("\x00", "\u202e", "\u200b", "\u2028"):
        _refused_everywhere(platform, owner, owner_id, bad)


def _refused_everywhere(platform: Platform, owner: Principal, owner_id: str, bad: str) -> None:
    with pytest.raises(ValidationError) as enterprise:
        dataclasses.replace(facts(1), name=f"示例{bad}公司")
    assert (enterprise.value.field, enterprise.value.code) == ("name", "name.forbidden_characters")
    with platform.uow(SYSTEM) as uow, pytest.raises(ValidationError) as organisation:
        accounts.create_organisation(uow, kind=OrgKind.ENTERPRISE, name=f"Org{bad}x")
    assert organisation.value.field == "name"
    with pytest.raises(ValidationError) as scheme:
        groups.create_scheme(
            platform.uow(owner),
            kind="supply_chain",
            name=f"链{bad}链",
            sponsor_enterprise_id=owner_id,
            product_ref=CHAIN,
        )
    assert (scheme.value.field, scheme.value.code) == ("name", "name.forbidden_characters")
