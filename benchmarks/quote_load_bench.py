"""A bounded load run on the quote endpoint: 16 connections at once, each posting a quote for
one SME and one product, as a user would, against a fresh ``liubu serve`` on loopback; the same
server's cheapest authenticated endpoint (``GET /api/enterprises``) beside it as the ceiling.

    .venv/bin/python -m benchmarks quote_load
    LIUBU_BENCH_BEFORE=/path/to/older/src .venv/bin/python -m benchmarks quote_load

For each variant (this tree with one and with two server processes; the older tree when
``LIUBU_BENCH_BEFORE`` names one), alternated over ``ROUNDS`` rounds so that a shared machine's
load falls on all of them alike, and for each round a fresh server:

- cold: the first ``COLD`` quotes after the server listens (16 at once);
- warm: then ``WARM`` quotes more;
- peer: ``WARM`` requests of the cheapest authenticated endpoint.

Prints req/s, p50 and p99 of each, and the ratios to the one-process variant. Loopback only,
stops by itself (a bounded number of requests; 120 s timeout each). The load generator (asyncio,
one connection per client) runs in this process and shares the cores with the server.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx

from benchmarks.processes import fresh_server, variants
from benchmarks.quote_api_bench import PASSWORD, _applicant
from liubu.bootstrap import bootstrap
from liubu.config import load_settings
from liubu.demo import load_reference_products

CONNECTIONS = 16
COLD, WARM = 48, 240
ROUNDS = 2
PRODUCT = "shifan-pc/sme-cyber-comprehensive@2"
TARGET = "target ≥ 60 req/s, p99 ≤ 500 ms"


async def _load(
    base: str, total: int, send: Callable[[httpx.AsyncClient], object]
) -> tuple[float, list[float]]:
    """``total`` requests over ``CONNECTIONS`` clients at once; (requests per second, latencies)."""
    left = total
    latencies: list[float] = []

    async def client() -> None:
        nonlocal left
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            while left > 0:
                left -= 1
                start = time.perf_counter()
                response = await send(http)  # type: ignore[misc]
                response.raise_for_status()
                latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONNECTIONS)))
    return total / (time.perf_counter() - start), latencies


def _p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(name: str, phase: str, runs: list[tuple[float, list[float]]]) -> tuple[float, float]:
    rate = statistics.median(r for r, _ in runs)
    latencies = [x for _, lat in runs for x in lat]
    p50, p99 = _p(latencies, 0.50), _p(latencies, 0.99)
    print(
        f"[{name:>10}] {phase:<5} {rate:6.1f} req/s  p50 {p50 * 1000:6.0f} ms  "
        f"p99 {p99 * 1000:6.0f} ms  (n={len(latencies)}, {len(runs)} servers)"
    )
    return rate, p99


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        settings = load_settings(env="test", data_dir=Path(folder), database_url=url)
        platform = bootstrap(settings, upgrade_schema=True)
        load_reference_products(platform)
        enterprise_id, _products = _applicant(platform)
        platform.dispose()
        path = f"/api/enterprises/{enterprise_id}/quotes"
        body = {"products": [PRODUCT]}
        found = variants({"LIUBU_ENV": "test", "LIUBU_DATA_DIR": folder, "LIUBU_DATABASE_URL": url})
        runs: dict[str, tuple[dict[str, str], list[str]]] = {
            "now ×1": (found["now"], []),
            "now ×2": (found["now"], ["--workers", "2"]),
        }
        if "before" in found:
            runs["before ×1"] = (found["before"], [])
        results: dict[str, dict[str, list[tuple[float, list[float]]]]] = {
            name: {"cold": [], "warm": [], "peer": []} for name in runs
        }
        for _ in range(ROUNDS):
            for name, (env, args) in runs.items():
                with fresh_server(env, args) as (base, _listened):
                    token = httpx.post(
                        base + "/api/auth/token",
                        data={"username": "bench-sme", "password": PASSWORD},
                        timeout=120,
                    ).json()["access_token"]
                    headers = {"Authorization": f"Bearer {token}"}

                    def quote(http: httpx.AsyncClient, headers: dict[str, str] = headers) -> object:
                        return http.post(path, json=body, headers=headers)

                    def peer(http: httpx.AsyncClient, headers: dict[str, str] = headers) -> object:
                        return http.get("/api/enterprises", headers=headers)

                    for phase, send, total in (
                        ("cold", quote, COLD),
                        ("warm", quote, WARM),
                        ("peer", peer, WARM),
                    ):
                        results[name][phase].append(asyncio.run(_load(base, total, send)))
    print(f"quote of one SME for {PRODUCT}, {CONNECTIONS} connections; {TARGET}")
    base_rates: dict[str, float] = {}
    for name, phases in results.items():
        for phase, measured in phases.items():
            rate, _p99 = _line(name, phase, measured)
            base_rates.setdefault(phase, rate)
            print(f"{'':>13} ratio to now ×1: {rate / base_rates[phase]:.2f}")


if __name__ == "__main__":
    main()
