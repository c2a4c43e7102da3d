"""A stand-in for the services: an HTTP server on loopback that answers as Graph and Kendra do.

An ``App`` turns one ``Request`` into one ``Reply``; ``start`` serves an app from a thread of
this process (``conformance serve`` and the tests use it, ``conformance check-poller`` runs the
user's poller against it). The server reads at most ``MAX_REQUEST`` bytes of a body and answers
each connection in its own thread, so one slow client holds up no other.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

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

        def _serve(self) -> None:
            length = self.headers.get("Content-Length") or "0"
            size = int(length) if length.isdigit() else -1
            if size < 0 or size > MAX_REQUEST:
                self._send(Reply(413, (("Content-Type", "text/plain"),), b"request too large\n"))
                self.close_connection = True
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
                text = f"emulator error: {type(exc).__name__}\n".encode()
                reply = Reply(500, (("Content-Type", "text/plain"),), text)
            self._send(reply)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

        def _send(self, reply: Reply) -> None:
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
