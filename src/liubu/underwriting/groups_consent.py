"""A member's consent to a group scheme (成员同意): the invited enterprise's own users see the
invitations to the credit codes their tenant holds, and accept, decline or later leave.

Until a member accepts, its sponsor sees only the code it invited and the invitation's state;
an enterprise must be verified by the platform operator (:func:`liubu.accounts.verify_enterprise`)
before it accepts. Each use case commits its own transaction; each change of a member row is
audited by the store like every other row change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liubu.accounts import Enterprise, OrgKind, Role, require
from liubu.errors import ConflictError, NotFoundError
from liubu.underwriting.group_records import (
    GroupMember,
    GroupScheme,
    GroupUnitOfWork,
    MemberState,
    SchemeState,
)
from liubu.underwriting.reasons import UnderwritingCode

MEMBER_ROLES = (Role.ENTERPRISE_USER, Role.ADMIN)
MEMBER_KINDS = (OrgKind.ENTERPRISE,)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Invitation:
    """What an invited enterprise sees of an invitation: who invites it to what."""

    id: str
    scheme_id: str
    scheme_name: str
    kind: str
    sponsor_name: str
    product_ref: str
    uscc: str
    enterprise_name: str
    supplies: str
    access: str
    state: str
    scheme_status: str
    invited_at: datetime
    responded_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "scheme_id": self.scheme_id,
            "scheme_name": self.scheme_name,
            "kind": self.kind,
            "sponsor_name": self.sponsor_name,
            "product": self.product_ref,
            "uscc": self.uscc,
            "enterprise_name": self.enterprise_name,
            "supplies": self.supplies,
            "access": self.access,
            "state": self.state,
            "scheme_status": self.scheme_status,
            "invited_at": self.invited_at.isoformat(),
            "responded_at": None if self.responded_at is None else self.responded_at.isoformat(),
        }


def _held(uow: GroupUnitOfWork) -> dict[str, Enterprise]:
    """The caller's records that hold their credit codes, by code."""
    return {e.uscc: e for e in uow.enterprises.list() if e.identity_holder}


def _view(uow: GroupUnitOfWork, member: GroupMember, held: dict[str, Enterprise]) -> Invitation:
    scheme, sponsor_name = uow.groups.invited_scheme(member)
    return Invitation(
        id=member.id,
        scheme_id=scheme.id,
        scheme_name=scheme.name,
        kind=scheme.kind,
        sponsor_name=sponsor_name,
        product_ref=scheme.product_ref,
        uscc=member.uscc,
        enterprise_name=held[member.uscc].name,
        supplies=member.supplies,
        access=member.access,
        state=member.state,
        scheme_status=scheme.status,
        invited_at=member.added_at,
        responded_at=member.responded_at,
    )


def my_invitations(uow: GroupUnitOfWork) -> list[Invitation]:
    """Every invitation to a credit code the caller's tenant holds, newest first."""
    require(uow.principal, *MEMBER_ROLES, kinds=MEMBER_KINDS)
    with uow:
        held = _held(uow)
        found = uow.groups.invitations(sorted(held)) if held else []
        views = [_view(uow, m, held) for m in found]
    return sorted(views, key=lambda v: v.invited_at, reverse=True)


def _mine(uow: GroupUnitOfWork, invitation_id: str) -> tuple[GroupMember, GroupScheme, Enterprise]:
    """The invitation, if it is to a code the caller holds; anyone else is told it is absent."""
    require(uow.principal, *MEMBER_ROLES, kinds=MEMBER_KINDS)
    held = _held(uow)
    member = next(
        (
            m
            for m in (uow.groups.invitations(sorted(held)) if held else [])
            if m.id == invitation_id
        ),
        None,
    )
    if member is None:
        raise NotFoundError(f"No invitation with id {invitation_id!r} is visible to you.")
    scheme, _sponsor = uow.groups.invited_scheme(member)
    return member, scheme, held[member.uscc]


def _state(member: GroupMember, *allowed: MemberState, doing: str) -> None:
    if member.state not in allowed:
        raise ConflictError(
            f"The invitation is {member.state}; it cannot be {doing}.",
            code=UnderwritingCode.GROUP_INVITATION_STATE,
        )


def _frozen(scheme: GroupScheme) -> None:
    if scheme.status != SchemeState.OPEN:
        raise ConflictError(
            f"The scheme {scheme.name!r} is {scheme.status}; its membership is frozen.",
            code=UnderwritingCode.GROUP_SCHEME_BOUND,
        )


def _respond(
    uow: GroupUnitOfWork, member: GroupMember, scheme: GroupScheme, state: MemberState
) -> Invitation:
    now = _now()
    member.state, member.responded_at = str(state), now
    # Touch the scheme: its version makes a response racing the sponsor's bind fail.
    scheme.updated_at = now
    view = _view(uow, member, _held(uow))
    uow.commit()
    return view


def accept_invitation(uow: GroupUnitOfWork, invitation_id: str) -> Invitation:
    """Join the scheme: from now on the sponsor sees the member's name, score, grade and premium
    and may bind it. The member's record must hold its code, verified by the operator."""
    with uow:
        member, scheme, enterprise = _mine(uow, invitation_id)
        _state(member, MemberState.INVITED, doing="accepted")
        _frozen(scheme)
        if enterprise.verified_at is None:
            raise ConflictError(
                f"{enterprise.name} is not verified yet: the platform operator verifies that "
                "your organisation controls the enterprise before it joins a group scheme.",
                code=UnderwritingCode.GROUP_MEMBER_UNVERIFIED,
            )
        member.enterprise_id = enterprise.id
        return _respond(uow, member, scheme, MemberState.ACCEPTED)


def decline_invitation(uow: GroupUnitOfWork, invitation_id: str) -> Invitation:
    """Refuse the invitation: the sponsor sees only that it was declined."""
    with uow:
        member, scheme, _enterprise = _mine(uow, invitation_id)
        _state(member, MemberState.INVITED, doing="declined")
        _frozen(scheme)
        return _respond(uow, member, scheme, MemberState.DECLINED)


def leave_scheme(uow: GroupUnitOfWork, invitation_id: str) -> Invitation:
    """Leave an open scheme: the sponsor no longer sees the member's score or prices it. A bound
    scheme's membership is frozen for its policy period."""
    with uow:
        member, scheme, _enterprise = _mine(uow, invitation_id)
        _state(member, MemberState.ACCEPTED, doing="left")
        _frozen(scheme)
        return _respond(uow, member, scheme, MemberState.LEFT)
