"""A quote for one SME across every eligible catalogue product, three options each, through the
HTTP API (a real uvicorn server on 127.0.0.1), against the risk-engine calls alone.

    .venv/bin/python -m benchmarks quote_api

Prints the median latency of POST /api/enterprises/{id}/quotes, the throughput with two clients
at once, and the ratio to the cost of the engine calls (the same models quantified directly).
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx2 as httpx
from tests.e2e.browser import running_server

from liubu.accounts import service as accounts
from liubu.accounts.enterprise import EnterpriseFacts
from liubu.accounts.model import SYSTEM, OrgKind, Role
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.core import uscc_with_check
from liubu.demo import load_reference_products
from liubu.products import load_reference_catalogue
from liubu.risk import band_for_revenue, library_scenarios, quantify
from liubu.risk.grid import clear_caches
from liubu.risk.model import Model
from liubu.underwriting import check_eligibility, terms_for_option

ROUNDS = 15
PASSWORD = "benchmark password"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(
            env="test", data_dir=Path(folder), database_url=f"sqlite:///{folder}/bench.db"
        )
        platform = bootstrap(settings, upgrade_schema=True)
        load_reference_products(platform)
        enterprise_id, products = _applicant(platform)
        with running_server(platform) as base:
            client = httpx.Client(base_url=base, timeout=60)
            token = client.post(
                "/api/auth/token", data={"username": "bench-sme", "password": PASSWORD}
            ).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            url = f"/api/enterprises/{enterprise_id}/quotes"
            body = {"products": products}
            client.post(url, json=body, headers=headers).raise_for_status()  # warm-up
            latencies = []
            for _ in range(ROUNDS):
                clear_caches()  # a cold quote: nothing remembered from the round before
                start = time.perf_counter()
                client.post(url, json=body, headers=headers).raise_for_status()
                latencies.append(time.perf_counter() - start)
            throughput = _two_clients(base, url, body, headers)
        engine, eligible = _engine_alone(products)
        platform.dispose()
    median = statistics.median(latencies)
    print(
        f"products asked: {len(products)}; eligible and priced: {eligible} × 3 options "
        f"(the others are declined unpriced)"
    )
    print(
        f"API latency, median of {ROUNDS}: {median * 1000:.0f} ms "
        f"(min {min(latencies) * 1000:.0f}, max {max(latencies) * 1000:.0f})"
    )
    print(f"risk-engine calls alone: {engine * 1000:.0f} ms")
    print(f"ratio API / engine alone: {median / engine:.2f}")
    print(f"throughput, two clients at once: {throughput:.1f} quotes/s")


def _applicant(platform: object) -> tuple[str, list[str]]:
    with platform.uow(SYSTEM) as uow:  # type: ignore[attr-defined]
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
    with platform.uow(principal) as uow:  # type: ignore[attr-defined]
        enterprise = accounts.register_enterprise(
            uow,
            EnterpriseFacts(
                name="基准测试企业",
                uscc=str(uscc_with_check("91320500MA0000099")),
                industry_section="C",
                industry_division="39",
                region_code="320500",
                annual_revenue=Decimal(30_000_000),
                employees=120,
                mlps_level=2,
            ),
        )
        uow.commit()
    quotable = ("comprehensive", "property_loss", "liability", "service_bundle")
    products = [
        s.product_id
        for s in load_reference_catalogue()
        if s.status == "filed" and s.product_type in quotable
    ]
    return enterprise.id, products


def _two_clients(base: str, url: str, body: dict[str, object], headers: dict[str, str]) -> float:
    done = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal done
        with httpx.Client(base_url=base, timeout=60) as client:
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


def _engine_alone(products: list[str]) -> tuple[float, int]:
    """Quantify the models the API prices (eligible products, three limits each) directly:
    every library scenario under each option's terms."""
    specs = {s.product_id: s for s in load_reference_catalogue()}
    eligible = [
        specs[r]
        for r in products
        if not check_eligibility(
            specs[r],
            industry_section="C",
            revenue=Decimal(30_000_000),
            mlps_level=2,
            score=50.0,
            insured_kind="enterprise",
        )
    ]
    scenarios = library_scenarios("C", band_for_revenue(30_000_000))
    timings = []
    for _ in range(5):
        clear_caches()
        start = time.perf_counter()
        for spec in eligible:
            for limit in spec.limit_options[:3]:
                quantify(Model(scenarios=scenarios, terms=terms_for_option(spec, limit=limit)))
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), len(eligible)


if __name__ == "__main__":
    main()
