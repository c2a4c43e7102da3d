"""``@pytest.mark.conformance``: the responses a test receives through ``requests`` are checked.

The test files that ``pytester`` runs talk to a real ``ThreadingHTTPServer`` on 127.0.0.1 (port
0, started and stopped by a fixture of theirs) that serves Graph jobs and Kendra pages, good and
bad; the cassette tests replay a hand-written vcrpy cassette with ``--record-mode=none`` and
``--block-network``. Nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import json
import os

# pytester's in-process runs drop the modules a run imported when it ends; PyYAML's C loader does
# not survive being imported twice in one process, so PyYAML, the cassette reader, vcrpy and
# requests are imported here, once, before any run.
import pytest
import yaml  # noqa: F401

import conformance.recordings  # noqa: F401

with contextlib.suppress(ImportError):
    import requests  # noqa: F401
    import vcr  # noqa: F401

pytest_plugins = ("pytester",)

SERVER = r"""
import copy
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
BAD_JOB["status"]["countSuccessiveCompleteFailures"] = "3"
PAGE = {"History": [{"ExecutionId": "e1", "StartTime": 1763643600, "Status": "QUEUED"}]}
BAD_PAGE = {"History": [{"ExecutionId": "e2", "Status": "SUCCEEDED",
                         "Metrics": {"DocumentsAdded": "01"}}]}
JOBS = "/beta/servicePrincipals/sp/synchronization/jobs"
ROUTES = {
    JOBS + "/good": (200, "application/json", JOB),
    JOBS + "/bad": (200, "application/json; odata.metadata=minimal", BAD_JOB),
    JOBS + "/throttled": (429, "application/json",
                          {"error": {"code": "TooManyRequests", "message": "slow down"}}),
    JOBS + "/status": (200, "application/json", BAD_JOB["status"]),
    "/html": (200, "text/html", "<html>sign in</html>"),
    "/empty": (204, None, None),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", JOBS + "/good")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.answer(*ROUTES[self.path])

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        bad = self.path == "/bad"
        self.answer(200, "application/x-amz-json-1.1", BAD_PAGE if bad else PAGE)

    def answer(self, status, mime, body):
        data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body))
        data = data.encode() if isinstance(data, str) else data
        self.send_response(status)
        if mime:
            self.send_header("Content-Type", mime)
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

HEADERS = """
import pytest
import requests

JOBS = "/beta/servicePrincipals/sp/synchronization/jobs"
SECRET = {"Authorization": "Bearer s3cr3t-t0ken"}
KENDRA = {"X-Amz-Target": "AWSKendraFrontendService.ListDataSourceSyncJobs",
          "Content-Type": "application/x-amz-json-1.1"}
"""


@pytest.fixture
def server(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytester folder whose conftest serves the API on 127.0.0.1; no proxy is ever used."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    pytester.makeconftest(SERVER)
    return pytester


def test_live_responses_are_checked(server: pytest.Pytester) -> None:
    """Good passes, a violation fails with its finding, drift passes and is listed."""
    server.makepyfile(
        test_live=HEADERS
        + """
@pytest.mark.conformance
def test_good_job(api):
    assert requests.get(api + JOBS + "/good", headers=SECRET).json()["templateId"] == "AWSEC2"

@pytest.mark.conformance
def test_bad_job(api):
    requests.get(api + JOBS + "/bad", headers=SECRET)

@pytest.mark.conformance
def test_kendra_page(api):
    requests.post(api + "/", headers=KENDRA, data="{}")

def test_unmarked_bad_job(api):
    requests.get(api + JOBS + "/bad")
"""
    )
    result = server.runpytest("--conformance-report", "report.json")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_bad_job _*",
            "conformance: 1 violation in <test_live.py::test_bad_job> response 1"
            " [graph.synchronizationJob]",
            "",
            "<test_live.py::test_bad_job> response 1  [graph.synchronizationJob]",
            "  request: GET http://127.0.0.1:*/beta/servicePrincipals/sp/synchronization/jobs/bad"
            " -> 200",
            "  selected by: request GET http://127.0.0.1:*/synchronization/jobs/bad",
            '  violation  /status/countSuccessiveCompleteFailures: "3" is not of type "integer"',
            "      schema: graph.synchronizationStatus",
            '      expected integer, got string "3"',
            '      rule: "Number of consecutive times this job failed"'
            " (graph-synchronizationStatus.md, Properties row 1, line 26)",
            "      at <test_live.py::test_bad_job> response 1:1:*",
        ]
    )
    out = result.stdout.str()
    # A finding, not a crash: no Python traceback for the marker's failure.
    assert "Traceback" not in out
    assert 'requests.get(api + JOBS + "/bad"' not in out
    result.stdout.fnmatch_lines(
        [
            "3 documents checked: 1 enum-drift, 1 violation",
            '  kendra.DataSourceSyncJob  /Status  value "QUEUED"  1      '
            "test_live.py::test_kendra_page",
        ]
    )
    report = json.loads((server.path / "report.json").read_text(encoding="utf-8"))
    [bad] = [r for r in report["results"] if r["status"] == "fail"]
    assert bad["origin"]["method"] == "GET"
    assert ["Authorization", "<redacted>"] in bad["origin"]["headers"]
    assert "s3cr3t" not in json.dumps(report)
    assert "s3cr3t" not in out
    [page] = [r for r in report["results"] if r["schema"].startswith("kendra.")]
    assert page["selection"].startswith("request header X-Amz-Target")


def test_marker_forces_a_schema_and_strictness(server: pytest.Pytester) -> None:
    """``schema=`` overrides selection; ``strict=True`` makes drift fail."""
    server.makepyfile(
        test_forced=HEADERS
        + """
@pytest.mark.conformance(schema="graph.synchronizationStatus")
def test_forced(api):
    requests.get(api + JOBS + "/status")

@pytest.mark.conformance(strict=True)
def test_strict(api):
    requests.post(api + "/", headers=KENDRA, data="{}")

@pytest.mark.conformance("graph.synchronizationJob")
def test_positional(api):
    requests.get(api + JOBS + "/good")

@pytest.mark.conformance(scheme="typo")
def test_bad_argument(api):
    pass

@pytest.mark.conformance(schema="graph.synchronizationjob")
def test_unknown_schema(api):
    pass
"""
    )
    result = server.runpytest()
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in <test_forced.py::test_forced> response 1"
            " [graph.synchronizationStatus]",
            "  selected by: the schema argument",
        ]
    )
    result.stdout.fnmatch_lines(
        ["conformance: 1 enum-drift in <test_forced.py::test_strict> response 1 *"]
    )
    result.stdout.fnmatch_lines(
        ["conformance marker: unknown argument scheme; it takes schema and strict"]
    )
    result.stdout.fnmatch_lines(
        ["conformance: no schema named 'graph.synchronizationjob'. Did you mean*"]
    )


def test_responses_without_documents_redirects_errors_and_html(server: pytest.Pytester) -> None:
    """No body: nothing to check; a redirect: the final response; an API error: reported;
    an HTML page: unreadable, as a non-JSON body of recorded traffic is."""
    server.makepyfile(
        test_kinds=HEADERS
        + """
@pytest.mark.conformance
def test_empty_redirect_and_error(api, conformance):
    assert requests.get(api + "/empty").status_code == 204
    assert requests.get(api + "/moved").json()["templateId"] == "AWSEC2"
    assert requests.get(api + JOBS + "/throttled").status_code == 429
    seen = [(str(r.location), r.schema, [f.kind for f in r.findings]) for r in conformance.results]
    assert seen == [
        ("<test_kinds.py::test_empty_redirect_and_error> response 2",
         "graph.synchronizationJob", []),
        ("<test_kinds.py::test_empty_redirect_and_error> response 3", None, ["error-response"]),
    ]

@pytest.mark.conformance
def test_html(api):
    requests.get(api + "/html")
"""
    )
    result = server.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 unreadable in <test_kinds.py::test_html> response 1",
            "  unreadable  (document): response body is text/html, not JSON",
        ]
    )


def test_a_test_that_fails_by_itself_keeps_its_failure(server: pytest.Pytester) -> None:
    """Its own assertion stays the failure; the findings are added as a report section."""
    server.makepyfile(
        test_own=HEADERS
        + """
@pytest.mark.conformance
def test_own_failure(api):
    requests.get(api + JOBS + "/bad")
    assert 1 == 2
"""
    )
    result = server.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       assert 1 == 2",
            "*- Captured conformance call -*",
            "conformance: 1 violation in <test_own.py::test_own_failure> response 1 *",
        ]
    )


def test_streamed_responses_are_checked_after_the_test(server: pytest.Pytester) -> None:
    """``stream=True``: the body is read after the test (never under its feet)."""
    server.makepyfile(
        test_stream=HEADERS
        + """
@pytest.mark.conformance
def test_streamed_unread(api):
    response = requests.get(api + JOBS + "/bad", stream=True)
    assert response.status_code == 200

@pytest.mark.conformance
def test_streamed_and_consumed(api):
    response = requests.get(api + JOBS + "/bad", stream=True)
    assert b"".join(response.iter_content(64))
"""
    )
    result = server.runpytest()
    # The consumed stream is gone before the plugin could read it: nothing to check, no error.
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["conformance: 1 violation in <test_stream.py::test_streamed_unread> response 1 *"]
    )


def test_requests_session_and_response_fixture_input(server: pytest.Pytester) -> None:
    """Sessions are seen too; ``assert_conforms(response)`` selects by the request."""
    server.makepyfile(
        test_session=HEADERS
        + """
@pytest.mark.conformance
def test_session(api):
    with requests.Session() as session:
        session.headers.update(SECRET)
        session.get(api + JOBS + "/good")

def test_response_object(api, conformance):
    response = requests.get(api + JOBS + "/bad")
    with pytest.raises(AssertionError, match=r"(?s)graph.synchronizationJob.*request: GET"):
        conformance.assert_conforms(response)
"""
    )
    server.runpytest().assert_outcomes(passed=2)


# --- Cassettes (pytest-recording / vcrpy) -------------------------------------------------------

CASSETTE = """\
interactions:
- request:
    body: '{{}}'
    headers:
      Authorization:
      - AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261120/us-east-1/kendra/aws4_request
      Content-Type:
      - application/x-amz-json-1.1
      X-Amz-Target:
      - AWSKendraFrontendService.ListDataSourceSyncJobs
    method: POST
    uri: https://kendra.us-east-1.amazonaws.com/
  response:
    body:
      string: '{body}'
    headers:
      Content-Type:
      - application/x-amz-json-1.1
    status:
      code: 200
      message: OK
version: 1
"""
GOOD_PAGE = '{"History": [{"ExecutionId": "e1", "StartTime": 1763643600, "Status": "SUCCEEDED"}]}'
BAD_PAGE = '{"History": [{"ExecutionId": "e2", "Metrics": {"DocumentsAdded": "01"}}]}'
REPLAY = """
import pytest
import requests

KENDRA = {"X-Amz-Target": "AWSKendraFrontendService.ListDataSourceSyncJobs",
          "Content-Type": "application/x-amz-json-1.1"}

@pytest.mark.vcr
@pytest.mark.conformance
def test_replayed_good():
    page = requests.post("https://kendra.us-east-1.amazonaws.com/", headers=KENDRA, data="{}")
    assert page.json()["History"][0]["Status"] == "SUCCEEDED"

@pytest.mark.vcr
@pytest.mark.conformance
def test_replayed_bad():
    requests.post("https://kendra.us-east-1.amazonaws.com/", headers=KENDRA, data="{}")
"""


@pytest.fixture
def cassettes(pytester: pytest.Pytester) -> pytest.Pytester:
    """A test module and its cassettes where pytest-recording looks for them."""
    pytest.importorskip("pytest_recording")
    pytest.importorskip("vcr")
    pytester.makepyfile(test_replay=REPLAY)
    folder = pytester.mkdir("cassettes").joinpath("test_replay")
    folder.mkdir()
    folder.joinpath("test_replayed_good.yaml").write_text(CASSETTE.format(body=GOOD_PAGE))
    folder.joinpath("test_replayed_bad.yaml").write_text(CASSETTE.format(body=BAD_PAGE))
    return pytester


def test_replayed_responses_are_checked_like_live_ones(cassettes: pytest.Pytester) -> None:
    """A cassette replayed by pytest-recording is checked; the network is never reached."""
    result = cassettes.runpytest("--record-mode=none", "--block-network")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in <test_replay.py::test_replayed_bad> response 1"
            " [kendra.ListDataSourceSyncJobsResponse]",
            "  request: POST https://kendra.us-east-1.amazonaws.com/ -> 200",
            "  selected by: request header X-Amz-Target:"
            " AWSKendraFrontendService.ListDataSourceSyncJobs",
            '  violation  /History/0/Metrics/DocumentsAdded: "01" does not match *',
            "      schema: kendra.DataSourceSyncJob",
        ]
    )


def test_cassettes_are_also_fixture_files(cassettes: pytest.Pytester) -> None:
    """The same cassettes collected with ``--conformance-fixtures``: one item per interaction."""
    result = cassettes.runpytest(
        "--record-mode=none", "--block-network", "--conformance-fixtures", "cassettes", "-v"
    )
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "cassettes/test_replay/test_replayed_bad.yaml::test_replayed_bad.yaml interaction 1"
            " FAILED*",
            "cassettes/test_replay/test_replayed_good.yaml::test_replayed_good.yaml interaction 1"
            " PASSED*",
            "*_ document cassettes/test_replay/test_replayed_bad.yaml interaction 1 _*",
            "conformance: 1 violation in cassettes/test_replay/test_replayed_bad.yaml interaction 1"
            " [kendra.ListDataSourceSyncJobsResponse]",
        ]
    )
