"""Deterministic scenarios: closed forms, terms by hand, the same event inside a simulation, files
with located errors and the demo library."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from liubu.errors import ValidationError
from liubu.portfolio import (
    Book,
    Catalogue,
    Dependency,
    EventFamily,
    PortfolioCode,
    Reliance,
    Scenario,
    demo_book,
    demo_catalogue,
    demo_scenarios,
    load_scenarios,
    run_book,
    run_scenario,
    scenario_named,
)
from liubu.risk import Constant, CoverageTerms, Terms
from tests.unit.portfolio.books import HOURS_PER_YEAR, cloud, outage, policy

R = HOURS_PER_YEAR * 1000.0  # 1,000 CNY of revenue an hour

TERMS_A = Terms(retention=1_000.0)
TERMS_B = Terms(
    retention=2_000.0,
    coverages={
        "business_interruption": CoverageTerms(
            sublimit=30_000.0, coinsurance=0.2, waiting_period_hours=4.0
        )
    },
)
TERMS_C = Terms(
    retention=500.0,
    aggregate_limit=5_000.0,
    coverages={
        "business_interruption": CoverageTerms(
            waiting_period_hours=6.0, waiting_period_type="qualifying"
        )
    },
)


def three_terms_book(*, c_terms: Terms = TERMS_C) -> Book:
    return Book(
        (
            policy("A", revenue=R, terms=TERMS_A, relies_on=(Reliance("cloud-a", 2.0, 0.5),)),
            policy(
                "B",
                revenue=2 * R,
                terms=TERMS_B,
                relies_on=(Reliance("cloud-a", 0.0, 1.0),),
                industry="C39",
                region="440300",
            ),
            policy("C", revenue=R, terms=c_terms, relies_on=(Reliance("cloud-a", 12.0, 1.0),)),
            policy("D", revenue=R, terms=TERMS_A, relies_on=(Reliance("cloud-b", 0.0, 1.0),)),
            policy("E", revenue=R, terms=TERMS_A, relies_on=(Reliance("cloud-a", 30.0, 1.0),)),
        )
    )


TWO_CLOUDS = Catalogue((cloud("cloud-a"), cloud("cloud-b", "tencent_cloud")), ())
DOWN_24H = Scenario("cloud_a_down_24h", "outage", "cloud-a", hours=24.0)


@pytest.mark.parametrize(
    ("hours", "tolerance", "share"), [(24.0, 2.0, 0.5), (5.0, 8.0, 1.0), (8.0, 8.0, 0.3)]
)
def test_n_identical_policies_lose_the_hours_beyond_tolerance(
    hours: float, tolerance: float, share: float
) -> None:
    revenue = 3_000_000.0
    book = Book(
        tuple(
            policy(
                f"P{i}",
                revenue=revenue,
                relies_on=(Reliance("cloud-a", tolerance, share),),
            )
            for i in range(7)
        )
    )
    result = run_scenario(book, TWO_CLOUDS, Scenario("down", "outage", "cloud-a", hours=hours))
    each = max(hours - tolerance, 0.0) * revenue / 8760.0 * share
    assert result.exposed == result.struck == 7
    assert result.hit == (7 if each > 0 else 0)
    assert result.ground_up == pytest.approx(7 * each, rel=1e-12)
    # Terms() is ground-up cover: insured = ground-up
    assert result.insured == pytest.approx(7 * each, rel=1e-12)
    for row in result.by_policy:
        assert row.ground_up == pytest.approx(each, rel=1e-12)
        assert row.lost_hours == max(hours - tolerance, 0.0)


def test_each_policys_terms_by_hand() -> None:
    result = run_scenario(three_terms_book(), TWO_CLOUDS, DOWN_24H)
    rows = {r.policy: r for r in result.by_policy}
    # A: 22 h beyond tolerance × 500 CNY/h = 11,000; retention 1,000
    assert rows["A"].ground_up == pytest.approx(11_000.0)
    assert rows["A"].insured == pytest.approx(10_000.0)
    # B: 24 h × 2,000 = 48,000; 80 % of (24 − 4) h × 2,000 = 32,000, sublimit 30,000; − 2,000
    assert rows["B"].ground_up == pytest.approx(48_000.0)
    assert rows["B"].insured == pytest.approx(28_000.0)
    # C: 12 h × 1,000 = 12,000 (12 h > the 6 h qualifying period: all of it); − 500 = 11,500;
    # the annual aggregate limit 5,000
    assert rows["C"].ground_up == pytest.approx(12_000.0)
    assert rows["C"].insured == pytest.approx(5_000.0)
    # D relies on another cloud, E tolerates 30 h: neither loses anything
    assert set(rows) == {"A", "B", "C"}
    assert (result.policies, result.exposed, result.struck, result.hit, result.paid) == (
        5,
        4,
        4,
        3,
        3,
    )
    assert result.ground_up == pytest.approx(71_000.0)
    assert result.insured == pytest.approx(43_000.0)
    assert [r.policy for r in result.by_policy] == ["B", "A", "C"]
    industries = {g.key: g for g in result.by_industry}
    assert industries["C"].insured == pytest.approx(28_000.0)
    assert industries["I"].insured == pytest.approx(15_000.0)
    assert industries["I"].policies == 2
    assert [g.key for g in result.by_region] == ["440000", "330000"]
    assert math.fsum(g.insured for g in result.by_region) == pytest.approx(result.insured)


def test_an_outage_scenario_is_the_same_event_inside_a_simulation() -> None:
    """A family whose duration is fixed at H: each simulated event loses exactly the scenario's
    insured total X, so AAL = (events ÷ years) × X, and the event rate is λ within error."""
    book = three_terms_book(c_terms=Terms(retention=500.0, coverages=TERMS_C.coverages))
    x = run_scenario(book, TWO_CLOUDS, DOWN_24H).insured
    assert x == pytest.approx(10_000.0 + 28_000.0 + 11_500.0)
    rate, years = 0.7, 3_000
    catalogue = Catalogue(TWO_CLOUDS.dependencies, (outage("a", "cloud-a", rate, Constant(24.0)),))
    result = run_book(book, catalogue, years=years, seed=11, workers=0)
    assert result.aal == pytest.approx(result.events / years * x, rel=1e-12)
    assert abs(result.events / years - rate) < 4 * math.sqrt(rate / years)
    assert abs(result.aal - rate * x) < 4 * result.aal_standard_error
    assert set(result.largest.round(6)) <= {0.0, round(x, 6)}


def test_a_campaign_scenario_is_the_same_event_inside_a_simulation() -> None:
    """An MSP ransomware family striking every client (share 1) with a fixed loss share and
    outage: each event loses the scenario's insured total."""
    msp = Dependency("msp-1", "msp", "Example MSP")
    extortion = CoverageTerms(sublimit=40_000.0, coinsurance=0.1)
    book = Book(
        tuple(
            policy(
                f"P{i}",
                revenue=R * (i + 1),
                terms=Terms(
                    retention=1_000.0 * i,
                    aggregate_limit=math.inf,
                    coverages={
                        "extortion": extortion,
                        "business_interruption": CoverageTerms(waiting_period_hours=8.0),
                    },
                ),
                relies_on=(Reliance("msp-1", 4.0 * i, 0.5),),
            )
            for i in range(5)
        )
    )
    scenario = Scenario(
        "msp", "msp_ransomware", "msp-1", hours=30.0, loss_share=0.004, coverage="extortion"
    )
    catalogue = Catalogue((msp,), ())
    x = run_scenario(book, catalogue, scenario)
    # by hand for P2: revenue 3,000/h × 0.5 at stake; 30 − 8 tolerance = 22 h, − 8 h waiting;
    # direct 0.004 × 26,280,000 = 105,120 → 90 % = 94,608, sublimit 40,000; retention 2,000
    p2 = next(r for r in x.by_policy if r.policy == "P2")
    assert p2.ground_up == pytest.approx(22 * 1_500.0 + 0.004 * 3 * R)
    assert p2.insured == pytest.approx(14 * 1_500.0 + 40_000.0 - 2_000.0)
    family = EventFamily(
        "msp",
        "msp_ransomware",
        0.4,
        target="msp-1",
        outage_hours=Constant(30.0),
        loss_share=Constant(0.004),
        coverage="extortion",
    )
    years = 2_000
    result = run_book(book, Catalogue((msp,), (family,)), years=years, seed=4, workers=0)
    assert result.aal == pytest.approx(result.events / years * x.insured, rel=1e-12)
    assert result.events > 0


def test_a_share_of_exposed_insureds_is_the_largest_by_revenue() -> None:
    software = Dependency("app", "software", "Vendor", cpe="cpe:2.3:a:vendor:app:*:*:*:*:*:*:*:*")
    revenues = [5, 9, 1, 9, 3, 7, 2, 8, 4, 6]
    exposed = [
        policy(f"P{i}", revenue=1e6 * r, relies_on=(Reliance("app", 0.0, 1.0),))
        for i, r in enumerate(revenues)
    ]
    book = Book((*exposed, policy("Q", revenue=1e9)))
    scenario = Scenario("x", "mass_exploitation", "app", share_hit=0.3, loss_share=0.01)
    result = run_scenario(book, Catalogue((software,), ()), scenario)
    # ⌈0.3 × 10⌉ = 3 struck: the 9, 9 (P1 before P3) and 8 million revenues
    assert result.struck == 3
    assert [r.policy for r in result.by_policy] == ["P1", "P3", "P7"]
    assert result.ground_up == pytest.approx(0.01 * 26e6)
    assert result.insured == pytest.approx(result.ground_up)
    half = run_scenario(book, Catalogue((software,), ()), Scenario(
        "y", "mass_exploitation", "app", share_hit=0.05, loss_share=0.01
    ))  # fmt: skip
    assert half.struck == 1  # ⌈0.5⌉


def test_bad_scenarios_are_refused_with_their_field() -> None:
    with pytest.raises(ValidationError) as error:
        Scenario("x", "outage", "cloud-a", hours=-1.0)
    assert error.value.field == "hours"
    assert error.value.code == PortfolioCode.BAD_FIELD
    with pytest.raises(ValidationError) as error:
        Scenario("x", "outage", "cloud-a", hours=1.0, title_en="x" * 201)
    assert error.value.field == "title.en"
    with pytest.raises(ValidationError) as error:
        Scenario("x", "earthquake", "cloud-a", hours=1.0)
    assert error.value.code == PortfolioCode.SCENARIO_KIND
    with pytest.raises(ValidationError) as error:
        Scenario("x", "mass_exploitation", "app", share_hit=0.5)
    assert error.value.field == "loss_share"
    with pytest.raises(ValidationError) as error:
        run_scenario(three_terms_book(), TWO_CLOUDS, Scenario("x", "outage", "cloud-z", hours=1))
    assert error.value.code == PortfolioCode.UNKNOWN_DEPENDENCY
    assert "cloud-z" in error.value.message
    with pytest.raises(ValidationError) as error:
        run_scenario(
            three_terms_book(),
            TWO_CLOUDS,
            Scenario("x", "mass_exploitation", "cloud-a", share_hit=1.0, loss_share=0.1),
        )
    assert error.value.code == PortfolioCode.TARGET_KIND


LIBRARY = """\
scenarios:
  - name: a_day
    title: {zh: 中断一天, en: A day down}
    kind: outage
    target: cloud-a
    hours: 24
    basis:
      hours: {assumption: true, note: a day}
  - name: b_bad
    kind: outage
    target: cloud-b
    hours: -2
"""


def test_a_library_file_is_read_with_located_errors(tmp_path: Path) -> None:
    good = load_scenarios(LIBRARY.split("  - name: b_bad")[0], catalogue=TWO_CLOUDS)
    assert [s.name for s in good] == ["a_day"]
    assert good[0].title("zh") == "中断一天"
    assert good[0].basis["hours"].assumption
    path = tmp_path / "lib.yaml"
    path.write_text(LIBRARY, encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_scenarios(path, catalogue=TWO_CLOUDS)
    assert f"{path}:12" in error.value.message
    assert error.value.code == PortfolioCode.BAD_FIELD
    unknown = LIBRARY.replace("target: cloud-a", "target: cloud-q")
    with pytest.raises(ValidationError) as error:
        load_scenarios(unknown, catalogue=TWO_CLOUDS, source_name="lib.yaml")
    assert error.value.code == PortfolioCode.UNKNOWN_DEPENDENCY
    assert error.value.location == "lib.yaml:5"
    twice = LIBRARY.replace("b_bad", "a_day").replace("hours: -2", "hours: 2")
    with pytest.raises(ValidationError) as error:
        load_scenarios(twice, source_name="lib.yaml")
    assert error.value.code == PortfolioCode.DUPLICATE_ID
    assert error.value.location == "lib.yaml:9"
    extra = LIBRARY.replace("    hours: 24\n", "    hours: 24\n    colour: red\n")
    with pytest.raises(ValidationError) as error:
        load_scenarios(extra, source_name="lib.yaml")
    assert error.value.code == PortfolioCode.UNKNOWN_FIELD
    with pytest.raises(ValidationError) as error:
        scenario_named(good, "nope")
    assert error.value.code == PortfolioCode.UNKNOWN_SCENARIO


def test_the_demo_library_has_a_basis_for_every_parameter_and_loses_money() -> None:
    scenarios = demo_scenarios()
    assert len(scenarios) >= 6
    assert {s.kind for s in scenarios} == {"outage", "mass_exploitation", "msp_ransomware"}
    book, catalogue = demo_book(), demo_catalogue()
    for s in scenarios:
        assert s.parameters, s.name
        for parameter in s.parameters:
            assert parameter in s.basis, (s.name, parameter)
        assert s.title("zh") != s.name
        assert s.title("en") != s.name
        result = run_scenario(book, catalogue, s)
        assert result.ground_up > 0, s.name
        assert result.insured <= result.ground_up + 1e-6
        by_policy = [r.insured for r in result.by_policy]
        assert by_policy == sorted(by_policy, reverse=True)
        assert math.fsum(by_policy) == pytest.approx(result.insured)
        assert result.to_dict()["scenario"]["name"] == s.name
