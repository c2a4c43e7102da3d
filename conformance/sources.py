"""Sources: files, NDJSON streams, HAR files, VCR cassettes, folders and stdin, read into bodies.

A source yields ``Body`` values (the JSON text of one response or fixture, where it stands, and
the request it answered) or, for what cannot be read, an ``unreadable`` finding with the file and
as much of the position as is known, so that one bad input never stops a run. Bodies are not
parsed here; ``documents`` does that. Large inputs are streamed: NDJSON line by line, HAR entry by
entry, so memory stays flat whatever the file's size.

Request headers kept as a body's origin are redacted here, before anything else sees them.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# What a source yields for a response, and how a recorded body is decoded, live in
# ``conformance.bodies`` (the recordings' readers need them without importing this module back);
# re-exported for callers that know them from here.
from conformance.bodies import DEFAULT_MAX_BODY as DEFAULT_MAX_BODY
from conformance.bodies import Body as Body
from conformance.bodies import BodyError as BodyError
from conformance.bodies import Skipped as Skipped
from conformance.bodies import decode_body as decode_body
from conformance.bodies import make_origin as make_origin
from conformance.config import GlobMatcher
from conformance.findings import Finding, Location

# The rules live in ``conformance.redaction``; re-exported for callers that know them from here.
from conformance.redaction import REDACTED as REDACTED
from conformance.redaction import SECRET_HEADERS as SECRET_HEADERS
from conformance.redaction import redact_header as redact_header
from conformance.redaction import redact_url as redact_url
from conformance.remote import base_name, expand_url, is_url, open_url, shown

DEFAULT_INCLUDE = ("*.json", "*.ndjson", "*.jsonl", "*.har", "*.yaml", "*.yml")


# A JSON document (a file, an NDJSON line, stdin) larger than this is refused before it is read
# whole or parsed: a parsed document takes several times its size in memory.
DEFAULT_MAX_DOCUMENT = 64 * 1024 * 1024
# What a line reader yields in place of a line longer than the cap, which it skips without ever
# holding it whole. Told apart by identity; as text it is not JSON, so a reader that does not
# know it refuses it too.
TOO_LONG = b"\x00<an NDJSON line longer than the document size cap>"
# NDJSON is read in blocks of this size, split into lines at C speed. Small enough that a block's
# lines are still in the CPU's cache when they are parsed (1 MiB blocks were slower than reading
# line by line), large enough that a block costs little next to its lines.
_BLOCK = 1 << 18


def human_size(size: int) -> str:
    """``64 MiB`` for a whole number of MiB (or GiB, KiB), else the bytes."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"


class LineReader:
    """The lines of a binary stream, split on LF alone, in memory bounded by ``limit``.

    Every NDJSON reader (one process, each worker's byte range, stdin) splits through this one,
    so that they all number lines alike: a CR is part of its line (JSON reads a CRLF's CR as
    blank space), and a last line without an LF is a line. Lines come without their LF. A line
    longer than ``limit`` comes as ``TOO_LONG``; it is skipped block by block, never joined.
    ``size`` bounds how many bytes are read (a worker's range). ``count`` is how many lines
    (blank ones and skipped ones included) have been handed out.
    """

    def __init__(
        self, stream: IO[bytes], limit: int = DEFAULT_MAX_DOCUMENT, size: int | None = None
    ) -> None:
        self.stream, self.limit, self.remaining = stream, limit, size
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        # Lists of lines chained at C speed: the bulk loop pays no Python call per line here.
        return itertools.chain.from_iterable(self._blocks())

    def _read(self) -> bytes:
        if self.remaining is None:
            return self.stream.read(_BLOCK)
        data = self.stream.read(min(_BLOCK, self.remaining)) if self.remaining > 0 else b""
        self.remaining -= len(data)
        return data

    def _blocks(self) -> Iterator[list[bytes]]:
        limit = self.limit
        pending: list[bytes] = []  # the start of a line that goes on in the next block
        pending_size = 0
        skipping = False  # inside a line past the cap: discarded up to its LF
        while data := self._read():
            lines = data.split(b"\n")
            tail = lines.pop()  # after the block's last LF: a line that goes on, or b""
            if not lines:
                if not skipping:
                    pending.append(tail)
                    pending_size += len(tail)
                    if pending_size > limit:
                        pending, pending_size, skipping = [], 0, True
                continue
            if skipping:
                lines[0], skipping = TOO_LONG, False
            elif pending:
                whole = pending_size + len(lines[0]) <= limit
                lines[0] = b"".join((*pending, lines[0])) if whole else TOO_LONG
                pending, pending_size = [], 0
            if len(data) > limit:  # a small cap: whole lines of the block may pass it
                lines = [TOO_LONG if len(line) > limit else line for line in lines]
            self.count += len(lines)
            yield lines
            if len(tail) > limit:
                skipping = True
            elif tail:
                pending, pending_size = [tail], len(tail)
        if skipping or pending:
            self.count += 1
            yield [TOO_LONG if skipping else b"".join(pending)]


# A line's end is looked for in blocks of this size.
_SEARCH = 1 << 16


def after_newline(stream: IO[bytes], start: int, limit: int | None = None) -> int:
    """The offset just after the first LF at or after ``start`` (the end of the stream if
    none; ``limit`` if none comes before it), looked for block by block: a line of gigabytes
    is never read whole. Where byte ranges of one file are read apart, this is where a range's
    lines begin."""
    stream.seek(start)
    at = start
    while (limit is None or at < limit) and (
        block := stream.read(_SEARCH if limit is None else min(_SEARCH, limit - at))
    ):
        found = block.find(b"\n")
        if found >= 0:
            return at + found + 1
        at += len(block)
    return at if limit is None else min(at, limit)


@dataclass(frozen=True)
class Lines:
    """An open NDJSON stream, handed over whole: the pipeline reads its lines in a tight loop.

    It is only valid until the consumer asks the source for its next item. A binary stream given
    as ``stream`` is read through a ``LineReader`` with the default cap.
    """

    stream: Iterable[bytes]
    name: str
    # The file's path when the lines can be re-read by range (not stdin): parallel runs need it.
    path: str | None = None
    # The number of the stream's first line: a partition of a file read on a cluster starts
    # part way through it (``conformance.partitions``).
    first: int = 1

    def __post_init__(self) -> None:
        if isinstance(self.stream, io.IOBase):
            object.__setattr__(self, "stream", LineReader(self.stream))  # type: ignore[arg-type]

    def bodies(self) -> Iterator[Body]:
        """One body per non-blank line, located by its line number (``TOO_LONG`` for a line
        past the cap, which ``documents.parse`` refuses)."""
        for number, raw in enumerate(self.stream, self.first):
            if raw.isspace() or not raw:
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield Body(raw, Location(self.name, number, entry=number, entry_kind="line"))


Item = Body | Finding | Lines | Skipped


def _unreadable(location: Location, message: str) -> Finding:
    return Finding(kind="unreadable", location=location, message=message)


# --- Formats -------------------------------------------------------------------------------------


def _format_of(path: str, head: bytes) -> str:
    name = path.lower()
    if name.endswith((".ndjson", ".jsonl")):
        return "ndjson"
    if name.endswith(".har"):
        return "har"
    if name.endswith((".yaml", ".yml")):
        return "cassette"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        if re.search(rb'"log"\s*:\s*\{', head) and b'"entries"' in head:
            return "har"
        if re.search(rb'"interactions"\s*:\s*\[', head):
            return "cassette"
        return "json"
    if start.startswith(b"["):
        return "json"
    if re.match(rb"(---\s*)?(interactions|version)\s*:", start):
        return "cassette"
    return "json"


def read_stream(
    stream: io.BufferedReader,
    name: str,
    *,
    max_body: int = DEFAULT_MAX_BODY,
    max_document: int = DEFAULT_MAX_DOCUMENT,
    size: int | None = None,
    urls: Sequence[str] = (),
    local: bool = True,
) -> Iterator[Item]:
    """The bodies in one binary stream, by its name's extension or, failing that, its content.

    A JSON file or a cassette is read whole, so one larger than ``max_document`` is refused
    unread (``size`` is the file's, when known); NDJSON and HAR are streamed. ``urls`` (globs)
    limit the HAR entries and cassette interactions validated to those whose request URL
    matches one; the others are ``Skipped``. It means nothing to JSON and NDJSON documents.
    """
    head = stream.peek(4096)[:4096]
    kind = _format_of(base_name(name), head)
    if kind == "ndjson":
        # Workers read byte ranges of a local file themselves; stdin and objects of a remote
        # file system are read here.
        path = name if local and name != "<stdin>" else None
        yield Lines(LineReader(stream, max_document), name, path)
    elif kind == "har":
        from conformance.recordings import read_har

        yield from read_har(stream, name, max_body, urls)
    else:
        data = _read_capped(stream, size, max_document)
        if data is None:
            yield _too_large(name, max_document)
        elif kind == "cassette":
            from conformance.recordings import read_cassette

            yield from read_cassette(data, name, max_body, urls)
        else:
            yield from _json(data, name)


def _read_capped(stream: IO[bytes], size: int | None, limit: int) -> bytes | None:
    """The whole stream, or None when it is longer than ``limit`` (then read no further)."""
    if size is not None and size > limit:
        return None
    # Asked for its measured size (a read of the cap would allocate the cap for every small
    # file), then for the rest up to the cap, since a file may have grown since it was measured.
    data = stream.read(limit + 1 if size is None else size + 1)
    if size is not None and len(data) > size:
        data += stream.read(limit + 1 - len(data))
    return data if len(data) <= limit else None


def _too_large(name: str, limit: int) -> Finding:
    return _unreadable(
        Location(name),
        f"larger than the document size cap of {human_size(limit)} (--max-document-size),"
        " so not read",
    )


def _json(data: bytes, name: str) -> Iterator[Item]:
    where = Location(name)
    if b"\x00" in data[:8192]:
        yield _unreadable(where, "binary file: expected JSON text")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield _unreadable(where, f"not UTF-8 (invalid byte at offset {exc.start})")
        return
    if not text.strip():
        yield _unreadable(where, "empty file: expected a JSON document")
        return
    yield Body(text, where)


# --- Paths, folders, stdin -----------------------------------------------------------------------


def _walk(folder: Path, include: GlobMatcher, exclude: GlobMatcher) -> Iterator[str | Finding]:
    """The files under a folder that an include glob matches and no exclude glob does.

    Globs match paths relative to their own folder (``GlobMatcher``); an excluded folder is not
    walked at all, so ``node_modules`` costs nothing.
    """
    problems: list[OSError] = []
    found: list[str] = []
    top_in, top_out = include.relative(str(folder)), exclude.relative(str(folder))
    if exclude.within(f"{top_out}/-"):  # the folder itself, or one it is in, is excluded
        return
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        dirs.sort()
        below = os.path.relpath(root, folder)
        below = "" if below == "." else below.replace(os.sep, "/") + "/"
        rel_in = f"{top_in}/{below}".removeprefix("./")
        rel_out = f"{top_out}/{below}".removeprefix("./")
        if exclude:
            dirs[:] = [d for d in dirs if not exclude.folder(rel_out + d, os.path.join(root, d))]
        for file in sorted(files):
            full = os.path.join(root, file)
            if include.file(rel_in + file, full) and not (
                exclude and exclude.file(rel_out + file, full)
            ):
                found.append(full)
    yield from found
    for problem in problems:
        reason = (problem.strerror or str(problem)).lower()
        yield _unreadable(Location(str(problem.filename)), f"cannot read folder: {reason}")


def expand(
    paths: Sequence[str], include: Sequence[str] = DEFAULT_INCLUDE, exclude: Sequence[str] = ()
) -> Iterator[str | Finding]:
    """Files named or found under folders (recursively, sorted), filtered by the globs.

    Globs are relative to their folder (``Globs.base``; plain strings: the working directory),
    as ``GlobMatcher`` says. A file named on its own is read whatever the include globs say, and
    skipped when an exclude glob matches it or a folder it is in.
    """
    including, excluding = GlobMatcher(include), GlobMatcher(exclude)
    for given in paths:
        if given == "-":
            yield given
            continue
        if is_url(given):
            # Objects of a file system (s3://, gs://, file://): a glob or a prefix is listed
            # there, what lies under a prefix picked by the include globs' file names.
            for url in expand_url(
                given, lambda name: including.file(base_name(name).rsplit("/", 1)[-1])
            ):
                if not (excluding and _url_excluded(url, excluding)):
                    yield url
            continue
        # os.path.isdir is False for a name it cannot even ask about (too long, a NUL in it),
        # where Path.is_dir raises: the reader then says what is wrong with it.
        if os.path.isdir(given):
            yield from _walk(Path(given), including, excluding)
        elif not (excluding and "\0" not in given and excluding.excludes(given)):
            yield given


def _url_excluded(url: str, exclude: GlobMatcher) -> bool:
    """Whether an exclude glob matches an object's name (its compression suffix off) or the
    name of a "folder" of its key: a URL has no path from the working directory, so only the
    globs of names (``archive``, ``*.tmp.ndjson``) apply to it."""
    *folders, name = base_name(url).split("://", 1)[-1].split("/")
    return exclude.file(name) or any(exclude.folder(part) for part in folders[1:] if part)


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is not read: a FIFO or a socket can block a run for ever, a
    device (``/dev/zero``) never ends; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    kind = next((name for test, name in _SPECIAL if test(mode)), "a special file")
    return f"not a regular file ({kind}), so not opened"


def _open(path: str) -> tuple[io.BufferedReader, int] | str:
    """The open file and its size, or why it is not read. Only regular files are opened, and
    without blocking, so that a file swapped for a FIFO after the check cannot hang the run."""
    try:
        reason = _not_regular(os.stat(path).st_mode)
        if reason is not None:
            return reason
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return "no such file"
    except PermissionError:
        return "permission denied"
    except OSError as exc:
        return f"cannot read: {(exc.strerror or type(exc).__name__).lower()}"
    except ValueError:  # a NUL in the name, which no file name can hold
        return "cannot read: the name holds a NUL character"
    try:
        info = os.fstat(fd)
        reason = _not_regular(info.st_mode)
    except OSError as exc:
        reason = f"cannot read: {(exc.strerror or type(exc).__name__).lower()}"
    if reason is not None:
        os.close(fd)
        return reason
    return os.fdopen(fd, "rb"), info.st_size


class _Replayed(io.RawIOBase):
    """Bytes already read from a stream, then the rest of the stream: what stdin was before a
    few of its lines were read to tell its format."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        if self._prefix:
            n = min(len(target), len(self._prefix))
            target[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(target))
        target[: len(data)] = data
        return len(data)


def _peekable(stream: IO[bytes], prefix: bytes = b"") -> io.BufferedReader:
    if not prefix and isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(_Replayed(prefix, stream), 1 << 16)


def _one_value(line: bytes) -> bool:
    """Whether a line holds exactly one JSON value (so that a next one makes NDJSON)."""
    import orjson

    try:
        orjson.loads(line)
        return True
    except orjson.JSONDecodeError:
        pass
    import json

    try:  # what orjson refuses and Python's parser takes (NaN, a lone surrogate)
        json.loads(line.decode("utf-8", "replace"))
        return True
    except (ValueError, RecursionError):
        return False


def read_stdin(
    stdin: IO[bytes],
    *,
    max_body: int = DEFAULT_MAX_BODY,
    max_document: int = DEFAULT_MAX_DOCUMENT,
    urls: Sequence[str] = (),
) -> Iterator[Item]:
    """The bodies on stdin: HAR and cassettes as from a file; JSON text is one document, unless
    its first line holds a whole JSON value and another value follows: then it is NDJSON, one
    document a line, streamed (``curl ... | jq -c`` and log tails are). Memory stays bounded by
    the document size cap either way."""
    name = "<stdin>"
    stream = _peekable(stdin)
    if _format_of(name, stream.peek(4096)[:4096]) != "json":
        yield from read_stream(
            stream, name, max_body=max_body, max_document=max_document, urls=urls
        )
        return
    read: list[bytes] = []  # what was read to tell the format, read again after
    size, values = 0, 0
    while values < 2:
        line = stream.readline(max_document + 1)
        if not line:
            break
        read.append(line)
        size += len(line)
        if len(line) > max_document or size > 2 * max_document:
            values = 2  # a line past the cap: NDJSON, whose reader skips it (a file: refused)
        elif not line.isspace():
            if values == 0 and not _one_value(line):
                break  # a document over several lines
            values += 1
    replay = _peekable(stream, b"".join(read))
    if values == 2:
        yield Lines(LineReader(replay, max_document), name, None)
        return
    data = _read_capped(replay, None, max_document)
    if data is None:
        yield _too_large(name, max_document)
    else:
        yield from _json(data, name)


def read_inputs(
    paths: Sequence[str],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    stdin: IO[bytes] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    max_document: int = DEFAULT_MAX_DOCUMENT,
    urls: Sequence[str] = (),
) -> Iterator[Item]:
    """Every body in every input, in order; unreadable inputs as findings, and the recorded
    exchanges left out (``Skipped``) as such."""
    for path in expand(paths, include, exclude):
        if isinstance(path, Finding):
            yield path
            continue
        if path == "-":
            yield from read_stdin(
                stdin or sys.stdin.buffer, max_body=max_body, max_document=max_document, urls=urls
            )
            continue
        remote = is_url(path)
        name = shown(path) if remote else path
        opened = open_url(path) if remote else _open(path)
        if isinstance(opened, str):
            yield _unreadable(Location(name), opened)
            continue
        file, size = opened
        try:
            with file as stream:
                yield from read_stream(
                    stream,  # type: ignore[arg-type]  # buffered: it peeks
                    name,
                    max_body=max_body,
                    max_document=max_document,
                    size=size,
                    urls=urls,
                    local=not remote,
                )
        except OSError as exc:
            yield _unreadable(Location(name), f"cannot read: {(exc.strerror or str(exc)).lower()}")
