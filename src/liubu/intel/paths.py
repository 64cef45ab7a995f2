"""Loading whatever feed files are given: each file's format is detected, directories recursed.

JSON files (``.json``, ``.json.gz``, at most ``limits.max_json_bytes`` of ``intel.yaml`` once
decompressed) are classified by their top level — an NVD ``NVD_CVE`` page or ``{"cve": …}`` item,
a CVE JSON 5 ``CVE_RECORD``, a KEV catalogue (``catalogVersion``), Debian's security tracker
export (packages → issues → ``releases``);
other files by their first line — EPSS in either layout, or the KEV CSV header. Anything else
(READMEs, licences, JSON schemas, NVD CPE-dictionary or history responses) is listed as skipped
with the reason, never guessed at. A recognised file that is malformed raises, located.

When several sources overlap:

* Debian tracker files: a later file's statement about the same package, CVE and release
  replaces an earlier one's (load the newest export last);
* all KEV files must be the same catalogue
  (:func:`~liubu.intel.kev.check_kev_agreement`), and the first one read is kept;
* an EPSS score from a file with a later ``score_date`` replaces one from an earlier or undated
  file; between undated files the first read (in path order) wins. Replaced rows are counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from liubu.errors import ValidationError
from liubu.intel._json import JsonAt, open_text, read_json
from liubu.intel.cve5 import Cve5Record, cve5_from_document
from liubu.intel.debian import DebianStatus, debian_from_document, looks_like_tracker
from liubu.intel.epss import EpssScore, detect_epss_layout, load_epss
from liubu.intel.kev import (
    KevEntry,
    check_kev_agreement,
    kev_from_document,
    load_kev_csv,
)
from liubu.intel.nvd import NvdCve, nvd_from_document
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, SourceKind

_KEV_CSV_START = "cveID,vendorProject,product"
RecordT = TypeVar("RecordT")
AnyLoaded = (
    Loaded[NvdCve]
    | Loaded[Cve5Record]
    | Loaded[KevEntry]
    | Loaded[EpssScore]
    | Loaded[DebianStatus]
)


@dataclass(frozen=True, slots=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class IntelBundle:
    """Everything read by :func:`load_paths`, with one report per loaded file."""

    nvd: tuple[NvdCve, ...]
    cve5: tuple[Cve5Record, ...]
    kev: tuple[KevEntry, ...]
    epss: tuple[EpssScore, ...]
    reports: tuple[LoadReport, ...]
    skipped: tuple[SkippedFile, ...]
    epss_superseded: int = 0
    debian: tuple[DebianStatus, ...] = ()

    def counts(self) -> Mapping[SourceKind, int]:
        """Records read per source kind (before KEV de-duplication and EPSS merging)."""
        totals = dict.fromkeys(SourceKind, 0)
        for report in self.reports:
            totals[report.kind] += report.records
        return MappingProxyType(totals)

    def files(self) -> Mapping[SourceKind, int]:
        """Files loaded per source kind."""
        totals = dict.fromkeys(SourceKind, 0)
        for report in self.reports:
            totals[report.kind] += 1
        return MappingProxyType(totals)


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise ValidationError(
                f"The path {path} is neither a file nor a directory.",
                code=IntelCode.NO_SUCH_PATH,
                field="paths",
                value=str(path),
            )
    return files


def classify_json(root: JsonAt) -> SourceKind | str:
    """The kind of a parsed JSON feed, or the reason it is not one liubu loads."""
    if not isinstance(root.value, dict):
        return "the JSON document is not an object"
    fmt = root.value.get("format")
    if root.has("cve") or fmt == "NVD_CVE":
        return SourceKind.NVD_CVE
    if isinstance(fmt, str) and fmt.startswith("NVD_"):
        return f"an NVD {fmt} response, which is not a CVE feed"
    if root.value.get("dataType") == "CVE_RECORD":
        return SourceKind.CVE5
    if root.has("catalogVersion") and root.has("vulnerabilities"):
        return SourceKind.KEV_JSON
    if looks_like_tracker(root):
        return SourceKind.DEBIAN_TRACKER
    return "a JSON document of no recognised feed format"


def classify_text(first_line: str) -> SourceKind | str:
    """The kind of a text feed from its first line, or the reason it is not one."""
    layout = detect_epss_layout(first_line)
    if layout is not None:
        return layout
    if first_line.lstrip("\ufeff").startswith(_KEV_CSV_START):
        return SourceKind.KEV_CSV
    return "its first line matches no EPSS or KEV layout"


def _is_json(path: Path) -> bool:
    return path.name.endswith((".json", ".json.gz"))


def _first_line(path: Path) -> str | None:
    try:
        with open_text(path) as handle:
            return handle.readline()
    except (UnicodeDecodeError, OSError):
        return None


def load_file(path: str | Path) -> AnyLoaded | SkippedFile:
    """Detect the format of one file and load it, or say why it was skipped."""
    path = Path(path)
    if _is_json(path):
        root = read_json(path)
        kind = classify_json(root)
        if kind is SourceKind.NVD_CVE:
            return nvd_from_document(root)
        if kind is SourceKind.CVE5:
            return cve5_from_document(root)
        if kind is SourceKind.KEV_JSON:
            return kev_from_document(root)
        if kind is SourceKind.DEBIAN_TRACKER:
            return debian_from_document(root)
        return SkippedFile(str(path), str(kind))
    first = _first_line(path)
    if first is None:
        return SkippedFile(str(path), "it is not UTF-8 text")
    kind = classify_text(first)
    if kind is SourceKind.KEV_CSV:
        return load_kev_csv(path)
    if kind in (SourceKind.EPSS_FIRST, SourceKind.EPSS_HEADERLESS):
        return load_epss(path)
    return SkippedFile(str(path), str(kind))


def load_paths(paths: Iterable[str | Path]) -> IntelBundle:
    """Load every feed file among ``paths`` (directories recursively, in path order)."""
    loaded: list[AnyLoaded] = []
    skipped: list[SkippedFile] = []
    for path in _expand(paths):
        result = load_file(path)
        if isinstance(result, SkippedFile):
            skipped.append(result)
        else:
            loaded.append(result)
    by_kind: dict[SourceKind, list[AnyLoaded]] = {kind: [] for kind in SourceKind}
    for result in loaded:
        by_kind[result.report.kind].append(result)
    epss, superseded = _merge_epss(
        by_kind[SourceKind.EPSS_FIRST] + by_kind[SourceKind.EPSS_HEADERLESS]
    )
    return IntelBundle(
        nvd=_records(by_kind[SourceKind.NVD_CVE], NvdCve),
        cve5=_records(by_kind[SourceKind.CVE5], Cve5Record),
        kev=_agreed_kev(by_kind[SourceKind.KEV_JSON] + by_kind[SourceKind.KEV_CSV]),
        epss=epss,
        reports=tuple(result.report for result in loaded),
        skipped=tuple(skipped),
        epss_superseded=superseded,
        debian=_records(by_kind[SourceKind.DEBIAN_TRACKER], DebianStatus),
    )


def _records(results: Sequence[AnyLoaded], kind: type[RecordT]) -> tuple[RecordT, ...]:
    return tuple(
        record for result in results for record in result.records if isinstance(record, kind)
    )


def _agreed_kev(results: list[AnyLoaded]) -> tuple[KevEntry, ...]:
    if not results:
        return ()
    first = _records(results[:1], KevEntry)
    for other in results[1:]:
        check_kev_agreement(
            first,
            _records([other], KevEntry),
            sources=(results[0].report.source, other.report.source),
        )
    return first


def _epss_priority(result: AnyLoaded) -> tuple[int, float, str]:
    """Dated files first, latest first; then undated files; path order breaks ties."""
    date = result.report.score_date
    if date is None:
        return 1, 0.0, result.report.source
    return 0, -date.timestamp(), result.report.source


def _merge_epss(results: list[AnyLoaded]) -> tuple[tuple[EpssScore, ...], int]:
    merged: dict[str, EpssScore] = {}
    total = 0
    for result in sorted(results, key=_epss_priority):
        for score in _records([result], EpssScore):
            total += 1
            merged.setdefault(score.cve_id, score)
    return tuple(merged.values()), total - len(merged)
