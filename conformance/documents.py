"""Documents: bodies parsed into values, and the resources an envelope holds.

Parsing is strict where parsers are lenient: ``NaN`` and ``Infinity`` are not JSON, and duplicate
keys are reported (parsers disagree on which value wins, which can hide a violation). Duplicate
keys are checked for files and recorded traffic by default; for bulk NDJSON streams the check is
opt-in, because it costs the fast path (orjson, which keeps the last value silently) its speed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from conformance.catalog import Catalog, property_reference
from conformance.findings import Finding, Location, Origin
from conformance.jsontext import duplicate_keys, locate
from conformance.sources import Body


@dataclass(frozen=True)
class Document:
    """A parsed body: its value, where it stands, its request, and its text (for positions)."""

    value: Any
    location: Location
    origin: Origin | None = None
    text: str | bytes | None = None


class _Duplicates(Exception):
    pass


def _pairs_checked(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Duplicates
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _unreadable(location: Location, message: str) -> Finding:
    return Finding(kind="unreadable", location=location, message=message)


def _at(body: Body, offset_line: int, column: int) -> Location:
    """A position inside a body as a position in its file, where the file's lines are known."""
    loc = body.location
    if loc.entry_kind in ("entry", "interaction"):
        return loc  # a HAR or cassette body is a string inside the file: keep the entry
    line = (loc.line or 1) + offset_line - 1
    return Location(loc.source, line, column, loc.entry, loc.entry_kind, loc.within)


def _text(data: str | bytes) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def parse(body: Body, *, check_duplicates: bool = True) -> Document | list[Finding]:
    """The body's value, or the findings that say why it cannot be read."""
    if isinstance(body.text, bytes) and check_duplicates:
        try:
            body = Body(body.text.decode("utf-8"), body.location, body.origin)
        except UnicodeDecodeError as exc:
            return [
                _unreadable(body.location, f"not UTF-8 (invalid byte at column {exc.start + 1})")
            ]
    try:
        if check_duplicates:
            value = json.loads(
                body.text, object_pairs_hook=_pairs_checked, parse_constant=_reject_constant
            )
        else:
            value = _fast_loads(body.text)
    except _Duplicates:
        return [
            Finding(
                kind="unreadable",
                location=_at(body, line, column),
                pointer=pointer,
                message=(
                    f"duplicate key {pointer.rsplit('/', 1)[-1]!r}: parsers disagree on which"
                    " value wins, so the document is not validated"
                ),
            )
            for pointer, line, column in duplicate_keys(_text(body.text))
        ] or [_unreadable(body.location, "duplicate keys in an object")]
    except json.JSONDecodeError as exc:
        return [_unreadable(_at(body, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")]
    except RecursionError:
        return [_unreadable(body.location, "JSON nested too deeply to read")]
    except ValueError as exc:
        return [_unreadable(body.location, f"not valid JSON: {_plain(exc)}")]
    return Document(value, body.location, body.origin, body.text)


def _plain(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text or "Exceeds the limit" in text:
        return "an integer has more digits than this reader accepts (4300)"
    if "infinity when parsed as double" in text:
        return "a number is too large to represent"
    if "depth limit exceeded" in text:
        return "JSON nested too deeply to read"
    return text.split(": line ")[0]


def _fast_loads(text: str | bytes) -> Any:
    import orjson

    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        message = str(exc).split(": line ")[0]
        if "depth limit" in message or "infinity" in message:
            raise ValueError(message) from None
        if "UTF-8" in message or "utf-8" in message:
            raise ValueError(f"not UTF-8 ({message})") from None
        raise json.JSONDecodeError(message, _text(exc.doc), exc.pos) from None


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
    """Where the value at ``pointer`` stands in the document's file, as far as can be told."""
    if document.text is None or document.location.entry_kind in ("entry", "interaction", "example"):
        return document.location
    found = locate(_text(document.text), pointer)
    if found is None:
        return document.location
    loc = document.location
    return Location(loc.source, (loc.line or 1) + found[0] - 1, found[1], loc.entry, loc.entry_kind)
