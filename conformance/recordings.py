"""Recorded traffic: HAR 1.2 files and VCR cassettes, read into bodies with their requests.

HAR files are streamed entry by entry (ijson), so a 1 GiB capture is read in flat memory.
Cassettes (vcrpy and pytest-recording write YAML or JSON; schemathesis writes its own variant) are
small and loaded whole, with YAML's safe loader only: a tag that would construct an object is an
unreadable input, never executed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from conformance.findings import Finding, Location
from conformance.sources import Body, BodyError, Item, decode_body, make_origin


def _unreadable(location: Location, message: str) -> Finding:
    return Finding(kind="unreadable", location=location, message=message)


def _is_json_type(mime: str) -> bool:
    mime = mime.split(";", 1)[0].strip().lower()
    return not mime or mime.endswith(("/json", "+json")) or "json" in mime


# --- HAR ------------------------------------------------------------------------------------------


def read_har(stream: IO[bytes], name: str, max_body: int) -> Iterator[Item]:
    """One body per HAR entry that has a response body; the request kept as its origin."""
    import ijson  # type: ignore[import-untyped]  # ships no type information

    index = 0
    try:
        for index, entry in enumerate(ijson.items(stream, "log.entries.item", use_float=True), 1):
            yield _har_entry(entry, Location(name, entry=index, entry_kind="entry"), max_body)
    except ijson.JSONError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        where = f" after entry {index}" if index else ""
        yield _unreadable(Location(name), f"HAR file is not valid JSON{where}: {reason}")


def _har_entry(entry: Any, where: Location, max_body: int) -> Item:
    if not isinstance(entry, dict):
        return _unreadable(where, "HAR entry is not an object")
    request = entry.get("request") or {}
    response = entry.get("response") or {}
    headers = [(h.get("name", ""), h.get("value", "")) for h in request.get("headers") or ()]
    origin = make_origin(request.get("method"), request.get("url"), response.get("status"), headers)
    content = response.get("content") or {}
    text = content.get("text")
    if not text:
        return _unreadable(where, "HAR entry has no response body text (content.text)")
    mime = str(content.get("mimeType") or "")
    response_headers = {
        str(h.get("name", "")).lower(): h.get("value") for h in response.get("headers") or ()
    }
    try:
        body = decode_body(
            text,
            base64_encoded=content.get("encoding") == "base64",
            encoding=response_headers.get("content-encoding"),
            limit=max_body,
        )
    except BodyError as exc:
        return _unreadable(where, str(exc))
    if not _is_json_type(mime) and body.lstrip()[:1] not in ("{", "["):
        return _unreadable(where, f"response body is {mime or 'not JSON'}, not JSON")
    return Body(body, where, origin)


# --- Cassettes ------------------------------------------------------------------------------------


def _load_cassette(data: bytes, name: str) -> Any:
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        import json

        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BodyError(f"cassette is not valid JSON: {exc}") from None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(data, Loader=loader)  # a safe loader, chosen above
    except yaml.constructor.ConstructorError as exc:
        raise BodyError(
            f"cassette uses a YAML tag that would construct an object ({exc.problem}"
            f"{_mark(exc)}); only plain YAML is read (safe loading)"
        ) from None
    except yaml.YAMLError as exc:
        raise BodyError(
            f"cassette is not valid YAML: {getattr(exc, 'problem', exc)}{_mark(exc)}"
        ) from None


def _mark(exc: Any) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _headers(raw: Any) -> Iterable[tuple[str, str]]:
    """Cassette headers: vcrpy keeps a list of values per name, schemathesis too."""
    if not isinstance(raw, dict):
        return []
    out = []
    for key, value in raw.items():
        for item in value if isinstance(value, list) else [value]:
            out.append((str(key), str(item)))
    return out


def read_cassette(data: bytes, name: str, max_body: int) -> Iterator[Item]:
    """One body per recorded interaction of a vcrpy / pytest-recording / schemathesis cassette."""
    try:
        cassette = _load_cassette(data, name)
    except BodyError as exc:
        yield _unreadable(Location(name), str(exc))
        return
    if not isinstance(cassette, dict):
        yield _unreadable(Location(name), "not a cassette: expected a mapping with 'interactions'")
        return
    interactions = cassette.get("interactions", cassette.get("http_interactions"))
    if not isinstance(interactions, list):
        yield _unreadable(Location(name), "not a cassette: no 'interactions' list")
        return
    for index, interaction in enumerate(interactions, 1):
        yield _interaction(
            interaction, Location(name, entry=index, entry_kind="interaction"), max_body
        )


def _interaction(interaction: Any, where: Location, max_body: int) -> Item:
    if not isinstance(interaction, dict):
        return _unreadable(where, "interaction is not a mapping")
    request = interaction.get("request") or {}
    response = interaction.get("response") or {}
    status = response.get("status") or {}
    code = status.get("code") if isinstance(status, dict) else status
    origin = make_origin(
        request.get("method"), request.get("uri"), code, _headers(request.get("headers"))
    )
    response_headers = {k.lower(): v for k, v in _headers(response.get("headers"))}
    body = response.get("body")
    encoded = False
    if isinstance(body, dict):
        encoded = "base64_string" in body
        body = body.get("base64_string", body.get("string"))
    if body is None or body in ("", b""):
        return _unreadable(where, "interaction has no response body")
    if not isinstance(body, str | bytes):
        return _unreadable(where, "response body is neither text nor bytes")
    try:
        text = decode_body(
            body,
            base64_encoded=encoded,
            encoding=response_headers.get("content-encoding"),
            limit=max_body,
        )
    except BodyError as exc:
        return _unreadable(where, str(exc))
    mime = response_headers.get("content-type", "")
    if not _is_json_type(mime) and text.lstrip()[:1] not in ("{", "["):
        return _unreadable(where, f"response body is {mime}, not JSON")
    return Body(text, where, origin)
