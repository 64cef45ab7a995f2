"""``liubu intel load``'s use case owns its transaction: one commit when the files are kept (or
were kept before), none when a file is refused. On the in-memory unit of work."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from liubu.assessment.vulnerabilities import load_intel_files
from liubu.errors import ValidationError
from tests.unit.fakes import FakeDatabase, FakeUnitOfWork

from .conftest import KEV


def test_loading_feed_files_commits_once_and_again_is_a_no_op(tmp_path: Path) -> None:
    shutil.copy(KEV / "known_exploited_vulnerabilities.json", tmp_path / "kev.json")
    db = FakeDatabase()
    uow = FakeUnitOfWork(db=db)
    report = load_intel_files(uow, [tmp_path])
    assert (uow.commits, report.stored, report.unchanged) == (1, 1, 0)
    assert list(db.state.intel) == ["kev.json"]
    uow = FakeUnitOfWork(db=db)
    again = load_intel_files(uow, [tmp_path])
    assert (uow.commits, again.stored, again.unchanged) == (1, 0, 1)


def test_a_refused_file_keeps_nothing(tmp_path: Path) -> None:
    raw = json.loads((KEV / "known_exploited_vulnerabilities.json").read_text(encoding="utf-8"))
    raw["vulnerabilities"][0]["knownRansomwareCampaignUse"] = "Known"
    (tmp_path / "kev.json").write_text(json.dumps(raw), encoding="utf-8")
    shutil.copy(KEV / "known_exploited_vulnerabilities.csv", tmp_path / "kev.csv")
    db = FakeDatabase()
    before = db.state
    uow = FakeUnitOfWork(db=db)
    with pytest.raises(ValidationError):
        load_intel_files(uow, [tmp_path])
    assert uow.commits == 0
    assert db.state is before
    assert db.state.intel == {}
