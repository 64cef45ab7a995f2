"""The assessment use cases own their transactions: one commit when they succeed, none (and the
committed state untouched) when they refuse. On the in-memory unit of work; proving control of an
asset needs the network and is covered by the integration suite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from liubu.accounts.model import Enterprise, Organisation, OrgKind, Role
from liubu.assessment import diagnosis, service
from liubu.assessment.progress import questionnaire_progress
from liubu.assessment.questionnaire import load_questionnaire
from liubu.assessment.records import AnswerSetRecord, Asset, FindingRecord, FindingState
from liubu.errors import ConflictError, LiubuError, Reason, ValidationError
from tests.unit.fakes import FakeDatabase, FakeUnitOfWork, principal

NOW = datetime(2026, 1, 5, tzinfo=UTC)
TENANT, PROVIDER = "org-enterprise", "org-provider"
OWNER = principal(TENANT, Role.ENTERPRISE_USER, kind=OrgKind.ENTERPRISE)
PDF = diagnosis.EvidenceFile("mfa.pdf", "application/pdf", b"%PDF-1.4 policy")


def _db(*, verified: bool = True) -> FakeDatabase:
    db = FakeDatabase()
    state = db.state
    state.organisations += [
        Organisation(TENANT, OrgKind.ENTERPRISE, "E", NOW),
        Organisation(PROVIDER, OrgKind.SECURITY_PROVIDER, "P", NOW),
    ]
    state.enterprises.append(
        Enterprise(
            "ent-1", TENANT, "示例企业", "91320500MA1GL0001", "C", "39", "320500",
            Decimal(60_000_000), 150, 2, False, NOW,
        )
    )  # fmt: skip
    state.assets.append(
        Asset("asset-1", TENANT, "ent-1", "example.com", "t", NOW, NOW if verified else None)
    )
    state.findings.append(
        FindingRecord(
            "finding-1", TENANT, "ent-1", "scan-0", "email.no_dmarc", "medium", "email",
            "example.com", FindingState.OPEN,
            {"evidence": {"observed": "no DMARC record", "observed_at": NOW.isoformat(),
                          "source": "dns", "target": "example.com", "probe": "dmarc"}},
            NOW, NOW,
        )
    )  # fmt: skip
    return db


def _once(db: FakeDatabase, use_case: Callable[[FakeUnitOfWork], Any]) -> Any:
    uow = FakeUnitOfWork(OWNER, db)
    result = use_case(uow)
    assert uow.commits == 1
    return result


def _refused(
    db: FakeDatabase, use_case: Callable[[FakeUnitOfWork], Any], error: type[LiubuError]
) -> None:
    before, shown = db.state, repr(db.state)
    uow = FakeUnitOfWork(OWNER, db)
    with pytest.raises(error):
        use_case(uow)
    assert uow.commits == 0
    assert db.state is before
    assert repr(db.state) == shown


def test_declaring_an_asset_commits_once_and_not_when_refused() -> None:
    db = _db()
    _once(db, lambda u: service.declare_asset(u, "ent-1", "shop.example.com"))
    assert [a.name for a in db.state.assets] == ["example.com", "shop.example.com"]
    _refused(db, lambda u: service.declare_asset(u, "ent-1", "example.com"), ConflictError)
    _refused(db, lambda u: service.declare_asset(u, "ent-1", "not a host"), ValidationError)


def test_a_scan_is_requested_in_one_commit_and_only_of_verified_assets() -> None:
    _refused(_db(verified=False), lambda u: service.request_scan(u, "ent-1"), ValidationError)
    db = _db()
    scan = _once(db, lambda u: service.request_scan(u, "ent-1"))
    assert [s.id for s in db.state.scans] == [scan.id]


def test_a_claimed_fix_and_its_rescan_are_one_transaction() -> None:
    def claim(u: FakeUnitOfWork) -> service.Disputed:
        return service.dispute_and_rescan(
            u, "finding-1", kind="fixed_pending_rescan", note="DMARC published"
        )

    # Without a verified asset the rescan is refused, and so is the claim.
    _refused(_db(verified=False), claim, ValidationError)
    db = _db()
    disputed = _once(db, claim)
    assert disputed.rescan is not None
    assert [s.id for s in db.state.scans] == [disputed.rescan.id]
    assert db.state.findings[0].status == FindingState.FIXED_PENDING_RESCAN


def test_a_dispute_without_a_fix_queues_no_rescan() -> None:
    db = _db()
    disputed = _once(
        db, lambda u: service.dispute_and_rescan(u, "finding-1", kind="not_ours", note="not ours")
    )
    assert disputed.rescan is None
    assert db.state.scans == []
    _refused(
        db,
        lambda u: service.dispute_finding(u, "finding-1", kind="compensating_control", note="WAF"),
        ValidationError,
    )


def test_tasks_are_assigned_and_updated_in_one_commit_each() -> None:
    db = _db()

    def assign(provider_id: str) -> Callable[[FakeUnitOfWork], Any]:
        return lambda u: service.assign_task(
            u, "ent-1", provider_id=provider_id, fix_id="fix.dmarc", title_zh="修", title_en="Fix"
        )

    _refused(db, assign(TENANT), ValidationError)
    task = _once(db, assign(PROVIDER))
    provider = principal(PROVIDER, Role.SECURITY_ANALYST, kind=OrgKind.SECURITY_PROVIDER)
    uow = FakeUnitOfWork(provider, db)
    service.update_task(uow, task.id, status="done", note="published")
    assert uow.commits == 1
    assert db.state.tasks[0].status == "done"
    with pytest.raises(ValidationError):
        service.update_task(FakeUnitOfWork(provider, db), task.id, status="nearly")
    assert db.state.tasks[0].status == "done"


def test_answers_are_recorded_in_one_commit_and_not_when_unusable() -> None:
    db = _db()
    record = _once(db, lambda u: diagnosis.record_answers(u, "ent-1", {"mfa.email": "no"}))
    assert record.number == 1
    _refused(db, lambda u: diagnosis.record_answers(u, "ent-1", {"no.such": "x"}), ValidationError)


def test_answers_and_their_evidence_are_one_transaction() -> None:
    db = _db()

    def answer(file: diagnosis.EvidenceFile) -> Callable[[FakeUnitOfWork], Any]:
        values = {"mfa.email": "yes"}
        return lambda u: diagnosis.answer_with_evidence(u, "ent-1", values, {"mfa.email": file})

    # A refused file refuses the answers with it.
    _refused(db, answer(diagnosis.EvidenceFile("x.exe", "application/x-msdownload", b"MZ")),
             ValidationError)  # fmt: skip
    record = _once(db, answer(PDF))
    assert record.answers["mfa.email"]["evidence"] == [db.state.attachments[0].id]
    attachment = _once(
        db,
        lambda u: diagnosis.attach_evidence(
            u, "ent-1", question_id="mfa.email", filename="b.txt", content_type="text/plain",
            content=b"policy",
        ),
    )  # fmt: skip
    assert [a.id for a in db.state.attachments][-1] == attachment.id


class _Overtaken(FakeUnitOfWork):
    """A unit of work whose first ``times`` commits lose the race: another user's save of the
    same version number is committed first, and the store's unique constraint refuses ours."""

    def __init__(self, db: FakeDatabase, *, times: int) -> None:
        super().__init__(OWNER, db)
        self.lost = 0
        self.times = times

    def commit(self) -> None:
        if self.lost < self.times:
            self.lost += 1
            ours = self.working.answer_sets[-1]
            self.db.state.answer_sets.append(
                AnswerSetRecord(
                    f"other-{self.lost}", TENANT, "ent-1", ours.number, {}, NOW, "someone-else"
                )
            )
            raise ConflictError("duplicate answer set number", reason=Reason.DUPLICATE)
        super().commit()


def test_an_answer_save_overtaken_by_another_retries_with_the_next_version() -> None:
    db = _db()
    uow = _Overtaken(db, times=2)
    record = diagnosis.record_answers(uow, "ent-1", {"mfa.email": "yes"})
    assert (record.number, uow.lost, uow.commits) == (3, 2, 1)
    stored = sorted(db.state.answer_sets, key=lambda a: a.number)
    assert [(a.number, a.answered_by) for a in stored] == [
        (1, "someone-else"),
        (2, "someone-else"),
        (3, OWNER.user_id),
    ]
    assert stored[-1].answers["mfa.email"]["value"] == "yes"


def test_an_answer_save_overtaken_every_time_ends_in_a_clear_conflict() -> None:
    db = _db()
    uow = _Overtaken(db, times=diagnosis.SAVE_ATTEMPTS)
    with pytest.raises(ConflictError) as refused:
        diagnosis.answer_with_evidence(uow, "ent-1", {"mfa.email": "no"}, {"mfa.email": PDF})
    assert (refused.value.reason, uow.lost, uow.commits) == (
        Reason.DUPLICATE,
        diagnosis.SAVE_ATTEMPTS,
        0,
    )
    # Nothing of ours was kept: neither the answers nor the evidence of any attempt.
    assert {a.answered_by for a in db.state.answer_sets} == {"someone-else"}
    assert db.state.attachments == []


def test_the_questionnaires_progress_reads_the_latest_saved_answers() -> None:
    db = _db()
    asked = len(load_questionnaire().questions)
    with FakeUnitOfWork(OWNER, db) as uow:
        before = questionnaire_progress(uow, "ent-1")
    assert (before.answered, before.asked, before.version, before.saved_at) == (0, asked, 0, None)
    record = _once(
        db, lambda u: diagnosis.record_answers(u, "ent-1", {"mfa.email": "no", "mfa.admin": "yes"})
    )
    with FakeUnitOfWork(OWNER, db) as uow:
        after = questionnaire_progress(uow, "ent-1")
    assert (after.answered, after.asked, after.version) == (2, asked, record.number)
    assert after.saved_at == record.answered_at
    assert after.section("identity").answered == 2
