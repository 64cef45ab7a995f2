"""Streaming in chunks: rows that decrypt to their lines, counts that add up, an error file whose
size the checkpoints predict, idempotent policy keys, exact resumption after a crash at any
chunk, and flat memory over 200,000 persons."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from liubu.core import PersonalDataCipher
from liubu.errors import IntegrityError, ValidationError
from liubu.massissue import (
    Chunk,
    FileFacts,
    ImportCheckpoint,
    ImportPlan,
    error_file_header,
    inspect_file,
    read_chunks,
    resume_from,
    synthetic_lines,
    write_synthetic_csv,
)
from liubu.products import ProductSpec
from tests.unit.massissue.conftest import INCEPTION, filed_base_premiums


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FileFacts]:
    """300 persons, a quarter of them broken in every way, with an external reference."""
    path = tmp_path_factory.mktemp("mass") / "people.csv"
    write_synthetic_csv(
        path, 300, seed=11, bad_fraction=0.25, inception=INCEPTION, external_ref=True
    )
    return path, inspect_file(path)


def truth() -> list[str | None]:
    return [
        line.bad_kind
        for line in synthetic_lines(
            300, seed=11, bad_fraction=0.25, inception=INCEPTION, external_ref=True
        )
    ]


class FakeStore:
    """What the loader does per chunk: insert rows ON CONFLICT (policy_key) DO NOTHING, keep the
    checkpoint, append the errors to the error file."""

    def __init__(self) -> None:
        self.policies: dict[str, tuple[int, bytes]] = {}
        self.inserted = 0
        self.checkpoint: ImportCheckpoint | None = None
        self.error_file = error_file_header().encode()

    def commit(self, chunk: Chunk) -> None:
        self.error_file += chunk.error_text.encode()
        for row in chunk.rows:
            if row.policy_key not in self.policies:
                self.policies[row.policy_key] = (row.line, row.resident_id_encrypted)
                self.inserted += 1
        self.checkpoint = chunk.checkpoint

    def resume(self) -> None:
        assert self.checkpoint is not None
        self.error_file = self.error_file[: self.checkpoint.error_bytes]


def small_plan(anti_fraud: ProductSpec, chunk_size: int) -> ImportPlan:
    return ImportPlan(anti_fraud, INCEPTION, chunk_size=chunk_size)


def test_every_line_is_either_issued_or_rejected_as_the_generator_broke_it(
    people: tuple[Path, FileFacts], plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    path, facts = people
    chunks = list(read_chunks(path, facts=facts, plan=plan, cipher=cipher))
    outcome: dict[int, str | None] = {}
    for chunk in chunks:
        outcome.update({row.line: None for row in chunk.rows})
        outcome.update({error.line: error.code for error in chunk.errors})
    assert [outcome[line] for line in range(2, 302)] == truth()
    final = chunks[-1].checkpoint
    kinds = Counter(kind for kind in truth() if kind is not None)
    assert dict(final.rejected_by_code) == dict(kinds)
    assert final.accepted + final.rejected == facts.data_lines == 300
    assert final.finished
    assert final.line == 301
    assert final.byte_offset == facts.size


def test_rows_decrypt_to_their_line_and_carry_hash_masks_premium_sex_age_and_province(
    people: tuple[Path, FileFacts], plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    path, facts = people
    lines = path.read_text(encoding="utf-8").splitlines()
    premiums = filed_base_premiums()
    rows = [row for chunk in read_chunks(path, facts=facts, plan=plan, cipher=cipher)
            for row in chunk.rows]  # fmt: skip
    assert len(rows) > 200
    for row in rows:
        name, number, mobile, limit, reference = lines[row.line - 1].split(",")
        assert cipher.decrypt(row.name_encrypted, field="name") == name
        assert cipher.decrypt(row.resident_id_encrypted, field="resident_id") == number
        assert cipher.decrypt(row.mobile_encrypted, field="mobile") == mobile
        assert row.resident_id_hash == cipher.lookup_hash(number, field="resident_id")
        assert row.mobile_hash == cipher.lookup_hash(mobile, field="mobile")
        assert row.resident_id_masked == number[:3] + "*" * 11 + number[14:]
        assert row.mobile_masked == mobile[:3] + "****" + mobile[7:]
        assert row.name_masked[0] == name[0]
        assert set(row.name_masked[1:-1]) <= {"*"}
        assert row.limit == Decimal(limit)
        assert row.premium == premiums[Decimal(limit)]
        assert row.sex == ("male" if int(number[16]) % 2 else "female")
        born = (int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert row.age == 2025 - born[0] - (born[1:] > (1, 1))
        assert 18 <= row.age <= 70
        assert row.province == number[:2]
        assert row.external_ref == reference
        assert row.policy_key == plan.policy_key(limit=row.limit, person_hash=row.resident_id_hash)


def test_chunks_hold_chunk_size_lines_and_checkpoints_add_up_to_the_error_file(
    people: tuple[Path, FileFacts], anti_fraud: ProductSpec, cipher: PersonalDataCipher
) -> None:
    path, facts = people
    store = FakeStore()
    chunks = list(read_chunks(path, facts=facts, plan=small_plan(anti_fraud, 7), cipher=cipher))
    assert len(chunks) == 43  # ceil(300 / 7)
    for index, chunk in enumerate(chunks):
        assert chunk.index == index
        assert chunk.first_line == 2 + 7 * index
        assert chunk.last_line == min(1 + 7 * (index + 1), 301)
        assert (
            len(chunk.rows) + len(chunk.errors) + chunk.blank
            == chunk.last_line - chunk.first_line + 1
        )
        assert chunk.checkpoint.finished == (index == 42)
        store.commit(chunk)
        assert len(store.error_file) == chunk.checkpoint.error_bytes


def test_a_header_only_file_yields_one_finished_empty_chunk(
    tmp_path: Path, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    path = tmp_path / "empty.csv"
    write_synthetic_csv(path, 0, seed=1)
    (chunk,) = read_chunks(path, facts=inspect_file(path), plan=plan, cipher=cipher)
    assert chunk.rows == ()
    assert chunk.errors == ()
    assert chunk.checkpoint.finished


def test_importing_the_same_file_twice_issues_nothing_twice(
    people: tuple[Path, FileFacts], plan: ImportPlan
) -> None:
    path, facts = people
    store = FakeStore()
    first = PersonalDataCipher(bytes(range(100, 132)))
    for chunk in read_chunks(path, facts=facts, plan=plan, cipher=first):
        store.commit(chunk)
    issued = dict(store.policies)
    again = PersonalDataCipher(bytes(range(100, 132)))  # a new process, the same data key
    rerun = list(read_chunks(path, facts=facts, plan=plan, cipher=again))
    for chunk in rerun:
        store.commit(chunk)
    assert store.policies == issued  # no new policy, the first ciphertexts kept
    assert store.inserted == len(issued)
    keys = [row.policy_key for chunk in rerun for row in chunk.rows]
    assert sorted(keys) == sorted(issued)
    tokens = {row.resident_id_encrypted for chunk in rerun for row in chunk.rows}
    assert tokens.isdisjoint(token for _, token in issued.values())  # fresh nonces


def uninterrupted(
    path: Path, facts: FileFacts, plan: ImportPlan, cipher: PersonalDataCipher
) -> FakeStore:
    store = FakeStore()
    for chunk in read_chunks(path, facts=facts, plan=plan, cipher=cipher):
        store.commit(chunk)
    return store


def crash_after(chunks: Iterator[Chunk], store: FakeStore, count: int) -> None:
    for _ in range(count):
        store.commit(next(chunks))
    # kill -9: the next chunk was read (and its errors perhaps written) but never committed
    pending = next(chunks, None)
    if pending is not None:
        store.error_file += pending.error_text.encode()


@pytest.mark.parametrize("crash_at", [0, 1, 5, 17, 42])
def test_a_crash_after_any_chunk_resumes_to_the_same_result_without_duplicates(
    people: tuple[Path, FileFacts],
    anti_fraud: ProductSpec,
    cipher: PersonalDataCipher,
    crash_at: int,
) -> None:
    path, facts = people
    plan = small_plan(anti_fraud, 7)
    whole = uninterrupted(path, facts, plan, cipher)
    store = FakeStore()
    store.checkpoint = ImportCheckpoint.start(facts, plan)
    crash_after(read_chunks(path, facts=facts, plan=plan, cipher=cipher), store, crash_at)
    saved = ImportCheckpoint.from_dict(json.loads(json.dumps(store.checkpoint.to_dict())))
    assert saved == store.checkpoint
    store.resume()
    for chunk in resume_from(saved, path, facts=facts, plan=plan, cipher=cipher):
        store.commit(chunk)
    assert sorted(store.policies) == sorted(whole.policies)
    assert {k: v[0] for k, v in store.policies.items()} == {
        k: v[0] for k, v in whole.policies.items()
    }
    assert store.error_file == whole.error_file
    assert store.checkpoint == whole.checkpoint
    assert store.inserted == len(whole.policies)


def test_resuming_a_finished_import_yields_nothing(
    people: tuple[Path, FileFacts], plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    path, facts = people
    final = list(read_chunks(path, facts=facts, plan=plan, cipher=cipher))[-1].checkpoint
    assert list(resume_from(final, path, facts=facts, plan=plan, cipher=cipher)) == []


def test_a_file_cut_short_after_inspection_is_caught(
    tmp_path: Path, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    path = tmp_path / "people.csv"
    write_synthetic_csv(path, 30, seed=5, inception=INCEPTION)
    facts = inspect_file(path)
    path.write_bytes(path.read_bytes()[: facts.size // 2])
    with pytest.raises(IntegrityError, match="changed after it was inspected"):
        list(read_chunks(path, facts=facts, plan=plan, cipher=cipher))


def test_a_lagging_checkpoint_only_reinserts_rows_the_policy_key_turns_away(
    people: tuple[Path, FileFacts], anti_fraud: ProductSpec, cipher: PersonalDataCipher
) -> None:
    path, facts = people
    plan = small_plan(anti_fraud, 7)
    whole = uninterrupted(path, facts, plan, cipher)
    store = FakeStore()
    chunks = read_chunks(path, facts=facts, plan=plan, cipher=cipher)
    store.commit(next(chunks))
    lagging = store.checkpoint
    for _ in range(10):
        store.commit(next(chunks))  # rows committed, but suppose these checkpoints were lost
    assert lagging is not None
    store.checkpoint = lagging
    store.resume()
    for chunk in resume_from(lagging, path, facts=facts, plan=plan, cipher=cipher):
        store.commit(chunk)
    assert sorted(store.policies) == sorted(whole.policies)
    assert store.inserted == len(whole.policies)
    assert store.error_file == whole.error_file


def test_a_checkpoint_of_another_file_or_plan_is_refused(
    people: tuple[Path, FileFacts],
    anti_fraud: ProductSpec,
    plan: ImportPlan,
    cipher: PersonalDataCipher,
    tmp_path: Path,
) -> None:
    path, facts = people
    other = tmp_path / "other.csv"
    write_synthetic_csv(other, 10, seed=99)
    foreign = ImportCheckpoint.start(inspect_file(other), plan)
    with pytest.raises(ValidationError, match="another file") as caught:
        resume_from(foreign, path, facts=facts, plan=plan, cipher=cipher)
    assert caught.value.code == "massissue.checkpoint_mismatch"
    mine = ImportCheckpoint.start(facts, plan)
    with pytest.raises(ValidationError, match="another plan"):
        resume_from(mine, path, facts=facts, plan=small_plan(anti_fraud, 7), cipher=cipher)


def test_a_checkpoint_that_the_replay_contradicts_is_refused(
    people: tuple[Path, FileFacts], anti_fraud: ProductSpec, cipher: PersonalDataCipher
) -> None:
    path, facts = people
    plan = small_plan(anti_fraud, 7)
    third = list(read_chunks(path, facts=facts, plan=plan, cipher=cipher))[2].checkpoint
    forged = ImportCheckpoint.from_dict({**third.to_dict(), "accepted": third.accepted + 1})
    with pytest.raises(IntegrityError, match="Replaying"):
        list(resume_from(forged, path, facts=facts, plan=plan, cipher=cipher))
    mid_line = ImportCheckpoint.from_dict({**third.to_dict(), "byte_offset": third.byte_offset - 5})
    with pytest.raises(IntegrityError):
        list(resume_from(mid_line, path, facts=facts, plan=plan, cipher=cipher))


def test_a_file_changed_after_inspection_is_caught_before_the_last_chunk(
    tmp_path: Path, anti_fraud: ProductSpec, cipher: PersonalDataCipher
) -> None:
    path = tmp_path / "people.csv"
    write_synthetic_csv(path, 30, seed=5, inception=INCEPTION)
    facts = inspect_file(path)
    data = bytearray(path.read_bytes())
    position = data.index(b",1", facts.header_end) + 3  # a digit of the first mobile number
    data[position] = ord("0") if data[position] != ord("0") else ord("1")
    path.write_bytes(bytes(data))
    chunks = read_chunks(path, facts=facts, plan=small_plan(anti_fraud, 10), cipher=cipher)
    assert [next(chunks).checkpoint.finished for _ in range(2)] == [False, False]
    with pytest.raises(IntegrityError, match="changed after it was inspected"):
        next(chunks)


@pytest.mark.slow
def test_streaming_200000_persons_keeps_memory_flat(
    tmp_path: Path, plan: ImportPlan, cipher: PersonalDataCipher
) -> None:
    path = tmp_path / "big.csv"
    write_synthetic_csv(path, 200_000, seed=2, bad_fraction=0.01, inception=INCEPTION)
    facts = inspect_file(path)
    assert facts.size > 9_000_000
    tracemalloc.start()
    try:
        accepted = 0
        for chunk in read_chunks(path, facts=facts, plan=plan, cipher=cipher):
            accepted += len(chunk.rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert accepted > 195_000
    # One chunk of 10,000 sealed rows (~10 MB) plus the duplicate memory (~110 bytes a person,
    # ~22 MB): far below the file's own size times the per-row objects of reading it whole.
    assert peak < 50 * 2**20, peak
