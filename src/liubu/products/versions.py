"""Rules across versions of a product, for a registry that stores them.

- :func:`check_versions`: no two versions of one product in effect on the same day, and no version
  number used twice. ``effective_to`` is the last day a version is in effect (inclusive); None
  means open-ended. Versions without ``effective_from`` (drafts) are not in effect and not checked.
- :func:`check_revision`: a filed version is immutable; storing different content under the same
  ``insurer/code@version`` is refused. Its lifecycle fields (``status``, ``effective_to``) may
  change — that is how a version is withdrawn or closed to new business.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations

from liubu.products.issues import Breach, ProductIssue, make_issue
from liubu.products.spec import ProductSpec
from liubu.products.writer import fingerprint

FROZEN_STATUSES = ("filed", "withdrawn")


@dataclass(frozen=True, slots=True)
class VersionWindow:
    """When one version of a product is in effect: ``product`` is ``insurer/code``."""

    product: str
    version: int
    effective_from: date | None
    effective_to: date | None = None

    @classmethod
    def of(cls, spec: ProductSpec) -> VersionWindow:
        return cls(spec.series, spec.version, spec.effective_from, spec.effective_to)

    def overlaps(self, other: VersionWindow) -> bool:
        if self.effective_from is None or other.effective_from is None:
            return False
        self_end = self.effective_to or date.max
        other_end = other.effective_to or date.max
        return self.effective_from <= other_end and other.effective_from <= self_end


WindowLike = VersionWindow | ProductSpec | tuple[str, int, date | None, date | None]


def _window(item: WindowLike) -> VersionWindow:
    if isinstance(item, VersionWindow):
        window = item
    elif isinstance(item, ProductSpec):
        window = VersionWindow.of(item)
    else:
        product, version, start, end = item
        window = VersionWindow(product, version, start, end)
    series = window.product.split("@", 1)[0]  # accept insurer/code@version as well
    return dataclasses.replace(window, product=series)


def _issue(window: VersionWindow, path: str, code: str, params: dict[str, object]) -> ProductIssue:
    params = {"product": window.product, "version": window.version, **params}
    return make_issue(
        Breach(path, code, params), file=f"{window.product}@{window.version}", line=None
    )


def _day(value: date | None) -> str:
    return "open" if value is None else value.isoformat()


def check_versions(items: Iterable[WindowLike]) -> list[ProductIssue]:
    """Issues among the versions given: duplicates and overlapping effective periods.

    Each item is a :class:`VersionWindow`, a :class:`ProductSpec`, or a tuple
    ``(product id, version, effective_from, effective_to)``.
    """
    windows = sorted((_window(item) for item in items), key=lambda w: (w.product, w.version))
    issues: list[ProductIssue] = []
    for first, second in combinations(windows, 2):
        if first.product != second.product:
            continue
        if first.version == second.version:
            issues.append(_issue(second, "version", "version.duplicate", {}))
        elif first.overlaps(second):
            issues.append(
                _issue(
                    second,
                    "effective_from",
                    "version.overlapping_effective_dates",
                    {
                        "start": _day(second.effective_from),
                        "end": _day(second.effective_to),
                        "other": first.version,
                        "other_start": _day(first.effective_from),
                        "other_end": _day(first.effective_to),
                    },
                )
            )
    return issues


def _content(spec: ProductSpec) -> str:
    return fingerprint(dataclasses.replace(spec, status="filed", effective_to=None))


def check_revision(stored: ProductSpec, incoming: ProductSpec) -> list[ProductIssue]:
    """Refuse an in-place edit of a filed (or withdrawn) version: same product id, different
    content other than its status and effective_to."""
    if stored.product_id != incoming.product_id or stored.status not in FROZEN_STATUSES:
        return []
    if _content(stored) == _content(incoming):
        return []
    window = VersionWindow.of(incoming)
    return [_issue(window, "", "version.filed_edited_in_place", {"next": stored.version + 1})]
