"""The diagnosis of one enterprise over HTTP: questionnaire and versioned answers, evidence,
score, treatment plan (保前治疗) and the service tasks given to security providers (保中服务)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from liubu import assessment, products, underwriting
from liubu.api.deps import UowDep
from liubu.assessment import ServiceTask, load_questionnaire
from liubu.products import parse_product

router = APIRouter(prefix="/api", tags=["diagnosis"])


class AnswersIn(BaseModel):
    answers: dict[str, Any] = Field(
        description='Question id → value, or {"value": …, "evidence": [attachment ids]}.'
    )


class AnswerSetPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    answers: dict[str, Any]
    answered_at: datetime
    answered_by: str


class TaskCreate(BaseModel):
    provider_id: str
    fix_id: str = Field(min_length=1, max_length=64)
    title_zh: str = Field(min_length=1, max_length=300)
    title_en: str = Field(min_length=1, max_length=300)


class TaskUpdate(BaseModel):
    status: Literal["open", "in_progress", "done"]
    note: str | None = Field(default=None, max_length=2000)


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    enterprise_id: str
    provider_id: str
    fix_id: str
    title_zh: str
    title_en: str
    status: str
    note: str | None
    updated_at: datetime


@router.get("/questionnaire")
def questionnaire(uow: UowDep) -> dict[str, Any]:
    """The questions (zh/en) with their MLPS 2.0, NIST CSF 2.0 and CIS v8 mappings."""
    return load_questionnaire().to_dict()


@router.get("/enterprises/{enterprise_id}/answers", response_model=list[AnswerSetPublic])
def answer_history(enterprise_id: str, uow: UowDep) -> Sequence[Any]:
    """Every version of the answers, oldest first."""
    assessment.note_applicant_read(uow, enterprise_id, part="answers")
    return uow.assessment.answer_sets(uow.enterprises.readable(enterprise_id).id)


@router.post(
    "/enterprises/{enterprise_id}/answers", response_model=AnswerSetPublic, status_code=201
)
def answer(enterprise_id: str, body: AnswersIn, uow: UowDep) -> Any:
    record = assessment.record_answers(uow, enterprise_id, body.answers)
    return record


@router.post("/enterprises/{enterprise_id}/attachments", status_code=201)
async def attach(
    enterprise_id: str,
    uow: UowDep,
    question_id: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    content = await file.read(assessment.MAX_ATTACHMENT_BYTES + 1)
    attachment = assessment.attach_evidence(
        uow,
        enterprise_id,
        question_id=question_id,
        filename=file.filename or "evidence",
        content_type=file.content_type or "",
        content=content,
    )
    return {
        "id": attachment.id,
        "question_id": attachment.question_id,
        "filename": attachment.filename,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }


@router.get("/enterprises/{enterprise_id}/assessment")
def assessment_of(enterprise_id: str, uow: UowDep) -> dict[str, Any]:
    """Security score with its factor breakdown and caps, open findings, latest answers."""
    assessment.note_applicant_read(uow, enterprise_id, part="diagnosis")
    return assessment.assessment_summary(uow, enterprise_id)


@router.get("/enterprises/{enterprise_id}/treatment")
def treatment(
    enterprise_id: str,
    uow: UowDep,
    product: Annotated[str | None, Query(description="insurer/code@version or record id")] = None,
    limit: Annotated[Decimal | None, Query(gt=0)] = None,
) -> dict[str, Any]:
    """Fixes ranked by money: new score, Δ expected loss, Δ 1-in-100, Δ filed premium, cost."""
    spec = None
    if product is not None:
        record = products.find_product(uow, product)
        spec = parse_product(record.document, source=record.product_ref)
    chosen = limit if limit is not None else (spec.limit_options[0] if spec else Decimal(1_000_000))
    assessment.note_applicant_read(uow, enterprise_id, part="treatment")
    return underwriting.treatment_plan(uow, enterprise_id, product=spec, limit=chosen).to_dict()


@router.post("/enterprises/{enterprise_id}/tasks", response_model=TaskPublic, status_code=201)
def assign(enterprise_id: str, body: TaskCreate, uow: UowDep) -> ServiceTask:
    task = assessment.assign_task(
        uow,
        enterprise_id,
        provider_id=body.provider_id,
        fix_id=body.fix_id,
        title_zh=body.title_zh,
        title_en=body.title_en,
    )
    return task


@router.get("/tasks", response_model=list[TaskPublic])
def tasks(uow: UowDep) -> Sequence[ServiceTask]:
    """Your enterprises' tasks, or, for a security provider, the tasks assigned to it."""
    return uow.assessment.tasks()


@router.post("/tasks/{task_id}/status", response_model=TaskPublic)
def task_status(task_id: str, body: TaskUpdate, uow: UowDep) -> ServiceTask:
    task = assessment.update_task(uow, task_id, status=body.status, note=body.note)
    return task
