"""The unit of work: one transaction, rolled back unless :meth:`commit` is called."""

from __future__ import annotations

from typing import Self

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from liubu.accounts import Principal
from liubu.core import PersonalDataCipher
from liubu.errors import ConcurrencyError, ConflictError, Reason
from liubu.store.assessment import SqlAssessmentRepository, SqlIntelStore
from liubu.store.audit import AUDIT_KEY, PRINCIPAL, SqlAuditLog
from liubu.store.book_capital import SqlBookCapitalRepository
from liubu.store.claims import SqlClaimDevelopment, SqlClaimsRepository
from liubu.store.dependencies import SqlBookImports, SqlDependencyRepository
from liubu.store.experience import SqlExperienceRepository
from liubu.store.groups import SqlGroupRepository
from liubu.store.jobs import SqlJobStore
from liubu.store.monitoring import SqlMonitoringRepository
from liubu.store.notify import SqlNotifyStore
from liubu.store.personal_claims import SqlAntifraudClaims
from liubu.store.portfolio import SqlPortfolioRunStore
from liubu.store.repositories import (
    ApiTokenRepository,
    EnterpriseRepository,
    IdentityClaimRepository,
    OrganisationRepository,
    ProductRepository,
    UserRepository,
)
from liubu.store.score_history import SqlScoreHistoryRepository
from liubu.store.services import SqlServiceRepository
from liubu.store.sessions import SqlSignInFailureStore, SqlWebSessionStore
from liubu.store.statistics import SqlStatistics
from liubu.store.underwriting import SqlUnderwritingRepository


class SqlUnitOfWork:
    """Implements :class:`liubu.accounts.ports.UnitOfWork` (and later packages' ports, among them
    :class:`liubu.jobs.JobUnitOfWork`)."""

    session: Session

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        principal: Principal,
        *,
        audit_key: bytes,
        cipher: PersonalDataCipher | None = None,
    ) -> None:
        self._factory = session_factory
        self.principal = principal
        self._audit_key = audit_key
        # Repositories that store personal data (claims) encrypt with it; None: they refuse to.
        self._cipher = cipher
        self._depth = 0

    def __enter__(self) -> Self:
        if self._depth:
            # A use case opens its own transaction (``with uow:``); when an entry point already
            # opened this one (a request's unit of work), the use case joins it rather than
            # starting a second session that would not see the first one's reads.
            self._depth += 1
            return self
        self.session = self._factory()
        self.session.info[PRINCIPAL] = self.principal
        self.session.info[AUDIT_KEY] = self._audit_key
        self.organisations = OrganisationRepository(self.session, self.principal)
        self.users = UserRepository(self.session, self.principal)
        self.api_tokens = ApiTokenRepository(self.session, self.principal)
        self.enterprises = EnterpriseRepository(self.session, self.principal)
        self.identity_claims = IdentityClaimRepository(self.session, self.principal)
        self.products = ProductRepository(self.session, self.principal)
        self.assessment = SqlAssessmentRepository(self.session, self.principal)
        self.intel = SqlIntelStore(self.session)
        self.underwriting = SqlUnderwritingRepository(self.session, self.principal)
        self.statistics = SqlStatistics(self.session)
        self.groups = SqlGroupRepository(self.session, self.principal)
        self.experience = SqlExperienceRepository(self.session, self.principal)
        self.book_capital = SqlBookCapitalRepository(self.session, self.principal)
        self.claims = SqlClaimsRepository(self.session, self.principal, self._cipher)
        self.claim_development = SqlClaimDevelopment(self.session, self.principal)
        self.antifraud_claims = SqlAntifraudClaims(self.session, self.principal)
        self.monitoring = SqlMonitoringRepository(self.session, self.principal)
        self.score_history = SqlScoreHistoryRepository(self.session, self.principal)
        self.dependencies = SqlDependencyRepository(self.session, self.principal)
        self.book_imports = SqlBookImports(self.session, self.principal)
        self.services = SqlServiceRepository(self.session, self.principal)
        self.notify = SqlNotifyStore(self.session, self.principal)
        self.audit = SqlAuditLog(self.session, self.principal)
        self.web_sessions = SqlWebSessionStore(self.session)
        self.sign_in_failures = SqlSignInFailureStore(self.session)
        self.jobs = SqlJobStore(self.session, self.principal, audit=self.audit)
        self.portfolio_runs = SqlPortfolioRunStore(self.session, self.principal)
        self._depth = 1  # only once the session is open: a failed open leaves nothing to exit
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth:
            # Only the outermost exit ends the session: rolling back here would expire what the
            # entry point loaded and still renders. What was not committed is rolled back there.
            return
        # close() rolls back whatever was not committed and detaches loaded objects without
        # expiring them, so a use case's results stay readable after the unit of work ends.
        self.session.close()

    def flush(self) -> None:
        """Write pending changes (and their audit events) without committing."""
        try:
            self.session.flush()
        except Exception as error:
            self.rollback()
            raise _translate(error) from error

    def commit(self) -> None:
        try:
            self.session.commit()
        except Exception as error:
            self.rollback()
            raise _translate(error) from error

    def rollback(self) -> None:
        self.session.rollback()


def _translate(error: Exception) -> Exception:
    if isinstance(error, StaleDataError):
        return ConcurrencyError(
            "Someone else changed this record after you loaded it; reload and try again."
        )
    if isinstance(error, sa_exc.IntegrityError):
        return ConflictError(
            "The change conflicts with a record that already exists.", reason=Reason.DUPLICATE
        )
    if isinstance(error, sa_exc.OperationalError) and "locked" in str(error).lower():
        return ConcurrencyError("Another transaction holds this record; try again.")
    return error
