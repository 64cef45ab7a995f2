"""The caller's tenant's audit trail (the platform operator sees every tenant's)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from liubu import accounts, audit
from liubu.accounts import MAX_AUDIT_PAGE, AuditFilter
from liubu.api.deps import UowDep
from liubu.api.schemas import AuditEventPublic

router = APIRouter(prefix="/api", tags=["audit"])

Text = Annotated[str | None, Query(min_length=1, max_length=128)]


@router.get("/audit/events", response_model=list[AuditEventPublic])
def list_audit_events(
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=MAX_AUDIT_PAGE)] = 100,
    before_seq: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    actor_id: Text = None,
    action: Annotated[
        str | None, Query(min_length=1, max_length=128, description="An action or its prefix.")
    ] = None,
    entity_type: Text = None,
    entity_id: Text = None,
    since: Annotated[datetime | None, Query(description="From (inclusive), with a zone.")] = None,
    until: Annotated[datetime | None, Query(description="To (exclusive), with a zone.")] = None,
) -> list[AuditEventPublic]:
    query = AuditFilter(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        since=since,
        until=until,
        before_seq=before_seq,
        limit=limit,
    )
    events = accounts.audit_trail(uow, query)
    return [
        AuditEventPublic(
            seq=e.seq,
            occurred_at=e.occurred_at,
            tenant_id=e.tenant_id,
            actor_id=e.actor_id,
            action=e.action,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            action_name_zh=audit.action_name(e.action, "zh"),
            action_name_en=audit.action_name(e.action, "en"),
            entity_type_name_zh=audit.entity_name(e.entity_type, "zh"),
            entity_type_name_en=audit.entity_name(e.entity_type, "en"),
        )
        for e in events
    ]
