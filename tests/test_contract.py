"""``conformance contract``: schemathesis with the catalog's descriptions, against real servers.

Every test talks HTTP to a server on 127.0.0.1 that it starts in this process: the emulator
(``emulator_app``) or a small app of its own that breaks the contract in one known way.
Examples are few (``--max-examples 4``): each run sends a few dozen requests.
"""

from __future__ import annotations

import copy
import io
import json
import socket
import socketserver
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import cli, default_catalog, strategies
from conformance.contract import MAX_BODY, check_base_url, load_schema
from conformance.emulator import (
    GRAPH_CONTENT_TYPE,
    KENDRA_CONTENT_TYPE,
    Reply,
    Request,
    Running,
    emulator_app,
    start,
)
from conformance.errors import InputError
from conformance.openapi import SERVICES, Service, describe

TOKEN = "sekrit-bearer-0123456789abcdefghijklmnop"
GRAPH_JOB: dict[str, Any] = default_catalog().schema("graph.synchronizationJob")["examples"][0]
KENDRA_JOB = {"ExecutionId": "6b1f0b3c", "StartTime": 1700000000.25, "Status": "SUCCEEDED"}


def _contract(url: str, *options: str) -> tuple[int, str]:
    """Run ``conformance contract`` on ``url``; the exit code and what it printed."""
    out = io.StringIO()
    code = cli.main(
        ["contract", "--base-url", url, "--max-examples", "4", "--seed", "3", *options], out
    )
    return code, out.getvalue()


def _failures(url: str, *options: str) -> tuple[int, list[dict[str, Any]]]:
    code, text = _contract(url, "--format", "json", *options)
    return code, json.loads(text)["failures"]


def _app(
    graph_list: Callable[[], bytes] | None = None,
    kendra: Callable[[Request], Reply] | None = None,
) -> Callable[[Request], Reply]:
    """A server of both services that keeps the contract, but for what the caller replaces."""

    def graph_error(status: int) -> Reply:
        body = json.dumps({"error": {"code": "NotFound", "message": "no such job"}}).encode()
        return Reply(status, (("Content-Type", "application/json"),), body)

    def serve(request: Request) -> Reply:
        if request.method == "GET" and request.path.startswith("/beta/servicePrincipals/"):
            parts = request.path.split("/")
            if len(parts) != 6:
                return graph_error(404)
            top = request.query.get("$top", ["10"])[0]
            if not top.isdigit() or not 1 <= int(top) <= 999:
                return graph_error(400)
            body = graph_list() if graph_list else json.dumps({"value": [GRAPH_JOB]}).encode()
            return Reply(200, (("Content-Type", GRAPH_CONTENT_TYPE),), body)
        if request.method == "POST" and request.path == "/" and kendra is not None:
            return kendra(request)
        if request.method == "POST" and request.path == "/":
            body = json.dumps({"History": [KENDRA_JOB]}).encode()
            return Reply(200, (("Content-Type", KENDRA_CONTENT_TYPE),), body)
        return graph_error(404)

    return serve


@pytest.fixture
def valid() -> Iterator[Running]:
    """The emulator, valid mode."""
    with start(emulator_app(mode="valid", seed=2)) as running:
        yield running


def test_the_valid_emulator_passes_for_both_services(valid: Running) -> None:
    """Against `serve --mode valid` every check passes for Graph and Kendra: exit 0."""
    code, text = _contract(valid.url, "--service", "all")
    assert code == 0, text
    assert "every check passed" in text
    assert "(graph, kendra)" in text


def test_the_json_report_counts_requests_per_operation(valid: Running) -> None:
    """--format json: every operation of both services was sent requests, and passed."""
    code, text = _contract(valid.url, "--format", "json")
    report = json.loads(text)
    assert code == 0
    assert report["passed"] is True
    assert set(report["requests"]) == {
        "GET /beta/servicePrincipals/{servicePrincipalId}/synchronization/jobs",
        "GET /beta/servicePrincipals/{servicePrincipalId}/synchronization/jobs/{jobId}",
        "POST /",
    }
    assert all(count >= 4 for count in report["requests"].values())


def test_the_hostile_emulator_fails_response_schema_checks() -> None:
    """Against `serve --mode hostile` the run exits 1 and names response-schema failures of
    both services' operations, each distinct failure once."""
    with start(emulator_app(mode="hostile", seed=2)) as running:
        code, failures = _failures(running.url)
    assert code == 1
    schema = {f["operation"] for f in failures if f["check"] == "response_schema_conformance"}
    assert "POST /" in schema
    assert any(op.startswith("GET /beta/") for op in schema)
    assert {f["check"] for f in failures} >= {"response_schema_conformance", "conformance"}
    keys = [(f["operation"], f["check"], f["title"], f["message"]) for f in failures]
    assert len(keys) == len(set(keys))


def test_a_job_is_also_fetched_by_the_ids_its_list_answered_with() -> None:
    """Generated job ids name no job (404), so GET .../jobs/{jobId} is also called with the ids
    the list returned: the hostile emulator's job bodies (status 200) fail there too."""
    with start(emulator_app(mode="hostile", seed=2)) as running:
        code, failures = _failures(running.url, "--service", "graph")
    assert code == 1
    item = [f for f in failures if f["operation"].endswith("/{jobId}")]
    assert {f["status"] for f in item} == {200}
    assert {f["check"] for f in item} == {"response_schema_conformance", "conformance"}


def test_the_text_report_names_check_status_and_reproducer() -> None:
    """Each failure's block names the operation, the check, the status and a curl command."""
    with start(emulator_app(mode="hostile", seed=2)) as running:
        code, text = _contract(running.url, "--service", "kendra")
    assert code == 1
    assert "FAIL POST /: response_schema_conformance (status 200" in text
    assert "reproduce: curl -X POST" in text
    assert "X-Amz-Target: AWSKendraFrontendService.ListDataSourceSyncJobs" in text
    assert "distinct failure" in text.splitlines()[-1]


def test_a_wrong_kendra_body_is_caught_by_schemathesis() -> None:
    """A Kendra body of the wrong shape under application/x-amz-json-1.1 fails
    response_schema_conformance: the AWS JSON 1.1 deserializer is registered (without it
    schemathesis skips the check)."""

    def kendra(request: Request) -> Reply:
        body = json.dumps({"History": [{"ExecutionId": 7, "Status": "SUCCEEDED"}]}).encode()
        return Reply(200, (("Content-Type", KENDRA_CONTENT_TYPE),), body)

    with start(_app(kendra=kendra)) as running:
        code, failures = _failures(running.url, "--service", "kendra")
    assert code == 1
    found = [f for f in failures if f["check"] == "response_schema_conformance"]
    assert found
    assert found[0]["operation"] == "POST /"
    assert "7 is not of type" in found[0]["message"]


def test_kendra_bodies_that_are_not_json_are_failures() -> None:
    """Bytes that are not JSON under the AWS JSON media type are a failure, not a crash."""

    def kendra(request: Request) -> Reply:
        return Reply(200, (("Content-Type", KENDRA_CONTENT_TYPE),), b"{not json")

    with start(_app(kendra=kendra)) as running:
        code, failures = _failures(running.url, "--service", "kendra")
    assert code == 1
    assert {f["check"] for f in failures} >= {"response_schema_conformance", "conformance"}
    # The parser's own words are kept in the message, not cut away with the dumps.
    assert any("Expecting property name" in f["message"] for f in failures)


def test_a_malformed_date_time_is_caught_by_the_engine() -> None:
    """`201*-07-19T14:55:58Z`, which schemathesis' jsonschema-rs 0.60 takes for a date-time,
    fails the engine's check (`conformance`), with the pointer of the value."""
    job = copy.deepcopy(GRAPH_JOB)
    job["status"]["steadyStateLastAchievedTime"] = "201*-07-19T14:55:58Z"
    body = json.dumps({"value": [job]}).encode()
    with start(_app(graph_list=lambda: body)) as running:
        code, failures = _failures(running.url, "--service", "graph")
    assert code == 1
    # The engine's finding is the only one: schemathesis' own schema check passed the body.
    assert [f["check"] for f in failures] == ["conformance"]
    ours = failures
    assert "/value/0/status/steadyStateLastAchievedTime" in ours[0]["message"]
    assert ours[0]["status"] == 200


def test_the_server_that_keeps_the_contract_passes() -> None:
    """The test's own app, unbroken, passes: the failures above are the breakage's."""
    with start(_app()) as running:
        code, text = _contract(running.url)
    assert code == 0, text


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_exit_2_naming_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    """No server on the port: exit 2, the URL and 'connection refused' in one line, no
    traceback."""
    url = f"http://127.0.0.1:{_free_port()}"
    code, out = _contract(url)
    err = capsys.readouterr().err
    assert code == 2
    assert out == ""
    assert f"cannot reach {url}: connection refused" in err
    assert "Traceback" not in err


def test_a_bearer_token_never_appears_in_the_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token from --bearer-env is sent, but neither the report (text or JSON, reproducers
    included) nor stderr holds it, even when the server quotes it back in its errors."""
    seen: list[str] = []

    def kendra(request: Request) -> Reply:
        auth = request.headers.get("authorization", "")
        seen.append(auth)
        body = json.dumps({"__type": "Oops", "message": f"bad: {auth}"}).encode()
        return Reply(500, (("Content-Type", KENDRA_CONTENT_TYPE),), body)

    monkeypatch.setenv("CONTRACT_TOKEN", TOKEN)
    with start(_app(kendra=kendra)) as running:
        outputs = [
            _contract(
                running.url,
                "--service",
                "kendra",
                "--bearer-env",
                "CONTRACT_TOKEN",
                "--format",
                form,
            )
            for form in ("text", "json")
        ]
    assert f"Bearer {TOKEN}" in seen
    for code, out in outputs:
        assert code == 1
        assert "not_a_server_error" in out
        assert TOKEN not in out
        assert TOKEN[:16] not in out
    assert TOKEN not in capsys.readouterr().err


def test_headers_are_sent_and_authorization_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--header values reach the server; --header Authorization is a usage error (exit 2)."""
    seen: list[str] = []

    def kendra(request: Request) -> Reply:
        seen.append(request.headers.get("x-trace", ""))
        body = json.dumps({"History": []}).encode()
        return Reply(200, (("Content-Type", KENDRA_CONTENT_TYPE),), body)

    with start(_app(kendra=kendra)) as running:
        code, _ = _contract(running.url, "--service", "kendra", "--header", "X-Trace: t-1")
        assert code == 0
        assert set(seen) == {"t-1"}
        with pytest.raises(SystemExit) as exit_:
            _contract(running.url, "--header", f"Authorization: Bearer {TOKEN}")
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--bearer-env" in err
    assert TOKEN not in err


def test_kendra_requests_are_sent_as_aws_json() -> None:
    """Generated Kendra bodies go out as JSON under application/x-amz-json-1.1 (a serializer
    is registered), the positive ones with Id and IndexId as botocore's model bounds them."""
    sent: list[tuple[str, Any]] = []

    def kendra(request: Request) -> Reply:
        try:
            body = json.loads(request.body)
        except ValueError:
            body = None
        sent.append((request.headers.get("content-type", ""), body))
        reply = json.dumps({"History": []}).encode()
        return Reply(200, (("Content-Type", KENDRA_CONTENT_TYPE),), reply)

    with start(_app(kendra=kendra)) as running:
        _contract(running.url, "--service", "kendra")
    assert {content_type for content_type, _ in sent} == {KENDRA_CONTENT_TYPE}
    positive = [
        body
        for _, body in sent
        if isinstance(body, dict)
        and isinstance(body.get("Id"), str)
        and isinstance(body.get("IndexId"), str)
    ]
    assert positive
    assert all(len(body["IndexId"]) == 36 for body in positive[:4])


@pytest.mark.parametrize("service", SERVICES)
def test_schemathesis_has_no_warning_about_a_description(service: Service) -> None:
    """Loaded as the run loads them, schemathesis can read every media type of the
    descriptions (no MissingDeserializerWarning: the AWS JSON checks are not skipped)."""
    schema = load_schema(describe(service), "http://127.0.0.1:9", 1.0)
    assert list(schema.iter_schema_warnings()) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--bearer-env", "CONTRACT_UNSET_VARIABLE"], "is not set or empty"),
        (["--header", "no colon here"], "is not 'NAME: VALUE'"),
        (["--header", "X-A: b\rc"], "is not 'NAME: VALUE'"),
        (["--max-examples", "0"], "argument --max-examples"),
    ],
)
def test_usage_errors_are_exit_2(
    options: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad options are usage errors that say what is wrong, before any request."""
    with pytest.raises(SystemExit) as exit_:
        _contract("http://127.0.0.1:9", *options)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("url", ["127.0.0.1:8080", "ftp://127.0.0.1/", "http://", "http://h:x/"])
def test_a_base_url_that_is_no_http_url_is_exit_2(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--base-url must be http(s) with a host: exit 2 saying so."""
    code, _ = _contract(url)
    assert code == 2
    assert "not an http(s) URL with a host" in capsys.readouterr().err


def test_the_same_seed_sends_the_same_requests() -> None:
    """Two runs with one seed against one server give the same report."""
    with start(emulator_app(mode="hostile", seed=5)) as running:
        first = _contract(running.url, "--format", "json", "--service", "graph")
        second = _contract(running.url, "--format", "json", "--service", "graph")
    assert first == second


def test_hostile_bytes_from_a_server_are_reported_never_crash() -> None:
    """Byte-level hostile bodies (bad UTF-8, BOMs, NaN, deep nesting, truncation, wrong
    content types, odd error envelopes; the generator's corpus) under any status end in a
    report with exit 1, never a traceback."""
    graph = list(strategies.hostile_bodies("graph.synchronizationJobCollection", 40, seed=4))
    kendra = list(strategies.hostile_bodies("kendra.ListDataSourceSyncJobsResponse", 40, seed=4))
    served = {"graph": 0, "kendra": 0}

    def reply(service: str, bodies: list[Any]) -> Reply:
        body = bodies[served[service] % len(bodies)]
        served[service] += 1
        headers = (("Content-Type", body.content_type),) if body.content_type else ()
        return Reply(body.status, headers, body.body)

    def serve(request: Request) -> Reply:
        if request.method == "POST":
            return reply("kendra", kendra)
        return reply("graph", graph)

    with start(serve) as running:
        code, text = _contract(running.url, "--max-examples", "20")
    assert code == 1
    assert served["graph"] >= 20
    assert served["kendra"] >= 20
    assert "distinct failures" in text.splitlines()[-1]


class _Dropper(socketserver.BaseRequestHandler):
    """Answers GET with a Graph 404 and closes a POST's connection without a response."""

    def handle(self) -> None:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        if data.startswith(b"POST"):
            return  # the connection closes with no response
        body = b'{"error": {"code": "NotFound", "message": "no"}}'
        self.request.sendall(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )


def test_a_dropped_connection_is_a_failure_not_an_unreachable_server() -> None:
    """A server that answers, but closes one operation's connections without a response,
    fails that operation (exit 1, no status), and the run goes on."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Dropper)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        code, failures = _failures(url, "--service", "kendra")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert code == 1
    assert [(f["operation"], f["check"], f["status"]) for f in failures] == [
        ("POST /", "not_a_server_error", None)
    ]
    assert failures[0]["title"].startswith("No response:")


def test_a_huge_body_is_not_read() -> None:
    """A body past the cap (by Content-Length) fails its request without being read."""
    huge = b" " * (MAX_BODY + 1)

    def kendra(request: Request) -> Reply:
        return Reply(200, (("Content-Type", KENDRA_CONTENT_TYPE),), huge)

    with start(_app(kendra=kendra)) as running:
        code, failures = _failures(running.url, "--service", "kendra", "--max-examples", "2")
    assert code == 1
    assert any("past the" in f["title"] for f in failures)


def test_a_token_is_never_sent_in_clear_text_elsewhere(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--bearer-env with a plain-http URL of another host is exit 2 before any request."""
    monkeypatch.setenv("CONTRACT_TOKEN", TOKEN)
    code, _ = _contract("http://graph.example.invalid", "--bearer-env", "CONTRACT_TOKEN")
    err = capsys.readouterr().err
    assert code == 2
    assert "clear text" in err
    assert TOKEN not in err


@settings(max_examples=60, deadline=None)
@given(url=st.text(max_size=60) | st.builds("http://{}".format, st.text(max_size=40)))
def test_any_base_url_is_taken_or_refused_with_input_error(url: str) -> None:
    """check_base_url takes any text: an http(s) URL with a host back without its trailing
    slash, anything else an InputError, never another exception."""
    checked: str | None = None
    try:
        checked = check_base_url(url)
    except InputError as exc:
        message = str(exc)
    if checked is None:
        assert "--base-url" in message
    else:
        assert checked.startswith(("http://", "https://"))
        assert not checked.endswith("/")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(line=st.text(max_size=80))
def test_any_header_option_is_exit_2_without_a_traceback(
    line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever --header holds, against a closed port the run ends in exit 2 (a usage error
    or the server unreachable), with a message and no traceback."""
    url = f"http://127.0.0.1:{_closed_port}"
    try:
        code = cli.main(["contract", "--base-url", url, f"--header={line}"], io.StringIO())
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "error:" in err


_closed_port = _free_port()


def test_without_schemathesis_the_command_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the contract extra missing, exit 2 and the pip command, no traceback."""
    monkeypatch.setitem(sys.modules, "schemathesis", None)
    code, _ = _contract("http://127.0.0.1:9")
    err = capsys.readouterr().err
    assert code == 2
    assert "pip install 'sync-conformance[contract]'" in err
