"""The HTTP responses a test receives through ``requests``, turned into bodies for the engine.

``requests.Session.send`` is wrapped for the duration of a marked test. That is the one place
every response passes whatever produced it: a live server, vcrpy / pytest-recording replaying a
cassette (they patch the connection layer under requests' adapter), or a mocking library that
swaps the adapter. ``requests`` is imported through ``importlib`` only here, when a marked test
runs: importing the plugin must not import it, and the type checker needs no stubs for it.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conformance.findings import Result
    from conformance.pipeline import Pipeline


@contextmanager
def responses_seen(on_response: Callable[[Any, bool], None]) -> Iterator[None]:
    """Call ``on_response(response, streamed)`` for every response a session returns, once each.

    ``streamed`` says the test asked for the body as a stream (``stream=True``): reading it then
    would consume it under the test's feet, so it is read after the test.

    A followed redirect makes ``Session.send`` call itself for the next hop and then return that
    hop's response again, so responses are told apart by identity.
    """
    try:
        requests = importlib.import_module("requests")
    except ImportError:
        pytest.fail(
            "conformance: the conformance marker validates responses received through the"
            " requests package, which is not installed",
            pytrace=False,
        )
    session_class = requests.Session
    original = session_class.send
    seen: list[Any] = []

    @functools.wraps(original)
    def send(session: Any, request: Any, **kwargs: Any) -> Any:
        response = original(session, request, **kwargs)
        if not any(response is s for s in seen):
            seen.append(response)
            on_response(response, bool(kwargs.get("stream")))
        return response

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session_class, "send", send)
        yield


def check_response(pipeline: Pipeline, response: Any, name: str) -> Result | None:
    """The result for one response, or None when it holds no document.

    A redirect is followed by the response the test receives; a response without a body (204,
    304, HEAD) holds no document. A body that is neither declared nor shaped as JSON is an
    ``unreadable`` finding, worded as the readers of recorded traffic word it.
    """
    from conformance.findings import Finding, Location, Result
    from conformance.sources import Body, make_origin

    if response.is_redirect:
        return None
    try:
        content: bytes = response.content or b""
    except Exception:  # a streamed body the test consumed or closed: nothing left to check
        return None
    if not content.strip():
        return None
    request = response.request
    origin = make_origin(
        request.method, request.url, response.status_code, list(request.headers.items())
    )
    where = Location(name)
    mime = str(response.headers.get("Content-Type") or "")
    if not _declares_json(mime) and content.lstrip()[:1] not in (b"{", b"["):
        finding = Finding(
            kind="unreadable", location=where, message=f"response body is {mime}, not JSON"
        )
        return Result(where, None, (finding,), origin)
    return pipeline.check_body(Body(content, where, origin))


def _declares_json(mime: str) -> bool:
    # The rule the HAR and cassette readers apply: no type, or any JSON type, may hold JSON.
    mime = mime.split(";", 1)[0].strip().lower()
    return not mime or "json" in mime
