"""The HTTP responses a test receives through requests, httpx or botocore/boto3, turned into bodies.

For the duration of a marked test each installed client is hooked where every response passes
once, whatever produced it, and each response becomes an ``Exchange``: the request (method, URL,
headers), the status, the response's content type, and a way to read the body. One function,
``check_exchange``, turns an exchange into a result, so the three clients agree on what holds a
document, what is ``unreadable`` and what origin a report shows (``make_origin``, which redacts).

Where each client is hooked, and why there:

- requests: ``Session.send``. Live servers, vcrpy / pytest-recording replaying a cassette (they
  patch the connection layer under requests' adapter) and mocking libraries that swap the adapter
  all pass through it.
- httpx: ``Client.send`` and ``AsyncClient.send``. Every request method, ``stream()``, mock
  transports (``httpx.MockTransport``, respx) and custom transports pass through them, and a
  followed redirect's hops stay inside (``response.history``), so each response the test gets
  passes once. The transports are no place for it: ``MockTransport`` is not an ``HTTPTransport``,
  and a transport's response is an unread stream. httpx has already undone the content coding
  (gzip, deflate, br) of ``response.content``.
- botocore (and so boto3): ``Endpoint._do_get_response`` and ``endpoint.convert_to_response_dict``,
  patched on the class and the module. Events would have to be registered on each client's own
  emitter, so a client created before the test (a session-scoped fixture) would be missed; a
  class-level patch sees every client. ``_do_get_response`` runs once per attempt (retries
  included) and holds the signed request; within it, ``convert_to_response_dict`` is called once
  with the HTTP response, before it is parsed. So the request is noted in a context variable for
  the call, and the response is taken from that one call: the wire body, never the parsed dict, is
  validated, even when botocore then fails to parse it (the test fails by itself, and the finding
  is added to its report). Responses that a ``before-send`` handler supplies (moto) pass there
  too; botocore's ``Stubber`` returns parsed dicts with no wire body and is not seen, nor is
  aiobotocore, whose endpoint overrides the method. Only JSON protocols carry a document (an S3
  XML body is no business of the schemas), and a streaming output's body is the test's to read.

A streamed body (requests' ``stream=True``, httpx's ``stream=True`` / ``client.stream()``) must
not be read under the test's feet: it is read after the test. For httpx the stream is passed on
through a tee that keeps what the test reads (up to the body cap), since ``with client.stream()``
closes the response before the test ends; a stream the test read whole is then checked, one it
left unread is read after the test (sync) or, for ``AsyncClient``, whose event loop is gone by
then, not checked. A requests stream the test consumed leaves nothing to check.

The client libraries are imported through ``importlib`` only here, when a marked test runs, and
only if installed: importing the plugin must import none of them, a missing one is no error (the
marker fails only when none is installed), and the type checker needs no stubs for them.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from conformance import BodyError, Exchange

# The protocols whose bodies are JSON (botocore's ``resolved_protocol`` / ``protocol`` names).
_JSON_PROTOCOLS = frozenset({"json", "rest-json"})


OnResponse = Callable[[Exchange], None]


@contextmanager
def responses_seen(on_response: OnResponse, max_body: int) -> Iterator[None]:
    """Call ``on_response(exchange)`` for every response the test receives, once each, through
    whichever of requests, httpx and botocore are installed; fail the test if none is.

    ``max_body`` bounds what is kept of a stream the test reads (httpx).
    """
    with pytest.MonkeyPatch.context() as patch:
        installed = [
            _requests_hooked(patch, on_response),
            _httpx_hooked(patch, on_response, max_body),
            _botocore_hooked(patch, on_response),
        ]
        if not any(installed):
            pytest.fail(
                "conformance: the conformance marker validates responses received through"
                " requests, httpx or botocore/boto3, and none of them is installed",
                pytrace=False,
            )
        yield


def _module(name: str) -> Any:
    """The module if it is installed, else None (a missing client is not an error)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


# --- requests ------------------------------------------------------------------------------------


def _requests_hooked(patch: pytest.MonkeyPatch, on_response: OnResponse) -> bool:
    requests = _module("requests")
    if requests is None:
        return False
    session_class = requests.Session
    original = session_class.send
    seen: list[Any] = []

    @functools.wraps(original)
    def send(session: Any, request: Any, **kwargs: Any) -> Any:
        response = original(session, request, **kwargs)
        # A followed redirect makes send call itself for the next hop and then return that hop's
        # response again, so responses are told apart by identity.
        if not any(response is s for s in seen):
            seen.append(response)
            on_response(Exchange.of(response, bool(kwargs.get("stream"))))
        return response

    patch.setattr(session_class, "send", send)
    return True


# --- httpx ---------------------------------------------------------------------------------------


class _Kept:
    """What a tee kept of a stream: its raw (still encoded) bytes, up to ``limit``."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit
        self.complete = False

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= self.limit:
            self.parts.append(chunk)
        else:
            self.parts.clear()


def _tees(httpx: Any) -> tuple[type[Any], type[Any]]:
    """A sync and an async stream that pass a response's stream on and keep a copy of it.

    They subclass httpx's own stream classes, which its responses check for.
    """

    class SyncTee(httpx.SyncByteStream):  # type: ignore[misc]
        def __init__(self, inner: Any, kept: _Kept) -> None:
            self.inner, self.kept = inner, kept

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self.inner:
                self.kept.add(chunk)
                yield chunk
            self.kept.complete = True

        def close(self) -> None:
            self.inner.close()

    class AsyncTee(httpx.AsyncByteStream):  # type: ignore[misc]
        def __init__(self, inner: Any, kept: _Kept) -> None:
            self.inner, self.kept = inner, kept

        async def __aiter__(self) -> Any:
            async for chunk in self.inner:
                self.kept.add(chunk)
                yield chunk
            self.kept.complete = True

        async def aclose(self) -> None:
            await self.inner.aclose()

    return SyncTee, AsyncTee


def _from_httpx(httpx: Any, response: Any, streamed: bool, kept: _Kept | None) -> Exchange:
    request = response.request

    def read() -> bytes | None:
        try:
            content: bytes = response.content  # read by send, or by the test (read())
            return content
        except httpx.ResponseNotRead:
            pass
        if kept is not None and kept.complete:
            if kept.size > kept.limit:
                raise BodyError(f"body is larger than the limit of {kept.limit} bytes; refused")
            # httpx undoes the content coding of a response built from the raw bytes.
            raw = b"".join(kept.parts)
            decoded: bytes = httpx.Response(
                response.status_code, headers=response.headers, content=raw
            ).content
            return decoded
        if isinstance(response.stream, httpx.SyncByteStream) and not response.is_closed:
            unread: bytes = response.read()  # left unread and open: the test is done with it
            return unread
        return None

    return Exchange(
        method=str(request.method),
        url=str(request.url),
        status=int(response.status_code),
        request_headers=tuple(request.headers.multi_items()),
        content_type=str(response.headers.get("Content-Type") or ""),
        read=read,
        is_redirect=bool(response.is_redirect),
        streamed=streamed,
    )


def _httpx_hooked(patch: pytest.MonkeyPatch, on_response: OnResponse, max_body: int) -> bool:
    httpx = _module("httpx")
    if httpx is None:
        return False
    sync_tee, async_tee = _tees(httpx)

    def seen(response: Any, streamed: bool) -> None:
        kept = None
        if streamed:
            kept = _Kept(max_body)
            tee = async_tee if isinstance(response.stream, httpx.AsyncByteStream) else sync_tee
            response.stream = tee(response.stream, kept)
        on_response(_from_httpx(httpx, response, streamed, kept))

    sync_send = httpx.Client.send
    async_send = httpx.AsyncClient.send

    @functools.wraps(sync_send)
    def send(client: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = sync_send(client, request, *args, **kwargs)
        seen(response, bool(kwargs.get("stream")))
        return response

    @functools.wraps(async_send)
    async def asend(client: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = await async_send(client, request, *args, **kwargs)
        seen(response, bool(kwargs.get("stream")))
        return response

    patch.setattr(httpx.Client, "send", send)
    patch.setattr(httpx.AsyncClient, "send", asend)
    return True


# --- botocore / boto3 ----------------------------------------------------------------------------

# The request of the botocore call under way in this thread or task, while its response arrives.
_BOTOCORE_CALL: contextvars.ContextVar[tuple[Any, Any] | None] = contextvars.ContextVar(
    "sync_conformance_botocore_call", default=None
)


def _from_botocore(request: Any, http_response: Any) -> Exchange:
    headers = http_response.headers

    def read() -> bytes | None:
        content: bytes | None = http_response.content
        return content

    return Exchange(
        method=str(request.method),
        url=str(request.url),
        status=int(http_response.status_code),
        request_headers=tuple(request.headers.items()),
        content_type=str(headers.get("Content-Type") or ""),
        read=read,
        encoding=headers.get("Content-Encoding") or None,
    )


def _holds_json(operation_model: Any, status: int) -> bool:
    """Whether a botocore response may hold a JSON document: a JSON protocol, and a body that
    is not a streaming output (an error's body is read whole by botocore)."""
    service = operation_model.service_model
    protocol = getattr(service, "resolved_protocol", None) or service.protocol
    if protocol not in _JSON_PROTOCOLS:
        return False
    streaming = operation_model.has_streaming_output or operation_model.has_event_stream_output
    return status >= 300 or not streaming


def _botocore_hooked(patch: pytest.MonkeyPatch, on_response: OnResponse) -> bool:
    endpoint = _module("botocore.endpoint")
    if endpoint is None:
        return False
    do_get_response = endpoint.Endpoint._do_get_response
    convert = endpoint.convert_to_response_dict

    @functools.wraps(do_get_response)
    def get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
        token = _BOTOCORE_CALL.set((request, operation_model))
        try:
            return do_get_response(self, request, operation_model, context)
        finally:
            _BOTOCORE_CALL.reset(token)

    @functools.wraps(convert)
    def convert_to_response_dict(http_response: Any, operation_model: Any) -> Any:
        response_dict = convert(http_response, operation_model)
        call = _BOTOCORE_CALL.get()
        # Once per call: the response-received event converts the same response again later.
        if call is not None and call[1] is operation_model:
            _BOTOCORE_CALL.set(None)
            if _holds_json(operation_model, int(http_response.status_code)):
                on_response(_from_botocore(call[0], http_response))
        return response_dict

    patch.setattr(endpoint.Endpoint, "_do_get_response", get_response)
    patch.setattr(endpoint, "convert_to_response_dict", convert_to_response_dict)
    return True
