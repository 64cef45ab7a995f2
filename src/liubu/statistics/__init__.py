"""liubu.statistics — the regulator's market statistics (监管统计), pure.

Policies, premium and sum insured by product type, industry, region and month, for the
enterprise and personal lines apart — aggregates only, never a person or an insured. The store
answers the queries (:class:`StatisticsQueries`); this package shapes and exports them.
"""

from __future__ import annotations

from liubu.statistics.figures import (
    ENTERPRISE_DIMENSIONS,
    PERSONAL_DIMENSIONS,
    Figures,
    MarketStatistics,
    Row,
    StatisticsQueries,
    StatisticsUnitOfWork,
    market_statistics,
)

__all__ = [
    "ENTERPRISE_DIMENSIONS",
    "PERSONAL_DIMENSIONS",
    "Figures",
    "MarketStatistics",
    "Row",
    "StatisticsQueries",
    "StatisticsUnitOfWork",
    "market_statistics",
]
