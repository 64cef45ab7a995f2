"""The audit chain: each event's HMAC covers its fields and the previous event's hash.

An HMAC (keyed with a secret derived from the signing secret, which lives outside the database)
rather than a bare hash: someone with write access to the database but not the key cannot forge a
consistent chain after editing, deleting or inserting rows.

Verification walks the events in sequence order and names the first event that was

- **modified**: its stored hash no longer matches its fields, while the next event still links to
  that stored hash;
- **inserted**: its hash does not verify and the next event links past it (or it lies beyond the
  recorded head of the chain);
- **deleted**: an event verifies but does not link to its predecessor (events between are gone),
  or the chain ends before the recorded head.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

GENESIS = "0" * 64


def audit_key(signing_secret: bytes) -> bytes:
    """Derive the chain's HMAC key from the signing secret (domain-separated)."""
    return hmac.new(signing_secret, b"liubu audit chain v1", hashlib.sha256).digest()


def state_digest(state: Mapping[str, object] | None) -> str:
    """SHA-256 of a record's state in canonical JSON; ``""`` for no state (create/delete)."""
    if state is None:
        return ""
    canonical = json.dumps(state, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    occurred_at: str  # ISO 8601 UTC, as stored
    tenant_id: str
    actor_id: str
    action: str
    entity_type: str
    entity_id: str
    before_digest: str
    after_digest: str
    prev_hash: str
    hash: str

    def canonical(self) -> bytes:
        fields = [
            self.seq,
            self.occurred_at,
            self.tenant_id,
            self.actor_id,
            self.action,
            self.entity_type,
            self.entity_id,
            self.before_digest,
            self.after_digest,
            self.prev_hash,
        ]
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(key: bytes, event: AuditEvent) -> str:
    return hmac.new(key, event.canonical(), hashlib.sha256).hexdigest()


class Tamper(StrEnum):
    MODIFIED = "modified"
    INSERTED = "inserted"
    DELETED = "deleted"


@dataclass(frozen=True)
class ChainProblem:
    kind: Tamper
    seq: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    events_checked: int
    problems: tuple[ChainProblem, ...]

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def first(self) -> ChainProblem | None:
        return self.problems[0] if self.problems else None


def verify_chain(
    events: Iterable[AuditEvent], *, key: bytes, head_seq: int = 0, head_hash: str = GENESIS
) -> ChainReport:
    """Check every event in ``events`` (ordered by ``seq``) against the key and the head."""
    ordered: Sequence[AuditEvent] = sorted(events, key=lambda e: e.seq)
    problems: list[ChainProblem] = []
    for index, event in enumerate(ordered):
        previous_hash = ordered[index - 1].hash if index else GENESIS
        following = ordered[index + 1] if index + 1 < len(ordered) else None
        if event_hash(key, event) != event.hash:
            problems.append(_classify_bad_event(event, following, previous_hash, head_seq))
        elif event.prev_hash != previous_hash:
            after = ordered[index - 1].seq if index else 0
            problems.append(
                ChainProblem(
                    Tamper.DELETED,
                    event.seq,
                    f"Audit events between #{after} and #{event.seq} were deleted: event "
                    f"#{event.seq} does not link to its predecessor.",
                )
            )
    last = ordered[-1] if ordered else None
    if head_seq and (last is None or last.seq < head_seq):
        shown = last.seq if last else 0
        problems.append(
            ChainProblem(
                Tamper.DELETED,
                shown + 1,
                f"Audit events after #{shown} up to #{head_seq} were deleted: the chain ends "
                f"before its recorded head.",
            )
        )
    return ChainReport(events_checked=len(ordered), problems=tuple(problems))


def _classify_bad_event(
    event: AuditEvent, following: AuditEvent | None, previous_hash: str, head_seq: int
) -> ChainProblem:
    if following is not None and following.prev_hash == event.hash:
        kind = Tamper.MODIFIED
    elif (following is not None and following.prev_hash == previous_hash) or (
        head_seq and event.seq > head_seq
    ):
        kind = Tamper.INSERTED
    else:
        kind = Tamper.MODIFIED
    what = "was modified" if kind is Tamper.MODIFIED else "was inserted outside the chain"
    return ChainProblem(
        kind,
        event.seq,
        f"Audit event #{event.seq} ({event.action} on {event.entity_type} {event.entity_id}) "
        f"{what}: its hash does not verify.",
    )
