"""Rules of a filed rate plan: coefficients and their ranges, the bound on their product, and a
base premium table without gaps, overlaps or contradictions."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from itertools import product as cartesian

from liubu.core import industry_sections
from liubu.products.issues import Breach
from liubu.products.rate_plan import BasePremiumRow, Coefficient, CurvePoint, RatePlan
from liubu.products.spec import ProductSpec
from liubu.products.vocabulary import RatingFactorTerm, Vocabulary

_ONE = Decimal(1)
_MAX_LISTED_GAPS = 6


def rate_plan_breaches(spec: ProductSpec, vocabulary: Vocabulary) -> list[Breach]:
    plan = spec.rate_plan
    found = list(_basis(spec))
    found.extend(_coefficients(plan, vocabulary))
    if not plan.product_bound.contains(_ONE):
        found.append(
            Breach(
                "rate_plan.product_bound",
                "rate_plan.bound_excludes_one",
                {"lo": plan.product_bound.lo, "hi": plan.product_bound.hi},
            )
        )
    found.extend(_revenue_bands(spec))
    found.extend(_industry_groups(spec))
    found.extend(_rows(spec))
    return found


def _basis(spec: ProductSpec) -> Iterator[Breach]:
    if spec.eligibility.insured == "individual":
        expected = "per_person"
    elif spec.group is not None:
        expected = "per_member"
    else:
        expected = "per_policy"
    if spec.rate_plan.basis != expected:
        yield Breach(
            "rate_plan.basis",
            "rate_plan.basis_mismatch",
            {"basis": spec.rate_plan.basis, "expected": expected},
        )


def _coefficients(plan: RatePlan, vocabulary: Vocabulary) -> Iterator[Breach]:
    seen: set[str] = set()
    for index, coefficient in enumerate(plan.coefficients):
        path = f"rate_plan.coefficients[{index}]"
        if coefficient.factor in seen:
            yield Breach(
                f"{path}.factor", "rate_plan.duplicate_factor", {"factor": coefficient.factor}
            )
        seen.add(coefficient.factor)
        filed = coefficient.range
        if not filed.contains(_ONE):
            yield Breach(
                f"{path}.range",
                "rate_plan.coefficient_range_excludes_one",
                {"factor": coefficient.factor, "lo": filed.lo, "hi": filed.hi},
            )
        for where, value in _guide_values(coefficient):
            if not filed.contains(value):
                yield Breach(
                    f"{path}.{where}.value",
                    "rate_plan.guide_value_outside_range",
                    {"factor": coefficient.factor, "value": value, "lo": filed.lo, "hi": filed.hi},
                )
        term = vocabulary.rating_factors.get(coefficient.factor)
        if term is None:
            close = difflib.get_close_matches(
                coefficient.factor, vocabulary.rating_factors.codes(), n=1
            )
            yield Breach(
                f"{path}.factor",
                "rate_plan.unknown_factor",
                {"factor": coefficient.factor, "suggestion": close[0] if close else ""},
            )
            continue
        yield from _guide_shape(path, coefficient, term)


def _guide_values(coefficient: Coefficient) -> Iterator[tuple[str, Decimal]]:
    for name in ("points", "steps"):
        for j, point in enumerate(getattr(coefficient, name)):
            yield f"{name}[{j}]", point.value
    for j, level in enumerate(coefficient.levels):
        yield f"levels[{j}]", level.value


def _guide_shape(path: str, coefficient: Coefficient, term: RatingFactorTerm) -> Iterator[Breach]:
    wants_levels = term.input == "level"
    if (wants_levels and coefficient.guide) or (not wants_levels and coefficient.levels):
        yield Breach(
            path,
            "rate_plan.guide_kind_mismatch",
            {"factor": coefficient.factor, "expected": "levels" if wants_levels else "points"},
        )
    guide, name = (
        (coefficient.points, "points") if coefficient.points else (coefficient.steps, "steps")
    )
    if term.input == "score" and guide:
        last_ok = guide[-1].at == 100 if name == "points" else guide[-1].at <= 100
        if guide[0].at != 0 or not last_ok:
            yield Breach(
                f"{path}.{name}",
                "rate_plan.score_curve_domain",
                {"factor": coefficient.factor, "first": guide[0].at, "last": guide[-1].at},
            )
    if term.monotone == "non_increasing":
        yield from _rising(f"{path}.{name}", coefficient.factor, guide)


def _rising(path: str, factor: str, guide: tuple[CurvePoint, ...]) -> Iterator[Breach]:
    """The first place where a guide that must never rise does rise."""
    for j in range(1, len(guide)):
        if guide[j].value > guide[j - 1].value:
            yield Breach(
                f"{path}[{j}].value",
                "rate_plan.coefficient_not_monotone",
                {
                    "factor": factor,
                    "at": guide[j].at,
                    "value": guide[j].value,
                    "previous_at": guide[j - 1].at,
                    "previous": guide[j - 1].value,
                },
            )
            return


def _revenue_bands(spec: ProductSpec) -> Iterator[Breach]:
    bands = spec.rate_plan.revenue_bands
    if not bands:
        return
    yield from _duplicate_codes("rate_plan.revenue_bands", [band.code for band in bands])
    order = sorted(range(len(bands)), key=lambda i: bands[i].lower)
    for before, after in pairwise(order):
        upper, lower = bands[before].upper, bands[after].lower
        if upper is None or upper > lower:
            yield Breach(
                f"rate_plan.revenue_bands[{after}]",
                "rate_plan.band_overlap",
                {"band": bands[after].code, "other": bands[before].code},
            )
        elif upper < lower:
            yield Breach(
                f"rate_plan.revenue_bands[{after}].from",
                "rate_plan.band_gap",
                {"gap_from": upper, "gap_to": lower},
            )
    eligible_from = spec.eligibility.revenue_min or Decimal(0)
    first, last = bands[order[0]], bands[order[-1]]
    if first.lower > eligible_from:
        yield Breach(
            f"rate_plan.revenue_bands[{order[0]}].from",
            "rate_plan.band_gap",
            {"gap_from": eligible_from, "gap_to": first.lower},
        )
    eligible_to = spec.eligibility.revenue_max
    if last.upper is not None and (eligible_to is None or eligible_to > last.upper):
        yield Breach(
            f"rate_plan.revenue_bands[{order[-1]}].to",
            "rate_plan.band_gap",
            {"gap_from": last.upper, "gap_to": "∞" if eligible_to is None else eligible_to},
        )


def _duplicate_codes(path: str, codes: list[str]) -> Iterator[Breach]:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            yield Breach(f"{path}[{index}].code", "rate_plan.duplicate_key", {"key": code})
        seen.add(code)


def _industry_groups(spec: ProductSpec) -> Iterator[Breach]:
    groups = spec.rate_plan.industry_groups
    if not groups:
        return
    yield from _duplicate_codes("rate_plan.industry_groups", [group.code for group in groups])
    owner: dict[str, str] = {}
    for index, group in enumerate(groups):
        for j, section in enumerate(group.sections):
            if section in owner:
                yield Breach(
                    f"rate_plan.industry_groups[{index}].sections[{j}]",
                    "rate_plan.industry_in_two_groups",
                    {"section": section, "group": group.code, "other": owner[section]},
                )
            owner.setdefault(section, group.code)
    eligible = [s.code for s in industry_sections() if spec.eligibility.admits_section(s.code)]
    unrated = [section for section in eligible if section not in owner]
    if unrated:
        yield Breach(
            "rate_plan.industry_groups", "rate_plan.industry_not_rated", {"sections": unrated}
        )


def _rows(spec: ProductSpec) -> Iterator[Breach]:
    plan = spec.rate_plan
    dimensions = {
        "revenue_band": [band.code for band in plan.revenue_bands],
        "industry_group": [group.code for group in plan.industry_groups],
    }
    seen: set[tuple[Decimal, str | None, str | None]] = set()
    for index, row in enumerate(plan.base_premiums):
        path = f"rate_plan.base_premiums[{index}]"
        if row.limit not in spec.limit_options:
            yield Breach(
                f"{path}.limit",
                "rate_plan.row_unknown_key",
                {"dimension": "limit", "key": row.limit, "known": list(spec.limit_options)},
            )
        for name, known in dimensions.items():
            key = getattr(row, name)
            if key is None and known:
                yield Breach(path, "rate_plan.row_missing_key", {"dimension": name, "known": known})
            elif key is not None and key not in known:
                yield Breach(
                    f"{path}.{name}",
                    "rate_plan.row_unknown_key",
                    {"dimension": name, "key": key, "known": known},
                )
        if row.key in seen:
            yield Breach(path, "rate_plan.duplicate_row", {"key": _describe(row.key)})
        seen.add(row.key)
    yield from _gaps(spec, seen, dimensions)
    yield from _limit_order(plan.base_premiums)


def _describe(key: tuple[Decimal, str | None, str | None]) -> str:
    limit, band, group = key
    parts = [f"limit {format(limit, 'f')}"]
    if band is not None:
        parts.append(f"revenue band {band}")
    if group is not None:
        parts.append(f"industry group {group}")
    return " / ".join(parts)


def _gaps(
    spec: ProductSpec,
    present: set[tuple[Decimal, str | None, str | None]],
    dimensions: dict[str, list[str]],
) -> Iterator[Breach]:
    bands: list[str | None] = list(dimensions["revenue_band"]) or [None]
    groups: list[str | None] = list(dimensions["industry_group"]) or [None]
    missing = [key for key in cartesian(spec.limit_options, bands, groups) if key not in present]
    if missing:
        listed = [_describe(key) for key in missing[:_MAX_LISTED_GAPS]]
        if len(missing) > _MAX_LISTED_GAPS:
            listed.append(f"… {len(missing) - _MAX_LISTED_GAPS} more")
        yield Breach(
            "rate_plan.base_premiums",
            "rate_plan.table_gap",
            {"count": len(missing), "missing": "; ".join(listed)},
        )


def _limit_order(rows: tuple[BasePremiumRow, ...]) -> Iterator[Breach]:
    by_cell: dict[tuple[str | None, str | None], list[int]] = {}
    for index, row in enumerate(rows):
        by_cell.setdefault((row.revenue_band, row.industry_group), []).append(index)
    for indices in by_cell.values():
        ordered = sorted(indices, key=lambda i: rows[i].limit)
        for before, after in pairwise(ordered):
            if (
                rows[after].limit > rows[before].limit
                and rows[after].premium < rows[before].premium
            ):
                yield Breach(
                    f"rate_plan.base_premiums[{after}].premium",
                    "rate_plan.premium_decreases_with_limit",
                    {
                        "limit": rows[after].limit,
                        "premium": rows[after].premium,
                        "lower_limit": rows[before].limit,
                        "lower_premium": rows[before].premium,
                    },
                )
