"""How far an enterprise has got with the questionnaire (问卷进度): questions answered over the
questions asked, overall and per section, from its latest saved answers. The questionnaire page
and the home page's next step both read it here.

A question whose condition is answered and false is not asked, so it leaves the count; one whose
condition is still unanswered is counted, since it may yet be asked. With no answers every
question counts:

>>> from liubu.assessment.questionnaire import load_questionnaire
>>> progress = progress_of(load_questionnaire(), {})
>>> (progress.answered, progress.asked, progress.share)
(0, 43, 0.0)
>>> progress_of(load_questionnaire(), {"ctx.remote_access": "no"}).asked
41
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from liubu.assessment.diagnosis import latest_answers
from liubu.assessment.questionnaire import Questionnaire, Visibility, load_questionnaire
from liubu.assessment.records import AssessmentUnitOfWork


@dataclass(frozen=True)
class SectionProgress:
    """One section's ``answered`` of ``asked`` questions."""

    section: str
    answered: int
    asked: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.asked


@dataclass(frozen=True)
class QuestionnaireProgress:
    """``answered`` of ``asked`` questions in the answers saved as ``version`` at ``saved_at``
    (0 and ``None`` before the first save), with each section's figures in questionnaire order."""

    answered: int
    asked: int
    sections: tuple[SectionProgress, ...]
    version: int = 0
    saved_at: datetime | None = None

    @property
    def share(self) -> float:
        """answered / asked (1.0 when nothing is asked)."""
        return self.answered / self.asked if self.asked else 1.0

    @property
    def complete(self) -> bool:
        return self.answered >= self.asked

    def section(self, section_id: str) -> SectionProgress:
        return next(s for s in self.sections if s.section == section_id)


def progress_of(
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    *,
    version: int = 0,
    saved_at: datetime | None = None,
) -> QuestionnaireProgress:
    """The progress of ``answers`` (question id → value, or ``{"value": …}`` as stored)."""
    values = {
        qid: item["value"] if isinstance(item, Mapping) else item for qid, item in answers.items()
    }
    visibility = questionnaire.visibility(values)
    counts = {section.id: [0, 0] for section in questionnaire.sections}
    for question in questionnaire.questions:
        if visibility[question.id] is Visibility.NOT_APPLICABLE:
            continue
        counts[question.section][1] += 1
        if question.id in values:
            counts[question.section][0] += 1
    sections = tuple(SectionProgress(sid, done, asked) for sid, (done, asked) in counts.items())
    return QuestionnaireProgress(
        answered=sum(s.answered for s in sections),
        asked=sum(s.asked for s in sections),
        sections=sections,
        version=version,
        saved_at=saved_at,
    )


def questionnaire_progress(uow: AssessmentUnitOfWork, enterprise_id: str) -> QuestionnaireProgress:
    """The progress of the enterprise's latest saved answers (read in the caller's transaction;
    an enterprise the caller may not read is not found)."""
    enterprise = uow.enterprises.readable(enterprise_id)
    latest = latest_answers(uow, enterprise.id)
    if latest is None:
        return progress_of(load_questionnaire(), {})
    return progress_of(
        load_questionnaire(), latest.answers, version=latest.number, saved_at=latest.answered_at
    )
