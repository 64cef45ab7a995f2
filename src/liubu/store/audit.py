"""Writing the audit chain: every flushed insert, update and delete of a mapped record, plus
explicit events (sign-in), appended in the same transaction as the change they describe."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Table, event, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.base import NO_VALUE, instance_state

from liubu.accounts import AuditFilter, Principal
from liubu.audit import GENESIS, AuditEvent, event_hash, state_digest
from liubu.store import tables

PRINCIPAL = "liubu.principal"
AUDIT_KEY = "liubu.audit_key"
# Columns that change on every write and carry no business meaning of their own.
_VOLATILE = frozenset({"version", "updated_at", "last_used_at"})


@dataclass(frozen=True)
class PendingEvent:
    tenant_id: str
    actor_id: str
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, object] | None
    after: dict[str, object] | None


def install_audit_listener(factory: sessionmaker[Session]) -> None:

    event.listen(factory, "before_flush", _before_flush)


def _jsonable(value: Any) -> object:
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _record_state(obj: object, *, before: bool) -> dict[str, object]:
    state = instance_state(obj)
    values: dict[str, object] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _VOLATILE or key.endswith("_hash"):
            continue
        history = state.attrs[key].history
        if before and history.deleted:
            value = history.deleted[0]
        else:
            value = state.attrs[key].loaded_value
            if value is NO_VALUE:
                value = history.added[0] if history.added else None
        values[key] = _jsonable(value)
    return values


def _entity_type(obj: object) -> str:
    table = instance_state(obj).mapper.local_table
    assert isinstance(table, Table)
    return table.name


def _tenant_of(obj: object) -> str:
    return str(getattr(obj, "tenant_id", None) or getattr(obj, "id", ""))


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    principal: Principal | None = session.info.get(PRINCIPAL)
    if principal is None:
        raise RuntimeError("A liubu session must carry its principal (use the unit of work).")
    pending: list[PendingEvent] = []
    for obj in session.new:
        after = _record_state(obj, before=False)
        pending.append(_event(principal, obj, "created", None, after))
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        before, after = _record_state(obj, before=True), _record_state(obj, before=False)
        if before != after:
            pending.append(_event(principal, obj, "updated", before, after))
    for obj in session.deleted:
        pending.append(_event(principal, obj, "deleted", _record_state(obj, before=True), None))
    if pending:
        append_events(session, pending)


def _event(
    principal: Principal,
    obj: object,
    verb: str,
    before: dict[str, object] | None,
    after: dict[str, object] | None,
) -> PendingEvent:
    entity_type = _entity_type(obj)
    return PendingEvent(
        tenant_id=_tenant_of(obj),
        actor_id=principal.user_id,
        action=f"{entity_type}.{verb}",
        entity_type=entity_type,
        entity_id=str(getattr(obj, "id", "")),
        before=before,
        after=after,
    )


def append_events(session: Session, pending: Iterable[PendingEvent]) -> None:
    """Lock the chain head, then append each event with its HMAC over the previous hash."""
    key: bytes = session.info[AUDIT_KEY]
    connection = session.connection()
    # Touching the head row first takes its write lock before we read it (PostgreSQL row lock,
    # SQLite database lock), so concurrent writers queue instead of forking the chain.
    touched = connection.execute(
        update(tables.audit_head)
        .where(tables.audit_head.c.id == 1)
        .values(last_seq=tables.audit_head.c.last_seq)
    )
    if touched.rowcount == 0:
        connection.execute(insert(tables.audit_head).values(id=1, last_seq=0, last_hash=GENESIS))
    head = connection.execute(
        select(tables.audit_head.c.last_seq, tables.audit_head.c.last_hash).where(
            tables.audit_head.c.id == 1
        )
    ).one()
    seq, prev_hash = int(head.last_seq), str(head.last_hash)
    rows = []
    for item in pending:
        seq += 1
        draft = AuditEvent(
            seq=seq,
            occurred_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            tenant_id=item.tenant_id,
            actor_id=item.actor_id,
            action=item.action,
            entity_type=item.entity_type,
            entity_id=item.entity_id,
            before_digest=state_digest(item.before),
            after_digest=state_digest(item.after),
            prev_hash=prev_hash,
            hash="",
        )
        prev_hash = event_hash(key, draft)
        rows.append({**draft.__dict__, "hash": prev_hash})
    connection.execute(insert(tables.audit_events), rows)
    connection.execute(
        update(tables.audit_head)
        .where(tables.audit_head.c.id == 1)
        .values(last_seq=seq, last_hash=prev_hash)
    )


class SqlAuditLog:
    """The :class:`liubu.accounts.ports.AuditLog` on a session."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self._session = session
        self._principal = principal

    def record(
        self,
        action: str,
        *,
        entity_type: str,
        entity_id: str,
        tenant_id: str | None = None,
        actor_id: str | None = None,
        after: dict[str, object] | None = None,
    ) -> None:
        append_events(
            self._session,
            [
                PendingEvent(
                    tenant_id=tenant_id or self._principal.tenant_id,
                    actor_id=actor_id or self._principal.user_id,
                    action=action,
                    entity_type=entity_type,
                    entity_id=entity_id,
                    before=None,
                    after=after,
                )
            ],
        )

    def recent(self, *, limit: int, before_seq: int | None = None) -> list[AuditEvent]:
        return recent_events(self._session, self._principal, limit=limit, before_seq=before_seq)

    def search(self, query: AuditFilter) -> list[AuditEvent]:
        """Events visible to the caller matching ``query``, newest first (``recent_events``
        scopes them to the caller's tenant; the platform operator's: every tenant's)."""
        t = tables.audit_events
        conditions = []
        if query.actor_id:
            conditions.append(t.c.actor_id == query.actor_id)
        if query.action:
            # A prefix: "policy." finds every policy action; LIKE's wildcards are escaped.
            escaped = query.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(t.c.action.like(f"{escaped}%", escape="\\"))
        if query.entity_type:
            conditions.append(t.c.entity_type == query.entity_type)
        if query.entity_id:
            conditions.append(t.c.entity_id == query.entity_id)
        if query.since:
            conditions.append(t.c.occurred_at >= _stamp(query.since))
        if query.until:
            conditions.append(t.c.occurred_at < _stamp(query.until))
        return recent_events(
            self._session,
            self._principal,
            limit=query.limit,
            before_seq=query.before_seq,
            where=conditions,
        )

    def count_recent(self, action: str, *, entity_id: str, since: datetime) -> int:
        t = tables.audit_events
        stmt = (
            select(func.count())
            .select_from(t)
            .where(
                t.c.action == action,
                t.c.entity_id == entity_id,
                t.c.occurred_at >= _stamp(since),
            )
        )
        return int(self._session.execute(stmt).scalar_one())


def load_chain(session: Session) -> tuple[list[AuditEvent], int, str]:
    """All events in order, and the recorded head (for ``liubu audit verify``)."""
    rows = session.execute(select(tables.audit_events).order_by(tables.audit_events.c.seq))
    events = [AuditEvent(**row._mapping) for row in rows]
    head = session.execute(select(tables.audit_head).where(tables.audit_head.c.id == 1)).first()
    if head is None:
        return events, 0, GENESIS
    return events, int(head.last_seq), str(head.last_hash)


def _stamp(moment: datetime) -> str:
    """A time as stored in ``occurred_at`` (ISO 8601 UTC to the microsecond: sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def recent_events(
    session: Session,
    principal: Principal,
    *,
    limit: int,
    before_seq: int | None = None,
    where: Sequence[ColumnElement[bool]] = (),
) -> list[AuditEvent]:
    """The newest events visible to ``principal`` (its tenant's; the platform's: all)."""
    t = tables.audit_events
    stmt = select(t).where(*where).order_by(t.c.seq.desc()).limit(limit)
    if not principal.is_platform:
        stmt = stmt.where(t.c.tenant_id == principal.tenant_id)
    if before_seq is not None:
        stmt = stmt.where(t.c.seq < before_seq)
    return [AuditEvent(**row._mapping) for row in session.execute(stmt)]
