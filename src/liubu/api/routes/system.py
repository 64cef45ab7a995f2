"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from liubu.api.deps import PlatformDep
from liubu.api.problems import problem

router = APIRouter(tags=["system"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(platform: PlatformDep) -> dict[str, str] | JSONResponse:
    """The database answers."""
    if platform.database_ready():
        return {"status": "ready", "database": "ok"}
    return problem(503, "The database is not reachable.", reason="not_ready")
