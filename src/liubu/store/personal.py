"""Bulk issuance of personal policies: PostgreSQL COPY into a staging table then INSERT … ON
CONFLICT DO NOTHING; SQLite INSERT OR IGNORE. Each chunk commits with its checkpoint and one
audit event (the chunk's counts and a digest of its policy keys: auditing two million rows one
by one would double the work and say nothing more)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text, update

from liubu.accounts.model import new_id
from liubu.massissue import ImportCheckpoint
from liubu.massissue.rows import IssueRow
from liubu.store import tables
from liubu.store.uow import SqlUnitOfWork

_COLUMNS = IssueRow._fields


class SqlIssueStore:
    """Implements :class:`liubu.massissue.importer.IssueStore` for one product and tenant."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        *,
        tenant_id: str,
        product_ref: str,
        inception: str,
        file_name: str,
    ) -> None:
        self._uow = uow_factory
        self.tenant_id, self.product_ref = tenant_id, product_ref
        self.inception, self.file_name = inception, file_name
        self._batch_id: str | None = None

    def checkpoint_for(self, file_sha256: str, plan_key: str) -> ImportCheckpoint | None:
        t = tables.import_batches
        with self._uow() as uow:
            row = uow.session.execute(
                select(t.c.id, t.c.checkpoint).where(
                    t.c.file_sha256 == file_sha256, t.c.plan_key == plan_key
                )
            ).first()
        if row is None:
            return None
        self._batch_id = row.id
        return ImportCheckpoint.from_dict(row.checkpoint)

    def write_chunk(self, rows: Sequence[IssueRow], checkpoint: ImportCheckpoint) -> int:
        with self._uow() as uow:
            batch_id = self._batch(uow, checkpoint)
            connection = uow.session.connection()
            if connection.dialect.name == "postgresql":
                issued = _copy_postgresql(connection, rows, self._fixed(batch_id))
            else:
                issued = _insert_sqlite(connection, rows, self._fixed(batch_id))
            t = tables.import_batches
            connection.execute(
                update(t)
                .where(t.c.id == batch_id)
                .values(
                    checkpoint=checkpoint.to_dict(),
                    issued=t.c.issued + issued,
                    updated_at=datetime.now(UTC),
                )
            )
            digest = hashlib.sha256("".join(r.policy_key for r in rows).encode()).hexdigest()
            uow.audit.record(
                "personal_policies.issued",
                entity_type="import_batches",
                entity_id=batch_id,
                tenant_id=self.tenant_id,
                after={
                    "lines": [checkpoint.line - len(rows), checkpoint.line],
                    "rows": len(rows),
                    "issued": issued,
                    "policy_keys_sha256": digest,
                },
            )
            uow.commit()
        return issued

    def _fixed(self, batch_id: str) -> dict[str, Any]:
        return {
            "tenant_id": self.tenant_id,
            "batch_id": batch_id,
            "product_ref": self.product_ref,
            "inception": self.inception,
        }

    def _batch(self, uow: SqlUnitOfWork, checkpoint: ImportCheckpoint) -> str:
        if self._batch_id is not None:
            return self._batch_id
        now = datetime.now(UTC)
        self._batch_id = new_id()
        uow.session.connection().execute(
            insert(tables.import_batches).values(
                id=self._batch_id,
                tenant_id=self.tenant_id,
                product_ref=self.product_ref,
                file_sha256=checkpoint.file_sha256,
                plan_key=checkpoint.plan_key,
                file_name=self.file_name,
                checkpoint=checkpoint.to_dict(),
                issued=0,
                started_at=now,
                updated_at=now,
            )
        )
        return self._batch_id


def _insert_sqlite(connection: Any, rows: Sequence[IssueRow], fixed: dict[str, Any]) -> int:
    if not rows:
        return 0
    names = [*fixed, *_COLUMNS]
    sql = (
        f"INSERT OR IGNORE INTO personal_policies ({', '.join(_quoted(n) for n in names)}) "  # noqa: S608 - names are constants
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    values = [(*fixed.values(), *(_plain(v) for v in row)) for row in rows]
    raw = connection.connection.driver_connection
    before = raw.total_changes
    raw.executemany(sql, values)
    return int(raw.total_changes - before)


def _copy_postgresql(connection: Any, rows: Sequence[IssueRow], fixed: dict[str, Any]) -> int:
    if not rows:
        return 0
    names = [*fixed, *_COLUMNS]
    quoted = ", ".join(_quoted(n) for n in names)
    connection.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS personal_staging "
            "(LIKE personal_policies INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
    )
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY personal_staging ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*fixed.values(), *row))
        cursor.execute(
            f"INSERT INTO personal_policies ({quoted}) SELECT {quoted} FROM "  # noqa: S608 - names are constants
            f"personal_staging ON CONFLICT (policy_key) DO NOTHING"
        )
        issued = cursor.rowcount
        cursor.execute("DELETE FROM personal_staging")
    return int(issued)


def _quoted(name: str) -> str:
    return f'"{name}"'


def _plain(value: Any) -> Any:
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else value


def import_status(uow: SqlUnitOfWork, file_sha256: str) -> dict[str, Any] | None:
    """The caller's import batches of a file (by its SHA-256): how far each got. Another
    tenant's batch of the same file is not the caller's and is not shown."""
    t = tables.import_batches
    stmt = select(t.c.product_ref, t.c.file_name, t.c.checkpoint, t.c.issued, t.c.updated_at).where(
        t.c.file_sha256 == file_sha256
    )
    if not uow.principal.is_platform:
        stmt = stmt.where(t.c.tenant_id == uow.principal.tenant_id)
    rows = uow.session.execute(stmt.order_by(t.c.started_at)).all()
    if not rows:
        return None
    return {
        "batches": [
            {
                "product": r.product_ref,
                "file_name": r.file_name,
                "issued": r.issued,
                "finished": bool(r.checkpoint.get("finished")),
                "lines_done": r.checkpoint.get("line"),
                "accepted": r.checkpoint.get("accepted"),
                "rejected": r.checkpoint.get("rejected"),
                "updated_at": r.updated_at.isoformat(),
            }
            for r in rows
        ]
    }
