"""The adjuster and the risk engine agree on one event, to the fen.

The engine has no public function that applies terms to one event, so each case is a tiny model
through ``liubu.risk.quantify``: one scenario that happens exactly once a year (Bernoulli p = 1)
whose components are constants — the ground-up amounts of the claim — under the engine terms
pricing derives for the same option (``liubu.underwriting.option_terms``). Its annual insured loss
is then the insured amount of that one event, min((Σ Z − R)⁺, aggregate limit).

Only coverages the engine prices under their own terms (``applied``, no retention of their own)
take part: elsewhere pricing approximates on purpose and the adjuster follows the wording.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from liubu.claims import BusinessInterruption, ClaimTerms, LossItem, LossKind, adjust
from liubu.core import Money
from liubu.risk import Bernoulli, Component, Constant, Model, Scenario, quantify
from liubu.underwriting import option_terms
from tests.unit.claims_policies import HEALTHCARE, SME_V2, product, terms_of

_BI = "business_interruption"
_CASES = {
    "sme_500k": (SME_V2, 500_000),
    "sme_2m": (SME_V2, 2_000_000),
    "health": (HEALTHCARE, 1_000_000),
}


def _comparable(terms: ClaimTerms) -> list[str]:
    return [
        c.coverage
        for c in terms.coverages
        if c.engine_status == "applied" and not c.own_retention and c.engine_category is not None
    ]


def _engine_insured(
    key: tuple[str, str, int],
    limit: int,
    amounts: dict[str, Decimal],
    bi: tuple[Decimal, Decimal] | None,
) -> float:
    spec = product(key)
    priced = option_terms(spec, limit=limit)
    categories = {m.coverage: m.category for m in priced.coverages}
    components = [
        Component(str(categories[code]), severity=Constant(float(amount)))
        for code, amount in amounts.items()
    ]
    if bi is not None:
        hours, rate = bi
        components.append(
            Component(_BI, outage_hours=Constant(float(hours)), loss_per_hour=float(rate))
        )
    scenario = Scenario("one_event", Bernoulli(1.0), tuple(components))
    result = quantify(Model((scenario,), terms=priced.terms), engine="mc", years=4, seed=1)
    return result.mean


@settings(max_examples=40, deadline=None)
@given(
    case=st.sampled_from(sorted(_CASES)),
    picks=st.lists(
        st.tuples(st.integers(0, 20), st.integers(1, 60_000_000)), min_size=0, max_size=5
    ),
    bi=st.one_of(
        st.none(),
        st.tuples(st.integers(1, 2000), st.integers(1, 3_000_000)),
    ),
)
def test_per_event_insured_amount_equals_the_engines(
    case: str, picks: list[tuple[int, int]], bi: tuple[int, int] | None
) -> None:
    key, limit = _CASES[case]
    _, terms = terms_of(key, limit)
    codes = [c for c in _comparable(terms) if c != _BI]
    amounts: dict[str, Decimal] = {}
    for index, fen in picks:  # amounts in fen, one item per coverage
        amounts.setdefault(codes[index % len(codes)], Decimal(fen) / 100)
    hours_rate = None if bi is None else (Decimal(bi[0]) / 10, Decimal(bi[1]) / 100)
    if not amounts and hours_rate is None:
        return
    items = [LossItem(c, LossKind.INVOICE, "invoice", Money(a)) for c, a in amounts.items()]
    interruption = (
        None
        if hours_rate is None
        else BusinessInterruption(hours_rate[0], hourly_gross_profit=Money(hours_rate[1]))
    )
    sheet = adjust(terms, items, business_interruption=interruption)
    engine = _engine_insured(key, limit, amounts, hours_rate)
    assert abs(sheet.payable.amount - Decimal(repr(engine))) <= Decimal("0.01"), (
        sheet.payable,
        engine,
    )


def test_a_hand_case_against_the_engine() -> None:
    # SME v2 at 1,000,000: BI 20 h × 10,000 with an 8-hour time deductible → 120,000; extortion
    # 300,000 × 0.8 = 240,000 capped at 200,000; forensics 7,777.77. S = 327,777.77; less 5,000.
    _, terms = terms_of(SME_V2, 1_000_000)
    sheet = adjust(
        terms,
        [
            LossItem("forensics", LossKind.INVOICE, "f", Money("7777.77")),
            LossItem("extortion", LossKind.RANSOM, "r", Money(300_000), sanctions_screened=True),
        ],
        business_interruption=BusinessInterruption(Decimal(20), hourly_gross_profit=Money(10_000)),
    )
    assert sheet.payable == Money("322777.77")
    engine = _engine_insured(
        SME_V2,
        1_000_000,
        {"forensics": Decimal("7777.77"), "extortion": Decimal(300_000)},
        (Decimal(20), Decimal(10_000)),
    )
    assert abs(engine - 322_777.77) < 0.005
