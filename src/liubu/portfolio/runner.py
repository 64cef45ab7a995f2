"""Run a book: blocks of years in this process or on Dask distributed, then the summary.

``workers=0`` runs the blocks here, one after another; ``workers=W`` starts a ``LocalCluster`` of W
single-threaded worker processes; ``scheduler="tcp://host:8786"`` uses a running cluster (start
one with ``dask scheduler`` and, on each machine, ``dask worker tcp://host:8786``; the year-loss
directory must then be on a file system every worker and this process can see). A block that
fails is retried (``retries``); if it still fails the run fails as a whole — nothing is summed
from part of the blocks. The result does not depend on the block size or on the workers.
"""

from __future__ import annotations

import math
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from liubu.errors import ValidationError
from liubu.portfolio.blocks import BlockOutput, run_block
from liubu.portfolio.kernel import SEED_YEARS
from liubu.portfolio.plan import BoolArray, FloatArray, Plan, compile_plan
from liubu.portfolio.reasons import PortfolioCode
from liubu.portfolio.records import Book, Catalogue
from liubu.portfolio.results import BookResult
from liubu.portfolio.summary import block_partials, sizes_of, summarise

#: The default block: ten chunks of SEED_YEARS years.
DEFAULT_BLOCK_YEARS = 10 * SEED_YEARS
MAX_YEARS = 10_000_000
MAX_WORKERS = 256
RETRIES = 2
CONNECT_TIMEOUT_SECONDS = 5

Progress = Callable[[int, int], None]


class BlockFailedError(ValidationError):
    """A block failed on every try; the run reports it and sums nothing."""


def _check(years: int, seed: int, workers: int | None, block_years: int) -> None:
    def bad(message: str, field: str, value: object) -> ValidationError:
        return ValidationError(message, code=PortfolioCode.BAD_RUN, field=field, value=value)

    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise bad(
            f"years must be a whole number from 1 to {MAX_YEARS:,}; got {years!r}.", "years", years
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise bad(f"seed must be a whole number ≥ 0; got {seed!r}.", "seed", seed)
    if workers is not None and (not isinstance(workers, int) or not 0 <= workers <= MAX_WORKERS):
        raise bad(f"workers must be from 0 to {MAX_WORKERS}; got {workers!r}.", "workers", workers)
    if not isinstance(block_years, int) or block_years < SEED_YEARS or block_years % SEED_YEARS:
        raise bad(
            f"block_years must be a positive multiple of {SEED_YEARS}; got {block_years!r}.",
            "block_years",
            block_years,
        )


def run_book(
    book: Book,
    catalogue: Catalogue,
    *,
    years: int,
    seed: int,
    workers: int | None = None,
    scheduler: str | None = None,
    block_years: int = DEFAULT_BLOCK_YEARS,
    ylt_dir: str | None = None,
    progress: Progress | None = None,
) -> BookResult:
    """Simulate ``years`` years of ``book`` under ``catalogue``.

    ``workers``: 0 for this process, W for a LocalCluster of W processes, None for a LocalCluster
    of one process per core; ignored when ``scheduler`` names a running cluster.
    """
    _check(years, seed, workers, block_years)
    plan = compile_plan(book, catalogue)
    directory = ylt_dir or tempfile.mkdtemp(prefix="liubu-ylt-")
    blocks = math.ceil(years / block_years)
    args = [(seed, b, years, block_years, directory) for b in range(blocks)]
    settings = {"years": years, "seed": seed, "block_years": block_years}
    sizes = sizes_of(plan)
    if workers == 0 and scheduler is None:
        outputs = []
        for a in args:
            outputs.append(run_block(plan, *a))
            _report(progress, outputs, years)

        def here(paths: list[str], masks: BoolArray) -> list[list[FloatArray]]:
            return [block_partials(path, masks, sizes) for path in paths]

        return summarise(plan, outputs, partials=here, **settings)
    with _client(workers, scheduler) as client:
        outputs = _on_dask(client, plan, args, years, progress)

        def there(paths: list[str], masks: BoolArray) -> list[list[FloatArray]]:
            shared = client.scatter(masks, broadcast=True)
            futures = [
                client.submit(block_partials, path, shared, sizes, retries=RETRIES, pure=False)
                for path in paths
            ]
            return _gathered(client, futures)

        return summarise(plan, outputs, partials=there, **settings)


def _report(progress: Progress | None, outputs: list[BlockOutput], years: int) -> None:
    if progress is not None:
        progress(sum(len(o.annual) for o in outputs), years)


def _on_dask(
    client: Any,
    plan: Plan,
    args: list[tuple[int, int, int, int, str]],
    years: int,
    progress: Progress | None,
) -> list[BlockOutput]:
    from distributed import as_completed

    shared = client.scatter(plan, broadcast=True)
    token = uuid.uuid4().hex
    futures = [
        client.submit(
            run_block,
            shared,
            *a,
            key=f"liubu-block-{token}-{a[1]}",
            retries=RETRIES,
            pure=False,
        )
        for a in args
    ]
    outputs: list[BlockOutput] = []
    try:
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            outputs.append(future.result())
            _report(progress, outputs, years)
    except Exception as error:
        raise _failed(client, futures, error) from error
    return outputs


def _gathered(client: Any, futures: list[Any]) -> list[Any]:
    """The futures' results in submission order, or the run fails as a whole."""
    try:
        return list(client.gather(futures))
    except Exception as error:
        raise _failed(client, futures, error) from error


def _failed(client: Any, futures: list[Any], error: Exception) -> BlockFailedError:
    client.cancel(futures)
    return BlockFailedError(
        f"A block of the simulation failed after {RETRIES} retries "
        f"({type(error).__name__}: {error}); no partial result is summed.",
        code=PortfolioCode.BLOCK_FAILED,
        field="block",
    )


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    import dask
    from distributed import Client

    if scheduler is not None:
        try:
            client = Client(  # type: ignore[no-untyped-call]
                scheduler, timeout=CONNECT_TIMEOUT_SECONDS
            )
        except (OSError, TimeoutError, ValueError) as error:
            raise ValidationError(
                f"The Dask scheduler at {scheduler!r} does not answer within "
                f"{CONNECT_TIMEOUT_SECONDS} s ({error}). Start one with `dask scheduler` and "
                "workers with `dask worker <address>`.",
                code=PortfolioCode.SCHEDULER_UNREACHABLE,
                field="scheduler",
                value=scheduler,
            ) from None
        with client:
            yield client
        return
    # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 (to hand memory back to the
    # OS): every block allocates and frees arrays of several MB, and under that threshold the
    # blocks ran 1.5x slower in a worker than in this process. Our workers keep glibc's default,
    # and skip the statistical profiler (a sample of the running thread every 10 ms).
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    environ["MALLOC_TRIM_THRESHOLD_"] = None
    with dask.config.set(
        {
            "distributed.nanny.pre-spawn-environ": environ,
            "distributed.worker.profile.enabled": False,
        }
    ):
        cluster = _local_cluster(workers)
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def _local_cluster(workers: int | None) -> Any:
    from distributed import LocalCluster

    return LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        # None still binds the scheduler's HTTP server to :8787, so a second cluster on the
        # machine (another run, a parallel test) fails to start: take a free port instead.
        dashboard_address=":0",
        silence_logs=40,
    )
