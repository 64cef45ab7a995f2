"""liubu.jobs — durable background work (后台任务): scans, bulk imports, and later feed pulls and
simulations, queued in the database so that none is lost when a process stops.

A :class:`Job` is queued (:func:`enqueue`), leased to one worker at a time (:func:`claim_next`),
kept alive while it runs (:func:`report_progress`, :func:`renew_lease`) and ended
(:func:`finish`, or :func:`fail`, which queues it again until its attempts are used up). A
:class:`Worker` runs the loop, dispatching each job to the handler registered for its kind; a
job whose worker was killed is claimed again once its lease expires, and its handler resumes it.
A job may wait (``not_before``); a :class:`Schedule` (:func:`schedule`) is recurring work the
worker queues when due (:func:`enqueue_due`), once per run whatever the number of workers.
Storage is behind :class:`JobStore` (``liubu.store`` implements it); see ``docs/jobs.md``.
"""

from __future__ import annotations

from liubu.jobs.model import (
    ACTIVE,
    DEFAULT_MAX_ATTEMPTS,
    MAX_INTERVAL,
    MIN_INTERVAL,
    Job,
    JobState,
    Schedule,
)
from liubu.jobs.ports import JobStore, JobUnitOfWork
from liubu.jobs.reasons import JobsCode
from liubu.jobs.service import (
    claim_next,
    enqueue,
    enqueue_due,
    fail,
    finish,
    job_for,
    list_schedules,
    renew_lease,
    report_progress,
    schedule,
    unschedule,
)
from liubu.jobs.worker import Handler, Progress, Worker, WorkerSettings, worker_name

__all__ = [
    "ACTIVE",
    "DEFAULT_MAX_ATTEMPTS",
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "Handler",
    "Job",
    "JobState",
    "JobStore",
    "JobUnitOfWork",
    "JobsCode",
    "Progress",
    "Schedule",
    "Worker",
    "WorkerSettings",
    "claim_next",
    "enqueue",
    "enqueue_due",
    "fail",
    "finish",
    "job_for",
    "list_schedules",
    "renew_lease",
    "report_progress",
    "schedule",
    "unschedule",
    "worker_name",
]
