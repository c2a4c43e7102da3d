"""A stand-in for the services: an HTTP server on loopback that answers as Graph and Kendra do.

An ``App`` turns one ``Request`` into one ``Reply``; ``start`` serves an app from a thread of
this process (``conformance serve`` and the tests use it, ``conformance check-poller`` runs the
user's poller against it). The server reads at most ``MAX_REQUEST`` bytes of a body and answers
each connection in its own thread, so one slow client holds up no other.

``emulator_app(mode, seed, ...)`` is the app ``conformance serve`` serves: Graph's
``GET /beta/servicePrincipals/{id}/synchronization/jobs`` (paged with ``$top`` and a
``$skiptoken`` in ``@odata.nextLink``) and ``.../jobs/{jobId}``, ``/v1.0/`` as well, and Kendra's
``ListDataSourceSyncJobs`` (AWS JSON 1.1: ``POST /`` dispatched on ``X-Amz-Target``, paged with
``MaxResults`` and ``NextToken``). Its documents come from ``conformance.strategies.generate`` in
the mode asked for, so ``valid`` pages validate, ``drifted`` pages carry what a
forward-compatible client must survive and ``hostile`` pages carry violations, always inside
well-formed JSON envelopes that page correctly. Apart from the throttle counter an app is a pure
function of its settings and the request: the same seed gives the same bytes after a restart.
Every input is treated as hostile; a request the services would refuse gets their 4xx error
envelope, never a 500.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qs, urlsplit

from conformance.wire import (
    AWS_JSON,
    GRAPH_MAX_TOP,
    KENDRA_ID,
    KENDRA_INDEX_ID,
    KENDRA_MAX_RESULTS,
    KENDRA_TARGET,
)

if TYPE_CHECKING:
    from conformance import Result
    from conformance.strategies import Mode

# A request body past this is answered 413 unread: the services take small JSON bodies.
MAX_REQUEST = 1024 * 1024


@dataclass(frozen=True)
class Request:
    """One request as an app sees it: header names in lower case, the query parsed."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Reply:
    """What an app answers: a status, headers and the body's bytes."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


App = Callable[[Request], Reply]


class Running:
    """A server serving an app from a thread; ``url`` is its base URL (no trailing slash)."""

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.url = f"http://{self.host}:{self.port}"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Running:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def start(app: App, host: str = "127.0.0.1", port: int = 0) -> Running:
    """Serve ``app`` on ``host:port`` (0: a free port) from a daemon thread."""
    server = _Server((host, port), _handler(app))
    return Running(server)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A test starts and stops servers quickly; a port in TIME_WAIT is taken again at once.
    allow_reuse_address = True


def _handler(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in one write, without Nagle's wait: written apart, a kept-alive
        # connection waited ~40 ms a reply for the client's delayed ACK.
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True
        # A client that promises a body and sends less (or nothing) is let go after this, rather
        # than holding its thread for ever.
        timeout = 30

        def _serve(self) -> None:
            if self.headers.get("Transfer-Encoding", "identity").lower() != "identity":
                # A chunked body is not read here: refused, and the connection closed so that
                # its bytes are never taken for the next request.
                self._refuse(411, "LengthRequired", "send the body with a Content-Length")
                return
            length = self.headers.get("Content-Length") or "0"
            size = int(length) if length.isascii() and length.isdigit() else -1
            if size < 0:
                self._refuse(400, "BadRequest", "Content-Length must be a whole number")
                return
            if size > MAX_REQUEST:
                self._refuse(413, "RequestTooLarge", f"bodies of up to {MAX_REQUEST} bytes")
                return
            body = self.rfile.read(size) if size else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            try:
                reply = app(request)
            except Exception as exc:  # the app's bug is the server's 500, not a dead thread
                reply = _graph_error(
                    500, "InternalServerError", f"emulator bug: {type(exc).__name__}"
                )
            self._send(reply)

        def __getattr__(self, name: str) -> Callable[[], None]:
            # Every method reaches the app, which answers 405 where a method is not served
            # (the base class would answer 501 for any method without a do_ handler).
            if name.startswith("do_"):
                return self._serve
            raise AttributeError(name)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """A request the base class cannot parse: a JSON error, 4xx (a version we do not
            speak is the client's error here, not a 505), the connection closed. The request
            line is not quoted back: its URL could carry a token."""
            status = code if code < 500 else 400
            phrase = self.responses.get(status, ("Bad Request",))[0]
            self._refuse(status, "BadRequest", f"{phrase}: the request could not be read")

        def _refuse(self, status: int, code: str, message: str) -> None:
            self.close_connection = True
            reply = _graph_error(status, code, message)
            self._send(Reply(reply.status, (*reply.headers, ("Connection", "close")), reply.body))

        def _send(self, reply: Reply) -> None:
            # HTTP/0.9 had no status line; a client today reads one, so every reply has one.
            if self.request_version == "HTTP/0.9":
                self.request_version = "HTTP/1.0"
            self.send_response(reply.status)
            names = {k.lower() for k, _ in reply.headers}
            for name, value in reply.headers:
                self.send_header(name, value)
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        def log_message(self, format: str, *args: object) -> None:
            # Quiet: the command prints what it serves; request lines could carry tokens.
            return

    return Handler


# --- the services ------------------------------------------------------------------------------

GRAPH_JOB = "graph.synchronizationJob"
KENDRA_JOB = "kendra.DataSourceSyncJob"
# Graph's own content type for JSON (what a client's content negotiation must accept).
GRAPH_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8"
)
KENDRA_CONTENT_TYPE = AWS_JSON
# The generator's modes the emulator serves (hostile-bytes is no JSON page: not served).
MODES = ("valid", "drifted", "hostile")
DEFAULT_PAGE_SIZE = 10
DEFAULT_JOBS = 25
# Draws per served job at most, when the checker refuses generated documents (see ``_fits``).
_DRAWS = 20
# A Kendra sync run lasts at most this (seconds) in the emulator's history: drawn EndTimes
# can lie years after their StartTime, and a history of such runs would reach back centuries.
_LONGEST_RUN = 6 * 3600
# Jobs per service at most: generating them takes up to ~0.4 ms each (hostile mode), so 10,000
# are ready in seconds and memory stays in tens of MB.
MAX_JOBS = 10_000

_GRAPH_ROUTE = re.compile(
    r"^/(beta|v1\.0)/servicePrincipals/([^/]+)/synchronization/jobs(?:/([^/]+))?/?$"
)
# What a servicePrincipal id may be here: it lands in @odata.context, where a quote would end
# the key, and in nextLink.
_PRINCIPAL = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")
# What an id must look like to be addressable as one path segment unescaped.
_ADDRESSABLE = re.compile(r"^[A-Za-z0-9._~-]{1,256}$")
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$")
# Id and IndexId as botocore's Kendra model constrains them (lengths; Smithy patterns, which are
# searches, not anchored).
_KENDRA_IDS = {
    "Id": (KENDRA_ID[0], KENDRA_ID[1], re.compile(KENDRA_ID[2])),
    "IndexId": (KENDRA_INDEX_ID[0], KENDRA_INDEX_ID[1], re.compile(KENDRA_INDEX_ID[2])),
}
_TOKEN = re.compile(r"^([0-9]{1,7})\.([0-9a-f]{24})$")


@dataclass(frozen=True)
class _Job:
    """One served job: the key that addresses it, and its document as JSON bytes."""

    key: str
    body: bytes
    status: str | None
    start: float | None


def emulator_app(
    mode: str = "valid",
    seed: int = 0,
    throttle_every: int = 0,
    retry_after: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    jobs: int = DEFAULT_JOBS,
) -> App:
    """The app that answers as Graph and Kendra do (see the module), serving ``jobs`` jobs per
    service in ``mode`` (valid, drifted, hostile) from ``seed``, ``page_size`` a page unless the
    request asks for another size; with ``throttle_every=N`` every Nth request gets 429 and
    ``Retry-After: retry_after``. Documents are generated once, on first use."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}: one of {', '.join(MODES)}")
    if page_size < 1 or throttle_every < 0 or retry_after < 0:
        raise ValueError("page_size must be 1 or more; throttle_every, retry_after 0 or more")
    if not 0 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be 0 to {MAX_JOBS}")
    return _Emulator(mode, seed, throttle_every, retry_after, page_size, jobs)


class _Emulator:
    """The state of one app: its settings, the documents once generated, the throttle count."""

    def __init__(
        self, mode: str, seed: int, throttle_every: int, retry_after: int, page_size: int, jobs: int
    ) -> None:
        self.mode = mode
        self.seed = seed
        self.throttle_every = throttle_every
        self.retry_after = retry_after
        self.page_size = page_size
        self.jobs = jobs
        self._lock = threading.Lock()
        self._count = 0
        self._cache: dict[str, tuple[_Job, ...]] = {}
        self._keys: dict[str, dict[str, _Job]] = {}

    # -- dispatch -------------------------------------------------------------------------------

    def __call__(self, request: Request) -> Reply:
        """One request to one reply; requests are counted for throttling before anything else,
        as a service's front door counts them."""
        kendra = request.path == "/" or "x-amz-target" in request.headers
        if self._throttled():
            if kendra:
                reply = _kendra_error(429, "ThrottlingException", "Rate exceeded")
            else:
                reply = _graph_error(
                    429, "TooManyRequests", "Too many requests; retry after the delay given."
                )
            return Reply(
                reply.status, (*reply.headers, ("Retry-After", str(self.retry_after))), reply.body
            )
        if request.path == "/":
            return self._kendra(request)
        match = _GRAPH_ROUTE.fullmatch(request.path)
        if match is None:
            if kendra:
                return _kendra_error(404, "UnknownOperationException", "Kendra is served at POST /")
            return _graph_error(
                404,
                "NotFound",
                "No such resource: the jobs are at"
                " /beta/servicePrincipals/{id}/synchronization/jobs",
            )
        if request.method not in ("GET", "HEAD"):
            reply = _graph_error(
                405, "MethodNotAllowed", f"{request.method[:20]!r} is not allowed here; use GET"
            )
            return Reply(reply.status, (*reply.headers, ("Allow", "GET, HEAD")), reply.body)
        version, principal, job = match.groups()
        if not _PRINCIPAL.fullmatch(principal):
            return _graph_error(
                400,
                "Request_BadRequest",
                "Invalid object identifier: letters, digits, '.', '_', '~' and '-' only",
            )
        if job is not None:
            return self._graph_job(version, principal, job)
        return self._graph_list(request, version, principal)

    def _throttled(self) -> bool:
        if not self.throttle_every:
            return False
        with self._lock:
            self._count += 1
            return self._count % self.throttle_every == 0

    # -- documents ------------------------------------------------------------------------------

    def documents(self, name: str) -> tuple[_Job, ...]:
        """The jobs of the schema ``name``, generated on first use and kept (thread-safe)."""
        with self._lock:
            found = self._cache.get(name)
        if found is None:
            # Generated outside the lock (it takes a while); two threads that race make the
            # same jobs, and the first kept wins.
            made = self._generate(name)
            with self._lock:
                found = self._cache.setdefault(name, made)
                self._keys.setdefault(name, {job.key: job for job in found})
        return found

    def _generate(self, name: str) -> tuple[_Job, ...]:
        from conformance import Checker, Options, strategies

        # A checker of this generation's own: its series rules (an execution seen twice, ...)
        # must see no document checked elsewhere, and each draw is checked as a source alone.
        checker = Checker(Options())
        draws = itertools.count()

        def alone(doc: object) -> Result:
            return checker.check(doc, schema=name, name=f"<draw {next(draws)}>")

        field_name = "id" if name == GRAPH_JOB else "ExecutionId"
        stream = strategies.generate(
            name, self.jobs * _DRAWS + _DRAWS, mode=cast("Mode", self.mode), seed=self.seed
        )
        docs: list[object] = []
        spare: list[object] = []
        for doc in stream:
            if len(docs) == self.jobs:
                break
            keep = self.mode == "hostile" or self._fits(alone(doc))
            (docs if keep else spare).append(doc)
        # Only if the checker refused nearly every draw: the count is kept, whatever they hold.
        docs += spare[: self.jobs - len(docs)]
        if name == KENDRA_JOB and self.mode != "hostile":
            docs = _one_at_a_time(docs)
        out: list[_Job] = []
        taken: set[str] = set()
        for index, doc in enumerate(docs):
            key = _addressable(doc, field_name, taken)
            if key is None:
                key = self._mint(name, index, taken)
                if isinstance(doc, dict) and isinstance(doc.get(field_name, ""), str):
                    fixed = {**doc, field_name: key}
                    # A hostile document whose only fault was its id keeps it.
                    if self.mode != "hostile" or not alone(fixed).conforms:
                        doc = fixed
            taken.add(key)
            status = doc.get("Status") if isinstance(doc, dict) else None
            out.append(
                _Job(
                    key,
                    _dumps(doc),
                    status if isinstance(status, str) else None,
                    _seconds(doc, "StartTime"),
                )
            )
        return tuple(out)

    def _fits(self, result: Result) -> bool:
        """Whether a drawn document may be served in this mode. The generator's valid documents
        pass the schema, but the checker also holds contract rules across fields (a FAILED job
        has an ErrorCode, ...); a valid page must pass all of it, so draws that break a rule are
        passed over: valid mode serves documents without any finding, drifted mode documents
        that conform (drift and rule warnings allowed); hostile mode serves every draw."""
        return not result.findings if self.mode == "valid" else result.conforms

    def _mint(self, name: str, index: int, taken: set[str]) -> str:
        """An id for a job the generator left without a usable one, from the seed and index."""
        for salt in range(1000):
            digest = hashlib.sha256(f"{self.seed}|{name}|{index}|{salt}".encode()).digest()
            ident = str(uuid.UUID(bytes=digest[:16], version=4))
            key = ident if name == KENDRA_JOB else f"Emulated.{digest[16:26].hex()}.{ident}"
            if key not in taken:
                return key
        raise AssertionError("no free id in 1000 tries")  # pragma: no cover: sha256 collisions

    # -- paging tokens --------------------------------------------------------------------------

    def _token(self, service: str, offset: int) -> str:
        """An opaque page token: the offset, signed with the app's settings so that a token of
        another run (or a made-up one) is refused as the services refuse it."""
        mac = hashlib.sha256(f"{self.seed}|{self.mode}|{self.jobs}|{service}|{offset}".encode())
        return f"{offset}.{mac.hexdigest()[:24]}"

    def _offset(self, service: str, token: str, size: int) -> int | None:
        """The offset a token of ours names (None: not ours, or past the end)."""
        found = _TOKEN.fullmatch(token)
        if found is None:
            return None
        offset = int(found.group(1))
        if not 0 < offset < size or self._token(service, offset) != token:
            return None
        return offset

    # -- Graph ----------------------------------------------------------------------------------

    def _graph_job(self, version: str, principal: str, key: str) -> Reply:
        self.documents(GRAPH_JOB)
        job = self._keys[GRAPH_JOB].get(key)
        if job is not None:
            context = _graph_context(version, principal) + "/$entity"
            return _graph_ok(_graph_entity(context, job.body))
        return _graph_error(
            404,
            "Request_ResourceNotFound",
            "No synchronization job has this id; list the jobs for their ids",
        )

    def _graph_list(self, request: Request, version: str, principal: str) -> Reply:
        top_values = request.query.get("$top")
        tokens = request.query.get("$skiptoken")
        if (top_values is not None and len(top_values) != 1) or (
            tokens is not None and len(tokens) != 1
        ):
            return _graph_error(400, "BadRequest", "$top and $skiptoken may each be given once")
        size = self.page_size
        if top_values is not None:
            text = top_values[0]
            if not (
                text.isascii()
                and text.isdigit()
                and len(text) <= 4
                and 1 <= int(text) <= GRAPH_MAX_TOP
            ):
                return _graph_error(
                    400, "BadRequest", f"Invalid $top: a whole number from 1 to {GRAPH_MAX_TOP}"
                )
            size = int(text)
        jobs = self.documents(GRAPH_JOB)
        offset = 0
        if tokens is not None:
            found = self._offset("graph", tokens[0], len(jobs))
            if found is None:
                return _graph_error(
                    400,
                    "BadRequest",
                    "Invalid $skiptoken: use the nextLink of the previous page as is",
                )
            offset = found
        page = jobs[offset : offset + size]
        context = _graph_context(version, principal)
        parts = [
            b'{"@odata.context":',
            _dumps(context),
            b',"value":[',
            b",".join(j.body for j in page),
            b"]",
        ]
        if offset + size < len(jobs):
            host = request.headers.get("host", "")
            if not _HOST.fullmatch(host):
                return _graph_error(400, "BadRequest", "The Host header is missing or malformed")
            query = (
                (f"$top={size}&" if top_values is not None else "")
                + "$skiptoken="
                + self._token("graph", offset + size)
            )
            link = f"http://{host}/{version}/servicePrincipals/{principal}/synchronization/jobs?{query}"
            parts += [b',"@odata.nextLink":', _dumps(link)]
        return _graph_ok(b"".join(parts) + b"}")

    # -- Kendra ---------------------------------------------------------------------------------

    def _kendra(self, request: Request) -> Reply:
        if request.method != "POST":
            reply = _kendra_error(405, "UnknownOperationException", "Kendra operations are POST /")
            return Reply(reply.status, (*reply.headers, ("Allow", "POST")), reply.body)
        target = request.headers.get("x-amz-target")
        if target is None:
            return _kendra_error(400, "UnknownOperationException", "Missing X-Amz-Target header")
        if target != KENDRA_TARGET:
            return _kendra_error(
                400,
                "UnknownOperationException",
                f"Unknown operation; this emulator serves {KENDRA_TARGET}",
            )
        body = _json_object(request.body)
        if body is None:
            return _validation("The request body must be a JSON object")
        for name, (least, most, pattern) in _KENDRA_IDS.items():
            value = body.get(name)
            if (
                not isinstance(value, str)
                or not least <= len(value) <= most
                or not pattern.search(value)
            ):
                size_text = f"{most}" if least == most else f"{least} to {most}"
                return _validation(
                    f"{name} must be a string of {size_text} characters matching {pattern.pattern}"
                )
        size = self.page_size
        if "MaxResults" in body:
            requested = body["MaxResults"]
            if (
                not isinstance(requested, int)
                or isinstance(requested, bool)
                or not 1 <= requested <= KENDRA_MAX_RESULTS
            ):
                return _validation(
                    f"MaxResults must be a whole number from 1 to {KENDRA_MAX_RESULTS}"
                )
            size = requested
        jobs: Sequence[_Job] = self.documents(KENDRA_JOB)
        status = body.get("StatusFilter")
        if status is not None:
            if not isinstance(status, str) or status not in _kendra_statuses():
                return _validation("StatusFilter must be one of " + ", ".join(_kendra_statuses()))
            jobs = [j for j in jobs if j.status == status]
        window = body.get("StartTimeFilter")
        if window is not None:
            bounds = _time_range(window)
            if bounds is None:
                return _validation(
                    "StartTimeFilter must be an object of StartTime and EndTime in epoch seconds"
                )
            low, high = bounds
            jobs = [j for j in jobs if j.start is not None and low <= j.start <= high]
        offset = 0
        token = body.get("NextToken")
        if token is not None:
            found = self._offset("kendra", token, len(jobs)) if isinstance(token, str) else None
            if found is None:
                return _validation(
                    "Invalid NextToken: pass the NextToken of the previous page as is"
                )
            offset = found
        page = jobs[offset : offset + size]
        parts = [b'{"History":[', b",".join(j.body for j in page), b"]"]
        if offset + size < len(jobs):
            parts += [b',"NextToken":', _dumps(self._token("kendra", offset + size))]
        data = b"".join(parts) + b"}"
        return Reply(200, _kendra_headers(request), data)


def _one_at_a_time(docs: list[object]) -> list[object]:
    """Kendra's jobs as one data source's history: newest first, each execution ending before
    the next one starts (the service refuses to start a sync while one runs), runs of at most
    ``_LONGEST_RUN`` seconds. Jobs are moved and cut by whole seconds, so fractions stay as
    drawn."""
    starts = [_seconds(d, "StartTime") for d in docs]
    cursor = max((s for s in starts if s is not None), default=None)
    if cursor is None:
        return docs
    out: list[object] = []
    for index, doc in enumerate(docs):
        start = starts[index]
        if start is None or not isinstance(doc, dict):
            out.append(doc)
            continue
        moved = dict(doc)
        end = _seconds(doc, "EndTime")
        if end is not None and end - start > _LONGEST_RUN:
            cut = int((end - start) // _LONGEST_RUN) * _LONGEST_RUN
            moved["EndTime"] = doc["EndTime"] - cut
            end -= cut
        # Ten minutes to an hour between runs, fixed by the position alone.
        gap = 600 * (1 + index % 6) if out else 0
        shift = math.floor(cursor - (end if end is not None else start)) - gap
        moved["StartTime"] = doc["StartTime"] + shift
        if end is not None:
            moved["EndTime"] += shift
        cursor = start + shift
        out.append(moved)
    return out


def _seconds(doc: object, name: str) -> float | None:
    """A Kendra timestamp of ``doc`` as a finite number, or None."""
    value = doc.get(name) if isinstance(doc, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _addressable(doc: object, field_name: str, taken: set[str]) -> str | None:
    """The document's own id when it can address it: a plain, unique string."""
    if not isinstance(doc, dict):
        return None
    ident = doc.get(field_name)
    if isinstance(ident, str) and _ADDRESSABLE.fullmatch(ident) and ident not in taken:
        return ident
    return None


def _dumps(value: object) -> bytes:
    """Compact JSON, UTF-8 as is; deterministic for the same value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _graph_context(version: str, principal: str) -> str:
    return f"https://graph.microsoft.com/{version}/$metadata#servicePrincipals('{principal}')/synchronization/jobs"


def _graph_entity(context: str, body: bytes) -> bytes:
    """A job's document with ``@odata.context`` first, as Graph sends an entity."""
    if body.startswith(b"{") and body != b"{}":
        return b'{"@odata.context":' + _dumps(context) + b"," + body[1:]
    if body == b"{}":
        return b'{"@odata.context":' + _dumps(context) + b"}"
    return body  # a hostile document that is not an object is served as it is


def _graph_ok(body: bytes) -> Reply:
    return Reply(200, (("Content-Type", GRAPH_CONTENT_TYPE),), body)


def _graph_error(status: int, code: str, message: str) -> Reply:
    """Graph's error envelope."""
    body = _dumps({"error": {"code": code, "message": message}})
    return Reply(status, (("Content-Type", "application/json"),), body)


def _kendra_error(status: int, kind: str, message: str) -> Reply:
    """AWS JSON 1.1's error envelope: ``__type`` and ``message``."""
    body = _dumps({"__type": kind, "message": message})
    headers = (("Content-Type", KENDRA_CONTENT_TYPE), ("x-amzn-ErrorType", kind))
    return Reply(status, headers, body)


def _validation(message: str) -> Reply:
    return _kendra_error(400, "ValidationException", message)


def _kendra_headers(request: Request) -> tuple[tuple[str, str], ...]:
    """The content type, and a request id derived from the request (botocore reports it)."""
    digest = hashlib.sha256(request.body).digest()
    return (
        ("Content-Type", KENDRA_CONTENT_TYPE),
        ("x-amzn-RequestId", str(uuid.UUID(bytes=digest[:16], version=4))),
    )


def _json_object(data: bytes) -> dict[str, object] | None:
    """The body as a JSON object, or None: not UTF-8, not JSON (NaN included), too deep, not
    an object."""

    def refuse(name: str) -> object:
        raise ValueError(name)

    try:
        value = json.loads(data.decode("utf-8"), parse_constant=refuse)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _time_range(window: object) -> tuple[float, float] | None:
    """Kendra's ``TimeRange`` as (low, high) epoch seconds; None when malformed."""
    if not isinstance(window, dict):
        return None
    bounds: list[float] = []
    for name, default in (("StartTime", float("-inf")), ("EndTime", float("inf"))):
        value = window.get(name)
        if value is None:
            bounds.append(default)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            bounds.append(float(value))
        else:
            return None
    return bounds[0], bounds[1]


def _kendra_statuses() -> tuple[str, ...]:
    """Kendra's job statuses, from the catalog's schema."""
    from conformance import default_catalog

    schema = default_catalog().schema(KENDRA_JOB)
    values = schema.get("properties", {}).get("Status", {}).get("enum", [])
    return tuple(v for v in values if isinstance(v, str))
