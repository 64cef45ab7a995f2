"""``quantify``: one entry point over both engines, choosing the exact one when it applies."""

from __future__ import annotations

from liubu.risk import _checks
from liubu.risk.fft import aggregate_fft
from liubu.risk.grid import choose_grid
from liubu.risk.model import Model
from liubu.risk.montecarlo import Progress, block_years, simulate
from liubu.risk.reasons import RiskCode
from liubu.risk.result import Result

ENGINES = ("auto", "fft", "mc")
DEFAULT_YEARS = 100_000
DEFAULT_SEED = 20_240_601
DEFAULT_CHUNK_SIZE = 65_536


def quantify(
    model: Model,
    *,
    engine: str = "auto",
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
    log2: int | None = None,
    bucket: float | None = None,
    discretisation: str = "moments",
) -> Result:
    """Quantify the annual insured loss of ``model``.

    ``engine="auto"`` uses the Fourier engine (exact up to its reported discretisation error)
    when the model allows it: independent scenarios whose components are independent. Otherwise
    (a copula or comonotone components, correlated scenarios) it uses Monte Carlo with ``years``
    simulated years from ``seed``; ``chunk_size`` bounds memory and changes no number;
    ``progress(done, total)`` is called after each chunk. ``log2`` and ``bucket`` override the
    Fourier grid choice; ``discretisation`` is ``moments`` (mean-preserving, the default) or
    ``round`` (as the ``aggregate`` package).
    """
    _checks.one_of("engine", engine, ENGINES)
    obstacles = model.fft_obstacles()
    if engine == "fft" and obstacles:
        raise _checks.invalid(
            "The Fourier engine cannot be exact for this model: "
            + "; ".join(obstacles)
            + ". Use engine='mc' (or 'auto').",
            code=RiskCode.FFT_NOT_EXACT,
            field="engine",
            value=engine,
        )
    chosen = engine if engine != "auto" else ("mc" if obstacles else "fft")
    if chosen == "fft":
        return _by_fft(model, log2=log2, bucket=bucket, discretisation=discretisation)
    why = "; ".join(obstacles) if obstacles else "requested"
    return _by_mc(model, years=years, seed=seed, chunk_size=chunk_size, progress=progress, why=why)


def _by_mc(
    model: Model, *, years: int, seed: int, chunk_size: int, progress: Progress | None, why: str
) -> Result:
    years = _count("years", years)
    chunk_size = _count("chunk_size", chunk_size)
    seed = _count("seed", seed, allow_zero=True)
    out = simulate(model, years=years, seed=seed, chunk_size=chunk_size, progress=progress)
    settings = {
        "engine": "mc",
        "why": why,
        "seed": seed,
        "years": years,
        "chunk_size": out.chunk_size,
        "block_years": block_years(model),
        "events": out.events,
        "terms_order": _terms_order(),
    }
    names = tuple(s.name for s in model.scenarios)
    return Result(
        "mc",
        out.annual,
        out.occurrence,
        names,
        model.coverages,
        out.ground_up_mean,
        settings,
        out.mean_standard_error,
    )


def _by_fft(model: Model, *, log2: int | None, bucket: float | None, discretisation: str) -> Result:
    grid = choose_grid(model, log2=log2, bucket=bucket, discretisation=discretisation)
    out = aggregate_fft(model, grid)
    settings = {
        "engine": "fft",
        "why": "independent scenarios and independent components: exact on the grid",
        "seed": None,
        "grid": {
            "bucket": grid.bucket,
            "log2": grid.log2,
            "padding": grid.padding,
            "tilt": grid.tilt,
            "discretisation": grid.discretisation,
            "self_check": out.self_check,
        },
        "terms_order": _terms_order(),
    }
    return Result(
        "fft",
        out.annual,
        out.occurrence,
        tuple(s.name for s in model.scenarios),
        model.coverages,
        model.ground_up_mean,
        settings,
    )


def _count(name: str, value: object, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        raise _checks.invalid(
            f"Parameter {name} must be a {'non-negative' if allow_zero else 'positive'} "
            f"integer; got {value!r}.",
            code=RiskCode.BAD_COUNT,
            field=name,
            value=value,
        )
    return value


def _terms_order() -> str:
    return (
        "per event: waiting period (hours) -> coinsurance and sublimit per coverage -> "
        "one retention on the sum; per year: annual aggregate limit"
    )


__all__ = ["ENGINES", "quantify"]


# One request's work is bounded: a few seconds of Monte Carlo on two cores.
MAX_REQUEST_YEARS = 2_000_000


def quantify_text(
    model_text: str,
    *,
    engine: str = "auto",
    years: int = 100_000,
    seed: int = 20_240_601,
    source_name: str = "model.yaml",
) -> Result:
    """Load a model file's YAML text (errors located in ``source_name``) and quantify it: what the
    API and the actuary's page both do with a model a user sends."""
    from liubu.risk.loader import parse_model

    model = parse_model(model_text, source_name=source_name)
    return quantify(model, engine=engine, years=years, seed=seed)
