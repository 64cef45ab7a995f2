"""The adjustment worksheet, recomputed by hand on real catalogue products."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liubu.claims import (
    AdjustmentWorksheet,
    BusinessInterruption,
    ClaimsCode,
    EarlierInPeriod,
    LossItem,
    LossKind,
    adjust,
)
from liubu.core import Money
from liubu.errors import ValidationError
from tests.unit.claims_policies import ANTI_FRAUD, HEALTHCARE, SME_V2, sha, terms_of

D = Decimal


def _sme_claim() -> AdjustmentWorksheet:
    _, terms = terms_of(SME_V2, 1_000_000)
    items = [
        LossItem(
            "forensics", LossKind.INVOICE, "Forensic firm's invoice", Money("45000.50"), (sha(1),)
        ),
        LossItem(
            "extortion",
            LossKind.RANSOM,
            "Ransom paid in the insurer's presence",
            Money(150_000),
            (sha(2), sha(3)),
            sanctions_screened=True,
        ),
    ]
    bi = BusinessInterruption(
        D(100), gross_profit=Money(50_000_000), gross_profit_hours=D(8760), documents=(sha(4),)
    )
    return adjust(
        terms,
        items,
        business_interruption=bi,
        earlier_in_period=EarlierInPeriod(paid=Money(480_000)),
    )


def test_worksheet_by_hand_waiting_period_sublimit_coinsurance_and_eroded_aggregate() -> None:
    # SME cyber comprehensive v2, limit 1,000,000, retention 5,000 per event. By hand:
    #
    # Business interruption (BI): the insured supplies a gross profit of 50,000,000 over the last
    # 8,760 hours, so r = 50,000,000 / 8,760 = 5,707.762557… → 5,707.76 per hour (rounded to the
    # fen). Outage H = 100 hours: ground-up r·H = 570,776.00. The wording's 8-hour time deductible
    # pays r·(H − 8) = 5,707.76 × 92 = 525,113.92; the BI sublimit 500,000 caps it: Z_BI = 500,000.
    # Extortion: ransom 150,000 (screened, no hit); coinsurance 0.2 → 0.8 × 150,000 = 120,000,
    # under the 200,000 sublimit: Z_EXT = 120,000.
    # Forensics: invoice 45,000.50, no sublimit or coinsurance: Z_FOR = 45,000.50.
    # S = 45,000.50 + 500,000 + 120,000 = 665,000.50; one retention of 5,000 → I = 660,000.50.
    # The annual aggregate of 1,000,000 is eroded by 480,000 paid on an earlier claim this
    # period: 520,000 remain, so payable = min(660,000.50, 520,000) = 520,000.00.
    # Shared pro rata to Z (in fen, largest remainder):
    #   forensics 520,000 × 45,000.50 / 665,000.50 = 35,188.334… → 35,188.33
    #   BI        520,000 × 500,000   / 665,000.50 = 390,977.149… → 390,977.15 (remainder .96)
    #   extortion 520,000 × 120,000   / 665,000.50 = 93,834.515… → 93,834.52 (remainder .59)
    #   floors add to 519,999.98; the 2 fen left go to the two largest remainders (BI, extortion).
    # Claimed = 570,776.00 + 150,000 + 45,000.50 = 765,776.50; retained = 765,776.50 − 520,000.
    sheet = _sme_claim()
    assert sheet.line("bi_hourly_gross_profit").exact == D("5707.76")
    assert sheet.line("bi_ground_up").exact == D("570776.00")
    assert sheet.line("bi_waiting_period").exact == D("525113.92")
    assert sheet.line("sublimit", "business_interruption").exact == D(500_000)
    assert sheet.line("coinsurance", "extortion").exact == D(120_000)
    assert sheet.line("sublimit", "extortion").exact == D(120_000)
    assert sheet.line("sublimit", "forensics").exact == D("45000.50")
    assert sheet.line("recoverable_total").exact == D("665000.50")
    assert sheet.line("retention").exact == D(5000)
    assert sheet.line("insured_event_loss").exact == D("660000.50")
    assert sheet.line("aggregate_remaining").exact == D(520_000)
    payable = sheet.line("payable_total")
    assert payable.exact == D(520_000)
    assert payable.reason == ClaimsCode.AGGREGATE_EXHAUSTED
    assert sheet.payable == Money("520000.00")
    assert sheet.payable_for("forensics") == Money("35188.33")
    assert sheet.payable_for("business_interruption") == Money("390977.15")
    assert sheet.payable_for("extortion") == Money("93834.52")
    assert sheet.claimed == Money("765776.50")
    assert sheet.retained == Money("245776.50")
    assert sheet.aggregate_remaining == Money(0)
    assert sheet.retention_applied == Money(5000)
    bi = next(c for c in sheet.coverages if c.coverage == "business_interruption")
    assert (bi.loss, bi.recoverable) == (D("525113.92"), D(500_000))


def test_every_line_says_what_it_computes_in_both_languages() -> None:
    sheet = _sme_claim()
    waiting = sheet.line("bi_waiting_period")
    assert waiting.formula == "r × max(H − w, 0)"
    assert dict(waiting.inputs) == {"r": "5707.76", "H": "100", "w": "8"}
    assert waiting.note is not None
    assert "8" in waiting.note.zh
    assert "8 hours" in waiting.note.en
    for line in sheet.lines:
        assert line.label.zh
        assert line.label.en
    assert any("8,760" in n.en and "50,000,000" in n.en for n in sheet.notes)


def test_worksheet_round_trips_through_its_json() -> None:
    sheet = _sme_claim()
    assert AdjustmentWorksheet.from_dict(sheet.to_dict()) == sheet


def test_a_sanctions_hit_makes_the_ransom_not_payable_with_its_reason() -> None:
    _, terms = terms_of(SME_V2, 1_000_000)
    items = [
        LossItem("incident_response", LossKind.INVOICE, "IR vendor", Money(30_000)),
        LossItem(
            "extortion",
            LossKind.RANSOM,
            "Ransom to a listed group",
            Money(100_000),
            sanctions_screened=True,
            sanctions_hit=True,
        ),
    ]
    sheet = adjust(terms, items)
    refused = sheet.line("item_not_payable", "extortion")
    assert refused.reason == ClaimsCode.SANCTIONS_HIT
    # Only the IR invoice counts: 30,000 − 5,000 retention = 25,000.
    assert sheet.payable == Money(25_000)
    assert sheet.payable_for("extortion") == Money(0)
    assert sheet.retained == Money(105_000)  # 130,000 claimed − 25,000 paid


def test_an_unscreened_ransom_is_held_back() -> None:
    _, terms = terms_of(SME_V2, 1_000_000)
    item = LossItem("extortion", LossKind.RANSOM, "Ransom", Money(50_000))
    sheet = adjust(terms, [item])
    assert sheet.line("item_not_payable").reason == ClaimsCode.SANCTIONS_NOT_SCREENED
    assert sheet.payable == Money(0)


def test_qualifying_period_pays_from_the_start_once_passed_and_nothing_before() -> None:
    # Healthcare: BI with a 6-hour qualifying period, sublimit 1,000,000; retention 20,000.
    _, terms = terms_of(HEALTHCARE, 3_000_000)
    short = adjust(
        terms,
        [],
        business_interruption=BusinessInterruption(D("5.5"), hourly_gross_profit=Money(8000)),
    )
    # 5.5 hours ≤ 6: nothing; ground-up 8,000 × 5.5 = 44,000 stays with the insured.
    assert short.line("bi_waiting_period").exact == D(0)
    assert short.payable == Money(0)
    assert short.retained == Money(44_000)
    long = adjust(
        terms,
        [],
        business_interruption=BusinessInterruption(D("6.5"), hourly_gross_profit=Money(8000)),
    )
    # 6.5 hours > 6: paid from the first hour, 8,000 × 6.5 = 52,000; less 20,000 retention.
    assert long.line("bi_waiting_period").exact == D(52_000)
    assert long.payable == Money(32_000)
    assert long.line("bi_waiting_period").formula == "r × H if H > w else 0"


def test_annual_aggregate_retention_is_eroded_by_earlier_claims() -> None:
    # Anti-fraud: limit 50,000, retention 3,000 per year (annual aggregate), insured keeps 30 %.
    _, terms = terms_of(ANTI_FRAUD, 50_000)
    first = adjust(
        terms, [LossItem("telecom_fraud_loss", LossKind.OTHER, "Scam transfer", Money(4000))]
    )
    # Z = 0.7 × 4,000 = 2,800 ≤ 3,000 retention: nothing paid, 2,800 of retention used.
    assert first.line("sublimit").exact == D(2800)
    assert first.payable == Money(0)
    assert first.retention_applied == Money(2800)
    second = adjust(
        terms,
        [LossItem("telecom_fraud_loss", LossKind.OTHER, "Second scam", Money(10_000))],
        earlier_in_period=EarlierInPeriod(
            paid=first.payable, retention_used=first.retention_applied
        ),
    )
    # Z = 0.7 × 10,000 = 7,000; retention left 3,000 − 2,800 = 200; payable 6,800.
    assert second.line("retention").exact == D(200)
    assert second.payable == Money(6800)
    assert any("2,800" in n.en for n in second.notes)


def test_the_highest_retention_applies_once_when_a_coverage_has_its_own() -> None:
    # SME v2: funds-transfer fraud has its own 10,000 retention (coinsurance 0.2, sublimit
    # 100,000); the policy's is 5,000. A BEC event with forensics 20,000 and a transfer of 50,000:
    # Z = 20,000 + 0.8 × 50,000 = 60,000; only the highest retention, 10,000, applies → 50,000.
    _, terms = terms_of(SME_V2, 1_000_000)
    sheet = adjust(
        terms,
        [
            LossItem("forensics", LossKind.INVOICE, "Forensics", Money(20_000)),
            LossItem("funds_transfer_fraud", LossKind.OTHER, "Diverted payment", Money(50_000)),
        ],
    )
    assert sheet.line("retention").exact == D(10_000)
    assert sheet.payable == Money(50_000)


def test_an_item_of_a_coverage_the_policy_lacks_is_refused_and_located() -> None:
    _, terms = terms_of(SME_V2, 1_000_000)
    with pytest.raises(ValidationError) as caught:
        adjust(terms, [LossItem("telecom_fraud_loss", LossKind.OTHER, "x", Money(1))])
    assert caught.value.code == ClaimsCode.UNKNOWN_COVERAGE
    assert caught.value.field == "items[0].coverage"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "x" * 501}, "description"),
        ({"amount": Money(-1)}, "amount"),
        ({"amount": Money(10**13)}, "amount"),
        ({"documents": ("not-a-hash",)}, "documents[0]"),
        ({"documents": tuple(sha(i) for i in range(51))}, "documents"),
        ({"sanctions_hit": True}, "sanctions_hit"),
        ({"count": -1}, "count"),
    ],
)
def test_bad_loss_items_are_refused_with_the_field(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "coverage": "forensics",
        "kind": LossKind.INVOICE,
        "description": "ok",
        "amount": Money(1),
    }
    with pytest.raises(ValidationError) as caught:
        LossItem(**{**base, **kwargs})  # type: ignore[arg-type]
    assert caught.value.code == ClaimsCode.BAD_LOSS_ITEM
    assert caught.value.field == field


def test_business_interruption_needs_exactly_one_way_to_the_hourly_figure() -> None:
    with pytest.raises(ValidationError) as caught:
        BusinessInterruption(D(10))
    assert caught.value.code == ClaimsCode.BAD_BUSINESS_INTERRUPTION
    with pytest.raises(ValidationError):
        BusinessInterruption(
            D(10), hourly_gross_profit=Money(1), gross_profit=Money(10), gross_profit_hours=D(5)
        )
    with pytest.raises(ValidationError) as hours:
        BusinessInterruption(D(0), hourly_gross_profit=Money(1))
    assert hours.value.field == "outage_hours"
    with pytest.raises(ValidationError):
        BusinessInterruption(D(9000), hourly_gross_profit=Money(1))


def test_one_event_can_interrupt_two_coverages_each_with_its_own_waiting_period() -> None:
    # SME v2: a cyber outage of 20 h (BI: 8-hour time deductible, sublimit 500,000) and a system
    # failure of 30 h (system_failure: 12-hour time deductible, sublimit 100,000), 1,000 per hour:
    # BI 1,000 × 12 = 12,000; system failure 1,000 × 18 = 18,000; 30,000 − 5,000 retention.
    _, terms = terms_of(SME_V2, 1_000_000)
    sheet = adjust(
        terms,
        [],
        business_interruption=[
            BusinessInterruption(D(20), hourly_gross_profit=Money(1000)),
            BusinessInterruption(D(30), hourly_gross_profit=Money(1000), coverage="system_failure"),
        ],
    )
    assert sheet.line("bi_waiting_period", "business_interruption").exact == D(12_000)
    assert sheet.line("bi_waiting_period", "system_failure").exact == D(18_000)
    assert sheet.payable == Money(25_000)
    assert sheet.claimed == Money(50_000)  # 20,000 + 30,000 ground-up
    with pytest.raises(ValidationError) as caught:
        adjust(
            terms,
            [],
            business_interruption=[
                BusinessInterruption(D(1), hourly_gross_profit=Money(1)),
                BusinessInterruption(D(2), hourly_gross_profit=Money(1)),
            ],
        )
    assert caught.value.code == ClaimsCode.BAD_BUSINESS_INTERRUPTION
