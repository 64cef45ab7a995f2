"""The market accumulation by dependency on a hand-built market: every published figure is the
hand count from the fixture, small groups are merged by the statistics' own rule, a market below
the minimum is withheld, and nothing names an insured, an insurer or a policy."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from liubu.assessment import InsuredDependency
from liubu.statistics import OTHER, AccumulationCell, InsuredCover, accumulation_view

ON = date(2026, 6, 1)


def _cloud(region: str, provider: str = "alibaba_cloud") -> InsuredDependency:
    return InsuredDependency("cloud", provider, region=region, source="declared")


DNS = InsuredDependency("dns", "DNSPod", tolerance_hours=1, revenue_share=0.3)
MSP = InsuredDependency("msp", "Guard Co", source="platform")

# Seven insureds (credit codes U1..U7). U1 holds two covers (a policy of 1,000,000 and a group
# certificate of 500,000 under the same company registered by another tenant, e1b).
COVERS = [
    InsuredCover("p1", "e1", "U1", "I", "32"),
    InsuredCover("c1", "e1b", "U1", "I", "32"),
    InsuredCover("p2", "e2", "U2", "I", "32"),
    InsuredCover("p3", "e3", "U3", "C", "32"),
    InsuredCover("p4", "e4", "U4", "C", "31"),
    InsuredCover("p5", "e5", "U5", "C", "31"),
    InsuredCover("p6", "e6", "U6", "G", "44"),
    InsuredCover("p7", "e7", "U7", "G", "44"),
]
LIMITS = {
    "p1": Decimal(1_000_000),
    "c1": Decimal(500_000),
    "p2": Decimal(2_000_000),
    "p3": Decimal(1_000_000),
    "p4": Decimal(5_000_000),
    "p5": Decimal(1_000_000),
    "p6": Decimal(3_000_000),
    "p7": Decimal(1_000_000),
}
DEPENDENCIES = {
    "e1": (_cloud("cn-hangzhou"), DNS),
    "e1b": (_cloud("cn-hangzhou"), MSP),  # the same insured through its other registration
    "e2": (_cloud("cn-hangzhou"), DNS),
    "e3": (_cloud("cn-shanghai"), DNS),
    "e4": (_cloud("ap-guangzhou", "tencent_cloud"),),
    "e5": (DNS,),
    "e6": (MSP,),
    "e7": (),
    "e-not-insured": (_cloud("cn-hangzhou"),),
}


def _by_key(cells: list[AccumulationCell]) -> dict[str, tuple[int, Decimal, int]]:
    return {c.key: (c.insureds, c.sum_insured, c.merged) for c in cells}


def test_every_figure_is_the_hand_count_and_small_groups_are_merged() -> None:
    view = accumulation_view(COVERS, LIMITS, DEPENDENCIES, on=ON, minimum=3, lang="en")
    assert view.totals is not None
    assert (view.totals.insureds, view.totals.sum_insured) == (7, Decimal(14_500_000))
    # By provider, by hand: Alibaba Cloud U1 U2 U3 (1.5 M + 2 M + 1 M); DNSPod U1 U2 U3 U5
    # (1.5 + 2 + 1 + 1); Tencent Cloud U4 (5 M, small); Guard Co U1 U6 (1.5 + 3, small).
    # The small ones together: U1 U4 U6 = 3 insureds, 9.5 M — enough on their own.
    assert _by_key(list(view.by["provider"])) == {
        "dns:dnspod": (4, Decimal(5_500_000), 0),
        "cloud:alibaba_cloud": (3, Decimal(4_500_000), 0),
        OTHER: (3, Decimal(9_500_000), 2),
    }
    names = {c.key: c.name for c in view.by["provider"]}
    assert names["cloud:alibaba_cloud"] == "Cloud provider and region · Alibaba Cloud"
    # By cloud region: Hangzhou U1 U2 (small), Shanghai U3 (small), Guangzhou U4 (small); all
    # three merged make U1..U4 = 4 ≥ 3: everything is "other", nothing shown alone.
    assert _by_key(list(view.by["cloud_region"])) == {OTHER: (4, Decimal(9_500_000), 3)}


def test_a_lone_small_group_takes_the_smallest_shown_group_with_it() -> None:
    # Only U4 relies on Tencent Cloud: alone in "other" it would be recovered by subtraction,
    # so the smallest shown group (Alibaba Cloud, 3) joins it.
    deps = {k: tuple(d for d in v if d.kind == "cloud") for k, v in DEPENDENCIES.items()}
    deps["e5"] = (_cloud("cn-hangzhou"),)
    view = accumulation_view(COVERS, LIMITS, deps, on=ON, minimum=3, lang="zh")
    rows = _by_key(list(view.by["provider"]))
    assert rows == {OTHER: (5, Decimal(10_500_000), 2)}


def test_a_market_below_the_minimum_is_withheld_and_an_empty_one_is_zero() -> None:
    few = accumulation_view(COVERS[:3], LIMITS, DEPENDENCIES, on=ON, minimum=3)
    assert few.totals is None
    assert few.by == {"provider": [], "cloud_region": []}
    none = accumulation_view([], {}, {}, on=ON, minimum=3)
    assert none.totals is not None
    assert none.totals.insureds == 0


def test_nothing_names_an_insured_a_cover_or_an_enterprise() -> None:
    for lang in ("zh", "en"):
        view = accumulation_view(COVERS, LIMITS, DEPENDENCIES, on=ON, minimum=3, lang=lang)
        text = json.dumps(view.to_dict(), ensure_ascii=False)
        for cover in COVERS:
            for secret in (cover.cover_id, cover.enterprise_id, cover.insured):
                assert f'"{secret}"' not in text
        # the one provider serving two insureds (Guard Co) is below the minimum: not named
        assert "Guard Co" not in text
