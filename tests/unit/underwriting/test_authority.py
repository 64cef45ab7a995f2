"""Underwriting authority: coefficient overrides, limits and referred quotes per role level."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liubu.core import Money
from liubu.errors import PermissionDeniedError
from liubu.products import Text
from liubu.underwriting import (
    Referral,
    ReferralReason,
    authority_for,
    check_override,
    override_authorities,
)

REFER = Referral("refer", (ReferralReason("poor_security_grade", "refer", Text("差", "poor")),))
DECLINE = Referral("decline", (ReferralReason("not_eligible", "decline", Text("否", "no")),))


def test_roles_are_ordered_by_level_with_widening_authority() -> None:
    roles = override_authorities("shifan-pc")
    assert [a.role for a in roles] == ["underwriter", "senior_underwriter", "chief_underwriter"]
    assert [a.coefficient_deviation for a in roles] == [
        Decimal("0.10"),
        Decimal("0.20"),
        Decimal("0.30"),
    ]
    assert roles[-1].max_limit is None


def test_an_underwriter_may_move_a_coefficient_within_ten_percent() -> None:
    underwriter = authority_for("shifan-pc", "underwriter")
    # Guided 0.9063 → 0.82: |0.82 / 0.9063 − 1| = 0.0952… ≤ 0.10.
    check_override(underwriter, overrides={"security_score": (Decimal("0.9063"), Decimal("0.82"))})
    # Guided 0.9063 → 0.80: 0.1173… > 0.10.
    with pytest.raises(PermissionDeniedError) as caught:
        check_override(
            underwriter, overrides={"security_score": (Decimal("0.9063"), Decimal("0.80"))}
        )
    assert caught.value.code == "underwriting.beyond_authority"
    assert "security_score" in caught.value.message
    # No guided value: measured against 1. 1.1 is exactly 10 %.
    check_override(underwriter, overrides={"industry": (None, Decimal("1.1"))})
    senior = authority_for("shifan-pc", "senior_underwriter")
    check_override(senior, overrides={"security_score": (Decimal("0.9063"), Decimal("0.80"))})


def test_limits_beyond_the_roles_authority_are_refused() -> None:
    underwriter = authority_for("shifan-pc", "underwriter")  # up to 2,000,000
    check_override(underwriter, limit=Money(2_000_000))
    with pytest.raises(PermissionDeniedError):
        check_override(underwriter, limit=Money(3_000_000))
    check_override(authority_for("shifan-pc", "chief_underwriter"), limit=Decimal(50_000_000))
    # cankao-pc narrows its underwriters to 1,000,000 and 5 %.
    cankao = authority_for("cankao-pc", "underwriter")
    assert (cankao.max_limit, cankao.coefficient_deviation) == (Decimal(1_000_000), Decimal("0.05"))
    with pytest.raises(PermissionDeniedError):
        check_override(cankao, limit=Money(2_000_000))


def test_only_senior_roles_accept_referrals_and_nobody_accepts_a_decline() -> None:
    with pytest.raises(PermissionDeniedError):
        check_override(authority_for("shifan-pc", "underwriter"), referral=REFER)
    check_override(authority_for("shifan-pc", "senior_underwriter"), referral=REFER)
    with pytest.raises(PermissionDeniedError):
        check_override(authority_for("shifan-pc", "chief_underwriter"), referral=DECLINE)


def test_a_role_without_authority_is_refused() -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        authority_for("shifan-pc", "actuary")
    assert "underwriter" in caught.value.message
