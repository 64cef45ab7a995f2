"""Shared builders for the diagnosis tests: findings on assets, answer sets, the data files."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from liubu.assessment.answers import AnswerSet
from liubu.assessment.questionnaire import Questionnaire, load_questionnaire
from liubu.assessment.scan import Evidence, Finding, make_finding

DATA = Path(__file__).resolve().parents[4] / "src" / "liubu" / "assessment" / "data"
WHEN = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
# docs/scoring.md's worked manufacturer: every control at its best but these (and EDR monitoring
# and phishing training left unanswered).
WORKED_EXAMPLE_CHANGES = {
    "mfa.email": "partial",
    "edr.coverage": "antivirus",
    "backup.offline": "no",
    "patch.critical_days": 30,
    "eol.software": "isolated",
    "payments.callback": "no",
}
WORKED_EXAMPLE_UNANSWERED = ("edr.monitored", "training.phishing")


def data_file(name: str) -> Any:
    """A data file read with plain PyYAML (its yes/no are quoted, so they stay strings)."""
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def finding(code: str, target: str = "www.example.cn", port: int | None = None) -> Finding:
    return make_finding(code, Evidence("seen", WHEN, "198.51.100.7", target, port))


def answers(values: Mapping[str, Any], *, version: int = 1) -> AnswerSet:
    return AnswerSet.of(values, answered_at=WHEN, version=version)


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture(scope="session")
def best_answers(questionnaire: Questionnaire) -> AnswerSet:
    """Every control at its best, with every context question answered "yes"."""
    scored = data_file("score_model.yaml")["questions"]
    values: dict[str, Any] = {}
    for question in questionnaire.questions:
        if question.id.startswith("ctx."):
            values[question.id] = "yes"
        elif "bands" in scored[question.id]:
            values[question.id] = 0
        elif question.id == "eol.software":
            values[question.id] = "none"
        elif question.id == "edr.coverage":
            values[question.id] = "edr_all"
        elif question.id == "log.monitoring":
            values[question.id] = "always"
        else:
            values[question.id] = "yes"
    return answers(values)
