"""The import loop (docs/mass-issuance.md): inspect, then read chunk by chunk, writing each
chunk's error lines and committing its rows together with its checkpoint, so that a crash at any
point resumes exactly where the database says it stopped."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from liubu.core import PersonalDataCipher
from liubu.massissue.contract import FileFacts, inspect_file
from liubu.massissue.plan import ImportPlan
from liubu.massissue.reader import ImportCheckpoint, read_chunks, resume_from
from liubu.massissue.reasons import error_file_header
from liubu.massissue.rows import IssueRow


class IssueStore(Protocol):
    """Where issued persons go. ``write_chunk`` is one transaction: rows (ignoring policy keys
    already stored) and the checkpoint commit together or not at all."""

    def checkpoint_for(self, file_sha256: str, plan_key: str) -> ImportCheckpoint | None: ...
    def write_chunk(self, rows: Sequence[IssueRow], checkpoint: ImportCheckpoint) -> int:
        """Store the chunk; return how many policies were new."""
        ...


@dataclass(frozen=True)
class ImportSummary:
    issued: int  # policies new in this run
    accepted: int  # valid lines in the whole file (issued now or before)
    rejected: int
    blank: int
    rejected_by_code: dict[str, int]
    resumed: bool
    already_done: bool
    error_file: str


Progress = Callable[[int, int], None]


def run_import(
    store: IssueStore,
    path: str | Path,
    *,
    plan: ImportPlan,
    cipher: PersonalDataCipher,
    error_path: str | Path,
    progress: Progress | None = None,
    facts: FileFacts | None = None,
) -> ImportSummary:
    """``facts``: the file's inspection if the caller already made it (else made here)."""
    path = Path(path)
    if facts is None:
        facts = inspect_file(path)  # a bad encoding or header is refused before anything issues
    saved = store.checkpoint_for(facts.sha256, plan.plan_key)
    if saved is not None and saved.finished:
        return _summary(saved, 0, resumed=False, done=True, error_path=error_path)
    errors = Path(error_path)
    if saved is None:
        errors.write_bytes(error_file_header().encode("utf-8"))
        chunks = read_chunks(path, facts=facts, plan=plan, cipher=cipher)
    else:
        with errors.open("r+b") as handle:  # drop lines of a chunk that never committed
            handle.truncate(saved.error_bytes)
        chunks = resume_from(saved, path, facts=facts, plan=plan, cipher=cipher)
    issued = 0
    last: ImportCheckpoint | None = saved
    with errors.open("ab") as error_file:
        for chunk in chunks:
            error_file.write(chunk.error_text.encode("utf-8"))
            error_file.flush()
            os.fsync(error_file.fileno())
            issued += store.write_chunk(chunk.rows, chunk.checkpoint)
            last = chunk.checkpoint
            if progress is not None:
                progress(chunk.last_line - 1, facts.data_lines)
    assert last is not None
    return _summary(last, issued, resumed=saved is not None, done=False, error_path=error_path)


def _summary(
    checkpoint: ImportCheckpoint, issued: int, *, resumed: bool, done: bool, error_path: str | Path
) -> ImportSummary:
    return ImportSummary(
        issued=issued,
        accepted=checkpoint.accepted,
        rejected=checkpoint.rejected,
        blank=checkpoint.blank,
        rejected_by_code=dict(checkpoint.rejected_by_code),
        resumed=resumed,
        already_done=done,
        error_file=str(error_path),
    )
