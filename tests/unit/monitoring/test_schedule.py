"""保中服务's pure rules: due dates over a term (month ends, leap years, a term's end), SLA
deadlines and breaches, the task state machine, the panel's choice, and the data file against
the products' service vocabulary."""

from __future__ import annotations

from datetime import date

import pytest

from liubu.errors import ValidationError
from liubu.monitoring import (
    Breach,
    Cadence,
    MonitoringCode,
    PanelChoice,
    ServiceTerms,
    TaskAction,
    TaskState,
    add_months,
    choose_provider,
    due_dates,
    load_service_terms,
    next_state,
)
from liubu.monitoring.schedule import breach, deadlines
from liubu.products import Text, load_vocabulary


def _terms(cadence: Cadence, first: int, accept: int = 2, complete: int = 7) -> ServiceTerms:
    return ServiceTerms("x", cadence, first, accept, complete, True, Text(zh="任务", en="Task"))


def test_monthly_dates_over_a_year_keep_the_31st_and_clamp_to_each_month_end() -> None:
    got = due_dates(_terms(Cadence.MONTHLY, 30), date(2026, 1, 1), date(2027, 1, 1))
    assert got == (
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
        date(2026, 7, 31),
        date(2026, 8, 31),
        date(2026, 9, 30),
        date(2026, 10, 31),
        date(2026, 11, 30),
        date(2026, 12, 31),
    )


def test_a_leap_february_and_a_quarterly_cadence_from_the_30th() -> None:
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    got = due_dates(_terms(Cadence.QUARTERLY, 29), date(2026, 11, 1), date(2027, 11, 1))
    # first due 30 Nov; then 28 Feb (clamped), 30 May, 30 Aug: counted from the first, no drift
    assert got == (date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30), date(2027, 8, 30))


def test_the_terms_end_is_excluded_and_a_once_service_past_it_is_not_due() -> None:
    term = (date(2026, 3, 1), date(2026, 6, 1))
    assert due_dates(_terms(Cadence.MONTHLY, 0), *term) == (
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 5, 1),
    )
    assert due_dates(_terms(Cadence.ONCE, 10), *term) == (date(2026, 3, 11),)
    assert due_dates(_terms(Cadence.ONCE, 92), *term) == ()  # 1 June is the first day off cover


def test_deadlines_and_breaches() -> None:
    due = date(2026, 1, 31)
    accept_by, complete_by = deadlines(_terms(Cadence.ONCE, 0, 2, 7), due)
    assert (accept_by, complete_by) == (date(2026, 2, 2), date(2026, 2, 7))
    assert breach(TaskState.OPEN, accept_by, complete_by, date(2026, 2, 2)) is None
    assert breach(TaskState.OPEN, accept_by, complete_by, date(2026, 2, 3)) is Breach.ACCEPT
    assert breach(TaskState.ACCEPTED, accept_by, complete_by, date(2026, 2, 3)) is None
    assert breach(TaskState.ACCEPTED, accept_by, complete_by, date(2026, 2, 8)) is Breach.COMPLETE
    assert breach(TaskState.RETURNED, accept_by, complete_by, date(2026, 2, 8)) is Breach.COMPLETE
    # Reported work waits on the insurer, done or cancelled work on no one.
    for status in (TaskState.REPORTED, TaskState.COMPLETED, TaskState.CANCELLED):
        assert breach(status, accept_by, complete_by, date(2026, 9, 1)) is None


def test_the_state_machine() -> None:
    path = [TaskAction.ACCEPT, TaskAction.REPORT, TaskAction.REJECT, TaskAction.REPORT]
    state = TaskState.OPEN
    for action in [*path, TaskAction.COMPLETE]:
        state = next_state(state, action)
    assert state is TaskState.COMPLETED
    assert next_state(TaskState.COMPLETED, TaskAction.REJECT) is TaskState.RETURNED
    with pytest.raises(ValidationError) as refused:
        next_state(TaskState.OPEN, TaskAction.COMPLETE)
    assert refused.value.code == MonitoringCode.SERVICE_TRANSITION
    for done in (TaskState.COMPLETED, TaskState.CANCELLED, TaskState.REPORTED):
        with pytest.raises(ValidationError):
            next_state(done, TaskAction.CANCEL)


def test_the_panel_prefers_the_provider_already_serving_the_enterprise() -> None:
    panel = [
        PanelChoice("p2", "scan", 2),
        PanelChoice("p1", "scan", 1),
        PanelChoice("p3", "mss", 1),
    ]
    assert choose_provider(panel, "scan", []) == "p1"
    assert choose_provider(panel, "scan", ["p3", "p2"]) == "p2"  # p3 is not on it for scans
    assert choose_provider(panel, "training", ["p1"]) is None


def test_every_service_of_the_vocabulary_has_terms_and_sla_days_are_ordered() -> None:
    catalogue = load_service_terms()
    assert set(catalogue.services) == set(load_vocabulary().services.codes())
    for terms in [*catalogue.services.values(), catalogue.rescan]:
        assert 0 <= terms.accept_days <= terms.complete_days
        assert terms.assumption or terms.source is not None
    assert catalogue.rescan.cadence is Cadence.MONTHLY
