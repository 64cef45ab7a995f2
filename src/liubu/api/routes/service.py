"""保中服务 over HTTP: bundled services as scheduled tasks with SLAs — the provider's queue
(accept, report, complete), the insurer's review (send back) and panel, everyone's view with
missed SLAs flagged."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from liubu import monitoring
from liubu.api.deps import UowDep
from liubu.monitoring import MAX_REPORT_CHARS

router = APIRouter(prefix="/api/services", tags=["service"])


class ReportIn(BaseModel):
    report: str = Field(min_length=1, max_length=MAX_REPORT_CHARS)
    scan_id: str | None = Field(default=None, min_length=1, max_length=64)


class RejectIn(BaseModel):
    reason: Literal["evidence_missing", "evidence_insufficient", "scope_incomplete", "wrong_asset"]


class PanelIn(BaseModel):
    provider_id: str = Field(min_length=1, max_length=64)
    service: str = Field(min_length=1, max_length=64)
    insurer_id: str | None = Field(default=None, min_length=1, max_length=64)


@router.get("")
def list_tasks(
    uow: UowDep,
    enterprise: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    overdue: bool = False,
    on: date | None = None,
) -> list[dict[str, Any]]:
    """The tasks you may see (the insurer's policies', the insured's own, a provider's queue),
    by due date; ``overdue`` keeps those past an SLA."""
    if overdue:
        views = monitoring.list_breaches(uow, on=on)
    else:
        views = monitoring.list_services(uow, enterprise_id=enterprise, status=status, on=on)
    return [v.as_dict() for v in views]


@router.post("/schedule")
def schedule(uow: UowDep, on: date | None = None) -> dict[str, int]:
    """Create the missing tasks of your policies in force (idempotent) and cancel those of
    policies no longer in force."""
    return monitoring.schedule_services(uow, on).as_dict()


def _one(uow: UowDep, task_id: str) -> dict[str, Any]:
    (view,) = [v for v in monitoring.list_services(uow) if v.task.id == task_id]
    return view.as_dict()


@router.post("/{service_task_id}/accept")
def accept(service_task_id: str, uow: UowDep) -> dict[str, Any]:
    monitoring.accept_service(uow, service_task_id)
    return _one(uow, service_task_id)


@router.post("/{service_task_id}/report")
def report(service_task_id: str, body: ReportIn, uow: UowDep) -> dict[str, Any]:
    monitoring.report_service(uow, service_task_id, report=body.report, scan_id=body.scan_id)
    return _one(uow, service_task_id)


@router.post("/{service_task_id}/complete")
def complete(service_task_id: str, uow: UowDep) -> dict[str, Any]:
    monitoring.complete_service(uow, service_task_id)
    return _one(uow, service_task_id)


@router.post("/{service_task_id}/reject")
def reject(service_task_id: str, body: RejectIn, uow: UowDep) -> dict[str, Any]:
    monitoring.reject_report(uow, service_task_id, reason=body.reason)
    return _one(uow, service_task_id)


@router.get("/panel")
def panel(
    uow: UowDep,
    insurer_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> list[dict[str, Any]]:
    """The insurer's provider panel, by service in the panel's order."""
    return [_panel_entry(e) for e in monitoring.list_panel(uow, insurer_id=insurer_id)]


def _panel_entry(entry: monitoring.PanelEntry) -> dict[str, Any]:
    return {"service": entry.service_code, "provider_id": entry.provider_id, "rank": entry.rank}


@router.post("/panel", status_code=201)
def add_to_panel(body: PanelIn, uow: UowDep) -> dict[str, Any]:
    entry = monitoring.add_to_panel(uow, body.provider_id, body.service, insurer_id=body.insurer_id)
    return _panel_entry(entry)


@router.post("/panel/remove", status_code=204)
def remove_from_panel(body: PanelIn, uow: UowDep) -> Response:
    monitoring.remove_from_panel(uow, body.provider_id, body.service, insurer_id=body.insurer_id)
    return Response(status_code=204)
