"""Reserving over HTTP (准备金评估): an insurer's actuary posts a loss-development triangle —
as cells or as the CSV text of ``liubu reserve`` — and gets chain ladder, Mack or
Bornhuetter–Ferguson back. Nothing is stored. Errors are problem+json naming the cell (or the
CSV line); every field is bounded (at most 200 × 200 cells, amounts 0 … 10¹⁵)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator

from liubu import claims
from liubu.api.deps import CurrentPrincipal

router = APIRouter(prefix="/api/reserving", tags=["reserving"])

MAX_CELLS = 200 * 200
Amount = Annotated[Decimal, Field(ge=0, le=Decimal("1e15"), max_digits=22, decimal_places=6)]
OriginLabel = Annotated[
    str, Field(pattern=r"^[0-9]{4}(Q[1-4])?$", max_length=6, description="2021 or 2021Q3")
]


class CellIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    origin: OriginLabel
    development: int = Field(ge=1, le=2400, description="Age in months (12, 24, … or 3, 6, …)")
    value: Amount = Field(description="Cumulative amount at that age")


class PremiumIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    origin: OriginLabel
    premium: Amount = Field(gt=0)


class ReservingRequest(BaseModel):
    """A triangle (``points`` or ``csv``, one of them) and the method to run on it."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["chainladder", "mack", "bf"] = "chainladder"
    basis: Literal["paid", "incurred"] = Field(
        default="paid", description="incurred: cumulative amounts may fall along development"
    )
    points: list[CellIn] | None = Field(default=None, max_length=MAX_CELLS)
    csv: str | None = Field(
        default=None,
        max_length=claims.MAX_TRIANGLE_BYTES,
        description="Long-format CSV text: origin,development,value",
    )
    apriori: Decimal | None = Field(
        default=None, gt=0, le=10, max_digits=12, description="BF: a-priori loss ratio"
    )
    premium: list[PremiumIn] | None = Field(
        default=None, max_length=200, description="BF: premium (exposure) of every origin"
    )

    @model_validator(mode="after")
    def _one_triangle(self) -> ReservingRequest:
        if (self.points is None) == (self.csv is None):
            raise ValueError("give the triangle as points or as csv, one of the two")
        return self


@router.post("")
def reserve(body: ReservingRequest, principal: CurrentPrincipal) -> dict[str, Any]:
    """IBNR by origin and in total, the Mack standard error (``mack``), the age-to-age and
    age-to-ultimate factors, and the triangle's cells (for a heat map). Actuaries and admins of
    an insurer only."""
    allow_decreasing = body.basis == "incurred"
    if body.csv is not None:
        triangle = claims.read_triangle_csv(body.csv, name="csv", allow_decreasing=allow_decreasing)
    else:
        cells = tuple(
            claims.TrianglePoint(p.origin, p.development, p.value) for p in body.points or ()
        )
        triangle = claims.Triangle(cells, allow_decreasing=allow_decreasing)
    premium = None
    if body.premium is not None:
        premium = {p.origin: p.premium for p in body.premium}
    result = claims.reserve_triangle(
        principal, triangle, body.method, apriori=body.apriori, premium=premium
    )
    return {
        **result.to_dict(),
        "triangle": {
            "origins": list(triangle.origins),
            "developments": list(triangle.developments),
            "cells": [[None if v is None else str(v) for v in row] for row in triangle.cells],
        },
    }
