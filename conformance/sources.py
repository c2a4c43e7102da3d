"""Sources: files, NDJSON streams, HAR files, VCR cassettes, folders and stdin, read into bodies.

A source yields ``Body`` values (the JSON text of one response or fixture, where it stands, and
the request it answered) or, for what cannot be read, an ``unreadable`` finding with the file and
as much of the position as is known, so that one bad input never stops a run. Bodies are not
parsed here; ``documents`` does that. Large inputs are streamed: NDJSON line by line, HAR entry by
entry, so memory stays flat whatever the file's size.

Request headers kept as a body's origin are redacted here, before anything else sees them.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import io
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from conformance.findings import Finding, Location, Origin

# The rules live in ``conformance.redaction``; re-exported for callers that know them from here.
from conformance.redaction import REDACTED as REDACTED
from conformance.redaction import SECRET_HEADERS as SECRET_HEADERS
from conformance.redaction import redact_header as redact_header
from conformance.redaction import redact_url as redact_url

DEFAULT_INCLUDE = ("*.json", "*.ndjson", "*.jsonl", "*.har", "*.yaml", "*.yml")
# A compressed or base64 body may not expand past this; a bigger one is refused, not inflated.
DEFAULT_MAX_BODY = 64 * 1024 * 1024


@dataclass(frozen=True)
class Body:
    """The JSON text of one response or fixture, where it stands, and what request it answered.

    NDJSON lines stay bytes: the fast parser reads UTF-8 bytes directly, and decoding every line
    to ``str`` first would cost the bulk path a good part of its speed.
    """

    text: str | bytes
    location: Location
    origin: Origin | None = None


@dataclass(frozen=True)
class Lines:
    """An open NDJSON stream, handed over whole: the pipeline reads its lines in a tight loop.

    It is only valid until the consumer asks the source for its next item.
    """

    stream: Iterable[bytes]
    name: str
    # The file's path when the lines can be re-read by range (not stdin): parallel runs need it.
    path: str | None = None

    def bodies(self) -> Iterator[Body]:
        """One body per non-blank line, located by its line number."""
        for number, raw in enumerate(self.stream, 1):
            if raw.isspace() or not raw:
                continue
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield Body(raw, Location(self.name, number, entry=number, entry_kind="line"))


Item = Body | Finding | Lines


def make_origin(method: Any, url: Any, status: Any, headers: Iterable[tuple[Any, Any]]) -> Origin:
    """An ``Origin`` with every header and the URL redacted."""
    kept = tuple((str(k), redact_header(str(k), str(v))) for k, v in headers)
    code = int(status) if isinstance(status, int | str) and str(status).isdigit() else None
    return Origin(
        method=str(method) if method else None,
        url=redact_url(str(url)) if url else None,
        status=code,
        headers=kept,
    )


def _unreadable(location: Location, message: str) -> Finding:
    return Finding(kind="unreadable", location=location, message=message)


# --- Bodies: base64, compression, size limits ----------------------------------------------------


class BodyError(ValueError):
    """A recorded body that cannot be decoded (its message says why)."""


def _inflate(data: bytes, limit: int) -> bytes:
    """Gunzip / inflate ``data`` without letting it expand past ``limit`` bytes."""
    wbits = 16 + zlib.MAX_WBITS if data[:2] == b"\x1f\x8b" else zlib.MAX_WBITS
    try:
        inflater = zlib.decompressobj(wbits)
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BodyError(f"compressed body cannot be decompressed: {exc}") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise BodyError(f"compressed body expands past the limit of {limit} bytes; refused")
    return out


def decode_body(
    content: str | bytes, *, base64_encoded: bool, encoding: str | None, limit: int
) -> str:
    """The text of a recorded body: base64 and gzip/deflate undone, UTF-8 decoded, all bounded."""
    data: bytes
    if base64_encoded:
        if len(content) * 3 // 4 > limit:
            raise BodyError(f"base64 body is larger than the limit of {limit} bytes; refused")
        try:
            data = base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise BodyError(f"body is not valid base64: {exc}") from None
    else:
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    if len(data) > limit:
        raise BodyError(f"body is larger than the limit of {limit} bytes; refused")
    compressed = data[:2] == b"\x1f\x8b" or (encoding or "").lower() in ("gzip", "deflate")
    if compressed and data[:1] not in (b"{", b"[", b" ", b"\n"):
        data = _inflate(data, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"body is not UTF-8 (invalid byte at offset {exc.start})") from None


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
    stream: io.BufferedReader, name: str, *, max_body: int = DEFAULT_MAX_BODY
) -> Iterator[Item]:
    """The bodies in one binary stream, by its name's extension or, failing that, its content."""
    head = stream.peek(4096)[:4096]
    kind = _format_of(name, head)
    if kind == "ndjson":
        yield Lines(stream, name, None if name == "<stdin>" else name)
    elif kind == "har":
        from conformance.recordings import read_har

        yield from read_har(stream, name, max_body)
    elif kind == "cassette":
        from conformance.recordings import read_cassette

        yield from read_cassette(stream.read(), name, max_body)
    else:
        yield from _json(stream.read(), name)


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


def _matches(path: str, globs: Sequence[str]) -> bool:
    name = os.path.basename(path)
    return any(fnmatch.fnmatch(name, g) or fnmatch.fnmatch(path, g) for g in globs)


def _walk(folder: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[str | Finding]:
    problems: list[OSError] = []
    found: list[str] = []
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        dirs.sort()
        for file in sorted(files):
            full = os.path.join(root, file)
            if _matches(full, include) and not _matches(full, exclude):
                found.append(full)
    yield from found
    for problem in problems:
        reason = (problem.strerror or str(problem)).lower()
        yield _unreadable(Location(str(problem.filename)), f"cannot read folder: {reason}")


def expand(
    paths: Sequence[str], include: Sequence[str] = DEFAULT_INCLUDE, exclude: Sequence[str] = ()
) -> Iterator[str | Finding]:
    """Files named or found under folders (recursively, sorted), filtered by the globs."""
    for given in paths:
        if given == "-":
            yield given
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, include, exclude)
        elif not _matches(given, exclude):
            yield given


def _buffered(data: bytes) -> io.BufferedReader:
    # BytesIO is a fine raw stream for BufferedReader, which gives peek() to format sniffing.
    return io.BufferedReader(io.BytesIO(data))


def read_inputs(
    paths: Sequence[str],
    *,
    include: Sequence[str] = DEFAULT_INCLUDE,
    exclude: Sequence[str] = (),
    stdin: IO[bytes] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> Iterator[Item]:
    """Every body in every input, in order; unreadable inputs as findings."""
    for path in expand(paths, include, exclude):
        if isinstance(path, Finding):
            yield path
            continue
        if path == "-":
            data = (stdin or sys.stdin.buffer).read()
            yield from read_stream(_buffered(data), "<stdin>", max_body=max_body)
            continue
        try:
            with open(path, "rb") as stream:
                yield from read_stream(stream, path, max_body=max_body)
        except FileNotFoundError:
            yield _unreadable(Location(path), "no such file")
        except IsADirectoryError:
            yield _unreadable(Location(path), "is a directory")
        except PermissionError:
            yield _unreadable(Location(path), "permission denied")
        except OSError as exc:
            yield _unreadable(Location(path), f"cannot read: {exc.strerror or exc}")
