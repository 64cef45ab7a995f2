"""liubu.statistics — the regulator's market statistics (监管统计), pure.

Policies, premium and sum insured by product type, industry, region and month, for the
enterprise and personal lines apart — aggregates only, never a person or an insured. The store
answers the queries (:class:`StatisticsQueries`); this package shapes and exports them, merging
cells below a minimum number of insureds (:func:`suppress`, ``docs/statistics.md``), and names
their keys in the reader's language (:func:`key_names`).
"""

from __future__ import annotations

from liubu.statistics.figures import (
    ENTERPRISE_DIMENSIONS,
    PERSONAL_DIMENSIONS,
    MarketStatistics,
    StatisticsQueries,
    StatisticsUnitOfWork,
    market_statistics,
)
from liubu.statistics.names import key_names
from liubu.statistics.records import MIN_INSUREDS, Figures, ProductName, Row
from liubu.statistics.suppression import OTHER, suppress

__all__ = [
    "ENTERPRISE_DIMENSIONS",
    "MIN_INSUREDS",
    "OTHER",
    "PERSONAL_DIMENSIONS",
    "Figures",
    "MarketStatistics",
    "ProductName",
    "Row",
    "StatisticsQueries",
    "StatisticsUnitOfWork",
    "key_names",
    "market_statistics",
    "suppress",
]
