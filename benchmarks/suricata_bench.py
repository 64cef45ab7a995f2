"""Suricata EVE ingest: 1,000,000 events generated from the real capture's shapes, read and
matched against 100,000 insured assets on one core, against a straightforward per-event loop.

Run: ``.venv/bin/python -m benchmarks.suricata_bench [--events N]`` (or ``python -m benchmarks
suricata``) from the repository root, with the shared data at ``../shared/data`` (or
``LIUBU_SHARED_DATA``). ``--events 100000`` gives a quick run.

- templates: every alert, dns and flow event of the real Zeus lab capture
  (``suricata_eve_zeus_lab/eve.json``, in its own proportions); each generated event is a
  template with a new timestamp and flow id, its lab addresses replaced by random public ones,
  and 1 in 100 naming an insured address (alerts) or a name under an insured domain (dns);
- 100,000 watched assets (seeded): 50,000 IPv4 addresses, 5,000 networks, 45,000 domains;
- the path measured is what :func:`liubu.monitoring.ingest_events` does per batch apart from
  the database: ``read_events`` (line bounds, JSON, the event's fingerprint, normalised
  indicators) and :func:`liubu.monitoring.match` against a :class:`WatchIndex` built once — cold
  (the index built in the timing) and warm (built before);
- peak memory: the process's resident peak before and after the streamed run (the events are
  read from a file, never held);
- the baseline: each event parsed with ``json.loads`` and its addresses and query name compared
  with every asset in turn; timed on 300 events (the first
  270 and the first 30 after them that meet an insured asset) (it is some thousand times slower)
  and checked to find the same (line, asset) pairs as the index on them.
"""

from __future__ import annotations

import argparse
import io
import ipaddress
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.intel_bench import SHARED
from liubu.monitoring import (
    AssetKind,
    Observation,
    ReadCounts,
    WatchedAsset,
    WatchIndex,
    match,
    read_events,
)

EVENTS = 1_000_000
ASSETS = 100_000
ADDRESSES, NETWORKS = 50_000, 5_000
HIT_RATE = 0.01
BASELINE_EVENTS = 300
BASELINE_HITS = 30
SEED = 20_261_207
START = datetime(2026, 12, 7, tzinfo=UTC)
EVE = SHARED / "suricata_eve_zeus_lab" / "eve.json"


def _asset(number: int, kind: AssetKind, value: str) -> WatchedAsset:
    return WatchedAsset(
        enterprise_id=f"e{number // 10}",
        enterprise_name=f"enterprise {number // 10}",
        policy_id=f"p{number // 10}",
        policy_number=f"LB{number // 10:012d}",
        insurer_tenant_id="insurer",
        client_tenant_id=f"c{number // 10}",
        kind=kind,
        value=value,
        origin="asset",
    )


def _public(rng: random.Random) -> str:
    while True:
        address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address.is_global:
            return str(address)


def watched_assets(rng: random.Random) -> list[WatchedAsset]:
    assets = [_asset(i, AssetKind.IPV4, _public(rng)) for i in range(ADDRESSES)]
    for i in range(ADDRESSES, ADDRESSES + NETWORKS):
        network = ipaddress.ip_network(f"{_public(rng)}/{rng.choice((24, 26, 28, 29))}", False)
        assets.append(_asset(i, AssetKind.CIDR, str(network)))
    for i in range(ADDRESSES + NETWORKS, ASSETS):
        assets.append(_asset(i, AssetKind.DOMAIN, f"shop{i}.insured{i % 4999}.cn"))
    return assets


def templates() -> list[dict[str, Any]]:
    """The capture's alert, dns and flow events (the others are skipped by the reader too)."""
    found = []
    for line in EVE.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event.get("event_type") in ("alert", "dns", "flow"):
            found.append(event)
    return found


def generate(path: Path, count: int, assets: list[WatchedAsset], rng: random.Random) -> None:
    shapes = templates()
    addresses = [a.value for a in assets if a.kind is AssetKind.IPV4]
    domains = [a.value for a in assets if a.kind is AssetKind.DOMAIN]
    pool = [_public(rng) for _ in range(20_000)]
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            event = dict(rng.choice(shapes))
            moment = START + timedelta(milliseconds=number)
            event["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
            event["flow_id"] = rng.getrandbits(50)
            hit = rng.random() < HIT_RATE
            if "dest_ip" in event:
                event["src_ip"] = rng.choice(pool)
                event["dest_ip"] = rng.choice(addresses) if hit else rng.choice(pool)
            if event["event_type"] == "dns" and isinstance(event.get("dns"), dict):
                name = f"www.{rng.choice(domains)}" if hit else event["dns"].get("rrname")
                event["dns"] = {**event["dns"], "rrname": name}
            out.write(json.dumps(event, separators=(",", ":")))
            out.write("\n")


def pipeline(path: Path, index: WatchIndex) -> tuple[int, int, int]:
    """Read and match every event: (observations, pairs matched, records read)."""
    counts = ReadCounts()
    items = read_events(path, "suricata", counts=counts)
    pairs = sum(1 for _ in match((i for i in items if isinstance(i, Observation)), index))
    return counts.observations, pairs, counts.records


def per_event_loop(lines: list[str], assets: list[WatchedAsset]) -> set[tuple[int, str]]:
    """The baseline: every event against every asset, compared as text and as networks."""
    networks = [
        (a, ipaddress.ip_network(a.value)) if a.kind is AssetKind.CIDR else (a, None)
        for a in assets
    ]
    found = set()
    for number, line in enumerate(lines, start=1):
        event = json.loads(line)
        values = []
        if event.get("event_type") == "alert":
            values = [event.get("src_ip"), event.get("dest_ip")]
        elif event.get("event_type") == "dns":
            rrname = (event.get("dns") or {}).get("rrname")
            values = [str(rrname).rstrip(".").lower()] if rrname else []
        for value in values:
            if not value:
                continue
            for asset, network in networks:
                if asset.kind is AssetKind.DOMAIN:
                    if value == asset.value or value.endswith("." + asset.value):
                        found.add((number, asset.value))
                elif network is not None:
                    try:
                        if ipaddress.ip_address(value) in network:
                            found.add((number, asset.value))
                    except ValueError:
                        pass
                elif value == asset.value:
                    found.add((number, asset.value))
    return found


def index_pairs(lines: list[str], index: WatchIndex) -> set[tuple[int, str]]:
    """The watch index's (line, asset) pairs on the same lines, line by line."""
    found = set()
    for number, line in enumerate(lines, start=1):
        for item in read_events(io.BytesIO(line.encode()), "suricata"):
            if isinstance(item, Observation):
                found.update((number, c.asset.value) for c in match([item], index))
    return found


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="suricata_bench")
    parser.add_argument("--events", type=int, default=EVENTS)
    args, _rest = parser.parse_known_args(argv)
    if not EVE.is_file():
        raise SystemExit(f"the shared data is not at {SHARED}; set LIUBU_SHARED_DATA")
    rng = random.Random(SEED)
    assets = watched_assets(rng)
    with tempfile.TemporaryDirectory(prefix="liubu-bench-") as folder:
        path = Path(folder) / "eve.json"
        started = time.perf_counter()
        generate(path, args.events, assets, rng)
        size = path.stat().st_size
        print(f"{args.events:,d} events generated from the capture's shapes "
              f"({size / 2**20:,.0f} MiB, {time.perf_counter() - started:.1f} s); "
              f"{len(assets):,d} watched assets (seed {SEED})")  # fmt: skip
        before = _peak_mib()

        start, cpu = time.perf_counter(), time.process_time()
        index = WatchIndex(assets)
        build = time.perf_counter() - start
        observations, pairs, records = pipeline(path, index)
        cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()
        pipeline(path, index)
        warm, warm_cpu = time.perf_counter() - start, time.process_time() - cpu
        after = _peak_mib()
        print(f"watch index build: {build:.2f} s")
        print(f"cold (build + read + match): {cold:.1f} s wall, {cold_cpu:.1f} s CPU; "
              f"{records / cold:,.0f} events/s wall, {records / cold_cpu:,.0f} per CPU second; "
              f"{observations:,d} observations, {pairs:,d} matched pairs")  # fmt: skip
        warm_rate = records / warm_cpu
        print(f"warm (read + match): {warm:.1f} s wall, {warm_cpu:.1f} s CPU; "
              f"{records / warm:,.0f} events/s wall, {warm_rate:,.0f} per CPU second")  # fmt: skip
        print(f"peak resident memory: {before:,.0f} MiB before the run, {after:,.0f} MiB after")

        sample = baseline_sample(path, index)
        start = time.process_time()
        loop_found = per_event_loop(sample, assets)
        loop = time.process_time() - start
        assert loop_found == index_pairs(sample, index), "the index and the loop disagree"
        loop_rate = len(sample) / loop
        print(f"per-event loop on {len(sample):,d} events: {loop:.1f} s CPU, "
              f"{loop_rate:,.1f} events per CPU second; the same {len(loop_found):,d} pairs "
              "as the index")  # fmt: skip
        print(f"ratio watch index / per-event loop (warm, CPU): {warm_rate / loop_rate:,.0f}x")


def baseline_sample(path: Path, index: WatchIndex) -> list[str]:
    """The first events, and the first that meet an insured asset (so the two ways of matching
    are compared on hits as well as misses)."""
    first: list[str] = []
    hits: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            text = line.rstrip("\n")
            if number < BASELINE_EVENTS - BASELINE_HITS:
                first.append(text)
            elif index_pairs([text], index):
                hits.append(text)
            if len(hits) == BASELINE_HITS:
                break
    return first + hits


if __name__ == "__main__":
    main(sys.argv[1:])
