"""The questionnaire on the web: conditional questions, evidence uploads, versioned answers,
progress per section with an index to move between sections, and draft saves that return to
the section they were made in."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liubu import assessment
from liubu.assessment import (
    AnswerValue,
    Question,
    QuestionType,
    Visibility,
    load_questionnaire,
)
from liubu.errors import LiubuError, ValidationError
from liubu.requests import PlatformDep
from liubu.web import i18n
from liubu.web.diagnosis import reads_as_insurer
from liubu.web.display import local_time
from liubu.web.nav import require_page
from liubu.web.rendering import flash, language_of, refusal, render
from liubu.web.security import CsrfChecked, WebPrincipal

router = APIRouter(include_in_schema=False)


def _show_if(question: Question) -> str:
    condition = question.show_if
    if condition is None:
        return ""
    return json.dumps(
        {
            "question": condition.question,
            "in": list(condition.values),
            "at_least": condition.at_least,
            "at_most": condition.at_most,
        }
    )


@router.get("/diagnosis/{enterprise_id}/questionnaire", response_class=HTMLResponse)
def questionnaire_page(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    section: str = "",
) -> Response:
    """``section``: the section a draft was just saved in; its notice is shown there."""
    page, nav = require_page(principal, "diagnosis", step=True)
    questionnaire = load_questionnaire()
    with platform.uow(principal) as uow:
        enterprise = uow.enterprises.readable(enterprise_id)
        latest = assessment.latest_answers(uow, enterprise.id)
        progress = assessment.questionnaire_progress(uow, enterprise.id)
    assessment.note_applicant_read(platform.uow(principal), enterprise.id, part="questionnaire")
    answers = latest.answers if latest else {}
    return render(
        request,
        "questionnaire.html",
        principal=principal,
        nav=nav,
        page=page,
        enterprise=enterprise,
        questionnaire=questionnaire,
        answers=answers,
        version=latest.number if latest else 0,
        progress=progress,
        current=section if _is_section(section) else None,
        show_if=_show_if,
        read_only=reads_as_insurer(principal, enterprise),
        lang="zh" if language_of(request) == "zh_CN" else "en",
    )


@router.post("/diagnosis/{enterprise_id}/questionnaire")
async def questionnaire_submit(
    request: Request,
    enterprise_id: str,
    principal: WebPrincipal,
    platform: PlatformDep,
    _csrf: CsrfChecked,
) -> Response:
    require_page(principal, "diagnosis", step=True)
    i18n.current_language.set(language_of(request))
    form = await request.form()
    questionnaire = load_questionnaire()
    values = _values(form, questionnaire.questions)
    visible = questionnaire.visibility(values)
    files: dict[str, assessment.EvidenceFile] = {}
    # An answer to a question not asked is dropped, not stored.
    shown = {qid: v for qid, v in values.items() if visible.get(qid) is Visibility.SHOWN}
    for qid in shown:
        upload = form.get(f"f_{qid}")
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(assessment.MAX_ATTACHMENT_BYTES + 1)
            files[qid] = assessment.EvidenceFile(
                upload.filename, upload.content_type or "", content
            )
    # "Save draft" names the section it was pressed in: the answers so far are kept (every save
    # is a version, complete or not) and the user goes back to that section.
    section = form.get("section")
    draft = _is_section(section)
    back = f"/diagnosis/{enterprise_id}/questionnaire"
    if draft:
        back += f"?section={section}#s-{section}"
    try:
        record = assessment.answer_with_evidence(
            platform.uow(principal), enterprise_id, shown, files
        )
    except ValidationError as error:
        flash(request, refusal(request, error), kind="error")
        return RedirectResponse(back, status_code=303)
    except LiubuError:
        raise
    if draft:
        saved = i18n.gettext("Draft saved at %(time)s (version %(number)s).")
        flash(request, saved % {"time": local_time(record.answered_at), "number": record.number})
        return RedirectResponse(back, status_code=303)
    flash(request, i18n.gettext("Answers saved as version %(number)s.") % {"number": record.number})
    return RedirectResponse(f"/diagnosis/{enterprise_id}#score", status_code=303)


def _is_section(section: object) -> bool:
    return isinstance(section, str) and any(s.id == section for s in load_questionnaire().sections)


def _values(form: Any, questions: tuple[Question, ...]) -> dict[str, AnswerValue]:
    values: dict[str, AnswerValue] = {}
    for question in questions:
        raw = form.get(f"q_{question.id}")
        if not isinstance(raw, str) or raw.strip() == "":
            continue
        if question.type is QuestionType.NUMBER:
            try:
                values[question.id] = float(raw)
            except ValueError as error:
                raise ValidationError(f"{raw!r} is not a number.", field=question.id) from error
        else:
            values[question.id] = raw
    return values
