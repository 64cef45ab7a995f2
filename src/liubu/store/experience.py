"""Storage of claims experience (理赔经验数据): the insurer's own experience rows, from which the
frozen :class:`~liubu.experience.ExperienceData` is rebuilt for a rate indication.

Idempotence is per row, not per file: each row has ``row_key`` = SHA-256 of (product_ref,
policy_id, period), unique per tenant, and ``content_sha256`` over all of its values. Importing
the same file again stores nothing; a later extract that overlaps an earlier one (next year's file
repeating last year's rows) stores only the new rows — a file hash would double those. A row whose
key is stored with other values (a revised reserve) is refused, whole file, naming the line: the
experience must not silently mix two versions of one policy-year.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from liubu.accounts import Principal, new_id
from liubu.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    Reason,
    ValidationError,
)
from liubu.experience import ExperienceCode, ExperienceData
from liubu.store import tables

_CHUNK = 500
_T = tables.claims_experience


@dataclass(frozen=True, slots=True)
class StoredExperience:
    """What one import did: rows stored, rows already present, under which batch id."""

    batch_id: str
    rows: int
    stored: int
    already_present: int
    row_keys_sha256: str


@dataclass(frozen=True, slots=True)
class ExperienceCounts:
    rows: int
    batches: int
    claims: int
    exposure_years: Decimal
    incurred_loss: Decimal

    def to_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "batches": self.batches,
            "claims": self.claims,
            "exposure_years": str(self.exposure_years),
            "incurred_loss": str(self.incurred_loss),
        }


def row_key(product_ref: str | None, policy_id: str, period: int) -> str:
    return hashlib.sha256(f"{product_ref or ''}\x1f{policy_id}\x1f{period}".encode()).hexdigest()


class SqlExperienceRepository:
    """The caller's tenant's claims experience; the platform operator sees every tenant's."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _scoped(
        self, stmt: Select[Any], product_ref: str | None, *, untagged: bool = False
    ) -> Select[Any]:
        if not self.principal.is_platform:
            stmt = stmt.where(_T.c.tenant_id == self.principal.tenant_id)
        if product_ref is not None and untagged:
            stmt = stmt.where(or_(_T.c.product_ref == product_ref, _T.c.product_ref.is_(None)))
        elif product_ref is not None:
            stmt = stmt.where(_T.c.product_ref == product_ref)
        return stmt

    def add_rows(
        self,
        data: ExperienceData,
        *,
        product_ref: str | None = None,
        tenant_id: str | None = None,
    ) -> StoredExperience:
        """Store the rows not yet stored; refuse (nothing stored) if a stored row differs."""
        tenant = tenant_id or self.principal.tenant_id
        if not self.principal.is_platform and tenant != self.principal.tenant_id:
            raise PermissionDeniedError("You may only store your own organisation's experience.")
        rows = list(_rows(data, product_ref))
        stored = self._stored_contents(tenant, product_ref)
        changed = [
            (i, r)
            for i, r in enumerate(rows)
            if stored.get(r["row_key"], r["content_sha256"]) != r["content_sha256"]
        ]
        if changed:
            i, first = changed[0]
            raise ConflictError(
                f"{len(changed)} row(s) of {data.source} differ from the stored experience of "
                f"the same policy and period; first: row {i + 1}, policy {first['policy_id']!r}, "
                f"period {first['period']}. Nothing was stored: a revised experience needs the "
                f"old rows removed first.",
                reason=Reason.CONFLICT,
            )
        batch_id, now = new_id(), datetime.now(UTC)
        fresh = [
            {
                **r,
                "id": new_id(),
                "tenant_id": tenant,
                "product_ref": product_ref,
                "batch_id": batch_id,
                "source": data.source[-300:],
                "imported_at": now,
            }
            for r in rows
            if r["row_key"] not in stored
        ]
        for start in range(0, len(fresh), _CHUNK):
            self.session.execute(insert(_T), fresh[start : start + _CHUNK])
        self.session.flush()
        digest = hashlib.sha256("".join(r["row_key"] for r in rows).encode()).hexdigest()
        return StoredExperience(batch_id, len(rows), len(fresh), len(rows) - len(fresh), digest)

    def replace_source(self, data: ExperienceData, *, product_ref: str, source: str) -> str:
        """Rows fed from another store (the claims store): the tenant's rows of ``product_ref``
        from ``source`` are replaced by ``data`` in this transaction; returns the batch id."""
        return self._replace(
            data, tenant=self.principal.tenant_id, product_ref=product_ref, source=source
        )

    def feed_rows(
        self,
        data: ExperienceData,
        *,
        tenant_id: str,
        product_ref: str,
        source: str,
        policy_ids: Sequence[str],
    ) -> str:
        """The incremental feed: the rows of ``policy_ids`` (policy numbers) from ``source`` in
        ``tenant_id``'s experience of ``product_ref`` are replaced by ``data`` (which may be
        empty: a policy whose row goes). The tenant is the policy's insurer, named by the
        claims use case that checked the caller acts on the policy (the insured's own notice
        moves its insurer's row); returns the batch id."""
        return self._replace(
            data, tenant=tenant_id, product_ref=product_ref, source=source, policy_ids=policy_ids
        )

    def _replace(
        self,
        data: ExperienceData,
        *,
        tenant: str,
        product_ref: str,
        source: str,
        policy_ids: Sequence[str] | None = None,
    ) -> str:
        """Delete then insert. A policy-period already stored from another source (a file the
        insurer imported) keeps that row: the fed one is left out rather than refused, so a
        payment never fails on the experience it feeds."""
        scope = delete(_T).where(
            _T.c.tenant_id == tenant, _T.c.product_ref == product_ref, _T.c.source == source
        )
        if policy_ids is not None:
            scope = scope.where(_T.c.policy_id.in_(list(policy_ids)))
        self.session.execute(scope)
        rows = list(_rows(data, product_ref))
        held = self._held_keys(tenant, rows)
        batch_id, now = new_id(), datetime.now(UTC)
        fresh = [
            {
                **r,
                "id": new_id(),
                "tenant_id": tenant,
                "product_ref": product_ref,
                "batch_id": batch_id,
                "source": source,
                "imported_at": now,
            }
            for r in rows
            if r["row_key"] not in held
        ]
        for start in range(0, len(fresh), _CHUNK):
            self.session.execute(insert(_T), fresh[start : start + _CHUNK])
        return batch_id

    def _held_keys(self, tenant: str, rows: Sequence[dict[str, Any]]) -> set[str]:
        """The keys of ``rows`` the tenant already holds (from another source, once the fed
        rows are deleted): an ``IN`` list for the feed's one row, one scan of the tenant's keys
        for a rebuild."""
        wanted = {r["row_key"] for r in rows}
        if not wanted:
            return set()
        stmt = select(_T.c.row_key).where(_T.c.tenant_id == tenant)
        if len(wanted) <= _CHUNK:
            stmt = stmt.where(_T.c.row_key.in_(sorted(wanted)))
        return {key for key in self.session.scalars(stmt) if key in wanted}

    def _stored_contents(self, tenant: str, product_ref: str | None) -> dict[str, str]:
        """Every stored row key of the tenant and product tag, with its content hash: one scan
        (a long ``IN`` list per chunk makes PostgreSQL scan the table once per chunk)."""
        tag = _T.c.product_ref.is_(None) if product_ref is None else _T.c.product_ref == product_ref
        stmt = select(_T.c.row_key, _T.c.content_sha256).where(_T.c.tenant_id == tenant, tag)
        return {row.row_key: row.content_sha256 for row in self.session.execute(stmt)}

    def counts(self, product_ref: str | None = None) -> ExperienceCounts:
        stmt = self._scoped(
            select(
                func.count(),
                func.count(func.distinct(_T.c.batch_id)),
                func.coalesce(func.sum(_T.c.claim_count), 0),
                func.coalesce(func.sum(_T.c.exposure_years), 0),
                func.coalesce(func.sum(_T.c.incurred_loss), 0),
            ).select_from(_T),
            product_ref,
        )
        rows, batches, claims, exposure, loss = self.session.execute(stmt).one()
        return ExperienceCounts(
            int(rows), int(batches), int(claims), Decimal(str(exposure)), Decimal(str(loss))
        )

    def product_tags(self) -> list[str]:
        """The product tags of the stored rows, the most rows first."""
        rows = func.count().label("rows")
        stmt = self._scoped(
            select(_T.c.product_ref, rows)
            .where(_T.c.product_ref.is_not(None))
            .group_by(_T.c.product_ref)
            .order_by(rows.desc(), _T.c.product_ref),
            None,
        )
        return [row.product_ref for row in self.session.execute(stmt)]

    def data(self, product_ref: str | None = None, *, untagged: bool = False) -> ExperienceData:
        """The stored rows (of ``product_ref`` — and the rows tagged with no product when
        ``untagged`` — or all) as frozen experience data. Factors are those every row has; a
        :class:`NotFoundError` if nothing is stored."""
        stmt = self._scoped(
            select(
                _T.c.policy_id,
                _T.c.period,
                _T.c.exposure_years,
                _T.c.claim_count,
                _T.c.incurred_loss,
                _T.c.factors,
                _T.c.product_ref,
            ),
            product_ref,
            untagged=untagged,
        ).order_by(_T.c.policy_id, _T.c.period)
        rows = self.session.execute(stmt).all()
        _refuse_twice_tagged(rows)
        if not rows:
            scope = f" for {product_ref}" if product_ref else ""
            raise NotFoundError(
                f"No claims experience of yours is stored{scope}; import a file first "
                f"(liubu experience import, or POST /api/experience/imports).",
                code=ExperienceCode.NONE_STORED,
            )
        names = set(rows[0].factors)
        for row in rows:
            names &= set(row.factors)
        factor_names = [n for n in rows[0].factors if n in names]
        return ExperienceData(
            policy_id=np.array([r.policy_id for r in rows], dtype=np.str_),
            period=np.array([r.period for r in rows], dtype=np.int64),
            factors={
                n: np.array([r.factors[n] for r in rows], dtype=np.str_) for n in factor_names
            },
            exposure=np.array([float(r.exposure_years) for r in rows], dtype=np.float64),
            claim_count=np.array([r.claim_count for r in rows], dtype=np.int64),
            incurred_loss=np.array([float(r.incurred_loss) for r in rows], dtype=np.float64),
            source=f"claims_experience:{product_ref or 'all products'}",
        )


def _refuse_twice_tagged(rows: Sequence[Any]) -> None:
    """A policy-period stored under two product tags (rows sorted by policy and period) cannot
    be read as one experience: say which, and how to read one tag."""
    for before, row in itertools.pairwise(rows):
        if (before.policy_id, before.period) == (row.policy_id, row.period):
            tags = sorted(str(t or "untagged") for t in (before.product_ref, row.product_ref))
            raise ValidationError(
                f"The policy {row.policy_id!r} in period {row.period} is stored under two "
                f"product tags ({tags[0]} and {tags[1]}); read one tag at a time (--tagged, or "
                f"tagged=true over the API).",
                code=ExperienceCode.TAGGED_TWICE,
                field="product_ref",
                value=row.policy_id,
            )


def _rows(data: ExperienceData, product_ref: str | None) -> Iterator[dict[str, Any]]:
    names = data.factor_names
    for i in range(data.n_rows):
        policy_id, period = str(data.policy_id[i]), int(data.period[i])
        exposure = Decimal(f"{float(data.exposure[i]):.6f}")
        loss = Decimal(f"{float(data.incurred_loss[i]):.2f}")
        count = int(data.claim_count[i])
        factors = {name: str(data.factors[name][i]) for name in names}
        content = json.dumps(
            [policy_id, period, str(exposure), count, str(loss), sorted(factors.items())],
            ensure_ascii=False,
        )
        yield {
            "row_key": row_key(product_ref, policy_id, period),
            "content_sha256": hashlib.sha256(content.encode()).hexdigest(),
            "policy_id": policy_id,
            "period": period,
            "exposure_years": exposure,
            "claim_count": count,
            "incurred_loss": loss,
            "factors": factors,
        }
