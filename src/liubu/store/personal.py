"""Bulk issuance of personal policies: PostgreSQL COPY into a staging table then INSERT … ON
CONFLICT DO NOTHING; SQLite INSERT OR IGNORE. Each chunk commits with its checkpoint and one
audit event (the chunk's counts and a digest of its policy keys: auditing two million rows one
by one would double the work and say nothing more)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from liubu.accounts import new_id
from liubu.massissue import ImportCheckpoint, IssueRow
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
                new = _copy_postgresql(connection, rows, self._fixed(batch_id))
            else:
                new = _insert_sqlite(connection, rows, self._fixed(batch_id))
            issued = len(new)
            self._add_totals(connection, new)
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

    def _add_totals(self, connection: Any, new: Sequence[tuple[str, Any, Any]]) -> None:
        """Add the policies issued now (province, premium, limit) to the running totals, in the
        chunk's transaction: the dashboard's figures move exactly with what is committed."""
        if not new:
            return
        sums: dict[str, list[Any]] = {}
        for province, premium, limit in new:
            entry = sums.setdefault(province, [0, Decimal(0), Decimal(0)])
            entry[0] += 1
            entry[1] += Decimal(premium)
            entry[2] += Decimal(limit)
        start = date.fromisoformat(self.inception)
        t = tables.personal_policy_totals
        dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        stmt = dialect_insert(t).values(
            [
                {
                    "tenant_id": self.tenant_id,
                    "product_ref": self.product_ref,
                    "province": province,
                    "month": start.year * 100 + start.month,
                    "policies": count,
                    "premium": premium,
                    "sum_insured": limit,
                }
                for province, (count, premium, limit) in sorted(sums.items())
            ]
        )
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["tenant_id", "product_ref", "province", "month"],
                set_={
                    "policies": t.c.policies + stmt.excluded.policies,
                    "premium": t.c.premium + stmt.excluded.premium,
                    "sum_insured": t.c.sum_insured + stmt.excluded.sum_insured,
                },
            )
        )

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


_NEW = tuple[str, Any, Any]  # province, premium, limit of a policy issued now


def _insert_sqlite(connection: Any, rows: Sequence[IssueRow], fixed: dict[str, Any]) -> list[_NEW]:
    """INSERT OR IGNORE; returns the rows actually inserted (their keys were not stored yet:
    the write lock held by this transaction keeps it so until commit)."""
    if not rows:
        return []
    names = [*fixed, *_COLUMNS]
    sql = (
        f"INSERT OR IGNORE INTO personal_policies ({', '.join(_quoted(n) for n in names)}) "  # noqa: S608 - names are constants
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    values = [(*fixed.values(), *(_plain(v) for v in row)) for row in rows]
    raw = connection.connection.driver_connection
    before = raw.total_changes
    raw.executemany(sql, values)  # takes the write lock: nobody inserts these keys meanwhile
    inserted = int(raw.total_changes - before)
    if inserted == len(rows):
        return [(r.province, r.premium, r.limit) for r in rows]
    stored_before = _stored_elsewhere(raw, rows, fixed["batch_id"])
    new = [(r.province, r.premium, r.limit) for r in rows if r.policy_key not in stored_before]
    if len(new) != inserted:
        raise RuntimeError(f"issued {inserted} rows but found {len(new)} new ones")
    return new


def _stored_elsewhere(raw: Any, rows: Sequence[IssueRow], batch_id: str) -> set[str]:
    """Keys of the chunk that belong to an earlier import (not inserted by this chunk)."""
    found: set[str] = set()
    keys = [r.policy_key for r in rows]
    lines = {r.policy_key: r.line for r in rows}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        marks = ", ".join("?" for _ in part)
        cursor = raw.execute(
            "SELECT policy_key, batch_id, line FROM personal_policies "  # noqa: S608 - placeholders only
            f"WHERE policy_key IN ({marks})",
            part,
        )
        found |= {k for k, b, line in cursor if b != batch_id or line != lines[k]}
    return found


def _copy_postgresql(
    connection: Any, rows: Sequence[IssueRow], fixed: dict[str, Any]
) -> list[_NEW]:
    """COPY into staging, then insert what is new; returns the rows actually inserted."""
    if not rows:
        return []
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
            "personal_staging ON CONFLICT (policy_key) DO NOTHING "
            'RETURNING province, premium, "limit"'
        )
        new: list[_NEW] = [(r[0], r[1], r[2]) for r in cursor.fetchall()]
        cursor.execute("DELETE FROM personal_staging")
    return new


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
