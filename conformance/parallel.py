"""NDJSON in parallel: worker processes validate byte ranges of one file, read by themselves.

Lines are never pickled through a pipe: the parent only finds range boundaries (a seek and a
short read each), every worker reads its own ranges from the file, and what comes back is the
results, which for conforming lines are runs (one small object per ten thousand lines). Ranges
are consumed in order, so results arrive in file order and line numbers can be rebased as they
come. Memory stays flat: a worker holds one range at a time.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from conformance.findings import Location, Result
from conformance.sources import Lines

if TYPE_CHECKING:
    from conformance.pipeline import Pipeline

RANGE_BYTES = 4 * 1024 * 1024
_worker: Pipeline | None = None


def ranges(path: str, size: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` covering the file, each ending just after a newline."""
    size = size or RANGE_BYTES
    total = os.path.getsize(path)
    bounds = [0]
    with open(path, "rb") as stream:
        while bounds[-1] + size < total:
            stream.seek(bounds[-1] + size)
            stream.readline()
            at = stream.tell()
            if at >= total:
                break
            bounds.append(at)
    bounds.append(total)
    return list(itertools.pairwise(bounds))


def _check_range(task: tuple[str, str, int, int]) -> tuple[int, list[Result]]:
    """In a worker: the number of lines of one range, and its results (lines counted from 1)."""
    path, name, start, end = task
    assert _worker is not None
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(end - start)
    lines = data.splitlines(keepends=True)
    return len(lines), list(_worker.check_lines(Lines(lines, name)))


def _init(pipeline: Pipeline) -> None:
    global _worker
    _worker = pipeline


def _rebased(location: Location, offset: int) -> Location:
    if location.line is None:
        return location
    last = location.last_line + offset if location.last_line is not None else None
    entry = location.entry + offset if location.entry is not None else None
    # Built directly rather than with dataclasses.replace, which costs several times more.
    return Location(
        location.source,
        location.line + offset,
        location.column,
        entry,
        location.entry_kind,
        location.within,
        last,
    )


def _rebase(result: Result, offset: int) -> Result:
    if offset == 0:
        return result
    findings = tuple(replace(f, location=_rebased(f.location, offset)) for f in result.findings)
    return replace(result, location=_rebased(result.location, offset), findings=findings)


def check_file(pipeline: Pipeline, path: str, name: str, jobs: int) -> Iterator[Result]:
    """The results of an NDJSON file, validated by ``jobs`` worker processes, in file order."""
    tasks = [(path, name, start, end) for start, end in ranges(path)]
    if len(tasks) < 2:
        with open(path, "rb") as stream:
            yield from pipeline.check_lines(Lines(stream, name))
        return
    # Build what every worker needs before forking, so that each inherits it compiled.
    pipeline.warm()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    offset = 0
    with context.Pool(jobs, initializer=_init, initargs=(pipeline,)) as pool:
        for count, results in pool.imap(_check_range, tasks):
            for result in results:
                yield _rebase(result, offset)
            offset += count
