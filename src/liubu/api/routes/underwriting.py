"""Quotes, the underwriter's referral queue, binding, and policy administration over HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from liubu import underwriting
from liubu.api.deps import PlatformDep, UowDep
from liubu.api.schemas import DeclarationsIn
from liubu.underwriting import Policy, PolicyEvent, Quote

router = APIRouter(prefix="/api", tags=["underwriting"])


class QuoteRequest(BaseModel):
    products: list[str] = Field(min_length=1, description="insurer/code@version or record ids")
    limits: dict[str, list[Decimal]] | None = Field(
        default=None, description="Limit options per product; default: its first three."
    )
    claims_count: int | None = Field(default=None, ge=0, description="Claims in the past 3 years")


class QuotePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    enterprise_id: str
    insurer: str
    status: str
    options: list[dict[str, Any]]
    submission: dict[str, Any]
    valid_until: datetime
    created_at: datetime
    decision: dict[str, Any] | None
    version: int
    renewal: dict[str, Any] | None = Field(
        default=None,
        description="A renewal quote's: the expiring term's score changes, the bind and renewal "
        "scores, and the filed premium of the option at each (what the term did to the price).",
    )

    @field_validator("options", "submission", "decision", "renewal", mode="before")
    @classmethod
    def _as_json(cls, value: Any) -> Any:
        """The typed records as the JSON they store (the API is the edge)."""
        if isinstance(value, tuple | list):
            return [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
        return value.to_dict() if hasattr(value, "to_dict") else value


class Decision(BaseModel):
    approve: bool
    reasons: str = Field(min_length=1, max_length=2000)
    overrides: dict[str, Decimal] | None = None


class BindRequest(BaseModel):
    option_index: int = Field(ge=0)
    version: int = Field(ge=1, description="The quote version you looked at.")
    declarations: DeclarationsIn
    start: date | None = Field(
        default=None,
        description="First day of cover: today (the default) to 90 days ahead "
        "(else 422 bind.start_out_of_range).",
    )


class PolicyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: str
    quote_id: str
    enterprise_id: str
    product_ref: str
    limit: Decimal
    retention: Decimal
    annual_premium: Decimal
    period_start: date
    period_end: date
    status: str
    answers_version: int | None
    version: int


class PolicyEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    effective: date
    premium_change: Decimal
    detail: dict[str, Any]
    created_at: datetime


class Payment(BaseModel):
    amount: Decimal = Field(
        gt=0,
        le=Decimal("1e12"),
        max_digits=14,
        decimal_places=2,
        description="CNY received; at most what is outstanding (else 422 payment.amount).",
    )
    paid_on: date = Field(
        description="The day it was received: from the policy's making to today (else 422 "
        "payment.date)."
    )


class Endorsement(BaseModel):
    limit: Decimal = Field(gt=0)
    effective: date


class Cancellation(BaseModel):
    effective: date


class Renewal(BaseModel):
    claims_count: int = Field(ge=0)


@router.post(
    "/enterprises/{enterprise_id}/quotes", response_model=list[QuotePublic], status_code=201
)
def request_quotes(enterprise_id: str, body: QuoteRequest, uow: UowDep) -> list[Quote]:
    quotes = underwriting.request_quotes(
        uow,
        enterprise_id,
        products_wanted=body.products,
        limits=body.limits,
        claims_count=body.claims_count,
    )
    return quotes


@router.get("/quotes", response_model=list[QuotePublic])
def list_quotes(uow: UowDep) -> Sequence[Quote]:
    return uow.underwriting.quotes()


@router.get("/underwriting/queue", response_model=list[QuotePublic])
def referral_queue(uow: UowDep) -> list[Quote]:
    return underwriting.referral_queue(uow)


@router.get("/quotes/{quote_id}", response_model=QuotePublic)
def get_quote(quote_id: str, uow: UowDep) -> Quote:
    return uow.underwriting.quote(quote_id)


@router.get("/quotes/{quote_id}/options/{option_index}/breakdown")
def option_breakdown(quote_id: str, option_index: int, uow: UowDep) -> dict[str, Any]:
    """Why an option's technical premium is what it is: the expected insured loss by scenario
    and by coverage (Euler allocation), priced again from the quote's submission."""
    return underwriting.option_breakdown(uow, quote_id, option_index)


@router.post("/quotes/{quote_id}/decision", response_model=QuotePublic)
def decide(quote_id: str, body: Decision, uow: UowDep) -> Quote:
    quote = underwriting.decide_referral(
        uow, quote_id, approve=body.approve, reasons=body.reasons, overrides=body.overrides
    )
    return quote


@router.post("/quotes/{quote_id}/bind", response_model=PolicyPublic, status_code=201)
def bind(quote_id: str, body: BindRequest, uow: UowDep, platform: PlatformDep) -> Policy:
    policy = underwriting.bind(
        uow,
        quote_id,
        option_index=body.option_index,
        expected_version=body.version,
        declarations=body.declarations.made(),
        start=body.start,
    )
    platform.queue_service_schedule(tenant_id=policy.tenant_id)  # 保中服务 tasks of its services
    return policy


@router.get("/policies", response_model=list[PolicyPublic])
def list_policies(uow: UowDep) -> Sequence[Policy]:
    return uow.underwriting.policies()


@router.get("/policies/{policy_id}", response_model=PolicyPublic)
def get_policy(policy_id: str, uow: UowDep) -> Policy:
    return uow.underwriting.policy(policy_id)


@router.get("/policies/{policy_id}/events", response_model=list[PolicyEventPublic])
def policy_events(policy_id: str, uow: UowDep) -> Sequence[PolicyEvent]:
    return uow.underwriting.events(uow.underwriting.policy(policy_id).id)


@router.post("/policies/{policy_id}/endorse", response_model=PolicyEventPublic, status_code=201)
def endorse(policy_id: str, body: Endorsement, uow: UowDep) -> PolicyEvent:
    event = underwriting.endorse_limit(
        uow, policy_id, new_limit=body.limit, effective=body.effective
    )
    return event


@router.post("/policies/{policy_id}/cancel", response_model=PolicyEventPublic, status_code=201)
def cancel(policy_id: str, body: Cancellation, uow: UowDep) -> PolicyEvent:
    event = underwriting.cancel(uow, policy_id, cancelled_on=body.effective)
    return event


@router.post("/policies/{policy_id}/payments", response_model=PolicyEventPublic, status_code=201)
def record_payment(policy_id: str, body: Payment, uow: UowDep) -> PolicyEvent:
    """The insurer's staff record a premium payment received; audited as a premium_paid event."""
    return underwriting.record_premium_payment(
        uow, policy_id, amount=body.amount, paid_on=body.paid_on
    )


@router.post("/policies/{policy_id}/renew", response_model=QuotePublic, status_code=201)
def renew(policy_id: str, body: Renewal, uow: UowDep) -> Quote:
    quote = underwriting.renew(uow, policy_id, claims_count=body.claims_count)
    return quote
