"""Semantic rules over a built product: vocabulary, type, coverage terms, exclusions, services,
filing, trigger, eligibility and group arrangement. Rate-plan rules are in :mod:`rate_rules`.

Each rule yields :class:`Breach` values with a stable code (listed in ``data/rules.yaml``) and the
field path it concerns; the validator turns them into located, bilingual issues.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from liubu.products.issues import Breach
from liubu.products.rate_rules import rate_plan_breaches
from liubu.products.spec import Coverage, ProductSpec
from liubu.products.vocabulary import ProductTypeTerm, Vocabulary

OUTAGE_SEMANTICS = ("time_deductible", "qualifying_period")


def closest(code: str, known: Iterable[str]) -> str:
    """The known code closest to ``code`` (for a "did you mean"), or an empty string."""
    close = difflib.get_close_matches(code, list(known), n=1)
    return close[0] if close else ""


def product_breaches(spec: ProductSpec, vocabulary: Vocabulary) -> list[Breach]:
    """Every semantic rule the product breaks, in document order of the parts checked."""
    found: list[Breach] = []
    for rule in (_filing, _trigger, _eligibility):
        found.extend(rule(spec))
    for vocabulary_rule in (_product_type, _coverages, _exclusions, _services, _group):
        found.extend(vocabulary_rule(spec, vocabulary))
    found.extend(rate_plan_breaches(spec, vocabulary))
    return found


def _filing(spec: ProductSpec) -> Iterator[Breach]:
    if spec.status == "filed":
        number = None if spec.filing is None else spec.filing.number
        if number is None or not number.strip():
            path = "filing" if spec.filing is None else "filing.number"
            yield Breach(path, "filing.missing_number", {"product": spec.product_id})
    if spec.status in ("filed", "withdrawn") and spec.effective_from is None:
        yield Breach(
            "effective_from",
            "filing.missing_effective_from",
            {"product": spec.product_id, "status": spec.status},
        )


def _trigger(spec: ProductSpec) -> Iterator[Breach]:
    trigger = spec.trigger
    if trigger.basis == "occurrence":
        for name in ("retroactive_date", "retroactive_period_days"):
            if getattr(trigger, name) is not None:
                yield Breach(f"trigger.{name}", "trigger.retroactive_date_not_applicable", {})
        return
    if trigger.retroactive_date is None and trigger.retroactive_period_days is None:
        for index, exclusion in enumerate(spec.exclusions):
            if exclusion.code == "before_retroactive_date":
                yield Breach(f"exclusions[{index}].code", "trigger.retroactive_date_missing", {})
    retro = trigger.retroactive_date
    if retro is not None and spec.effective_from is not None and retro > spec.effective_from:
        yield Breach(
            "trigger.retroactive_date",
            "trigger.retroactive_date_after_start",
            {"date": retro, "start": spec.effective_from},
        )


def _eligibility(spec: ProductSpec) -> Iterator[Breach]:
    eligibility = spec.eligibility
    if eligibility.industry_sections is None:
        return
    for index, section in enumerate(eligibility.excluded_industry_sections):
        if section in eligibility.industry_sections:
            yield Breach(
                f"eligibility.excluded_industry_sections[{index}]",
                "eligibility.industry_conflict",
                {"section": section},
            )


def _product_type(spec: ProductSpec, vocabulary: Vocabulary) -> Iterator[Breach]:
    kind = vocabulary.product_types.get(spec.product_type)
    if kind is None:
        suggestion = closest(spec.product_type, vocabulary.product_types.codes())
        yield Breach(
            "type", "product.unknown_type", {"code": spec.product_type, "suggestion": suggestion}
        )
        return
    yield from _type_coverages(spec, kind, vocabulary)
    if spec.eligibility.insured != kind.insured:
        yield Breach(
            "eligibility.insured",
            "type.insured_mismatch",
            {"type": kind.code, "insured": spec.eligibility.insured, "expected": kind.insured},
        )
    if kind.requires_service and not spec.services:
        yield Breach("services", "type.missing_service", {"type": kind.code})
    if kind.group and spec.group is None:
        yield Breach("group", "group.missing", {"type": kind.code})
    if not kind.group and spec.group is not None:
        yield Breach("group", "group.unexpected", {"type": kind.code})


def _type_coverages(
    spec: ProductSpec, kind: ProductTypeTerm, vocabulary: Vocabulary
) -> Iterator[Breach]:
    """The coverages a product type allows, and those it requires."""
    parties_present: set[str] = set()
    for index, coverage in enumerate(spec.coverages):
        term = vocabulary.coverages.get(coverage.code)
        if term is None:
            continue
        parties_present.add(term.party)
        if term.party not in kind.parties:
            yield Breach(
                f"coverages[{index}].code",
                "type.coverage_not_allowed",
                {
                    "code": coverage.code,
                    "party": term.party,
                    "type": kind.code,
                    "allowed": kind.parties,
                },
            )
    missing = [code for code in kind.requires_all if spec.coverage(code) is None]
    if missing:
        yield Breach(
            "coverages", "type.missing_core_coverage", {"type": kind.code, "missing": missing}
        )
    for party in kind.requires_parties:
        if party not in parties_present:
            yield Breach("coverages", "type.missing_party", {"type": kind.code, "party": party})


def _coverages(spec: ProductSpec, vocabulary: Vocabulary) -> Iterator[Breach]:
    seen: set[str] = set()
    for index, coverage in enumerate(spec.coverages):
        path = f"coverages[{index}]"
        term = vocabulary.coverages.get(coverage.code)
        if term is None:
            suggestion = closest(coverage.code, vocabulary.coverages.codes())
            yield Breach(
                f"{path}.code",
                "coverage.unknown_code",
                {"code": coverage.code, "suggestion": suggestion},
            )
        if coverage.code in seen:
            yield Breach(f"{path}.code", "coverage.duplicate", {"code": coverage.code})
        seen.add(coverage.code)
        yield from _coverage_amounts(spec, coverage, path)
        waiting = coverage.waiting_period
        semantics = None if waiting is None else waiting.semantics
        if semantics in OUTAGE_SEMANTICS and term is not None and not term.outage:
            yield Breach(
                f"{path}.waiting_period.semantics",
                "coverage.waiting_period_not_applicable",
                {"code": coverage.code, "semantics": semantics},
            )


def _coverage_amounts(spec: ProductSpec, coverage: Coverage, path: str) -> Iterator[Breach]:
    """A sublimit within the limits offered, and a retention below what the cover can pay."""
    largest, smallest = max(spec.limit_options), min(spec.limit_options)
    if coverage.sublimit is not None and coverage.sublimit > largest:
        yield Breach(
            f"{path}.sublimit",
            "coverage.sublimit_above_limit",
            {"code": coverage.code, "sublimit": coverage.sublimit, "limit": largest},
        )
    retention = spec.retention_for(coverage)
    payable = spec.payable_limit(coverage, smallest)
    if retention is not None and retention.amount >= payable:
        where = f"{path}.retention" if coverage.retention is not None else "retention"
        yield Breach(
            where,
            "coverage.retention_not_below_limit",
            {"code": coverage.code, "retention": retention.amount, "limit": payable},
        )


def _exclusions(spec: ProductSpec, vocabulary: Vocabulary) -> Iterator[Breach]:
    seen: set[str] = set()
    audience = "personal" if spec.eligibility.insured == "individual" else "enterprise"
    for index, exclusion in enumerate(spec.exclusions):
        path = f"exclusions[{index}]"
        term = vocabulary.exclusions.get(exclusion.code)
        if exclusion.code in seen:
            yield Breach(f"{path}.code", "exclusion.duplicate", {"code": exclusion.code})
        seen.add(exclusion.code)
        if term is None:
            yield Breach(
                f"{path}.code",
                "exclusion.unknown_code",
                {
                    "code": exclusion.code,
                    "suggestion": closest(exclusion.code, vocabulary.exclusions.codes()),
                },
            )
            continue
        if term.lma_clause_required and exclusion.lma_clause is None:
            yield Breach(path, "exclusion.missing_lma_clause", {"code": exclusion.code})
        if not term.lma_clause_required and exclusion.lma_clause is not None:
            yield Breach(
                f"{path}.lma_clause",
                "exclusion.lma_clause_not_applicable",
                {"code": exclusion.code, "clause": exclusion.lma_clause},
            )
        if term.audience not in ("any", audience):
            yield Breach(
                f"{path}.code",
                "exclusion.audience_mismatch",
                {
                    "code": exclusion.code,
                    "audience": term.audience,
                    "insured": spec.eligibility.insured,
                },
            )


def _services(spec: ProductSpec, vocabulary: Vocabulary) -> Iterator[Breach]:
    seen: set[str] = set()
    for index, service in enumerate(spec.services):
        path = f"services[{index}]"
        term = vocabulary.services.get(service.code)
        if service.code in seen:
            yield Breach(f"{path}.code", "service.duplicate", {"code": service.code})
        seen.add(service.code)
        if term is None:
            yield Breach(
                f"{path}.code",
                "service.unknown_code",
                {
                    "code": service.code,
                    "suggestion": closest(service.code, vocabulary.services.codes()),
                },
            )
        elif term.response_time_required and service.response_time_minutes is None:
            yield Breach(path, "service.missing_response_time", {"code": service.code})


def _group(spec: ProductSpec, vocabulary: Vocabulary) -> Iterator[Breach]:
    group = spec.group
    if group is None:
        return
    sharing = group.premium_sharing
    needs = {
        "sponsor_base_member_float": ("sponsor_share", "floating_factor"),
        "fixed_split": ("sponsor_share",),
    }.get(sharing.method, ())
    missing = [name for name in needs if getattr(sharing, name) is None]
    if missing:
        yield Breach(
            "group.premium_sharing",
            "group.sharing_incomplete",
            {"method": sharing.method, "missing": missing},
        )
    filed = {coefficient.factor for coefficient in spec.rate_plan.coefficients}
    if sharing.floating_factor is not None and sharing.floating_factor not in filed:
        yield Breach(
            "group.premium_sharing.floating_factor",
            "group.floating_factor_not_in_rate_plan",
            {"factor": sharing.floating_factor, "filed": sorted(filed)},
        )
    if group.limit_basis == "shared_aggregate" and group.shared_aggregate_limit is None:
        yield Breach("group.limit_basis", "group.shared_limit_missing", {})
