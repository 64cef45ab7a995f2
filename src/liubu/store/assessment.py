"""Storage of the pre-bind assessment, scoped by tenant; service tasks are also visible to the
security provider they are assigned to."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.orm import Session

from liubu.accounts import new_id
from liubu.assessment import (
    AnswerSetRecord,
    Asset,
    Attachment,
    FindingRecord,
    Scan,
    ServiceTask,
)
from liubu.store import tables
from liubu.store.repositories import TenantTables, applicants_of

# What an insurer's underwriting staff read of an applicant (not its evidence files, nor tasks).
_APPLICANT_RECORDS = (Asset, Scan, FindingRecord, AnswerSetRecord)

_TABLES: dict[type, Table] = {
    Asset: tables.assets,
    Scan: tables.scans,
    FindingRecord: tables.findings,
    AnswerSetRecord: tables.answer_sets,
    ServiceTask: tables.service_tasks,
    Attachment: tables.attachments,
}


class SqlAssessmentRepository(TenantTables):
    """Implements :class:`liubu.assessment.records.AssessmentRepository`: the enterprise's
    records; a service task is also visible to the provider it is assigned to."""

    tables = _TABLES
    also_visible_to = MappingProxyType({ServiceTask: "provider_id"})

    def visible(self, model: Any) -> Any:
        """What the caller may READ: what it may change (:meth:`changeable`) and, for an
        insurer's underwriting staff, the assets, scans, findings and answers of the
        enterprises that asked it for a quote (:func:`liubu.store.repositories.applicants_of`:
        the enterprise consented by asking)."""
        stmt = self.changeable(model)
        applicants = applicants_of(self.principal)
        if model not in _APPLICANT_RECORDS or applicants is None:
            return stmt
        mine = stmt.whereclause
        return select(model).where(or_(mine, self.tables[model].c.enterprise_id.in_(applicants)))

    def changeable(self, model: Any) -> Any:
        """The records use cases act on by id (verify or trust an asset, dispute or waive a
        finding, name evidence): the caller's own; a provider's tasks. Also: a group scheme's
        sponsor reads its accepted members' scans, findings and answers, which pricing their
        certificates needs (read by the use case, never shown to the sponsor)."""
        stmt = super().changeable(model)
        if model not in (Scan, FindingRecord, AnswerSetRecord) or self.principal.is_platform:
            return stmt
        table, me = self.tables[model], self.principal.tenant_id
        members = (
            select(tables.group_members.c.enterprise_id)
            .join(
                tables.group_schemes, tables.group_schemes.c.id == tables.group_members.c.scheme_id
            )
            .where(
                tables.group_schemes.c.tenant_id == me,
                tables.group_members.c.state == "accepted",  # only with the member's consent
            )
        )
        return select(model).where(or_(table.c.tenant_id == me, table.c.enterprise_id.in_(members)))

    def add(self, item: Any) -> None:
        self.add_record(item)

    # By id: the records a use case acts on, so never an applicant's (see :meth:`changeable`).
    def asset(self, asset_id: str) -> Asset:
        return self.one(Asset, asset_id, "asset", to_change=True)

    def assets(self, enterprise_id: str) -> Sequence[Asset]:
        return self.all(Asset, order="name", enterprise_id=enterprise_id)

    def scan(self, scan_id: str) -> Scan:
        return self.one(Scan, scan_id, "scan")

    def scans(self, enterprise_id: str) -> Sequence[Scan]:
        return self.all(Scan, order="created_at", enterprise_id=enterprise_id)

    def finding(self, finding_id: str) -> FindingRecord:
        return self.one(FindingRecord, finding_id, "finding", to_change=True)

    def findings(self, enterprise_id: str) -> Sequence[FindingRecord]:
        return self.all(FindingRecord, order="created_at", enterprise_id=enterprise_id)

    def answer_sets(self, enterprise_id: str) -> Sequence[AnswerSetRecord]:
        return self.all(AnswerSetRecord, order="number", enterprise_id=enterprise_id)

    def lock_answers(self, enterprise_id: str) -> None:
        # A write that changes nothing: PostgreSQL locks the enterprise's row, SQLite takes its
        # database write lock (waiting out its busy timeout), both until commit or rollback. Not
        # a state change, so nothing to audit.
        e = tables.enterprises
        self.session.execute(update(e).where(e.c.id == enterprise_id).values(version=e.c.version))

    def attachment(self, attachment_id: str) -> Attachment:
        return self.one(Attachment, attachment_id, "attachment", to_change=True)

    def task(self, task_id: str) -> ServiceTask:
        return self.one(ServiceTask, task_id, "service task")

    def tasks(self) -> Sequence[ServiceTask]:
        return self.all(ServiceTask, order="created_at")


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
