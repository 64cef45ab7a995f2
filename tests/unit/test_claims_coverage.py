"""The coverage position on real catalogue products: triggers, exclusions, the war clause."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from liubu.claims import (
    ClaimsCode,
    CoveragePosition,
    LossItem,
    LossKind,
    Position,
    RulingStatus,
    adjust,
    coverage_letter,
    coverage_position,
)
from liubu.core import Money
from liubu.errors import ValidationError
from tests.unit.claims_policies import ANTI_FRAUD, HEALTHCARE, SME_V2, at, terms_of
from tests.unit.test_claims_documents import _header

_CLEARED = dict.fromkeys(
    (
        "war_and_state_cyber_operations",
        "prior_knowledge",
        "unsupported_software",
        "uninsurable_fines",
        "betterment",
    ),
    ("does_not_apply", "Checked against the forensic report."),
)


def _ransomware(rulings: dict[str, tuple[str, str]], occurred: str = "2026-03-01"):  # type: ignore[no-untyped-def]
    spec, terms = terms_of(SME_V2, 1_000_000)
    return coverage_position(
        terms,
        spec,
        incident_type="ransomware",
        occurred_at=at(occurred),
        discovered_at=at(occurred, 12),
        notified_at=at(occurred, 14),
        rulings=rulings,
    )


def test_ransomware_triggers_the_carried_coverages_with_their_sublimits() -> None:
    position = _ransomware(_CLEARED)
    triggered = {c.coverage: c.sublimit for c in position.coverages}
    assert len(triggered) == 11
    # The ransomware type names 13 coverages; SME v2 carries 11 of them.
    assert triggered["business_interruption"] == 500_000
    assert triggered["extortion"] == 200_000
    assert "system_failure" not in triggered  # SME v2 has it, ransomware does not name it
    assert position.not_carried == ("credit_monitoring", "hardware_replacement")
    assert position.position is Position.COVERED
    assert position.reasons == ()


def test_an_undecided_exclusion_makes_the_position_pending() -> None:
    rulings = dict(_CLEARED)
    del rulings["prior_knowledge"]
    position = _ransomware(rulings)
    assert position.exclusion("prior_knowledge").status is RulingStatus.UNDECIDED
    assert position.position is Position.PENDING
    assert position.reasons == (ClaimsCode.EXCLUSION_UNDECIDED,)
    assert position.reason_titles()[0].en == "An exclusion still awaits the adjuster's ruling."


def test_the_war_exclusion_shows_the_products_lma_clause() -> None:
    position = _ransomware(_CLEARED)
    war = position.exclusion("war_and_state_cyber_operations")
    assert war.engaged
    assert war.lma_clause == "LMA5567"  # as the SME v2 wording states
    assert war.lma_name is not None
    assert war.lma_name.en.startswith("LMA5567")
    assert war.lma_definition is not None


def test_war_ruled_applicable_declines_the_whole_claim() -> None:
    rulings = {**_CLEARED, "war_and_state_cyber_operations": ("applies", "Attributed to a state.")}
    position = _ransomware(rulings)
    assert position.position is Position.DECLINED
    assert ClaimsCode.EXCLUSION_APPLIES in position.reasons
    assert position.responding() == ()
    assert position.refusal("forensics") == ClaimsCode.NOT_COVERED
    letter = coverage_letter(position, header=_header())
    assert not any(c.responds for c in letter.coverages)
    # The war exclusion takes every coverage, so each names it; not the bare "declined".
    assert {c.reason.en for c in letter.coverages if c.reason} == {
        "The adjuster ruled that an exclusion applies."
    }


def test_an_exclusion_of_part_of_the_loss_leaves_the_claim_partly_covered() -> None:
    rulings = {**_CLEARED, "uninsurable_fines": ("applies", "The fine is not insurable by law.")}
    position = _ransomware(rulings)
    assert position.position is Position.PARTLY_COVERED
    assert position.refusal("regulatory_defence_and_penalties") == ClaimsCode.EXCLUSION_APPLIES
    assert position.refusal("forensics") is None


def test_claims_made_before_the_retroactive_date_is_flagged() -> None:
    # Healthcare: claims-made, retroactive date 365 days before the inception of 2026-03-01,
    # i.e. 2025-03-01. A breach that began on 2025-02-20 is before it.
    spec, terms = terms_of(HEALTHCARE, 1_000_000, start=date(2026, 3, 1), end=date(2027, 3, 1))
    position = coverage_position(
        terms,
        spec,
        incident_type="data_breach",
        occurred_at=at("2025-02-20"),
        discovered_at=at("2026-05-01"),
        notified_at=at("2026-05-02"),
        rulings={},
    )
    assert not position.trigger.passed
    assert position.trigger.reasons == (ClaimsCode.BEFORE_RETROACTIVE_DATE,)
    assert position.position is Position.DECLINED
    retro = position.exclusion("before_retroactive_date")
    assert retro.status is RulingStatus.APPLIES
    assert retro.basis is not None
    assert "2025-03-01" in retro.basis.en
    # On the retroactive date itself the trigger holds.
    later = coverage_position(
        terms,
        spec,
        incident_type="data_breach",
        occurred_at=at("2025-03-01"),
        discovered_at=at("2026-05-01"),
        notified_at=at("2026-05-02"),
        rulings={},
    )
    assert later.trigger.passed
    # The dates decided the exclusion: each coverage says so, not that the adjuster ruled.
    letter = coverage_letter(position, header=_header())
    assert {c.reason.en for c in letter.coverages if c.reason} == {
        "The incident occurred before the retroactive date."
    }
    assert position.reasons == (ClaimsCode.BEFORE_RETROACTIVE_DATE,)
    assert later.exclusion("before_retroactive_date").status is RulingStatus.DOES_NOT_APPLY


def test_claims_made_notice_in_extended_reporting_holds_and_after_it_does_not() -> None:
    spec, terms = terms_of(HEALTHCARE, 1_000_000, start=date(2026, 3, 1), end=date(2027, 3, 1))

    def notified(day: str) -> tuple[ClaimsCode, ...]:
        return coverage_position(
            terms,
            spec,
            incident_type="data_breach",
            occurred_at=at("2027-01-10"),
            discovered_at=at("2027-01-11"),
            notified_at=at(day),
            rulings={},
        ).trigger.reasons

    assert notified("2027-05-29") == ()  # the 90th day after the end (2027-03-01 + 89)
    assert notified("2027-05-30") == (ClaimsCode.NOTIFIED_OUTSIDE_REPORTING,)


def test_occurrence_outside_the_period_and_the_shanghai_calendar() -> None:
    spec, terms = terms_of(ANTI_FRAUD, 50_000)
    # 2025-12-31 17:00 UTC is 2026-01-01 01:00 in Shanghai: inside the period by the calendar, but
    # within the 168-hour waiting period from inception, so the only coverage does not respond.
    early = coverage_position(
        terms,
        spec,
        incident_type="telecom_fraud",
        occurred_at=datetime(2025, 12, 31, 17, tzinfo=UTC),
        discovered_at=datetime(2025, 12, 31, 18, tzinfo=UTC),
        notified_at=datetime(2026, 1, 2, tzinfo=UTC),
        rulings={},
    )
    assert early.trigger.passed
    assert early.coverages[0].reason == ClaimsCode.WITHIN_INCEPTION_WAITING
    assert early.position is Position.DECLINED
    outside = coverage_position(
        terms,
        spec,
        incident_type="telecom_fraud",
        occurred_at=at("2027-01-01"),
        discovered_at=at("2027-01-01"),
        notified_at=at("2027-01-02"),
        rulings={},
    )
    assert outside.trigger.reasons == (ClaimsCode.OCCURRED_OUTSIDE_PERIOD,)
    # A failed trigger leaves no reason on the coverages: the letter gives the position's.
    letter = coverage_letter(outside, header=_header())
    assert [c.reason.en for c in letter.coverages if c.reason] == [
        "The coverage position declines this incident."
    ]


def test_a_ruling_on_an_exclusion_the_product_lacks_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        _ransomware({"gambling": ("applies", "x")})
    assert caught.value.code == ClaimsCode.BAD_RULING
    assert caught.value.field == "rulings.gambling"


@pytest.mark.parametrize(
    "ruling",
    [("maybe", "x"), ("applies", ""), ("applies", "x" * 2001), "applies"],
)
def test_bad_rulings_are_refused(ruling: object) -> None:
    with pytest.raises(ValidationError) as caught:
        _ransomware({"prior_knowledge": ruling})  # type: ignore[dict-item]
    assert caught.value.code == ClaimsCode.BAD_RULING


def test_times_must_be_aware_and_in_order() -> None:
    spec, terms = terms_of(SME_V2, 1_000_000)
    with pytest.raises(ValidationError) as caught:
        coverage_position(
            terms,
            spec,
            incident_type="ransomware",
            occurred_at=at("2026-03-02"),
            discovered_at=at("2026-03-01"),
            notified_at=at("2026-03-03"),
            rulings={},
        )
    assert caught.value.code == ClaimsCode.BAD_TIMES
    with pytest.raises(ValidationError):
        coverage_position(
            terms,
            spec,
            incident_type="ransomware",
            occurred_at=datetime(2026, 3, 1),
            discovered_at=at("2026-03-01"),
            notified_at=at("2026-03-03"),
            rulings={},
        )


def test_position_json_carries_the_war_clause_and_the_statuses() -> None:
    data = _ransomware(_CLEARED).to_dict()
    assert data["position"] == "covered"
    war = next(e for e in data["exclusions"] if e["code"] == "war_and_state_cyber_operations")
    assert (war["lma_clause"], war["status"]) == ("LMA5567", "does_not_apply")


def test_the_adjustment_leaves_out_what_the_position_excludes() -> None:
    rulings = {**_CLEARED, "uninsurable_fines": ("applies", "The fine is not insurable by law.")}
    position = _ransomware(rulings)
    _, terms = terms_of(SME_V2, 1_000_000)
    sheet = adjust(
        terms,
        [
            LossItem("forensics", LossKind.INVOICE, "Forensics", Money(40_000)),
            LossItem("regulatory_defence_and_penalties", LossKind.FINE, "Fine", Money(60_000)),
        ],
        position=position,
    )
    refused = sheet.line("item_not_payable", "regulatory_defence_and_penalties")
    assert refused.reason == ClaimsCode.EXCLUSION_APPLIES
    assert sheet.payable == Money(35_000)  # 40,000 − 5,000; the fine is not paid


def test_position_round_trips_through_its_json() -> None:
    rulings = {**_CLEARED, "uninsurable_fines": ("applies", "The fine is not insurable by law.")}
    position = _ransomware(rulings)
    assert CoveragePosition.from_dict(position.to_dict()) == position


def test_a_position_of_another_product_is_refused_by_the_adjustment() -> None:
    position = _ransomware(_CLEARED)
    _, other = terms_of(HEALTHCARE, 1_000_000)
    with pytest.raises(ValidationError) as caught:
        adjust(other, [], position=position)
    assert caught.value.code == ClaimsCode.TERMS_PRODUCT_MISMATCH
