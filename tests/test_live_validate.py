"""Live validation (``validate --url``): paging, credentials, retries, redirects, TLS, recording.

Every test talks to a real HTTP server on 127.0.0.1 that it starts (``conformance.emulator``'s
``start`` with an app written here), through the real command line.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml  # noqa: F401  (imported once, before pytester runs; see test_plugin_http)
from cli_run import run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import check
from conformance.emulator import Reply, Request, Running, start
from conformance.errors import InputError
from conformance.live import Call, Page, Settings, _next, _retry_after, fetch, make_call

TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_SESSION = "FwoGZXIvYXdzEXAMPLESESSIONTOKENsecretpart"

JOB = {
    "id": "SfCustomer.6c5b2f5d",
    "templateId": "SfCustomer",
    "schedule": {"expiration": None, "interval": "PT40M", "state": "Active"},
    "status": {
        "code": "Active",
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": False,
        "lastExecution": None,
        "lastSuccessfulExecution": None,
        "lastSuccessfulExecutionWithExports": None,
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
        "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
        "quarantine": None,
        "troubleshootingUrl": None,
    },
    "synchronizationJobSettings": [],
}
KENDRA_JOB = {
    "ExecutionId": "b1c0a2d3-0000-4000-8000-000000000001",
    "StartTime": 1763626502.123,
    "EndTime": 1763627502,
    "Status": "SUCCEEDED",
    "Metrics": {
        "DocumentsAdded": "12",
        "DocumentsModified": "0",
        "DocumentsDeleted": "0",
        "DocumentsFailed": "0",
        "DocumentsScanned": "12",
    },
}
pytest_plugins = ("pytester",)
GRAPH_TYPE = "application/json;odata.metadata=minimal;charset=utf-8"
LIST = "/beta/servicePrincipals/sp-1/synchronization/jobs"


def _json(status: int, value: Any, content_type: str = GRAPH_TYPE, **headers: str) -> Reply:
    pairs = (("Content-Type", content_type), *headers.items())
    return Reply(status, pairs, json.dumps(value).encode())


class Server:
    """A loopback server whose app is a function of the request, recording every request."""

    def __init__(self, app: Callable[[Request], Reply]) -> None:
        self.requests: list[Request] = []
        self._app = app
        self.running: Running = start(self._serve)
        self.url = self.running.url

    def _serve(self, request: Request) -> Reply:
        self.requests.append(request)
        return self._app(request)


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[Request], Reply]], Server]]:
    started: list[Server] = []

    def make(app: Callable[[Request], Reply]) -> Server:
        server = Server(app)
        started.append(server)
        return server

    yield make
    for server in started:
        server.running.close()


def graph_pages(pages: int, base: Callable[[], str]) -> Callable[[Request], Reply]:
    """Graph's list call in ``pages`` pages, linked by absolute @odata.nextLink URLs."""

    def app(request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return _json(401, {"error": {"code": "InvalidAuthenticationToken", "message": "no"}})
        number = int(request.query.get("$skiptoken", ["1"])[0])
        body: dict[str, Any] = {
            "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals"
            "('sp-1')/synchronization/jobs",
            "value": [dict(JOB, id=f"SfCustomer.{number}")],
        }
        if number < pages:
            body["@odata.nextLink"] = f"{base()}{LIST}?$skiptoken={number + 1}"
        return _json(200, body)

    return app


def kendra_pages(tokens: list[str | None]) -> Callable[[Request], Reply]:
    """ListDataSourceSyncJobs whose n-th answer carries ``tokens[n]`` as its NextToken."""

    def app(request: Request) -> Reply:
        if request.headers.get("x-amz-target") != "AWSKendraFrontendService.ListDataSourceSyncJobs":
            return _json(400, {"__type": "UnknownOperationException"}, "application/x-amz-json-1.1")
        asked = json.loads(request.body).get("NextToken")
        index = 0 if asked is None else int(asked.removeprefix("t")) + 1
        body: dict[str, Any] = {"History": [dict(KENDRA_JOB, ExecutionId=f"exec-{index}")]}
        if index < len(tokens) and tokens[index] is not None:
            body["NextToken"] = tokens[index]
        return _json(200, body, "application/x-amz-json-1.1")

    return app


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GRAPH_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake AWS credentials from the environment only (no file of the machine is read)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", AWS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", AWS_SESSION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in (TOKEN, AWS_SECRET, AWS_SESSION, "Signature="):
            assert secret not in text


# --- Paging ---------------------------------------------------------------------------------------


def test_graph_pages_followed_with_the_bearer_token(serve: Any, token: str) -> None:
    """Every page of a Graph list is fetched through @odata.nextLink, with the token."""
    server = serve(graph_pages(3, lambda: server.url))
    code, out, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN", "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert [r["location"]["source"] for r in report["results"]] == [
        f"{server.url}{LIST} (page {n})" for n in (1, 2, 3)
    ]
    assert all(r["schema"] == "graph.synchronizationJobCollection" for r in report["results"])
    assert [r.query.get("$skiptoken") for r in server.requests] == [None, ["2"], ["3"]]
    _no_secrets(out, err)


def test_kendra_pages_followed_by_next_token(serve: Any, aws: None) -> None:
    """A Kendra call is an AWS JSON 1.1 POST paged by NextToken; x-amz-json-1.1 is JSON."""
    server = serve(kendra_pages(["t0", "t1", None]))
    code, out, err = run(
        "validate",
        "--url",
        server.url + "/",
        "--aws-target",
        "AWSKendraFrontendService.ListDataSourceSyncJobs",
        "--data",
        '{"Id": "ds-1", "IndexId": "idx-1"}',
        "--format",
        "json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert len(report["results"]) == 3
    assert {r["schema"] for r in report["results"]} == {"kendra.ListDataSourceSyncJobsResponse"}
    bodies = [json.loads(r.body) for r in server.requests]
    assert bodies == [
        {"Id": "ds-1", "IndexId": "idx-1"},
        {"Id": "ds-1", "IndexId": "idx-1", "NextToken": "t0"},
        {"Id": "ds-1", "IndexId": "idx-1", "NextToken": "t1"},
    ]
    first = server.requests[0]
    assert first.method == "POST"
    assert first.headers["content-type"] == "application/x-amz-json-1.1"
    _no_secrets(out, err)


def test_kendra_calls_are_sigv4_signed(serve: Any, aws: None) -> None:
    """With credentials configured, every Kendra request carries a SigV4 signature over the
    target header, for the region named in the host or by --region."""
    server = serve(kendra_pages([None]))
    code, _, err = run(
        "validate",
        "--url",
        server.url + "/",
        "--aws-target",
        "AWSKendraFrontendService.ListDataSourceSyncJobs",
        "--data",
        '{"Id": "ds-1", "IndexId": "idx-1"}',
        "--region",
        "eu-west-1",
        "--sign",
        "always",
    )
    assert code == 0, err
    headers = server.requests[0].headers
    authorization = headers["authorization"]
    assert authorization.startswith(f"AWS4-HMAC-SHA256 Credential={AWS_KEY}/")
    assert "/eu-west-1/kendra/aws4_request" in authorization
    assert "x-amz-target" in authorization.split("SignedHeaders=")[1]
    assert headers["x-amz-security-token"] == AWS_SESSION


def test_sign_always_without_credentials_is_exit_2(
    serve: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--sign always with no AWS credentials fails the call before anything is sent."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    server = serve(kendra_pages([None]))
    code, _, err = run(
        "validate", "--url", server.url + "/", "--aws-target", "X.Y", "--data", "{}",
        "--sign", "always",
    )  # fmt: skip
    assert code == 2
    assert "no AWS credentials found" in err
    assert server.requests == []


def test_repeated_next_link_is_a_finding_not_a_loop(serve: Any, token: str) -> None:
    """A nextLink that points back at an earlier page ends the call with a token-cycle finding."""

    def app(request: Request) -> Reply:
        skip = request.query.get("$skiptoken", ["a"])[0]
        following = "b" if skip == "a" else "a"
        return _json(
            200,
            {"value": [JOB], "@odata.nextLink": f"{server.url}{LIST}?$skiptoken={following}"},
        )

    server = serve(app)
    code, out, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN", "--format", "json"
    )
    assert code == 1, err
    findings = [f for r in json.loads(out)["results"] for f in r["findings"]]
    assert [f["rule_id"] for f in findings] == ["pagination.token-cycle"]
    assert [f["kind"] for f in findings] == ["rule"]
    # The first page (no token), then a, b: b links back to a.
    assert len(server.requests) == 3
    # Switched off, the rule says nothing; the call still stops.
    code, out, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN",
        "--format", "json", "--disable-rule", "pagination.token-cycle",
    )  # fmt: skip
    assert code == 0, err
    assert [f for r in json.loads(out)["results"] for f in r["findings"]] == []
    assert len(server.requests) == 6


def test_kendra_token_cycle_stops(serve: Any) -> None:
    """NextToken t0 -> t1 -> t0: the third answer repeats a token, so the call stops there."""
    server = serve(kendra_pages(["t0", "t1", "t0"]))
    code, out, _ = run(
        "validate", "--url", server.url + "/", "--aws-target",
        "AWSKendraFrontendService.ListDataSourceSyncJobs", "--data", "{}",
        "--sign", "never", "--format", "json",
    )  # fmt: skip
    assert code == 1
    rules = [f["rule_id"] for r in json.loads(out)["results"] for f in r["findings"]]
    assert rules == ["pagination.token-cycle"]
    assert len(server.requests) == 3


def test_page_cap(serve: Any, token: str) -> None:
    """--max-pages ends an endless list after that many pages, all of them checked; the run
    read only part of the list, so it exits 2 and says how to read it all."""
    counter = iter(range(10**6))

    def app(request: Request) -> Reply:
        return _json(
            200, {"value": [JOB], "@odata.nextLink": f"{server.url}{LIST}?n={next(counter)}"}
        )

    server = serve(app)
    code, out, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN",
        "--max-pages", "4", "--format", "json",
    )  # fmt: skip
    assert code == 2
    assert len(server.requests) == 4
    assert json.loads(out)["summary"]["documents"] == 4
    assert [f for r in json.loads(out)["results"] for f in r["findings"]] == []
    assert "stopped after 4 pages (--max-pages) with more to read" in err


# --- Retries, errors ------------------------------------------------------------------------------


def test_retry_after_honoured_on_429_and_503(serve: Any, token: str) -> None:
    """429 and 503 are retried after the Retry-After seconds; the page then validates."""
    replies = iter(
        [
            _json(429, {"error": {"code": "TooManyRequests"}}, **{"Retry-After": "0"}),
            _json(503, {"error": {"code": "ServiceUnavailable"}}, **{"Retry-After": "0"}),
        ]
    )

    def app(request: Request) -> Reply:
        return next(replies, None) or _json(200, {"value": [JOB]})

    server = serve(app)
    code, _, err = run("validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN")
    assert code == 0, err
    assert len(server.requests) == 3


def test_retries_are_bounded(serve: Any, token: str) -> None:
    """A service that keeps throttling gets --retries more tries, then the call fails (exit 2)."""
    server = serve(
        lambda r: _json(429, {"error": {"code": "TooManyRequests"}}, **{"Retry-After": "0"})
    )
    code, _, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN", "--retries", "2"
    )
    assert code == 2
    assert len(server.requests) == 3
    assert "HTTP 429" in err
    assert "TooManyRequests" in err


def test_long_retry_after_is_not_waited(serve: Any, token: str) -> None:
    """A Retry-After beyond --max-wait ends the call at once, saying how long was asked."""
    server = serve(lambda r: _json(429, {}, **{"Retry-After": "3600"}))
    code, _, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN", "--max-wait", "5"
    )
    assert code == 2
    assert "asked to wait 3600 s" in err
    assert len(server.requests) == 1


def test_retry_after_is_read_as_seconds_or_a_date() -> None:
    """Retry-After in seconds or as an HTTP date; without it, 0.5 s doubled per attempt."""
    assert _retry_after("7", 0) == 7
    assert _retry_after(None, 0) == 0.5
    assert _retry_after(None, 3) == 4
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 0) == 0
    assert _retry_after("soon", 1) == 1


def test_http_error_is_exit_2_and_other_urls_go_on(serve: Any, token: str) -> None:
    """A 403 is a failed call (exit 2, the service's error code named); the next URL is still
    validated."""

    def app(request: Request) -> Reply:
        if request.path == "/denied":
            return _json(403, {"error": {"code": "Authorization_RequestDenied", "message": TOKEN}})
        return _json(200, {"value": [JOB]})

    server = serve(app)
    code, out, err = run(
        "validate", "--url", server.url + "/denied", "--url", server.url + LIST,
        "--bearer-env", "GRAPH_TOKEN", "--format", "json",
    )  # fmt: skip
    assert code == 2
    assert "HTTP 403 Forbidden: Authorization_RequestDenied" in err
    assert len(json.loads(out)["results"]) == 1
    _no_secrets(out, err)


def test_connection_refused_and_dns_failure_are_exit_2() -> None:
    """No server, or no such host: exit 2 with what failed, never a traceback."""
    probe = start(lambda r: Reply(200))
    url = probe.url
    probe.close()
    code, _, err = run("validate", "--url", url + "/x")
    assert code == 2
    assert "connection refused by 127.0.0.1:" in err
    code, _, err = run("validate", "--url", "http://no-such-host.invalid/x", "--timeout", "5")
    assert code == 2
    assert "DNS: cannot resolve no-such-host.invalid" in err
    assert "Traceback" not in err


def test_non_json_body_is_unreadable(serve: Any) -> None:
    """An HTML page where JSON was expected is an unreadable finding (exit 2: a body that
    cannot be read at all, as for files)."""
    server = serve(lambda r: Reply(200, (("Content-Type", "text/html"),), b"<html>login</html>"))
    code, out, _ = run("validate", "--url", server.url + "/x", "--format", "json")
    assert code == 2
    [result] = json.loads(out)["results"]
    assert result["findings"][0]["kind"] == "unreadable"


def test_body_over_the_cap_is_refused(serve: Any) -> None:
    """A gzip body that inflates past --max-body-size is refused, not inflated whole."""
    import gzip

    bomb = gzip.compress(b'{"value": [' + b" " * 5_000_000 + b"]}")

    def app(request: Request) -> Reply:
        headers = (("Content-Type", "application/json"), ("Content-Encoding", "gzip"))
        return Reply(200, headers, bomb)

    server = serve(app)
    code, out, _ = run(
        "validate", "--url", server.url + "/x", "--max-body-size", "1M", "--format", "json"
    )
    assert code == 2
    [result] = json.loads(out)["results"]
    assert "larger than 1048576 bytes" in result["findings"][0]["message"]


# --- Credentials ----------------------------------------------------------------------------------


def test_authorization_not_sent_to_another_host_after_redirect(serve: Any, token: str) -> None:
    """A redirect to another origin (localhost, not 127.0.0.1) gets no Authorization header."""

    def app(request: Request) -> Reply:
        if request.path == "/start":
            port = server.running.port
            return Reply(302, (("Location", f"http://localhost:{port}{LIST}"),))
        return _json(200, {"value": [JOB]})

    server = serve(app)
    code, _, err = run("validate", "--url", server.url + "/start", "--bearer-env", "GRAPH_TOKEN")
    assert code == 0, err
    first, second = server.requests
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert "authorization" not in second.headers
    assert second.headers["host"].startswith("localhost:")


def test_next_link_to_another_host_gets_no_token(serve: Any, token: str) -> None:
    """A next page on another origin is fetched without the token."""

    def app(request: Request) -> Reply:
        if "skip" not in request.query:
            link = f"http://localhost:{server.running.port}{LIST}?skip=1"
            return _json(200, {"value": [JOB], "@odata.nextLink": link})
        return _json(200, {"value": [JOB]})

    server = serve(app)
    code, _, _ = run("validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN")
    assert code == 0
    assert "authorization" in server.requests[0].headers
    assert "authorization" not in server.requests[1].headers


def test_a_secret_named_header_is_not_sent_to_another_origin(serve: Any) -> None:
    """A header of the user's named like a secret (X-Api-Key) goes to the call's own origin
    only; a harmless one goes everywhere."""

    def app(request: Request) -> Reply:
        if "skip" not in request.query:
            link = f"http://localhost:{server.running.port}{LIST}?skip=1"
            return _json(200, {"value": [JOB], "@odata.nextLink": link})
        return _json(200, {"value": [JOB]})

    server = serve(app)
    code, _, _ = run(
        "validate", "--url", server.url + LIST,
        "--header", "X-Api-Key: k-123456", "--header", "X-Trace: t-1",
    )  # fmt: skip
    assert code == 0
    first, second = server.requests
    assert first.headers["x-api-key"] == "k-123456"
    assert "x-api-key" not in second.headers
    assert second.headers["x-trace"] == "t-1"


def test_a_next_link_with_a_bad_port_is_a_failed_call_not_a_traceback(serve: Any) -> None:
    server = serve(
        lambda request: _json(
            200, {"value": [JOB], "@odata.nextLink": "http://127.0.0.1:99999/next"}
        )
    )
    code, _, err = run("validate", "--url", server.url + LIST)
    assert code == 2
    assert "Traceback" not in err
    assert len(server.requests) == 1


def test_a_password_in_the_url_is_refused_over_plain_http() -> None:
    code, out, err = run("validate", "--url", "http://user:pa55word@graph.example.invalid/x")
    assert code == 2
    assert "refusing to send the user and password of the URL over plain http" in err
    assert "pa55word" not in out + err


def test_record_escapes_a_lone_surrogate(serve: Any, tmp_path: Path) -> None:
    """A body holding a lone surrogate (JSON may, UTF-8 cannot) is recorded escaped, and the
    recording reads back."""
    body = b'{"value": [], "note": "\\ud800"}'
    server = serve(lambda request: Reply(200, (("Content-Type", GRAPH_TYPE),), body))
    folder = tmp_path / "rec"
    code, _, err = run("validate", "--url", server.url + LIST, "--record", str(folder))
    assert "Traceback" not in err
    assert code == 2  # the checker refuses the surrogate (unreadable); the recording goes on
    assert (folder / "cassette.yaml").read_text(encoding="utf-8").endswith("version: 1\n")
    recorded = (folder / "bodies.ndjson").read_text(encoding="utf-8")
    assert json.loads(recorded)["note"] == "\ud800"
    assert "\\ud800" in recorded


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--header", f"Authorization: Bearer {TOKEN}"], "--bearer-env"),
        (["--bearer-env", "NOT_SET_ANYWHERE"], "NOT_SET_ANYWHERE"),
        (["--aws-target", "A.B", "--data", "[1]"], "takes a JSON object"),
        (["--aws-target", "A.B", "--data", "{"], "--data: not JSON"),
        (["--header", "no colon"], "expected 'Name: value'"),
    ],
)
def test_bad_live_arguments_are_exit_2(argv: list[str], message: str) -> None:
    """Credentials on the command line and malformed requests are refused before any call."""
    code, out, err = run("validate", "--url", "http://127.0.0.1:9/x", *argv)
    assert code == 2
    assert message in err
    _no_secrets(out, err)


def test_live_options_need_a_live_run(tmp_path: Path) -> None:
    """A live option beside PATH arguments would be ignored: exit 2, saying why."""
    (tmp_path / "a.json").write_text(json.dumps(KENDRA_JOB))
    code, _, err = run("validate", str(tmp_path / "a.json"), "--bearer-env", "X")
    assert code == 2
    assert "--bearer-env is for live runs" in err


def test_token_refused_over_plain_http_to_a_remote_host(token: str) -> None:
    """A bearer token is never sent in clear to a host that is not loopback."""
    code, _, err = run(
        "validate", "--url", "http://graph.example.invalid/x", "--bearer-env", "GRAPH_TOKEN"
    )
    assert code == 2
    assert "refusing to send a bearer token over plain http" in err


# --- TLS ------------------------------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a certificate of a private CA; the CA's PEM file."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps({"value": [JOB]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", ca_file
    finally:
        server.shutdown()
        server.server_close()


def test_tls_is_verified(tls_server: tuple[str, Path]) -> None:
    """An unknown CA fails the call (exit 2, saying how to trust it); --ca-bundle trusts it."""
    url, ca_file = tls_server
    code, _, err = run("validate", "--url", url + LIST)
    assert code == 2
    assert "could not be verified" in err
    assert "--ca-bundle" in err
    code, _, err = run("validate", "--url", url + LIST, "--ca-bundle", str(ca_file))
    assert code == 0, err


# --- Recording ------------------------------------------------------------------------------------


def test_record_writes_a_vcr_cassette_and_ndjson(serve: Any, token: str, tmp_path: Path) -> None:
    """--record DIR writes a cassette that vcrpy replays and validate reads with the same
    verdicts, and NDJSON of the bodies; no token is in either."""
    import requests
    import vcr

    server = serve(graph_pages(2, lambda: server.url))
    folder = tmp_path / "rec"
    code, live_out, err = run(
        "validate", "--url", server.url + LIST, "--bearer-env", "GRAPH_TOKEN",
        "--record", str(folder), "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    cassette = (folder / "cassette.yaml").read_text()
    bodies = (folder / "bodies.ndjson").read_text()
    _no_secrets(cassette, bodies)
    assert "<redacted>" in cassette  # the Authorization header, kept by name
    assert len(bodies.splitlines()) == 2

    # vcrpy replays it: the same pages come back, offline.
    server.running.close()
    with vcr.use_cassette(str(folder / "cassette.yaml"), record_mode="none"):
        first = requests.get(server.url + LIST, timeout=5).json()
    assert first["value"][0]["id"] == "SfCustomer.1"

    for recorded in (folder / "cassette.yaml", folder / "bodies.ndjson"):
        code, out, _ = run("validate", str(recorded), "--format", "json")
        assert code == 0
        # NDJSON's conforming lines come back as one result per run: count documents.
        assert json.loads(out)["summary"]["documents"] == 2
        assert {r["schema"] for r in json.loads(out)["results"]} == {
            r["schema"] for r in json.loads(live_out)["results"]
        }


def test_recorded_kendra_cassette_redacts_the_signature(
    serve: Any, aws: None, tmp_path: Path
) -> None:
    """A signed Kendra run's recording has neither signature nor session token."""
    server = serve(kendra_pages(["t0", None]))
    code, _, _ = run(
        "validate", "--url", server.url + "/", "--aws-target",
        "AWSKendraFrontendService.ListDataSourceSyncJobs", "--data", '{"Id": "a", "IndexId": "b"}',
        "--record", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    text = (tmp_path / "cassette.yaml").read_text()
    _no_secrets(text)
    assert AWS_KEY not in text
    assert "AWSKendraFrontendService.ListDataSourceSyncJobs" in text
    code, _, _ = run("validate", str(tmp_path / "cassette.yaml"))
    assert code == 0


REPLAY = """
import pytest
import requests

@pytest.mark.vcr
@pytest.mark.conformance
def test_recorded():
    headers = {"X-Amz-Target": "AWSKendraFrontendService.ListDataSourceSyncJobs",
               "Content-Type": "application/x-amz-json-1.1"}
    first = requests.post("URL", headers=headers, data='{"Id": "a", "IndexId": "b"}').json()
    body = '{"Id": "a", "IndexId": "b", "NextToken": "%s"}' % first["NextToken"]
    second = requests.post("URL", headers=headers, data=body).json()
    assert "NextToken" not in second
"""


def test_recorded_cassette_replays_under_the_plugin(
    serve: Any, pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """A recording is a pytest-recording cassette: a marked test replays it offline and its
    responses are checked (here: both pages conform)."""
    server = serve(kendra_pages(["t0", None]))
    code, _, err = run(
        "validate", "--url", server.url + "/", "--aws-target",
        "AWSKendraFrontendService.ListDataSourceSyncJobs", "--data", '{"Id": "a", "IndexId": "b"}',
        "--sign", "never", "--record", str(tmp_path / "rec"),
    )  # fmt: skip
    assert code == 0, err
    server.running.close()
    pytester.makepyfile(test_replay=REPLAY.replace("URL", server.url + "/"))
    folder = pytester.mkdir("cassettes").joinpath("test_replay")
    folder.mkdir()
    folder.joinpath("test_recorded.yaml").write_text(
        (tmp_path / "rec" / "cassette.yaml").read_text()
    )
    result = pytester.runpytest_subprocess(
        "--record-mode=none", "--block-network", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1)


# --- Hostile answers ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.booleans())
def test_next_page_reader_takes_any_body(body: bytes, kendra: bool) -> None:
    """Whatever a page's body holds, the next page is found or not: no exception."""
    call = Call("http://127.0.0.1:9/", aws_target="A.B" if kendra else None)
    from conformance.responses import Exchange

    exchange = Exchange("GET", call.url, 200, (), "application/json", lambda: body)
    page = Page(call, 1, exchange, b"{}", "OK", (), body)
    found = _next(call, page, call.url, b"{}")
    assert found is None or isinstance(found[0], str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.integers(0, 10))
def test_retry_after_reader_takes_any_text(value: str, attempt: int) -> None:
    """Any Retry-After value gives a wait of zero or more seconds."""
    assert _retry_after(value, attempt) >= 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.lists(st.text(max_size=30), max_size=3), st.text(max_size=30))
def test_make_call_takes_any_text(url: str, headers: list[str], data: str) -> None:
    """Any command-line text makes a call or an InputError, nothing else."""
    with contextlib.suppress(InputError):
        make_call(url, headers=tuple(headers), data=data, aws_target="A.B")


_ANSWERS = st.tuples(
    st.sampled_from([200, 200, 201, 204, 301, 400, 404, 429, 500, 503]),
    st.sampled_from(["application/json", "application/x-amz-json-1.1", "text/html", ""]),
    st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["value", "@odata.nextLink", "History", "NextToken", "x"]),
                    inner,
                    max_size=3,
                )
            ),
            max_leaves=10,
        ).map(lambda v: json.dumps(v).encode()),
    ),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_ANSWERS, min_size=1, max_size=4))
def test_any_answers_give_a_clean_exit(answers: list[tuple[int, str, bytes]]) -> None:
    """Whatever statuses, types and bodies a server answers with, a live run ends with exit
    0, 1 or 2 and no traceback."""
    replies = iter(answers)

    def app(request: Request) -> Reply:
        status, kind, body = next(replies, (404, "application/json", b"{}"))
        headers = [("Retry-After", "0")]
        if kind:
            headers.append(("Content-Type", kind))
        if status == 301:
            headers.append(("Location", "/again"))
        return Reply(status, tuple(headers), body)

    with start(app) as server:
        code, _, err = run(
            "validate", "--url", server.url + "/", "--retries", "1", "--max-pages", "3"
        )
    assert code in (0, 1, 2)
    assert "Traceback" not in err


def test_fetch_api_yields_pages_and_failures(serve: Any, token: str) -> None:
    """``conformance.live.fetch`` is usable on its own: pages in order, then a failure."""
    server = serve(graph_pages(2, lambda: server.url))
    calls = [make_call(server.url + LIST), make_call("http://127.0.0.1:9/none")]
    items = list(fetch(calls, Settings(bearer_env="GRAPH_TOKEN", connect_timeout=5)))
    assert [type(i).__name__ for i in items] == ["Page", "Page", "Failure"]
    assert check(items[0].exchange).conforms  # type: ignore[union-attr]


def test_live_pages_are_held_to_the_contract_rules(serve: Any) -> None:
    """A live page that passes its schema but breaks a contract rule (a FAILED job with no
    ErrorCode) is exit 1 with the rule's finding."""
    failed = dict(KENDRA_JOB, Status="FAILED")
    server = serve(lambda r: _json(200, {"History": [failed]}, "application/x-amz-json-1.1"))
    code, out, _ = run(
        "validate", "--url", server.url + "/", "--aws-target",
        "AWSKendraFrontendService.ListDataSourceSyncJobs", "--data", "{}", "--sign", "never",
        "--format", "json",
    )  # fmt: skip
    assert code == 1
    rules = [f["rule_id"] for r in json.loads(out)["results"] for f in r["findings"]]
    assert rules == ["kendra.failed-has-error-code"]
