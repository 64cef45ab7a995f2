"""What the CLI callback builds lazily: settings, then the platform."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich.console import Console

from liubu.bootstrap import Platform, bootstrap
from liubu.config import Settings, load_settings


@dataclass
class CliState:
    database_url: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _platform: Platform | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            overrides = {"database_url": self.database_url} if self.database_url else {}
            self._settings = load_settings(**overrides)
        return self._settings

    def platform(self, *, upgrade_schema: bool = False) -> Platform:
        if self._platform is None:
            self._platform = bootstrap(self.settings(), upgrade_schema=upgrade_schema)
        return self._platform


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def console(*, stderr: bool = False) -> Console:
    """A rich console; when output is not a terminal (a pipe, a file, CI) tables get a wide
    line instead of the 80-column default, so ids and names are not cut."""
    terminal = Console(stderr=stderr)
    return terminal if terminal.is_terminal else Console(stderr=stderr, width=200)
