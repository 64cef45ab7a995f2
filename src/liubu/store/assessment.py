"""Storage of the pre-bind assessment, scoped by tenant; service tasks are also visible to the
security provider they are assigned to."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert, or_, select
from sqlalchemy.orm import Session

from liubu.accounts.model import Principal, new_id
from liubu.assessment.records import (
    AnswerSetRecord,
    Asset,
    Attachment,
    FindingRecord,
    Scan,
    ServiceTask,
)
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.store import tables

T = TypeVar("T")
_TABLES: dict[type, Table] = {
    Asset: tables.assets,
    Scan: tables.scans,
    FindingRecord: tables.findings,
    AnswerSetRecord: tables.answer_sets,
    ServiceTask: tables.service_tasks,
    Attachment: tables.attachments,
}


class SqlAssessmentRepository:
    """Implements :class:`liubu.assessment.records.AssessmentRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _visible(self, model: type[T]) -> Any:
        table = _TABLES[model]
        stmt = select(model)
        if self.principal.is_platform:
            return stmt
        mine = table.c.tenant_id == self.principal.tenant_id
        if model is ServiceTask:
            return stmt.where(or_(mine, table.c.provider_id == self.principal.tenant_id))
        return stmt.where(mine)

    def _one(self, model: type[T], item_id: str, label: str) -> T:
        table = _TABLES[model]
        found = self.session.execute(
            self._visible(model).where(table.c.id == item_id)
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"No {label} with id {item_id!r} is visible to you.")
        return cast(T, found)

    def _of(self, model: type[T], enterprise_id: str, order: str) -> list[T]:
        table = _TABLES[model]
        stmt = self._visible(model).where(table.c.enterprise_id == enterprise_id)
        return list(self.session.execute(stmt.order_by(table.c[order])).scalars())

    def add(self, item: Any) -> None:
        if not self.principal.is_platform and item.tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("You may not create assessment records for another tenant.")
        self.session.add(item)

    def asset(self, asset_id: str) -> Asset:
        return self._one(Asset, asset_id, "asset")

    def assets(self, enterprise_id: str) -> Sequence[Asset]:
        return self._of(Asset, enterprise_id, "name")

    def scan(self, scan_id: str) -> Scan:
        return self._one(Scan, scan_id, "scan")

    def scans(self, enterprise_id: str) -> Sequence[Scan]:
        return self._of(Scan, enterprise_id, "created_at")

    def finding(self, finding_id: str) -> FindingRecord:
        return self._one(FindingRecord, finding_id, "finding")

    def findings(self, enterprise_id: str) -> Sequence[FindingRecord]:
        return self._of(FindingRecord, enterprise_id, "created_at")

    def answer_sets(self, enterprise_id: str) -> Sequence[AnswerSetRecord]:
        return self._of(AnswerSetRecord, enterprise_id, "number")

    def attachment(self, attachment_id: str) -> Attachment:
        return self._one(Attachment, attachment_id, "attachment")

    def task(self, task_id: str) -> ServiceTask:
        return self._one(ServiceTask, task_id, "service task")

    def tasks(self) -> Sequence[ServiceTask]:
        stmt = self._visible(ServiceTask).order_by(tables.service_tasks.c.created_at)
        return list(self.session.execute(stmt).scalars())


class SqlIntelStore:
    """Feed files kept verbatim (zlib) under their SHA-256: storing twice stores once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def store(self, *, name: str, kind: str, records: int, content: bytes) -> bool:
        digest = hashlib.sha256(content).hexdigest()
        t = tables.intel_sources
        if self.session.execute(select(t.c.id).where(t.c.sha256 == digest)).first():
            return False
        self.session.execute(
            insert(t).values(
                id=new_id(),
                sha256=digest,
                kind=kind,
                name=name,
                records=records,
                size=len(content),
                content=zlib.compress(content, 6),
                loaded_at=datetime.now(UTC),
            )
        )
        return True

    def manifest(self) -> list[tuple[str, str, str, int]]:
        """``(sha256, kind, name, records)`` of every stored file, oldest first."""
        t = tables.intel_sources
        rows = self.session.execute(
            select(t.c.sha256, t.c.kind, t.c.name, t.c.records).order_by(t.c.loaded_at, t.c.name)
        )
        return [(r.sha256, r.kind, r.name, int(r.records)) for r in rows]

    def content(self, sha256: str) -> bytes:
        t = tables.intel_sources
        blob = self.session.execute(select(t.c.content).where(t.c.sha256 == sha256)).scalar_one()
        return zlib.decompress(blob)
