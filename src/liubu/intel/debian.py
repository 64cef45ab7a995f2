"""Debian's security tracker (Debian 安全追踪器): which Debian release fixed a CVE, in what
package version.

The tracker publishes its whole database as one JSON document
(https://security-tracker.debian.org/tracker/data/json): source package → CVE id →
``{"description", "scope", "debianbug", "releases": {codename: {"status", "fixed_version",
"repositories", "urgency", …}}}``. :func:`debian_from_document` turns it into one
:class:`DebianStatus` per package, CVE and release; :class:`DebianTracker` answers "what does
Debian say about this CVE in this package in this release?".

Statuses are the tracker's own: ``resolved`` (with the first fixed package version; ``"0"``
means the release never shipped a vulnerable version), ``open`` (affected, no fix yet) and
``undetermined``. Versions are Debian package versions (``[epoch:]upstream[-revision]``) and
are compared with dpkg's ordering by ``python-debian``, Debian's own library: never as plain
version strings, where ``1:9.2p1-2+deb12u10`` would sort below ``1:9.2p1-2+deb12u3``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from debian.debian_support import Version

from liubu.errors import ValidationError
from liubu.intel._data import intel_table
from liubu.intel._json import JsonAt, read_json
from liubu.intel.nvd import CVE_ID
from liubu.intel.reasons import IntelCode
from liubu.intel.report import Loaded, LoadReport, SourceKind

RESOLVED = "resolved"
OPEN = "open"
UNDETERMINED = "undetermined"


def debian_version(text: str) -> Version:
    """A Debian package version, ordered as dpkg orders it; raise for one dpkg would refuse."""
    try:
        return Version(text)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a Debian package version ([epoch:]upstream[-revision]).",
            code=IntelCode.DEBIAN_VERSION,
            field="version",
            value=text,
        ) from None


def compare_debian_versions(first: str, second: str) -> int:
    """-1, 0 or 1 as ``first`` sorts before, equal to or after ``second`` (dpkg's ordering)."""
    a, b = debian_version(first), debian_version(second)
    return (a > b) - (a < b)


@dataclass(frozen=True, slots=True)
class DebianStatus:
    """What the tracker says about one CVE in one source package in one Debian release."""

    package: str
    cve_id: str
    release: str  # codename: "bookworm", "bullseye", "sid", …
    status: str  # "resolved", "open" or "undetermined"
    fixed_version: str | None  # the first fixed package version when resolved ("0": never affected)
    urgency: str | None

    def fixed_in(self, installed: str) -> bool:
        """Whether the package version ``installed`` already carries Debian's fix."""
        return (
            self.status == RESOLVED
            and self.fixed_version is not None
            and debian_version(self.fixed_version) <= debian_version(installed)
        )


def looks_like_tracker(root: JsonAt) -> bool:
    """Whether a parsed JSON document has the tracker's shape: an object of packages, each an
    object of issues, the first of which holds ``releases``."""
    if not isinstance(root.value, dict) or not root.value:
        return False
    first = next(iter(root.value.values()))
    if not isinstance(first, dict) or not first:
        return False
    issue = next(iter(first.values()))
    return isinstance(issue, dict) and isinstance(issue.get("releases"), dict)


def load_debian_tracker(path: str | Path) -> Loaded[DebianStatus]:
    """Load the tracker's JSON export (``.json`` or ``.json.gz``)."""
    return debian_from_document(read_json(Path(path)))


def debian_from_document(root: JsonAt) -> Loaded[DebianStatus]:
    """Parse an already-read tracker document; a malformed entry raises, located."""
    statuses: list[DebianStatus] = []
    for package, issues in _members(root):
        for issue, issue_at in _members(issues):
            if not CVE_ID.fullmatch(issue):
                continue  # the tracker's TEMP-… placeholders: no CVE record can match them
            statuses.extend(_issue(package, issue, issue_at))
    report = LoadReport(kind=SourceKind.DEBIAN_TRACKER, source=root.source, records=len(statuses))
    return Loaded(tuple(statuses), report)


def _members(value: JsonAt) -> Iterator[tuple[str, JsonAt]]:
    """The members of a JSON object, each with its location."""
    names = value.keys()
    return ((name, value.field(name)) for name in names)


def _issue(package: str, cve_id: str, issue: JsonAt) -> Iterator[DebianStatus]:
    """The statuses of one issue. The export holds hundreds of thousands of them, so well-formed
    releases are read straight from the parsed document; the first irregular one sends the issue
    through :func:`_located`, which names the place of the fault."""
    allowed = frozenset(intel_table("debian")["statuses"])
    releases = issue.value.get("releases") if isinstance(issue.value, dict) else None
    if isinstance(releases, dict):
        read = [(release, _quick(entry, allowed)) for release, entry in releases.items()]
        good = [(release, values) for release, values in read if values is not None]
        if len(good) == len(read):
            for release, values in good:
                yield DebianStatus(package, cve_id, release, *values)
            return
    yield from _located(package, cve_id, issue, allowed)


def _quick(entry: object, allowed: frozenset[str]) -> tuple[str, str | None, str | None] | None:
    """``(status, fixed_version, urgency)`` of a well-formed release entry, else ``None``."""
    if not isinstance(entry, dict):
        return None
    status, urgency = entry.get("status"), entry.get("urgency")
    if not isinstance(status, str) or status not in allowed:
        return None
    if urgency is not None and not isinstance(urgency, str):
        return None
    if status != RESOLVED:
        return status, None, urgency
    fixed = entry.get("fixed_version")
    if not isinstance(fixed, str):
        return None
    try:
        Version(fixed)
    except ValueError:
        return None
    return status, fixed, urgency


def _located(
    package: str, cve_id: str, issue: JsonAt, allowed: frozenset[str]
) -> Iterator[DebianStatus]:
    for release, release_at in _members(issue.field("releases")):
        status_at = release_at.field("status")
        status = status_at.text()
        if status not in allowed:
            raise status_at.error(
                f"The status {status!r} is not one the tracker uses "
                f"({', '.join(sorted(allowed))}).",
                code=IntelCode.DEBIAN_STATUS,
            )
        fixed_at = release_at.field("fixed_version") if status == RESOLVED else None
        fixed = None if fixed_at is None else fixed_at.text()
        if fixed_at is not None and fixed is not None:
            try:
                debian_version(fixed)
            except ValidationError as error:
                raise fixed_at.error(error.message, code=IntelCode.DEBIAN_VERSION) from None
        yield DebianStatus(
            package=package,
            cve_id=cve_id,
            release=release,
            status=status,
            fixed_version=fixed,
            urgency=release_at.optional_text("urgency"),
        )


class DebianTracker:
    """The tracker's statuses by ``(package, CVE, release)``."""

    __slots__ = ("_by_key",)

    def __init__(self, statuses: Iterable[DebianStatus] = ()) -> None:
        self._by_key: dict[tuple[str, str, str], DebianStatus] = {
            (s.package, s.cve_id, s.release): s for s in statuses
        }

    def __len__(self) -> int:
        return len(self._by_key)

    def status(self, package: str, cve_id: str, release: str) -> DebianStatus | None:
        """What the tracker says, or ``None`` when it says nothing about that combination."""
        return self._by_key.get((package, cve_id, release))

    def as_mapping(self) -> Mapping[tuple[str, str, str], DebianStatus]:
        return MappingProxyType(self._by_key)
