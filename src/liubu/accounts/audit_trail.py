"""Reading the audit trail (审计日志): a tenant's events, newest first, filtered by actor, action,
entity and time. Admins only; an insurer's admin sees its tenant's events, the platform operator
every tenant's (the store scopes the query). Read only: nothing here changes state.
"""

from __future__ import annotations

from liubu.accounts.model import Role
from liubu.accounts.ports import AuditFilter, AuditRecord, UnitOfWork
from liubu.accounts.service import require


def audit_trail(uow: UnitOfWork, query: AuditFilter) -> list[AuditRecord]:
    """The caller's tenant's audit events matching ``query``, newest first (admins only)."""
    with uow:
        require(uow.principal, Role.ADMIN)
        return list(uow.audit.search(query))
