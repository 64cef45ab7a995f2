"""Group policies (supply chain, park): each party's premium, on the in-memory unit of work.

Expected premiums are recomputed here from the catalogue YAML read with plain PyYAML (the base
premium table, the score guide's points or steps, the group-size points and the sharing rule),
never from liubu's own pricing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from liubu.accounts.model import OrgKind
from liubu.assessment import diagnosis
from liubu.errors import NotFoundError, ValidationError
from liubu.products.validation import parse_product
from liubu.underwriting import groups
from liubu.underwriting.group_records import RegisteredEnterprise
from liubu.underwriting.groups_pricing import MemberScore, price_group

from .fakes import (
    PARK_REF,
    REVENUES,
    SMALL_CHAIN,
    SMALL_PARK,
    Chain,
    Database,
    accept_all,
    catalogue_text,
    make_chain,
    principal,
)

FEN = Decimal("0.01")
CHAIN_YAML = yaml.safe_load(catalogue_text("cankao-pc_supply-chain.yaml"))
PARK_YAML = yaml.safe_load(catalogue_text("shifan-pc_park-group.yaml"))


# --- the hand calculation, from the YAML alone -------------------------------------------------


def fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def coefficient(doc: dict[str, Any], factor: str) -> dict[str, Any]:
    return next(c for c in doc["rate_plan"]["coefficients"] if c["factor"] == factor)


def table_premium(doc: dict[str, Any], limit: int, revenue: int) -> Decimal:
    plan = doc["rate_plan"]
    band = next(b["code"] for b in plan["revenue_bands"] if b["from"] <= revenue < b["to"])
    row = next(r for r in plan["base_premiums"] if (r["limit"], r["revenue_band"]) == (limit, band))
    return Decimal(str(row["premium"]))


def on_points(points: list[dict[str, Any]], x: Decimal) -> Decimal:
    """Linear between points, rounded half-up to 4 places; flat beyond the ends."""
    at = [Decimal(str(p["at"])) for p in points]
    value = [Decimal(str(p["value"])) for p in points]
    if x <= at[0]:
        return value[0]
    for i in range(1, len(at)):
        if x <= at[i]:
            exact = value[i - 1] + (value[i] - value[i - 1]) * (x - at[i - 1]) / (at[i] - at[i - 1])
            return exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return value[-1]


def on_steps(steps: list[dict[str, Any]], x: Decimal) -> Decimal:
    return Decimal(str([s for s in steps if Decimal(str(s["from"])) <= x][-1]["value"]))


def in_range(doc: dict[str, Any], factor: str, value: Decimal) -> Decimal:
    low, high = (Decimal(str(v)) for v in coefficient(doc, factor)["range"])
    return min(max(value, low), high)


@pytest.fixture
def chain() -> Chain:
    return make_chain()


# --- supply chain: each party's premium -------------------------------------------------------


def test_supply_chain_shares_match_a_hand_calculation_from_the_filed_yaml(chain: Chain) -> None:
    scores = {"供应商1": Decimal(80), "供应商2": Decimal(45), "供应商3": Decimal("93.3")}
    given_scores = {s.id: MemberScore(float(scores[s.name]), "B") for s in chain.suppliers}
    with chain.db.uow(chain.who) as uow:
        quote = groups.quote_group(
            uow, chain.scheme_id, limit=Decimal(1_000_000), scores=given_scores
        )
    sharing = CHAIN_YAML["group"]["premium_sharing"]
    assert sharing["method"] == "sponsor_base_member_float"
    s = Decimal(str(sharing["sponsor_share"]))
    size = on_points(coefficient(CHAIN_YAML, "group_size")["points"], Decimal(3))
    sponsor_total = members_total = Decimal(0)
    for supplier, revenue in zip(chain.suppliers, REVENUES, strict=True):
        base = table_premium(CHAIN_YAML, 1_000_000, revenue) * size  # claims history: 1
        c = in_range(
            CHAIN_YAML,
            "security_score",
            on_points(coefficient(CHAIN_YAML, "security_score")["points"], scores[supplier.name]),
        )
        line = quote.price.member(supplier.id)
        assert line.sponsor_share == fen(s * base)
        assert line.member_share == fen((1 - s) * base * c)
        assert line.premium == line.sponsor_share + line.member_share
        sponsor_total += fen(s * base)
        members_total += fen((1 - s) * base * c)
    assert quote.price.sponsor_premium == sponsor_total
    assert quote.price.members_premium == members_total
    assert quote.price.total_premium == sponsor_total + members_total
    # The same by pencil: 4000/8000/14400 × 0.4; 0.6 × base × 0.875 / 1.185 / 0.7005.
    assert [quote.price.member(x.id).sponsor_share for x in chain.suppliers] == [
        Decimal("1600.00"),
        Decimal("3200.00"),
        Decimal("5760.00"),
    ]
    assert [quote.price.member(x.id).member_share for x in chain.suppliers] == [
        Decimal("2100.00"),
        Decimal("5688.00"),
        Decimal("6052.32"),
    ]
    parties = quote.to_dict()["parties"]
    assert parties == {
        "sponsor": "10560.00",
        "members": {x.id: str(quote.price.member(x.id).member_share) for x in chain.suppliers},
        "insurer": "24400.32",
    }


PRODUCT = parse_product(SMALL_CHAIN)
MEMBERS = [
    RegisteredEnterprise(f"e{i}", f"t{i}", f"S{i}", f"USCC{i}", "C", Decimal(r), 2, False)
    for i, r in enumerate(REVENUES)
]


@settings(max_examples=60, deadline=None)
@given(
    low=st.floats(0, 100, allow_nan=False),
    high=st.floats(0, 100, allow_nan=False),
    other=st.floats(30, 100, allow_nan=False),
)
def test_a_suppliers_share_never_rises_with_its_score(
    low: float, high: float, other: float
) -> None:
    low, high = sorted((max(low, 30.0), max(high, 30.0)))  # 30: the product's minimum score

    def priced(score: float) -> Any:
        scores = {m.id: MemberScore(other, "C") for m in MEMBERS}
        scores["e1"] = MemberScore(score, "C")
        return price_group(PRODUCT, MEMBERS, scores=scores, limit=Decimal(1_000_000))

    worse, better = priced(low), priced(high)
    assert better.member("e1").member_share <= worse.member("e1").member_share
    assert better.member("e1").sponsor_share == worse.member("e1").sponsor_share
    for other_id in ("e0", "e2"):
        assert better.member(other_id) == worse.member(other_id)


def test_a_suppliers_share_falls_when_its_score_rises_from_70_to_90(chain: Chain) -> None:
    def share(score: float) -> Decimal:
        scores = {s.id: MemberScore(60.0, "C") for s in chain.suppliers}
        scores[chain.suppliers[0].id] = MemberScore(score, "B")
        with chain.db.uow(chain.who) as uow:
            quote = groups.quote_group(uow, chain.scheme_id, limit=Decimal(500_000), scores=scores)
        return quote.price.member(chain.suppliers[0].id).member_share

    # 0.6 × 2500 × 1.0 and 0.6 × 2500 × 0.75
    assert (share(70.0), share(90.0)) == (Decimal("1500.00"), Decimal("1125.00"))


def test_parties_premiums_add_up_to_the_total_to_the_fen_with_a_group_discount() -> None:
    revenues = tuple(1_000_000 * (7 + 97 * i) for i in range(12))  # all three bands
    chain = make_chain(catalogue_text("cankao-pc_supply-chain.yaml"), revenues)
    scores = {s.id: MemberScore(31.0 + 5.9 * i, "C") for i, s in enumerate(chain.suppliers)}
    with chain.db.uow(chain.who) as uow:
        price = groups.quote_group(
            uow, chain.scheme_id, limit=Decimal(3_000_000), scores=scores
        ).price
    size = on_points(coefficient(CHAIN_YAML, "group_size")["points"], Decimal(12))
    assert size == Decimal("0.9975")  # 1 − 0.05 × 2/40
    for supplier, revenue in zip(chain.suppliers, revenues, strict=True):
        base = table_premium(CHAIN_YAML, 3_000_000, revenue) * size
        c = on_points(
            coefficient(CHAIN_YAML, "security_score")["points"],
            Decimal(repr(scores[supplier.id].score)),
        )
        line = price.member(supplier.id)
        assert line.sponsor_share == fen(Decimal("0.4") * base)
        assert line.member_share == fen(Decimal("0.6") * base * c)
    assert price.sponsor_premium + price.members_premium == price.total_premium
    assert sum(m.premium for m in price.members) == price.total_premium
    assert all(m.premium == fen(m.premium) for m in price.members)


def test_the_filed_minimum_group_size_is_enforced_naming_it() -> None:
    chain = make_chain(catalogue_text("cankao-pc_supply-chain.yaml"))
    scores = {s.id: MemberScore(80.0, "B") for s in chain.suppliers}
    with (
        chain.db.uow(chain.who) as uow,
        pytest.raises(ValidationError, match="insures 10 to 500 members; the scheme has 3"),
    ):
        groups.quote_group(uow, chain.scheme_id, limit=Decimal(1_000_000), scores=scores)


def test_unassessed_suppliers_are_priced_at_score_0_and_so_refused_by_the_minimum_score(
    chain: Chain,
) -> None:
    with chain.db.uow(chain.who) as uow:
        scores = groups.batch_scores(uow, chain.scheme_id)
        with pytest.raises(ValidationError) as raised:
            groups.quote_group(uow, chain.scheme_id, limit=Decimal(1_000_000))
    assert {s.source for s in scores.values()} == {"unassessed"}
    assert {s.score for s in scores.values()} == {0.0}
    assert raised.value.code == "group.member_ineligible"
    for supplier in chain.suppliers:
        assert f"{supplier.name} ({supplier.uscc}, unassessed)" in raised.value.message
    assert "eligibility.security_score_min" in raised.value.message


# --- park: batch-assessed, fixed split --------------------------------------------------------


def test_park_members_are_batch_scored_and_priced_by_the_filed_steps() -> None:
    db = Database()
    db.product(SMALL_PARK, insurer_tenant="insurer-shifan")
    operator = db.enterprise("网安产业园运营公司", section="M", revenue=60_000_000)
    revenues = (5_000_000, 30_000_000, 150_000_000, 8_000_000, 90_000_000)
    park = [
        db.enterprise(f"园区企业{i}", section="I", revenue=r) for i, r in enumerate(revenues, 1)
    ]
    db.best_answers(park[0])
    db.scan(park[0], [])  # best answers, clean scan
    db.best_answers(park[1])
    db.scan(park[1], ["service.rdp_exposed"])
    db.scan(park[2], ["http.missing_hsts"])  # scanned, never answered
    db.best_answers(park[3])  # answered, never scanned: unassessed
    db.scan(park[4], [], finished=False)  # its only scan failed: unassessed
    who = principal(operator.tenant_id)
    with db.uow(who) as uow:
        scheme = groups.create_scheme(
            uow,
            kind="park",
            name="网安园区",
            sponsor_enterprise_id=operator.id,
            product_ref=PARK_REF,
        )
        groups.add_members(uow, scheme.id, [groups.MemberEntry(e.uscc) for e in park])
        uow.commit()
    for member in park:
        accept_all(db, member)
    with db.uow(who) as uow:
        scores = groups.batch_scores(uow, scheme.id)
        quote = groups.quote_group(uow, scheme.id, limit=Decimal(200_000))
        truth = [diagnosis.security_score(uow, e.id) for e in park[:3]]
    assert [scores[e.id].score for e in park[:3]] == [float(t.value) for t in truth]
    assert [scores[e.id].grade for e in park[:3]] == [t.grade for t in truth]
    assert [scores[e.id].source for e in park] == ["assessment"] * 3 + ["unassessed"] * 2
    assert [scores[e.id].score for e in park[3:]] == [0.0, 0.0]
    guide = coefficient(PARK_YAML, "security_score")["steps"]
    steps = {on_steps(guide, Decimal(repr(scores[e.id].score))) for e in park}
    assert len(steps) >= 3  # the members fall in at least three score bands
    share = Decimal(str(PARK_YAML["group"]["premium_sharing"]["sponsor_share"]))
    assert PARK_YAML["group"]["premium_sharing"]["method"] == "fixed_split"
    size = on_points(coefficient(PARK_YAML, "group_size")["points"], Decimal(5))
    for enterprise, revenue in zip(park, revenues, strict=True):
        step = on_steps(guide, Decimal(repr(scores[enterprise.id].score)))
        premium = table_premium(PARK_YAML, 200_000, revenue) * size * step
        line = quote.price.member(enterprise.id)
        assert (line.sponsor_share, line.member_share) == (
            fen(share * premium),
            fen((1 - share) * premium),
        )
    assert quote.price.aggregate_limit == Decimal(str(PARK_YAML["group"]["shared_aggregate_limit"]))
    # Unassessed members pay the worst step: 0.5 × 800 × 1.2 and 0.5 × 1360 × 1.2.
    assert quote.price.member(park[3].id).member_share == Decimal("480.00")
    assert quote.price.member(park[4].id).member_share == Decimal("816.00")


def test_the_insurer_cannot_read_a_sponsors_scheme_before_it_is_bound() -> None:
    db = Database()
    db.product(SMALL_PARK, insurer_tenant="insurer-shifan")
    operator = db.enterprise("园区运营", section="M", revenue=60_000_000)
    with db.uow(principal(operator.tenant_id)) as uow:
        scheme = groups.create_scheme(
            uow, kind="park", name="园区", sponsor_enterprise_id=operator.id, product_ref=PARK_REF
        )
        uow.commit()
    insurer = principal("insurer-shifan", kind=OrgKind.INSURER)
    with db.uow(insurer) as uow, pytest.raises(NotFoundError):
        groups.batch_scores(uow, scheme.id)


def test_the_filed_bound_on_the_product_caps_a_suppliers_floating_coefficient() -> None:
    text = SMALL_CHAIN.replace("product_bound: [0.5, 1.8]", "product_bound: [0.9, 1.1]")
    assert text != SMALL_CHAIN
    spec = parse_product(text)
    scores = {
        "e0": MemberScore(45.0, "D"),
        "e1": MemberScore(93.3, "A"),
        "e2": MemberScore(75, "B"),
    }
    price = price_group(spec, MEMBERS, scores=scores, limit=Decimal(1_000_000))
    # score 45 asks 1.185 → held at 1.1; 93.3 asks 0.7005 → raised to 0.9; 75 asks 0.9375.
    assert price.member("e0").member_share == fen(Decimal("0.6") * 4000 * Decimal("1.1"))
    assert price.member("e1").member_share == fen(Decimal("0.6") * 8000 * Decimal("0.9"))
    assert price.member("e2").member_share == fen(Decimal("0.6") * 14400 * Decimal("0.9375"))
    assert [price.member(m.id).sponsor_share for m in MEMBERS] == [
        Decimal("1600.00"),
        Decimal("3200.00"),
        Decimal("5760.00"),
    ]


def test_quoting_with_a_score_missing_names_the_member_without_one(chain: Chain) -> None:
    scores = {s.id: MemberScore(80.0, "B") for s in chain.suppliers[:2]}
    with chain.db.uow(chain.who) as uow, pytest.raises(ValidationError) as raised:
        groups.quote_group(uow, chain.scheme_id, limit=Decimal(1_000_000), scores=scores)
    assert raised.value.code == "group.scores_mismatch"
    assert f"{chain.suppliers[2].name} ({chain.suppliers[2].uscc})" in raised.value.message
