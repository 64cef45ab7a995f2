"""liubu.statistics — the regulator's market statistics (监管统计), pure.

Policies, premium and sum insured by product type, industry, region and month, for the
enterprise and personal lines apart — aggregates only, never a person or an insured. The store
answers the queries (:class:`StatisticsQueries`); this package shapes and exports them, merging
cells below a minimum number of insureds (:func:`suppress`, ``docs/statistics.md``), and names
their keys in the reader's language (:func:`key_names`). The industry risk view
(:func:`industry_risk`) gives, by industry and province, the share of insured enterprises with
known-exploited software and with open high/critical alerts, cut by the same rule
(:func:`merge_plan`). The market accumulation by dependency (:func:`dependency_accumulation`)
gives insureds and sum insured by provider and cloud region across all insurers, cut the same way.
"""

from __future__ import annotations

from liubu.statistics.accumulation import (
    ACCUMULATION_DIMENSIONS,
    AccumulationCell,
    AccumulationQueries,
    AccumulationUnitOfWork,
    DependencyAccumulation,
    accumulation_view,
    dependency_accumulation,
)
from liubu.statistics.exposure import (
    RISK_DIMENSIONS,
    SERIOUS_SEVERITIES,
    IndustryRisk,
    IndustryRiskUnitOfWork,
    RiskCell,
    RiskQueries,
    industry_risk,
    kev_exposed_enterprises,
    risk_view,
)
from liubu.statistics.figures import (
    ENTERPRISE_DIMENSIONS,
    PERSONAL_DIMENSIONS,
    MarketStatistics,
    StatisticsQueries,
    StatisticsUnitOfWork,
    market_statistics,
)
from liubu.statistics.names import key_names
from liubu.statistics.records import MIN_INSUREDS, Figures, InsuredCover, ProductName, Row
from liubu.statistics.suppression import OTHER, merge_plan, suppress

__all__ = [
    "ACCUMULATION_DIMENSIONS",
    "ENTERPRISE_DIMENSIONS",
    "MIN_INSUREDS",
    "OTHER",
    "PERSONAL_DIMENSIONS",
    "RISK_DIMENSIONS",
    "SERIOUS_SEVERITIES",
    "AccumulationCell",
    "AccumulationQueries",
    "AccumulationUnitOfWork",
    "DependencyAccumulation",
    "Figures",
    "IndustryRisk",
    "IndustryRiskUnitOfWork",
    "InsuredCover",
    "MarketStatistics",
    "ProductName",
    "RiskCell",
    "RiskQueries",
    "Row",
    "StatisticsQueries",
    "StatisticsUnitOfWork",
    "accumulation_view",
    "dependency_accumulation",
    "industry_risk",
    "kev_exposed_enterprises",
    "key_names",
    "market_statistics",
    "merge_plan",
    "risk_view",
    "suppress",
]
