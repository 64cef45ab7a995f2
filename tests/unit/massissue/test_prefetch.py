"""The import's read-ahead thread: same items in the same order, the producer's error raised in
the consumer, and leaving early stops the producer instead of reading the rest of the file."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from liubu.massissue.importer import prefetched


def test_items_arrive_in_order() -> None:
    with prefetched(iter(range(1_000)), depth=3) as items:
        assert list(items) == list(range(1_000))


def test_an_error_while_reading_is_raised_to_the_consumer_after_the_items_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("line 3 cannot be read")

    seen = []
    with pytest.raises(ValueError, match="line 3"), prefetched(failing()) as items:
        seen.extend(items)
    assert seen == [1, 2]


def test_leaving_early_stops_the_producer() -> None:
    produced = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    def consume_until_five() -> None:
        with prefetched(endless(), depth=2) as items:
            for item in items:
                if item == 5:
                    raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        consume_until_five()
    assert not any(t.name == "import-reader" for t in threading.enumerate())
    assert len(produced) <= 5 + 1 + 2 + 1  # what was consumed, the queue, one in hand
