"""``@pytest.mark.conformance`` sees httpx (sync, async, streamed) and botocore/boto3 responses.

The test files that ``pytester`` runs call the real libraries against a real
``ThreadingHTTPServer`` on 127.0.0.1 (port 0, started and stopped by a fixture of their conftest):
Graph jobs over plain and gzip-encoded HTTP for httpx, and an AWS JSON 1.1 endpoint for a boto3
Kendra client, which signs its requests with fake credentials. Nothing leaves the machine, and no
proxy is used.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re

import pytest

from conformance import BodyError, Checker, Exchange, Options

with contextlib.suppress(ImportError):
    # pytester's in-process runs drop the modules a run imported when it ends: imported once
    # here, the clients are not imported again (and their import paid again) by every run.
    import boto3  # noqa: F401
    import botocore.endpoint  # noqa: F401
    import httpx  # noqa: F401
    import requests  # noqa: F401

pytest_plugins = ("pytester",)

SERVER = r"""
import copy
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

JOB = {
    "id": "AWSEC2.cbd4b3a8a1a94b9c9b5c4a8c2e7f6d10.4b1f2f9a",
    "templateId": "AWSEC2",
    "schedule": {"interval": "PT40M", "state": "Active"},
    "status": {
        "code": "Active",
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": False,
        "lastExecution": None,
        "lastSuccessfulExecution": None,
        "lastSuccessfulExecutionWithExports": None,
        "quarantine": None,
        "steadyStateFirstAchievedTime": "2026-11-19T10:00:00Z",
        "steadyStateLastAchievedTime": "2026-11-20T08:15:09Z",
        "synchronizedEntryCountByType": [{"key": "user", "value": 12}],
    },
    "synchronizationJobSettings": [],
}
BAD_JOB = copy.deepcopy(JOB)
BAD_JOB["status"]["countSuccessiveCompleteFailures"] = "x"
BAD_DATE = copy.deepcopy(JOB)
BAD_DATE["status"]["steadyStateFirstAchievedTime"] = "2026-13-45T10:00:00Z"
JOBS = "/beta/servicePrincipals/sp/synchronization/jobs"
GRAPH = {
    JOBS + "/good": JOB,
    JOBS + "/bad": BAD_JOB,
    JOBS + "/bad-date": BAD_DATE,
    JOBS + "/gzip-good": JOB,
    JOBS + "/gzip-bad": BAD_JOB,
}

SYNC_JOB = {
    "ExecutionId": "6f3e2a40-1b7c-4f8e-9d2a-0c5b7e8f9a10",
    "StartTime": 1.7e9,
    "EndTime": 1.7e9 + 75.5,
    "Status": "SUCCEEDED",
    "Metrics": {"DocumentsAdded": "12", "DocumentsModified": "0", "DocumentsDeleted": "0",
                "DocumentsFailed": "0", "DocumentsScanned": "12"},
}
# By the data source Id a test asks for. "bad": an ISO 8601 StartTime, which botocore parses
# into a datetime as it does an epoch number, but which the wire (AWS JSON 1.1) never holds;
# "unparseable": a StartTime botocore itself cannot parse.
KENDRA = {
    "good": (200, {"History": [SYNC_JOB]}),
    "bad": (200, {"History": [dict(SYNC_JOB, StartTime="2026-11-20T08:00:00Z")]}),
    "drift": (200, {"History": [dict(SYNC_JOB, Status="PAUSED")]}),
    "unparseable": (200, {"History": [dict(SYNC_JOB, StartTime="yesterday")]}),
    "missing": (400, {"__type": "ResourceNotFoundException",
                      "Message": "Data source missing does not exist"}),
    "throttled": (400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
}
# Ids answered once with a throttling error, then as "good": botocore retries the call.
THROTTLED_ONCE = set()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", JOBS + "/good")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(GRAPH[self.path]).encode()
        zipped = "/gzip-" in self.path
        self.answer(200, "application/json", gzip.compress(data) if zipped else data,
                    {"Content-Encoding": "gzip"} if zipped else {})

    def do_POST(self):
        asked = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        # What the client sent as credentials, for the outer test to look for in the output.
        with open("credentials-sent.txt", "a", encoding="utf-8") as sent:
            for name in ("Authorization", "X-Amz-Security-Token"):
                sent.write(f"{self.headers.get(name)}\n")
        wanted = asked["Id"]
        if wanted == "flaky" and wanted not in THROTTLED_ONCE:
            THROTTLED_ONCE.add(wanted)
            wanted = "throttled"
        status, body = KENDRA["good" if wanted == "flaky" else wanted]
        self.answer(status, "application/x-amz-json-1.1", json.dumps(body).encode(),
                    {"x-amzn-RequestId": "4c1d2e3f-0000-4000-8000-000000000000"})

    def answer(self, status, mime, data, headers):
        self.send_response(status)
        self.send_header("Content-Type", mime)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()
"""

HTTPX = """
import asyncio

import httpx
import pytest

JOBS = "/beta/servicePrincipals/sp/synchronization/jobs"
SECRET = {"Authorization": "Bearer s3cr3t-t0ken"}
"""

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYs3cr3tKEY"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLEs3ss10nT0k3n"
BOTO3 = f"""
import boto3
import pytest
from botocore.exceptions import ClientError

INDEX = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def kendra(api):
    return boto3.client(
        "kendra",
        endpoint_url=api,
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="{SECRET_KEY}",
        aws_session_token="{SESSION_TOKEN}",
    )
"""


@pytest.fixture
def server(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester folder whose conftest serves the APIs on 127.0.0.1; no proxy, no AWS config."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy") or (
            name.startswith("AWS_")
        ):
            monkeypatch.delenv(name)
    # botocore must read no user's configuration (retries, endpoints, credentials) from here.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(pytester.path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(pytester.path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    pytester.makeconftest(SERVER)
    return pytester


def no_traceback(result: pytest.RunResult) -> str:
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "capture.py" not in out
    return out


# --- httpx ---------------------------------------------------------------------------------------


def test_httpx_client_responses_are_checked(server: pytest.Pytester) -> None:
    """Good passes; a violation (wrong type, bad date-time) fails with its pointer; gzip bodies
    are checked decoded; a redirect is checked once, as its final response; unmarked: unchecked.
    """
    pytest.importorskip("httpx")
    server.makepyfile(
        test_sync=HTTPX
        + """
@pytest.mark.conformance
def test_good(api):
    with httpx.Client(headers=SECRET) as client:
        assert client.get(api + JOBS + "/good").json()["templateId"] == "AWSEC2"

@pytest.mark.conformance
def test_bad(api):
    httpx.get(api + JOBS + "/bad", headers=SECRET)

@pytest.mark.conformance
def test_bad_date(api):
    httpx.get(api + JOBS + "/bad-date")

@pytest.mark.conformance
def test_gzip(api, conformance):
    good = httpx.get(api + JOBS + "/gzip-good")
    assert good.headers["Content-Encoding"] == "gzip"
    assert good.json()["templateId"] == "AWSEC2"
    assert [r.findings for r in conformance.results] == [()]
    httpx.get(api + JOBS + "/gzip-bad")

@pytest.mark.conformance
def test_redirect(api, conformance):
    response = httpx.get(api + "/moved", follow_redirects=True)
    assert response.history and response.json()["templateId"] == "AWSEC2"
    assert [(r.schema, r.origin.url.endswith("/jobs/good")) for r in conformance.results] == [
        ("graph.synchronizationJob", True)
    ]

def test_unmarked(api):
    httpx.get(api + JOBS + "/bad")
"""
    )
    result = server.runpytest("--conformance-report", "report.json")
    result.assert_outcomes(passed=3, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_bad _*",
            "conformance: 1 violation in <test_sync.py::test_bad> response 1"
            " [graph.synchronizationJob]",
            "",
            "<test_sync.py::test_bad> response 1  [graph.synchronizationJob]",
            "  request: GET http://127.0.0.1:*/beta/servicePrincipals/sp/synchronization/jobs/bad"
            " -> 200",
            '  violation  /status/countSuccessiveCompleteFailures: "x" is not of type "integer"',
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in <test_sync.py::test_bad_date> response 1 *",
            "  violation  /status/steadyStateFirstAchievedTime: *date-time*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in <test_sync.py::test_gzip> response 2 *",
            '  violation  /status/countSuccessiveCompleteFailures: "x" is not of type "integer"',
        ]
    )
    out = no_traceback(result)
    assert "test_unmarked" not in out
    report = json.loads((server.path / "report.json").read_text(encoding="utf-8"))
    [bad] = [r for r in report["results"] if r["origin"]["url"].endswith("/jobs/bad")]
    assert ("authorization", "<redacted>") in [(k.lower(), v) for k, v in bad["origin"]["headers"]]
    assert "s3cr3t" not in json.dumps(report)
    assert "s3cr3t" not in out


def test_httpx_async_client_responses_are_checked(server: pytest.Pytester) -> None:
    """``AsyncClient`` responses, awaited in an event loop the test runs itself."""
    pytest.importorskip("httpx")
    server.makepyfile(
        test_async=HTTPX
        + """
async def fetch(url):
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).json()

@pytest.mark.conformance
def test_good(api):
    assert asyncio.run(fetch(api + JOBS + "/good"))["templateId"] == "AWSEC2"

@pytest.mark.conformance
def test_bad(api):
    asyncio.run(fetch(api + JOBS + "/bad"))

@pytest.mark.conformance
def test_gzip_bad(api):
    asyncio.run(fetch(api + JOBS + "/gzip-bad"))
"""
    )
    result = server.runpytest()
    result.assert_outcomes(passed=1, failed=2)
    for name in ("test_bad", "test_gzip_bad"):
        result.stdout.fnmatch_lines(
            [
                f"conformance: 1 violation in <test_async.py::{name}> response 1"
                " [graph.synchronizationJob]",
                "  request: GET http://127.0.0.1:*/jobs/*bad -> 200",
                '  violation  /status/countSuccessiveCompleteFailures: "x" is not of type *',
            ]
        )
    no_traceback(result)


def test_httpx_streamed_responses_are_checked_after_the_test(server: pytest.Pytester) -> None:
    """A stream is the test's to read: what it read (chunk by chunk, or with ``read()``) is
    checked after it, whole and decoded; one left open and unread is read after the test."""
    pytest.importorskip("httpx")
    server.makepyfile(
        test_stream=HTTPX
        + """
@pytest.mark.conformance
def test_iterated(api):
    with httpx.Client() as client, client.stream("GET", api + JOBS + "/gzip-bad") as response:
        chunks = list(response.iter_bytes(16))
    assert b"".join(chunks).startswith(b'{"id"')

@pytest.mark.conformance
def test_read(api):
    with httpx.stream("GET", api + JOBS + "/bad") as response:
        assert response.read().startswith(b'{"id"')

@pytest.mark.conformance
def test_good_read(api):
    with httpx.stream("GET", api + JOBS + "/good") as response:
        response.read()
        assert response.json()["templateId"] == "AWSEC2"

@pytest.fixture
def client():
    with httpx.Client() as client:
        yield client

@pytest.mark.conformance
def test_left_unread(api, client):
    response = client.send(client.build_request("GET", api + JOBS + "/bad"), stream=True)
    assert response.status_code == 200

@pytest.mark.conformance
def test_async_iterated(api):
    async def main():
        async with httpx.AsyncClient() as client:
            async with client.stream("GET", api + JOBS + "/bad") as response:
                return b"".join([chunk async for chunk in response.aiter_bytes(8)])

    assert asyncio.run(main()).startswith(b'{"id"')
"""
    )
    result = server.runpytest("-v")
    result.assert_outcomes(passed=1, failed=4)
    for name in ("test_iterated", "test_read", "test_left_unread", "test_async_iterated"):
        result.stdout.fnmatch_lines(
            [
                f"conformance: 1 violation in <test_stream.py::{name}> response 1 *",
                '  violation  /status/countSuccessiveCompleteFailures: "x" is not of type *',
            ]
        )
    result.stdout.fnmatch_lines(["*test_stream.py::test_good_read PASSED*"])
    no_traceback(result)


def test_httpx_mock_transport_responses_are_checked(server: pytest.Pytester) -> None:
    """A mock transport's responses pass through ``Client.send`` as a network's do."""
    pytest.importorskip("httpx")
    server.makepyfile(
        test_mock=HTTPX
        + """
def handler(request):
    status = {"code": "Active", "countSuccessiveCompleteFailures": "x"}
    return httpx.Response(200, json=status)

@pytest.mark.conformance(schema="graph.synchronizationStatus")
def test_mocked():
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        client.get("https://graph.microsoft.com/beta/status")
"""
    )
    result = server.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "conformance: * in <test_mock.py::test_mocked> response 1 *",
            "  request: GET https://graph.microsoft.com/beta/status -> 200",
        ]
    )
    no_traceback(result)


# --- botocore / boto3 ----------------------------------------------------------------------------


def test_boto3_kendra_wire_bodies_are_checked(server: pytest.Pytester) -> None:
    """The wire body of each call is validated (epoch seconds), not boto3's parsed dict: an ISO
    StartTime that botocore parses fine is a violation; a new Status is drift, failing only when
    strict; an API error is reported; the signed request's credentials never show."""
    pytest.importorskip("boto3")
    server.makepyfile(
        test_kendra=BOTO3
        + """
@pytest.mark.conformance
def test_good(kendra):
    page = kendra.list_data_source_sync_jobs(Id="good", IndexId=INDEX)
    assert page["History"][0]["Status"] == "SUCCEEDED"

@pytest.mark.conformance
def test_bad(kendra):
    page = kendra.list_data_source_sync_jobs(Id="bad", IndexId=INDEX)
    assert page["History"][0]["StartTime"].year == 2026  # botocore took it

@pytest.mark.conformance
def test_drift(kendra):
    kendra.list_data_source_sync_jobs(Id="drift", IndexId=INDEX)

@pytest.mark.conformance(strict=True)
def test_drift_strict(kendra):
    kendra.list_data_source_sync_jobs(Id="drift", IndexId=INDEX)

@pytest.mark.conformance
def test_api_error(kendra, conformance):
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        kendra.list_data_source_sync_jobs(Id="missing", IndexId=INDEX)
    assert [[f.kind for f in r.findings] for r in conformance.results] == [["error-response"]]

def test_unmarked(kendra):
    kendra.list_data_source_sync_jobs(Id="bad", IndexId=INDEX)
"""
    )
    result = server.runpytest("--conformance-report", "report.json")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*_ test_bad _*",
            "conformance: 1 violation in <test_kendra.py::test_bad> response 1"
            " [kendra.ListDataSourceSyncJobsResponse]",
            "",
            "<test_kendra.py::test_bad> response 1  [kendra.ListDataSourceSyncJobsResponse]",
            "  request: POST http://127.0.0.1:*/ -> 200",
            "  selected by: request header X-Amz-Target:"
            " AWSKendraFrontendService.ListDataSourceSyncJobs",
            '  violation  /History/0/StartTime: "2026-11-20T08:00:00Z" is not of type "number"',
            "      schema: kendra.DataSourceSyncJob",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 enum-drift in <test_kendra.py::test_drift_strict> response 1 *",
            '  enum-drift  /History/0/Status: *"PAUSED"*',
        ]
    )
    out = no_traceback(result)
    assert "test_unmarked" not in out
    report = json.loads((server.path / "report.json").read_text(encoding="utf-8"))
    [bad] = [r for r in report["results"] if any(f["kind"] == "violation" for f in r["findings"])]
    headers = dict(bad["origin"]["headers"])
    assert headers["Authorization"] == "<redacted>"
    assert headers["X-Amz-Security-Token"] == "<redacted>"
    assert headers["X-Amz-Target"] == "AWSKendraFrontendService.ListDataSourceSyncJobs"
    # What the client really sent: none of it, nor the secret key, is in the output or report.
    sent = (server.path / "credentials-sent.txt").read_text(encoding="utf-8")
    signatures = re.findall(r"Signature=([0-9a-f]{64})", sent)
    assert len(signatures) == 6  # one call per test, marked or not
    shown = out + json.dumps(report)
    for secret in (*signatures, SECRET_KEY, SESSION_TOKEN):
        assert secret not in shown


def test_boto3_every_attempt_is_checked(server: pytest.Pytester) -> None:
    """A call botocore retries: the throttling error and the retried page are both checked (the
    client, like every test's here, was built by a fixture before the marked call began)."""
    pytest.importorskip("boto3")
    server.makepyfile(
        test_retry=BOTO3
        + """
@pytest.mark.conformance
def test_retried(kendra, conformance):
    page = kendra.list_data_source_sync_jobs(Id="flaky", IndexId=INDEX)
    assert page["ResponseMetadata"]["RetryAttempts"] == 1
    seen = [(r.schema, [f.kind for f in r.findings]) for r in conformance.results]
    assert seen == [(None, ["error-response"]), ("kendra.ListDataSourceSyncJobsResponse", [])]
"""
    )
    server.runpytest().assert_outcomes(passed=1)


def test_boto3_body_botocore_cannot_parse_is_still_checked(server: pytest.Pytester) -> None:
    """botocore fails the test by itself; the wire body's finding is added to its report."""
    pytest.importorskip("boto3")
    server.makepyfile(
        test_unparseable=BOTO3
        + """
@pytest.mark.conformance
def test_unparseable(kendra):
    kendra.list_data_source_sync_jobs(Id="unparseable", IndexId=INDEX)
"""
    )
    result = server.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- Captured conformance call -*",
            "conformance: 1 violation in <test_unparseable.py::test_unparseable> response 1 *",
            '  violation  /History/0/StartTime: "yesterday" is not of type "number"',
        ]
    )
    assert SECRET_KEY not in result.stdout.str()


def test_a_client_that_is_not_installed_is_no_error(server: pytest.Pytester) -> None:
    """Each client is optional; only when none of the three is installed does the marker fail."""
    pytest.importorskip("httpx")
    server.makepyfile(
        test_missing=HTTPX
        + """
import sys

@pytest.fixture
def without(monkeypatch, request):
    for name in request.param:
        monkeypatch.setitem(sys.modules, name, None)

@pytest.mark.conformance
@pytest.mark.parametrize("without", [("requests", "botocore.endpoint")], indirect=True)
def test_httpx_alone(without, api):
    httpx.get(api + JOBS + "/bad")

@pytest.mark.conformance
@pytest.mark.parametrize("without", [("requests", "httpx", "botocore.endpoint")], indirect=True)
def test_none(without):
    pass
"""
    )
    result = server.runpytest()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in <test_missing.py::test_httpx_alone*> response 1 *",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*conformance: the conformance marker validates responses received through requests,"
            " httpx or botocore/boto3, and none of them is installed*"
        ]
    )
    no_traceback(result)


# --- The one check every client's responses go through -------------------------------------------


def exchange(content: bytes, encoding: str | None = None, error: str | None = None) -> Exchange:
    """A Kendra response as botocore hands it over: raw bytes, still content-encoded."""

    def read() -> bytes:
        if error is not None:
            raise BodyError(error)
        return content

    return Exchange(
        method="POST",
        url="https://kendra.us-east-1.amazonaws.com/",
        status=200,
        request_headers=(
            ("X-Amz-Target", "AWSKendraFrontendService.ListDataSourceSyncJobs"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/x, Signature=0123abcd"),
        ),
        content_type="application/x-amz-json-1.1",
        read=read,
        encoding=encoding,
    )


def test_encoded_and_oversized_bodies_are_findings_not_errors() -> None:
    """A body still content-encoded is checked decoded; one that expands past the body cap, or a
    kept stream past it, is ``unreadable`` with its origin redacted, never an exception."""
    checker = Checker(Options(max_body=4096))
    page = json.dumps({"History": [{"ExecutionId": "e1", "StartTime": "2026-11-20T08:00:00Z"}]})
    result = checker.check(exchange(gzip.compress(page.encode()), "gzip"), name="r1")
    assert result.schema == "kendra.ListDataSourceSyncJobsResponse"
    assert [(f.kind, f.pointer) for f in result.findings] == [("violation", "/History/0/StartTime")]

    bomb = gzip.compress(b'{"History": [' + b" " * 100_000 + b"]}")
    for given in (exchange(bomb, "gzip"), exchange(b"", error="body is larger than the limit")):
        result = checker.check(given, name="r2")
        [finding] = result.findings
        assert finding.kind == "unreadable"
        assert "limit" in finding.message
        assert result.origin is not None
        assert "0123abcd" not in repr(result.origin)
