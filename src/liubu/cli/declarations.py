"""What binding asks on the command line, for one enterprise's policy (``liubu quotes bind``)
and a group's master policy (``liubu group quote --bind``) alike: the two declarations and the
first day of cover."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from liubu.errors import ValidationError

if TYPE_CHECKING:  # the CLI imports the business packages only when a command runs
    from liubu.underwriting import Declarations

Truthful = Annotated[
    bool,
    typer.Option(
        "--truthful",
        help="Declare that the company facts, answers and assessment given are true and "
        "complete (required).",
    ),
]
TermsRead = Annotated[
    bool,
    typer.Option(
        "--terms-read",
        help="Declare that the wording was read and its exclusions explained (required).",
    ),
]
Start = Annotated[
    str | None,
    typer.Option(help="Start date YYYY-MM-DD (default today; at most 90 days ahead)."),
]


def declared(truthful: bool, terms_read: bool) -> Declarations:
    from liubu.underwriting import Declarations

    return Declarations(truthful=truthful, terms_read=terms_read)


def start_date(text: str | None) -> date | None:
    """``--start`` as a date (None: today, as the use case decides)."""
    try:
        return None if text is None else date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"--start must be a date YYYY-MM-DD, not {text!r}.", field="start", value=text
        ) from None
