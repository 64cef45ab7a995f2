"""Storage of the score history (:class:`liubu.assessment.ScoreChange`).

Scope, in one place (:meth:`SqlScoreHistoryRepository._readable`): the platform reads every
enterprise's history; an enterprise its own; an insurer's staff (every role: the actuary and the
analyst read the book's scores too) those of the enterprises it insures or insured, by a policy or
a group member's certificate — not those it only quoted: the history names alerts another
insurer's monitoring raised; a security provider
those of the enterprises with a service task assigned to it; anyone else none. A change is
appended only for an enterprise the caller may read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from liubu.accounts import OrgKind, Principal
from liubu.assessment import MAX_HISTORY, ScoreChange
from liubu.errors import NotFoundError, PermissionDeniedError
from liubu.store import tables
from liubu.store.serving import served_by


class SqlScoreHistoryRepository:
    """Implements :class:`liubu.assessment.ScoreHistoryRepository`."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _readable(self, enterprise: Any) -> ColumnElement[bool]:
        """Which enterprises' histories the caller reads (``enterprise``: an id column)."""
        me, kind = self.principal.tenant_id, self.principal.org_kind
        e = tables.enterprises
        if kind is OrgKind.PLATFORM:
            return true()
        if kind is OrgKind.ENTERPRISE:
            return enterprise.in_(  # type: ignore[no-any-return]
                select(e.c.id).where(e.c.tenant_id == me)
            )
        if kind is OrgKind.INSURER:
            policies, certificates = tables.policies, tables.certificates
            return enterprise.in_(  # type: ignore[no-any-return]
                select(policies.c.enterprise_id)
                .where(policies.c.tenant_id == me)
                .union(select(certificates.c.enterprise_id).where(certificates.c.tenant_id == me))
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

    def add(self, change: ScoreChange) -> None:
        if not isinstance(change, ScoreChange):
            raise TypeError(f"The score history stores score changes, not {type(change).__name__}.")
        e = tables.enterprises
        owner = self.session.execute(
            select(e.c.tenant_id).where(e.c.id == change.enterprise_id, self._readable(e.c.id))
        ).first()
        if owner is None or owner[0] != change.tenant_id:
            raise PermissionDeniedError("You may only record the score of an enterprise you see.")
        self.session.add(change)

    def latest(self, enterprise_id: str) -> ScoreChange | None:
        s = tables.score_changes
        stmt = (
            select(ScoreChange)
            .where(s.c.enterprise_id == enterprise_id)
            .order_by(s.c.recorded_at.desc(), s.c.at.desc())
            .limit(1)
        )
        # the session's pending changes count: flush so a change added in this transaction is seen
        self.session.flush()
        return self.session.execute(stmt).scalars().first()

    def changes(
        self,
        enterprise_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = MAX_HISTORY,
    ) -> Sequence[ScoreChange]:
        s = tables.score_changes
        stmt = select(ScoreChange).where(
            s.c.enterprise_id == enterprise_id, self._readable(s.c.enterprise_id)
        )
        if since is not None:
            stmt = stmt.where(s.c.at >= since)
        if until is not None:
            stmt = stmt.where(s.c.at <= until)
        stmt = stmt.order_by(s.c.at, s.c.recorded_at).limit(min(limit, MAX_HISTORY))
        return list(self.session.execute(stmt).scalars())
