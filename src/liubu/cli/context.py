"""What the CLI callback builds lazily: settings, then the platform.

Settings and the platform are imported inside the methods that build them: importing bootstrap
pulls in the store, SQLAlchemy, the business packages, numpy and scipy (seconds on a busy
machine), which ``liubu --help`` and argument errors never need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import typer

from liubu.cli.reasons import CliCode
from liubu.errors import ConfigurationError

if TYPE_CHECKING:
    from rich.console import Console

    from liubu.bootstrap import Platform
    from liubu.config import Settings


@dataclass
class CliState:
    database_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _platform: Platform | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            from liubu.config import load_settings

            overrides = {"database_url": self.database_url} if self.database_url else {}
            self._settings = load_settings(**overrides)
        return self._settings

    def platform(self, *, upgrade_schema: bool = False) -> Platform:
        if self._platform is None:
            from liubu.bootstrap import bootstrap

            platform = bootstrap(self.settings(), upgrade_schema=upgrade_schema)
            if not upgrade_schema:
                _require_schema(platform)
            self._platform = platform
        return self._platform


def _require_schema(platform: Platform) -> None:
    """A command on a database that is not at the newest migration would fail deep inside with a
    missing table or column; say what to do instead."""
    from liubu.store import migrate

    at, head = migrate.revision_of(platform.engine), migrate.current_head()
    if at != head:
        platform.dispose()
        where = "has no liubu tables" if at is None else f"is at revision {at}, not {head}"
        raise ConfigurationError(
            f"The database {where}: run `liubu db upgrade` first.",
            code=CliCode.DATABASE_NOT_MIGRATED,
        )


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def console(*, stderr: bool = False) -> Console:
    """A rich console made on first use (every CLI module holds one, and ``liubu --help`` prints
    through none of them). Hand rich's own machinery (a progress bar) :func:`rich_console`."""
    return cast("Console", _LazyConsole(stderr=stderr))


def rich_console(*, stderr: bool = False) -> Console:
    """A rich console now; when output is not a terminal (a pipe, a file, CI) tables get a wide
    line instead of the 80-column default, so ids and names are not cut."""
    from rich.console import Console

    terminal = Console(stderr=stderr)
    return terminal if terminal.is_terminal else Console(stderr=stderr, width=200)


class _LazyConsole:
    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = rich_console(stderr=self._stderr)
        return getattr(self._console, name)


class ProgressBar:
    """A rich progress bar on stderr fed by an engine's ``progress(done, total)`` callback.

    It appears on the first callback, so a computation that reports nothing (the exact Fourier
    engine) shows none.
    """

    def __init__(self, label: str, *, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        return self.update if self.enabled else None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
                TimeRemainingColumn(),
                transient=True,
                console=rich_console(stderr=True),
            )
            self.bar.start()
            self.task = self.bar.add_task("run", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
