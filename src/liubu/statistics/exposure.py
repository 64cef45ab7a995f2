"""The regulator's industry risk view (行业风险): among the enterprises insured on a day, the
share with known-exploited software and the share with unresolved high or critical alerts, by
industry section and by province — aggregates only, cut by the same small-cell rule as the
market statistics (:func:`liubu.statistics.suppression.merge_plan`).

**Who is counted.** Every enterprise insured on the day, by its own policy in force or by a
certificate under a group master policy in force — the covers the watch list reads — counted
once by credit code (one company registered by two tenants is one insured), as the market
statistics count insureds. A policy's industry and province are those it was bound with; a
certificate's its member's.

**KEV-exposed** (已知被利用漏洞暴露): the enterprise's watched software — the versioned CPE names
its latest finished scan identified (:func:`liubu.monitoring.scanned_software`, the watch
list's rule) — has a CVE listed in CISA's KEV catalogue, judged now by the vulnerability index
over the stored feed files (as the scan's own findings are: platforms assumed). Derived from
the watch list and the index rather than from KEV alerts because exposure is a state, not an
event: an alert is raised only when a KEV *addition* is ingested, so software found by a scan
after its CVE was listed never raises one, and alerts are later closed or marked false positive
for reasons that do not remove the software; a rescan after the fix does remove it.

**Open high/critical alerts**: an alert of severity ``high`` or ``critical`` on one of the
enterprise's covers in force, in a status where it is still being worked
(:data:`liubu.monitoring.ACTIVE_STATUSES`: a repeat would fold into it).

**Suppression.** Each one-way table (industry, province) on its own: a group of fewer than the
minimum of insureds is merged into ``other`` with the complementary cells the market statistics
would add; the whole view is withheld when fewer than the minimum are insured. Shares describe
a group's insureds, never fewer than the minimum. No enterprise, policy or id is in the output.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from liubu.accounts import OrgKind, Role, require
from liubu.assessment import AssessmentUnitOfWork, IndexCache
from liubu.core import shanghai_today
from liubu.errors import ValidationError
from liubu.intel import VulnerabilityIndex, parse_any_cpe
from liubu.monitoring import ACTIVE_STATUSES, AlertSeverity, scanned_software
from liubu.products import Lang
from liubu.statistics.figures import StatisticsQueries
from liubu.statistics.names import export_word, key_names
from liubu.statistics.records import MIN_INSUREDS, InsuredCover
from liubu.statistics.suppression import OTHER, merge_plan

RISK_DIMENSIONS = ("industry_section", "region")
#: The severities counted as serious.
SERIOUS_SEVERITIES = (AlertSeverity.CRITICAL, AlertSeverity.HIGH)


class RiskQueries(StatisticsQueries, Protocol):
    """The market-wide reads of the industry risk view (the store's statistics queries)."""

    def insured_covers(self, on: date) -> Sequence[InsuredCover]: ...
    def latest_scan_results(self, enterprise_ids: Collection[str]) -> Mapping[str, Any]: ...
    def alerted_covers(
        self, cover_ids: Collection[str], *, severities: Collection[str], statuses: Collection[str]
    ) -> set[str]: ...


class IndustryRiskUnitOfWork(AssessmentUnitOfWork, Protocol):
    """The assessment's unit of work (its feed files give the vulnerability index) with the
    market-wide queries."""

    @property
    def statistics(self) -> RiskQueries: ...


@dataclass(frozen=True, slots=True)
class RiskCell:
    """One group of insured enterprises: how many, how many KEV-exposed, how many with an open
    high or critical alert; ``merged`` > 0 only on the :data:`OTHER` row (groups merged)."""

    key: str
    name: str
    insureds: int
    kev_exposed: int
    alerted: int
    merged: int = 0

    @property
    def kev_share(self) -> float:
        return self.kev_exposed / self.insureds if self.insureds else 0.0

    @property
    def alert_share(self) -> float:
        return self.alerted / self.insureds if self.insureds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "insureds": self.insureds,
            "kev_exposed": self.kev_exposed,
            "kev_exposed_share": round(self.kev_share, 4),
            "open_high_alerts": self.alerted,
            "open_high_alerts_share": round(self.alert_share, 4),
            "merged": self.merged,
        }


@dataclass(frozen=True)
class IndustryRisk:
    """The published view; ``totals`` is None (and the tables empty) when fewer than
    ``minimum`` enterprises are insured on the day."""

    on: date
    minimum: int
    totals: RiskCell | None
    by: Mapping[str, Sequence[RiskCell]]

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
    """What the view knows of one insured (credit code): its groups and its two facts."""

    keys: Mapping[str, frozenset[str]]
    kev_exposed: bool
    alerted: bool


def risk_view(
    covers: Iterable[InsuredCover],
    *,
    kev_exposed: Collection[str],
    alerted: Collection[str],
    on: date,
    minimum: int = MIN_INSUREDS,
    lang: Lang = "zh",
) -> IndustryRisk:
    """The view from the covers in force, the enterprises (ids) with KEV-exposed software and
    the covers (ids) with an open high/critical alert. Pure."""
    exposed, flagged = set(kev_exposed), set(alerted)
    grouped: dict[str, list[InsuredCover]] = {}
    for cover in covers:
        grouped.setdefault(cover.insured, []).append(cover)
    insureds = [
        _Insured(
            keys={
                "industry_section": frozenset(c.industry_section for c in found),
                "region": frozenset(c.region for c in found),
            },
            kev_exposed=any(c.enterprise_id in exposed for c in found),
            alerted=any(c.cover_id in flagged for c in found),
        )
        for found in grouped.values()
    ]
    other = export_word("other", "", lang)
    if 0 < len(insureds) < minimum:
        return IndustryRisk(on, minimum, None, {d: [] for d in RISK_DIMENSIONS})
    names = key_names(lang)
    totals = _cell("total", export_word("dimensions", "total", lang), insureds)
    by = {
        dimension: _table(insureds, dimension, minimum, names.get(dimension, {}), other)
        for dimension in RISK_DIMENSIONS
    }
    return IndustryRisk(on, minimum, totals, by)


def _cell(key: str, name: str, members: Sequence[_Insured], merged: int = 0) -> RiskCell:
    return RiskCell(
        key=key,
        name=name,
        insureds=len(members),
        kev_exposed=sum(m.kev_exposed for m in members),
        alerted=sum(m.alerted for m in members),
        merged=merged,
    )


def _table(
    insureds: Sequence[_Insured],
    dimension: str,
    minimum: int,
    names: Mapping[str, str],
    other: str,
) -> list[RiskCell]:
    def members(keys: Collection[str]) -> list[_Insured]:
        wanted = set(keys)
        return [i for i in insureds if i.keys[dimension] & wanted]

    keys = sorted({key for i in insureds for key in i.keys[dimension]})
    cells = [_cell(key, names.get(key, key), members([key])) for key in keys]
    plan = merge_plan(
        [(c.key, c.insureds, c.insureds) for c in cells],
        minimum=minimum,
        insureds_of=lambda merged: len(members(merged)),
    )
    if plan is None:
        return []
    hidden, _count = plan
    if not hidden:
        return cells
    shown = [c for c in cells if c.key not in set(hidden)]
    return [*shown, _cell(OTHER, other, members(hidden), merged=len(hidden))]


def kev_exposed_enterprises(
    software: Mapping[str, Sequence[str]], index: VulnerabilityIndex
) -> set[str]:
    """The enterprises (ids) any of whose software names has a CVE in the KEV catalogue; each
    distinct name is judged once."""
    verdicts: dict[str, bool] = {}

    def listed(name: str) -> bool:
        if name not in verdicts:
            matches = index.match_asset([parse_any_cpe(name)], assume_platforms=True)
            verdicts[name] = any(m.in_kev for m in matches)
        return verdicts[name]

    return {eid for eid, names in software.items() if any(listed(n) for n in names)}


def industry_risk(
    uow: IndustryRiskUnitOfWork,
    *,
    on: date | None = None,
    minimum: int = MIN_INSUREDS,
    lang: Lang = "zh",
    intel: IndexCache | None = None,
) -> IndustryRisk:
    """For regulators (and the platform operator): the industry risk view on ``on`` (today on
    the Beijing calendar); ``intel`` caches the vulnerability index between calls."""
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
        covers = queries.insured_covers(day)
        enterprise_ids = {c.enterprise_id for c in covers}
        scans = queries.latest_scan_results(enterprise_ids) if enterprise_ids else {}
        software = {eid: scanned_software(result) for eid, result in scans.items()}
        exposed: set[str] = set()
        if any(software.values()):
            exposed = kev_exposed_enterprises(software, (intel or IndexCache()).get(uow.intel))
        alerted = (
            queries.alerted_covers(
                {c.cover_id for c in covers},
                severities=[str(s) for s in SERIOUS_SEVERITIES],
                statuses=[str(s) for s in ACTIVE_STATUSES],
            )
            if covers
            else set()
        )
    return risk_view(
        covers, kev_exposed=exposed, alerted=alerted, on=day, minimum=minimum, lang=lang
    )
