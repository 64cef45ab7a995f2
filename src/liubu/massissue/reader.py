"""Streaming an inspected import file as chunks of sealed rows, and resuming after a crash.

The loader's loop (the database and the error file are the loader's)::

    facts = inspect_file(path)                       # refuses a bad file before anything
    start = stored checkpoint for (facts.sha256, plan.plan_key), if any
    chunks = resume_from(start, path, ...) if start else read_chunks(path, ...)
    if start: truncate the error file to start.error_bytes
    else:     write error_file_header()
    for chunk in chunks:
        append chunk.error_text to the error file; flush and fsync it
        one transaction: insert chunk.rows ON CONFLICT (policy_key) DO NOTHING,
                         store chunk.checkpoint; commit

Resumption is **both** exact and idempotent. Each checkpoint is committed with its chunk's rows,
so after ``kill -9`` the stored checkpoint names exactly the lines whose rows are in the
database; :func:`resume_from` continues at its byte offset. Before that it re-reads and re-checks
(without encrypting) the lines already done, because whether a later line is a duplicate depends
on them, and checks that this replay gives the checkpoint's counts and the file its hash. The
error file is truncated to the checkpoint's ``error_bytes`` (errors written for a chunk that never
committed go away). Should a checkpoint ever lag its rows, or a whole import be run twice, the
unique policy key makes the repeated inserts no-ops: a re-run issues nothing twice either way.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from liubu.core import PersonalDataCipher, mask_mobile, mask_name, mask_resident_id
from liubu.errors import IntegrityError, ValidationError
from liubu.massissue.contract import FileFacts
from liubu.massissue.plan import ImportPlan
from liubu.massissue.reasons import (
    MassissueCode,
    RowError,
    error_file_header,
    error_lines,
    row_error,
)
from liubu.massissue.rows import (
    MOBILE_FIELD,
    NAME_FIELD,
    RESIDENT_ID_FIELD,
    IssueRow,
    Person,
    RowChecker,
)


@dataclass(frozen=True, slots=True)
class ImportCheckpoint:
    """Where an import stands after its last committed chunk; also its running summary.

    ``byte_offset`` is where the next unread line starts and ``line`` the number of the last line
    read (1 = only the header). ``accepted + rejected + blank`` lines were read after the header.
    ``error_bytes`` is the length of the error file holding exactly the rejected lines so far.
    """

    file_sha256: str
    plan_key: str
    byte_offset: int
    line: int
    chunks: int
    accepted: int
    rejected: int
    blank: int
    error_bytes: int
    rejected_by_code: tuple[tuple[str, int], ...] = ()
    finished: bool = False

    @classmethod
    def start(cls, facts: FileFacts, plan: ImportPlan) -> ImportCheckpoint:
        """The state before the first data line."""
        header = len(error_file_header().encode("utf-8"))
        return cls(facts.sha256, plan.plan_key, facts.header_end, 1, 0, 0, 0, 0, header)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (store it in a JSON column, or one column per key)."""
        out = {item.name: getattr(self, item.name) for item in fields(self)}
        out["rejected_by_code"] = dict(self.rejected_by_code)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportCheckpoint:
        values = dict(data)
        values["rejected_by_code"] = tuple(sorted(dict(values["rejected_by_code"]).items()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Up to ``plan.chunk_size`` lines: their rows, their errors (and the error file text for
    them), and the checkpoint to commit with the rows."""

    index: int
    first_line: int
    last_line: int
    rows: tuple[IssueRow, ...]
    errors: tuple[RowError, ...]
    blank: int
    error_text: str
    checkpoint: ImportCheckpoint


def read_chunks(
    path: Path, *, facts: FileFacts, plan: ImportPlan, cipher: PersonalDataCipher
) -> Iterator[Chunk]:
    """The file's chunks from its first data line. At least one chunk is yielded; the last has
    ``checkpoint.finished`` set."""
    return _chunks(path, facts, plan, cipher, ImportCheckpoint.start(facts, plan))


def resume_from(
    checkpoint: ImportCheckpoint,
    path: Path,
    *,
    facts: FileFacts,
    plan: ImportPlan,
    cipher: PersonalDataCipher,
) -> Iterator[Chunk]:
    """The chunks after ``checkpoint``, as an uninterrupted run would have yielded them (none
    when it is finished).

    Refuses (``massissue.checkpoint_mismatch``) a checkpoint of another file or another plan.
    """
    if checkpoint.file_sha256 != facts.sha256 or checkpoint.plan_key != plan.plan_key:
        other = (
            f"file than {facts.name}"
            if checkpoint.file_sha256 != facts.sha256
            else "plan (product, inception, factors or chunk size)"
        )
        raise ValidationError(
            f"The checkpoint belongs to another {other}; start the import afresh instead of "
            f"resuming it.",
            code=MassissueCode.CHECKPOINT_MISMATCH,
            field="checkpoint",
            value=checkpoint.file_sha256[:16],
        )
    if not facts.header_end <= checkpoint.byte_offset <= facts.size:
        raise ValidationError(
            f"The checkpoint's byte offset {checkpoint.byte_offset} lies outside the data of "
            f"{facts.name} ({facts.header_end} to {facts.size}).",
            code=MassissueCode.CHECKPOINT_MISMATCH,
            field="checkpoint.byte_offset",
            value=checkpoint.byte_offset,
        )
    if checkpoint.finished:
        return iter(())
    return _chunks(path, facts, plan, cipher, checkpoint)


class _Lines:
    """The file's data lines with their numbers; hashes every byte it passes."""

    def __init__(self, stream: IO[bytes], facts: FileFacts) -> None:
        self.facts = facts
        self.digest = hashlib.sha256(stream.read(facts.header_end))
        self.readline = stream.readline
        self.offset, self.line = facts.header_end, 1

    def next_text(self) -> str | None:
        """The next line as text without its line break; None at the inspected end."""
        if self.offset >= self.facts.size:
            return None
        raw = self.readline()
        if not raw:  # shorter than inspected
            raise _changed(self.facts)
        self.offset += len(raw)
        self.line += 1
        self.digest.update(raw)
        try:
            return raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:
            raise _changed(self.facts) from None

    def verify(self) -> None:
        if self.offset != self.facts.size or self.digest.hexdigest() != self.facts.sha256:
            raise _changed(self.facts)


def _changed(facts: FileFacts) -> IntegrityError:
    return IntegrityError(
        f"The file {facts.name} changed after it was inspected (its SHA-256 or size differs); "
        f"copy it to a place nobody writes to and import that copy.",
        code=MassissueCode.FILE_CHANGED,
    )


def _outcome(checker: RowChecker, text: str, line: int) -> Person | RowError | None:
    """The person, the error, or None for a blank line (no fields or only empty ones)."""
    if not text.replace(",", "").strip():
        return None
    fields = checker.fields(text)
    if isinstance(fields, str):
        return row_error(line, "row.malformed", field=None, detail=fields)
    if '"' in text and not any(field.strip() for field in fields):
        return None  # only quoted empty fields
    return checker.check(fields, line)


def _chunks(
    path: Path,
    facts: FileFacts,
    plan: ImportPlan,
    cipher: PersonalDataCipher,
    start: ImportCheckpoint,
) -> Iterator[Chunk]:
    checker = RowChecker(plan, facts.columns)
    with path.open("rb") as stream:
        lines = _Lines(stream, facts)
        _replay(lines, checker, start)
        state = start
        while True:
            chunk = _next_chunk(lines, checker, state, plan=plan, cipher=cipher)
            if chunk.checkpoint.finished:
                lines.verify()
            yield chunk
            state = chunk.checkpoint
            if state.finished:
                return


def _replay(lines: _Lines, checker: RowChecker, start: ImportCheckpoint) -> None:
    """Re-check the lines before ``start`` (nothing sealed) to restore the duplicate memory,
    and require the checkpoint's position and counts back."""
    accepted = blank = 0
    codes: Counter[str] = Counter()
    while lines.offset < start.byte_offset:
        text = lines.next_text()
        assert text is not None  # offset < byte_offset ≤ size
        outcome = _outcome(checker, text, lines.line)
        if outcome is None:
            blank += 1
        elif isinstance(outcome, RowError):
            codes[outcome.code] += 1
        else:
            accepted += 1
    replayed = (lines.offset, lines.line, accepted, blank, tuple(sorted(codes.items())))
    recorded = (start.byte_offset, start.line, start.accepted, start.blank, start.rejected_by_code)
    if replayed != recorded or sum(codes.values()) != start.rejected:
        raise IntegrityError(
            f"Replaying {lines.facts.name} up to the checkpoint gives (byte, line, accepted, "
            f"blank, rejected by code) = {replayed}, but the checkpoint recorded {recorded}; "
            f"start the import afresh (the policy keys keep it idempotent).",
            code=MassissueCode.CHECKPOINT_MISMATCH,
        )


def _next_chunk(
    lines: _Lines,
    checker: RowChecker,
    state: ImportCheckpoint,
    *,
    plan: ImportPlan,
    cipher: PersonalDataCipher,
) -> Chunk:
    persons: list[Person] = []
    errors: list[RowError] = []
    blank = 0
    for _ in range(plan.chunk_size):
        text = lines.next_text()
        if text is None:
            break
        outcome = _outcome(checker, text, lines.line)
        if outcome is None:
            blank += 1
        elif isinstance(outcome, RowError):
            errors.append(outcome)
        else:
            persons.append(outcome)
    error_text = error_lines(errors)
    checkpoint = _advance(
        state, lines, persons=len(persons), errors=errors, blank=blank, error_text=error_text
    )
    return Chunk(
        index=state.chunks,
        first_line=state.line + 1,
        last_line=lines.line,
        rows=seal(persons, plan=plan, cipher=cipher),
        errors=tuple(errors),
        blank=blank,
        error_text=error_text,
        checkpoint=checkpoint,
    )


def _advance(
    state: ImportCheckpoint,
    lines: _Lines,
    *,
    persons: int,
    errors: list[RowError],
    blank: int,
    error_text: str,
) -> ImportCheckpoint:
    """The checkpoint after a chunk: the reader's position, the counts and the error file size."""
    codes = Counter(dict(state.rejected_by_code))
    codes.update(error.code for error in errors)
    return ImportCheckpoint(
        file_sha256=state.file_sha256,
        plan_key=state.plan_key,
        byte_offset=lines.offset,
        line=lines.line,
        chunks=state.chunks + 1,
        accepted=state.accepted + persons,
        rejected=state.rejected + len(errors),
        blank=state.blank + blank,
        error_bytes=state.error_bytes + len(error_text.encode("utf-8")),
        rejected_by_code=tuple(sorted(codes.items())),
        finished=lines.offset >= lines.facts.size,
    )


def seal(
    persons: list[Person], *, plan: ImportPlan, cipher: PersonalDataCipher
) -> tuple[IssueRow, ...]:
    """Encrypt, hash, mask and key checked persons (one batch per field)."""
    names = [person.name for person in persons]
    numbers = [person.resident_id for person in persons]
    mobiles = [person.mobile for person in persons]
    id_hashes = cipher.lookup_hash_many(numbers, field=RESIDENT_ID_FIELD)
    columns = zip(
        persons,
        cipher.encrypt_many(names, field=NAME_FIELD),
        cipher.encrypt_many(numbers, field=RESIDENT_ID_FIELD),
        cipher.encrypt_many(mobiles, field=MOBILE_FIELD),
        id_hashes,
        cipher.lookup_hash_many(mobiles, field=MOBILE_FIELD),
        strict=True,
    )
    key_of = plan.policy_key
    return tuple(
        IssueRow(
            key_of(limit=person.limit, person_hash=id_hash),
            person.line,
            person.limit,
            person.premium,
            name_token,
            id_token,
            mobile_token,
            id_hash,
            mobile_hash,
            mask_name(person.name),
            mask_resident_id(person.resident_id),
            mask_mobile(person.mobile),
            person.resident_id[:2],
            "male" if person.resident_id[16] in "13579" else "female",
            person.age,
            person.external_ref,
        )
        for person, name_token, id_token, mobile_token, id_hash, mobile_hash in columns
    )
