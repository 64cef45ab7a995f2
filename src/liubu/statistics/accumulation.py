"""The regulator's market accumulation by dependency (市场依赖累积): across ALL insurers, how many
insured enterprises rely on each provider (and each cloud region), and the sum insured
(aggregate limits) of their covers in force — aggregates only, cut by the market statistics'
small-cell rule (:func:`liubu.statistics.suppression.merge_plan`).

**Who is counted.** Every enterprise insured on the day, by its own policy in force or by a
group certificate in force (:meth:`RiskQueries.insured_covers`, as the industry risk view),
counted once by credit code. Its dependencies are those the insurer's book reads
(:func:`liubu.assessment.derive_dependencies`: declared, from its latest scan, the security
provider serving it on the platform).

**Groups.** ``provider``: one group per dependency kind and provider (a cloud provider by its
vocabulary name, a software product by its vendor); ``cloud_region``: one per cloud provider
and region. An insured is in every group it relies on; its **sum insured** is the sum of the
aggregate limits of its covers in force that day, counted once per group.

**Suppression.** Each table on its own, by distinct insureds: a group of fewer than the minimum
is merged into ``other`` with the complementary groups the rule adds; the whole view is withheld
when fewer than the minimum are insured. No insured, insurer, policy or id is in the output.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from liubu.accounts import OrgKind, Role, UnitOfWork, require
from liubu.assessment import (
    DependencySources,
    InsuredDependency,
    cloud_providers,
    dependency_kinds,
    derive_dependencies,
)
from liubu.core import shanghai_today
from liubu.errors import ValidationError
from liubu.products import Lang
from liubu.statistics.exposure import RiskQueries
from liubu.statistics.names import export_word
from liubu.statistics.records import MIN_INSUREDS, InsuredCover
from liubu.statistics.suppression import OTHER, merge_plan

ACCUMULATION_DIMENSIONS = ("provider", "cloud_region")


class AccumulationQueries(RiskQueries, Protocol):
    """The market-wide reads of the accumulation view."""

    def cover_limits(self, cover_ids: Collection[str]) -> Mapping[str, Decimal]:
        """The aggregate limit of each cover (policy or certificate)."""
        ...

    def dependency_sources(
        self, enterprise_ids: Collection[str]
    ) -> Mapping[str, DependencySources]: ...


class AccumulationUnitOfWork(UnitOfWork, Protocol):
    @property
    def statistics(self) -> AccumulationQueries: ...


@dataclass(frozen=True, slots=True)
class AccumulationCell:
    """One group: its insureds and their sum insured; ``merged`` > 0 only on :data:`OTHER`."""

    key: str
    name: str
    insureds: int
    sum_insured: Decimal
    merged: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "insureds": self.insureds,
            "sum_insured": str(self.sum_insured),
            "merged": self.merged,
        }


@dataclass(frozen=True)
class DependencyAccumulation:
    """The published view; ``totals`` None (tables empty) when too few are insured."""

    on: date
    minimum: int
    totals: AccumulationCell | None
    by: Mapping[str, Sequence[AccumulationCell]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "minimum_insureds": self.minimum,
            "withheld": self.totals is None,
            "totals": None if self.totals is None else self.totals.to_dict(),
            "by": {d: [c.to_dict() for c in cells] for d, cells in self.by.items()},
        }


@dataclass(frozen=True, slots=True)
class _Insured:
    keys: Mapping[str, frozenset[str]]
    sum_insured: Decimal


def _group_keys(dependency: InsuredDependency) -> dict[str, str]:
    provider = dependency.provider.casefold() if dependency.kind != "cloud" else dependency.provider
    keys = {"provider": f"{dependency.kind}:{provider}"}
    if dependency.kind == "cloud" and dependency.region:
        keys["cloud_region"] = f"{dependency.provider}:{dependency.region}"
    return keys


def _names(
    insured_dependencies: Sequence[InsuredDependency], lang: Lang
) -> dict[str, dict[str, str]]:
    kinds = {k.code: (k.zh if lang == "zh" else k.en) for k in dependency_kinds()}
    clouds = {p.code: (p.zh if lang == "zh" else p.en) for p in cloud_providers()}
    names: dict[str, dict[str, str]] = {d: {} for d in ACCUMULATION_DIMENSIONS}
    for dependency in insured_dependencies:
        provider = clouds.get(dependency.provider, dependency.provider)
        keys = _group_keys(dependency)
        names["provider"].setdefault(keys["provider"], f"{kinds[dependency.kind]} · {provider}")
        if "cloud_region" in keys:
            names["cloud_region"].setdefault(
                keys["cloud_region"], f"{provider} {dependency.region}"
            )
    return names


def accumulation_view(
    covers: Sequence[InsuredCover],
    limits: Mapping[str, Decimal],
    dependencies: Mapping[str, Sequence[InsuredDependency]],
    *,
    on: date,
    minimum: int = MIN_INSUREDS,
    lang: Lang = "zh",
) -> DependencyAccumulation:
    """The view from the covers in force, their limits (by cover id) and each insured
    enterprise's dependencies (by enterprise id). Pure."""
    grouped: dict[str, list[InsuredCover]] = {}
    for cover in covers:
        grouped.setdefault(cover.insured, []).append(cover)
    insureds: list[_Insured] = []
    seen_deps: list[InsuredDependency] = []
    for found in grouped.values():
        keys: dict[str, set[str]] = {d: set() for d in ACCUMULATION_DIMENSIONS}
        for enterprise_id in dict.fromkeys(c.enterprise_id for c in found):
            for dependency in dependencies.get(enterprise_id, ()):
                seen_deps.append(dependency)
                for dimension, key in _group_keys(dependency).items():
                    keys[dimension].add(key)
        total = sum((limits.get(c.cover_id, Decimal(0)) for c in found), Decimal(0))
        insureds.append(_Insured({d: frozenset(k) for d, k in keys.items()}, total))
    if 0 < len(insureds) < minimum:
        return DependencyAccumulation(on, minimum, None, {d: [] for d in ACCUMULATION_DIMENSIONS})
    names = _names(seen_deps, lang)
    other = export_word("other", "", lang)
    totals = _cell("total", export_word("dimensions", "total", lang), insureds)
    by = {
        dimension: _table(insureds, dimension, minimum, names[dimension], other)
        for dimension in ACCUMULATION_DIMENSIONS
    }
    return DependencyAccumulation(on, minimum, totals, by)


def _cell(key: str, name: str, members: Sequence[_Insured], merged: int = 0) -> AccumulationCell:
    return AccumulationCell(
        key, name, len(members), sum((m.sum_insured for m in members), Decimal(0)), merged
    )


def _table(
    insureds: Sequence[_Insured],
    dimension: str,
    minimum: int,
    names: Mapping[str, str],
    other: str,
) -> list[AccumulationCell]:
    def members(keys: Collection[str]) -> list[_Insured]:
        wanted = set(keys)
        return [i for i in insureds if i.keys[dimension] & wanted]

    keys = sorted({key for i in insureds for key in i.keys[dimension]})
    cells = [_cell(key, names.get(key, key), members([key])) for key in keys]
    if not cells:
        return []
    plan = merge_plan(
        [(c.key, c.insureds, c.insureds) for c in cells],
        minimum=minimum,
        insureds_of=lambda merged: len(members(merged)),
    )
    if plan is None:
        return []
    hidden, _count = plan
    shown = [c for c in cells if c.key not in set(hidden)]
    shown.sort(key=lambda c: (-c.sum_insured, -c.insureds, c.key))
    if not hidden:
        return shown
    return [*shown, _cell(OTHER, other, members(hidden), merged=len(hidden))]


def dependency_accumulation(
    uow: AccumulationUnitOfWork,
    *,
    on: date | None = None,
    minimum: int = MIN_INSUREDS,
    lang: Lang = "zh",
) -> DependencyAccumulation:
    """For regulators (and the platform operator): the market accumulation by dependency on
    ``on`` (today on the Beijing calendar)."""
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ValidationError(
            f"The minimum number of insureds per cell must be a positive integer, not {minimum!r}.",
            field="minimum",
            value=repr(minimum),
        )
    day = on or shanghai_today()
    with uow:
        require(
            uow.principal,
            Role.REGULATOR_VIEWER,
            Role.ADMIN,
            kinds=[OrgKind.REGULATOR, OrgKind.PLATFORM],
        )
        queries = uow.statistics
        covers = list(queries.insured_covers(day))
        limits = queries.cover_limits({c.cover_id for c in covers}) if covers else {}
        sources = queries.dependency_sources({c.enterprise_id for c in covers}) if covers else {}
    dependencies = {eid: derive_dependencies(s) for eid, s in sources.items()}
    return accumulation_view(covers, limits, dependencies, on=day, minimum=minimum, lang=lang)
