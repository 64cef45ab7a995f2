"""The premium of a group policy (团体保单保费) and each party's share of it, pure.

Every member is rated on its own, as one applicant of the product's per-member rate plan:

- ``T`` — the base premium of the plan's table for the limit chosen and the member's revenue band;
- ``M`` — the product of the filed coefficients (security score from the member's own score,
  ``group_size`` from the number of members, ``claims_history`` not declared → 1, flagged),
  each clamped to its filed range and the product to the filed bound, exactly as a single
  policy's filed premium (:func:`liubu.underwriting.filed_price`);
- ``M0`` — the same product with the floating factor (the security score) set to 1: the member's
  premium at a neutral score.

The product's :class:`~liubu.products.PremiumSharing` then splits the member's premium:

- ``sponsor_base_member_float`` (supply chain, 链主企业 + 供应商 + 保险公司): with ``s`` the
  sponsor share, the member's base premium ``B = T × M0`` and its floating coefficient
  ``c = M / M0`` (the clamped score coefficient whenever the bound does not bind),
  ``sponsor = s × B`` and ``member = (1 − s) × B × c = (1 − s) × T × M``;
- ``fixed_split`` (park): ``sponsor = s × T × M`` and ``member = (1 − s) × T × M``;
- ``sponsor_pays_all`` / ``members_pay``: one side pays ``T × M``.

Each share is rounded half-up to the fen once; a member's premium is its two rounded shares, and
the sponsor's, the members' and the total premium are sums of rounded shares, so the parties'
premiums add up to the total exactly. The score guide never rises with the score (the products
package checks it) and clamping is monotone, so a better score never raises a member's share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from liubu.core import Money
from liubu.errors import ValidationError
from liubu.products import PremiumSharing, ProductSpec
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.eligibility import check_eligibility
from liubu.underwriting.filed import CoefficientLine, filed_price
from liubu.underwriting.group_records import RegisteredEnterprise
from liubu.underwriting.reasons import UnderwritingCode
from liubu.underwriting.terms import check_limit, check_retention

FLOATING = "sponsor_base_member_float"
SCORE_FACTOR = "security_score"
GROUP_SIZE = "group_size"
SOURCES = ("given", "assessment", "unassessed")


@dataclass(frozen=True, slots=True)
class MemberScore:
    """A member's security score (0–100) and grade as priced; ``source`` is ``given`` (by the
    caller), ``assessment`` (its current assessment) or ``unassessed`` (no finished scan:
    priced at the worst score, 0)."""

    score: float
    grade: str
    source: str = "given"

    def __post_init__(self) -> None:
        value = self.score
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ValidationError(
                f"The member score {value!r} must be a number from 0 to 100.",
                code=UnderwritingCode.GROUP_BAD_SCORE,
                field="scores",
                value=repr(value),
            )
        object.__setattr__(self, "score", float(value))
        if not isinstance(self.grade, str) or not self.grade.strip():
            raise ValidationError(
                f"The member grade {self.grade!r} must be a non-empty string.",
                code=UnderwritingCode.GROUP_BAD_SCORE,
                field="scores",
                value=repr(self.grade),
            )
        if self.source not in SOURCES:
            raise ValidationError(
                f"The score source {self.source!r} must be one of {list(SOURCES)}.",
                code=UnderwritingCode.GROUP_BAD_SCORE,
                field="scores",
                value=self.source,
            )

    @property
    def assessed(self) -> bool:
        return self.source != "unassessed"

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "grade": self.grade, "source": self.source}


@dataclass(frozen=True)
class MemberShare:
    """One member's line of the group worksheet."""

    enterprise_id: str
    name: str
    uscc: str
    score: MemberScore
    revenue_band: str | None
    base_premium: Decimal  # T, from the table
    lines: tuple[CoefficientLine, ...]
    product: Decimal  # M
    neutral_product: Decimal  # M0
    shared_premium: Decimal  # what PremiumSharing.split divides: T × M0 (floating) or T × M
    floating_coefficient: Decimal | None  # M / M0 under sponsor_base_member_float
    sponsor_share: Decimal
    member_share: Decimal

    @property
    def premium(self) -> Decimal:
        """The member's whole premium: the two rounded shares."""
        return self.sponsor_share + self.member_share

    def to_dict(self) -> dict[str, Any]:
        floating = self.floating_coefficient
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "uscc": self.uscc,
            **self.score.to_dict(),
            "revenue_band": self.revenue_band,
            "base_premium": str(self.base_premium),
            "coefficients": [line.to_dict() for line in self.lines],
            "product": str(self.product),
            "neutral_product": str(self.neutral_product),
            "shared_premium": str(self.shared_premium),
            "floating_coefficient": None if floating is None else str(floating),
            "sponsor_share": str(self.sponsor_share),
            "member_share": str(self.member_share),
            "premium": str(self.premium),
        }


@dataclass(frozen=True)
class GroupPrice:
    """The group's worksheet: every member's line and each party's premium."""

    product_ref: str
    insurer: str
    limit: Decimal
    retention: Decimal
    aggregate_limit: Decimal | None
    group_size: int
    sharing: PremiumSharing
    members: tuple[MemberShare, ...]

    @property
    def sponsor_premium(self) -> Decimal:
        return sum((m.sponsor_share for m in self.members), Decimal(0))

    @property
    def members_premium(self) -> Decimal:
        return sum((m.member_share for m in self.members), Decimal(0))

    @property
    def total_premium(self) -> Decimal:
        return self.sponsor_premium + self.members_premium

    def member(self, enterprise_id: str) -> MemberShare:
        for line in self.members:
            if line.enterprise_id == enterprise_id:
                return line
        raise KeyError(f"No member {enterprise_id!r} in this group's worksheet.")

    def to_dict(self) -> dict[str, Any]:
        sharing = self.sharing
        return {
            "product": self.product_ref,
            "insurer": self.insurer,
            "limit": str(self.limit),
            "retention": str(self.retention),
            "aggregate_limit": None if self.aggregate_limit is None else str(self.aggregate_limit),
            "group_size": self.group_size,
            "sharing": {
                "method": sharing.method,
                "sponsor_share": None
                if sharing.sponsor_share is None
                else str(sharing.sponsor_share),
                "floating_factor": sharing.floating_factor,
            },
            "members": [m.to_dict() for m in self.members],
            "parties": {
                "sponsor": str(self.sponsor_premium),
                "members": {m.enterprise_id: str(m.member_share) for m in self.members},
                "insurer": str(self.total_premium),
            },
            "sponsor_premium": str(self.sponsor_premium),
            "members_premium": str(self.members_premium),
            "total_premium": str(self.total_premium),
        }


def _fen(amount: Decimal) -> Decimal:
    return Money(amount).round_fen().amount


def check_group_size(spec: ProductSpec, count: int) -> None:
    """Refuse a number of members outside the product's ``members_min``..``members_max``."""
    group = spec.group
    if group is None:
        raise ValidationError(
            f"{spec.product_id} is not a group product; choose a supply-chain or park product.",
            code=UnderwritingCode.GROUP_NOT_GROUP_PRODUCT,
            field="product_ref",
            value=spec.product_id,
        )
    high = group.members_max
    if count < group.members_min or (high is not None and count > high):
        bound = f"{group.members_min} to {high}" if high is not None else f"{group.members_min}+"
        raise ValidationError(
            f"{spec.product_id} insures {bound} members; the scheme has {count}.",
            code=UnderwritingCode.GROUP_MEMBERS_COUNT,
            field="members",
            value=count,
        )


def _check_scores(
    members: Sequence[RegisteredEnterprise], scores: Mapping[str, MemberScore]
) -> None:
    missing = [f"{m.name} ({m.uscc})" for m in members if m.id not in scores]
    extra = sorted(set(scores) - {m.id for m in members})
    if missing or extra:
        parts = [f"no score for {', '.join(missing)}"] if missing else []
        parts += (
            [f"scores for enterprises that are not members: {', '.join(extra)}"] if extra else []
        )
        raise ValidationError(
            f"Give one score per member: {'; '.join(parts)}.",
            code=UnderwritingCode.GROUP_SCORES_MISMATCH,
            field="scores",
            value=", ".join(missing + extra),
        )


def _check_eligible(
    spec: ProductSpec, members: Sequence[RegisteredEnterprise], scores: Mapping[str, MemberScore]
) -> None:
    refused = []
    for member in members:
        failures = check_eligibility(
            spec,
            industry_section=member.industry_section,
            revenue=member.annual_revenue,
            mlps_level=member.mlps_level,
            score=scores[member.id].score,
            insured_kind="enterprise",
        )
        if failures:
            why = ", ".join(f"{f.rule} (needs {f.required}, has {f.value})" for f in failures)
            unassessed = "" if scores[member.id].assessed else ", unassessed"
            refused.append(f"{member.name} ({member.uscc}{unassessed}): {why}")
    if refused:
        raise ValidationError(
            f"{len(refused)} member(s) may not be insured under {spec.product_id}: "
            f"{'; '.join(refused)}.",
            code=UnderwritingCode.GROUP_MEMBER_INELIGIBLE,
            field="members",
            value="; ".join(refused),
        )


def _member_share(
    spec: ProductSpec,
    member: RegisteredEnterprise,
    score: MemberScore,
    *,
    limit: Decimal,
    retention: Decimal,
    group_size: int,
) -> MemberShare:
    plan = spec.rate_plan
    filed = {c.factor for c in plan.coefficients}
    applicant = Applicant(
        industry_section=member.industry_section,
        revenue=member.annual_revenue,
        score=score.score,
        grade=score.grade,
        mlps_level=member.mlps_level,
        factors={GROUP_SIZE: group_size} if GROUP_SIZE in filed else {},
        cii_operator=member.critical_infrastructure,
    )
    priced = filed_price(spec, applicant, limit=limit, retention=retention)
    sharing = spec.group.premium_sharing if spec.group else PremiumSharing("members_pay")
    requested = {line.factor: line.requested for line in priced.lines if line.requested is not None}
    with localcontext() as context:
        context.prec = 50
        base, product = priced.base_premium, priced.product
        if sharing.method == FLOATING:
            neutral = plan.clamp({**requested, SCORE_FACTOR: Decimal(1)}).product
            coefficient = product / neutral  # exact: c itself unless the bound binds
            shared = base * neutral
            sponsor, own = sharing.split(shared, floating_coefficient=coefficient)
            floating: Decimal | None = coefficient
        else:
            neutral, floating, shared = product, None, base * product
            sponsor, own = sharing.split(shared)
    band = plan.revenue_band(member.annual_revenue).code if plan.revenue_bands else None
    return MemberShare(
        enterprise_id=member.id,
        name=member.name,
        uscc=member.uscc,
        score=score,
        revenue_band=band,
        base_premium=base,
        lines=priced.lines,
        product=product,
        neutral_product=neutral,
        shared_premium=shared,
        floating_coefficient=floating,
        sponsor_share=_fen(sponsor),
        member_share=_fen(own),
    )


def price_group(
    spec: ProductSpec,
    members: Sequence[RegisteredEnterprise],
    *,
    scores: Mapping[str, MemberScore],
    limit: object,
    retention: object | None = None,
) -> GroupPrice:
    """Each member's premium and each party's share under ``spec`` (see the module docstring).

    ``limit`` is per member (one of the product's limit options); ``scores`` gives one
    :class:`MemberScore` per member, by enterprise id. Refuses a group size outside the
    product's range, missing or extra scores, and members the product's eligibility refuses —
    naming every one of them."""
    check_group_size(spec, len(members))
    group = spec.group
    assert group is not None  # checked above
    sharing = group.premium_sharing
    if sharing.method == FLOATING and sharing.floating_factor != SCORE_FACTOR:
        raise ValidationError(
            f"{spec.product_id} floats the members' shares with {sharing.floating_factor!r}; "
            f"only {SCORE_FACTOR!r} is supported.",
            code=UnderwritingCode.GROUP_FLOATING_FACTOR_UNSUPPORTED,
            field="group.premium_sharing.floating_factor",
            value=str(sharing.floating_factor),
        )
    amount, kept = check_limit(spec, limit), check_retention(spec, retention)
    _check_scores(members, scores)
    _check_eligible(spec, members, scores)
    shares = tuple(
        _member_share(spec, m, scores[m.id], limit=amount, retention=kept, group_size=len(members))
        for m in members
    )
    return GroupPrice(
        product_ref=spec.product_id,
        insurer=spec.insurer,
        limit=amount,
        retention=kept,
        aggregate_limit=group.shared_aggregate_limit
        if group.limit_basis == "shared_aggregate"
        else None,
        group_size=len(members),
        sharing=sharing,
        members=shares,
    )
