"""NDJSON in parallel: forked workers validate byte ranges of one file, read by themselves.

Lines are never pickled through a pipe: the parent only finds range boundaries (a seek and a
short read each), and each worker reads its own ranges from the file. Workers take the next range
as they become free (from a pipe of range numbers, so a worker held up by a busy machine holds up
no one) and send back, on a pipe of their own, the range's number, its count of lines and its
results, which for conforming lines are runs (one small object per ten thousand lines). The
parent hands the results on in file order, so line numbers are rebased as they come and the
report keeps the file's order; it keeps the few that arrive early until their turn.

Workers are plain ``os.fork`` children rather than a ``multiprocessing`` pool: they inherit the
run's engine as it is, and there is no pool to import and start, no task queue and no result
threads, which on two cores cost as much as a tenth of the run. Should a worker fail, the parent
validates the ranges it took and did not send; where there is no ``fork`` (Windows), the file is
validated in one process.

Both paths split lines with the same ``LineReader`` (on LF alone, a line past the document size
cap skipped unread), and a range ends just after an LF, so line numbers and documents are the
same whoever reads. Each worker costs the parent a pipe: where file descriptors run short (a low
``ulimit -n``), fewer workers are started than asked for, or none, and the run says so on stderr
rather than failing.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import pickle
import selectors
import signal
import struct
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Protocol

from conformance.findings import Location, Result
from conformance.sources import LineReader, Lines, after_newline


class _Capped(Protocol):
    @property
    def max_document(self) -> int: ...


class _Forgetting(Protocol):
    def forget(self) -> None: ...


class LineChecker(Protocol):
    """What the workers use of a run's pipeline (``conformance.pipeline.Pipeline``): its check
    of NDJSON lines and its document size cap. Named here, so that this module needs nothing of
    the pipeline that calls it."""

    @property
    def options(self) -> _Capped: ...

    @property
    def series(self) -> _Forgetting: ...

    def check_lines(self, lines: Lines) -> Iterator[Result]: ...


RANGE_BYTES = 4 * 1024 * 1024
# At most this many ranges (larger ranges for larger files): their numbers, 4 bytes each, must all
# fit in a pipe's buffer before any worker starts.
MAX_RANGES = 4096
_HEADER = struct.Struct("<Q")
_TASK = struct.Struct("<I")


def ranges(path: str, size: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges of about ``size`` covering the file, each ending just after a newline."""
    total = os.path.getsize(path)
    size = max(size or RANGE_BYTES, -(-total // MAX_RANGES))
    bounds = [0]
    with open(path, "rb") as stream:
        while bounds[-1] + size < total:
            at = after_newline(stream, bounds[-1] + size)
            if at >= total:
                break
            bounds.append(at)
    bounds.append(total)
    return list(itertools.pairwise(bounds))


def check_range(
    pipeline: LineChecker, path: str, name: str, span: tuple[int, int]
) -> tuple[int, list[Result]]:
    """The number of lines of one range of the file, and its results (lines counted from 1)."""
    start, end = span
    # Each range is a series of its own (the contract rules over a source's documents): a
    # worker's earlier range is not the one before this.
    pipeline.series.forget()
    with open(path, "rb") as stream:
        stream.seek(start)
        lines = LineReader(stream, pipeline.options.max_document, end - start)
        results = list(pipeline.check_lines(Lines(lines, name)))
    return lines.count, results


def check_file(pipeline: LineChecker, path: str, name: str, jobs: int) -> Iterator[Result]:
    """The results of an NDJSON file, validated by ``jobs`` worker processes, in file order."""
    spans = ranges(path)
    workers: list[_Worker] = []
    waiting: selectors.BaseSelector | None = None
    if len(spans) >= 2 and hasattr(os, "fork"):
        waiting, workers = _start(pipeline, path, name, spans, jobs)
    if not workers:
        if waiting is not None:
            waiting.close()
        with open(path, "rb") as stream:
            yield from pipeline.check_lines(
                Lines(LineReader(stream, pipeline.options.max_document), name)
            )
        return
    assert waiting is not None
    arrived: dict[int, tuple[int, list[Result]]] = {}
    offset = 0
    try:
        for index, span in enumerate(spans):
            while index not in arrived and waiting.get_map():
                _receive(waiting, arrived)
            # Not sent by any worker (one failed while on it): validated here instead.
            got = arrived.pop(index, None)
            count, results = got if got is not None else check_range(pipeline, path, name, span)
            for result in results:
                yield _rebase(result, offset)
            offset += count
    finally:
        waiting.close()
        for worker in workers:
            worker.stop()


def _start(
    pipeline: LineChecker, path: str, name: str, spans: list[tuple[int, int]], jobs: int
) -> tuple[selectors.BaseSelector | None, list[_Worker]]:
    """The selector the parent waits on and the workers started: ``jobs`` of them (no more than
    there are ranges), or as many as the file descriptors left allow; none when not even one
    can start, and then the caller validates in one process."""
    started: list[_Worker] = []
    wanted = min(jobs, len(spans))
    affordable = min(wanted, _spare_descriptors() - _RESERVE)
    short = "too few file descriptors left (ulimit -n)"
    if affordable < 1:
        _note(jobs, 0, short)
        return None, started
    try:
        waiting = selectors.DefaultSelector()
    except OSError as exc:
        _note(jobs, 0, _reason(exc))
        return None, started
    try:
        # Every range number is in the pipe before a worker starts, each a write of 4 bytes, so
        # a worker's read of 4 bytes takes exactly one; the end of the pipe is the end of the
        # work.
        tasks_read, tasks_write = os.pipe()
    except OSError as exc:
        waiting.close()
        _note(jobs, 0, _reason(exc))
        return None, started
    for index in range(len(spans)):
        os.write(tasks_write, _TASK.pack(index))
    os.close(tasks_write)
    try:
        for _ in range(affordable):
            inherited = [worker.pipe for worker in started]
            started.append(_Worker.start(pipeline, path, name, spans, tasks_read, inherited))
    except OSError as exc:  # no descriptor or process left for one more
        short = _reason(exc)
    finally:
        os.close(tasks_read)
    if len(started) < wanted:
        _note(jobs, len(started), short)
    for worker in started:
        waiting.register(worker.pipe, selectors.EVENT_READ, worker)
    return waiting, started


# Descriptors the parent keeps free once its workers run: the file it validates from again (a
# range a worker did not send), the next input file, and modules still to be imported.
_RESERVE = 8


def _spare_descriptors() -> int:
    """How many more files this process may open (a large number where that cannot be told)."""
    unknown = 1 << 30
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        listing = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
        open_now = len(os.listdir(listing)) - 1  # less the descriptor of the listing itself
    except (ImportError, OSError, ValueError):
        return unknown
    if soft < 0 or soft == resource.RLIM_INFINITY:
        return unknown
    return soft - open_now


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        return "too few file descriptors left (ulimit -n)"
    return (exc.strerror or type(exc).__name__).lower()


def _note(jobs: int, started: int, reason: str) -> None:
    how = f"with {started} worker process{'es' if started > 1 else ''}" if started else ""
    print(
        f"conformance: note: --jobs {jobs}: {reason}; validating {how or 'in one process'}",
        file=sys.stderr,
    )


def _receive(waiting: selectors.BaseSelector, arrived: dict[int, tuple[int, list[Result]]]) -> None:
    """Wait for the next range any worker sends and keep it; a worker at its end is let go."""
    for key, _ in waiting.select():
        worker: _Worker = key.data
        got = worker.next_range()
        if got is None:
            waiting.unregister(key.fileobj)
        else:
            index, count, results = got
            arrived[index] = (count, results)


class _Worker:
    """A forked child that validates the ranges it takes and pickles the results back."""

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid, self.pipe = pid, pipe
        self.alive = True

    @classmethod
    def start(
        cls,
        pipeline: LineChecker,
        path: str,
        name: str,
        spans: list[tuple[int, int]],
        tasks: int,
        inherited: list[int],
    ) -> _Worker:
        """Fork one worker; ``inherited`` are the other workers' pipes, which it closes."""
        # Nothing buffered may be written twice, by the parent and again by a child.
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns into the parent's code
            status = 1
            try:
                os.close(read)
                for fd in inherited:  # descriptors are few where workers were cut short
                    os.close(fd)
                while task := os.read(tasks, _TASK.size):
                    (index,) = _TASK.unpack(task)
                    count, results = check_range(pipeline, path, name, spans[index])
                    data = pickle.dumps((index, count, results), protocol=5)
                    _write_all(write, _HEADER.pack(len(data)) + data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        return cls(pid, read)

    def next_range(self) -> tuple[int, int, list[Result]] | None:
        """The next range's (number, line count, results); None at the end or on a failure."""
        try:
            header = _read_exact(self.pipe, _HEADER.size)
            if not header:
                self.alive = False
                return None
            (size,) = _HEADER.unpack(header)
            loaded: tuple[int, int, list[Result]] = pickle.loads(_read_exact(self.pipe, size))
        except (EOFError, OSError, pickle.UnpicklingError):
            self.alive = False
            return None
        return loaded

    def stop(self) -> None:
        """Reap the process; one still working (the run was cut short) is ended first."""
        if self.pipe < 0:
            return
        if self.alive:
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
    """``size`` bytes from the pipe; empty at its end, EOFError if it ends part way."""
    chunks = []
    wanted = size
    while wanted:
        chunk = os.read(fd, min(wanted, 1 << 20))
        if not chunk:
            if wanted == size:
                return b""
            raise EOFError("the worker ended part way through sending a range")
        chunks.append(chunk)
        wanted -= len(chunk)
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
