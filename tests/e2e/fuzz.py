"""Schemathesis over the whole OpenAPI of a real server: every operation, seeded, bounded.

Each operation is fuzzed on its own (so a slow one cannot starve the others), in positive and
negative modes, once with generated path ids and once with the caller's real ids from the demo
data (an id the caller owns gets past the 404 into the handler, where the bugs are). Failures are
collected, not raised at the first, so one run names every distinct defect.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi import checks as openapi_checks

from liubu.demo import DEMO_PASSWORD

SEED = 20261207
# The CI run (≤ 3 minutes for both users on this machine) and `make fuzz`, which raises this.
EXAMPLES = int(os.environ.get("LIUBU_FUZZ_EXAMPLES", "6"))

# No 5xx, and every answer as the OpenAPI declares it: its status, media type, headers and body.
CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]
# List endpoints whose first item gives a real id for a path parameter of the same name.
ID_SOURCES = {
    "enterprise_id": "/api/enterprises",
    "product_id": "/api/products",
    "scheme_id": "/api/groups",
    "quote_id": "/api/quotes",
    "policy_id": "/api/policies",
    "task_id": "/api/tasks",
    "organisation_id": "/api/organisations",
    "user_id": "/api/users",
}


@dataclass(frozen=True)
class Defect:
    """One distinct failure: the operation, the check's title and the status it answered."""

    operation: str
    title: str
    status: int
    example: str


@dataclass
class FuzzReport:
    cases: int = 0
    defects: dict[tuple[str, str, int], Defect] = field(default_factory=dict)

    def record(self, case: schemathesis.Case, failure: Failure, status: int) -> None:
        key = (case.operation.label, failure.title, status)
        if key not in self.defects:
            example = f"{case.operation.label} path={case.path_parameters} "
            example += f"query={case.query} body={case.body!r}"[:600]
            self.defects[key] = Defect(case.operation.label, failure.title, status, example)

    def summary(self) -> str:
        lines = [f"{len(self.defects)} distinct failure(s) in {self.cases} cases:"]
        lines += [f"- {d.status} {d.title}: {d.example}" for d in self.defects.values()]
        return "\n".join(lines)


def sign_in(base: str, username: str) -> dict[str, str]:
    """Headers with a long-lived API token of ``username``, taken once before any fuzzing.

    Once the fuzzer has sent its wrong passwords to ``/api/auth/token`` and ``/api/me/password``
    from this address, the sign-in throttle rightly makes a further sign-in from here wait; an API
    token outlives both that and the 15-minute access token of a long `make fuzz`."""
    response = requests.post(
        f"{base}/api/auth/token", data={"username": username, "password": DEMO_PASSWORD}, timeout=30
    )
    response.raise_for_status()
    jwt = {"Authorization": f"Bearer {response.json()['access_token']}"}
    issued = requests.post(f"{base}/api/tokens", json={"name": "fuzz"}, headers=jwt, timeout=30)
    issued.raise_for_status()
    return {"Authorization": f"Bearer {issued.json()['token']}"}


def real_ids(base: str, headers: dict[str, str]) -> dict[str, str]:
    """The first id the caller can see of each kind (demo data), by path parameter name."""
    found: dict[str, str] = {}
    for name, path in ID_SOURCES.items():
        response = requests.get(f"{base}{path}", headers=headers, timeout=30)
        if response.status_code == 200 and response.json():
            found[name] = str(response.json()[0]["id"])
    return found


def _variants(
    operation: schemathesis.APIOperation, ids: dict[str, str]
) -> Iterator[tuple[GenerationMode, dict[str, str] | None]]:
    names = {p.name for p in operation.path_parameters}
    known = {name: ids[name] for name in names if name in ids}
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        yield mode, None
        if known:
            yield mode, known


def fuzz(base: str, username: str, *, examples: int = EXAMPLES) -> FuzzReport:
    """Fuzz every operation of the server's OpenAPI as ``username``; return what failed."""
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json", timeout=30)
    report = FuzzReport()
    headers = sign_in(base, username)
    ids = real_ids(base, headers)
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, path_parameters in _variants(operation, ids):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            _run(strategy, base=base, headers=headers, checks=CHECKS, report=report, n=examples)
    return report


def _run(
    strategy: Any,
    *,
    base: str,
    headers: dict[str, str],
    checks: list[Callable[..., Any]],
    report: FuzzReport,
    n: int,
) -> None:
    @seed(SEED)
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def one(case: schemathesis.Case) -> None:
        report.cases += 1
        response = case.call(base_url=base, headers=headers, timeout=60)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                report.record(case, failure, response.status_code)
        except Failure as failure:
            report.record(case, failure, response.status_code)

    try:
        one()
    except Unsatisfiable:
        # Negative mode on an operation with nothing to invalidate (no parameters, no body).
        return
