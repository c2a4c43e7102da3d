"""Recorded traffic: HAR 1.2 files and VCR cassettes, read into bodies with their requests.

Recordings come from browsers, proxies, test tools and hand edits, and are read as hostile input.
A reader that trusts a field's type crashes on the first odd file; one that keeps one of two
duplicate keys may validate a body other than the one a client reads, and pass a violation; a
container with no bound on nesting, token size or aliases lets a few kilobytes cost gigabytes. So
every field is checked for its JSON type before use, and an entry or interaction that cannot be
read is one ``unreadable`` finding at its place (its number, and the JSON pointer of the bad field
inside it), after which the next one is read. A file that holds nothing to validate is a finding
too, never a silent pass. Messages name types, sizes and positions, never the recorded bytes.

HAR files are streamed event by event (``ijson.basic_parse``). Only the fields a body needs are
built (request method, URL and headers; response status, headers and content); everything else is
skipped by counting brackets, so memory grows neither with a file's size nor with its nesting.
Containers may nest ``MAX_DEPTH`` levels at most, and no single JSON token may be longer than
``token_limit(max_body)``, twice the body limit; the stream is read in chunks that grow while one
token lasts, so that a long string costs linear time (see ``_Feed``).

Cassettes (vcrpy and pytest-recording write YAML or JSON; schemathesis writes its own variant) are
small and loaded whole. YAML anchors and aliases are refused while the file is composed, before
anything is expanded (a kilobyte of nested aliases expands to gigabytes, and cassettes need
none), and interactions are constructed one at a time with the safe constructor only: a tag that
would construct an object is that interaction's finding, never executed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, Any

from conformance.bodies import Body, BodyError, Skipped, decode_body, make_origin
from conformance.findings import Finding, Location, Origin

# What a recording's reader yields: a body, a skipped exchange, or a finding (never NDJSON lines).
Item = Body | Finding | Skipped

MAX_DEPTH = 64
"""How many arrays and objects may be open at once in a HAR or cassette, counted from its root.

Bodies do not count (a HAR body is a string inside its entry): this bounds the recording's own
structure, where a response body sits at level 6 and the deepest parts of real recordings
(browsers' initiator stacks, a level per asynchronous caller) stay well below. An entry or
interaction that nests deeper is unreadable; the rest of the file is read.
"""


def token_limit(max_body: int) -> int:
    """The longest single JSON token (a string, mostly) a HAR file may hold: twice the body limit.

    A body is one string in its entry: base64 makes it 4/3 as long, JSON escapes at most about
    twice. A longer token cannot hold a body the limit allows, and yajl would keep it whole in
    memory; the file is unreadable from that token on (the entries before it are kept).
    """
    return 2 * max_body + _CHUNK


def _unreadable(location: Location, message: str, pointer: str = "") -> Finding:
    return Finding(kind="unreadable", location=location, message=message, pointer=pointer)


class _Bad(Exception):
    """A field that cannot be read: its JSON pointer inside the entry, and why."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer
        self.message = message


# --- What is not an API response ------------------------------------------------------------------
#
# A HAR saved from a browser's dev tools holds everything the page loaded: the page, scripts,
# styles, fonts, images, CORS preflights, redirects, bodiless answers, and the sign-in calls
# whose bodies are live tokens. Those are ``Skipped`` with a short reason, decided from the
# request and the response's metadata before the body is decoded (a PNG is never inflated or
# taken for text), so they cost next to nothing. What declares JSON, or no type, is a document:
# if it does not parse, that is a real problem and stays ``unreadable``.

PREFLIGHT = "preflight"
NO_BODY = "no body"
REDIRECT = "redirect"
TOKEN_RESPONSE = "identity-provider token response"
URL_NOT_MATCHED = "URL not matched"

# Statuses whose response has no body by definition (RFC 9110): No Content, Reset Content, Not
# Modified; and 0, which HAR writes for a request that got no response at all.
_BODILESS = frozenset({0, 204, 205, 304})

# Media types named in a reason as they are: common enough that naming one quotes nothing of a
# recording. Any other type is named by its top-level type alone ("text/*"), which is one of a
# fixed set, so that a recorded Content-Type never reaches a report.
_NAMED_TYPES = frozenset(
    {
        "text/html",
        "text/css",
        "text/javascript",
        "text/plain",
        "text/xml",
        "text/csv",
        "text/event-stream",
        "application/javascript",
        "application/x-javascript",
        "application/ecmascript",
        "application/xml",
        "application/xhtml+xml",
        "application/octet-stream",
        "application/wasm",
        "application/pdf",
        "application/zip",
        "application/font-woff",
        "application/x-font-woff",
        "application/x-font-ttf",
        "application/vnd.ms-fontobject",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "image/svg+xml",
        "image/x-icon",
        "image/vnd.microsoft.icon",
        "font/woff",
        "font/woff2",
        "font/ttf",
        "font/otf",
        "audio/mpeg",
        "video/mp4",
    }
)
_FAMILIES = frozenset(
    {"text", "image", "font", "audio", "video", "application", "multipart", "model", "message"}
)
# What Chrome writes for a response that declared no type: no type, then.
_NO_TYPES = frozenset({"", "x-unknown"})


def _media_type(mime: str) -> str:
    return mime.split(";", 1)[0].strip().lower()


def not_json(mime: str) -> str | None:
    """The skip reason for a declared media type that is not JSON; None for JSON or no type.

    JSON is any type that says so: ``application/json``, ``+json`` suffixes, AWS's
    ``application/x-amz-json-1.1``.
    """
    media = _media_type(mime)
    if media in _NO_TYPES or "json" in media:
        return None
    if media in _NAMED_TYPES:
        return f"not JSON ({media})"
    family, slash, _ = media.partition("/")
    return f"not JSON ({family}/*)" if slash and family in _FAMILIES else "not JSON (unknown type)"


# Identity providers' hosts: every answer from them is a sign-in page, a discovery document or a
# token, none of them a document of ours, and a token must never reach a report.
_IDP_HOSTS = frozenset(
    {
        "login.microsoftonline.com",
        "login.windows.net",
        "login.live.com",
        "sts.windows.net",
        "login.microsoftonline.us",
        "login.chinacloudapi.cn",
        "login.microsoftonline.de",
        "sts.amazonaws.com",
    }
)
_TOKEN_PATHS = ("/oauth2/token", "/oauth2/v2.0/token")
_TOKEN_HOST_WORDS = ("login", "sts", "oauth")
# The members that make a JSON object an OAuth 2.0 / OIDC token response (RFC 6749 5.1, OIDC
# Core 3.1.3.3), and their camelCase spelling in AWS IAM Identity Center's CreateToken.
TOKEN_KEYS = frozenset(
    {"access_token", "id_token", "refresh_token", "accessToken", "idToken", "refreshToken"}
)
_TOKEN_KEY = re.compile(r'"(?:access|id|refresh)(?:_t|T)oken"')


def identity_provider(url: str) -> bool:
    """Whether ``url`` is an OAuth / OIDC token endpoint or another identity provider's URL.

    Microsoft's sign-in hosts, any ``/oauth2/token`` or ``/oauth2/v2.0/token`` path, a ``/token``
    path on a host that names login, STS or OAuth, AWS STS (global and regional) and AWS IAM
    Identity Center's OIDC and portal hosts (whose answers are credentials).
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # a malformed authority ("http://[x/"): not a URL of any provider
        return False
    path = parts.path.rstrip("/").lower()
    if host in _IDP_HOSTS or path.endswith(_TOKEN_PATHS):
        return True
    if path.endswith("/token") and any(word in host for word in _TOKEN_HOST_WORDS):
        return True
    if host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return host.startswith(("sts.", "oidc.", "portal.sso.")) or ".sts." in host
    return False


def is_token_response(value: Any) -> bool:
    """Whether a parsed body is an OAuth token response: an object with a token member."""
    return isinstance(value, dict) and not TOKEN_KEYS.isdisjoint(value)


def _token_text(text: str) -> bool:
    """Whether a body's text is a token response. Parsed only when it names a token member, so
    the bodies that do not (nearly all) cost one substring search; one that does not parse is
    left to the pipeline, which reports it unreadable without quoting it."""
    if 'oken"' not in text or _TOKEN_KEY.search(text) is None:
        return False
    try:
        return is_token_response(json.loads(text))
    except (ValueError, RecursionError):
        return False


def url_matcher(globs: Sequence[str]) -> Callable[[str], bool] | None:
    """A test of a request URL against ``--url`` globs (fnmatch, ``*`` across ``/``), or None
    when there are none. The globs are one compiled pattern; Python's translation keeps every
    ``*`` from backtracking, so a test costs linear time in the URL."""
    if not globs:
        return None
    import fnmatch

    pattern = re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs))
    return lambda url: pattern.match(url) is not None


class Triage:
    """Which recorded exchanges are API responses to validate, and why the others are not.

    One per file read; ``urls`` are the run's ``--url`` globs (none: every URL).
    """

    def __init__(self, urls: Sequence[str] = ()) -> None:
        self.matches = url_matcher(urls)

    def before_body(
        self, method: str | None, url: str | None, status: int | None, mime: str
    ) -> str | None:
        """The reason to skip an exchange, from its request and response metadata alone.

        The URL is tested as recorded (query secrets and all) and never put in a reason. An
        identity provider comes first, so that no ``--url`` glob can let a token through.
        """
        if url and identity_provider(url):
            return TOKEN_RESPONSE
        if self.matches is not None and not (url and self.matches(url)):
            return URL_NOT_MATCHED
        if method is not None and method.upper() == "OPTIONS":
            return PREFLIGHT
        if status in _BODILESS:
            return NO_BODY
        if status is not None and 300 <= status <= 399:
            return REDIRECT
        return not_json(mime)

    @staticmethod
    def body(text: str) -> str | None:
        """The reason to skip a decoded body: a token response, whatever URL it came from."""
        return TOKEN_RESPONSE if _token_text(text) else None


def _json_body(text: str, triage: Triage, where: Location, origin: Origin) -> Body | Skipped:
    """The body, unless it is a token response (which then goes no further)."""
    reason = triage.body(text)
    return Body(text, where, origin) if reason is None else Skipped(where, reason, origin)


# --- Field types ----------------------------------------------------------------------------------

# JSON's names for HAR fields; cassettes are YAML first, and say mapping and list.
_JSON_WORDS: dict[type, str] = {dict: "an object", list: "an array"}
_YAML_WORDS: dict[type, str] = {dict: "a mapping", list: "a list"}


def _kind(value: Any, words: dict[type, str]) -> str:
    """What a value is, in the words of its format (never the value itself)."""
    if isinstance(value, _Skipped):
        return words[value.kind]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float | Decimal):
        return "a decimal number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, date):
        return "a date"
    for kind, word in words.items():
        if isinstance(value, kind):
            return word
    if value is _TOO_DEEP:
        return "nested too deeply"
    return f"a {type(value).__name__}"


def _segment(pointer: str) -> str:
    """How a message names the field at ``pointer``: 'text', or item 3 of a list."""
    last = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    return f"item {last}" if last.isdigit() else f"'{_short(last)}'"


def _short(name: str) -> str:
    return name if len(name) <= 40 else f"{name[:37]}..."


def _wrong(pointer: str, value: Any, expected: str, words: dict[type, str]) -> _Bad:
    return _Bad(pointer, f"{_segment(pointer)} is {_kind(value, words)}, expected {expected}")


def _at(base: str, key: object) -> str:
    """``base`` and one more JSON pointer token."""
    return f"{base}/{str(key).replace('~', '~0').replace('/', '~1')}"


def _field(
    obj: dict[Any, Any], key: str, kind: type, base: str, expected: str, words: dict[type, str]
) -> Any:
    """``obj[key]`` when it is of ``kind``; None when absent or null (it carries nothing)."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _wrong(_at(base, key), value, expected, words)
    return value


def _status(value: Any, pointer: str, words: dict[type, str]) -> int | None:
    """An HTTP status: an integer, or a string of digits as some tools write it."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= 999:  # HAR writes 0 for a request that got no response
            return value
        raise _Bad(pointer, f"{_segment(pointer)} is an integer outside 0-999, not an HTTP status")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 3:
        return int(value)
    raise _wrong(pointer, value, "an integer HTTP status", words)


# --- HAR ------------------------------------------------------------------------------------------

_CHUNK = 64 * 1024
_MAX_CHUNK = 8 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})

# The fields of an entry that are built, by name; ``None`` is a leaf (a scalar is expected) and a
# one-item list a list of such items. Every other field is skipped unread.
_Spec = dict[str, "_Spec"] | list["_Spec"] | None
_HEADER: _Spec = {"name": None, "value": None}
_HEADERS: _Spec = [_HEADER]
_ENTRY: _Spec = {
    "startedDateTime": None,
    "request": {"method": None, "url": None, "headers": _HEADERS},
    "response": {
        "status": None,
        "headers": _HEADERS,
        "content": {"text": None, "encoding": None, "mimeType": None},
    },
}
_UNKNOWN: _Spec = {}


class _Skipped:
    """A container where a scalar was expected: skipped unread, and only its kind kept."""

    __slots__ = ("kind",)

    def __init__(self, kind: type) -> None:
        self.kind = kind


class _TokenTooLong(Exception):
    """One JSON token outgrew ``token_limit``: raised by the feed, through ijson, to the reader."""


class _Feed:
    """The HAR stream as ijson reads it: BOM dropped, and reads that grow while one token lasts.

    yajl re-scans a token that spans reads from its start at every read, so a 64 MiB string read
    64 KiB at a time is scanned a thousand times over (12 s). A read after which the reader took
    no event means that one token spans it: the next read is twice as big, which keeps the cost
    linear. The bytes read without an event are that token's size so far; past the cap it is
    refused before yajl has all of it in memory.
    """

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        self.stream = stream
        self.cap = cap
        # Set by the reader at every event it takes; cleared here at every read.
        self.moved = True
        self.quiet = 0
        self.size = _CHUNK
        self.first = True

    def read(self, size: int) -> bytes:
        """At least one byte, unless at the end; ``size`` is ijson's wish, not followed."""
        if size == 0:  # ijson asks once, to learn whether the stream gives bytes or str
            return b""
        if self.moved:
            self.moved, self.quiet, self.size = False, 0, _CHUNK
        else:
            if self.quiet > self.cap:
                raise _TokenTooLong
            # Never past the cap by more than a chunk, so that the cap is what is kept.
            self.size = max(_CHUNK, min(2 * self.size, _MAX_CHUNK, self.cap + 1 - self.quiet))
        data = self.stream.read(self.size)
        if self.first:
            # The README promises a BOM is accepted; yajl calls it an invalid character.
            self.first = False
            if data.startswith(_BOM):
                # A pipe may give the BOM alone; an empty read would say the file ends here.
                data = data[3:] or self.stream.read(self.size)
        self.quiet += len(data)
        return data


_YAJL_ERROR = re.compile(r"(?:lexical|parse) error: [^\n\\]*")


def _yajl_reason(exc: Exception) -> str:
    """yajl's own sentence, without the excerpt of the file it appends."""
    match = _YAJL_ERROR.search(str(exc))
    return match.group(0).strip().rstrip(".") if match else "the JSON is cut short or malformed"


def read_har(
    stream: IO[bytes], name: str, max_body: int, urls: Sequence[str] = ()
) -> Iterator[Item]:
    """One body per HAR entry that holds a JSON response; the request kept as its origin.

    Everything that cannot be read is a finding: an entry (by its number, with the pointer of the
    bad field), or the file (no ``log``, no ``entries``, no entry at all, malformed JSON). An
    entry that holds no JSON API response, or whose URL matches none of ``urls``, is ``Skipped``.
    """
    import ijson  # type: ignore[import-untyped]  # ships no type information

    feed = _Feed(stream, token_limit(max_body))
    # Numbers as Python reads them (use_float=False): yajl's own integers stop at 64 bits, and
    # refuse even the smallest of them. Decimals are only ever named in a message here.
    events = ijson.basic_parse(feed, use_float=False, buf_size=_CHUNK)
    har = _Har(events, feed, name, max_body, Triage(urls))
    try:
        yield from har.read()
    except ijson.JSONError as exc:
        yield har.stopped(f"HAR file is not valid JSON: {_yajl_reason(exc)}")
    except (ValueError, SystemError):
        # What ijson raises for an integer of more digits than Python converts (4300).
        yield har.stopped("HAR file holds a number with too many digits to read")
    except _TokenTooLong:
        yield har.stopped(
            f"HAR file holds a JSON string (or other token) longer than {feed.cap} bytes, twice"
            " the body limit: no body it holds could be allowed"
        )


class _Har:
    """The event-by-event reading of one HAR file."""

    def __init__(
        self,
        events: Iterator[tuple[str, Any]],
        feed: _Feed,
        name: str,
        max_body: int,
        triage: Triage,
    ) -> None:
        self.events = events
        self.feed = feed
        self.name = name
        self.max_body = max_body
        self.triage = triage
        self.entries = 0  # entries begun so far: the number of the current one
        self.inside = False  # within an entry
        self.done = 0  # entries read to their end
        self.arrays = 0  # 'entries' arrays met
        # The first thing wrong with the entry being built: its pointer and why.
        self.problem: tuple[str, str] | None = None
        # The keys and indices down to the container being built, and the key whose value is
        # being read: a finding's pointer, made only when there is one.
        self.path: list[str | int] = []
        self.key: str | None = None

    def _next(self) -> tuple[str, Any]:
        self.feed.moved = True
        return next(self.events)

    def _file(self, message: str, pointer: str = "") -> Finding:
        return _unreadable(Location(self.name), message, pointer)

    def _pointer(self, *more: str | int) -> str:
        return "".join(_at("", token) for token in (*self.path, *more))

    def stopped(self, message: str) -> Finding:
        """The finding for damage that stops the reading: at the entry it is in, if any."""
        if self.inside:
            where = Location(self.name, entry=self.entries, entry_kind="entry")
            pointer = self._pointer(*(() if self.key is None else (self.key,)))
            return _unreadable(where, f"{message}; the rest of the file is not read", pointer)
        after = f" (after entry {self.done})" if self.done else ""
        return _unreadable(Location(self.name), f"{message}{after}")

    def _skip(self, event: str, depth: int) -> bool:
        """Consume the value ``event`` begins, at container level ``depth``; True if too deep.

        Nothing is built, so this costs the same whatever the value's size or depth.
        """
        if event not in _OPEN:
            return False
        room, level, deep = MAX_DEPTH - depth, 0, depth > MAX_DEPTH
        feed = self.feed
        for event, _ in self.events:
            feed.moved = True
            if event in _OPEN:
                level += 1
                deep = deep or level > room
            elif event in _CLOSE:
                if level == 0:
                    return deep
                level -= 1
        return deep  # the events ended early: yajl raises for that at the next pull

    def _trouble(self, message: str, *more: str | int) -> None:
        if self.problem is None:
            self.problem = (self._pointer(*more), message)

    def _skip_noting(self, event: str, depth: int, *more: str | int) -> None:
        if self._skip(event, depth):
            self._trouble(f"nests deeper than {MAX_DEPTH} levels of arrays and objects", *more)

    def _build(self, event: str, spec: _Spec, depth: int) -> Any:
        """The container ``event`` opens (at level ``depth``), built as far as ``spec`` asks.

        Containers where ``spec`` wants another kind, and keys it does not name, are skipped
        unread. This is the hot loop of a HAR file: scalars are taken where they are met, and
        pointers are made only for a finding.
        """
        nxt, feed, path = self.events.__next__, self.feed, self.path
        if event == "start_map" and isinstance(spec, dict):
            built: dict[str, Any] = {}
            while True:
                feed.moved = True
                event, key = nxt()
                if event == "end_map":
                    self.key = None
                    return built
                self.key = key
                event, value = nxt()
                sub = spec.get(key, _UNKNOWN)
                if sub is _UNKNOWN:
                    # Not read, so not named either: an unknown key is recorded text.
                    if event in _OPEN:
                        self._skip_noting(event, depth + 1)
                    continue
                if key in built:
                    message = (
                        f"duplicate key '{key}': readers disagree on which value wins, so the"
                        " entry is not read"
                    )
                    self._trouble(message, key)
                    self._skip_noting(event, depth + 1, key)
                elif event in _OPEN:
                    path.append(key)
                    if sub is _HEADERS and event == "start_array":
                        built[key] = self._headers(depth + 1)
                    else:
                        built[key] = self._build(event, sub, depth + 1)
                    path.pop()
                else:
                    built[key] = value
        if event == "start_array" and isinstance(spec, list):
            items: list[Any] = []
            (sub,) = spec
            while True:
                feed.moved = True
                event, value = nxt()
                if event == "end_array":
                    return items
                if event in _OPEN:
                    path.append(len(items))
                    items.append(self._build(event, sub, depth + 1))
                    path.pop()
                else:
                    items.append(value)
        self._skip_noting(event, depth)
        return _Skipped(dict if event == "start_map" else list)

    def _headers(self, depth: int) -> list[Any]:
        """A header array (at level ``depth``): ``_build`` for ``_HEADERS``, unrolled.

        Header objects are most of a HAR's events; anything unusual in one (a container, a
        repeated or unknown key) takes ``_header_field``, the general way.
        """
        nxt, feed = self.events.__next__, self.feed
        items: list[Any] = []
        while True:
            feed.moved = True
            event, value = nxt()
            if event == "end_array":
                return items
            if event != "start_map":
                if event in _OPEN:
                    self.path.append(len(items))
                    items.append(self._build(event, _HEADER, depth + 1))
                    self.path.pop()
                else:
                    items.append(value)
                continue
            header: dict[str, Any] = {}
            while True:
                event, key = nxt()
                if event == "end_map":
                    break
                event, value = nxt()
                if event in _OPEN or key in header or (key != "name" and key != "value"):
                    self._header_field(event, key, value, header, len(items), depth + 1)
                else:
                    header[key] = value
            items.append(header)

    def _header_field(
        self, event: str, key: str, value: Any, header: dict[str, Any], index: int, depth: int
    ) -> None:
        """One field of the header object ``index`` (at level ``depth``), the general way."""
        self.path.append(index)
        if key != "name" and key != "value":
            self._skip_noting(event, depth + 1)
        elif key in header:
            message = (
                f"duplicate key '{key}': readers disagree on which value wins, so the entry is"
                " not read"
            )
            self._trouble(message, key)
            self._skip_noting(event, depth + 1, key)
        else:
            self.path.append(key)
            header[key] = self._build(event, None, depth + 1) if event in _OPEN else value
            self.path.pop()
        self.path.pop()

    def read(self) -> Iterator[Item]:
        """Every entry's body or finding, in order, and the findings about the file."""
        event, _ = self._next()
        if event != "start_map":
            kind = "an array" if event == "start_array" else "not an object"
            yield self._file(f"not a HAR file: the JSON is {kind}, expected {{'log': {{...}}}}")
            return
        logs = good_logs = lists = 0
        while True:
            event, key = self._next()
            if event == "end_map":
                break
            event, _ = self._next()
            if key != "log":
                if self._skip(event, 2):
                    yield self._file(f"nests deeper than {MAX_DEPTH} levels outside the log")
                continue
            logs += 1
            if logs == 2:
                yield self._file("duplicate key 'log': every one is read", "/log")
            if event != "start_map":
                self._skip(event, 2)
                kind = _kind(_Skipped(list) if event == "start_array" else _, _JSON_WORDS)
                yield self._file(f"'log' is {kind}, expected an object", "/log")
                continue
            good_logs += 1
            lists += yield from self._log()
        for _ in self.events:  # trailing data after the root object is an error (raised here)
            pass
        if not logs:
            yield self._file("not a HAR file: no 'log' object")
        elif good_logs and not lists:
            yield self._file("HAR 'log' has no 'entries' array", "/log")
        elif self.arrays and not self.entries:
            # Nothing to validate must not pass as validated: say so, and fail the run.
            yield self._file("HAR file has no entries: nothing to validate", "/log/entries")

    def _log(self) -> Generator[Item, None, int]:
        """The entries of one ``log`` object; returns how many ``entries`` keys it had."""
        lists = 0
        while True:
            event, key = self._next()
            if event == "end_map":
                return lists
            event, value = self._next()
            if key != "entries":
                if self._skip(event, 3):
                    yield self._file(f"nests deeper than {MAX_DEPTH} levels outside the entries")
                continue
            lists += 1
            if lists == 2:
                yield self._file("duplicate key 'entries': every list is read", "/log/entries")
            if event != "start_array":
                self._skip(event, 3)
                kind = _kind(_Skipped(dict) if event == "start_map" else value, _JSON_WORDS)
                yield self._file(f"'entries' is {kind}, expected an array", "/log/entries")
                continue
            self.arrays += 1
            yield from self._entries()

    def _entries(self) -> Iterator[Item]:
        while True:
            event, value = self._next()
            if event == "end_array":
                return
            self.entries += 1
            self.inside = True
            where = Location(self.name, entry=self.entries, entry_kind="entry")
            self.problem, self.key = None, None
            entry = self._build(event, _ENTRY, 4) if event in _OPEN else value
            self.inside = False
            self.done = self.entries
            if self.problem is not None:
                yield _unreadable(where, self.problem[1], self.problem[0])
            else:
                yield _har_entry(entry, where, self.max_body, self.triage)


def _har_entry(entry: Any, where: Location, max_body: int, triage: Triage) -> Item:
    try:
        return _har_body(entry, where, max_body, triage)
    except _Bad as bad:
        return _unreadable(where, bad.message, bad.pointer)


_TEXT = (str, type(None))


def _har_headers(value: Any, pointer: str) -> list[tuple[str, str]]:
    """A HAR header list: objects with a string ``name`` and ``value``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(pointer, value, "an array of {name, value} objects", _JSON_WORDS)
    headers = []
    for header in value:  # the common case first, with no pointer made
        if header.__class__ is dict:
            name, text = header.get("name"), header.get("value")
            if name.__class__ in _TEXT and text.__class__ in _TEXT:
                headers.append((name or "", text or ""))
                continue
        break
    else:
        return headers
    for index, header in enumerate(value):
        at = _at(pointer, index)
        if not isinstance(header, dict):
            raise _wrong(at, header, "an object with name and value", _JSON_WORDS)
        name = _field(header, "name", str, at, "a string", _JSON_WORDS)
        text = _field(header, "value", str, at, "a string", _JSON_WORDS)
        headers.append((name or "", text or ""))
    return headers


def _har_body(entry: Any, where: Location, max_body: int, triage: Triage) -> Item:
    words = _JSON_WORDS
    if not isinstance(entry, dict):
        raise _Bad("", f"HAR entry is {_kind(entry, words)}, expected an object")
    request = _field(entry, "request", dict, "", "an object", words) or {}
    response = _field(entry, "response", dict, "", "an object", words)
    if response is None:
        raise _Bad("/response", "HAR entry has no response")
    method = _field(request, "method", str, "/request", "a string", words)
    url = _field(request, "url", str, "/request", "a string", words)
    status = _status(response.get("status"), "/response/status", words)
    # When the entry began: untrusted, of any type; make_origin keeps a short string only.
    started = entry.get("startedDateTime")
    origin = make_origin(
        method, url, status, _har_headers(request.get("headers"), "/request/headers"), started
    )
    response_headers = _har_headers(response.get("headers"), "/response/headers")
    codings = [value for name, value in response_headers if name.lower() == "content-encoding"]
    content = _field(response, "content", dict, "/response", "an object", words) or {}
    text = _field(content, "text", str, "/response/content", "a string", words)
    base64 = _field(content, "encoding", str, "/response/content", "a string", words)
    mime = _field(content, "mimeType", str, "/response/content", "a string", words) or ""
    if _media_type(mime) in _NO_TYPES:  # what the browser left out, the header may still say
        mime = next((v for k, v in response_headers if k.lower() == "content-type"), mime)
    reason = triage.before_body(method, url, status, mime)
    if reason is None and not text:
        reason = NO_BODY
    if reason is not None:
        return Skipped(where, reason, origin)
    try:
        body = decode_body(
            text,
            base64_encoded=(base64 or "").lower() == "base64",
            encoding=", ".join(codings) or None,
            limit=max_body,
        )
    except BodyError as exc:
        raise _Bad("/response/content/text", str(exc)) from None
    return _json_body(body, triage, where, origin)


# --- Cassettes ------------------------------------------------------------------------------------

_INTERACTIONS = ("interactions", "http_interactions")


class _Mapping(dict[Any, Any]):
    """A mapping as loaded; ``pairs`` keeps every key and value in order when a key repeats."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[Any, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs if len(self) != len(pairs) else None


class _TooDeep:
    """What stands for a YAML collection past ``MAX_DEPTH``: composed unread, never built."""


_TOO_DEEP = _TooDeep()


def _checked(value: Any, pointer: str, depth: int) -> None:
    """Raise for the first duplicate key or nesting past ``MAX_DEPTH`` in ``value``."""
    if value is _TOO_DEEP or (isinstance(value, dict | list) and depth > MAX_DEPTH):
        raise _Bad(pointer, f"nests deeper than {MAX_DEPTH} levels of lists and mappings")
    if isinstance(value, dict):
        if isinstance(value, _Mapping) and value.pairs is not None:
            seen: set[Any] = set()
            for key, _ in value.pairs:
                if key in seen:
                    raise _Bad(
                        _at(pointer, key),
                        f"duplicate key '{_short(str(key))}': readers disagree on which value"
                        " wins, so the interaction is not read",
                    )
                seen.add(key)
        for key, item in value.items():
            _checked(item, _at(pointer, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _checked(item, _at(pointer, index), depth + 1)


def _mark(exc: Any) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "start_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


_QUOTED = re.compile(r"\s*('[^']*'|\"[^\"]*\")")


def _yaml_reason(exc: Exception) -> str:
    """PyYAML's sentence with what it quotes of the file left out, and the place."""
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or "malformed"
    where = _mark(exc)
    position = getattr(exc, "position", None)
    if not where and position is not None:
        where = f" at byte {position}"
    return f"{_QUOTED.sub('', str(problem))}{where}"


class _YamlRefused(Exception):
    """YAML that is valid but not read: anchors, aliases, merge keys."""

    def __init__(self, what: str, mark: Any) -> None:
        super().__init__(what)
        self.what = what
        self.problem_mark = mark
        self.why = _REFUSED[what]


_ALIASES = "YAML anchors and aliases"
_MERGE = "a YAML merge key ('<<')"
_DOCUMENTS = "a second YAML document"
_UNKNOWN_EVENT = "a YAML construct this reader does not know"
_REFUSED = {
    _ALIASES: "they are refused before anything is expanded (a few lines of aliases expand to"
    " gigabytes, and cassettes need none)",
    _MERGE: "merge keys are not read (one can hide a value behind another)",
    _DOCUMENTS: "a cassette is one document",
    _UNKNOWN_EVENT: "it is not read",
}


_DEEP_TAG = "tag:conformance,2026:too-deep"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NULL_TAG = "tag:yaml.org,2002:null"


def _yaml_parser(data: bytes) -> Any:
    """libyaml's event parser when PyYAML has it, else PyYAML's own."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        from yaml.parser import Parser
        from yaml.reader import Reader
        from yaml.scanner import Scanner

        class PureParser(Reader, Scanner, Parser):
            def __init__(self, data: bytes) -> None:
                Reader.__init__(self, data)
                Scanner.__init__(self)
                Parser.__init__(self)

        return PureParser(data)
    return CParser(data)


def _compose(parser: Any) -> Any:
    """The document's node tree, composed from the parser's events.

    PyYAML's composer would do, but this one refuses every anchor and alias before anything is
    expanded (a kilobyte of nested aliases is gigabytes built), and stands a placeholder for a
    collection past ``MAX_DEPTH`` without keeping any node of it. Events are told apart by their
    class's name: libyaml's bridge keeps the event classes of the first import of PyYAML, which a
    harness that re-imports modules (pytester) replaces under the rest of PyYAML.
    """
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import Resolver

    resolve: Any = Resolver().resolve  # untyped in the stubs
    root: Any = None
    # Open collections, and for each the key node waiting for its value (mappings only).
    stack: list[Any] = []
    keys: list[Any] = []
    documents = 0
    while True:
        event = parser.get_event()
        kind = type(event).__name__
        if kind in ("StreamStartEvent", "DocumentEndEvent"):
            continue
        if kind == "StreamEndEvent":
            return root
        if kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _YamlRefused(_DOCUMENTS, event.start_mark)
            continue
        if kind == "AliasEvent" or getattr(event, "anchor", None) is not None:
            raise _YamlRefused(_ALIASES, event.start_mark)
        node: Any
        if kind == "ScalarEvent":
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        elif kind in ("SequenceStartEvent", "MappingStartEvent"):
            if len(stack) >= MAX_DEPTH:
                node = ScalarNode(_DEEP_TAG, "", event.start_mark, _skip_collection(parser))
            else:
                cls = SequenceNode if kind == "SequenceStartEvent" else MappingNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(cls, None, event.implicit)
                stack.append(cls(tag, [], event.start_mark, None, flow_style=event.flow_style))
                keys.append(None)
                continue
        elif kind in ("SequenceEndEvent", "MappingEndEvent"):
            node = stack.pop()
            keys.pop()
            node.end_mark = event.end_mark
        else:
            raise _YamlRefused(_UNKNOWN_EVENT, getattr(event, "start_mark", None))
        if not stack:
            root = node
        elif stack[-1].id == "sequence":
            stack[-1].value.append(node)
        elif keys[-1] is None:
            keys[-1] = node
        else:
            stack[-1].value.append((keys[-1], node))
            keys[-1] = None


def _skip_collection(parser: Any) -> Any:
    """Consume a collection past the depth cap, event by event; its end mark."""
    level = 0
    while True:
        event = parser.get_event()
        kind = type(event).__name__
        if kind == "AliasEvent" or getattr(event, "anchor", None) is not None:
            raise _YamlRefused(_ALIASES, event.start_mark)
        if kind in ("SequenceStartEvent", "MappingStartEvent"):
            level += 1
        elif kind in ("SequenceEndEvent", "MappingEndEvent"):
            if level == 0:
                return event.end_mark
            level -= 1


def _constructor() -> Any:
    """PyYAML's safe constructor, with mappings that keep their repeated keys and no merges."""
    from yaml.constructor import ConstructorError, SafeConstructor

    class Constructor(SafeConstructor):
        def construct_checked_map(self, node: Any) -> Iterator[_Mapping]:
            data = _Mapping([])
            yield data
            pairs = []
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    raise _YamlRefused(_MERGE, key_node.start_mark)
                key = self.construct_object(key_node, deep=False)
                try:
                    hash(key)
                except TypeError:
                    raise ConstructorError(
                        None, None, "found a key that is not a scalar", key_node.start_mark
                    ) from None
                pairs.append((key, self.construct_object(value_node, deep=False)))
            data.update(pairs)
            data.pairs = pairs if len(data) != len(pairs) else None

    constructor: Any = Constructor  # the stubs want a constructor class they know
    constructor.add_constructor(_MAP_TAG, Constructor.construct_checked_map)
    constructor.add_constructor(_DEEP_TAG, lambda _, node: _TOO_DEEP)
    return Constructor()


def _json_cassette(data: bytes) -> list[tuple[Any, Any]]:
    """A JSON cassette's top-level pairs, every mapping keeping its repeated keys."""
    try:
        root = json.loads(data.decode("utf-8-sig"), object_pairs_hook=_Mapping)
    except UnicodeDecodeError as exc:
        raise _Bad("", f"cassette is not UTF-8 (invalid byte at offset {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise _Bad(
            "", f"cassette is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise _Bad("", "cassette nests too deeply to be read") from None
    if not isinstance(root, _Mapping):
        kind = _kind(root, _JSON_WORDS)
        raise _Bad("", f"not a cassette: the JSON is {kind}, expected an object")
    return root.pairs or list(root.items())


def _yaml_failure(exc: Exception) -> bool:
    """Whether ``exc`` says the YAML cannot be read (and is no bug of this module's).

    PyYAML's errors are told apart by name, as its events are: libyaml's bridge raises those of
    the first import of PyYAML. ``ValueError`` is what that bridge lets through otherwise.
    """
    if isinstance(exc, _YamlRefused | ValueError | RecursionError):
        return True
    return any(cls.__name__ == "YAMLError" for cls in type(exc).__mro__)


def _yaml_error(exc: Exception) -> _Bad:
    """The finding for an error of PyYAML's (told apart by name, as events are) or a refusal."""
    if isinstance(exc, _YamlRefused):
        return _Bad("", f"cassette uses {exc.what}{_mark(exc)}; {exc.why}")
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "ConstructorError" in names:
        if "constructor for the tag" in str(getattr(exc, "problem", "")):
            return _Bad(
                "",
                f"cassette uses a YAML tag that would construct an object{_mark(exc)}; only"
                " plain YAML is read (safe loading)",
            )
        return _Bad("", f"cassette cannot be read as plain YAML: {_yaml_reason(exc)}")
    if "YAMLError" in names:
        return _Bad("", f"cassette is not valid YAML: {_yaml_reason(exc)}")
    return _Bad("", "cassette is not valid YAML")


def _yaml_cassette(data: bytes) -> tuple[Any, list[tuple[Any, Any]]]:
    """The constructor and a YAML cassette's top-level pairs (key, node), composed, not built."""
    try:
        root = _compose(_yaml_parser(data))
    except Exception as exc:
        if not _yaml_failure(exc):
            raise
        raise _yaml_error(exc) from None
    if root is None or root.id != "mapping":
        kind = "empty" if root is None else "a list" if root.tag == _SEQ_TAG else "not a mapping"
        raise _Bad("", f"not a cassette: the YAML is {kind}, expected a mapping")
    if root.tag != _MAP_TAG:
        raise _yaml_error(_tagged(root))
    pairs = []
    for key, value in root.value:
        if key.tag == _MERGE_TAG:
            raise _yaml_error(_YamlRefused(_MERGE, key.start_mark))
        plain = key.id == "scalar" and key.tag == _STR_TAG
        pairs.append((key.value if plain else None, value))
    return _constructor(), pairs


def read_cassette(
    data: bytes, name: str, max_body: int, urls: Sequence[str] = ()
) -> Iterator[Item]:
    """One body per recorded interaction of a vcrpy / pytest-recording / schemathesis cassette.

    Interactions are checked one by one (types, duplicate keys, depth, YAML tags), so a bad one is
    its own finding and the rest are read; a cassette with none is a finding as well. What holds
    no JSON API response, or whose URL matches none of ``urls``, is ``Skipped`` as in a HAR.
    """
    where = Location(name)
    triage = Triage(urls)
    is_yaml = not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    try:
        constructor, pairs = _yaml_cassette(data) if is_yaml else (None, _json_cassette(data))
    except _Bad as bad:
        yield _unreadable(where, bad.message, bad.pointer)
        return
    lists = [(key, value) for key, value in pairs if key in _INTERACTIONS]
    if not lists:
        yield _unreadable(where, "not a cassette: no 'interactions' list")
        return
    if len(lists) > 1:
        yield _unreadable(
            where, "more than one 'interactions' list: every one is read", f"/{lists[1][0]}"
        )
    number = read = 0
    for key, value in lists:
        if is_yaml:
            items = value.value if value.id == "sequence" else None
            plain = items is not None and value.tag == _SEQ_TAG
        else:
            items, plain = (value if isinstance(value, list) else None), True
        if items is None:
            kind = _node_kind(value) if is_yaml else _kind(value, _YAML_WORDS)
            yield _unreadable(where, f"'{key}' is {kind}, expected a list", f"/{key}")
            continue
        if not plain:
            yield _unreadable(where, _yaml_error(_tagged(value)).message, f"/{key}")
            continue
        read += 1
        for item in items:
            number += 1
            at = Location(name, entry=number, entry_kind="interaction")
            try:
                interaction = _construct(constructor, item) if is_yaml else item
                _checked(interaction, "", 3)
                yield _interaction(interaction, at, max_body, triage)
            except _Bad as bad:
                yield _unreadable(at, bad.message, bad.pointer)
    if read and not number:
        message = "cassette has no interactions: nothing to validate"
        yield _unreadable(where, message, f"/{lists[0][0]}")


def _node_kind(node: Any) -> str:
    """What a composed YAML node is, in the words ``_kind`` uses for built values."""
    if node.id == "mapping":
        return "a mapping"
    return "null" if node.tag == _NULL_TAG else "a scalar"


def _tagged(node: Any) -> Exception:
    from yaml.constructor import ConstructorError

    return ConstructorError(None, None, "no constructor for the tag", node.start_mark)


def _construct(constructor: Any, node: Any) -> Any:
    """One interaction built with the safe constructor; its errors are its own."""
    try:
        return constructor.construct_document(node)
    except Exception as exc:
        if not _yaml_failure(exc):
            raise
        bad = _yaml_error(exc)
    raise _Bad("", bad.message.replace("cassette uses", "interaction uses", 1))


def _cassette_headers(value: Any, pointer: str) -> list[tuple[str, str]]:
    """Cassette headers: a mapping of names to a string or, as vcrpy writes, a list of them."""
    words = _YAML_WORDS
    if value is None:
        return []
    if not isinstance(value, dict):
        raise _wrong(pointer, value, "a mapping of names to values", words)
    headers = []
    for name, values in value.items():
        at = _at(pointer, name)
        if not isinstance(name, str):
            raise _Bad(pointer, f"a header name is {_kind(name, words)}, expected a string")
        for index, item in enumerate(values if isinstance(values, list) else [values]):
            if item is None:
                continue
            if not isinstance(item, str):
                place = _at(at, index) if isinstance(values, list) else at
                raise _wrong(place, item, "a string (quote it in YAML)", words)
            headers.append((name, item))
    return headers


def _interaction(interaction: Any, where: Location, max_body: int, triage: Triage) -> Item:
    try:
        return _cassette_body(interaction, where, max_body, triage)
    except _Bad as bad:
        return _unreadable(where, bad.message, bad.pointer)


def _cassette_body(interaction: Any, where: Location, max_body: int, triage: Triage) -> Item:
    words = _YAML_WORDS
    if not isinstance(interaction, dict):
        raise _Bad("", f"interaction is {_kind(interaction, words)}, expected a mapping")
    request = _field(interaction, "request", dict, "", "a mapping", words) or {}
    response = _field(interaction, "response", dict, "", "a mapping", words)
    if response is None:
        raise _Bad("/response", "interaction has no response")
    status = response.get("status")
    if isinstance(status, dict):
        code = _status(status.get("code"), "/response/status/code", words)
    else:
        code = _status(status, "/response/status", words)
    method = _field(request, "method", str, "/request", "a string", words)
    url = _field(request, "uri", str, "/request", "a string", words)
    origin = make_origin(
        method, url, code, _cassette_headers(request.get("headers"), "/request/headers")
    )
    response_headers = _cassette_headers(response.get("headers"), "/response/headers")
    codings = [v for k, v in response_headers if k.lower() == "content-encoding"]
    mime = next((v for k, v in response_headers if k.lower() == "content-type"), "")
    body, pointer, encoded = response.get("body"), "/response/body", False
    if isinstance(body, dict):
        if "string" in body and "base64_string" in body:
            raise _Bad(
                pointer,
                "response body has both 'string' and 'base64_string': which one a tool reads"
                " is not known",
            )
        encoded = "base64_string" in body
        pointer = _at(pointer, "base64_string" if encoded else "string")
        body = body.get("base64_string" if encoded else "string")
    if body is not None and not isinstance(body, str | bytes):
        raise _wrong(pointer, body, "text or binary data", words)
    reason = triage.before_body(method, url, code, mime)
    if reason is None and not body:
        reason = NO_BODY
    if reason is not None:
        return Skipped(where, reason, origin)
    try:
        text = decode_body(
            body, base64_encoded=encoded, encoding=", ".join(codings) or None, limit=max_body
        )
    except BodyError as exc:
        raise _Bad(pointer, str(exc)) from None
    return _json_body(text, triage, where, origin)
