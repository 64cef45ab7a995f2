"""Mass issuance: parsing, checking, pricing and sealing 200,000 insured persons.

Run: ``.venv/bin/python -m benchmarks massissue``. One synthetic file of 200,000 valid persons
is written to a temporary folder and inspected once (timed on its own). (No broken lines: an
unclosed quote would make ``csv.DictReader`` swallow the lines after it, and the two runs would
no longer check the same lines.) Then, interleaved in one run on one core, it times:

- liubu: ``liubu.massissue.read_chunks`` over the file (10,000-line chunks; batch AES-GCM with one
  reused context, one ``os.urandom`` call a chunk, pre-keyed HMAC states, ``split`` on lines without
  quotes), consuming every row as a loader would;
- the straightforward peer: ``csv.DictReader``, ``parse_resident_id``/``parse_mobile``, the
  limit's premium from the rate plan, and per row a new ``AESGCM`` object and ``os.urandom`` per
  field and ``hmac.new`` per hash — the same checks, the same output columns.

Both must accept the same lines. Then the cipher alone: encrypt three fields and hash two, per
row, batched through :class:`~liubu.core.PersonalDataCipher` against the per-row peer.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from liubu.core import (
    PersonalDataCipher,
    mask_mobile,
    mask_name,
    mask_resident_id,
    parse_mobile,
    parse_resident_id,
)
from liubu.core.personal import ENCRYPTION_LABEL, LOOKUP_LABEL, derive_subkey
from liubu.errors import ValidationError
from liubu.massissue import ImportPlan, inspect_file, read_chunks, write_synthetic_csv
from liubu.products import load_reference_catalogue

PERSONS = 200_000
ROUNDS = 5
KEY = bytes(range(32))
INCEPTION = dt.date(2025, 1, 1)


def liubu_run(path: Path, plan: ImportPlan) -> int:
    facts = inspect_file(path)
    cipher = PersonalDataCipher(KEY)
    accepted = 0
    for chunk in read_chunks(path, facts=facts, plan=plan, cipher=cipher):
        accepted += len(chunk.rows)
    return accepted


def _seal(aead_key: bytes, value: str, field: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(aead_key).encrypt(nonce, value.encode(), field.encode())


def _hash(lookup_key: bytes, value: str, field: str) -> str:
    message = field.encode() + b"\x00" + value.encode()
    return hmac.new(lookup_key, message, hashlib.sha256).hexdigest()


def _check(record: dict[str, str], plan: ImportPlan, seen: set[str]) -> tuple[str, ...] | None:
    name = record["name"].strip()
    try:
        number = parse_resident_id(record["resident_id"]).number
        mobile = parse_mobile(record["mobile"]).number
        limit = Decimal(record["limit"].strip())
    except (ValidationError, ArithmeticError, AttributeError):
        return None
    if not name or any(c.isdigit() for c in name) or limit not in plan.premiums:
        return None
    born = (int(number[10:12]), int(number[12:14]))
    age = INCEPTION.year - int(number[6:10]) - ((INCEPTION.month, INCEPTION.day) < born)
    if not 18 <= age <= 70 or number[:2] == "99" or number in seen:
        return None
    seen.add(number)
    return name, number, mobile, str(limit)


def peer_run(path: Path, plan: ImportPlan) -> int:
    aead_key = derive_subkey(KEY, label=ENCRYPTION_LABEL)
    lookup_key = derive_subkey(KEY, label=LOOKUP_LABEL)
    seen: set[str] = set()
    accepted = 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for line, record in enumerate(csv.DictReader(stream), start=2):
            checked = _check(record, plan, seen) if None not in record.values() else None
            if checked is None:
                continue
            name, number, mobile, limit = checked
            id_hash = _hash(lookup_key, number, "resident_id")
            key = f"{plan.product_id}|{plan.inception}|{limit}|{id_hash}"
            row = (
                hashlib.sha256(key.encode()).hexdigest()[:32],
                line,
                plan.premiums[Decimal(limit)],
                _seal(aead_key, name, "name"),
                _seal(aead_key, number, "resident_id"),
                _seal(aead_key, mobile, "mobile"),
                id_hash,
                _hash(lookup_key, mobile, "mobile"),
                mask_name(name),
                mask_resident_id(number),
                mask_mobile(mobile),
            )
            accepted += len(row) > 0
    return accepted


def cipher_liubu(values: list[tuple[str, str, str]]) -> int:
    cipher = PersonalDataCipher(KEY)
    for start in range(0, len(values), 10_000):
        part = values[start : start + 10_000]
        for index, field in enumerate(("name", "resident_id", "mobile")):
            cipher.encrypt_many([v[index] for v in part], field=field)
        cipher.lookup_hash_many([v[1] for v in part], field="resident_id")
        cipher.lookup_hash_many([v[2] for v in part], field="mobile")
    return len(values)


def cipher_peer(values: list[tuple[str, str, str]]) -> int:
    aead_key = derive_subkey(KEY, label=ENCRYPTION_LABEL)
    lookup_key = derive_subkey(KEY, label=LOOKUP_LABEL)
    for name, number, mobile in values:
        _seal(aead_key, name, "name")
        _seal(aead_key, number, "resident_id")
        _seal(aead_key, mobile, "mobile")
        _hash(lookup_key, number, "resident_id")
        _hash(lookup_key, mobile, "mobile")
    return len(values)


def interleave(runs: dict[str, Callable[[], int]]) -> dict[str, tuple[float, int]]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    counts: dict[str, int] = {}
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.perf_counter()
            counts[name] = run()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), counts[name]) for name in runs}


def report(title: str, results: dict[str, tuple[float, int]], rows: int, peer: str) -> None:
    print(f"{title} ({rows:,} rows, median of {ROUNDS})")
    base = results[peer][0]
    for name, (seconds, count) in results.items():
        print(
            f"  {name:<34} {seconds:7.2f} s  {rows / seconds:>9,.0f} rows/s  "
            f"accepted {count:>7,}  × peer time {seconds / base:5.2f}"
        )


def main() -> None:
    spec = next(s for s in load_reference_catalogue() if s.product_id == "yangben-pc/anti-fraud@1")
    plan = ImportPlan(spec, INCEPTION)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        start = time.perf_counter()
        kinds = write_synthetic_csv(path, PERSONS, seed=7, inception=INCEPTION)
        written = time.perf_counter() - start
        start = time.perf_counter()
        facts = inspect_file(path)
        inspected = time.perf_counter() - start
        print(
            f"synthetic file: {facts.size / 2**20:.1f} MiB, {facts.data_lines:,} lines "
            f"({kinds['good']:,} good) written in {written:.2f} s; inspect_file "
            f"(SHA-256, UTF-8, header, line count) {inspected:.3f} s"
        )
        results = interleave(
            {
                "liubu read_chunks": lambda: liubu_run(path, plan),
                "peer DictReader + per-row AESGCM": lambda: peer_run(path, plan),
            }
        )
        names = list(results)
        if results[names[0]][1] != results[names[1]][1]:
            raise SystemExit(f"the two runs accept different numbers of lines: {results}")
        report("parse + check + price + seal", results, PERSONS, names[1])
        values = [("张小三", "11010519491231002X", "13812345678")] * PERSONS
        sealed = interleave(
            {
                "PersonalDataCipher (batched)": lambda: cipher_liubu(values),
                "per-row AESGCM + hmac.new": lambda: cipher_peer(values),
            }
        )
        report("encrypt 3 fields + hash 2, per row", sealed, PERSONS, "per-row AESGCM + hmac.new")


if __name__ == "__main__":
    main()
