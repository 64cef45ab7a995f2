"""Storage of an insurer's capital from its simulated book (组合资本): the latest run's rows per
policy, per industry section and for the whole book. Written by the portfolio use case
(:func:`liubu.portfolio.store_book_capital`), read by the quote's technical premium
(:func:`book_capital_ratio`, through the underwriting repository)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from liubu.accounts import Principal, new_id
from liubu.errors import PermissionDeniedError
from liubu.portfolio import CapitalRow, StoredBookCapital
from liubu.store import tables
from liubu.underwriting import BookCapitalRatio

_T = tables.book_capital


class SqlBookCapitalRepository:
    """Implements :class:`liubu.portfolio.BookCapitalRepository`: the caller's tenant's rows (the
    platform operator's: any tenant's)."""

    def __init__(self, session: Session, principal: Principal) -> None:
        self.session = session
        self.principal = principal

    def _check(self, tenant_id: str) -> None:
        if not self.principal.is_platform and tenant_id != self.principal.tenant_id:
            raise PermissionDeniedError("Only the insurer's own book capital can be used.")

    def replace(self, stored: StoredBookCapital) -> int:
        self._check(stored.tenant_id)
        gone = self.session.execute(delete(_T).where(_T.c.tenant_id == stored.tenant_id))
        run = {
            "tenant_id": stored.tenant_id,
            "run_id": stored.run_id,
            "computed_at": stored.computed_at,
            "return_period": stored.return_period,
            "years": stored.years,
            "seed": stored.seed,
            "book_policies": stored.book_policies,
        }
        if stored.rows:
            self.session.execute(
                insert(_T),
                [
                    {
                        "id": new_id(),
                        **run,
                        "segment": r.segment,
                        "key": r.key,
                        "policies": r.policies,
                        "mean": r.mean,
                        "capital": r.capital,
                        "stand_alone": r.stand_alone,
                        "ratio": r.ratio,
                    }
                    for r in stored.rows
                ],
            )
        return int(getattr(gone, "rowcount", 0) or 0)

    def latest(self, tenant_id: str) -> StoredBookCapital | None:
        self._check(tenant_id)
        rows = self.session.execute(
            select(_T).where(_T.c.tenant_id == tenant_id).order_by(_T.c.segment, _T.c.key)
        ).all()
        if not rows:
            return None
        first = rows[0]
        return StoredBookCapital(
            tenant_id=tenant_id,
            run_id=first.run_id,
            computed_at=first.computed_at,
            return_period=first.return_period,
            years=first.years,
            seed=first.seed,
            book_policies=first.book_policies,
            rows=tuple(
                CapitalRow(
                    r.segment,
                    r.key,
                    r.policies,
                    Decimal(r.mean),
                    Decimal(r.capital),
                    Decimal(r.stand_alone),
                    None if r.ratio is None else Decimal(r.ratio),
                )
                for r in rows
            ),
        )


def book_capital_ratio(
    session: Session, tenant_id: str, *, industry_section: str, policy_number: str | None
) -> BookCapitalRatio | None:
    """The ratio a quote of insurer ``tenant_id`` prices with: the policy's own (by number), else
    the industry section's, else the book's — the first stored with a ratio; None without rows.
    The caller has scoped ``tenant_id`` (the quoted product's insurer)."""
    wanted = [("industry", industry_section), ("book", "")]
    if policy_number:
        wanted.insert(0, ("policy", policy_number))
    for segment, key in wanted:
        row = session.execute(
            select(_T).where(
                _T.c.tenant_id == tenant_id,
                _T.c.segment == segment,
                _T.c.key == key,
                _T.c.ratio.is_not(None),
            )
        ).first()
        if row is not None:
            return BookCapitalRatio(
                ratio=Decimal(row.ratio),
                basis=segment,
                key=key,
                run_id=row.run_id,
                computed_at=row.computed_at,
                book_policies=row.book_policies,
                return_period=row.return_period,
            )
    return None
