"""The audit chain's HMAC linking and its tamper classification, on events built by hand."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json

from liubu.audit import GENESIS, AuditEvent, Tamper, audit_key, event_hash, verify_chain

KEY = audit_key(b"test signing secret")


def _chain(n: int) -> list[AuditEvent]:
    events, previous = [], GENESIS
    for seq in range(1, n + 1):
        draft = AuditEvent(
            seq,
            f"2026-01-01T00:00:0{seq}+00:00",
            "t1",
            "u1",
            "x.created",
            "x",
            f"id{seq}",
            "",
            "a" * 64,
            previous,
            "",
        )
        previous = event_hash(KEY, draft)
        events.append(dataclasses.replace(draft, hash=previous))
    return events


def test_the_hash_is_an_hmac_over_the_canonical_fields_and_the_previous_hash() -> None:
    event = _chain(1)[0]
    canonical = json.dumps(
        [1, event.occurred_at, "t1", "u1", "x.created", "x", "id1", "", "a" * 64, GENESIS],
        separators=(",", ":"),
    ).encode()
    assert event.hash == hmac.new(KEY, canonical, hashlib.sha256).hexdigest()


def test_an_untouched_chain_is_intact() -> None:
    report = verify_chain(_chain(5), key=KEY, head_seq=5)
    assert report.intact
    assert report.events_checked == 5


def test_a_changed_field_is_reported_as_modified_at_that_event() -> None:
    events = _chain(5)
    events[2] = dataclasses.replace(events[2], actor_id="mallory")
    first = verify_chain(events, key=KEY, head_seq=5).first
    assert first is not None
    assert (first.kind, first.seq) == (Tamper.MODIFIED, 3)


def test_a_missing_event_is_reported_as_deleted_before_the_next_one() -> None:
    events = _chain(5)
    del events[1]
    first = verify_chain(events, key=KEY, head_seq=5).first
    assert first is not None
    assert (first.kind, first.seq) == (Tamper.DELETED, 3)


def test_an_extra_event_with_a_forged_hash_is_reported_as_inserted() -> None:
    events = _chain(5)
    forged = dataclasses.replace(events[4], seq=6, prev_hash=events[4].hash, hash="f" * 64)
    first = verify_chain([*events, forged], key=KEY, head_seq=5).first
    assert first is not None
    assert (first.kind, first.seq) == (Tamper.INSERTED, 6)


def test_a_chain_rebuilt_with_another_key_does_not_verify() -> None:
    assert not verify_chain(_chain(3), key=audit_key(b"another secret"), head_seq=3).intact


def test_a_truncated_tail_is_caught_by_the_head() -> None:
    first = verify_chain(_chain(5)[:3], key=KEY, head_seq=5).first
    assert first is not None
    assert (first.kind, first.seq) == (Tamper.DELETED, 4)
