"""HTTP responses of live clients as bodies: what a test or a user's code received.

Every client (requests, httpx, botocore) hands a response over differently; each becomes an
``Exchange`` (the request's method, URL and headers, the status, the response's content type, and
a way to read the body), and one function, ``exchange_body``, decides what it holds: a body to
validate, nothing (a redirect, a bodiless response, a stream the caller consumed), or an
``unreadable`` finding (a body that is not JSON, or one past the size cap). Its origin is made by
``make_origin``, which redacts, so no credential of the request reaches a report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from conformance.bodies import Body, BodyError, decode_body, make_origin
from conformance.findings import Finding, Location, Result


@dataclass(frozen=True)
class Exchange:
    """One response received, as every client hands it over.

    ``read`` returns the body's bytes, or None when nothing is left to read (a stream consumed or
    closed); it may raise ``BodyError`` (a kept stream past the cap), which becomes a finding.
    ``encoding`` is the Content-Encoding still applied to those bytes: None when the client has
    undone it (requests, httpx), the header as sent for botocore, which hands over the raw body.
    ``streamed`` says the body is the caller's to read first, so it is read after the caller is
    done with it.
    """

    method: str
    url: str
    status: int
    request_headers: tuple[tuple[str, str], ...]
    content_type: str
    read: Callable[[], bytes | None]
    is_redirect: bool = False
    streamed: bool = False
    encoding: str | None = None

    def __post_init__(self) -> None:
        # Clients hand headers over as they keep them: botocore keeps some values of a signed
        # request as bytes (``X-Amz-Target``), which ``str()`` would turn into ``b'...'``.
        object.__setattr__(self, "request_headers", header_pairs(self.request_headers))

    @classmethod
    def of(cls, response: Any, streamed: bool = False) -> Exchange:
        """The exchange of a requests or httpx response object (read unless ``streamed``)."""
        return from_response(response, streamed)


def header_pairs(headers: Iterable[tuple[Any, Any]]) -> tuple[tuple[str, str], ...]:
    """Header names and values as text."""
    return tuple((_text(k), _text(v)) for k, v in headers)


def _text(value: Any) -> str:
    # Latin-1, as HTTP/1.1 carries header bytes; it never fails.
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


def is_response(value: Any) -> bool:
    """Whether a value is a requests or httpx response (by shape: neither is imported)."""
    return all(hasattr(value, name) for name in ("content", "request", "status_code", "headers"))


def from_response(response: Any, streamed: bool = False) -> Exchange:
    """The exchange of a requests or httpx response object handed over whole."""
    request = response.request
    headers = request.headers
    items = headers.multi_items() if hasattr(headers, "multi_items") else headers.items()

    def read() -> bytes | None:
        content: bytes | None = response.content
        return content

    return Exchange(
        method=str(request.method),
        url=str(request.url),
        status=int(response.status_code),
        request_headers=tuple(items),
        content_type=str(response.headers.get("Content-Type") or ""),
        read=read,
        is_redirect=bool(response.is_redirect),
        streamed=streamed,
    )


def exchange_body(exchange: Exchange, name: str, max_body: int) -> Body | Result:
    """The body of a response to validate, or the result that says why there is none.

    A redirect is followed by the response the caller receives and a response without a body
    (204, 304, HEAD, a stream already consumed) holds no document: both are ``skipped``. A body
    that is neither declared nor shaped as JSON is an ``unreadable`` finding, worded as the
    readers of recorded traffic word it; so is one whose content coding expands past
    ``max_body`` (a gzip bomb costs no more than its cap).
    """
    origin = make_origin(exchange.method, exchange.url, exchange.status, exchange.request_headers)
    where = Location(name)
    if exchange.is_redirect:
        return Result(where, None, (), origin, skipped="redirect")
    try:
        content = exchange.read()
        if content is not None and exchange.encoding:
            text = decode_body(
                content, base64_encoded=False, encoding=exchange.encoding, limit=max_body
            )
            content = text.encode("utf-8")
    except BodyError as exc:
        finding = Finding(kind="unreadable", location=where, message=str(exc))
        return Result(where, None, (finding,), origin)
    except Exception:  # a stream the caller consumed or closed: nothing left to check
        content = None
    if not content or not content.strip():
        return Result(where, None, (), origin, skipped="no body")
    mime = exchange.content_type
    if not _declares_json(mime) and content.lstrip()[:1] not in (b"{", b"["):
        finding = Finding(
            kind="unreadable", location=where, message=f"response body is {mime}, not JSON"
        )
        return Result(where, None, (finding,), origin)
    return Body(content, where, origin)


def _declares_json(mime: str) -> bool:
    # The rule the HAR and cassette readers apply: no type, or any JSON type, may hold JSON.
    mime = mime.split(";", 1)[0].strip().lower()
    return not mime or "json" in mime
