"""保中服务's stored records and the port the store implements for them.

:class:`ScheduledService` is one occurrence of a bundled service (or a monthly rescan) under one
policy: the insurer's (``tenant_id``), seen by the insured (``client_tenant_id``) and by the
provider it is assigned to (``provider_id``). ``(policy_id, service_code, sequence)`` is unique,
so scheduling twice creates nothing new. :class:`PanelEntry` puts a security provider on an
insurer's panel for one service. Both are audited by the store on every write.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from liubu.jobs import JobStore
from liubu.monitoring.records import MonitoringUnitOfWork
from liubu.products import ProductsUnitOfWork


@dataclass(eq=False)
class ScheduledService:
    """One due occurrence of a service under a policy, and how far its provider got."""

    id: str
    tenant_id: str  # the policy's insurer
    client_tenant_id: str  # the insured's tenant
    enterprise_id: str
    policy_id: str
    policy_number: str
    kind: str  # TaskKind
    service_code: str
    sequence: int  # 1, 2, … over the term
    due_on: date
    accept_by: date
    complete_by: date
    status: str  # TaskState
    created_at: datetime
    updated_at: datetime
    provider_id: str | None = None  # None: no provider on the insurer's panel for the service
    report: str | None = None  # the provider's report (bounded text)
    scan_id: str | None = None  # a scan given as evidence, or a rescan's own scan
    reject_reason: str | None = None
    accepted_at: datetime | None = None
    reported_at: datetime | None = None
    completed_at: datetime | None = None
    version: int = 1


@dataclass(eq=False)
class PanelEntry:
    """A security provider on an insurer's panel for one service, in the panel's order."""

    id: str
    tenant_id: str  # the insurer
    provider_id: str
    service_code: str
    rank: int
    created_at: datetime
    version: int = 1


@dataclass(frozen=True, slots=True)
class ServicePolicy:
    """A policy in force as the scheduler needs it."""

    policy_id: str
    policy_number: str
    tenant_id: str
    client_tenant_id: str
    enterprise_id: str
    product_ref: str
    period_start: date
    period_end: date


class ServiceRepository(Protocol):
    """Scheduled services and panels, scoped to the caller (the store implements it): the
    insurer its own, the insured its own, a provider the tasks assigned to it, the platform
    all."""

    def add(self, item: ScheduledService | PanelEntry) -> None: ...

    def remove(self, item: PanelEntry) -> None: ...

    def policies_in_force(self, on: date) -> Sequence[ServicePolicy]:
        """The caller's policies in force on ``on`` (group certificates are not scheduled)."""
        ...

    def tasks_of(self, policy_ids: Collection[str]) -> Sequence[ScheduledService]: ...

    def stopped(self, on: date) -> Sequence[ScheduledService]:
        """Pending tasks due on or after ``on`` whose policy is no longer in force on ``on``."""
        ...

    def task(self, task_id: str) -> ScheduledService:
        """A task the caller may see, or NotFoundError."""
        ...

    def tasks(
        self, *, enterprise_id: str | None = None, status: str | None = None
    ) -> list[ScheduledService]:
        """The tasks the caller may see, by due date."""
        ...

    def due_rescans(self, on: date) -> Sequence[ScheduledService]:
        """Rescan tasks due on or before ``on`` still pending and with no scan running."""
        ...

    def rescans_of_scan(self, scan_id: str) -> Sequence[ScheduledService]: ...

    def scan_enterprise(self, scan_id: str) -> str | None:
        """The enterprise a scan is of (whoever may see it), or None if there is no such scan."""
        ...

    def panel(self, tenant_id: str) -> Sequence[PanelEntry]:
        """An insurer's panel (the caller's own, or any for the platform), in order."""
        ...

    def assigned_providers(self, enterprise_ids: Collection[str]) -> dict[str, list[str]]:
        """The providers already assigned to each enterprise (remediation tasks), oldest first."""
        ...


class ServiceUnitOfWork(MonitoringUnitOfWork, ProductsUnitOfWork, Protocol):
    """Monitoring's unit of work with scheduled services, the product registry (a policy's
    bundled services) and the job queue (rescans)."""

    @property
    def services(self) -> ServiceRepository: ...

    @property
    def jobs(self) -> JobStore: ...
