"""Documents: bodies parsed into values, and the resources an envelope holds.

Parsing is strict where parsers are lenient: ``NaN`` and ``Infinity`` are not JSON, and duplicate
keys are reported (parsers disagree on which value wins, which can hide a violation). Duplicate
keys are checked for files and recorded traffic by default; for bulk NDJSON streams the check is
opt-in, because it costs the fast path (orjson, which keeps the last value silently) its speed.

What the engine cannot take is refused here, before it sees the document, each with the pointer
or the position of the cause: a document nested deeper than ``max_depth`` (the engine explains
failures only up to 255 levels, and Python's parser gives up near 1,000) and a string holding a
lone UTF-16 surrogate (no UTF-8 text can carry it, so the engine cannot read it). A number too
large for a 64-bit float, which the engine would see as null, is valid JSON the API sent: it is
kept as a violation of its own beside the engine's findings. A parse error says where and why,
and never quotes the text: the bytes beside a broken one can be a bearer token. Whatever the
input, parsing ends in a document or in findings, never in an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from conformance.catalog import Catalog, property_reference
from conformance.findings import Finding, Location, Origin
from conformance.jsontext import locate_all, repeated_keys, too_deep
from conformance.sources import DEFAULT_MAX_DOCUMENT, TOO_LONG, Body, human_size

# Nesting refused by default; the engine explains failures only up to ENGINE_MAX_DEPTH levels.
DEFAULT_MAX_DEPTH = 128
ENGINE_MAX_DEPTH = 255

# A text that may hold a lone surrogate: an escape of one, or one already decoded.
_SURROGATE_TEXT = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_INFINITIES = (float("inf"), float("-inf"))
# An integer longer than Python's int() takes from text (sys.get_int_max_str_digits()).
_LONG_INTEGER = re.compile(r"[0-9]{4301}")


@dataclass(frozen=True)
class Document:
    """A parsed body: its value, where it stands, its request, and its text (for positions)."""

    value: Any
    location: Location
    origin: Origin | None = None
    text: str | bytes | None = None
    # Violations the reader found that the engine cannot see (a number past a double reads as
    # infinity, which the engine takes for null): reported beside the engine's findings, which
    # at those pointers are dropped.
    problems: tuple[Finding, ...] = ()


class Refused(list[Finding]):
    """Why a body cannot be read, as findings; ``omitted`` more of them were not made (past the
    number asked for), only counted."""

    omitted: int = 0


class _Constant:
    """What ``NaN`` or ``Infinity`` parse to, so that their pointer can be found afterwards."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


def _unreadable(
    location: Location, message: str, pointer: str = "", rule_id: str = "document.unreadable"
) -> Finding:
    return Finding(
        kind="unreadable", location=location, message=message, pointer=pointer, rule_id=rule_id
    )


def _at(body: Body, offset_line: int, column: int) -> Location:
    """A position inside a body as a position in its file, where the file's lines are known."""
    loc = body.location
    if loc.entry_kind in ("entry", "interaction"):
        return loc  # a HAR or cassette body is a string inside the file: keep the entry
    line = (loc.line or 1) + offset_line - 1
    return Location(loc.source, line, column, loc.entry, loc.entry_kind, loc.within)


def _text(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def parse(
    body: Body,
    *,
    check_duplicates: bool = True,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_size: int = DEFAULT_MAX_DOCUMENT,
    keep: int = 1000,
) -> Document | list[Finding]:
    """The body's value, or the findings that say why it cannot be read (never an exception).

    ``max_size`` is the cap an NDJSON line was skipped for (named in the finding). At most
    ``keep`` findings are made; the list is a ``Refused`` that counts the others.
    """
    if body.text is TOO_LONG:
        return [
            _unreadable(
                body.location,
                f"line longer than the document size cap of {human_size(max_size)}"
                " (--max-document-size): skipped without being read whole",
            )
        ]
    if not check_duplicates:
        import orjson

        try:
            value = orjson.loads(body.text)
        except orjson.JSONDecodeError:
            pass  # the exact reader below says why, and where
        else:
            document = Document(value, body.location, body.origin, body.text)
            deep = too_deep_finding(document, max_depth)
            return [deep] if deep is not None else document
    return _parse_exact(body, check_duplicates, max_depth, keep)


def _parse_exact(
    body: Body, check_duplicates: bool, max_depth: int, keep: int
) -> Document | list[Finding]:
    """Python's parser, with hooks that note what the engine cannot take."""
    raw = body.text
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            return [
                _unreadable(_at(body, line, column), f"not UTF-8 (invalid byte at column {column})")
            ]
    else:
        text = raw
    duplicated = False
    constants: list[_Constant] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicated
        value = dict(items)
        if len(value) != len(items):
            duplicated = True
        return value

    def constant(name: str) -> _Constant:
        constants.append(_Constant(name))
        return constants[-1]

    overflowed: list[str] = []

    def decimal(literal: str) -> float:
        number = float(literal)
        if number in _INFINITIES:
            overflowed.append(literal)
        return number

    try:
        value = json.loads(
            text,
            object_pairs_hook=pairs if check_duplicates else None,
            parse_constant=constant,
            parse_float=decimal,
        )
    except json.JSONDecodeError as exc:
        # exc.msg is the parser's own sentence ("Expecting value"), never the text.
        return [_unreadable(_at(body, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")]
    except RecursionError:
        offset = too_deep(text, max_depth)
        where = body.location if offset is None else _offset_at(body, text, offset)
        return [_unreadable(where, _deep_message(max_depth))]
    except ValueError as exc:
        return [_unreadable(*_value_error(body, text, exc))]
    document = Document(value, body.location, body.origin, text)
    deep = too_deep_finding(document, max_depth)
    if deep is not None:
        return [deep]
    if duplicated:
        repeats, total = repeated_keys(text, keep)
        refused = Refused(
            _unreadable(
                _at(body, line, column),
                f"duplicate key {pointer.rsplit('/', 1)[-1]!r}: parsers disagree on which"
                " value wins, so the document is not validated",
                pointer,
            )
            for pointer, line, column in repeats
        ) or Refused([_unreadable(body.location, "duplicate keys in an object")])
        refused.omitted = max(total - keep, 0)
        return refused
    problems = _problems(document, constants, bool(overflowed))
    unread = [(pointer, message) for pointer, message in problems if message != _OVERFLOW_SAYS]
    if unread:
        places = positions(document, [pointer for pointer, _ in unread])
        return [
            _unreadable(places.get(pointer, document.location), message, pointer)
            for pointer, message in unread
        ]
    if problems:
        # Valid JSON the API sent, wrong as a value: a violation, and the rest is validated.
        found = tuple(
            Finding(
                kind="violation",
                location=body.location,
                message=message,
                pointer=pointer,
                rule_id="document.json-value",
            )
            for pointer, message in problems
        )
        return Document(value, body.location, body.origin, text, found)
    return document


def _deep_message(max_depth: int) -> str:
    return f"nested too deeply: deeper than {max_depth} levels (--max-depth), so not validated"


def _offset_at(body: Body, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return _at(body, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _value_error(body: Body, text: str, exc: ValueError) -> tuple[Location, str]:
    """Where and why for the parser's other refusals, in words of our own, never the text's."""
    if "integer string conversion" in str(exc) or "Exceeds the limit" in str(exc):
        found = _LONG_INTEGER.search(text)
        where = _offset_at(body, text, found.start()) if found else body.location
        return where, "an integer has more digits than this reader accepts (4300)"
    return body.location, "not valid JSON"


def too_deep_finding(document: Document, max_depth: int) -> Finding | None:
    """A finding at the first container nested deeper than ``max_depth``, or None.

    The text is looked at first, at C speed: a text with no more brackets than ``max_depth``
    cannot nest deeper, and that is most documents; the value is walked only otherwise.
    """
    if _brackets(document.text) <= max_depth:
        return None
    pointer = _deeper_than(document.value, max_depth)
    if pointer is None:
        return None
    where = positions(document, [pointer]).get(pointer, document.location)
    return _unreadable(where, _deep_message(max_depth), pointer, "document.too-deep")


def _brackets(text: str | bytes | None) -> int:
    """How many containers the text opens at most (brackets in strings count too)."""
    if text is None:
        return 1 << 62
    if isinstance(text, str):
        return text.count("[") + text.count("{")
    return text.count(b"[") + text.count(b"{")


def _deeper_than(value: Any, limit: int) -> str | None:
    """The pointer of a container nested deeper than ``limit`` (the top one is level 1)."""
    if not isinstance(value, dict | list):
        return None
    stack: list[tuple[Any, int, Any]] = [(value, 1, None)]
    while stack:
        node, depth, path = stack.pop()
        if depth > limit:
            return _pointer_of(path)
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1, (path, key)))
    return None


def _pointer_of(path: Any) -> str:
    """The JSON pointer of a path kept as nested (parent, token) pairs."""
    tokens: list[str] = []
    while path is not None:
        path, token = path
        tokens.append(_escape(str(token)))
    return "".join("/" + token for token in reversed(tokens))


def _problems(
    document: Document, constants: list[_Constant], overflowed: bool
) -> list[tuple[str, str]]:
    """(pointer, message) for each value the engine cannot take: ``NaN``/``Infinity``, a lone
    surrogate in a string or a key, a number too large for a double (``overflowed``: the parser
    met one). The value is walked only when one of them may be there."""
    text = _text(document.text or "")
    keys: Callable[[str], str | None] | None = None
    checks: list[Callable[[Any], str | None]] = []
    if constants:
        checks.append(_constant_problem)
    # A surrogate is an escape or, in text that is not ASCII, a character: the cheap tests first,
    # as every file pays for them.
    if ("\\u" in text or not text.isascii()) and _SURROGATE_TEXT.search(text):
        keys = _surrogate_problem
        checks.append(_surrogate_problem)
    if overflowed:
        checks.append(_overflow_problem)
    if not checks:
        return []
    return list(_walk_scalars(document.value, checks, keys))


def _constant_problem(value: Any) -> str | None:
    return f"{value.name} is not a JSON number" if isinstance(value, _Constant) else None


def _surrogate_problem(value: Any) -> str | None:
    if isinstance(value, str) and _SURROGATE.search(value):
        return (
            "a string holds a lone UTF-16 surrogate (an escape without its pair), which no"
            " Unicode text can carry, so the document is not validated"
        )
    return None


_OVERFLOW_SAYS = "a number too large for a 64-bit float: it would read as infinity"


def _overflow_problem(value: Any) -> str | None:
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return _OVERFLOW_SAYS
    return None


def _infinity_problem(value: Any) -> str | None:
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "Infinity is not a JSON number"
    return None


def _walk_scalars(
    value: Any, checks: list[Callable[[Any], str | None]], keys: Callable[[str], str | None] | None
) -> Iterator[tuple[str, str]]:
    """(pointer, message) for every key and leaf value a check finds wrong, in document order."""
    stack: list[tuple[Any, Any]] = [(value, None)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            children: Iterable[tuple[Any, Any]] = node.items()
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            for check in checks:
                message = check(node)
                if message is not None:
                    yield _pointer_of(path), message
                    break
            continue
        later = []
        for token, child in children:
            if keys is not None and isinstance(token, str):
                message = keys(token)
                if message is not None:
                    yield _pointer_of((path, token)), message
            later.append((child, (path, token)))
        stack.extend(reversed(later))


def refusals(document: Document, max_depth: int = DEFAULT_MAX_DEPTH) -> list[Finding]:
    """For a value parsed elsewhere (a caller's Python value), what ``parse`` would refuse: too
    deep, a lone surrogate, an infinite or NaN float. Each at its pointer."""
    deep = too_deep_finding(document, max_depth)
    if deep is not None:
        return [deep]
    checks: list[Callable[[Any], str | None]] = [
        _surrogate_problem,
        _infinity_problem,
        _nan_problem,
    ]
    return [
        _unreadable(document.location, message, pointer)
        for pointer, message in _walk_scalars(document.value, checks, _surrogate_problem)
    ]


def _nan_problem(value: Any) -> str | None:
    return "NaN is not a JSON number" if isinstance(value, float) and value != value else None


def engine_refusal(document: Document, exc: Exception) -> Finding:
    """The finding for a document the engine raised on (a backstop: the readers refuse what it
    cannot take before it sees it), at the pointer of the cause where one is found."""
    found = refusals(document, ENGINE_MAX_DEPTH)
    if found:
        return found[0]
    return _unreadable(
        document.location, f"the engine cannot read this document ({type(exc).__name__})"
    )


def positions(document: Document, pointers: Iterable[str]) -> dict[str, Location]:
    """Where the value at each pointer stands in the document's file, all found in one pass over
    its text; a pointer not found (or a document with no lines of its own) is left out."""
    loc = document.location
    wanted = list(dict.fromkeys(pointers))
    if document.text is None or loc.entry_kind in ("entry", "interaction", "example"):
        return {}
    found = locate_all(_text(document.text), wanted)
    first = loc.line or 1
    return {
        pointer: Location(loc.source, first + line - 1, column, loc.entry, loc.entry_kind)
        for pointer, (line, column) in found.items()
    }


# --- Envelopes ------------------------------------------------------------------------------------


def resources(
    value: Any, schema: str, catalog: Catalog, pointer: str = ""
) -> Iterator[tuple[str, str]]:
    """The resources an envelope holds, as (JSON pointer, schema), the envelope itself first.

    Read from the schemas, not hard-coded: an envelope's properties that refer to other schemas
    (directly, nullable, or as array items) hold resources; envelopes inside envelopes (a Graph
    collection of jobs) are followed down.
    """
    yield pointer, schema
    entry = catalog.get(schema)
    if entry.kind != "envelope" or not isinstance(value, dict):
        return
    properties = catalog.schema(schema).get("properties", {})
    for name, sub in properties.items():
        if name not in value:
            continue
        ref, many = property_reference(sub)
        target = catalog.name_of(ref) if ref else None
        if target is None:
            continue
        child = f"{pointer}/{_escape(name)}"
        items = enumerate(value[name]) if many and isinstance(value[name], list) else None
        if items is None:
            if isinstance(value[name], dict):
                yield from resources(value[name], target, catalog, child)
            continue
        for index, item in items:
            if isinstance(item, dict):
                yield from resources(item, target, catalog, f"{child}/{index}")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def error_response(value: Any, origin: Origin | None) -> str | None:
    """The summary of an API error body (Graph ``{"error": ...}``, AWS ``{"__type": ...}``)."""
    if not isinstance(value, dict):
        return None
    status = f"HTTP {origin.status}: " if origin and origin.status else ""
    error = value.get("error")
    if isinstance(error, dict) and ("code" in error or "message" in error) and len(value) <= 2:
        return f"{status}Graph error {error.get('code', '?')}: {error.get('message', '')}".strip()
    if "__type" in value and set(value) <= {"__type", "message", "Message"}:
        kind = str(value["__type"]).rsplit("#", 1)[-1]
        message = value.get("message", value.get("Message", ""))
        return f"{status}AWS error {kind}: {message}".strip()
    return None


def position(document: Document, pointer: str) -> Location:
    """Where the value at ``pointer`` stands in the document's file, as far as can be told.

    For many pointers of one document use ``positions``, which walks the text once for all.
    """
    return positions(document, [pointer]).get(pointer, document.location)
