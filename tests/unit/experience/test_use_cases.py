"""An experience import owns its transaction: one commit when it stores the file, none (and the
committed state untouched) when it refuses it. On the in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from liubu.accounts.model import Organisation, OrgKind, Role
from liubu.errors import ConflictError, LiubuError, NotFoundError, PermissionDeniedError
from liubu.experience import read_experience_csv
from liubu.experience import service as experience
from tests.unit.fakes import FakeDatabase, FakeUnitOfWork, principal

INSURER = "org-insurer"
ACTUARY = principal(INSURER, Role.ACTUARY)


def _db() -> FakeDatabase:
    db = FakeDatabase()
    db.state.organisations.append(
        Organisation(INSURER, OrgKind.INSURER, "I", datetime(2026, 1, 5, tzinfo=UTC), "ins")
    )
    return db


def _refused(
    db: FakeDatabase,
    use_case: Callable[[FakeUnitOfWork], Any],
    error: type[LiubuError],
    *,
    who: Any = ACTUARY,
) -> None:
    before, shown = db.state, repr(db.state)
    uow = FakeUnitOfWork(who, db)
    with pytest.raises(error):
        use_case(uow)
    assert uow.commits == 0
    assert db.state is before
    assert repr(db.state) == shown


def test_an_import_commits_once_with_its_audit_event(small_csv: str) -> None:
    db = _db()
    data = read_experience_csv(small_csv.encode(), name="small.csv")
    uow = FakeUnitOfWork(ACTUARY, db)
    summary = experience.import_experience(uow, data)
    assert (uow.commits, summary.stored, summary.already_present) == (1, 4, 0)
    assert [e.action for e in db.state.events] == ["claims_experience.imported"]
    uow = FakeUnitOfWork(ACTUARY, db)
    again = experience.import_experience(uow, data)  # nothing new: still one transaction
    assert (uow.commits, again.stored, again.already_present) == (1, 0, 4)


def test_a_refused_import_stores_nothing(small_csv: str) -> None:
    db = _db()
    data = read_experience_csv(small_csv.encode(), name="small.csv")
    experience.import_experience(FakeUnitOfWork(ACTUARY, db), data)
    revised = read_experience_csv(small_csv.replace("300000", "310000").encode(), name="r.csv")
    _refused(db, lambda u: experience.import_experience(u, revised), ConflictError)
    enterprise = principal("org-e", Role.ENTERPRISE_USER, kind=OrgKind.ENTERPRISE)
    _refused(
        db, lambda u: experience.import_experience(u, data), PermissionDeniedError, who=enterprise
    )


def test_an_upload_tagged_with_an_unknown_product_stores_nothing(small_csv: str) -> None:
    db = _db()
    content = small_csv.encode()

    def upload(tag: str | None) -> Callable[[FakeUnitOfWork], Any]:
        return lambda u: experience.import_upload(u, content, name="up.csv", product_ref=tag)

    _refused(db, upload("ins/no-such@1"), NotFoundError)
    uow = FakeUnitOfWork(ACTUARY, db)
    assert upload(None)(uow).stored == 4
    assert uow.commits == 1
