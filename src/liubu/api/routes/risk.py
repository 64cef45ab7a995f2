"""Risk quantification as a service: a model (YAML text or the same structure as JSON) in,
the quantified distribution out. Stateless: nothing is stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter
from pydantic import BaseModel, Field

from liubu import accounts
from liubu.accounts import Role
from liubu.api.deps import CurrentPrincipal
from liubu.bounded import check_json_bounds
from liubu.risk import MAX_REQUEST_YEARS, model_schema, quantify_text

router = APIRouter(prefix="/api/risk", tags=["risk"])
QUANTIFIERS = (Role.ACTUARY, Role.UNDERWRITER, Role.ADMIN)


class QuantifyRequest(BaseModel):
    model: Annotated[
        str | dict[str, Any],
        Field(description="The model file's YAML text, or the same structure as JSON."),
    ]
    engine: Literal["auto", "fft", "mc"] = "auto"
    years: int = Field(default=100_000, ge=1_000, le=MAX_REQUEST_YEARS)
    seed: int = Field(default=20_240_601, ge=0)


@router.post("/quantify")
def quantify_model(body: QuantifyRequest, principal: CurrentPrincipal) -> dict[str, Any]:
    """Mean, sd, VaR/TVaR at 90/95/99/99.5 %, return periods, contributions, exceedance curves."""
    accounts.require(principal, *QUANTIFIERS)
    if isinstance(body.model, str):
        text = body.model
    else:  # bounded before it is dumped: a deep value would exhaust the dumper's recursion
        check_json_bounds(body.model, field="model")
        text = yaml.safe_dump(body.model)
    return quantify_text(text, engine=body.engine, years=body.years, seed=body.seed).to_dict()


@router.get("/schema")
def model_file_schema(principal: CurrentPrincipal) -> dict[str, Any]:
    """The published JSON Schema of the model file."""
    return model_schema()
