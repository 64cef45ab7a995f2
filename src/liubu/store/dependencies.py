"""Storage of insureds' dependencies (:mod:`liubu.assessment.dependencies`) and of insurers'
imported books (:mod:`liubu.portfolio.imports`).

Scope of dependencies, in one place (:meth:`SqlDependencyRepository._readable`): the platform
reads every enterprise's; an enterprise its own; an insurer's staff those of the enterprises it
quoted or insures (the insured consented by asking for a quote, as for its assessment); a
security provider those it serves (a remediation task or a scheduled service assigned to it);
anyone else none. Only the insured's tenant (or the platform) writes.

An imported book is its insurer's alone (the platform reads and writes any).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import ColumnElement, delete, false, insert, select, true, union
from sqlalchemy.orm import Session

from liubu.accounts import OrgKind, Principal, new_id
from liubu.assessment import DeclaredDependency, DependencySources
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.portfolio import BookImport
from liubu.store import tables
from liubu.store.monitoring import chunks, latest_scan_results
from liubu.store.serving import CANCELLED, served_by


def _scanned_software(result: Mapping[str, Any] | None) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for target in (result or {}).get("targets", ()):
        for item in target.get("software", ()):
            cpe = item.get("cpe") if isinstance(item, Mapping) else None
            if isinstance(cpe, str) and cpe.startswith("cpe:2.3:") and len(cpe) <= 255:
                names[cpe] = None
    return tuple(names)


def serving_providers(session: Session, enterprise_ids: Collection[str]) -> dict[str, list[str]]:
    """The names of the security providers serving each enterprise (no scope: callers pass only
    enterprises they may read)."""
    t, s, o = tables.service_tasks, tables.scheduled_services, tables.organisations
    found: dict[str, list[str]] = {}
    for chunk in chunks(enterprise_ids):
        assigned = (
            select(t.c.enterprise_id, t.c.provider_id)
            .where(t.c.enterprise_id.in_(chunk))
            .union(
                select(s.c.enterprise_id, s.c.provider_id).where(
                    s.c.enterprise_id.in_(chunk),
                    s.c.provider_id.is_not(None),
                    s.c.status != CANCELLED,
                )
            )
            .subquery()
        )
        stmt = (
            select(assigned.c.enterprise_id, o.c.name)
            .join(o, o.c.id == assigned.c.provider_id)
            .order_by(assigned.c.enterprise_id, o.c.name)
        )
        for enterprise_id, name in session.execute(stmt):
            names = found.setdefault(str(enterprise_id), [])
            if name not in names:
                names.append(str(name))
    return found


def dependency_sources(
    session: Session, enterprise_ids: Collection[str]
) -> dict[str, DependencySources]:
    """The sources of each enterprise's dependencies (no scope: see :func:`serving_providers`)."""
    ids = sorted(set(enterprise_ids))
    if not ids:
        return {}
    d = tables.insured_dependencies
    declared: dict[str, list[DeclaredDependency]] = {}
    for chunk in chunks(ids):
        stmt = (
            select(DeclaredDependency)
            .where(d.c.enterprise_id.in_(chunk))
            .order_by(d.c.enterprise_id, d.c.position)
        )
        for row in session.execute(stmt).scalars():
            declared.setdefault(row.enterprise_id, []).append(row)
    scans = latest_scan_results(session, ids)
    providers = serving_providers(session, ids)
    return {
        eid: DependencySources(
            tuple(declared.get(eid, ())),
            _scanned_software(scans.get(eid)),
            tuple(providers.get(eid, ())),
        )
        for eid in ids
    }


class SqlDependencyRepository:
    """Implements :class:`liubu.assessment.DependencyRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _readable(self, enterprise: Any) -> ColumnElement[bool]:
        me, kind = self.principal.tenant_id, self.principal.org_kind
        e = tables.enterprises
        if kind is OrgKind.PLATFORM:
            return true()
        if kind is OrgKind.ENTERPRISE:
            return enterprise.in_(  # type: ignore[no-any-return]
                select(e.c.id).where(e.c.tenant_id == me)
            )
        if kind is OrgKind.INSURER:
            q, p, c = tables.quotes, tables.policies, tables.certificates
            return enterprise.in_(  # type: ignore[no-any-return]
                union(
                    select(q.c.enterprise_id).where(q.c.tenant_id == me),
                    select(p.c.enterprise_id).where(p.c.tenant_id == me),
                    select(c.c.enterprise_id).where(c.c.tenant_id == me),
                )
            )
        if kind is OrgKind.SECURITY_PROVIDER:
            return enterprise.in_(served_by(me))  # type: ignore[no-any-return]
        return false()

    def tenant_of(self, enterprise_id: str) -> str:
        e = tables.enterprises
        row = self.session.execute(
            select(e.c.tenant_id).where(e.c.id == enterprise_id, self._readable(e.c.id))
        ).first()
        if row is None:
            raise NotFoundError(f"No enterprise of yours with id {enterprise_id!r}.")
        return str(row[0])

    def sources(self, enterprise_ids: Collection[str]) -> Mapping[str, DependencySources]:
        e = tables.enterprises
        readable: list[str] = []
        for chunk in chunks(sorted(set(enterprise_ids))):
            stmt = select(e.c.id).where(e.c.id.in_(chunk), self._readable(e.c.id))
            readable.extend(str(i) for i in self.session.execute(stmt).scalars())
        return dependency_sources(self.session, readable)

    def _check_owner(self, item: DeclaredDependency) -> None:
        if not isinstance(item, DeclaredDependency):
            raise TypeError(f"Not a declared dependency: {type(item).__name__}.")
        owner = self.tenant_of(item.enterprise_id)
        if owner != item.tenant_id or not (
            self.principal.is_platform or self.principal.tenant_id == owner
        ):
            raise PermissionDeniedError("Only the insured declares its dependencies.")

    def add(self, item: DeclaredDependency) -> None:
        self._check_owner(item)
        self.session.add(item)

    def delete(self, item: DeclaredDependency) -> None:
        self._check_owner(item)
        self.session.delete(item)


class SqlBookImports:
    """Implements :class:`liubu.portfolio.BookImports`: one imported book per insurer."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _check(self, tenant_id: str) -> None:
        if not self.principal.is_platform and self.principal.tenant_id != tenant_id:
            raise PermissionDeniedError("An insurer's imported book is its own.")

    def get(self, tenant_id: str) -> BookImport | None:
        self._check(tenant_id)
        b = tables.book_imports
        row = self.session.execute(select(b).where(b.c.tenant_id == tenant_id)).first()
        if row is None:
            return None
        return BookImport(
            tenant_id=row.tenant_id,
            filename=row.filename,
            sha256=row.sha256,
            rows=int(row.rows),
            content=row.content,
            imported_at=row.imported_at,
            imported_by=row.imported_by,
        )

    def replace(self, item: BookImport) -> None:
        self._check(item.tenant_id)
        b = tables.book_imports
        self.session.execute(delete(b).where(b.c.tenant_id == item.tenant_id))
        self.session.execute(
            insert(b).values(
                id=new_id(),
                tenant_id=item.tenant_id,
                filename=item.filename,
                sha256=item.sha256,
                rows=item.rows,
                content=item.content,
                imported_at=item.imported_at,
                imported_by=item.imported_by,
            )
        )
