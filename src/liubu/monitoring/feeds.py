"""Feeds pulled on a schedule (情报源): a stored configuration per feed and a stored cursor, and
:func:`pull_feed`, the work of a ``monitoring.feed_pull`` job (and of ``liubu monitor feeds
pull``).

Two kinds of feed:

* **http** — a file at a URL (the KEV catalogue, an EPSS file, the Feodo blocklist, an NVD
  page…), read by ``read_events`` in its ``format``. The pull is a conditional GET: the stored
  ``ETag`` goes as ``If-None-Match`` and ``Last-Modified`` as ``If-Modified-Since``; a 304 reads
  nothing. The body is spooled to a temporary file (at most ``MAX_DOCUMENT_BYTES``) and recorded
  in batches; the new validators are stored in the **last** batch's transaction, so a pull that
  fails part-way keeps the old ones and the next pull fetches the file again: what was recorded
  before the failure comes back as duplicates (their fingerprints), nothing is lost or counted
  twice.
* **taxii** — a TAXII 2.1 collection (``url`` the API root, ``collection`` its id), pulled page by
  page with :func:`pull_collection`; each page is recorded and the cursor
  (``X-TAXII-Date-Added-Last``, never STIX ``modified``) stored **in the page's own
  transaction**, so a pull that fails after page 2 resumes after page 2.

Feeds belong to the platform (an administrator adds them); their observations are matched
against every insured asset.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from liubu.accounts import OrgKind, Role, new_id, require
from liubu.assessment import IndexCache
from liubu.core import shanghai_today
from liubu.errors import NotFoundError, ValidationError
from liubu.monitoring.alerts import MAX_BATCH, Matcher, record_batch
from liubu.monitoring.observations import Observation, Rejected
from liubu.monitoring.readers import (
    MAX_DOCUMENT_BYTES,
    EventFormat,
    TaxiiCursor,
    TaxiiPage,
    event_format,
    pull_collection,
    read_events,
)
from liubu.monitoring.readers.taxii import DEFAULT_PAGE_SIZE
from liubu.monitoring.reasons import MonitoringCode
from liubu.monitoring.records import MonitoringUnitOfWork
from liubu.monitoring.watched import watchlist

#: The job kind that pulls a feed; its subject is the feed's name.
FEED_PULL = "monitoring.feed_pull"
FEED_ADMINS = (Role.ADMIN,)
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")
_TIMEOUT = 60.0
_CHUNK = 1 << 16


class FeedKind(StrEnum):
    HTTP = "http"  # a file at a URL, fetched with a conditional GET
    TAXII = "taxii"  # a TAXII 2.1 collection


@dataclass(eq=False)
class Feed:
    """A feed's configuration and where its last pull got to (``cursor``: ``etag`` and
    ``last_modified`` for http; ``date_added_last`` and ``finished`` for taxii)."""

    id: str
    name: str
    kind: str
    url: str
    format: str
    interval_seconds: int
    created_at: datetime
    updated_at: datetime
    collection: str | None = None
    user: str | None = None  # a TAXII server's user; the password is never stored
    cursor: dict[str, Any] = field(default_factory=dict)
    last_pulled_at: datetime | None = None
    last_result: dict[str, Any] | None = None
    version: int = 1

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "collection": self.collection,
            "format": self.format,
            "every_hours": round(self.interval_seconds / 3600, 3),
            "cursor": dict(self.cursor),
            "last_pulled_at": self.last_pulled_at.isoformat() if self.last_pulled_at else None,
            "last_result": self.last_result,
        }


@dataclass(frozen=True, slots=True)
class FeedPullResult:
    """What one pull did: pages (taxii) or 1 (http; 0 when the server said not modified)."""

    feed: str
    pages: int = 0
    read: int = 0
    matched: int = 0
    alerted: int = 0
    repeated: int = 0
    duplicates: int = 0
    rejected: int = 0
    not_modified: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "feed": self.feed,
            "pages": self.pages,
            "read": self.read,
            "matched": self.matched,
            "alerted": self.alerted,
            "repeated": self.repeated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "not_modified": self.not_modified,
        }


def add_feed(
    uow: MonitoringUnitOfWork,
    name: str,
    *,
    url: str,
    format: str = "auto",
    every: timedelta = timedelta(days=1),
    collection: str | None = None,
    user: str | None = None,
    now: datetime | None = None,
) -> Feed:
    """Store a feed (a platform administrator's act): a TAXII collection when ``collection``
    is given, else a file at ``url`` in ``format``."""
    if not _NAME.fullmatch(name):
        raise ValidationError(
            "A feed's name is 1 to 63 lower-case letters, digits, '.', '_' or '-'.",
            code=MonitoringCode.BAD_VALUE,
            field="name",
            value=name,
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise ValidationError(
            "A feed's URL is an http or https URL of at most 2,000 characters.",
            code=MonitoringCode.BAD_VALUE,
            field="url",
            value=url[:200],
        )
    if not timedelta(minutes=5) <= every <= timedelta(days=31):
        raise ValidationError(
            "A feed is pulled every 5 minutes to 31 days.",
            code=MonitoringCode.BAD_VALUE,
            field="every",
        )
    chosen = EventFormat.STIX if collection else event_format(format)
    if collection is not None and not 1 <= len(collection) <= 100:
        raise ValidationError(
            "A TAXII collection id has 1 to 100 characters.",
            code=MonitoringCode.BAD_VALUE,
            field="collection",
        )
    at = now or datetime.now(UTC)
    with uow:
        require(uow.principal, *FEED_ADMINS, kinds=(OrgKind.PLATFORM,))
        if uow.monitoring.feed(name) is not None:
            raise ValidationError(
                f"A feed named {name!r} exists.",
                code=MonitoringCode.BAD_VALUE,
                field="name",
                value=name,
            )
        feed = Feed(
            id=new_id(),
            name=name,
            kind=FeedKind.TAXII if collection else FeedKind.HTTP,
            url=url,
            collection=collection,
            user=user[:100] if user else None,
            format=str(chosen),
            interval_seconds=int(every.total_seconds()),
            created_at=at,
            updated_at=at,
        )
        uow.monitoring.add(feed)
        uow.commit()
    return feed


def list_feeds(uow: MonitoringUnitOfWork) -> list[Feed]:
    with uow:
        require(uow.principal, *FEED_ADMINS, kinds=(OrgKind.PLATFORM,))
        return list(uow.monitoring.feeds())


def _feed(uow: MonitoringUnitOfWork, name: str) -> Feed:
    feed = uow.monitoring.feed(name)
    if feed is None:
        raise NotFoundError(f"No feed named {name!r}.")
    return feed


Fetch = Callable[[str, dict[str, str]], Any]
PageHook = Callable[[int], None]


def pull_feed(
    uow: MonitoringUnitOfWork,
    name: str,
    *,
    intel: IndexCache | None = None,
    now: datetime | None = None,
    password: str | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    after_page: PageHook | None = None,
) -> FeedPullResult:
    """Pull the feed from its cursor and record what it gives (see the module's
    documentation). ``password`` is the TAXII user's (the entry point reads it from the
    environment: it is not stored); ``after_page`` is called with each page's number once the
    page and its cursor are committed."""
    moment = now or datetime.now(UTC)
    with uow:
        require(uow.principal, *FEED_ADMINS, kinds=(OrgKind.PLATFORM,))
        feed = _feed(uow, name)
        matcher = Matcher(watchlist(uow, on=shanghai_today(moment)), intel=intel)
    if feed.kind == FeedKind.TAXII:
        pages = pull_collection(
            feed.url,
            str(feed.collection),
            TaxiiCursor(
                date_added_last=feed.cursor.get("date_added_last"),
                finished=bool(feed.cursor.get("finished", True)),
            ),
            page_size,
            user=feed.user,
            password=password,
        )
        return _pull_taxii(uow, feed, pages, matcher, moment, after_page)
    return _pull_http(uow, feed, matcher, moment)


class _Totals:
    def __init__(self) -> None:
        self.values = dict.fromkeys(("read", "matched", "alerted", "repeated", "duplicates"), 0)
        self.rejected = 0

    def add(self, result: dict[str, object]) -> None:
        for key in self.values:
            self.values[key] += int(str(result[key]))

    def result(self, feed: str, pages: int) -> FeedPullResult:
        v = self.values
        return FeedPullResult(
            feed=feed,
            pages=pages,
            read=v["read"],
            matched=v["matched"],
            alerted=v["alerted"],
            repeated=v["repeated"],
            duplicates=v["duplicates"],
            rejected=self.rejected,
        )


def _record(
    uow: MonitoringUnitOfWork,
    feed: Feed,
    items: list[Observation | Rejected],
    matcher: Matcher,
    moment: datetime,
    totals: _Totals,
    cursor: dict[str, Any] | None,
) -> None:
    """Record one batch and, in the same transaction, the feed's cursor (when given)."""
    good = [item for item in items if isinstance(item, Observation)]
    totals.rejected += len(items) - len(good)
    with uow:
        totals.add(record_batch(uow, good, matcher, moment).as_dict())
        if cursor is not None:
            stored = _feed(uow, feed.name)
            stored.cursor = cursor
            stored.last_pulled_at = moment
            stored.updated_at = moment
        uow.commit()


def _finish(
    uow: MonitoringUnitOfWork, feed: Feed, result: FeedPullResult, moment: datetime
) -> FeedPullResult:
    with uow:
        stored = _feed(uow, feed.name)
        stored.last_result = result.as_dict()
        stored.last_pulled_at = moment
        stored.updated_at = moment
        uow.commit()
    return result


def _pull_taxii(
    uow: MonitoringUnitOfWork,
    feed: Feed,
    pulled: Iterator[TaxiiPage],
    matcher: Matcher,
    moment: datetime,
    after_page: PageHook | None,
) -> FeedPullResult:
    totals, pages = _Totals(), 0
    for page in pulled:
        pages += 1
        kept = {"date_added_last": page.cursor.date_added_last, "finished": page.cursor.finished}
        _record(uow, feed, list(page.items), matcher, moment, totals, kept)
        if after_page is not None:
            after_page(page.number)
    result = totals.result(feed.name, pages)
    return _finish(uow, feed, result, moment)


def _pull_http(
    uow: MonitoringUnitOfWork, feed: Feed, matcher: Matcher, moment: datetime
) -> FeedPullResult:
    import requests

    headers = {}
    if feed.cursor.get("etag"):
        headers["If-None-Match"] = str(feed.cursor["etag"])
    if feed.cursor.get("last_modified"):
        headers["If-Modified-Since"] = str(feed.cursor["last_modified"])
    try:
        response = requests.get(feed.url, headers=headers, stream=True, timeout=_TIMEOUT)
    except requests.RequestException as error:
        raise ValidationError(
            f"The feed {feed.name} did not answer: {error}", code=MonitoringCode.FEED_INVALID
        ) from error
    with response, tempfile.TemporaryDirectory(prefix="liubu-feed-") as folder:
        if response.status_code == 304:
            return _finish(uow, feed, FeedPullResult(feed.name, not_modified=True), moment)
        if response.status_code != 200:
            raise ValidationError(
                f"The feed {feed.name} answered HTTP {response.status_code}.",
                code=MonitoringCode.FEED_INVALID,
            )
        path = Path(folder) / "feed"
        _spool(response.iter_content(_CHUNK), path)
        validators = {
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
        }
        totals = _Totals()
        batch: list[Observation | Rejected] = []
        for item in read_events(path, feed.format):
            batch.append(item)
            if len(batch) == MAX_BATCH:
                _record(uow, feed, batch, matcher, moment, totals, None)
                batch = []
        _record(uow, feed, batch, matcher, moment, totals, validators)
    result = totals.result(feed.name, 1)
    return _finish(uow, feed, result, moment)


def _spool(chunks: Iterator[bytes], path: Path) -> None:
    size = 0
    with path.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_DOCUMENT_BYTES:
                raise ValidationError(
                    f"The feed holds more than {MAX_DOCUMENT_BYTES:,} bytes.",
                    code=MonitoringCode.TOO_LARGE,
                )
            out.write(chunk)
