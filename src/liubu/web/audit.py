"""The admin's audit page (审计日志): the tenant's events, newest first, filtered by actor, action,
entity and day (Asia/Shanghai), paged back by sequence number; and, on request, the verification
of the whole hash chain (as ``liubu audit verify`` does)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from liubu import accounts, audit
from liubu.accounts import MAX_AUDIT_PAGE, AccountsCode, AuditFilter
from liubu.errors import ValidationError
from liubu.requests import PlatformDep
from liubu.web.display import SHANGHAI
from liubu.web.nav import require_page
from liubu.web.rendering import language_of, render
from liubu.web.security import WebPrincipal

router = APIRouter(include_in_schema=False)

PAGE = 50
Text = Annotated[str | None, Query(max_length=128)]


def _day(text: str | None, field: str) -> date | None:
    """A day from a date field (empty: none)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"The {field} day {text!r} is not a date (YYYY-MM-DD).",
            code=AccountsCode.BAD_AUDIT_FILTER,
            field=field,
        ) from None


def _day_start(day: date | None, *, next_day: bool = False) -> datetime | None:
    """Midnight in Beijing starting ``day`` (or the day after), as an aware time."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1 if next_day else 0), time(), SHANGHAI)


def _actor(actor_id: str, users: dict[str, str], lang: audit.Lang) -> str:
    """A user's name, an actor's that is no user (系统…), else the start of an unknown id."""
    named = users.get(actor_id) or audit.actor_name(actor_id, lang)
    if named is not None:
        return named
    return actor_id if len(actor_id) <= 8 else actor_id[:8] + "…"


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    principal: WebPrincipal,
    platform: PlatformDep,
    actor_id: Text = None,
    action: Text = None,
    entity_type: Text = None,
    entity_id: Text = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    before_seq: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    verify: Annotated[bool, Query()] = False,
) -> Response:
    page, nav = require_page(principal, "audit")
    first, last = _day(since, "since"), _day(until, "until")
    query = AuditFilter(
        actor_id=actor_id or None,
        action=action or None,
        entity_type=entity_type or None,
        entity_id=entity_id or None,
        since=_day_start(first),
        until=_day_start(last, next_day=True),
        before_seq=before_seq,
        limit=min(PAGE, MAX_AUDIT_PAGE),
    )
    with platform.uow(principal) as uow:
        events = accounts.audit_trail(uow, query)
        users = {u.id: u.username for u in uow.users.list()}
    report = platform.verify_audit_chain() if verify else None
    filters = {
        "actor_id": actor_id or "",
        "action": action or "",
        "entity_type": entity_type or "",
        "entity_id": entity_id or "",
        "since": first.isoformat() if first else "",
        "until": last.isoformat() if last else "",
    }
    older = events[-1].seq if len(events) == PAGE else None
    lang: audit.Lang = "zh" if language_of(request) == "zh_CN" else "en"
    return render(
        request,
        "audit.html",
        principal=principal,
        nav=nav,
        page=page,
        events=events,
        users=users,
        filters=filters,
        older={k: v for k, v in filters.items() if v} | {"before_seq": older} if older else None,
        report=report,
        times={e.seq: datetime.fromisoformat(e.occurred_at) for e in events},
        # The codes named in the reader's language; the page keeps each code beside its name.
        actors={e.actor_id: _actor(e.actor_id, users, lang) for e in events},
        action_names={e.action: audit.action_name(e.action, lang) for e in events},
        entity_names={e.entity_type: audit.entity_name(e.entity_type, lang) for e in events},
        action_choices=audit.named_actions(lang),
        entity_choices=audit.named_entities(lang),
    )
