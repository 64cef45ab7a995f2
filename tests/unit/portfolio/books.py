"""Small books and catalogues built from records, for the portfolio tests."""

from __future__ import annotations

import math

from liubu.core import parse_industry, parse_region
from liubu.portfolio import Book, BookPolicy, Catalogue, Dependency, EventFamily, Reliance
from liubu.risk import Constant, CoverageTerms, Severity, Terms

HOURS_PER_YEAR = 8760.0


def policy(
    ident: str,
    *,
    revenue: float = HOURS_PER_YEAR * 1000.0,
    terms: Terms | None = None,
    relies_on: tuple[Reliance, ...] = (),
    industry: str = "I65",
    region: str = "330100",
) -> BookPolicy:
    return BookPolicy(
        ident,
        parse_industry(industry),
        parse_region(region),
        revenue,
        terms if terms is not None else Terms(),
        relies_on,
    )


def cloud(ident: str, provider: str = "alibaba_cloud") -> Dependency:
    return Dependency(ident, "cloud", provider, region="cn-hangzhou")


def outage(name: str, target: str, rate: float, hours: Severity) -> EventFamily:
    return EventFamily(name, "provider_outage", rate, target=target, outage_hours=hours)


def identical_book(n: int, *, dependency: str, terms: Terms) -> Book:
    """n policies of 1,000 CNY revenue an hour, all relying wholly on ``dependency``."""
    return Book(
        tuple(
            policy(f"P{i:03d}", terms=terms, relies_on=(Reliance(dependency, 0.0, 1.0),))
            for i in range(n)
        )
    )


def one_provider(rate: float, hours: float) -> Catalogue:
    return Catalogue(
        (cloud("cloud-a"),), (outage("cloud_a_down", "cloud-a", rate, Constant(hours)),)
    )


BI_TERMS = Terms(
    retention=2_000.0,
    aggregate_limit=math.inf,
    coverages={"business_interruption": CoverageTerms(sublimit=50_000.0, coinsurance=0.1)},
)
