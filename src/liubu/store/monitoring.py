"""Storage for in-term monitoring: the insured policies and assets the watch list is read from,
alerts, and the keys of recorded observations.

Scope, in one place (:meth:`SqlMonitoringRepository._scope`): the platform sees every policy
and group certificate; an insurer its own; an enterprise those it holds (a group member its
certificate; the sponsor does not watch its members); a security provider those of the
enterprises with a service task assigned to it; anyone else none. Alerts follow the same rule
(their owner is the cover's insurer, their client the insured).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from liubu.accounts import OrgKind, Principal
from liubu.assessment import DEMO_PROOF, ScanState
from liubu.errors import ConflictError, NotFoundError, PermissionDeniedError, Reason
from liubu.monitoring import (
    ACTIVE_STATUSES,
    AWAITING_FIX,
    Alert,
    AlertStatus,
    Cover,
    Feed,
    InsuredPolicy,
)
from liubu.store import tables
from liubu.store.serving import served_by
from liubu.underwriting import PolicyState

_CHUNK = 500  # keys per IN (…) list, well below every database's parameter limit
T = TypeVar("T")


def chunks(items: Collection[T]) -> Iterator[list[T]]:
    ordered = list(items)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _insured(row: Any, cover: Cover) -> InsuredPolicy:
    return InsuredPolicy(
        policy_id=row[0],
        policy_number=row[1],
        enterprise_id=row[2],
        enterprise_name=row[3],
        insurer_tenant_id=row[4],
        client_tenant_id=row[5],
        cover=cover,
    )


def latest_scan_results(session: Session, enterprise_ids: Collection[str]) -> Mapping[str, Any]:
    """The stored result of each enterprise's latest finished scan, by enterprise id (no scope:
    callers pass only the enterprises they may read)."""
    s = tables.scans
    latest: dict[str, Any] = {}
    for chunk in chunks(enterprise_ids):
        stmt = (
            select(s.c.enterprise_id, s.c.result)
            .where(s.c.enterprise_id.in_(chunk), s.c.status == ScanState.FINISHED)
            .order_by(s.c.finished_at, s.c.created_at)
        )
        for enterprise_id, result in session.execute(stmt):
            latest[enterprise_id] = result  # later rows replace earlier ones
    return latest


class SqlMonitoringRepository:
    """Implements :class:`liubu.monitoring.MonitoringRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _assigned(self) -> Any:
        return served_by(self.principal.tenant_id)

    def _scope(self, owner: Any, client: Any, enterprise: Any) -> ColumnElement[bool]:
        me, kind = self.principal.tenant_id, self.principal.org_kind
        if kind is OrgKind.PLATFORM:
            return true()
        if kind is OrgKind.INSURER:
            return owner == me  # type: ignore[no-any-return]
        if kind is OrgKind.ENTERPRISE:
            return client == me  # type: ignore[no-any-return]
        if kind is OrgKind.SECURITY_PROVIDER:
            return enterprise.in_(self._assigned())  # type: ignore[no-any-return]
        return false()

    def _policy_scope(self) -> ColumnElement[bool]:
        p = tables.policies
        return self._scope(p.c.tenant_id, p.c.client_tenant_id, p.c.enterprise_id)

    def _alert_scope(self) -> ColumnElement[bool]:
        a = tables.alerts
        return self._scope(a.c.tenant_id, a.c.client_tenant_id, a.c.enterprise_id)

    def _certificate_scope(self) -> ColumnElement[bool]:
        # The member's own tenant, not the sponsor's: a sponsor does not watch its suppliers.
        c = tables.certificates
        return self._scope(c.c.tenant_id, c.c.member_tenant_id, c.c.enterprise_id)

    def insured_policies(self, on: date) -> Sequence[InsuredPolicy]:
        p, e, c, g = tables.policies, tables.enterprises, tables.certificates, tables.group_policies
        policies = (
            select(p.c.id, p.c.number, p.c.enterprise_id, e.c.name, p.c.tenant_id)
            .add_columns(p.c.client_tenant_id)
            .join(e, e.c.id == p.c.enterprise_id)
            .where(
                p.c.status == PolicyState.IN_FORCE,
                p.c.period_start <= on,
                p.c.period_end > on,
                self._policy_scope(),
            )
        )
        certificates = (
            select(c.c.id, c.c.number, c.c.enterprise_id, e.c.name, c.c.tenant_id)
            .add_columns(c.c.member_tenant_id)
            .join(e, e.c.id == c.c.enterprise_id)
            .join(g, g.c.id == c.c.master_id)
            .where(
                g.c.status == PolicyState.IN_FORCE,
                g.c.period_start <= on,
                g.c.period_end > on,
                self._certificate_scope(),
            )
        )
        found = [_insured(row, Cover.POLICY) for row in self.session.execute(policies)] + [
            _insured(row, Cover.CERTIFICATE) for row in self.session.execute(certificates)
        ]
        return sorted(found, key=lambda insured: insured.policy_number)

    def verified_hosts(
        self, enterprise_ids: Collection[str], *, scannable: bool = False
    ) -> Sequence[tuple[str, str]]:
        a = tables.assets
        found: list[tuple[str, str]] = []
        for chunk in chunks(enterprise_ids):
            stmt = select(a.c.enterprise_id, a.c.name).where(
                a.c.enterprise_id.in_(chunk), a.c.verified_at.is_not(None)
            )
            if scannable:
                stmt = stmt.where(or_(a.c.verified_by.is_(None), a.c.verified_by != DEMO_PROOF))
            found.extend((row[0], row[1]) for row in self.session.execute(stmt))
        return sorted(found)

    def latest_scan_results(self, enterprise_ids: Collection[str]) -> Mapping[str, Any]:
        return latest_scan_results(self.session, enterprise_ids)

    def serves(self, enterprise_id: str) -> bool:
        kind = self.principal.org_kind
        if kind is OrgKind.PLATFORM:
            e = tables.enterprises
            stmt = select(e.c.id).where(e.c.id == enterprise_id)
        elif kind is OrgKind.SECURITY_PROVIDER:
            served = served_by(self.principal.tenant_id).subquery()
            stmt = select(served.c.enterprise_id).where(served.c.enterprise_id == enterprise_id)
        else:
            return False
        return self.session.execute(stmt.limit(1)).first() is not None

    def feeds(self) -> Sequence[Feed]:
        if not self.principal.is_platform:
            return []
        f = tables.monitoring_feeds
        return list(self.session.execute(select(Feed).order_by(f.c.name)).scalars())

    def feed(self, name: str) -> Feed | None:
        if not self.principal.is_platform:
            return None
        f = tables.monitoring_feeds
        return self.session.execute(select(Feed).where(f.c.name == name)).scalar_one_or_none()

    def add(self, item: object) -> None:
        """An alert on an enterprise the caller may watch (the platform: any); a feed (the
        platform only)."""
        if isinstance(item, Feed):
            if not self.principal.is_platform:
                raise PermissionDeniedError("Only the platform keeps feeds.")
            self.session.add(item)
            return
        if not isinstance(item, Alert):
            raise TypeError(f"The monitoring repository stores alerts, not {type(item).__name__}.")
        if not self.principal.is_platform:
            if item.cover == Cover.CERTIFICATE:
                table, scope = tables.certificates, self._certificate_scope()
            else:
                table, scope = tables.policies, self._policy_scope()
            visible = self.session.execute(
                select(table.c.id).where(table.c.id == item.policy_id, scope)
            ).first()
            if visible is None:
                raise PermissionDeniedError("You may only record alerts on assets you watch.")
        self.session.add(item)

    def active_alerts(self, keys: Collection[tuple[str, str, str, str]]) -> Sequence[Alert]:
        a = tables.alerts
        wanted = set(keys)
        policies = {key[0] for key in wanted}
        found: list[Alert] = []
        for chunk in chunks(policies):
            stmt = select(Alert).where(
                a.c.policy_id.in_(chunk), a.c.status.in_([str(s) for s in ACTIVE_STATUSES])
            )
            found.extend(
                alert
                for alert in self.session.execute(stmt).scalars()
                if (alert.policy_id, alert.asset_value, alert.indicator, alert.rule) in wanted
            )
        return found

    def seen_fingerprints(self, keys: Collection[str]) -> Collection[str]:
        f = tables.observation_fingerprints
        seen: set[str] = set()
        for chunk in chunks(keys):
            seen.update(self.session.execute(select(f.c.key).where(f.c.key.in_(chunk))).scalars())
        return seen

    def remember_fingerprints(self, keys: Collection[str], *, at: datetime) -> None:
        rows = [{"key": key, "recorded_at": at} for key in keys]
        try:
            for start in range(0, len(rows), _CHUNK):
                self.session.execute(
                    insert(tables.observation_fingerprints), rows[start : start + _CHUNK]
                )
        except sa_exc.IntegrityError as error:
            # Another transaction recorded some of these observations since they were checked:
            # this one must not count them again (the use case rolls back).
            raise ConflictError(
                "Some of these observations were recorded at the same time by another request; "
                "record them again and they will count as duplicates.",
                reason=Reason.DUPLICATE,
            ) from error

    def forget_fingerprints(self, *, before: datetime) -> int:
        f = tables.observation_fingerprints
        result = self.session.execute(delete(f).where(f.c.recorded_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    def alerts(self, *, enterprise_id: str | None = None, status: str | None = None) -> list[Alert]:
        a = tables.alerts
        stmt = select(Alert).where(self._alert_scope())
        if enterprise_id is not None:
            stmt = stmt.where(a.c.enterprise_id == enterprise_id)
        if status is not None:
            stmt = stmt.where(a.c.status == status)
        stmt = stmt.order_by(a.c.last_seen.desc(), a.c.id)
        return list(self.session.execute(stmt).scalars())

    def alert(self, alert_id: str) -> Alert:
        a = tables.alerts
        stmt = select(Alert).where(a.c.id == alert_id, self._alert_scope())
        found = self.session.execute(stmt).scalars().first()
        if found is None:
            raise NotFoundError(f"No alert {alert_id} that you may see.")
        return found

    def overdue_alerts(self, now: datetime) -> Sequence[Alert]:
        a = tables.alerts
        unacknowledged = and_(a.c.status == str(AlertStatus.OPEN), a.c.acknowledge_due < now)
        unfixed = and_(a.c.status.in_([str(s) for s in AWAITING_FIX]), a.c.fix_due < now)
        stmt = (
            select(Alert)
            .where(or_(unacknowledged, unfixed), self._alert_scope())
            .order_by(a.c.fix_due, a.c.id)
        )
        return list(self.session.execute(stmt).scalars())

    def rule_counts(self) -> Sequence[tuple[str, str, int, int]]:
        a = tables.alerts
        false = func.sum(case((a.c.status == str(AlertStatus.FALSE_POSITIVE), 1), else_=0))
        stmt = (
            select(a.c.source, a.c.rule, func.count(), false)
            .where(self._alert_scope())
            .group_by(a.c.source, a.c.rule)
        )
        return [
            (row[0], row[1], int(row[2]), int(row[3] or 0)) for row in self.session.execute(stmt)
        ]

    def alerts_of_enterprises(self, enterprise_ids: Collection[str]) -> Sequence[Alert]:
        a = tables.alerts
        found: list[Alert] = []
        for chunk in chunks(enterprise_ids):
            stmt = (
                select(Alert).where(a.c.enterprise_id.in_(chunk)).order_by(a.c.created_at, a.c.id)
            )
            found.extend(self.session.execute(stmt).scalars())
        return found
