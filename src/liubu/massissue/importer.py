"""The import loop (docs/mass-issuance.md): inspect, then read chunk by chunk, writing each
chunk's error lines and committing its rows together with its checkpoint, so that a crash at any
point resumes exactly where the database says it stopped."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue
from typing import Protocol, TypeVar, cast

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
T = TypeVar("T")


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
        _write_private(errors, error_file_header().encode("utf-8"))
        chunks = read_chunks(path, facts=facts, plan=plan, cipher=cipher)
    else:
        with errors.open("r+b") as handle:  # drop lines of a chunk that never committed
            handle.truncate(saved.error_bytes)
        chunks = resume_from(saved, path, facts=facts, plan=plan, cipher=cipher)
    issued = 0
    last: ImportCheckpoint | None = saved
    with errors.open("ab") as error_file, prefetched(chunks) as ready:
        for chunk in ready:
            error_file.write(chunk.error_text.encode("utf-8"))
            error_file.flush()
            os.fsync(error_file.fileno())
            issued += store.write_chunk(chunk.rows, chunk.checkpoint)
            last = chunk.checkpoint
            if progress is not None:
                progress(chunk.last_line - 1, facts.data_lines)
    assert last is not None
    return _summary(last, issued, resumed=saved is not None, done=False, error_path=error_path)


def _write_private(path: Path, content: bytes) -> None:
    """Create (or empty) ``path`` readable by its owner only (0600): an error file holds
    rejected personal values."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


_DONE = object()


@contextmanager
def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[Iterator[T]]:
    """``items`` produced by a background thread up to ``depth`` ahead of the consumer.

    The import checks and seals the next chunk (Python, holding the GIL) while the database
    stores the current one (the server's own process, and socket I/O that releases the GIL), so
    the two overlap on a second core. Order is kept; an exception in the producer is raised in
    the consumer; leaving the block early stops the producer at its next chunk.
    """
    queue: Queue[object] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the consumer, raised there
            put(error)

    def consume() -> Iterator[T]:
        while True:
            item = queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(T, item)

    producer = threading.Thread(target=produce, name="import-reader", daemon=True)
    producer.start()
    try:
        yield consume()
    finally:
        stop.set()
        producer.join()


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
