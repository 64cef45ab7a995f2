"""A deterministic scenario on the insurer's own book (确定性情景): the book as
:func:`~liubu.portfolio.book.insurer_book` reads it today, one named scenario of a library (the
shipped one by default), priced by :func:`~liubu.portfolio.scenario.run_scenario`."""

from __future__ import annotations

from liubu.errors import ValidationError
from liubu.portfolio.book import InsurerBookUnitOfWork, insurer_book
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import Catalogue
from liubu.portfolio.scenario import Scenario, ScenarioResult, run_scenario, scenario_named
from liubu.portfolio.scenario_files import demo_scenarios


def own_book_scenario(
    uow: InsurerBookUnitOfWork,
    insurer_tenant_id: str,
    name: str,
    *,
    catalogue: Catalogue,
    scenarios: tuple[Scenario, ...] | None = None,
) -> ScenarioResult:
    """The loss to the insurer's book (its policies in force and its imported book) of the
    scenario ``name``; the insurer's own staff or the platform (``insurer_book`` checks)."""
    chosen = scenario_named(demo_scenarios() if scenarios is None else scenarios, name)
    book = insurer_book(uow, insurer_tenant_id, catalogue).book
    if book is None:
        raise ValidationError(
            "Your insurer has no policy in force and no imported existing book: there is no "
            "book for the scenario to strike.",
            code=PortfolioCode.EMPTY_BOOK,
            field="scenario",
        )
    return run_scenario(book, catalogue, chosen)
