"""The score-effect rule of in-term monitoring (data/score_effects.yaml): what active alerts take
off the score, by severity and kind, capped; nothing once an alert is fixed, closed or a false
positive; each number flagged; a malformed file refused at the place that is wrong."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from liubu.assessment import in_term_score, load_score_model
from liubu.datafiles import packaged_yaml
from liubu.errors import ValidationError
from liubu.monitoring import (
    Alert,
    AlertSeverity,
    load_score_effects,
    parse_score_effects,
    score_adjustment,
)

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def _alert(
    n: int,
    *,
    severity: str = "critical",
    source: str = "kev",
    status: str = "open",
    asset: str | None = None,
    policy: str = "p1",
) -> Alert:
    return Alert(
        id=f"a{n}",
        tenant_id="insurer",
        client_tenant_id="insured",
        enterprise_id="e1",
        policy_id=policy,
        policy_number="P-1",
        asset_kind="cpe",
        asset_value=asset or f"asset-{n}",
        indicator_kind="cve",
        indicator=f"CVE-2024-{n:05d}",
        match_kind="cve",
        severity=severity,
        source=source,
        rule=f"{source}.listed",
        evidence={},
        first_seen=T0,
        last_seen=T0,
        count=1,
        status=status,
        created_at=T0 + timedelta(minutes=n),
        updated_at=T0,
    )


def test_every_number_of_the_packaged_rule_is_flagged_and_every_severity_has_points() -> None:
    raw = packaged_yaml("liubu.monitoring", "data", "score_effects.yaml")
    flagged = [raw["total_cap"], *raw["points"].values()]
    for kind in raw["kinds"].values():
        flagged += [kind["factor"], kind["cap"]]
    assert all(n["basis"] == "assumption" or n["basis"].startswith("source: ") for n in flagged)
    effects = load_score_effects()
    assert set(effects.points) == {str(s) for s in AlertSeverity}
    assert {"fixed", "closed", "false_positive"} == effects.restoring_statuses


def test_one_alert_costs_its_severity_points_times_its_kind_factor() -> None:
    effects = load_score_effects()
    for source, kind in (
        ("kev", "vulnerability"),
        ("feodo", "compromise"),
        ("suricata", "detection"),
    ):
        factor = next(k.factor for k in effects.kinds if k.name == kind)
        for severity in AlertSeverity:
            got = score_adjustment([_alert(1, severity=severity, source=source)], effects)
            assert got.total == -(effects.points[severity] * factor)


def test_costs_add_up_within_a_kind_until_its_cap_and_all_kinds_until_the_total_cap() -> None:
    effects = load_score_effects()
    vulnerability = next(k for k in effects.kinds if k.name == "vulnerability")
    # closed form: n critical KEV alerts cost min(n × 8 × 1.0, 15)
    for n in range(1, 5):
        alerts = [_alert(i) for i in range(n)]
        expected = min(n * effects.points["critical"] * vulnerability.factor, vulnerability.cap)
        assert score_adjustment(alerts, effects).total == -expected
    # every kind at its cap: 15 + 20 + 10 + 10 > 30, so the total cap binds
    many = [
        _alert(i, source=source)
        for i in range(10)
        for source in ("kev", "feodo", "suricata", "rescan")
    ]
    got = score_adjustment(many, effects)
    assert got.by_kind == {k.name: -k.cap for k in effects.kinds}
    assert got.total == -effects.total_cap


def test_a_fixed_closed_or_false_positive_alert_gives_its_points_back() -> None:
    effects = load_score_effects()
    for status in ("fixed", "closed", "false_positive"):
        got = score_adjustment([_alert(1), _alert(2, status=status)], effects)
        assert got.total == -effects.points["critical"]
        assert [c.alert_id for c in got.costs] == ["a1"]
    # acknowledged or under remediation still costs
    assert score_adjustment([_alert(1, status="acknowledged")], effects).total == -8
    assert str(score_adjustment([], effects).total) == "0"  # not "-0"


def test_the_same_asset_indicator_and_rule_under_two_covers_counts_once_at_its_worst() -> None:
    first = _alert(1, asset="x", severity="high", policy="p1")
    second = _alert(1, asset="x", severity="critical", policy="p2")
    second.id = "a1b"
    got = score_adjustment([first, second])
    assert got.total == -8
    assert [c.alert_id for c in got.costs] == ["a1b"]


def test_the_in_term_score_is_the_diagnosis_moved_and_graded_by_the_score_model() -> None:
    model = load_score_model()
    for diagnosis, adjustment in (("72.5", "-8"), ("90", "-30"), ("3", "-8"), ("60", "0")):
        s = in_term_score(Decimal(diagnosis), Decimal(adjustment))
        value = max(Decimal(0), Decimal(diagnosis) + Decimal(adjustment))
        assert s.value == value
        assert s.grade == model.grade_for(value)
    with pytest.raises(ValidationError):
        in_term_score(Decimal(50), Decimal(1))


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda d: d["points"].pop("low"), "points"),
        (lambda d: d["points"].update(high={"value": 4}), "points.high"),
        (lambda d: d["points"].update(high={"value": -1, "basis": "assumption"}), "points.high"),
        (lambda d: d["points"].update(high={"value": 4, "basis": "a guess"}), "points.high"),
        (lambda d: d["kinds"]["compromise"]["sources"].append("kev"), "kinds.compromise"),
        (lambda d: d.update(default_kind="nothing"), "default_kind"),
        (lambda d: d.update(total_cap={"value": "lots", "basis": "assumption"}), "total_cap"),
    ],
)
def test_a_malformed_rule_is_refused_where_it_is_wrong(edit: object, where: str) -> None:
    data = packaged_yaml("liubu.monitoring", "data", "score_effects.yaml")
    edit(data)  # type: ignore[operator]
    with pytest.raises(ValidationError) as caught:
        parse_score_effects(data)
    assert caught.value.field == where
    assert where in str(caught.value)
