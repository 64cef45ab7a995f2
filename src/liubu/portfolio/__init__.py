"""liubu.portfolio — the book as a whole (组合累积): accumulation through shared dependencies, an
event catalogue, year-loss tables, AEP/OEP/PML, TVaR with Euler contributions, Open Results Data
outputs; blocks of years on Dask distributed with identical results for any number of workers;
supply-chain contagion (供应链传导) over a chain owner's supplier graph (``contagion``).
The insurer's book from the platform (``insurer_book``) and its imported existing book
(``import_book``) through a unit of work. No database, web or CLI framework."""

from __future__ import annotations

from liubu.portfolio.book import (
    BOOK_ROLES,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    BookImport,
    BookImports,
    InsurerBook,
    PortfolioUnitOfWork,
    SkippedPolicy,
    UnmatchedDependency,
    book_import,
    import_book,
    insurer_book,
    match_dependency,
    read_book_import,
)
from liubu.portfolio.contagion import (
    CHUNK_TRIALS,
    AllocatedShare,
    ContagionParameters,
    ContagionResult,
    SupplierContribution,
    allocate_by_contribution,
    contagion_parameters,
    simulate_contagion,
)
from liubu.portfolio.contagion_files import CHAIN_CSV_COLUMNS, load_chain
from liubu.portfolio.contagion_records import (
    ChainEdge,
    ChainMember,
    MemberRole,
    OwnerExposure,
    SchemeMember,
    SupplyChain,
    chain_from_scheme,
    scheme_chain,
)
from liubu.portfolio.contagion_scheme import scheme_graph
from liubu.portfolio.kernel import SEED_YEARS
from liubu.portfolio.loader import CSV_COLUMNS, demo_book, demo_catalogue, load_book, load_catalogue
from liubu.portfolio.ord import write_ord
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import (
    Basis,
    Book,
    BookPolicy,
    Catalogue,
    Dependency,
    EventFamily,
    Reliance,
)
from liubu.portfolio.results import (
    PML_RETURN_PERIODS,
    RETURN_PERIODS,
    TAIL_RETURN_PERIODS,
    BookResult,
    Contribution,
    ReturnPeriodLoss,
    TailMeasure,
)
from liubu.portfolio.runner import DEFAULT_BLOCK_YEARS, BlockFailedError, run_book
from liubu.portfolio.vocabulary import FAMILY_KINDS, cloud_providers, dependency_kinds

__all__ = [
    "BOOK_ROLES",
    "CHAIN_CSV_COLUMNS",
    "CHUNK_TRIALS",
    "CSV_COLUMNS",
    "DEFAULT_BLOCK_YEARS",
    "FAMILY_KINDS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "PML_RETURN_PERIODS",
    "RETURN_PERIODS",
    "SEED_YEARS",
    "TAIL_RETURN_PERIODS",
    "AllocatedShare",
    "Basis",
    "BlockFailedError",
    "Book",
    "BookImport",
    "BookImports",
    "BookPolicy",
    "BookResult",
    "Catalogue",
    "ChainEdge",
    "ChainMember",
    "ContagionParameters",
    "ContagionResult",
    "Contribution",
    "Dependency",
    "EventFamily",
    "InsurerBook",
    "MemberRole",
    "OwnerExposure",
    "PortfolioCode",
    "PortfolioUnitOfWork",
    "Reliance",
    "ReturnPeriodLoss",
    "SchemeMember",
    "SkippedPolicy",
    "SupplierContribution",
    "SupplyChain",
    "TailMeasure",
    "UnmatchedDependency",
    "allocate_by_contribution",
    "book_import",
    "chain_from_scheme",
    "cloud_providers",
    "contagion_parameters",
    "demo_book",
    "demo_catalogue",
    "dependency_kinds",
    "import_book",
    "insurer_book",
    "load_book",
    "load_catalogue",
    "load_chain",
    "match_dependency",
    "read_book_import",
    "run_book",
    "scheme_chain",
    "scheme_graph",
    "simulate_contagion",
    "write_ord",
]
