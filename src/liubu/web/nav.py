"""Role-aware navigation, read from ``data/navigation.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from liubu.accounts import Principal
from liubu.datafiles import packaged_yaml
from liubu.errors import NotFoundError, PermissionDeniedError


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    roles: frozenset[str]
    kinds: frozenset[str] | None
    step: int | None = None

    @property
    def path(self) -> str:
        return f"/steps/{self.slug}" if self.step else f"/{self.slug}"

    def visible_to(self, principal: Principal) -> bool:
        if self.kinds is not None and str(principal.org_kind) not in self.kinds:
            return False
        return any(str(role) in self.roles for role in principal.roles)


@cache
def pages() -> tuple[Page, ...]:
    raw = packaged_yaml("liubu.web", "data", "navigation.yaml")
    found: list[Page] = []
    for group in ("steps", "areas"):
        for entry in raw[group]:
            found.append(
                Page(
                    slug=entry["slug"],
                    title=entry["title"],
                    summary=entry["summary"],
                    roles=frozenset(entry["roles"]),
                    kinds=frozenset(entry["kinds"]) if "kinds" in entry else None,
                    step=entry.get("step"),
                )
            )
    return tuple(found)


def navigation_for(principal: Principal) -> list[Page]:
    return [page for page in pages() if page.visible_to(principal)]


def find_page(slug: str, *, step: bool) -> Page | None:
    return next((p for p in pages() if p.slug == slug and (p.step is not None) == step), None)


def require_page(principal: Principal, slug: str, *, step: bool = False) -> tuple[Page, list[Page]]:
    """The page and the caller's navigation; 404 for no such page, 403 outside the role."""
    page = find_page(slug, step=step)
    if page is None:
        raise NotFoundError(f"No page {slug!r}.")
    nav = navigation_for(principal)
    if page not in nav:
        raise PermissionDeniedError("Your role does not give access to this page.")
    return page, nav
