"""Bodies: what a source yields for one response or fixture, and how a recorded body is decoded.

``Body`` is the JSON text of one document with its place and request, ``Skipped`` a recorded
exchange that holds none; ``decode_body`` undoes base64 and gzip/deflate within a size limit,
and ``make_origin`` keeps a request with its secrets redacted. They live apart from
``conformance.sources`` so that the HAR and cassette readers (``conformance.recordings``), which
``sources`` dispatches to, need not import ``sources`` back.
"""

from __future__ import annotations

import binascii
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from conformance.findings import Location, Origin
from conformance.redaction import redact_header, redact_url

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
class Skipped:
    """A recorded exchange that holds no JSON API response, or one the run was told to leave out.

    A HAR saved from a browser holds the page, its scripts, styles, fonts and images, CORS
    preflights, redirects and bodiless answers beside the API calls; none of them is a document
    to validate, and calling them unreadable would fail every such file. They are counted, by
    ``reason`` (a short, stable phrase: "not JSON (text/html)", "preflight", "no body",
    "redirect", "identity-provider token response", "URL not matched"; the part before any
    parenthesis is what summaries group by), and never validated. ``reason`` never quotes the
    recording beyond a well-known media type; ``origin`` is redacted as every origin is.
    """

    location: Location
    reason: str
    origin: Origin | None = None


def make_origin(
    method: Any,
    url: Any,
    status: Any,
    headers: Iterable[tuple[Any, Any]],
    started: Any = None,
) -> Origin:
    """An ``Origin`` with every header and the URL redacted; ``started`` is kept when it is a
    string of at most 64 characters (what a date-time can need), and dropped otherwise."""
    kept = tuple((str(k), redact_header(str(k), str(v))) for k, v in headers)
    code = int(status) if isinstance(status, int | str) and str(status).isdigit() else None
    return Origin(
        method=str(method) if method else None,
        url=redact_url(str(url)) if url else None,
        status=code,
        headers=kept,
        started=started if isinstance(started, str) and len(started) <= 64 else None,
    )


# --- Bodies: base64, compression, size limits ----------------------------------------------------


class BodyError(ValueError):
    """A recorded body that cannot be decoded (its message says why)."""


# Content codings undone here; a body recorded already decoded under such a header (browsers
# store the decoded text and keep the header) starts as JSON text does and is taken as it is.
_COMPRESSED = frozenset({"gzip", "x-gzip", "deflate"})
_GZIP_MAGIC = b"\x1f\x8b"
_JSON_START = re.compile(rb"(?:\xef\xbb\xbf)?[ \t\r\n]*[\[{]")
_BASE64_SPACE = re.compile(r"[ \t\r\n]+")


def _inflate(data: bytes, limit: int) -> bytes:
    """Gunzip / inflate ``data`` whole without letting it expand past ``limit`` bytes.

    A gzip body may hold several members one after the other (RFC 1952; ``gzip.compress`` of
    parts, streaming servers): every member is inflated, since validating the first alone would
    pass a document that is not the one recorded. A stream that stops short, or bytes after the
    last member that are not another one, are refused for the same reason.
    """
    gzip = data[:2] == _GZIP_MAGIC
    wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
    parts: list[bytes] = []
    size = 0
    rest = data
    while True:
        inflater = zlib.decompressobj(wbits)
        try:
            # Room for one byte past the limit, so that reaching it tells "too big" apart.
            part = inflater.decompress(rest, limit + 1 - size)
        except zlib.error as exc:
            raise BodyError(f"compressed body cannot be decompressed: {exc}") from None
        size += len(part)
        parts.append(part)
        if size > limit or inflater.unconsumed_tail:
            raise BodyError(f"compressed body expands past the limit of {limit} bytes; refused")
        if not inflater.eof:
            raise BodyError("compressed body is truncated (its stream does not end); refused")
        rest = inflater.unused_data
        # gzip files may be padded with zero bytes after the last member (as gzip(1) accepts).
        if not rest.strip(b"\x00"):
            return b"".join(parts)
        if not gzip or rest[:2] != _GZIP_MAGIC:
            what = "another gzip member" if gzip else "part of its deflate stream"
            raise BodyError(
                f"compressed body ends with {len(rest)} byte(s) that are not {what}; refused"
            )


def _unbase64(content: str | bytes, limit: int) -> bytes:
    """Base64 decoded strictly, its size checked before anything is decoded or copied."""
    # Four characters carry three bytes: the decoded size is known before decoding (with room
    # for the line breaks of wrapped base64; the decoded size is checked again after).
    if len(content) // 4 * 3 > limit + limit // 32:
        raise BodyError(f"base64 body is larger than the limit of {limit} bytes; refused")
    try:
        # Strict: a character outside the alphabet is an error, never skipped, so that what is
        # validated is what was recorded. An ASCII str is decoded in place, without a copy.
        return binascii.a2b_base64(content, strict_mode=True)
    except (binascii.Error, ValueError):
        pass
    # Line breaks and blanks are how some tools wrap base64: removed, and then strict again.
    spaced = content.decode("latin-1") if isinstance(content, bytes) else content
    try:
        return binascii.a2b_base64(_BASE64_SPACE.sub("", spaced), strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        reason = "it has a character outside ASCII" if "ASCII" in str(exc) else str(exc)
        raise BodyError(f"body is not valid base64: {reason}") from None


def decode_body(
    content: str | bytes, *, base64_encoded: bool, encoding: str | None, limit: int
) -> str:
    """The text of a recorded body: base64 and gzip/deflate undone, UTF-8 decoded, all bounded.

    ``encoding`` is the response's Content-Encoding (a comma-separated list of codings, as
    HTTP allows). Sizes are checked before each step, so a body past ``limit`` costs no copy.
    """
    if not isinstance(content, str | bytes):
        raise BodyError(f"body is {type(content).__name__}, not text or bytes")
    # A str takes at least one UTF-8 byte per character: too long already is too big.
    if not base64_encoded and len(content) > limit:
        raise BodyError(f"body is larger than the limit of {limit} bytes; refused")
    data: bytes
    if base64_encoded:
        data = _unbase64(content, limit)
    else:
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    if len(data) > limit:
        raise BodyError(f"body is larger than the limit of {limit} bytes; refused")
    codings = {c.strip().lower() for c in (encoding or "").split(",")}
    if data[:2] == _GZIP_MAGIC or (codings & _COMPRESSED and not _JSON_START.match(data)):
        data = _inflate(data, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"body is not UTF-8 (invalid byte at offset {exc.start})") from None
