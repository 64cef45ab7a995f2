"""The platform's recurring work runs on the job schedule once a worker starts: escalating alerts
past their service levels, scheduling bundled services and due rescans, and retrying
notifications. Nothing is scheduled before the platform's organisation exists; scheduling again
keeps one schedule per kind; a worker run until idle picks the due schedules up, so an alert
recorded months ago is escalated without anyone asking."""

from __future__ import annotations

import threading
from datetime import timedelta

from liubu import jobs, monitoring
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import MONITORING_ESCALATE, RECURRING, Platform
from liubu.jobs import JobState
from liubu.monitoring import SCHEDULE_JOB
from liubu.notify import DELIVER_JOB
from tests.integration.helpers import make_tenant
from tests.integration.monitoring_world import IN_TERM, build_world
from tests.unit.monitoring.realdata import feodo_observation, feodo_rows, require_shared


def test_recurring_work_is_scheduled_once_per_kind_and_escalates_overdue_alerts(
    platform: Platform,
) -> None:
    require_shared()
    world = build_world(platform)
    assert platform.schedule_recurring() == []  # no platform organisation yet: nothing to own it
    make_tenant(platform, OrgKind.PLATFORM, "Platform operator", Role.ADMIN)

    planned = platform.schedule_recurring()
    assert {(s.kind, s.subject, s.every) for s in planned} == set(RECURRING)
    assert {kind for kind, _subject, _every in RECURRING} == {
        MONITORING_ESCALATE,
        SCHEDULE_JOB,
        DELIVER_JOB,
    }
    assert {kind: every for kind, _s, every in RECURRING}[DELIVER_JOB] == timedelta(minutes=1)
    platform.schedule_recurring()  # a second worker start: still one schedule per kind
    assert sorted(s.kind for s in jobs.list_schedules(platform.uow(SYSTEM))) == sorted(
        s.kind for s in planned
    )

    # an alert recorded at IN_TERM (months before today) is long past its acknowledgement time
    monitoring.record_observations(
        platform.uow(SYSTEM), [feodo_observation(feodo_rows()[0])], now=IN_TERM
    )
    (alert,) = monitoring.list_alerts(platform.uow(world.underwriter))
    assert alert.escalation_level == 0

    # The service scheduling's run would queue the due monthly rescans of this world's public
    # test addresses, and tests touch loopback only: it is taken off here (its handler runs a
    # rescan against a loopback server in test_monitoring_services).
    owner = planned[0].tenant_id
    assert jobs.unschedule(platform.uow(SYSTEM), SCHEDULE_JOB, "services", tenant_id=owner)
    platform.worker(poll_seconds=0.05).run(threading.Event(), until_idle=True)
    with platform.uow(SYSTEM) as uow:
        ended = {kind: uow.jobs.latest_for(kind, subject) for kind, subject, _e in RECURRING}
    assert {kind: job.state if job else None for kind, job in ended.items()} == {
        MONITORING_ESCALATE: JobState.SUCCEEDED,
        DELIVER_JOB: JobState.SUCCEEDED,
        SCHEDULE_JOB: None,
    }
    (escalated,) = monitoring.list_alerts(platform.uow(world.underwriter))
    assert escalated.id == alert.id
    assert escalated.escalation_level >= 1
