"""Standard cyber insurance products (网络安全保险标准产品): vocabulary, specification, validation,
the reference catalogue, filed rate plans and side-by-side comparison.

A product version is a YAML document checked against the published JSON Schema
(``data/product.schema.json``) and the semantic rules listed in ``data/rules.yaml``; it parses into
a frozen :class:`ProductSpec`. Nothing here touches a database, the web or the CLI.
"""

from __future__ import annotations

from liubu.products.catalogue import catalogue_sources, load_reference_catalogue
from liubu.products.comparison import Cell, Comparison, Row, compare
from liubu.products.issues import ProductIssue, rule_codes
from liubu.products.pricing import FiledPremiumInputs, filed_premium_inputs
from liubu.products.rate_plan import (
    BasePremiumRow,
    ClampFlag,
    ClampResult,
    Coefficient,
    CurvePoint,
    FiledRange,
    IndustryGroup,
    Level,
    RatePlan,
    RevenueBand,
)
from liubu.products.reasons import ProductsCode
from liubu.products.registry import (
    DRAFT,
    FILED,
    ProductRecord,
    ProductsUnitOfWork,
    current_versions,
)
from liubu.products.render import render_comparison_text
from liubu.products.schema import product_schema
from liubu.products.service import (
    compare_products,
    file_product,
    find_product,
    find_spec,
    load_products,
    require_issuer,
    submit_product,
    withdraw_product,
)
from liubu.products.spec import (
    ClaimsProcess,
    ClaimStep,
    Coverage,
    Eligibility,
    Exclusion,
    Filing,
    GroupArrangement,
    PremiumSharing,
    ProductSpec,
    Retention,
    Service,
    Trigger,
    WaitingPeriod,
)
from liubu.products.summary import ProductSummary, summarise
from liubu.products.text import Lang, Text, check_lang
from liubu.products.titles import ProductTitle, product_title, title_of
from liubu.products.validation import check_product, load_product, parse_product, validate_product
from liubu.products.versions import VersionWindow, check_revision, check_versions
from liubu.products.vocabulary import (
    CoverageTerm,
    ExclusionTerm,
    LmaClause,
    ProductTypeTerm,
    RatingFactorTerm,
    ServiceTerm,
    Vocabulary,
    load_vocabulary,
)
from liubu.products.writer import dump_product, fingerprint

__all__ = [
    "DRAFT",
    "FILED",
    "BasePremiumRow",
    "Cell",
    "ClaimStep",
    "ClaimsProcess",
    "ClampFlag",
    "ClampResult",
    "Coefficient",
    "Comparison",
    "Coverage",
    "CoverageTerm",
    "CurvePoint",
    "Eligibility",
    "Exclusion",
    "ExclusionTerm",
    "FiledPremiumInputs",
    "FiledRange",
    "Filing",
    "GroupArrangement",
    "IndustryGroup",
    "Lang",
    "Level",
    "LmaClause",
    "PremiumSharing",
    "ProductIssue",
    "ProductRecord",
    "ProductSpec",
    "ProductSummary",
    "ProductTitle",
    "ProductTypeTerm",
    "ProductsCode",
    "ProductsUnitOfWork",
    "RatePlan",
    "RatingFactorTerm",
    "Retention",
    "RevenueBand",
    "Row",
    "Service",
    "ServiceTerm",
    "Text",
    "Trigger",
    "VersionWindow",
    "Vocabulary",
    "WaitingPeriod",
    "catalogue_sources",
    "check_lang",
    "check_product",
    "check_revision",
    "check_versions",
    "compare",
    "compare_products",
    "current_versions",
    "dump_product",
    "file_product",
    "filed_premium_inputs",
    "find_product",
    "find_spec",
    "fingerprint",
    "load_product",
    "load_products",
    "load_reference_catalogue",
    "load_vocabulary",
    "parse_product",
    "product_schema",
    "product_title",
    "render_comparison_text",
    "require_issuer",
    "rule_codes",
    "submit_product",
    "summarise",
    "title_of",
    "validate_product",
    "withdraw_product",
]
