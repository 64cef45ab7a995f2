"""Storage of 保中服务: scheduled service tasks and insurers' provider panels.

Scope, in one place (:meth:`SqlServiceRepository._scope`): the platform sees every task; an
insurer the tasks of its policies; an enterprise its own; a security provider those assigned to
it; anyone else none. A panel is its insurer's alone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true
from sqlalchemy.orm import Session

from liubu.accounts import OrgKind, Principal
from liubu.assessment import ScanState
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.monitoring import (
    PENDING_TASKS,
    PanelEntry,
    ScheduledService,
    ServicePolicy,
    TaskKind,
)
from liubu.store import tables
from liubu.store.monitoring import chunks
from liubu.underwriting import PolicyState

_PENDING = [str(s) for s in PENDING_TASKS]


class SqlServiceRepository:
    """Implements :class:`liubu.monitoring.ServiceRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _scope(self) -> ColumnElement[bool]:
        t, me, kind = tables.scheduled_services, self.principal.tenant_id, self.principal.org_kind
        if kind is OrgKind.PLATFORM:
            return true()
        if kind is OrgKind.INSURER:
            return t.c.tenant_id == me
        if kind is OrgKind.ENTERPRISE:
            return t.c.client_tenant_id == me
        if kind is OrgKind.SECURITY_PROVIDER:
            return t.c.provider_id == me
        return false()

    def _own(self, tenant_id: str) -> None:
        if not self.principal.is_platform and tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("You may only change your own organisation's services.")

    def add(self, item: ScheduledService | PanelEntry) -> None:
        if not isinstance(item, ScheduledService | PanelEntry):
            raise TypeError(f"The service repository stores tasks and panels, not {item!r}.")
        self._own(item.tenant_id)
        self.session.add(item)

    def remove(self, item: PanelEntry) -> None:
        self._own(item.tenant_id)
        self.session.delete(item)

    def policies_in_force(self, on: date) -> Sequence[ServicePolicy]:
        p = tables.policies
        stmt = (
            select(
                p.c.id,
                p.c.number,
                p.c.tenant_id,
                p.c.client_tenant_id,
                p.c.enterprise_id,
                p.c.product_ref,
                p.c.period_start,
                p.c.period_end,
            )
            .where(p.c.status == PolicyState.IN_FORCE, p.c.period_start <= on, p.c.period_end > on)
            .order_by(p.c.number)
        )
        if self.principal.org_kind is OrgKind.INSURER:
            stmt = stmt.where(p.c.tenant_id == self.principal.tenant_id)
        elif not self.principal.is_platform:
            stmt = stmt.where(false())
        return [ServicePolicy(*row) for row in self.session.execute(stmt)]

    def tasks_of(self, policy_ids: Collection[str]) -> Sequence[ScheduledService]:
        t = tables.scheduled_services
        found: list[ScheduledService] = []
        for chunk in chunks(policy_ids):
            stmt = select(ScheduledService).where(t.c.policy_id.in_(chunk), self._scope())
            found.extend(self.session.execute(stmt).scalars())
        return found

    def stopped(self, on: date) -> Sequence[ScheduledService]:
        t, p = tables.scheduled_services, tables.policies
        in_force = and_(
            p.c.status == PolicyState.IN_FORCE, p.c.period_start <= on, p.c.period_end > on
        )
        stmt = (
            select(ScheduledService)
            .join(p, p.c.id == t.c.policy_id)
            .where(t.c.status.in_(_PENDING), t.c.due_on >= on, not_(in_force), self._scope())
            .order_by(t.c.due_on, t.c.id)
        )
        return list(self.session.execute(stmt).scalars())

    def task(self, task_id: str) -> ScheduledService:
        t = tables.scheduled_services
        stmt = select(ScheduledService).where(t.c.id == task_id, self._scope())
        found = self.session.execute(stmt).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No service task with id {task_id!r} is visible to you.")
        return found

    def tasks(
        self, *, enterprise_id: str | None = None, status: str | None = None
    ) -> list[ScheduledService]:
        t = tables.scheduled_services
        stmt = select(ScheduledService).where(self._scope())
        if enterprise_id is not None:
            stmt = stmt.where(t.c.enterprise_id == enterprise_id)
        if status is not None:
            stmt = stmt.where(t.c.status == status)
        stmt = stmt.order_by(t.c.due_on, t.c.policy_number, t.c.service_code, t.c.sequence)
        return list(self.session.execute(stmt).scalars())

    def due_rescans(self, on: date) -> Sequence[ScheduledService]:
        t, s = tables.scheduled_services, tables.scans
        failed = select(s.c.id).where(s.c.status == ScanState.FAILED)
        stmt = (
            select(ScheduledService)
            .where(
                t.c.kind == TaskKind.RESCAN,
                t.c.status.in_(_PENDING),
                t.c.due_on <= on,
                or_(t.c.scan_id.is_(None), t.c.scan_id.in_(failed)),
                self._scope(),
            )
            .order_by(t.c.enterprise_id, t.c.due_on)
        )
        return list(self.session.execute(stmt).scalars())

    def rescans_of_scan(self, scan_id: str) -> Sequence[ScheduledService]:
        t = tables.scheduled_services
        stmt = select(ScheduledService).where(
            t.c.scan_id == scan_id, t.c.kind == TaskKind.RESCAN, self._scope()
        )
        return list(self.session.execute(stmt).scalars())

    def scan_enterprise(self, scan_id: str) -> str | None:
        s = tables.scans
        found: Any = self.session.execute(
            select(s.c.enterprise_id).where(s.c.id == scan_id)
        ).scalar_one_or_none()
        return None if found is None else str(found)

    def panel(self, tenant_id: str) -> Sequence[PanelEntry]:
        if not self.principal.is_platform and tenant_id != self.principal.tenant_id:
            return []
        p = tables.service_panels
        stmt = (
            select(PanelEntry)
            .where(p.c.tenant_id == tenant_id)
            .order_by(p.c.service_code, p.c.rank, p.c.id)
        )
        return list(self.session.execute(stmt).scalars())

    def assigned_providers(self, enterprise_ids: Collection[str]) -> dict[str, list[str]]:
        st = tables.service_tasks
        found: dict[str, list[str]] = {}
        for chunk in chunks(enterprise_ids):
            stmt = (
                select(st.c.enterprise_id, st.c.provider_id)
                .where(st.c.enterprise_id.in_(chunk))
                .order_by(st.c.created_at, st.c.id)
            )
            for enterprise_id, provider_id in self.session.execute(stmt):
                providers = found.setdefault(enterprise_id, [])
                if provider_id not in providers:
                    providers.append(provider_id)
        return found
