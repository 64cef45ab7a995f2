"""CISA's Known Exploited Vulnerabilities catalogue (已知被利用漏洞目录), JSON and CSV.

CISA publishes one catalogue in two files: ``known_exploited_vulnerabilities.json`` (with
``catalogVersion`` and ``count``) and ``known_exploited_vulnerabilities.csv``. Both loaders return
:class:`KevEntry` records; :func:`check_kev_agreement` proves the two files say the same thing,
record by record. The CSV is read row by row (``file:line`` locations); the JSON is parsed whole.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from liubu.errors import ValidationError
from liubu.intel._data import intel_table
from liubu.intel._json import JsonAt, located, open_text, read_json
from liubu.intel.nvd import check_cve_id
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, SourceKind


@dataclass(frozen=True, slots=True)
class KevEntry:
    """One catalogue entry; field names follow the catalogue's, in snake case."""

    cve_id: str
    vendor_project: str
    product: str
    vulnerability_name: str
    date_added: dt.date
    short_description: str
    required_action: str
    due_date: dt.date
    known_ransomware_campaign_use: str
    notes: str
    cwes: tuple[str, ...]

    def __post_init__(self) -> None:
        check_cve_id(self.cve_id)
        allowed: list[str] = intel_table("kev")["ransomware_values"]
        if self.known_ransomware_campaign_use not in allowed:
            raise ValidationError(
                f"knownRansomwareCampaignUse is {self.known_ransomware_campaign_use!r} for "
                f"{self.cve_id}; the catalogue uses only {' or '.join(allowed)}.",
                code=IntelCode.KEV_RANSOMWARE,
                field="knownRansomwareCampaignUse",
                value=self.known_ransomware_campaign_use,
            )

    @property
    def ransomware(self) -> bool:
        """Whether CISA knows of the CVE being used in a ransomware campaign."""
        return self.known_ransomware_campaign_use == "Known"


def _columns() -> list[str]:
    columns: list[str] = intel_table("kev")["csv_columns"]
    return columns


def _entry(values: Mapping[str, str], cwes: tuple[str, ...]) -> KevEntry:
    """Build an entry from the catalogue's camelCase fields (dates still as text)."""
    return KevEntry(
        cve_id=values["cveID"],
        vendor_project=values["vendorProject"],
        product=values["product"],
        vulnerability_name=values["vulnerabilityName"],
        date_added=_date(values["dateAdded"], "dateAdded"),
        short_description=values["shortDescription"],
        required_action=values["requiredAction"],
        due_date=_date(values["dueDate"], "dueDate"),
        known_ransomware_campaign_use=values["knownRansomwareCampaignUse"],
        notes=values["notes"],
        cwes=cwes,
    )


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"The {field} value {text!r} is not an ISO 8601 date (YYYY-MM-DD).",
            code=IntelCode.BAD_DATE,
            field=field,
            value=text,
        ) from None


def load_kev_json(path: str | Path) -> Loaded[KevEntry]:
    """Load ``known_exploited_vulnerabilities.json``; its ``count`` must match its entries."""
    return kev_from_document(read_json(Path(path)))


def kev_from_document(root: JsonAt) -> Loaded[KevEntry]:
    """Parse an already-read KEV JSON document."""
    entries: list[KevEntry] = []
    for item in root.field("vulnerabilities").items():
        text_fields = [column for column in _columns() if column != "cwes"]
        with located(item.location):
            values = {column: item.field(column).text() for column in text_fields}
            cwes = tuple(cwe.text() for cwe in item.optional_items("cwes"))
            entries.append(_entry(values, cwes))
    count = root.field("count")
    if count.integer() != len(entries):
        raise count.error(
            f"The catalogue says count {count.value} but lists {len(entries)} vulnerabilities.",
            code=IntelCode.KEV_COUNT,
        )
    report = LoadReport(
        kind=SourceKind.KEV_JSON,
        source=root.source,
        records=len(entries),
        catalog_version=root.field("catalogVersion").text(),
    )
    return Loaded(tuple(entries), report)


def load_kev_csv(path: str | Path) -> Loaded[KevEntry]:
    """Load ``known_exploited_vulnerabilities.csv`` row by row (quoted newlines allowed)."""
    path = Path(path)
    with open_text(path) as handle:
        entries = tuple(_csv_entries(handle, path))
    report = LoadReport(kind=SourceKind.KEV_CSV, source=str(path), records=len(entries))
    return Loaded(entries, report)


def _csv_entries(handle: Iterator[str], path: Path) -> Iterator[KevEntry]:
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise _csv_error(path, 1, "The KEV CSV file is empty.") from None
    if header != _columns():
        raise _csv_error(path, 1, f"The KEV CSV header {header} must be {_columns()}.")
    start = reader.line_num + 1
    try:
        for row in reader:
            if len(row) != len(header):
                raise _csv_error(
                    path, start, f"The row has {len(row)} fields instead of {len(header)}."
                )
            values = dict(zip(header, row, strict=True))
            with located(f"{path}:{start}"):
                entry = _entry(values, _split_cwes(values["cwes"]))
            yield entry
            start = reader.line_num + 1
    except csv.Error as error:
        raise _csv_error(path, reader.line_num, f"The CSV is malformed: {error}.") from None


def _split_cwes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _csv_error(path: Path, line: int, message: str) -> ValidationError:
    return ValidationError(
        f"{message.rstrip('.')} (at {path}:{line}).",
        code=IntelCode.KEV_CSV,
        field="file",
        value=str(path),
        location=f"{path}:{line}",
    )


def check_kev_agreement(
    first: Sequence[KevEntry], second: Sequence[KevEntry], *, sources: tuple[str, str]
) -> None:
    """Raise unless both catalogues list the same CVEs with identical fields."""
    by_id = {entry.cve_id: entry for entry in second}
    missing = sorted({entry.cve_id for entry in first} ^ set(by_id))
    if missing or len(first) != len(second):
        raise ValidationError(
            f"The KEV files {sources[0]} and {sources[1]} list different CVEs "
            f"({len(first)} against {len(second)}; first difference {missing[:1]}).",
            code=IntelCode.KEV_DISAGREE,
            field="cveID",
            value=missing[0] if missing else None,
        )
    for entry in first:
        other = by_id[entry.cve_id]
        for field in fields(KevEntry):
            if getattr(entry, field.name) != getattr(other, field.name):
                raise ValidationError(
                    f"The KEV files {sources[0]} and {sources[1]} disagree on {field.name} of "
                    f"{entry.cve_id}: {getattr(entry, field.name)!r} against "
                    f"{getattr(other, field.name)!r}.",
                    code=IntelCode.KEV_DISAGREE,
                    field=field.name,
                    value=entry.cve_id,
                )
