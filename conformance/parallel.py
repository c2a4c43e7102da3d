"""NDJSON in parallel: forked workers validate byte ranges of one file, read by themselves.

Lines are never pickled through a pipe: the parent only finds range boundaries (a seek and a
short read each), and each worker reads its own ranges from the file. Worker ``k`` of ``n`` takes
ranges ``k``, ``k + n``, ``k + 2n``...; for each it sends back, on a pipe of its own, the number
of lines and the results, which for conforming lines are runs (one small object per ten thousand
lines). The parent reads the ranges' results in file order, so line numbers are rebased as they
come and the report keeps the file's order. Memory stays flat: a worker holds one range at a time
and waits on its pipe when it is a range ahead of the parent.

Workers are plain ``os.fork`` children rather than a ``multiprocessing`` pool: they inherit the
run's engine as it is, and there is no pool to import and start, no task queue and no result
threads, which on two cores cost as much as a tenth of the run. Should a worker fail, the parent
validates what was left of its ranges itself; where there is no ``fork`` (Windows), the file is
validated in one process.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pickle
import signal
import struct
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from conformance.findings import Location, Result
from conformance.sources import Lines

if TYPE_CHECKING:
    from conformance.pipeline import Pipeline

RANGE_BYTES = 4 * 1024 * 1024
_HEADER = struct.Struct("<Q")


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


def check_range(
    pipeline: Pipeline, path: str, name: str, span: tuple[int, int]
) -> tuple[int, list[Result]]:
    """The number of lines of one range of the file, and its results (lines counted from 1)."""
    start, end = span
    with open(path, "rb") as stream:
        stream.seek(start)
        data = stream.read(end - start)
    lines = data.splitlines(keepends=True)
    return len(lines), list(pipeline.check_lines(Lines(lines, name)))


def check_file(pipeline: Pipeline, path: str, name: str, jobs: int) -> Iterator[Result]:
    """The results of an NDJSON file, validated by ``jobs`` worker processes, in file order."""
    spans = ranges(path)
    if len(spans) < 2 or not hasattr(os, "fork"):
        with open(path, "rb") as stream:
            yield from pipeline.check_lines(Lines(stream, name))
        return
    workers = [_Worker.start(pipeline, path, name, spans, k, jobs) for k in range(jobs)]
    offset = 0
    try:
        for index, span in enumerate(spans):
            got = workers[index % jobs].next_range()
            count, results = got if got is not None else check_range(pipeline, path, name, span)
            for result in results:
                yield _rebase(result, offset)
            offset += count
    finally:
        for worker in workers:
            worker.stop()


class _Worker:
    """A forked child that validates every ``jobs``-th range and pickles the results back."""

    def __init__(self, pid: int, pipe: int, ranges: int) -> None:
        self.pid, self.pipe = pid, pipe
        self.remaining = ranges
        self.failed = False

    @classmethod
    def start(
        cls,
        pipeline: Pipeline,
        path: str,
        name: str,
        spans: list[tuple[int, int]],
        first: int,
        step: int,
    ) -> _Worker:
        # Nothing buffered may be written twice, by the parent and again by a child.
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            status = 1
            try:
                os.close(read)
                for span in spans[first::step]:
                    data = pickle.dumps(check_range(pipeline, path, name, span), protocol=5)
                    _write_all(write, _HEADER.pack(len(data)) + data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        return cls(pid, read, len(spans[first::step]))

    def next_range(self) -> tuple[int, list[Result]] | None:
        """The next range's (line count, results), or None once this worker has failed."""
        if self.failed:
            return None
        try:
            (size,) = _HEADER.unpack(_read_exact(self.pipe, _HEADER.size))
            loaded: tuple[int, list[Result]] = pickle.loads(_read_exact(self.pipe, size))
        except (EOFError, OSError, pickle.UnpicklingError):
            self.failed = True
            return None
        self.remaining -= 1
        return loaded

    def stop(self) -> None:
        """Reap the process; one with ranges still to send (the run was cut short) is ended."""
        if self.pipe < 0:
            return
        if self.remaining > 0 or self.failed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        os.close(self.pipe)
        self.pipe = -1
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exact(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the worker ended before sending a whole range")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


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
