"""Referral rules (核保转人工): auto-quote, refer to an underwriter, or decline.

The rules are data (``data/referral_rules.yaml``), per insurer over a default; each has a code,
an action (``refer`` or ``decline``), parameters and a bilingual reason. The decision is
``decline`` if any declining rule fires, else ``refer`` if any rule fires, else ``auto``.

Rules (code → fires when):

- ``not_eligible`` — the applicant fails any eligibility rule of the product;
- ``revenue_above_threshold`` — annual revenue > ``threshold``;
- ``poor_security_grade`` — the security grade is one of ``grades``;
- ``known_exploited_vulnerability`` — a known-exploited vulnerability is exposed;
- ``rate_adequacy_below_threshold`` — filed ÷ technical premium < ``threshold``;
- ``technical_premium_unavailable`` — no coverage of the product is modelled;
- ``critical_information_infrastructure`` — the applicant is a CII operator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from liubu.products import Text
from liubu.underwriting._data import DataFile, load_data
from liubu.underwriting.applicant import Applicant
from liubu.underwriting.eligibility import EligibilityFailure
from liubu.underwriting.quote import QuoteOption

RULE_CODES = (
    "not_eligible",
    "revenue_above_threshold",
    "poor_security_grade",
    "known_exploited_vulnerability",
    "rate_adequacy_below_threshold",
    "technical_premium_unavailable",
    "critical_information_infrastructure",
)
_NEEDS_THRESHOLD = ("revenue_above_threshold", "rate_adequacy_below_threshold")
Action = Literal["refer", "decline"]
Decision = Literal["auto", "refer", "decline"]


@dataclass(frozen=True, slots=True)
class ReferralRule:
    """One rule: its code, action, parameters and reason template."""

    code: str
    action: Action
    reason: Text
    threshold: Decimal | None = None
    grades: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class ReferralRules:
    """An insurer's rules and where they were read from."""

    insurer: str
    rules: tuple[ReferralRule, ...]
    source: str

    def rule(self, code: str) -> ReferralRule:
        return next(r for r in self.rules if r.code == code)


@dataclass(frozen=True, slots=True)
class ReferralReason:
    """A rule that fired, with its reason filled in."""

    code: str
    action: Action
    reason: Text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "action": self.action, "reason": self.reason.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReferralReason:
        action: Action = "decline" if data["action"] == "decline" else "refer"
        reason = data["reason"]
        return cls(str(data["code"]), action, Text(str(reason["zh"]), str(reason["en"])))


@dataclass(frozen=True)
class Referral:
    """The decision and every reason behind it (empty for ``auto``)."""

    decision: Decision
    reasons: tuple[ReferralReason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision, "reasons": [r.to_dict() for r in self.reasons]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Referral:
        decision = data["decision"]
        if decision not in ("auto", "refer", "decline"):
            raise ValueError(f"unknown referral decision {decision!r}")
        return cls(decision, tuple(ReferralReason.from_dict(r) for r in data.get("reasons", ())))


def _rule(data: DataFile, path: tuple[str | int, ...], merged: Mapping[str, Any]) -> ReferralRule:
    code = merged.get("code")
    if code not in RULE_CODES:
        raise data.fail(
            f"Unknown referral rule {code!r}; known rules are {list(RULE_CODES)}.", path
        )
    action = merged.get("action")
    if action not in ("refer", "decline"):
        raise data.fail(f"The action of {code} must be refer or decline; got {action!r}.", path)
    threshold = None
    if code in _NEEDS_THRESHOLD:
        where = merged["_threshold_path"]
        threshold = data.decimal(where, low=Decimal(0))
    grades = tuple(str(g) for g in merged.get("grades", ()))
    if code == "poor_security_grade" and not grades:
        raise data.fail("The rule poor_security_grade needs a list of grades.", path)
    enabled = merged.get("enabled", True)
    if not isinstance(enabled, bool):
        raise data.fail(f"The flag enabled of {code} must be true or false.", path)
    return ReferralRule(code, action, data.text((*path, "reason")), threshold, grades, enabled)


def referral_rules(insurer: str) -> ReferralRules:
    """The insurer's referral rules: the default rules with the insurer's overrides by code."""
    data = load_data("referral_rules.yaml")
    overrides = data.mapping(("insurers",)).get(insurer, {}).get("rules", {})
    rules = []
    for i, raw in enumerate(data.get(("default", "rules"))):
        path: tuple[str | int, ...] = ("default", "rules", i)
        merged = dict(raw)
        merged["_threshold_path"] = (*path, "threshold")
        own = overrides.get(raw.get("code"))
        if own:
            over = ("insurers", insurer, "rules", str(raw["code"]))
            merged.update(own)
            if "threshold" in own:
                merged["_threshold_path"] = (*over, "threshold")
        rules.append(_rule(data, path, merged))
    unknown = sorted(set(overrides) - set(RULE_CODES))
    if unknown:
        raise data.fail(f"Unknown referral rule {unknown[0]!r}.", ("insurers", insurer, "rules"))
    source = f"referral_rules.yaml:{'insurers.' + insurer if overrides else 'default'}"
    return ReferralRules(insurer, tuple(rules), source)


def _fill(rule: ReferralRule, **values: object) -> ReferralReason:
    text = Text(rule.reason.zh.format(**values), rule.reason.en.format(**values))
    return ReferralReason(rule.code, rule.action, text)


def _fires(
    rule: ReferralRule,
    applicant: Applicant,
    option: QuoteOption,
    failures: Sequence[EligibilityFailure],
) -> ReferralReason | None:
    code = rule.code
    if code == "not_eligible" and failures:
        return _fill(rule, failures=", ".join(f.rule for f in failures))
    threshold = rule.threshold
    if (
        code == "revenue_above_threshold"
        and threshold is not None
        and applicant.revenue > threshold
    ):
        return _fill(rule, revenue=f"{applicant.revenue:,f}", threshold=f"{threshold:,f}")
    if code == "poor_security_grade" and applicant.grade in rule.grades:
        return _fill(rule, grade=applicant.grade)
    if code == "known_exploited_vulnerability" and applicant.known_exploited_exposed:
        return _fill(rule)
    adequacy = option.rate_adequacy
    if (
        code == "rate_adequacy_below_threshold"
        and threshold is not None
        and adequacy is not None
        and adequacy < threshold
    ):
        return _fill(rule, adequacy=adequacy, threshold=threshold)
    if code == "technical_premium_unavailable" and adequacy is None:
        return _fill(rule)
    if code == "critical_information_infrastructure" and applicant.cii_operator:
        return _fill(rule)
    return None


def evaluate_referral(
    applicant: Applicant,
    option: QuoteOption,
    *,
    rules: ReferralRules | None = None,
    eligibility_failures: Sequence[EligibilityFailure] = (),
) -> Referral:
    """Auto-quote, refer or decline ``option`` for ``applicant`` under ``rules`` (the option's
    insurer's by default); pass the product's eligibility failures to let them decline."""
    chosen = rules or referral_rules(option.insurer)
    reasons = [
        reason
        for rule in chosen.rules
        if rule.enabled
        and (reason := _fires(rule, applicant, option, eligibility_failures)) is not None
    ]
    decision: Decision = "auto"
    if any(r.action == "decline" for r in reasons):
        decision = "decline"
    elif reasons:
        decision = "refer"
    return Referral(decision, tuple(reasons))
