"""liubu.portfolio — the book as a whole (组合累积): accumulation through shared dependencies, an
event catalogue, year-loss tables, AEP/OEP/PML, TVaR with Euler contributions, Open Results Data
outputs; blocks of years on Dask distributed with identical results for any number of workers;
deterministic scenarios (确定性情景, ``run_scenario``): one fixed event's loss to the book;
supply-chain contagion (供应链传导) over a chain owner's supplier graph (``contagion``); each
policy's capital in the simulated book, stored for the technical premium (``capital``).
The insurer's book from the platform (``insurer_book``) and its imported existing book
(``import_book``); simulations as stored, durable runs (``runs``: a job per run, the summary
kept). Use cases through units of work; no database, web or CLI framework."""

from __future__ import annotations

from liubu.portfolio.book import (
    BOOK_ROLES,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    BookImport,
    BookImports,
    InsurerBook,
    InsurerBookUnitOfWork,
    SkippedPolicy,
    UnmatchedDependency,
    book_import,
    import_book,
    insurer_book,
    match_dependency,
    read_book_import,
)
from liubu.portfolio.capital import (
    BookCapital,
    PolicyCapital,
    SegmentCapital,
    book_capital,
    return_period_of,
)
from liubu.portfolio.capital_service import (
    BookCapitalRepository,
    BookCapitalUnitOfWork,
    CapitalRow,
    StoredBookCapital,
    capital_period,
    refresh_book_capital,
    store_book_capital,
    store_run_capital,
    stored_book_capital,
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
from liubu.portfolio.contagion_files import (
    CHAIN_CSV_COLUMNS,
    load_chain,
)
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
from liubu.portfolio.contagion_scheme import (
    scheme_graph,
)
from liubu.portfolio.kernel import (
    SEED_YEARS,
)
from liubu.portfolio.loader import (
    CSV_COLUMNS,
    demo_book,
    demo_catalogue,
    load_book,
    load_catalogue,
)
from liubu.portfolio.ord import (
    write_ord,
)
from liubu.portfolio.reasons import (
    PortfolioCode,
)
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
from liubu.portfolio.runner import (
    DEFAULT_BLOCK_YEARS,
    BlockFailedError,
    run_book,
)
from liubu.portfolio.runs import (
    DEFAULT_RUN_SEED,
    DEFAULT_RUN_YEARS,
    MAX_RUN_YEARS,
    RUN_JOB,
    RUNNERS,
    PortfolioRun,
    PortfolioRunRepository,
    PortfolioUnitOfWork,
    RunSource,
    RunSummary,
    check_run_settings,
    get_run,
    list_runs,
    new_run,
    queue_run,
    record_summary,
    summary_of,
)
from liubu.portfolio.scenario import (
    SCENARIO_KINDS,
    Scenario,
    ScenarioGroupLoss,
    ScenarioPolicyLoss,
    ScenarioResult,
    run_scenario,
    scenario_named,
)
from liubu.portfolio.scenario_files import (
    demo_scenarios,
    load_scenarios,
)
from liubu.portfolio.scenario_service import own_book_scenario
from liubu.portfolio.vocabulary import (
    FAMILY_KINDS,
    cloud_providers,
    dependency_kinds,
)

__all__ = [
    "BOOK_ROLES",
    "CHAIN_CSV_COLUMNS",
    "CHUNK_TRIALS",
    "CSV_COLUMNS",
    "DEFAULT_BLOCK_YEARS",
    "DEFAULT_RUN_SEED",
    "DEFAULT_RUN_YEARS",
    "FAMILY_KINDS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "MAX_RUN_YEARS",
    "PML_RETURN_PERIODS",
    "RETURN_PERIODS",
    "RUNNERS",
    "RUN_JOB",
    "SCENARIO_KINDS",
    "SEED_YEARS",
    "TAIL_RETURN_PERIODS",
    "AllocatedShare",
    "Basis",
    "BlockFailedError",
    "Book",
    "BookCapital",
    "BookCapitalRepository",
    "BookCapitalUnitOfWork",
    "BookImport",
    "BookImports",
    "BookPolicy",
    "BookResult",
    "CapitalRow",
    "Catalogue",
    "ChainEdge",
    "ChainMember",
    "ContagionParameters",
    "ContagionResult",
    "Contribution",
    "Dependency",
    "EventFamily",
    "InsurerBook",
    "InsurerBookUnitOfWork",
    "MemberRole",
    "OwnerExposure",
    "PolicyCapital",
    "PortfolioCode",
    "PortfolioRun",
    "PortfolioRunRepository",
    "PortfolioUnitOfWork",
    "Reliance",
    "ReturnPeriodLoss",
    "RunSource",
    "RunSummary",
    "Scenario",
    "ScenarioGroupLoss",
    "ScenarioPolicyLoss",
    "ScenarioResult",
    "SchemeMember",
    "SegmentCapital",
    "SkippedPolicy",
    "StoredBookCapital",
    "SupplierContribution",
    "SupplyChain",
    "TailMeasure",
    "UnmatchedDependency",
    "allocate_by_contribution",
    "book_capital",
    "book_import",
    "capital_period",
    "chain_from_scheme",
    "check_run_settings",
    "cloud_providers",
    "contagion_parameters",
    "demo_book",
    "demo_catalogue",
    "demo_scenarios",
    "dependency_kinds",
    "get_run",
    "import_book",
    "insurer_book",
    "list_runs",
    "load_book",
    "load_catalogue",
    "load_chain",
    "load_scenarios",
    "match_dependency",
    "new_run",
    "own_book_scenario",
    "queue_run",
    "read_book_import",
    "record_summary",
    "refresh_book_capital",
    "return_period_of",
    "run_book",
    "run_scenario",
    "scenario_named",
    "scheme_chain",
    "scheme_graph",
    "simulate_contagion",
    "store_book_capital",
    "store_run_capital",
    "stored_book_capital",
    "summary_of",
    "write_ord",
]
