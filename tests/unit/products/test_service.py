"""The registry's use cases own their transactions: one commit when they succeed, none (and the
committed state untouched) when they refuse. On the in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from liubu.accounts.model import SYSTEM, Organisation, OrgKind, Role
from liubu.errors import ConflictError, LiubuError, ValidationError
from liubu.products import service
from liubu.products.registry import DRAFT, FILED, WITHDRAWN
from tests.unit.fakes import FakeDatabase, FakeUnitOfWork, principal

INSURER = "org-test-pc"
AUTHOR = principal(INSURER, Role.UNDERWRITER)


@pytest.fixture
def draft_text(base_text: str) -> str:
    assert "status: filed" in base_text
    return base_text.replace("status: filed", "status: draft")


def _db() -> FakeDatabase:
    db = FakeDatabase()
    created = datetime(2026, 1, 5, tzinfo=UTC)
    db.state.organisations.append(Organisation(INSURER, OrgKind.INSURER, "T", created, "test-pc"))
    return db


def _refused(db: FakeDatabase, use_case: object, error: type[LiubuError]) -> None:
    assert callable(use_case)
    before, shown = db.state, repr(db.state)
    uow = FakeUnitOfWork(AUTHOR, db)
    with pytest.raises(error):
        use_case(uow)
    assert uow.commits == 0
    assert db.state is before
    assert repr(db.state) == shown


def test_a_draft_is_submitted_filed_and_withdrawn_in_one_commit_each(draft_text: str) -> None:
    db = _db()
    uow = FakeUnitOfWork(AUTHOR, db)
    record, changed = service.submit_product(uow, draft_text, source="p.yaml")
    assert (uow.commits, changed, db.state.products[0].status) == (1, True, DRAFT)
    for use_case, status in ((service.file_product, FILED), (service.withdraw_product, WITHDRAWN)):
        uow = FakeUnitOfWork(AUTHOR, db)
        use_case(uow, record.id)
        assert (uow.commits, db.state.products[0].status) == (1, status)


def test_refused_changes_leave_the_registry_as_it_was(base_text: str, draft_text: str) -> None:
    db = _db()
    _refused(db, lambda u: service.submit_product(u, base_text, source="p.yaml"), ValidationError)
    record, _ = service.submit_product(FakeUnitOfWork(AUTHOR, db), draft_text, source="p.yaml")
    _refused(db, lambda u: service.withdraw_product(u, record.id), ConflictError)
    service.file_product(FakeUnitOfWork(AUTHOR, db), record.id)
    _refused(db, lambda u: service.file_product(u, record.id), ConflictError)


def test_loading_a_catalogue_is_one_commit_and_all_or_nothing(base_text: str) -> None:
    db = FakeDatabase()
    uow = FakeUnitOfWork(SYSTEM, db)
    with pytest.raises(ValidationError):
        service.load_products(uow, [("good.yaml", base_text), ("bad.yaml", "insurer: [")])
    assert uow.commits == 0
    assert (db.state.organisations, db.state.products) == ([], [])
    uow = FakeUnitOfWork(SYSTEM, db)
    loaded = service.load_products(uow, [("good.yaml", base_text)])
    assert uow.commits == 1
    assert [changed for _record, changed in loaded] == [True]
    assert [o.code for o in db.state.organisations] == ["test-pc"]
    assert [r.status for r in db.state.products] == [FILED]
