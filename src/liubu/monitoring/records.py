"""The records monitoring keeps and reads, and the ports the store implements for it.

:class:`Alert` is a stored, audited record (mapped by the store like the other packages'
records): one per (policy, asset, indicator, rule) and de-duplication window. The watch list is
never stored: it is read from policies, assets and scans at call time (see
:mod:`liubu.monitoring.watched`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from liubu.assessment import AssessmentUnitOfWork
from liubu.notify import NotifyUnitOfWork

if TYPE_CHECKING:
    from liubu.monitoring.feeds import Feed


class AlertStatus(StrEnum):
    """Where an alert stands in its lifecycle (see :mod:`liubu.monitoring.lifecycle`): open →
    acknowledged → remediation → fix_reported (evidence awaiting the insurer) → fixed →
    closed; or false_positive from any active status."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    REMEDIATION = "remediation"
    FIX_REPORTED = "fix_reported"
    FIXED = "fixed"
    CLOSED = "closed"
    FALSE_POSITIVE = "false_positive"


# Statuses in which a repeat of the same (asset, indicator, rule) is folded into the alert
# rather than opening a new one: the alert is still being worked. A repeat after the fix
# opens a new alert (the indicator came back).
ACTIVE_STATUSES = frozenset(
    {
        AlertStatus.OPEN,
        AlertStatus.ACKNOWLEDGED,
        AlertStatus.REMEDIATION,
        AlertStatus.FIX_REPORTED,
    }
)


class MatchKind(StrEnum):
    """How an observation met a watched asset."""

    IP = "ip"  # the same address
    CIDR = "cidr"  # an address inside a watched network
    DOMAIN = "domain"  # the same domain name
    SUBDOMAIN = "subdomain"  # a name under a watched domain
    CPE = "cpe"  # the same software name
    CVE = "cve"  # the CVE applies to the software (liubu.intel says so)


class Cover(StrEnum):
    """What insures a watched enterprise: its own policy, or its certificate under a group's
    master policy (a supply chain's or a park's)."""

    POLICY = "policy"
    CERTIFICATE = "certificate"


@dataclass(frozen=True, slots=True)
class InsuredPolicy:
    """A cover in force and the enterprise it insures, as the watch list needs them:
    ``policy_id`` and ``policy_number`` are the policy's, or the certificate's for a group
    member (``cover``)."""

    policy_id: str
    policy_number: str
    enterprise_id: str
    enterprise_name: str
    insurer_tenant_id: str  # the cover's owner
    client_tenant_id: str  # the insured's tenant (a group member's own, not the sponsor's)
    cover: Cover = Cover.POLICY


@dataclass(eq=False)
class Alert:
    """An insured asset met an indicator: who is insured, what matched, how often and when.

    Belongs to the insurer (``tenant_id``) and is seen by the insured (``client_tenant_id``)
    and by security providers assigned to the enterprise."""

    id: str
    tenant_id: str
    client_tenant_id: str
    enterprise_id: str
    policy_id: str
    policy_number: str
    asset_kind: str
    asset_value: str
    indicator_kind: str
    indicator: str
    match_kind: str
    severity: str
    source: str
    rule: str
    evidence: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    count: int
    status: str
    created_at: datetime
    updated_at: datetime
    provider: str | None = None
    cover: str = Cover.POLICY  # policy_id names a policy, or a group member's certificate
    version: int = 1
    # The lifecycle (liubu.monitoring.lifecycle): service-level due times set at opening, the
    # security provider working the alert, escalation, why it was a false positive, and the
    # history of transitions (each a small JSON object: at, action, from, to, by, note...).
    acknowledge_due: datetime | None = None
    fix_due: datetime | None = None
    assigned_provider_id: str | None = None
    escalation_level: int = 0
    escalated_at: datetime | None = None
    resolution: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


class MonitoringRepository(Protocol):
    """What monitoring reads and writes, scoped to the caller (the store implements it)."""

    def insured_policies(self, on: date) -> Sequence[InsuredPolicy]:
        """Policies, and group members' certificates, in force on ``on`` that the caller may
        watch: an insurer's own, the insured's own (a member's certificate, not the sponsor's
        view of it), those of enterprises assigned to a security provider, all for the
        platform; by number."""
        ...

    def verified_hosts(
        self, enterprise_ids: Collection[str], *, scannable: bool = False
    ) -> Sequence[tuple[str, str]]:
        """``(enterprise_id, name)`` of every verified asset of these enterprises (with
        ``scannable``, only those the scanner may probe: not the demo's)."""
        ...

    def latest_scan_results(self, enterprise_ids: Collection[str]) -> Mapping[str, Any]:
        """The stored result of each enterprise's latest finished scan, by enterprise id."""
        ...

    def serves(self, enterprise_id: str) -> bool:
        """Whether the caller may send events for the enterprise: the platform for any that
        exists, a security provider for one assigned to it (a service task), no one else."""
        ...

    def add(self, item: object) -> None:
        """Store a new alert or feed."""
        ...

    def feeds(self) -> Sequence[Feed]:
        """The feeds (:class:`liubu.monitoring.Feed`), by name; the platform's only."""
        ...

    def feed(self, name: str) -> Feed | None:
        """The feed of that name, or None."""
        ...

    def active_alerts(self, keys: Collection[tuple[str, str, str, str]]) -> Sequence[Alert]:
        """Alerts in an active status whose (policy_id, asset_value, indicator, rule) is one
        of ``keys``, whoever may see them (the caller's scope already bounded the keys)."""
        ...

    def seen_fingerprints(self, keys: Collection[str]) -> Collection[str]:
        """Those of ``keys`` recorded before (and not yet forgotten)."""
        ...

    def remember_fingerprints(self, keys: Collection[str], *, at: datetime) -> None: ...

    def forget_fingerprints(self, *, before: datetime) -> int:
        """Drop fingerprints recorded before ``before``; how many were dropped."""
        ...

    def alerts(self, *, enterprise_id: str | None = None, status: str | None = None) -> list[Alert]:
        """The alerts the caller may see, newest first."""
        ...

    def alert(self, alert_id: str) -> Alert:
        """One alert the caller may see (``NotFoundError`` otherwise)."""
        ...

    def overdue_alerts(self, now: datetime) -> Sequence[Alert]:
        """Alerts the caller may see, still being worked, with a due time before ``now``."""
        ...

    def rule_counts(self) -> Sequence[tuple[str, str, int, int]]:
        """``(source, rule, alerts, false positives)`` over the alerts the caller may see."""

    def alerts_of_enterprises(self, enterprise_ids: Collection[str]) -> Sequence[Alert]:
        """Every alert of these enterprises, whoever's cover raised it (the score is the
        enterprise's: an insurer's rescore counts another insurer's alerts too; only the score
        comes out, never the alerts)."""
        ...


class MonitoringUnitOfWork(AssessmentUnitOfWork, NotifyUnitOfWork, Protocol):
    """The assessment's unit of work (its feed files give the vulnerability index) with the
    monitoring repository (and the notification store alerts are announced through)."""

    @property
    def monitoring(self) -> MonitoringRepository: ...
