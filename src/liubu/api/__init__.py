"""liubu.api — the HTTP API (JSON, RFC 9457 problem+json errors). ``liubu.app`` mounts it."""

from __future__ import annotations

from fastapi import FastAPI

from liubu.api.guard import BodyLimits, HttpGuard
from liubu.api.openapi import install_openapi
from liubu.api.problems import install_problem_handlers
from liubu.api.routes import (
    accounts,
    assessment,
    audit,
    auth,
    claims,
    dependencies,
    diagnosis,
    enterprises,
    experience,
    groups,
    identity,
    monitoring,
    monitoring_events,
    personal,
    personal_claims,
    portfolio,
    products,
    reserving,
    risk,
    service,
    statistics,
    system,
    underwriting,
)

__all__ = ["BodyLimits", "HttpGuard", "install_api"]


def install_api(app: FastAPI) -> None:
    """The API's error translator and every route under ``/api`` (and the probes), and an
    OpenAPI document whose operations declare their problem+json errors."""
    install_problem_handlers(app)
    install_openapi(app)
    for module in (
        system,
        auth,
        accounts,
        enterprises,
        audit,
        risk,
        products,
        assessment,
        diagnosis,
        underwriting,
        claims,
        groups,
        identity,
        experience,
        reserving,
        personal,
        personal_claims,
        portfolio,
        statistics,
        monitoring,
        monitoring_events,
        service,
        dependencies,
    ):
        app.include_router(module.router)
