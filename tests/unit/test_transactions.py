"""Use cases own their transactions (STYLE.md, house rule 5): the API, the pages and the CLI
parse, call a use case and render; they never call ``commit()``. Found with ``ast``, so a
comment or a string that mentions a commit does not count, and a commit split over lines does."""

from __future__ import annotations

import ast
from pathlib import Path

import liubu

SOURCE = Path(liubu.__file__).parent
ENTRY_POINTS = ("api", "web", "cli")

# Files that may still commit (none: the quote and policy lifecycle commits itself too). A
# file is named here only while its use cases are being moved, and taken out when cleared.
ALLOWED: set[str] = set()


def _commits(source: str) -> list[int]:
    """The lines of every ``….commit()`` call in a module's source."""
    tree = ast.parse(source)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def _entry_point_commits() -> dict[str, list[int]]:
    found = {}
    for package in ENTRY_POINTS:
        for path in sorted((SOURCE / package).rglob("*.py")):
            lines = _commits(path.read_text(encoding="utf-8"))
            if lines:
                found[path.relative_to(SOURCE).as_posix()] = lines
    return found


def test_entry_points_leave_commits_to_the_use_cases() -> None:
    stray = {
        f"src/liubu/{name}:{line}"
        for name, lines in _entry_point_commits().items()
        if name not in ALLOWED
        for line in lines
    }
    assert not stray, (
        "Entry points must not commit; move the commit into the use case they call "
        f"(with uow: …; uow.commit()): {sorted(stray)}"
    )


def test_the_allow_list_names_only_files_that_still_commit() -> None:
    """Tightening the list is part of clearing a file: a stale entry would let commits back in."""
    stale = ALLOWED - _entry_point_commits().keys()
    assert not stale, f"No commit left in {sorted(stale)}: remove it from ALLOWED."


def test_the_guard_sees_a_commit_however_it_is_written() -> None:
    source = (
        "def route(uow, platform):\n"
        "    uow.commit(\n    )\n"  # a call over two lines: line 2
        "    # uow.commit()\n"  # a comment
        "    'uow.commit()'\n"  # a string
        "    platform.uow().commit()\n"  # another receiver: line 6
    )
    assert _commits(source) == [2, 6]
