"""Score → risk modifiers: the table's integrity, a worked example recomputed by hand from
risk_effects.yaml, and the enterprise model against the library's closed-form means."""

from __future__ import annotations

import math
from typing import Any

import pytest

from liubu.assessment.modifiers import modifier_breakdown, risk_modifiers
from liubu.assessment.questionnaire import Questionnaire
from liubu.assessment.scan import vocabulary
from liubu.assessment.scoring import score
from liubu.risk import (
    Model,
    Modifier,
    enterprise_model,
    library_scenarios,
    scenario_names,
)

from .conftest import answers, data_file, finding

EFFECTS = data_file("risk_effects.yaml")
SCORED = data_file("score_model.yaml")


def rows() -> list[tuple[str, dict[str, Any]]]:
    return [(name, row) for name, entry in EFFECTS["scenarios"].items() for row in entry["rows"]]


def test_every_library_scenario_has_effects_and_no_other() -> None:
    assert set(EFFECTS["scenarios"]) == set(scenario_names())


def test_every_row_and_grade_profile_cites_a_source_or_is_an_assumption() -> None:
    sources = set(EFFECTS["sources"])
    entries = [row for _, row in rows()] + [e["grade"] for e in EFFECTS["scenarios"].values()]
    for entry in entries:
        assert ("source" in entry) != (entry.get("assumption") is True), entry
        assert (
            set(entry.get("informed_by", []))
            | ({entry["source"]} - {None} if "source" in entry else set())
            <= sources
        )


def test_rows_name_real_findings_and_scored_questions() -> None:
    for _, row in rows():
        if "finding" in row:
            assert row["finding"] in vocabulary()
        else:
            assert row["question"] in SCORED["questions"]


def test_findings_only_raise_and_better_answers_never_raise_a_multiplier(
    questionnaire: Questionnaire,
) -> None:
    for _, row in rows():
        if "finding" in row:
            assert row.get("frequency", 1) >= 1
            assert row.get("severity", 1) >= 1
            continue
        question = questionnaire.question(row["question"])
        weight = SCORED["questions"][question.id]
        if "bands" in row:
            bounds = [b["at_most"] for b in row["bands"]]
            assert bounds == sorted(bounds)
            for key in ("frequency", "severity"):
                values = [b.get(key, 1) for b in row["bands"]]
                assert values == sorted(values)
                assert max(values) <= 1
            continue
        credits = weight.get("credits") or SCORED["credits"][str(question.type)]
        by_credit = sorted(question.values, key=lambda v: credits[v])
        assert by_credit[0] not in row["answers"]  # the worst answer is the reference: 1
        for key in ("frequency", "severity"):
            values = [row["answers"].get(v, {}).get(key, 1) for v in by_credit]
            assert values == sorted(values, reverse=True)
            assert max(values) <= 1


def test_grade_profiles_never_reward_a_worse_grade() -> None:
    for profile in EFFECTS["grade_profiles"].values():
        values = [profile[g] for g in "ABCDE"]
        assert values == sorted(values)
        assert profile["C"] == 1


def _g(profile: str, value: float) -> float:
    """The grade profile made continuous, straight from the YAML: each grade's multiplier at the
    middle of its score range, log-linear between (extended with the end slopes), 1 at the
    average insured's score."""
    mins = [g["min"] for g in SCORED["grades"]]  # best first
    tops = [100, *mins[:-1]]
    points = sorted(
        ((low + top) / 2, math.log(EFFECTS["grade_profiles"][profile][g["grade"]]))
        for g, low, top in zip(SCORED["grades"], mins, tops, strict=True)
    )

    def curve(x: float) -> float:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        i = (
            1
            if x <= xs[1]
            else len(xs) - 1
            if x > xs[-2]
            else next(k for k in range(1, len(xs)) if x <= xs[k])
        )
        return math.exp(ys[i - 1] + (ys[i] - ys[i - 1]) * (x - xs[i - 1]) / (xs[i] - xs[i - 1]))

    return curve(value) / curve(EFFECTS["average_insured"]["score"])


def _rows_product(
    entry: dict[str, Any], detected: set[str], effective: dict[str, Any]
) -> tuple[float, float]:
    freq = sev = 1.0
    for row in entry["rows"]:
        if "finding" in row:
            effect = row if row["finding"] in detected else None
        elif "answers" in row:
            effect = row["answers"].get(effective.get(row["question"]))
        else:
            value = effective.get(row["question"])
            effect = (
                None
                if value is None
                else next((b for b in row["bands"] if value <= b["at_most"]), None)
            )
        if effect is not None:
            freq *= effect.get("frequency", 1)
            sev *= effect.get("severity", 1)
    return freq, sev


def _by_hand(value: float, detected: set[str], effective: dict[str, Any]) -> dict[str, Modifier]:
    """The modifier of each scenario straight from the YAML table (independent of the code)."""
    low_f, high_f = EFFECTS["bounds"]["frequency"]
    low_s, high_s = EFFECTS["bounds"]["severity"]
    average = EFFECTS["average_insured"]["answers"]
    out = {}
    for name, entry in EFFECTS["scenarios"].items():
        freq, sev = _rows_product(entry, detected, effective)
        norm_f, norm_s = _rows_product(entry, set(), average)
        freq *= _g(entry["grade"]["profile"], value) / norm_f
        sev /= norm_s
        out[name] = Modifier(min(max(freq, low_f), high_f), min(max(sev, low_s), high_s))
    return out


def test_worked_example_matches_the_table_scenario_by_scenario(
    questionnaire: Questionnaire,
) -> None:
    findings = [
        finding("service.rdp_exposed", port=3389),
        finding("email.no_dmarc"),
        finding("scan.timeout", "c.example.cn"),
    ]
    given = answers(
        {
            "ctx.remote_access": "yes",
            "ctx.makes_transfers": "no",
            "ctx.personal_data": "yes",
            "ctx.develops_software": "no",
            "mfa.email": "partial",
            "mfa.remote_access": "yes",
            "edr.coverage": "edr_partial",
            "edr.monitored": "no",
            "backup.exists": "yes",
            "backup.offline": "partial",
            "backup.restore_test_months": 9,
            "patch.critical_days": 10,
            "eol.software": "isolated",
            "log.monitoring": "business_hours",
            "ir.plan": "yes",
            "ir.exercise_months": 30,
            "network.segmentation": "yes",
            "data.encryption": "no",
        }
    )
    result = score(findings, given, questionnaire=questionnaire)
    # Effective answers, worked out by reading the questionnaire: answered ones as given;
    # payments.* are not asked (no transfers) and count as their best answer ("yes"), as
    # dev.secure_sdlc does (no software products); everything unanswered counts as its worst,
    # which no row lists (inconclusive scan.timeout matches no finding row).
    effective: dict[str, Any] = {
        "mfa.email": "partial",
        "mfa.remote_access": "yes",
        "edr.coverage": "edr_partial",
        "backup.offline": "partial",
        "backup.restore_test_months": 9,
        "patch.critical_days": 10,
        "eol.software": "isolated",
        "log.monitoring": "business_hours",
        "ir.exercise_months": 30,
        "network.segmentation": "yes",
        "data.encryption": "no",
        "payments.callback": "yes",
        "payments.dual_approval": "yes",
        "dev.secure_sdlc": "yes",
    }
    value = float(result.value)
    expected = _by_hand(value, {"service.rdp_exposed", "email.no_dmarc"}, effective)
    got = risk_modifiers(result, given, findings, questionnaire=questionnaire)
    assert result.grade == "D"
    assert set(got) == set(expected)
    for name in expected:
        assert got[name].frequency == pytest.approx(expected[name].frequency, rel=1e-12), name
        assert got[name].severity == pytest.approx(expected[name].severity, rel=1e-12), name
    # Spot-check one scenario in full, ransomware: RDP 2.5, end-of-life isolated 0.577, MFA
    # remote 0.85, MFA e-mail partial 0.96, EDR partial 0.85, patches in 10 days 0.7, monitoring
    # in business hours 0.95; over the average insured's rows: end-of-life isolated 0.577, MFA
    # remote, admin and e-mail partial 0.92, 0.96, 0.96, hardening partial 0.75, EDR partial
    # 0.85, patches in 14 days 0.7, e-mail filtering 0.9, monitoring in business hours 0.95.
    ransom = 2.5 * 0.577 * 0.85 * 0.96 * 0.85 * 0.7 * 0.95
    average = 0.577 * 0.92 * 0.96 * 0.96 * 0.75 * 0.85 * 0.7 * 0.9 * 0.95
    breakdown = modifier_breakdown(result, given, findings, questionnaire=questionnaire)
    unclamped = math.prod(a.frequency for a in breakdown["ransomware"].applied)
    assert unclamped == pytest.approx(_g("strong", value) * ransom / average, rel=1e-12)
    assert got["ransomware"].frequency == min(unclamped, EFFECTS["bounds"]["frequency"][1])
    average_severity = 0.95 * 0.75 * 0.9 * 0.9 * 0.92  # monitoring, backups, test, segments, IR
    assert got["ransomware"].severity == pytest.approx(
        0.75 * 0.9 * 0.8 * 0.95 / average_severity, rel=1e-12
    )
    assert [a.ref for a in breakdown["bec_funds_transfer"].applied] == [
        f"score:{value:g}",
        "email.no_dmarc",
        "mfa.email",
        "payments.callback",
        "payments.dual_approval",
        "average_insured",
    ]


def test_modifiers_are_held_within_the_bounds(questionnaire: Questionnaire) -> None:
    findings = [finding(code) for code in vocabulary()]
    result = score(findings, None, questionnaire=questionnaire)
    breakdown = modifier_breakdown(result, None, findings, questionnaire=questionnaire)
    ransomware = breakdown["ransomware"]
    assert ransomware.clamped
    assert ransomware.modifier.frequency == EFFECTS["bounds"]["frequency"][1]
    assert math.prod(a.frequency for a in ransomware.applied) > ransomware.modifier.frequency


def test_enterprise_model_scales_each_library_scenario_by_its_modifier() -> None:
    modifiers = {"ransomware": Modifier(0.5, 0.8), "bec_funds_transfer": Modifier(2.0, 1.0)}
    revenue = 30_000_000
    model = enterprise_model("C", revenue, modifiers)
    plain = Model(library_scenarios("C", revenue))
    expected = 0.0
    for scenario in plain.scenarios:
        mod = modifiers.get(scenario.name, Modifier())
        mean = scenario.frequency.mean * sum(c.ground_up.mean for c in scenario.components)
        expected += mod.frequency * mod.severity * mean
    assert model.ground_up_mean == pytest.approx(expected, rel=1e-12)
    assert model.terms.is_ground_up
    assert {s.name for s in model.scenarios} == set(scenario_names())
