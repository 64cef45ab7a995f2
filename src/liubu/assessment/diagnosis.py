"""The diagnosis of one enterprise: versioned questionnaire answers and the security score from
its findings and answers. The use cases that write own their transaction (``with uow: …;
uow.commit()``). The treatment plan (保前治疗) prices every fix through underwriting, so its use
case is ``liubu.underwriting.treatment_plan``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from liubu.accounts import new_id, require
from liubu.assessment.answers import Answer, AnswerSet, answer_from_json, require_usable
from liubu.assessment.history import note_diagnosis
from liubu.assessment.modifiers import risk_modifiers
from liubu.assessment.questionnaire import load_questionnaire
from liubu.assessment.records import (
    AnswerSetRecord,
    AssessmentUnitOfWork,
    Attachment,
    FindingRecord,
    FindingState,
)
from liubu.assessment.scan import Confidence, Evidence, Finding, Text, make_finding
from liubu.assessment.scoring import SecurityScore, score
from liubu.assessment.service import (
    ASSESSORS,
    KINDS,
    current_findings,
    finding_view,
    has_been_scanned,
)
from liubu.errors import ConflictError, Reason, ValidationError
from liubu.risk import enterprise_model, quantify


def _now() -> datetime:
    return datetime.now(UTC)


# The enterprise's word, audited and visible to the underwriter: these do not count against
# the score. A claimed fix still counts until a rescan confirms it.
_NOT_SCORED = (FindingState.NOT_OURS, FindingState.COMPENSATING_CONTROL, FindingState.WAIVED)


def finding_of(record: FindingRecord) -> Finding:
    """The scanner's :class:`Finding` again, from what was stored."""
    raw = record.detail.get("evidence", {})
    evidence = Evidence(
        observed=str(raw.get("observed", "")),
        observed_at=datetime.fromisoformat(str(raw.get("observed_at"))),
        source=str(raw.get("source", "")),
        target=str(raw.get("target", record.asset)),
        port=raw.get("port"),
        probe=str(raw.get("probe", "")),
    )
    caveat = record.detail.get("caveat")
    return make_finding(
        record.code,
        evidence,
        confidence=Confidence(record.detail.get("confidence", Confidence.CONFIRMED)),
        caveat=Text(en=str(caveat["en"]), zh=str(caveat["zh"])) if caveat else None,
    )


def scored_findings(records: Sequence[FindingRecord]) -> list[Finding]:
    return [finding_of(r) for r in records if r.status not in _NOT_SCORED]


def waived_findings(records: Sequence[FindingRecord]) -> list[Finding]:
    """Findings an insurer waived: shown in the score at no cost."""
    return [finding_of(r) for r in records if r.status == FindingState.WAIVED]


def answer_set_of(record: AnswerSetRecord | None) -> AnswerSet | None:
    if record is None:
        return None
    answers = {
        key: Answer(value=item["value"], evidence=tuple(item.get("evidence", ())))
        for key, item in record.answers.items()
    }
    return AnswerSet(answers, record.answered_at, record.number)


def latest_answers(uow: AssessmentUnitOfWork, enterprise_id: str) -> AnswerSetRecord | None:
    sets = uow.assessment.answer_sets(enterprise_id)
    return sets[-1] if sets else None


#: Attempts of one answer save, each its own transaction (see :func:`_saving_answers`).
SAVE_ATTEMPTS = 5


def _saving_answers(
    uow: AssessmentUnitOfWork, attempt: Callable[[], AnswerSetRecord]
) -> AnswerSetRecord:
    """Run ``attempt`` in a transaction of its own and commit it; when a concurrent save of the
    same enterprise took the version number first (the user did nothing wrong), run it again,
    reading the new latest version, at most :data:`SAVE_ATTEMPTS` times in all.

    Saves of one enterprise's answers queue on its row (:meth:`lock_answers`), so a retry is
    the exception (a database that does not lock the row); the loop keeps the answer from
    being lost if it happens."""
    for attempts_left in range(SAVE_ATTEMPTS - 1, -1, -1):
        with uow:
            try:  # the version number is taken at the flush before the score is noted, or here
                record = attempt()
                uow.commit()
            except ConflictError as error:
                if error.reason is not Reason.DUPLICATE or not attempts_left:
                    raise
                continue
            return record
    raise AssertionError("unreachable: the last attempt returns or raises")


def record_answers(
    uow: AssessmentUnitOfWork, enterprise_id: str, answers: Mapping[str, Any]
) -> AnswerSetRecord:
    """Store the next version of the questionnaire answers; earlier versions stay, so a change
    made after binding is visible. ``answers`` maps question id to a value or to
    ``{"value": …, "evidence": [attachment ids]}``. Concurrent saves each get their own,
    consecutive version."""
    return _saving_answers(uow, lambda: _record_answers(uow, enterprise_id, answers))


def _locked_enterprise(uow: AssessmentUnitOfWork, enterprise_id: str) -> str:
    """The enterprise's id, once its answers are ours to number until the transaction ends."""
    require(uow.principal, *ASSESSORS, kinds=KINDS)
    enterprise = uow.enterprises.get(enterprise_id)
    uow.assessment.lock_answers(enterprise.id)
    return enterprise.id


def _record_answers(
    uow: AssessmentUnitOfWork, enterprise_id: str, answers: Mapping[str, Any]
) -> AnswerSetRecord:
    enterprise = uow.enterprises.get(_locked_enterprise(uow, enterprise_id))
    previous = latest_answers(uow, enterprise.id)
    number = previous.number + 1 if previous else 1
    parsed = {key: answer_from_json(key, item) for key, item in answers.items()}
    for key, item in parsed.items():
        for attachment_id in item.evidence if isinstance(item, Answer) else ():
            if uow.assessment.attachment(attachment_id).enterprise_id != enterprise.id:
                raise ValidationError(
                    f"Evidence {attachment_id} belongs to another enterprise.",
                    field=f"answers.{key}.evidence",
                    value=attachment_id,
                )
    answer_set = AnswerSet.of(parsed, answered_at=_now(), version=number)
    require_usable(load_questionnaire(), answer_set)
    record = AnswerSetRecord(
        id=new_id(),
        tenant_id=enterprise.tenant_id,
        enterprise_id=enterprise.id,
        number=number,
        answers=answer_set.to_dict()["answers"],
        answered_at=answer_set.answered_at,
        answered_by=uow.principal.user_id,
    )
    uow.assessment.add(record)
    uow.flush()
    note_diagnosis(uow, enterprise.id, security_score(uow, enterprise.id), at=record.answered_at)
    return record


def security_score(uow: AssessmentUnitOfWork, enterprise_id: str) -> SecurityScore:
    records = current_findings(uow, enterprise_id)
    answers = answer_set_of(latest_answers(uow, enterprise_id))
    return score(
        scored_findings(records),
        answers,
        questionnaire=load_questionnaire(),
        waived=waived_findings(records),
        scanned=has_been_scanned(uow, enterprise_id),
    )


def assessment_summary(uow: AssessmentUnitOfWork, enterprise_id: str) -> dict[str, Any]:
    """The enterprise's current diagnosis: score, open findings and the latest answers."""
    enterprise = uow.enterprises.readable(enterprise_id)
    findings = current_findings(uow, enterprise.id)
    latest = latest_answers(uow, enterprise.id)
    answers = answer_set_of(latest)
    result = score(
        scored_findings(findings),
        answers,
        questionnaire=load_questionnaire(),
        waived=waived_findings(findings),
        scanned=has_been_scanned(uow, enterprise.id),
    )
    return {
        "enterprise": {"id": enterprise.id, "name": enterprise.name},
        "score": result.to_dict(),
        "grade": result.grade,
        "factors": [f.to_dict() for f in result.factors],
        "findings": [finding_view(f) for f in findings],
        "answers": answers.to_dict() if answers else None,
    }


APPLICANT_READ = "assessment.read_by_insurer"
_READ_PARTS = ("diagnosis", "questionnaire", "report", "treatment", "findings", "scans", "answers")


def note_applicant_read(uow: AssessmentUnitOfWork, enterprise_id: str, *, part: str) -> bool:
    """Audit an insurer's reading of an applicant's assessment (its consent covers reading, so
    the enterprise sees in its own audit log who read what, and when). Own reads and the
    platform's are not noted (False); a caller who may not read it gets 404."""
    if part not in _READ_PARTS:
        raise ValidationError(f"{part!r} is not a part of the assessment.", field="part")
    with uow:
        enterprise = uow.enterprises.readable(enterprise_id)
        me = uow.principal
        if me.is_platform or enterprise.tenant_id == me.tenant_id:
            return False
        uow.audit.record(
            APPLICANT_READ,
            entity_type="enterprise",
            entity_id=enterprise.id,
            tenant_id=enterprise.tenant_id,  # the enterprise's log: it consented, it sees
            after={"part": part, "insurer": me.tenant_id, "by": me.username},
        )
        uow.commit()
        return True


MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
_ALLOWED_TYPES = ("application/pdf", "image/png", "image/jpeg", "text/plain")


def attach_evidence(
    uow: AssessmentUnitOfWork,
    enterprise_id: str,
    *,
    question_id: str,
    filename: str,
    content_type: str,
    content: bytes,
) -> Attachment:
    """Keep an evidence file for a question; the answer then names it by id."""
    with uow:
        attachment = _attach(
            uow,
            enterprise_id,
            EvidenceFile(filename, content_type, content),
            question_id=question_id,
        )
        uow.commit()
        return attachment


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded evidence file, as the form or request carried it."""

    filename: str
    content_type: str
    content: bytes


def answer_with_evidence(
    uow: AssessmentUnitOfWork,
    enterprise_id: str,
    values: Mapping[str, Any],
    files: Mapping[str, EvidenceFile],
) -> AnswerSetRecord:
    """The questionnaire page's submission in one transaction: each answer keeps the evidence
    its previous version named, plus a file uploaded with it now; a refused file or answer
    stores nothing. Concurrent saves each get their own, consecutive version."""
    return _saving_answers(uow, lambda: _answer_with_evidence(uow, enterprise_id, values, files))


def _answer_with_evidence(
    uow: AssessmentUnitOfWork,
    enterprise_id: str,
    values: Mapping[str, Any],
    files: Mapping[str, EvidenceFile],
) -> AnswerSetRecord:
    latest = latest_answers(uow, _locked_enterprise(uow, enterprise_id))
    previous = latest.answers if latest else {}
    answers: dict[str, Any] = {}
    for qid, value in values.items():
        evidence = list(previous.get(qid, {}).get("evidence", []))
        if qid in files:
            attachment = _attach(uow, enterprise_id, files[qid], question_id=qid)
            uow.flush()
            evidence.append(attachment.id)
        answers[qid] = {"value": value, "evidence": evidence}
    return _record_answers(uow, enterprise_id, answers)


def _attach(
    uow: AssessmentUnitOfWork, enterprise_id: str, file: EvidenceFile, *, question_id: str
) -> Attachment:
    filename, content_type, content = file.filename, file.content_type, file.content
    require(uow.principal, *ASSESSORS, kinds=KINDS)
    enterprise = uow.enterprises.get(enterprise_id)
    if not load_questionnaire().has(question_id):
        raise ValidationError(
            f"No question {question_id!r} in the questionnaire.",
            field="question_id",
            value=question_id,
        )
    if not content:
        raise ValidationError("The evidence file is empty.", field="file")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "Evidence files may be at most 5 MB.", field="file", value=len(content)
        )
    kind = content_type.split(";")[0].strip().lower()
    if kind not in _ALLOWED_TYPES:
        raise ValidationError(
            f"Evidence must be PDF, PNG, JPEG or plain text, not {kind or 'unknown'}.",
            field="file",
            value=kind,
        )
    attachment = Attachment(
        id=new_id(),
        tenant_id=enterprise.tenant_id,
        enterprise_id=enterprise.id,
        question_id=question_id,
        filename=filename[:255] or "evidence",
        content_type=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_at=_now(),
        uploaded_by=uow.principal.user_id,
    )
    uow.assessment.add(attachment)
    return attachment


def enterprise_risk(uow: AssessmentUnitOfWork, enterprise_id: str) -> dict[str, Any]:
    """The enterprise's ground-up annual loss distribution under its current posture."""
    enterprise = uow.enterprises.readable(enterprise_id)
    records = current_findings(uow, enterprise.id)
    findings = scored_findings(records)
    answers = answer_set_of(latest_answers(uow, enterprise.id))
    questionnaire = load_questionnaire()
    scanned = has_been_scanned(uow, enterprise.id)
    result = score(findings, answers, questionnaire=questionnaire, scanned=scanned)
    modifiers = risk_modifiers(result, answers, findings, questionnaire=questionnaire)
    model = enterprise_model(enterprise.industry_section, enterprise.annual_revenue, modifiers)
    return quantify(model).to_dict()
