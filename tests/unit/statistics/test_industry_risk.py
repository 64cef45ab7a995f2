"""The industry risk view's aggregation on a hand-built market: every published count equals the
count made here by hand from the fixture, small groups are merged as the market statistics merge
them, a market below the minimum is withheld, and nothing names an insured."""

from __future__ import annotations

import json
from datetime import date

import pytest

from liubu.intel import VulnerabilityIndex, load_paths
from liubu.statistics import OTHER, InsuredCover, RiskCell, kev_exposed_enterprises, risk_view
from tests.unit.monitoring.realdata import APACHE_CVE5, KEV_JSON, require_shared

ON = date(2026, 6, 1)


def _cover(cover: str, enterprise: str, insured: str, section: str, region: str) -> InsuredCover:
    return InsuredCover(cover, enterprise, insured, section, region)


# Nine insured enterprises (credit codes U1..U9). U1 holds a policy and a group certificate, the
# certificate under the same company registered by a second tenant (enterprise e1b): one insured.
# An exposed enterprise and an alerted cover that are not in force count for nothing.
COVERS = [
    _cover("p1", "e1", "U1", "C", "32"),
    _cover("c1", "e1b", "U1", "C", "32"),  # the same company, a group certificate, other tenant
    _cover("p2", "e2", "U2", "C", "32"),
    _cover("p3", "e3", "U3", "C", "32"),
    _cover("p4", "e4", "U4", "C", "32"),
    _cover("p5", "e5", "U5", "I", "32"),
    _cover("p6", "e6", "U6", "I", "31"),
    _cover("p7", "e7", "U7", "I", "31"),
    _cover("p8", "e8", "U8", "J", "11"),
    _cover("p9", "e9", "U9", "K", "11"),
]
KEV_EXPOSED = {"e1b", "e5", "e8", "e-not-insured"}  # enterprise ids
ALERTED = {"p2", "p6", "p8", "p-expired"}  # cover ids


def _by_key(cells: list[RiskCell]) -> dict[str, tuple[int, int, int, int]]:
    return {c.key: (c.insureds, c.kev_exposed, c.alerted, c.merged) for c in cells}


def test_every_figure_is_the_hand_count_and_small_groups_are_merged() -> None:
    view = risk_view(COVERS, kev_exposed=KEV_EXPOSED, alerted=ALERTED, on=ON, minimum=3, lang="en")
    # Counted by hand from the fixture: insureds U1..U9; KEV-exposed U1 (through e1b), U5, U8;
    # alerted U2, U6, U8.
    assert view.totals is not None
    assert (view.totals.insureds, view.totals.kev_exposed, view.totals.alerted) == (9, 3, 3)
    # Industry: J (1) and K (1) are small; together 2 < 3, so the smallest shown group, I (3),
    # joins them: other = U5..U9, KEV U5 and U8, alerted U6 and U8.
    assert _by_key(list(view.by["industry_section"])) == {
        "C": (4, 1, 1, 0),
        OTHER: (5, 2, 2, 3),
    }
    # Province: 31 (2) and 11 (2) are small; together 4 ≥ 3: other = U6..U9.
    assert _by_key(list(view.by["region"])) == {
        "32": (5, 2, 1, 0),
        OTHER: (4, 1, 2, 2),
    }
    # The total less the shown groups is exactly the merged group, for every count.
    for cells in view.by.values():
        shown = [c for c in cells if c.key != OTHER]
        (other,) = [c for c in cells if c.key == OTHER]
        assert view.totals.insureds - sum(c.insureds for c in shown) == other.insureds
        assert view.totals.kev_exposed - sum(c.kev_exposed for c in shown) == other.kev_exposed
        assert view.totals.alerted - sum(c.alerted for c in shown) == other.alerted
        assert all(c.insureds >= 3 for c in cells)
    section_c = view.by["industry_section"][0]
    assert section_c.name == "Manufacturing"
    assert (section_c.kev_share, section_c.alert_share) == (0.25, 0.25)
    assert view.by["region"][0].name == "Jiangsu"


def test_names_in_chinese_and_the_json_form() -> None:
    view = risk_view(COVERS, kev_exposed=KEV_EXPOSED, alerted=ALERTED, on=ON, minimum=3, lang="zh")
    data = view.to_dict()
    assert data["on"] == "2026-06-01"
    assert data["minimum_insureds"] == 3
    assert data["withheld"] is False
    region = {row["key"]: row for row in data["by"]["region"]}
    assert region["32"]["name"] == "江苏省"
    assert region[OTHER]["name"] == "其他（合并）"
    assert region["32"]["kev_exposed_share"] == 0.4
    assert region[OTHER]["open_high_alerts_share"] == 0.5


def test_no_insured_cover_or_enterprise_appears_in_the_output() -> None:
    for lang in ("zh", "en"):
        text = json.dumps(
            risk_view(
                COVERS, kev_exposed=KEV_EXPOSED, alerted=ALERTED, on=ON, minimum=3, lang=lang
            ).to_dict(),
            ensure_ascii=False,
        )
        for cover in COVERS:
            for identifier in (cover.cover_id, cover.enterprise_id, cover.insured):
                assert f'"{identifier}"' not in text


@pytest.mark.parametrize("minimum", [5, 6])
def test_a_higher_minimum_merges_more(minimum: int) -> None:
    view = risk_view(COVERS, kev_exposed=KEV_EXPOSED, alerted=ALERTED, on=ON, minimum=minimum)
    for cells in view.by.values():
        assert all(c.insureds >= minimum for c in cells)
    # 31 and 11 (U6..U9, 4 insureds) are small; the only other group, 32, must join them (at 5
    # it is not small, at 6 it is), so the whole table is one merged row.
    assert _by_key(list(view.by["region"])) == {OTHER: (9, 3, 3, 3)}


def test_a_market_below_the_minimum_is_withheld_and_an_empty_one_shows_zeros() -> None:
    view = risk_view(COVERS[:3], kev_exposed=KEV_EXPOSED, alerted=ALERTED, on=ON, minimum=3)
    assert view.totals is None  # U1 and U2 only
    assert view.to_dict()["withheld"] is True
    assert all(cells == [] for cells in view.by.values())
    empty = risk_view([], kev_exposed=(), alerted=(), on=ON, minimum=3)
    assert empty.totals is not None
    assert empty.totals.insureds == 0
    assert empty.totals.kev_share == 0.0
    assert all(cells == [] for cells in empty.by.values())


def test_kev_exposure_is_judged_on_the_real_kev_catalogue_and_cve_record() -> None:
    """Apache HTTP Server 2.4.49 is affected by CVE-2024-38475 (≤ 2.4.59, in CISA's KEV); 2.4.62
    is not; without the KEV catalogue the same CVE exposes nobody."""
    require_shared()
    with_kev = VulnerabilityIndex.from_bundle(load_paths([KEV_JSON, APACHE_CVE5]))
    without = VulnerabilityIndex.from_bundle(load_paths([APACHE_CVE5]))
    software = {
        "old": ("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",),
        "new": ("cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*",),
        "none": (),
    }
    assert kev_exposed_enterprises(software, with_kev) == {"old"}
    assert kev_exposed_enterprises(software, without) == set()
