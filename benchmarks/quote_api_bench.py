"""A quote for one SME across the six quotable catalogue products, three options each, through
the HTTP API, against the risk-engine calls alone; and the first quote of a fresh server.

    .venv/bin/python -m benchmarks quote_api

The SME (section Q, health, ¥150 million revenue, MLPS level 3) is the most eligible applicant
the catalogue allows: five of the six products accept it. No applicant can be eligible for all
six, because enterprise-cyber-property requires revenue ≥ ¥500 million and both SME
comprehensive versions require revenue < ¥200 million (the sixth is asked for and declined
unpriced). Prints, in one run:

- cold p50: caches cleared before each request (a real uvicorn server in this process);
- warm p50: the same request repeated, nothing cleared;
- the engine calls alone, cold and warm, and the ratio API / engine;
- the first quote of a fresh ``liubu serve`` process (several processes, median), with the
  time until it listened and its second quote;
- the throughput with two clients at once (cold requests).
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2 as httpx
from tests.e2e.browser import running_server

from benchmarks.processes import describe, first_request_seconds, variants
from liubu.accounts import new_id
from liubu.accounts import service as accounts
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.assessment import Scan, ScanState
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.core import uscc_with_check
from liubu.demo import load_reference_products
from liubu.products import load_reference_catalogue
from liubu.risk import library_scenarios, quantify
from liubu.risk.grid import clear_caches
from liubu.risk.model import Model
from liubu.underwriting import check_eligibility, terms_for_option

ROUNDS = 15
FRESH_SERVERS = 5
PASSWORD = "benchmark password"
QUOTABLE = ("comprehensive", "property_loss", "liability", "service_bundle")
SECTION, REVENUE, MLPS = "Q", Decimal(150_000_000), 3


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        settings = load_settings(env="test", data_dir=Path(folder), database_url=url)
        platform = bootstrap(settings, upgrade_schema=True)
        load_reference_products(platform)
        enterprise_id, products = _applicant(platform)
        body: dict[str, object] = {"products": products}
        path = f"/api/enterprises/{enterprise_id}/quotes"
        with running_server(platform) as base:
            client = httpx.Client(base_url=base, timeout=120)
            token = client.post(
                "/api/auth/token", data={"username": "bench-sme", "password": PASSWORD}
            ).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            answer = client.post(path, json=body, headers=headers)
            answer.raise_for_status()
            priced = _priced(answer.json())
            cold = _latencies(lambda: client.post(path, json=body, headers=headers), clear=True)
            warm = _latencies(lambda: client.post(path, json=body, headers=headers), clear=False)
            throughput = _two_clients(base, path, body, headers)
        engine_cold, engine_warm, eligible = _engine_alone(products)
        platform.dispose()
        envs = variants({"LIUBU_ENV": "test", "LIUBU_DATA_DIR": folder, "LIUBU_DATABASE_URL": url})

        def quote(server: str) -> None:
            httpx.post(server + path, json=body, headers=headers, timeout=300).raise_for_status()

        fresh = first_request_seconds(envs, quote, runs=FRESH_SERVERS)
    _report(products, priced, eligible, cold, warm, (engine_cold, engine_warm), throughput)
    for name, (ready, first, second) in fresh.items():
        print(f"[{name}] fresh `liubu serve`, until it listens:  {describe(ready)}")
        print(
            f"[{name}] fresh server, first quote (end to end): {describe(first)}   target ≤ 300 ms"
        )
        print(f"[{name}] fresh server, second quote:             {describe(second)}")
        ratio = statistics.median(first) / statistics.median(second)
        print(f"[{name}] ratio first / second quote: {ratio:.2f}")


def _report(
    products: list[str],
    priced: dict[str, int],
    eligible: int,
    cold: list[float],
    warm: list[float],
    engine: tuple[float, float],
    throughput: float,
) -> None:
    print(f"products asked: {len(products)}; priced (options): {priced}")
    print(f"eligible by check_eligibility: {eligible} of {len(products)}")
    print(f"API cold p50 (caches cleared per request): {describe(cold)}")
    print(f"API warm p50 (same request repeated):      {describe(warm)}")
    print(f"engine calls alone: cold {engine[0] * 1000:.0f} ms, warm {engine[1] * 1000:.0f} ms")
    print(
        f"ratio API / engine alone: cold {statistics.median(cold) / engine[0]:.2f}, "
        f"warm {statistics.median(warm) / engine[1]:.2f}; cold / warm API "
        f"{statistics.median(cold) / statistics.median(warm):.2f}"
    )
    print(f"throughput, two clients at once (cold requests): {throughput:.1f} quotes/s")


def _latencies(request: Callable[[], httpx.Response], *, clear: bool) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        if clear:
            clear_caches()  # a cold quote: nothing remembered from the round before
        start = time.perf_counter()
        request().raise_for_status()
        times.append(time.perf_counter() - start)
    return times


def _priced(quotes: list[dict[str, Any]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for quote in quotes:
        for option in quote["options"]:
            if option["status"] != "decline":
                found[option["product"]] = found.get(option["product"], 0) + 1
    return found


def _applicant(platform: Any) -> tuple[str, list[str]]:
    with platform.uow(SYSTEM) as uow:
        organisation = accounts.create_organisation(uow, kind=OrgKind.ENTERPRISE, name="Bench")
        uow.flush()
        user = accounts.create_user(
            uow,
            tenant_id=organisation.id,
            username="bench-sme",
            password=PASSWORD,
            roles=[Role.ENTERPRISE_USER],
        )
        uow.commit()
        principal = accounts.principal_for(user, organisation)
    with platform.uow(principal) as uow:
        enterprise = accounts.register_enterprise(
            uow,
            EnterpriseFacts(
                name="基准测试医院",
                uscc=str(uscc_with_check("91320500MB0000099")),
                industry_section=SECTION,
                industry_division="84",
                region_code="320500",
                annual_revenue=REVENUE,
                employees=600,
                mlps_level=MLPS,
            ),
        )
        # An outside-in scan that finished clean: the score's scanned factors count in full (an
        # unscanned enterprise scores them at the average, 48 here, and two products decline).
        now = datetime.now(UTC)
        uow.assessment.add(
            Scan(
                id=new_id(),
                tenant_id=enterprise.tenant_id,
                enterprise_id=enterprise.id,
                status=ScanState.FINISHED,
                targets=["bench.example.cn"],
                settings={},
                created_at=now,
                started_at=now,
                finished_at=now,
            )
        )
        uow.commit()
    products = [
        s.product_id
        for s in load_reference_catalogue()
        if s.status == "filed" and s.product_type in QUOTABLE
    ]
    return enterprise.id, products


def _two_clients(base: str, url: str, body: dict[str, object], headers: dict[str, str]) -> float:
    done = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal done
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(ROUNDS // 2 + 1):
                clear_caches()  # each request as cold as the latency rounds (the same SME)
                client.post(url, json=body, headers=headers).raise_for_status()
                with lock:
                    done += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.perf_counter() - start)


def _engine_alone(products: list[str]) -> tuple[float, float, int]:
    """Quantify the models the API prices (eligible products, three limits each) directly:
    every library scenario under each option's terms; cold (caches cleared) and warm."""
    specs = {s.product_id: s for s in load_reference_catalogue()}
    eligible = [
        specs[r]
        for r in products
        if not check_eligibility(
            specs[r],
            industry_section=SECTION,
            revenue=REVENUE,
            mlps_level=MLPS,
            score=60.0,
            insured_kind="enterprise",
        )
    ]
    scenarios = library_scenarios(SECTION, REVENUE)

    def run() -> None:
        for spec in eligible:
            for limit in spec.limit_options[:3]:
                quantify(Model(scenarios=scenarios, terms=terms_for_option(spec, limit=limit)))

    medians = []
    for clear in (True, False):
        timings = []
        for _ in range(7):
            if clear:
                clear_caches()
            start = time.perf_counter()
            run()
            timings.append(time.perf_counter() - start)
        medians.append(statistics.median(timings))
    return medians[0], medians[1], len(eligible)


if __name__ == "__main__":
    main()
