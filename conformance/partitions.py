"""A run's inputs cut into partitions that independent workers check, and one partition checked.

A cluster (``conformance.cluster``) cannot hand a worker a file's lines: it hands each worker the
name of an input and, for an uncompressed NDJSON file or object, a byte range of it. ``plan``
cuts the inputs so (every other input, and a compressed object, which cannot be read from the
middle, is one partition); ``check`` is what a worker runs on one. Nothing here imports Dask:
the partitions are plain data, and the functions plain functions of them.

A byte range is cut anywhere; the worker moves each end to the start of a line (the first line
that starts at or after it), so every line is read by exactly one worker whatever the cut, and
lines are split with the same ``LineReader`` as a run in one process. Line numbers must be those
of the whole file, which a worker reading from the middle cannot know: a first pass counts the
newlines of each range (``newlines``: a read at memory speed, against validation's parse), and
the number of a range's first line follows from the counts of the ranges before it
(``number_lines``). Findings, counts and drift are then exactly those of a run in one process;
only the contract rules over a series of documents (``conformance.rules``) see each partition as
a series of its own, as they do with ``--jobs``.

A partition's results are those of a run in one process over the same bytes. With ``Collect``,
the worker also builds the partition's drift analysis (``conformance.drift.Analysis``, which
needs every resource's values and so must run where the documents are parsed), handed back for
the caller to merge in partition order.
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any

from conformance.findings import Finding, Location, Result

# At most this many ranges of one file, as for --jobs (larger ranges for a larger file): a tiny
# partition size must not make a plan of millions of tasks.
from conformance.parallel import MAX_RANGES as MAX_RANGES
from conformance.remote import base_name, is_url, object_size, open_seekable, shown
from conformance.sources import DEFAULT_INCLUDE, LineReader, Lines, after_newline, expand

if TYPE_CHECKING:
    from conformance.groups import Key
    from conformance.pipeline import Options

DEFAULT_PARTITION = 64 * 1024 * 1024
# The newlines of a range that could not be read, and of every range after it in its file.
UNCOUNTED = -1
_COUNT_BLOCK = 1 << 20


@dataclass(frozen=True)
class Partition:
    """One input, or one byte range of an uncompressed NDJSON input, to check on one worker.

    ``path`` is what is opened (a local path or a URL), ``name`` what reports call it (a URL
    with its user info redacted). ``end`` None: the whole input, read as a run in one process
    reads it. ``newlines`` is the count of LFs in ``[0, start)`` once ``number_lines`` knows it.
    """

    path: str
    name: str
    start: int = 0
    end: int | None = None
    newlines: int = 0

    @property
    def split(self) -> bool:
        return self.end is not None

    def __str__(self) -> str:
        if self.end is None:
            return self.name
        return f"{self.name} bytes {self.start}-{self.end}"


@dataclass(frozen=True)
class Collect:
    """What a worker builds besides the results: the drift analysis with its cap (None: none),
    and the drift per group (``conformance.groups``) by the key ``group_by`` (None: none)."""

    drift_cap: int | None = None
    group_by: Key | None = None
    max_examples: int = 3
    max_groups: int = 1_000
    group_cap: int = 10_000


@dataclass(frozen=True)
class Outcome:
    """A checked partition: its results in order, and the analyses ``Collect`` asked for."""

    results: tuple[Result, ...]
    analysis: Any = None
    grouping: Any = None


def plan(
    paths: Sequence[str],
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    size: int = DEFAULT_PARTITION,
) -> Iterator[Partition | Finding]:
    """The partitions of the inputs in input order (a file's ranges in file order, about
    ``size`` each but at most ``MAX_RANGES`` of them; a file smaller than one and a half
    ranges is kept whole), and the
    findings of inputs that cannot even be listed. ``-`` (standard input) cannot be read by a
    worker: a ``ValueError``."""
    if size < 1:
        raise ValueError(f"the partition size must be at least 1 byte, not {size}")
    for path in expand(paths, include, exclude):
        if isinstance(path, Finding):
            yield path
            continue
        if path == "-":
            raise ValueError("standard input (-) cannot be read by a cluster's workers")
        name = shown(path) if is_url(path) else path
        total = _splittable_size(path)
        # Ranges of about ``size`` and of one size: a file a little past a multiple of it is
        # not left with a sliver of a range, whose task would cost more than its bytes.
        count = min(round(total / size), MAX_RANGES) if total is not None else 1
        if total is None or count <= 1:
            yield Partition(path, name)
            continue
        bounds = [total * n // count for n in range(count + 1)]
        for start, end in itertools.pairwise(bounds):
            yield Partition(path, name, start, end)


def _splittable_size(path: str) -> int | None:
    """The size of an uncompressed NDJSON file or object, or None for any other input."""
    if base_name(path) != path or not path.lower().endswith((".ndjson", ".jsonl")):
        return None
    if is_url(path):
        return object_size(path)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def newlines(partition: Partition) -> int:
    """The count of LFs in the partition's byte range: 0 for a whole input, ``UNCOUNTED`` for
    one that cannot be read (checking the ranges after it then says so, rather than number
    their lines wrong)."""
    if partition.end is None:
        return 0
    stream = _open(partition.path)
    if isinstance(stream, str):
        return UNCOUNTED
    count = 0
    try:
        with stream:
            stream.seek(partition.start)
            left = partition.end - partition.start
            while left > 0 and (block := stream.read(min(_COUNT_BLOCK, left))):
                count += block.count(b"\n")
                left -= len(block)
    except Exception:  # the file system's own errors, OSError among them
        return UNCOUNTED
    return count


def number_lines(partitions: Sequence[Partition], counts: Sequence[int]) -> list[Partition]:
    """The partitions with the LFs before each range filled in from every range's count;
    ``UNCOUNTED`` for the ranges after one that could not be counted."""
    numbered: list[Partition] = []
    before = 0
    previous: str | None = None
    for partition, count in zip(partitions, counts, strict=True):
        # A new file, or the same file named again (its first range starts at 0).
        if partition.path != previous or partition.start == 0:
            before, previous = 0, partition.path
        numbered.append(replace(partition, newlines=before))
        before = UNCOUNTED if UNCOUNTED in (before, count) else before + count
    return numbered


def check(
    options: Options, partition: Partition, collect: Collect | None = None, engine: Any = None
) -> Outcome:
    """The results of one partition, checked with ``options`` (which have no observer) and
    ``engine`` (a ``conformance.validation.Engine``; None: made from the options), and the
    analysis ``collect`` asks for."""
    from conformance.catalog import load_catalog
    from conformance.drift import observers as observers_of
    from conformance.pipeline import Pipeline
    from conformance.validation import Engine

    engine = engine or Engine(load_catalog(options.schemas))
    analysis = grouping = None
    observers: list[Callable[[str, Any, Location], None]] = []
    if collect is not None and collect.drift_cap is not None:
        from conformance.drift import Analysis

        analysis = Analysis(engine.catalog, collect.drift_cap)
        observers.append(analysis.observe)
    if collect is not None and collect.group_by is not None:
        from conformance.groups import Grouping

        grouping = Grouping(
            collect.group_by,
            max_examples=collect.max_examples,
            max_groups=collect.max_groups,
            cap=collect.group_cap,
        )
        observers.append(grouping.observe)
    options = replace(options, jobs=1, observer=observers_of(*observers))
    # A pipeline of the partition's own: its contract rules' series starts afresh, whichever
    # partitions the worker checked before.
    pipeline = Pipeline(options, engine)
    whole = partition.end is None
    found = pipeline.run([partition.path]) if whole else _check_range(pipeline, partition)
    results = []
    for result in found:
        # Each result as it comes: the analyses place a document's values by its findings.
        if analysis is not None:
            analysis.add(result)
        if grouping is not None:
            grouping.add(result)
        results.append(result)
    return Outcome(tuple(results), analysis, grouping)


def _check_range(pipeline: Any, partition: Partition) -> Iterator[Result]:
    assert partition.end is not None
    stream: IO[bytes] | str = "its lines cannot be numbered: a range before it could not be read"
    if partition.newlines != UNCOUNTED:
        stream = _open(partition.path)
    if isinstance(stream, str):
        where = Location(partition.name)
        message = f"bytes {partition.start}-{partition.end}: {stream}"
        yield Result(where, None, (Finding(kind="unreadable", location=where, message=message),))
        return
    with stream:
        # No line starts in the range when its start runs into its end: a line that began
        # before it covers it all (and is not looked through to its end again here, which
        # would cost every range of a file with no LF the rest of the file).
        start = _line_start(stream, partition.start, partition.end)
        if start >= partition.end:
            return
        end = _line_start(stream, partition.end)
        stream.seek(start)
        # The lines before: the LFs before the range, and the one the start moved past.
        first = 1 + partition.newlines + (1 if start > partition.start else 0)
        reader = LineReader(stream, pipeline.options.max_document, end - start)
        yield from pipeline.check_lines(Lines(reader, partition.name, first=first))


def _line_start(stream: IO[bytes], offset: int, limit: int | None = None) -> int:
    """The offset of the first line that starts at or after ``offset``: ``offset`` itself at
    the file's start or just after an LF, else just after the next LF (at most ``limit``)."""
    return 0 if offset == 0 else after_newline(stream, offset - 1, limit)


def _open(path: str) -> IO[bytes] | str:
    """The input opened for reads at any offset, or why it cannot be."""
    if is_url(path):
        return open_seekable(path)
    try:
        return open(path, "rb")  # closed by the caller's with
    except OSError as exc:
        return f"cannot read: {(exc.strerror or type(exc).__name__).lower()}"
    except ValueError:
        return "cannot read: the name holds a NUL character"
