"""Pulling a TAXII 2.1 collection (``taxii2-client``), page by page, from a cursor.

Pagination follows the TAXII 2.1 specification (OASIS, section 3.4 "Pagination"): a page's
envelope says ``more`` and gives ``next``, which the next request sends back with the same
filters; the pull ends when ``more`` is false. The cursor kept between pulls is the
``X-TAXII-Date-Added-Last`` response header — the ``date_added`` of the last object the server
sent — and becomes the next pull's ``added_after``. An object's STIX ``modified`` time is never
used for it: it says when the producer changed the object, not when this server added it, and an
object modified long ago may be added today.

``added_after`` is exclusive, and several objects may share one ``date_added``, so a pull that
stops after some pages resumes *at* the last page's ``date_added`` (one microsecond before it):
the objects of that instant already read are read again, and their fingerprints (indicator id
and ``modified``) make the re-read harmless; none is lost. Once a pull reaches ``more: false``
the cursor is exclusive again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from liubu.errors import ValidationError
from liubu.monitoring.observations import Observation, Rejected
from liubu.monitoring.readers._source import ReadCounts
from liubu.monitoring.readers.stix import indicator_observations, validate_object
from liubu.monitoring.reasons import MonitoringCode

if TYPE_CHECKING:
    from requests.structures import CaseInsensitiveDict
    from taxii2client.v21 import Collection

DATE_ADDED_LAST = "X-TAXII-Date-Added-Last"
DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class TaxiiCursor:
    """Where a pull of one collection got to: the ``date_added`` of the last object received
    (as the server spelled it) and whether the pull that received it reached the end."""

    date_added_last: str | None = None
    finished: bool = True

    @property
    def added_after(self) -> str | None:
        """What the next pull sends as ``added_after`` (see the module's docstring)."""
        if self.date_added_last is None or self.finished:
            return self.date_added_last
        from stix2.utils import format_datetime, parse_into_datetime

        instant = parse_into_datetime(self.date_added_last)
        return str(format_datetime(instant - timedelta(microseconds=1)))


@dataclass(frozen=True, slots=True)
class TaxiiPage:
    """One page of a pull: what it gave, and the cursor to keep once it is stored."""

    number: int
    items: tuple[Observation | Rejected, ...]
    object_ids: tuple[str, ...]
    cursor: TaxiiCursor


def pull_collection(
    url: str,
    collection_id: str,
    cursor: TaxiiCursor | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    *,
    user: str | None = None,
    password: str | None = None,
    counts: ReadCounts | None = None,
) -> Iterator[TaxiiPage]:
    """The pages of the collection ``collection_id`` under the API root ``url``, from ``cursor``.

    Each page's observations come with the cursor to store once they are stored; an object
    that does not validate comes as a :class:`Rejected` (its position in the pull) naming its
    id, and the pull goes on."""
    if not 1 <= page_size <= 10_000:
        raise ValidationError(
            f"A TAXII page holds 1 to 10,000 objects; got {page_size}.",
            code=MonitoringCode.BAD_VALUE,
            field="page_size",
            value=page_size,
        )
    tally = counts if counts is not None else ReadCounts()
    start = cursor or TaxiiCursor()
    # Imported on first use (with requests), as stix2 is: most of liubu never pulls TAXII.
    from requests.structures import CaseInsensitiveDict
    from taxii2client.common import _HTTPConnection
    from taxii2client.v21 import Collection

    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()  # header names are case-blind
    connection = _HTTPConnection(user=user, password=password, version="2.1")
    # taxii2-client returns only the envelope; the pagination header is read by a hook.
    connection.session.hooks["response"].append(
        lambda response, *args, **kwargs: _keep(headers, response.headers)
    )
    collection = Collection(f"{url.rstrip('/')}/collections/{collection_id}/", conn=connection)
    try:
        yield from _pages(collection, start, page_size, headers, tally)
    finally:
        connection.close()


def _pages(
    collection: Collection,
    start: TaxiiCursor,
    page_size: int,
    headers: Mapping[str, str],
    counts: ReadCounts,
) -> Iterator[TaxiiPage]:
    """Follow ``next`` while the envelope says ``more``, with the same filters every time."""
    filters: dict[str, Any] = {"limit": page_size}
    if start.added_after:
        filters["added_after"] = start.added_after
    last, number, position = start.date_added_last, 0, 0
    while True:
        envelope = _get(collection, filters)
        number += 1
        objects = envelope.get("objects", [])
        items: list[Observation | Rejected] = []
        for item in objects:
            position += 1
            items.extend(_object(position, item, counts))
        last = headers.get(DATE_ADDED_LAST, last) if objects else last
        more = bool(envelope.get("more")) and bool(envelope.get("next"))
        ids = tuple(str(item.get("id")) for item in objects if isinstance(item, Mapping))
        yield TaxiiPage(number, tuple(items), ids, TaxiiCursor(last, finished=not more))
        if not more:
            return
        filters = {**filters, "next": envelope["next"]}


def _get(collection: Collection, filters: Mapping[str, Any]) -> Mapping[str, Any]:
    import requests
    from taxii2client.exceptions import TAXIIServiceException

    try:
        envelope = collection.get_objects(**filters)
    except (requests.RequestException, TAXIIServiceException, ValueError) as error:
        raise ValidationError(
            f"The TAXII server did not answer the pull of {collection.url}: {error}",
            code=MonitoringCode.TAXII_FAILED,
        ) from error
    if not isinstance(envelope, Mapping):
        raise ValidationError(
            f"The TAXII server answered {collection.url} with something not an envelope.",
            code=MonitoringCode.TAXII_FAILED,
        )
    return envelope


def _keep(headers: CaseInsensitiveDict[str], received: Mapping[str, str]) -> None:
    """Keep only the last response's headers (a page without the header must not inherit one)."""
    headers.clear()
    headers.update(received)


def _object(position: int, item: object, counts: ReadCounts) -> list[Observation | Rejected]:
    counts.records += 1
    try:
        if not isinstance(item, Mapping):
            raise ValidationError("not an object", code=MonitoringCode.STIX_INVALID)
        validate_object(item, "2.1")
        found: list[Observation | Rejected] = list(
            indicator_observations(item, "2.1", source="taxii", provider=None)
        )
    except ValidationError as error:
        counts.rejected += 1
        return [Rejected(position, MonitoringCode.STIX_INVALID, error.message)]
    counts.observations += len(found)
    if not found:
        counts.skipped += 1
    return found
