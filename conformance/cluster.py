"""Validation on a Dask cluster: the same findings, counts and drift as one process, on many.

``conformance validate --engine dask [--scheduler ADDRESS] PATH...`` and ``conformance drift
--engine dask`` come here. The inputs are cut into partitions (``conformance.partitions``: an
uncompressed NDJSON file or object into byte ranges, anything else whole); each partition is a
task that a worker checks with the same pipeline as a run in one process; the results come back
to the caller in input order, so every report format, the exit code and the drift tables are
those of that run (``drift`` merges the workers' analyses in order: ``Analysis.merge``). Only
a window of partitions is in flight at once (a few per worker), so the caller's memory holds a
few partitions' results, not the corpus's.

Without a scheduler address, a ``distributed.LocalCluster`` of worker processes is started for
the run (one thread each: the engine holds the GIL) and closed after it. With one, the run's
tasks go to that cluster, whose workers must have sync-conformance installed and must be able
to read the inputs: URLs of object storage (``s3://``, ``gs://``) are read by every worker with
its own credentials; a local path must name the same file on every worker.

When a worker dies part way (killed, out of memory), the scheduler runs its partitions again on
another (``distributed.scheduler.allowed-failures``, 3 by default); a partition's results are
used once, whichever attempt sent them. A partition that fails on every attempt is reported as
an ``unreadable`` finding naming its byte range, and the rest of the run goes on.

For teams that already use Dask, ``bag`` gives the findings of the inputs as a ``dask.bag.Bag``
(one partition of the bag per partition of the inputs), computed on whatever scheduler is
current::

    from conformance.cluster import bag

    violations = bag(["s3://polls/2026-11/"]).filter(lambda f: f.kind == "violation")
    violations.count().compute()

Dask is optional: ``pip install 'sync-conformance[dask]'``.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from conformance.errors import ConformanceError
from conformance.findings import Finding, Location, Result
from conformance.partitions import (
    DEFAULT_PARTITION,
    UNCOUNTED,
    Collect,
    Outcome,
    Partition,
    check,
    newlines,
    number_lines,
    plan,
)
from conformance.pipeline import Options

if TYPE_CHECKING:
    from conformance.drift import Analysis
    from conformance.groups import Grouping
    from conformance.validation import Engine

__all__ = ["DEFAULT_PARTITION", "ClusterError", "bag", "check_paths", "connect", "prepare"]

# Partitions in flight per worker: enough that no worker waits for the next, few enough that
# the results waiting for their turn stay a handful of partitions'.
_AHEAD = 3


class ClusterError(ConformanceError):
    """The cluster cannot be used: Dask is missing, or the scheduler cannot be reached."""


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            "--engine dask needs Dask: pip install 'sync-conformance[dask]'"
        ) from None
    return distributed


@contextlib.contextmanager
def connect(address: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A Dask client for one run: of the scheduler at ``address``, or of a ``LocalCluster`` of
    ``workers`` processes (default: one per core) started here and closed with the client."""
    distributed = _dask()
    with contextlib.ExitStack() as stack:
        try:
            if address is None:
                cluster = distributed.LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    # Loopback only, on free ports: what a run reads is no business of the network.
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.ERROR,
                )
                stack.callback(cluster.close)
                client = distributed.Client(cluster)
            else:
                client = distributed.Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            where = address or "a local cluster"
            raise ClusterError(f"cannot reach the scheduler at {where}: {exc}") from None
        stack.callback(client.close)
        yield client


def check_paths(
    paths: Sequence[str],
    options: Options | None = None,
    *,
    client: Any,
    partition_size: int = DEFAULT_PARTITION,
    analysis: Analysis | None = None,
    grouping: Grouping | None = None,
    on_split: Callable[[str, int], None] | None = None,
) -> Iterator[Result]:
    """Results for every document in the inputs, checked on ``client``'s cluster, in input
    order as ``conformance.check_paths`` yields them. With ``analysis`` (and ``grouping``), each
    partition's drift (per group) is analysed on its worker and merged into it, in order, as
    the results come (the results are not added to it again). ``on_split(name, parts)`` is told
    of each input cut into byte ranges, before any is checked. ``options.observer`` must be
    None: an observer cannot run on the workers (``analysis`` is the way to see every value)."""
    options = options or Options()
    if options.observer is not None:
        raise ValueError("an observer cannot run on a cluster's workers; pass analysis=")
    collect = None
    if analysis is not None or grouping is not None:
        collect = Collect(drift_cap=analysis.cap if analysis is not None else None)
        if grouping is not None:
            collect = replace(
                collect,
                group_by=grouping.key,
                max_examples=grouping.max_examples,
                max_groups=grouping.max_groups,
                group_cap=grouping.cap,
            )
    items = _numbered(
        list(plan(paths, options.include, options.exclude, partition_size)),
        lambda split: [_count(future) for future in client.map(newlines, split, pure=False)],
    )
    if on_split is not None:
        cut = collections.Counter(i.name for i in items if isinstance(i, Partition) and i.split)
        for name, parts in cut.items():
            on_split(name, parts)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window: collections.deque[tuple[Partition | Finding, Any]] = collections.deque()
    pending = iter(items)

    def submit() -> bool:
        item = next(pending, None)
        if item is None:
            return False
        if isinstance(item, Finding):
            window.append((item, None))
        else:
            window.append((item, client.submit(_check, options, item, collect, pure=False)))
        return True

    while len(window) < workers * _AHEAD and submit():
        pass
    while window:
        item, future = window.popleft()
        submit()
        if isinstance(item, Finding):
            yield Result(item.location, None, (item,))
            continue
        outcome = _outcome(item, future)
        if analysis is not None and outcome.analysis is not None:
            analysis.merge(outcome.analysis)
        if grouping is not None and outcome.grouping is not None:
            grouping.merge(outcome.grouping)
        yield from outcome.results


def _numbered(items: list[Partition | Finding], count: Any) -> list[Partition | Finding]:
    """The plan with each byte range's line numbering filled in, the ranges' newlines counted
    by ``count`` (a function of the list of ranges)."""
    split = [item for item in items if isinstance(item, Partition) and item.split]
    if not split:
        return items
    # A file's last range numbers no range after it: its newlines need no counting.
    needed = [p for p, after in itertools.pairwise(split) if after.path == p.path and after.start]
    counted = dict(zip(needed, count(needed) if needed else [], strict=True))
    numbered = iter(number_lines(split, [counted.get(p, 0) for p in split]))
    return [
        next(numbered) if isinstance(item, Partition) and item.split else item for item in items
    ]


def _count(future: Any) -> int:
    """A range's newlines, or ``UNCOUNTED`` when no attempt could count them."""
    try:
        count: int = future.result()
    except Exception:  # a worker that died on every attempt
        count = UNCOUNTED
    future.release()
    return count


def _outcome(partition: Partition, future: Any) -> Outcome:
    """The partition's outcome, or an unreadable finding when no attempt could check it."""
    try:
        outcome: Outcome = future.result()
    except Exception as exc:  # a worker that died on every attempt, or a task that failed
        future.release()
        message = f"could not be checked on the cluster ({type(exc).__name__})"
        where = Location(partition.name)
        finding = Finding(kind="unreadable", location=where, message=f"{partition}: {message}")
        return Outcome((Result(where, None, (finding,)),))
    future.release()
    return outcome


# --- on the workers ------------------------------------------------------------------------------

# Each worker process compiles the catalog once per schemas folder as it stands, and keeps it
# for every partition it is sent; a folder changed since (a long-lived cluster, a derive run in
# between) is compiled again.
_ENGINES: dict[tuple[str, tuple[tuple[str, int, int], ...]] | None, Engine] = {}


def _engine(options: Options) -> Engine:
    from conformance.catalog import load_catalog
    from conformance.validation import Engine

    key = None if options.schemas is None else _folder(os.fspath(options.schemas))
    engine = _ENGINES.get(key)
    if engine is None:
        engine = _ENGINES[key] = Engine(load_catalog(options.schemas))
    return engine


def prepare(options: Options | None = None) -> None:
    """Compile the catalog of ``options`` on a worker ahead of its first partition:
    ``client.run(prepare, options)`` warms every worker of a cluster in use."""
    _engine(options or Options())


def _folder(path: str) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """A schemas folder as it stands: its path, and each file's name, size and change time
    (the catalog loads only the folder's own files; one that cannot be listed: none)."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
        files = tuple(
            (e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries if e.is_file()
        )
    except OSError:
        files = ()
    return path, files


def _check(options: Options, partition: Partition, collect: Collect | None) -> Outcome:
    return check(options, partition, collect, _engine(options))


def _findings(options: Options, item: Partition | Finding) -> list[Finding]:
    if isinstance(item, Finding):
        return [item]
    return [f for result in _check(options, item, None).results for f in result.findings]


# --- the dask.bag API ----------------------------------------------------------------------------


def bag(
    paths: Sequence[str],
    options: Options | None = None,
    *,
    partition_size: int = DEFAULT_PARTITION,
) -> Any:
    """The findings of the inputs as a ``dask.bag.Bag``, one bag partition per input partition,
    in input order: the same findings, with the same locations, as ``conformance.check_paths``.
    The newlines of split files are counted when the bag is made (a first, fast pass on the
    current scheduler); the findings when the bag is computed."""
    _dask()
    import importlib

    # Dask's functions carry no type information: used through Any.
    dask: Any = importlib.import_module("dask")
    from_delayed: Any = importlib.import_module("dask.bag").from_delayed

    options = options or Options()
    if options.observer is not None:
        raise ValueError("an observer cannot run on a cluster's workers")
    items = _numbered(
        list(plan(paths, options.include, options.exclude, partition_size)),
        lambda split: list(dask.compute(*[dask.delayed(newlines)(p) for p in split])),
    )
    task = dask.delayed(_findings, pure=True)
    return from_delayed([task(options, item) for item in items])
