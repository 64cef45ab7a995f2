"""Which enterprises a security provider serves: those it has a treatment task for (保前治疗)
and those whose in-term services (保中服务) it is assigned to and that are not cancelled. One
query, so the alerts, the score history and the provider's other reaches agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from liubu.store import tables

CANCELLED = "cancelled"  # liubu.monitoring.TaskState.CANCELLED; the store reads its strings


def served_by(provider_id: str) -> Any:
    """A SELECT of the ids of the enterprises ``provider_id`` serves."""
    treatment, scheduled = tables.service_tasks, tables.scheduled_services
    return (
        select(treatment.c.enterprise_id)
        .where(treatment.c.provider_id == provider_id)
        .union(
            select(scheduled.c.enterprise_id).where(
                scheduled.c.provider_id == provider_id, scheduled.c.status != CANCELLED
            )
        )
    )
