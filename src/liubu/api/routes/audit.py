"""The caller's tenant's audit trail (the platform operator sees every tenant's)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from liubu import accounts
from liubu.accounts import Role
from liubu.api.deps import UowDep
from liubu.api.schemas import AuditEventPublic

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit/events", response_model=list[AuditEventPublic])
def list_audit_events(
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
) -> list[AuditEventPublic]:
    accounts.require(uow.principal, Role.ADMIN)
    events = uow.audit.recent(limit=limit, before_seq=before_seq)
    return [AuditEventPublic.model_validate(e, from_attributes=True) for e in events]
