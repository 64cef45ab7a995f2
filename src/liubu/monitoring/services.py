"""保中服务 — the use cases of bundled services as scheduled tasks with SLAs.

* :func:`schedule_services` reads the policies in force (as the watch list does) and creates the
  tasks missing for each one's bundled services over its term, and the monthly rescans of the
  insured's verified assets; it is idempotent (``(policy, service, sequence)`` is unique, so a
  second run creates nothing), assigns tasks left unassigned once the insurer's panel has a
  provider, and cancels the pending tasks of policies no longer in force (cancelled or ended).
  It runs as the ``monitoring.schedule_services`` job, queued after a bind and on a schedule.
* The provider's queue: :func:`accept_service`, :func:`report_service` (a bounded report, and a
  scan as evidence if wanted), :func:`complete_service`; the insurer may :func:`reject_report`
  back to the provider with a reason code. Every change is audited by the store.
* :func:`run_due_rescans` queues a scan job for each enterprise with a rescan due;
  :func:`complete_rescans` completes the rescan tasks when their scan ends.
* :func:`list_services` and :func:`list_breaches` show the tasks with missed SLAs flagged.
* :func:`add_to_panel` and :func:`remove_from_panel` keep an insurer's panel of providers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from liubu.accounts import OrgKind, Principal, Role, new_id, require
from liubu.assessment import SCAN_JOB, Scan, ScanState
from liubu.core import shanghai_today
from liubu.errors import NotFoundError, ValidationError
from liubu.jobs import Job, JobState
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.schedule import (
    PENDING,
    Breach,
    PanelChoice,
    RejectReason,
    ServiceTerms,
    TaskAction,
    TaskKind,
    TaskState,
    breach,
    choose_provider,
    deadlines,
    due_dates,
    load_service_terms,
    next_state,
)
from liubu.monitoring.service_records import (
    PanelEntry,
    ScheduledService,
    ServicePolicy,
    ServiceUnitOfWork,
)
from liubu.monitoring.watched import WATCHERS, WATCHING_KINDS
from liubu.products import find_product, parse_product

#: The job kind that runs :func:`schedule_services` (and :func:`run_due_rescans`).
SCHEDULE_JOB = "monitoring.schedule_services"
#: The scan job's kind (``liubu.bootstrap`` registers its handler under this name).
#: The longest report a provider may give, in characters.
MAX_REPORT_CHARS = 4000
MAX_ID = 64

SCHEDULERS = (Role.ADMIN, Role.UNDERWRITER)
SCHEDULING_KINDS = (OrgKind.PLATFORM, OrgKind.INSURER)
PROVIDER_ROLES = (Role.ADMIN, Role.SECURITY_ANALYST)


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    """Tasks created, assigned (left unassigned before), cancelled, and pending without a
    provider (flagged to the insurer)."""

    created: int
    assigned: int
    cancelled: int
    unassigned: int

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "assigned": self.assigned,
            "cancelled": self.cancelled,
            "unassigned": self.unassigned,
        }


@dataclass(frozen=True, slots=True)
class ServiceView:
    """A task as the queues show it, with the SLA it has missed on the day, if any."""

    task: ScheduledService
    terms: ServiceTerms
    breach: Breach | None

    @property
    def unassigned(self) -> bool:
        return self.task.kind == TaskKind.SERVICE and self.task.provider_id is None

    def as_dict(self) -> dict[str, object]:
        t = self.task
        return {
            "id": t.id,
            "enterprise_id": t.enterprise_id,
            "policy_number": t.policy_number,
            "kind": t.kind,
            "service": t.service_code,
            "sequence": t.sequence,
            "due_on": t.due_on.isoformat(),
            "accept_by": t.accept_by.isoformat(),
            "complete_by": t.complete_by.isoformat(),
            "status": t.status,
            "provider_id": t.provider_id,
            "unassigned": self.unassigned,
            "overdue": self.breach is not None,
            "breach": None if self.breach is None else str(self.breach),
            "report": t.report,
            "scan_id": t.scan_id,
            "reject_reason": t.reject_reason,
        }


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _bundled(
    uow: ServiceUnitOfWork, product_ref: str, cache: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    if product_ref not in cache:
        record = find_product(uow, product_ref)
        spec = parse_product(record.document, source=record.product_ref)
        cache[product_ref] = tuple(s.code for s in spec.services)
    return cache[product_ref]


def _occurrences(
    policy: ServicePolicy, codes: Sequence[str], rescan: bool
) -> Iterator[tuple[TaskKind, ServiceTerms, int, date]]:
    catalogue = load_service_terms()
    for code in codes:
        terms = catalogue.services.get(code)
        if terms is None:
            continue  # a vocabulary code with no schedule (none today; the test holds them equal)
        for sequence, due in enumerate(due_dates(terms, policy.period_start, policy.period_end), 1):
            yield TaskKind.SERVICE, terms, sequence, due
    if rescan:
        terms = catalogue.rescan
        for sequence, due in enumerate(due_dates(terms, policy.period_start, policy.period_end), 1):
            yield TaskKind.RESCAN, terms, sequence, due


def schedule_services(
    uow: ServiceUnitOfWork, on: date | None = None, *, now: datetime | None = None
) -> ScheduleResult:
    """Create the missing tasks of every policy in force on ``on`` (today on the Beijing
    calendar) the caller may schedule; see the module's documentation."""
    day, moment = on or shanghai_today(), _now(now)
    with uow:
        require(uow.principal, *SCHEDULERS, kinds=SCHEDULING_KINDS)
        policies = uow.services.policies_in_force(day)
        existing = {
            (t.policy_id, t.service_code, t.sequence): t
            for t in uow.services.tasks_of([p.policy_id for p in policies])
        }
        enterprise_ids = {p.enterprise_id for p in policies}
        verified = {eid for eid, _name in uow.monitoring.verified_hosts(enterprise_ids)}
        assigned = uow.services.assigned_providers(enterprise_ids)
        panels: dict[str, list[PanelChoice]] = {}
        products: dict[str, tuple[str, ...]] = {}
        created = newly_assigned = unassigned = 0
        for policy in policies:
            if policy.tenant_id not in panels:
                panels[policy.tenant_id] = [
                    PanelChoice(e.provider_id, e.service_code, e.rank)
                    for e in uow.services.panel(policy.tenant_id)
                ]
            codes = _bundled(uow, policy.product_ref, products)
            rescan = policy.enterprise_id in verified
            for kind, terms, sequence, due in _occurrences(policy, codes, rescan):
                provider = None
                if kind is TaskKind.SERVICE:
                    provider = choose_provider(
                        panels[policy.tenant_id],
                        terms.code,
                        assigned.get(policy.enterprise_id, []),
                    )
                task = existing.get((policy.policy_id, terms.code, sequence))
                if task is not None:
                    if task.kind == TaskKind.SERVICE and task.provider_id is None:
                        if provider is not None and task.status == TaskState.OPEN:
                            task.provider_id, task.updated_at = provider, moment
                            newly_assigned += 1
                        elif task.status in PENDING:
                            unassigned += 1
                    continue
                accept_by, complete_by = deadlines(terms, due)
                uow.services.add(
                    ScheduledService(
                        id=new_id(),
                        tenant_id=policy.tenant_id,
                        client_tenant_id=policy.client_tenant_id,
                        enterprise_id=policy.enterprise_id,
                        policy_id=policy.policy_id,
                        policy_number=policy.policy_number,
                        kind=kind,
                        service_code=terms.code,
                        sequence=sequence,
                        due_on=due,
                        accept_by=accept_by,
                        complete_by=complete_by,
                        status=TaskState.OPEN,
                        created_at=moment,
                        updated_at=moment,
                        provider_id=provider,
                    )
                )
                created += 1
                unassigned += kind is TaskKind.SERVICE and provider is None
        cancelled = 0
        for task in uow.services.stopped(day):
            task.status = next_state(task.status, TaskAction.CANCEL)
            task.updated_at = moment
            cancelled += 1
        uow.commit()
    return ScheduleResult(created, newly_assigned, cancelled, unassigned)


def _may_work(principal: Principal, task: ScheduledService) -> None:
    if principal.is_platform:
        require(principal, Role.ADMIN)
        return
    require(principal, *PROVIDER_ROLES, kinds=[OrgKind.SECURITY_PROVIDER])
    if task.provider_id != principal.tenant_id:
        raise ValidationError(
            "This service task is not assigned to your organisation.",
            code=MonitoringCode.NOT_YOUR_TASK,
            field="task",
            value=task.id,
        )


def _may_review(principal: Principal, task: ScheduledService) -> None:
    require(principal, *SCHEDULERS, kinds=SCHEDULING_KINDS)
    if not principal.is_platform and task.tenant_id != principal.tenant_id:
        raise NotFoundError(f"No service task with id {task.id!r} is visible to you.")


def _task_id(task_id: str) -> str:
    if not task_id or len(task_id) > MAX_ID:
        raise ValidationError(
            f"A task id has 1 to {MAX_ID} characters.", field="task", value=task_id[:MAX_ID]
        )
    return task_id


def _work(
    uow: ServiceUnitOfWork, task_id: str, action: TaskAction, stamp: str, now: datetime | None
) -> ScheduledService:
    """The assigned provider moves its task by ``action``, stamping ``stamp`` (and updated_at)."""
    with uow:
        task = uow.services.task(_task_id(task_id))
        _may_work(uow.principal, task)
        task.status = next_state(task.status, action)
        moment = _now(now)
        setattr(task, stamp, moment)
        task.updated_at = moment
        uow.commit()
        return task


def accept_service(
    uow: ServiceUnitOfWork, task_id: str, *, now: datetime | None = None
) -> ScheduledService:
    """The assigned provider takes the task on."""
    return _work(uow, task_id, TaskAction.ACCEPT, "accepted_at", now)


def report_service(
    uow: ServiceUnitOfWork,
    task_id: str,
    *,
    report: str,
    scan_id: str | None = None,
    now: datetime | None = None,
) -> ScheduledService:
    """The assigned provider reports the work done: a text of at most
    :data:`MAX_REPORT_CHARS` characters and, if wanted, one of the enterprise's scans."""
    text = report.strip()
    if not text or len(text) > MAX_REPORT_CHARS:
        raise ValidationError(
            f"A report has 1 to {MAX_REPORT_CHARS} characters; got {len(text)}.",
            code=MonitoringCode.EVIDENCE_TOO_LONG,
            field="report",
        )
    with uow:
        task = uow.services.task(_task_id(task_id))
        _may_work(uow.principal, task)
        if scan_id is not None and (
            len(scan_id) > MAX_ID or uow.services.scan_enterprise(scan_id) != task.enterprise_id
        ):
            raise ValidationError(
                f"{scan_id[:MAX_ID]!r} is not a scan of this task's enterprise.",
                code=MonitoringCode.EVIDENCE_SCAN,
                field="scan_id",
                value=scan_id[:MAX_ID],
            )
        task.status = next_state(task.status, TaskAction.REPORT)
        task.report, task.scan_id, task.reject_reason = text, scan_id, None
        task.reported_at = task.updated_at = _now(now)
        uow.commit()
        return task


def complete_service(
    uow: ServiceUnitOfWork, task_id: str, *, now: datetime | None = None
) -> ScheduledService:
    """The assigned provider marks a reported task done (the insurer may still send it back)."""
    return _work(uow, task_id, TaskAction.COMPLETE, "completed_at", now)


def reject_report(
    uow: ServiceUnitOfWork, task_id: str, *, reason: str, now: datetime | None = None
) -> ScheduledService:
    """The insurer sends a reported (or completed) task back to its provider, with a reason
    code (:class:`~liubu.monitoring.schedule.RejectReason`)."""
    try:
        code = RejectReason(reason)
    except ValueError:
        known = ", ".join(RejectReason)
        raise ValidationError(
            f"{reason[:40]!r} is not a reason to send a report back; known: {known}.",
            code=MonitoringCode.REJECT_REASON,
            field="reason",
            value=reason[:40],
        ) from None
    with uow:
        task = uow.services.task(_task_id(task_id))
        _may_review(uow.principal, task)
        task.status = next_state(task.status, TaskAction.REJECT)
        task.reject_reason, task.completed_at = str(code), None
        task.updated_at = _now(now)
        uow.commit()
        return task


def _views(tasks: Sequence[ScheduledService], day: date) -> list[ServiceView]:
    catalogue = load_service_terms()
    return [
        ServiceView(
            t, catalogue.terms(t.service_code), breach(t.status, t.accept_by, t.complete_by, day)
        )
        for t in tasks
    ]


def list_services(
    uow: ServiceUnitOfWork,
    *,
    enterprise_id: str | None = None,
    status: str | None = None,
    on: date | None = None,
) -> list[ServiceView]:
    """The tasks the caller may see (the insurer its policies', the insured its own, a provider
    those assigned to it), by due date, each flagged with the SLA it has missed on ``on``."""
    if enterprise_id is not None and (not enterprise_id or len(enterprise_id) > MAX_ID):
        raise ValidationError(
            f"An enterprise id has 1 to {MAX_ID} characters.",
            code=MonitoringCode.ENTERPRISE_ID,
            field="enterprise",
        )
    if status is not None and status not in set(TaskState):
        raise ValidationError(
            f"{status[:40]!r} is not a task status; known: {', '.join(TaskState)}.",
            code=MonitoringCode.UNKNOWN_TASK_STATUS,
            field="status",
            value=status[:40],
        )
    with uow:
        require(uow.principal, *WATCHERS, kinds=WATCHING_KINDS)
        tasks = uow.services.tasks(enterprise_id=enterprise_id, status=status)
    return _views(tasks, on or shanghai_today())


def list_breaches(uow: ServiceUnitOfWork, *, on: date | None = None) -> list[ServiceView]:
    """The caller's tasks that have missed an SLA on ``on``, most overdue first."""
    views = [v for v in list_services(uow, on=on) if v.breach is not None]
    return sorted(views, key=lambda v: (v.task.complete_by, v.task.accept_by, v.task.id))


def run_due_rescans(
    uow: ServiceUnitOfWork, on: date | None = None, *, now: datetime | None = None
) -> list[str]:
    """Queue a scan job of the verified assets of each enterprise with a rescan task due on
    ``on`` (one scan for all its due rescans, which it accepts); the ids of the scans queued.
    A rescan whose scan failed is queued again on the next run."""
    day, moment = on or shanghai_today(), _now(now)
    with uow:
        require(uow.principal, Role.ADMIN, kinds=[OrgKind.PLATFORM])
        due: dict[str, list[ScheduledService]] = {}
        for task in uow.services.due_rescans(day):
            due.setdefault(task.enterprise_id, []).append(task)
        hosts: dict[str, list[str]] = {}
        for enterprise_id, name in uow.monitoring.verified_hosts(due, scannable=True):
            hosts.setdefault(enterprise_id, []).append(name)
        queued: list[str] = []
        for enterprise_id, tasks in sorted(due.items()):
            if not hosts.get(enterprise_id):
                continue  # nothing verified to scan today; due again on the next run
            enterprise = uow.enterprises.get(enterprise_id)
            scan = Scan(
                id=new_id(),
                tenant_id=enterprise.tenant_id,
                enterprise_id=enterprise_id,
                status=ScanState.QUEUED,
                targets=sorted(hosts[enterprise_id]),
                settings={},
                created_at=moment,
            )
            uow.assessment.add(scan)
            uow.jobs.add(
                Job(
                    id=uuid.uuid4().hex,
                    tenant_id=enterprise.tenant_id,
                    kind=SCAN_JOB,
                    subject=scan.id,
                    state=JobState.QUEUED,
                    created_at=moment,
                    updated_at=moment,
                    payload={"scan_id": scan.id},
                )
            )
            for task in tasks:
                if task.status == TaskState.OPEN:
                    task.status = next_state(task.status, TaskAction.ACCEPT)
                    task.accepted_at = moment
                task.scan_id, task.updated_at = scan.id, moment
            queued.append(scan.id)
        uow.commit()
    return queued


def complete_rescans(
    uow: ServiceUnitOfWork, scan_id: str, *, now: datetime | None = None
) -> list[ScheduledService]:
    """Once a rescan's scan has ended: its tasks are reported and completed with the scan as
    evidence if it finished; if it failed they wait for the next run. What changed."""
    moment = _now(now)
    with uow:
        require(uow.principal, Role.ADMIN, kinds=[OrgKind.PLATFORM])
        tasks = [t for t in uow.services.rescans_of_scan(scan_id) if t.status in PENDING]
        if not tasks:
            return []
        scan = uow.assessment.scan(scan_id)
        for task in tasks:
            if scan.status == ScanState.FINISHED:
                task.status = next_state(task.status, TaskAction.REPORT)
                task.report = _rescan_report(scan)
                task.reported_at = moment
                task.status = next_state(task.status, TaskAction.COMPLETE)
                task.completed_at = moment
            elif scan.status == ScanState.FAILED:
                task.scan_id = None
            else:
                continue
            task.updated_at = moment
        uow.commit()
        return tasks


def _rescan_report(scan: Scan) -> str:
    targets = ", ".join(scan.targets)
    return f"Scan {scan.id} of {targets} finished."[:MAX_REPORT_CHARS]


def add_to_panel(
    uow: ServiceUnitOfWork,
    provider_id: str,
    service_code: str,
    *,
    insurer_id: str | None = None,
    now: datetime | None = None,
) -> PanelEntry:
    """Put a security provider on the insurer's panel for a service, after those already on it
    (the caller's insurer; the platform names ``insurer_id``). Adding it twice changes nothing."""
    terms = load_service_terms()
    if service_code not in terms.services:
        terms.terms(service_code[:MAX_ID])  # raises the located refusal
        raise ValidationError(
            "A monitoring rescan is run by the scanner, not a panel provider.",
            code=MonitoringCode.UNKNOWN_SERVICE,
            field="service",
            value=service_code,
        )
    with uow:
        require(uow.principal, *SCHEDULERS, kinds=SCHEDULING_KINDS)
        tenant = _insurer(uow.principal, insurer_id)
        provider = uow.organisations.find_by_id_unscoped(provider_id[:MAX_ID])
        if provider is None or provider.kind != OrgKind.SECURITY_PROVIDER:
            raise ValidationError(
                f"{provider_id[:MAX_ID]!r} is not a security provider on the platform.",
                code=MonitoringCode.NOT_A_PROVIDER,
                field="provider",
                value=provider_id[:MAX_ID],
            )
        panel = uow.services.panel(tenant)
        for entry in panel:
            if entry.provider_id == provider.id and entry.service_code == service_code:
                return entry
        entry = PanelEntry(
            id=new_id(),
            tenant_id=tenant,
            provider_id=provider.id,
            service_code=service_code,
            rank=max((e.rank for e in panel if e.service_code == service_code), default=0) + 1,
            created_at=_now(now),
        )
        uow.services.add(entry)
        uow.commit()
        return entry


def remove_from_panel(
    uow: ServiceUnitOfWork, provider_id: str, service_code: str, *, insurer_id: str | None = None
) -> None:
    """Take a provider off the insurer's panel for a service (tasks already assigned stay)."""
    with uow:
        require(uow.principal, *SCHEDULERS, kinds=SCHEDULING_KINDS)
        tenant = _insurer(uow.principal, insurer_id)
        for entry in uow.services.panel(tenant):
            if entry.provider_id == provider_id and entry.service_code == service_code:
                uow.services.remove(entry)
                uow.commit()
                return
        raise NotFoundError(
            f"{provider_id[:MAX_ID]!r} is not on the panel for {service_code[:MAX_ID]!r}."
        )


def list_panel(uow: ServiceUnitOfWork, *, insurer_id: str | None = None) -> list[PanelEntry]:
    """The insurer's panel, by service and order."""
    with uow:
        require(uow.principal, *SCHEDULERS, kinds=SCHEDULING_KINDS)
        panel = uow.services.panel(_insurer(uow.principal, insurer_id))
    return sorted(panel, key=lambda e: (e.service_code, e.rank))


def _insurer(principal: Principal, insurer_id: str | None) -> str:
    if principal.is_platform:
        if not insurer_id:
            raise ValidationError("Name the insurer whose panel this is.", field="insurer")
        return insurer_id[:MAX_ID]
    return principal.tenant_id
