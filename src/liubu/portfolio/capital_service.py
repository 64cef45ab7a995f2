"""Use cases of the book's capital (组合资本): store a simulated book's capital for an insurer, and
refresh it (simulate the book, compute the capital, store it) — the one function the CLI and the
durable simulation job both call.

The unit of work is a port (``uow.book_capital``, ``uow.organisations``, ``uow.audit``,
``uow.principal``); ``liubu.store`` implements it. Storing replaces the insurer's previous rows in
one transaction, audited; the technical premium reads the rows through underwriting's own port
(``UnderwritingRepository.book_capital_ratio``).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, Self

from liubu.accounts import OrgKind, Principal, Role, require
from liubu.errors import NotFoundError, PermissionDeniedError, ValidationError
from liubu.portfolio.capital import BOOK_SEGMENT, BookCapital, book_capital, return_period_of
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import Book, Catalogue
from liubu.portfolio.results import TAIL_RETURN_PERIODS, BookResult
from liubu.portfolio.runner import run_book
from liubu.underwriting import loads_for

WRITERS = (Role.ACTUARY, Role.ADMIN)
READERS = (Role.ACTUARY, Role.ADMIN, Role.UNDERWRITER)
_KINDS = (OrgKind.INSURER, OrgKind.PLATFORM)
POLICY_SEGMENT = "policy"
_MONEY = Decimal("0.01")
_RATIO = Decimal("0.00000001")
MAX_SEED = 2**31 - 1
MAX_RUN_ID = 64
MAX_KEY = 64  # a policy number
MAX_POLICIES = 1_000_000


@dataclass(frozen=True, slots=True)
class CapitalRow:
    """One stored row: a policy (``key`` its number), an industry section or the book (key '')."""

    segment: str
    key: str
    policies: int
    mean: Decimal
    capital: Decimal
    stand_alone: Decimal
    ratio: Decimal | None


@dataclass(frozen=True)
class StoredBookCapital:
    """An insurer's book capital as stored: the run and its rows."""

    tenant_id: str
    run_id: str
    computed_at: datetime
    return_period: int
    years: int
    seed: int
    book_policies: int
    rows: tuple[CapitalRow, ...]

    def row(self, segment: str, key: str = "") -> CapitalRow | None:
        return next((r for r in self.rows if r.segment == segment and r.key == key), None)

    @property
    def book(self) -> CapitalRow:
        found = self.row(BOOK_SEGMENT)
        assert found is not None  # every stored run has its book row
        return found


class BookCapitalRepository(Protocol):
    def replace(self, stored: StoredBookCapital) -> int:
        """Delete the tenant's rows and insert ``stored``'s; the rows deleted."""
        ...

    def latest(self, tenant_id: str) -> StoredBookCapital | None: ...


class BookCapitalUnitOfWork(Protocol):
    @property
    def principal(self) -> Principal: ...

    @property
    def book_capital(self) -> BookCapitalRepository: ...

    organisations: Any
    audit: Any

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...
    def commit(self) -> None: ...


def capital_rows(capital: BookCapital) -> tuple[CapitalRow, ...]:
    """The rows stored for ``capital``: the book, each industry section, each policy."""
    rows = [
        CapitalRow(
            s.segment,
            s.key,
            s.policies,
            _money(0.0),
            _money(s.capital),
            _money(s.stand_alone),
            _ratio(s.ratio),
        )
        for s in capital.segments
    ]
    book = next(r for r in rows if r.segment == BOOK_SEGMENT)
    rows[rows.index(book)] = CapitalRow(
        book.segment,
        book.key,
        book.policies,
        _money(capital.book_mean),
        book.capital,
        book.stand_alone,
        book.ratio,
    )
    rows.extend(
        CapitalRow(
            POLICY_SEGMENT,
            p.policy,
            1,
            _money(p.mean),
            _money(p.capital),
            _money(p.stand_alone),
            _ratio(p.ratio),
        )
        for p in capital.policies
    )
    return tuple(rows)


def store_book_capital(
    uow: BookCapitalUnitOfWork, insurer_tenant_id: str, run_id: str, capital: BookCapital
) -> StoredBookCapital:
    """Replace the insurer's stored book capital by ``capital`` (from run ``run_id``), audited;
    one transaction, committed here. The insurer's actuary or administrator (or the platform's)."""
    with uow:
        _allowed(uow.principal, insurer_tenant_id, WRITERS)
        if not run_id or len(run_id) > MAX_RUN_ID:
            raise ValidationError(
                f"The run id must have 1 to {MAX_RUN_ID} characters; got {run_id!r}.",
                code=PortfolioCode.BAD_RUN,
                field="run_id",
                value=run_id,
            )
        _insurer(uow, insurer_tenant_id)
        _check_keys(capital)
        stored = StoredBookCapital(
            tenant_id=insurer_tenant_id,
            run_id=run_id,
            computed_at=datetime.now(UTC),
            return_period=capital.return_period,
            years=capital.years,
            seed=capital.seed,
            book_policies=len(capital.policies),
            rows=capital_rows(capital),
        )
        replaced = uow.book_capital.replace(stored)
        book = stored.book
        uow.audit.record(
            "book_capital.stored",
            entity_type="book_capital",
            entity_id=run_id,
            tenant_id=insurer_tenant_id,
            after={
                "run_id": run_id,
                "return_period": stored.return_period,
                "years": stored.years,
                "seed": stored.seed,
                "book_policies": stored.book_policies,
                "book_ratio": None if book.ratio is None else str(book.ratio),
                "rows": len(stored.rows),
                "rows_replaced": replaced,
            },
        )
        uow.commit()
        return stored


def refresh_book_capital(
    uow: BookCapitalUnitOfWork,
    insurer_tenant_id: str,
    book: Book,
    catalogue: Catalogue,
    *,
    years: int = 100_000,
    seed: int = 20_261_207,
    run_id: str | None = None,
) -> StoredBookCapital:
    """Simulate ``book`` under ``catalogue`` in this process (``workers=0``) at the insurer's
    capital level (its loads), compute each policy's capital and store it
    (:func:`store_book_capital`). The book's policy ids should be the policy numbers: a renewal
    finds its own ratio by its number."""
    with uow:
        _allowed(uow.principal, insurer_tenant_id, WRITERS)
        _insurer(uow, insurer_tenant_id)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValidationError(
            f"seed must be a whole number from 0 to {MAX_SEED:,}; got {seed!r}.",
            code=PortfolioCode.BAD_RUN,
            field="seed",
            value=seed,
        )
    period = capital_period(uow, insurer_tenant_id)
    if years < period:
        raise ValidationError(
            f"A 1-in-{period} TVaR needs at least {period} simulated years; got {years}.",
            code=PortfolioCode.CAPITAL_LEVEL,
            field="years",
            value=years,
        )
    with tempfile.TemporaryDirectory(prefix="liubu-ylt-") as scratch:
        result = run_book(book, catalogue, years=years, seed=seed, workers=0, ylt_dir=scratch)
        return store_run_capital(uow, insurer_tenant_id, run_id or uuid.uuid4().hex, result, book)


def capital_period(uow: BookCapitalUnitOfWork, insurer_tenant_id: str) -> int:
    """The return period of the insurer's capital level (its loads): 0.995 → 200."""
    with uow:
        insurer = _insurer(uow, insurer_tenant_id)
    return return_period_of(loads_for(insurer.code or "").capital_level, TAIL_RETURN_PERIODS)


def store_run_capital(
    uow: BookCapitalUnitOfWork,
    insurer_tenant_id: str,
    run_id: str,
    result: BookResult,
    book: Book,
) -> StoredBookCapital:
    """Each policy's capital in a simulated run of the insurer's book, at the insurer's capital
    level, stored (:func:`store_book_capital`); the run's year-loss table must still be there.
    The refresh and the durable simulation of the insurer's own book both end here."""
    capital = book_capital(result, book, return_period=capital_period(uow, insurer_tenant_id))
    return store_book_capital(uow, insurer_tenant_id, run_id, capital)


def stored_book_capital(
    uow: BookCapitalUnitOfWork, insurer_tenant_id: str
) -> StoredBookCapital | None:
    """The insurer's stored book capital (its own staff, or the platform's)."""
    with uow:
        _allowed(uow.principal, insurer_tenant_id, READERS)
        return uow.book_capital.latest(insurer_tenant_id)


def _check_keys(capital: BookCapital) -> None:
    if len(capital.policies) > MAX_POLICIES:
        raise ValidationError(
            f"A stored book has at most {MAX_POLICIES:,} policies; got {len(capital.policies):,}.",
            code=PortfolioCode.BAD_RUN,
            field="policies",
            value=len(capital.policies),
        )
    for row in capital.policies:
        if not row.policy or len(row.policy) > MAX_KEY:
            raise ValidationError(
                f"Policy {row.policy[:80]!r}: a book policy's id (its policy number) has 1 to "
                f"{MAX_KEY} characters.",
                code=PortfolioCode.BAD_FIELD,
                field="id",
                value=row.policy[:80],
            )


def _allowed(principal: Principal, tenant_id: str, roles: Sequence[Role]) -> None:
    require(principal, *roles, kinds=_KINDS)
    if not principal.is_platform and principal.tenant_id != tenant_id:
        raise PermissionDeniedError("Only the insurer's own staff may see or change its capital.")


def _insurer(uow: BookCapitalUnitOfWork, tenant_id: str) -> Any:
    organisation = uow.organisations.get(tenant_id)
    if organisation is None or organisation.kind != OrgKind.INSURER:
        raise NotFoundError(f"No insurer with the id {tenant_id!r}.")
    return organisation


def _money(value: float) -> Decimal:
    return Decimal(repr(float(value))).quantize(_MONEY)


def _ratio(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(float(value))).quantize(_RATIO)
