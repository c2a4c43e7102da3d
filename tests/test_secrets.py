"""Secrets never reach the output, in any format, and redaction fails closed.

Every secret planted here contains ``SECRETMARK``, so one search of an output proves the whole
class absent: request headers (known and by pattern), URL user info, query, fragment and path
parameters, URLs Python cannot parse, values under secret names in bodies (an OAuth token
response, Graph's key/value pairs), values quoted by the engine's messages, by a selection reason
or by an API error body, values long enough to be shortened, and broken input beside a secret,
which a parse error must not quote. The corpus goes through the CLI in every ``--format``, with
and without ``--explain-selection``, and through the pytest plugin: fixture files with
``--conformance-report`` and JUnit XML, and the ``conformance`` marker against a real HTTP server
on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

# pytester's in-process runs drop the modules a run imported; PyYAML's C loader does not survive
# being imported twice in one process, so it and the cassette reader are imported here, once.
import pytest
import yaml  # noqa: F401

import conformance.recordings  # noqa: F401
from conformance.findings import Location
from conformance.report import clip
from conformance.sources import make_origin, redact_header, redact_url

with contextlib.suppress(ImportError):
    import requests  # noqa: F401

pytest_plugins = ("pytester",)

MARK = "SECRETMARK"
JOBS = "https://graph.microsoft.com/beta/servicePrincipals/sp/synchronization/jobs"
KENDRA = "https://kendra.us-east-1.amazonaws.com/"
# A JWT (three base64url parts) whose signature part carries the mark.
JWT = f"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.{MARK}J01sig"

SECRET_HEADERS = [
    ("Authorization", f"Bearer {MARK}H01"),
    ("Proxy-Authorization", f"Basic {MARK}H02"),
    ("Cookie", f"session={MARK}H03"),
    ("X-Amz-Security-Token", f"{MARK}H04"),
    ("X-Goog-Api-Key", f"{MARK}H05"),
    ("X-Functions-Key", f"{MARK}H06"),
    ("apikey", f"{MARK}H07"),
    ("Ocp-Apim-Subscription-Key", f"{MARK}H08"),
    ("X-Custom-Auth-Context", f"{MARK}H09"),
    ("X-Client-Session", f"{MARK}H10"),
    ("X-Api-Signature", f"{MARK}H11"),
    ("X-Credential-Hint", f"{MARK}H12"),
    ("Set-Cookie", f"id={MARK}H13"),
    # A harmless name whose value is a URL with a token in its fragment.
    ("Referer", f"https://app.example/callback#access_token={MARK}H14&state=ok"),
]

# Bodies: an OAuth token response (validated against Graph's and Kendra's schemas, where every
# key is property drift), and a Graph job whose violations sit on secret values.
TOKEN = {
    "access_token": f"{MARK}B01",
    "token_type": "Bearer",
    "expires_in": 3600,
    "refresh_token": f"{MARK}B02",
    "id_token": JWT,
    "client_secret": f"{MARK}B03",
    "password": f"{MARK}B04",
}
JOB: dict[str, Any] = {
    "id": "AWSEC2.1",
    "templateId": "AWSEC2",
    # A settings pair whose name is a secret's: its value is the secret.
    "synchronizationJobSettings": [{"name": "ClientSecret", "value": [f"{MARK}B05"]}],
    "status": {
        "code": "Active",
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": False,
        "synchronizedEntryCountByType": [{"key": "Password", "value": f"{MARK}B06"}],
        # Neither an object nor null: the engine's anyOf message quotes the whole array.
        "quarantine": [{"password": f"{MARK}B07"}],
        "client_secret": f"{MARK}B08",
    },
}
LONG = "A" * 150
PAGE = {
    "History": [
        # Long values under harmless names: shortened, with the secret at either end.
        {"ExecutionId": "e1", "Status": f"https://x.example/cb?sig={MARK}B09{LONG}"},
        {"ExecutionId": "e2", "Status": f"https://x.example/cb?x=1&sig={LONG}{MARK}B10"},
        {"ExecutionId": "e3", "Status": f"{LONG} {JWT}"},
        {"ExecutionId": "e4", "Status": "SUCCEEDED", "session_key": f"{MARK}B11"},
    ],
    "NextToken": "CURSOR1",
    "access_token": f"{MARK}B12",
}
CONTEXT = {
    "@odata.context": (
        f"https://graph.microsoft.com/beta/$metadata?access_token={MARK}C01"
        "#servicePrincipals('sp')/synchronization/jobs/$entity"
    ),
    "id": "x",
    "templateId": 7,
}
ERROR = {
    "error": {
        "code": "InvalidAuthenticationToken",
        "message": f"Token {JWT} expired; see https://login.example/?client_secret={MARK}E01",
    }
}
URLS = [
    # User info, and every kind of query and fragment parameter; $top and $skiptoken stay.
    f"https://admin:{MARK}U01@graph.microsoft.com/beta/servicePrincipals/sp/synchronization/jobs"
    f"/j1?refresh_token={MARK}U02&id_token={MARK}U03&password={MARK}U04&key={MARK}U05"
    f"&subscription-key={MARK}U06&sig={MARK}U07&X-Goog-Signature={MARK}U08&$top=5"
    f"&$skiptoken=CURSOR2#access_token={MARK}U09&token_type=Bearer",
    # What Python's parser rejects.
    f"https://admin:{MARK}U10@[::1/beta/servicePrincipals/sp/synchronization/jobs/j2"
    f"?X-Amz-Signature={MARK}U11#access_token={MARK}U12",
    # ";" separators, OAuth's code, a secret inside an encoded redirect URI, a path parameter.
    f"{JOBS}/j3;jsessionid={MARK}U13?a=1;access_token={MARK}U14&code={MARK}U15"
    f"&redirect_uri=https%3A%2F%2Fapp%2Fcb%3Faccess_token%3D{MARK}U16",
    f"{KENDRA}?X-Amz-Credential={MARK}U17&X-Amz-Signature={MARK}U18&X-Amz-Security-Token={MARK}U19",
    f"https://graph.microsoft.com/beta/x?sv=2020&sig={MARK}U20",
    f"{JOBS}/j4",
]


def _entry(url: str, body: object, *, kendra: bool = False, status: int = 200) -> dict[str, Any]:
    headers = list(SECRET_HEADERS)
    if kendra:
        headers.append(("X-Amz-Target", "AWSKendraFrontendService.ListDataSourceSyncJobs"))
    return {
        "request": {
            "method": "POST" if kendra else "GET",
            "url": url,
            "headers": [{"name": k, "value": v} for k, v in headers],
        },
        "response": {
            "status": status,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json.dumps(body)},
        },
    }


def write_corpus(root: Path) -> None:
    """The hostile corpus: a HAR, a cassette, NDJSON, JSON, and a token beside a broken byte."""
    root.mkdir(parents=True, exist_ok=True)
    entries = [
        _entry(URLS[0], TOKEN),
        _entry(URLS[1], JOB),
        _entry(URLS[2], JOB),
        _entry(URLS[3], PAGE, kendra=True),
        _entry(URLS[4], CONTEXT),
        _entry(URLS[5], ERROR, status=401),
    ]
    har = {"log": {"version": "1.2", "entries": entries}}
    (root / "traffic.har").write_text(json.dumps(har), encoding="utf-8")
    (root / "cassette.yaml").write_text(
        "interactions:\n"
        "- request:\n"
        "    body: null\n"
        "    headers:\n"
        f"      Authorization: [Bearer {MARK}Y01]\n"
        f"      X-Goog-Api-Key: [{MARK}Y02]\n"
        "    method: GET\n"
        f"    uri: 'https://u:{MARK}Y03@graph.microsoft.com/beta/servicePrincipals/sp/"
        f"synchronization/jobs/j5?password={MARK}Y04#id_token={MARK}Y05'\n"
        "  response:\n"
        f"    body: {{string: '{json.dumps(JOB)}'}}\n"
        "    headers: {Content-Type: [application/json]}\n"
        "    status: {code: 200, message: OK}\n"
        "version: 1\n",
        encoding="utf-8",
    )
    lines = [json.dumps({**PAGE, "access_token": f"{MARK}N{i:02}"}) for i in range(3)]
    (root / "pages.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "token.json").write_text(json.dumps(TOKEN), encoding="utf-8")
    # Broken input beside a secret: the readers' messages must quote none of it.
    (root / "broken.json").write_bytes(f'{{"ExecutionId": "{MARK}P01'.encode() + b'\xff"}')
    (root / "broken.ndjson").write_bytes(f'{{"ExecutionId": {MARK}P02}}\n'.encode())
    (root / "cassette.json").write_bytes(f'{{"interactions": [{MARK}P03]}}'.encode())
    (root / "broken.har").write_bytes(
        b'{"log": {"entries": [{"request": {"headers": [{"name": "Authorization", "value": "'
        + f"Bearer {MARK}P04".encode()
        + b'\xff"}]}}]}}'
    )


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "conformance", "validate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )


# --- The CLI, every format ------------------------------------------------------------------------


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain-selection"])
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github"])
def test_no_format_prints_a_secret(tmp_path: Path, fmt: str, explain: bool) -> None:
    """Every format, with and without --explain-selection, reports the corpus without a secret."""
    write_corpus(tmp_path / "corpus")
    args = ["corpus", "--format", fmt, *(["--explain-selection"] if explain else [])]
    run = _cli(*args, cwd=tmp_path)
    assert run.returncode == 2, run.stderr  # the broken files are unreadable
    assert MARK not in run.stdout
    assert MARK not in run.stderr
    # The findings are still there, the values withheld.
    assert "'access_token' is not in the schema" in run.stdout
    assert "redacted" in run.stdout  # JUnit XML escapes the brackets
    if fmt == "json":
        report = json.loads(run.stdout)
        urls = [r["origin"]["url"] for r in report["results"] if r["origin"]]
        # Paging cursors and $top are no credentials: they stay, for whoever debugs paging.
        assert any("$top=5&$skiptoken=CURSOR2" in url for url in urls)
        if explain:
            assert any(
                (r["selection"] or "").startswith("@odata.context https://graph.microsoft.com/")
                for r in report["results"]
            )


def test_parallel_ndjson_prints_no_secret(tmp_path: Path) -> None:
    """Findings made in worker processes (--jobs) are redacted as they are made, too."""
    write_corpus(tmp_path / "corpus")
    run = _cli("corpus/pages.ndjson", "--jobs", "2", "--format", "json", cwd=tmp_path)
    assert MARK not in run.stdout + run.stderr
    assert run.stdout.count("'access_token' is not in the schema") == 3


# --- URLs and headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            URLS[1],
            "https://<redacted>@[::1/beta/servicePrincipals/sp/synchronization/jobs/j2"
            "?<redacted>#<redacted>",
        ),
        (f"http://[::1/x?sig={MARK}", "http://[::1/x?<redacted>"),
        # A port that is no number may be a password written without its user.
        (f"https://h:{MARK}/p?a=1", "https://h:<redacted>/p?<redacted>"),
        (f"https://u:{MARK}@h:notaport/p#t=1", "https://<redacted>@h:<redacted>/p#<redacted>"),
        # A "/" in a password ends the authority for the parser, not for the "@" after it.
        (f"https://u:pa/{MARK}@h:nope/p?a", "https://<redacted>@h:<redacted>/p?<redacted>"),
        (f"https://a[{MARK}/x", "https://<redacted>/x"),
        (f"https://h:99999/x?sig={MARK}", "https://h:99999/x?<redacted>"),
    ],
)
def test_an_unparseable_url_is_cut_not_printed(url: str, shown: str) -> None:
    """What Python's parser rejects keeps scheme, host and path; never its user info or query."""
    assert redact_url(url) == shown


def test_url_parameters_are_redacted_by_name_pattern() -> None:
    """Query, fragment and path parameters by pattern; user info; paging cursors kept."""
    for url in URLS:
        assert MARK not in redact_url(url), url
    first = redact_url(URLS[0])
    assert first.startswith("https://<redacted>@graph.microsoft.com/beta/")
    assert "refresh_token=<redacted>&id_token=<redacted>&password=<redacted>" in first
    assert "&$top=5&$skiptoken=CURSOR2#access_token=<redacted>" in first
    assert redact_url(f"{JOBS}?access%5Ftoken={MARK}") == f"{JOBS}?access%5Ftoken=<redacted>"
    assert redact_url(f"https://h/#/callback?id_token={MARK}&x=1") == (
        "https://h/#/callback?id_token=<redacted>&x=1"
    )
    # Without "//", "user:pass@host" parses as a scheme and a path; it is user info all the same.
    assert (
        redact_url(f"admin:{MARK}@graph.microsoft.com/beta")
        == "<redacted>@graph.microsoft.com/beta"
    )
    assert redact_url(f"{JOBS}/{JWT}/status") == f"{JOBS}/<redacted>/status"
    # Nothing harmless is touched.
    assert redact_url(f"{JOBS}?$filter=id eq 'a'&$top=2") == f"{JOBS}?$filter=id eq 'a'&$top=2"


def test_headers_are_redacted_by_name_pattern() -> None:
    """API keys and any header whose name speaks of a secret; a harmless name keeps its value,
    but not a URL's token in it. Selection needs X-Amz-Target; nobody is helped by hiding a
    content type."""
    kept = {name: redact_header(name, value) for name, value in SECRET_HEADERS}
    assert [name for name, value in kept.items() if MARK in value] == []
    assert kept.pop("Referer") == "https://app.example/callback#access_token=<redacted>&state=ok"
    assert set(kept.values()) == {"<redacted>"}
    for name, value in [
        ("X-Amz-Target", "AWSKendraFrontendService.ListDataSourceSyncJobs"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("Accept", "application/json"),
        ("client-request-id", "7c9a0d3e"),
    ]:
        assert redact_header(name, value) == value


def test_names_are_judged_by_pattern_with_paging_cursors_kept() -> None:
    """The name rule: secret words anywhere, key/sig/pin as words, OAuth's code in URLs only."""
    from conformance import redaction, sources

    secret = [
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "clientSecret",
        "password",
        "passwd",
        "key",
        "APIKey",
        "subscription-key",
        "sig",
        "X-Goog-Signature",
        "X-Amz-Credential",
        "JSESSIONID",
        "X-XSRF-TOKEN",
        "client_assertion",
        "PIN",
        "subscriptionkey",
        "MASTERKEY",
    ]
    harmless = [
        "$top",
        "$skiptoken",
        "$deltatoken",
        "NextToken",
        "nextPageToken",
        "continuationToken",
        "code",
        "ErrorCode",
        "keyboard",
        "design",
        "spinner",
        "bypassed",
        "templateId",
    ]
    assert [n for n in secret if not redaction.is_secret_name(n)] == []
    assert [n for n in harmless if redaction.is_secret_name(n)] == []
    # The old names still import from sources, and are the same functions.
    assert sources.redact_url is redaction.redact_url
    assert sources.redact_header is redaction.redact_header
    assert sources.REDACTED == redaction.REDACTED == "<redacted>"


# --- Findings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    ["graph.synchronizationJob", "kendra.DataSourceSyncJob", "graph.synchronizationStatus"],
)
def test_a_token_response_is_drift_without_its_tokens(schema: str) -> None:
    """Every key of an OAuth token response is property drift; no token is its ``got``."""
    from conformance.validation import Engine

    findings = Engine().findings(TOKEN, schema, Location("token.json"))
    got = {f.pointer: f.actual for f in findings}
    assert got == {
        "/access_token": "<redacted>",
        "/client_secret": "<redacted>",
        "/expires_in": 3600,
        "/id_token": "<redacted>",
        "/password": "<redacted>",
        "/refresh_token": "<redacted>",
        "/token_type": "<redacted>",
    }
    assert {f.kind for f in findings} == {"property-drift"}
    assert MARK not in repr(findings)


def test_engine_messages_quote_no_secret_value() -> None:
    """A violation on a secret keeps its kind, place and rule; its value is masked everywhere."""
    from conformance.validation import Engine

    findings = Engine().findings(JOB, "graph.synchronizationJob", Location("job.json"))
    assert MARK not in repr(findings)
    by_pointer = {f.pointer: f for f in findings}
    pair = by_pointer["/status/synchronizedEntryCountByType/0/value"]
    assert (pair.kind, pair.message) == ("violation", '<redacted> is not of type "integer"')
    assert pair.actual == "<redacted>"
    assert pair.actual_type == "string"  # the type is no secret
    setting = by_pointer["/synchronizationJobSettings/0/value"]
    assert setting.message == '<redacted> is not of types "null", "string"'
    quarantine = by_pointer["/status/quarantine"]
    assert quarantine.message.startswith("<redacted> is not valid under any of the schemas")
    assert quarantine.actual == [{"password": "<redacted>"}]
    assert by_pointer["/status/client_secret"].actual == "<redacted>"
    # Values that are no secret are still quoted as the engine quotes them.
    plain = Engine().findings({**JOB, "templateId": 7}, "graph.synchronizationJob", Location("j"))
    assert '7 is not of types "null", "string"' in [f.message for f in plain]


def test_shortening_reveals_no_part_of_a_secret() -> None:
    """Long values are redacted before they are cut: neither end of a secret survives."""
    head = f"https://x.example/cb?sig={MARK}{LONG}"
    tail = f"https://x.example/cb?x=1&sig={LONG}{MARK}"
    for value in (head, tail, f"{LONG} {JWT}", f"{JWT} {LONG}"):
        assert MARK[:6] not in clip(value), value
    from conformance.validation import Engine

    findings = Engine().findings(PAGE, "kendra.ListDataSourceSyncJobsResponse", Location("p"))
    assert [f.pointer for f in findings if f.kind == "enum-drift"] == [
        "/History/0/Status",
        "/History/1/Status",
        "/History/2/Status",
    ]
    for finding in findings:
        assert MARK[:6] not in f"{finding.message} {finding.actual} {clip(finding.actual)}"


def test_selection_reasons_and_error_bodies_quote_no_secret() -> None:
    """--explain-selection's reasons and an API error's summary quote document values redacted."""
    from conformance.catalog import default_catalog
    from conformance.selection import Selector

    selector = Selector(default_catalog())
    chosen = selector.select_value(CONTEXT, "a.json")
    assert chosen.schema == "graph.synchronizationJob"
    assert chosen.reason.startswith(
        "@odata.context https://graph.microsoft.com/beta/$metadata?access_token=<redacted>#"
    )
    error = selector.select_value(ERROR, "a.json")
    assert error.error == (
        "Graph error InvalidAuthenticationToken: Token <redacted> expired; see"
        " https://login.example/?client_secret=<redacted>"
    )
    unknown = selector.select_value({"@odata.type": f"#x.{JWT}"}, "a.json")
    assert MARK not in unknown.reason
    # A request's path, as the reason quotes it, ends before a fragment as before a query.
    origin = make_origin("GET", f"{JOBS}/j1#access_token={MARK}", 200, [])
    by_request = selector.select_value({"id": "j1"}, "a.har", origin)
    assert (by_request.schema, by_request.reason) == (
        "graph.synchronizationJob",
        f"request GET {JOBS}/j1",
    )


# --- Parse errors ---------------------------------------------------------------------------------


def test_recordings_parse_errors_quote_no_bytes(tmp_path: Path) -> None:
    """A HAR broken by a byte beside a value, and a cassette's constructor tag, quote nothing.

    yajl's error for a byte that is not UTF-8 holds the text around it (the repr of bytes, on
    one line), and a YAML constructor error names the tag; the readers say where and why only.
    """
    from conformance.pipeline import Pipeline

    (tmp_path / "broken.har").write_bytes(
        b'{"log": {"entries": [{"request": {"headers": [{"name": "X-Trace", "value": "'
        + f"{MARK}P05".encode()
        + b'\xff"}]}}]}}'
    )
    (tmp_path / "tag.yaml").write_text(
        "interactions:\n- request: {uri: 'https://h/'}\n"
        f"  response: {{body: {{string: !!python/object:{MARK}P06 {{}}}}}}\n",
        encoding="utf-8",
    )
    results = list(Pipeline().run([str(tmp_path)]))
    assert len(results) == 2
    assert {f.kind for r in results for f in r.findings} == {"unreadable"}
    assert MARK not in repr(results)


# --- The pytest plugin ----------------------------------------------------------------------------


def _everything(pytester: pytest.Pytester, result: pytest.RunResult, *files: str) -> str:
    texts = [result.stdout.str(), result.stderr.str()]
    texts.extend((pytester.path / name).read_text(encoding="utf-8") for name in files)
    return "\n".join(texts)


def test_plugin_fixture_files_print_no_secret(pytester: pytest.Pytester) -> None:
    """Failures, the drift table, --conformance-report and JUnit properties: no secret."""
    write_corpus(pytester.path / "fixtures")
    result = pytester.runpytest(
        "--conformance-fixtures",
        "fixtures",
        "--conformance-report",
        "report.json",
        "--junitxml",
        "junit.xml",
        "-rA",
        "-p",
        "no:cacheprovider",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 5
    everything = _everything(pytester, result, "report.json", "junit.xml")
    assert MARK not in everything
    assert "'access_token' is not in the schema" in everything
    assert 'name="conformance"' in everything  # the JUnit properties were written


SERVER = r"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

BODIES = json.loads(BODIES_JSON)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        status, body = BODIES[name]
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
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
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()
"""

MARKED = r"""
import pytest
import requests

HEADERS = dict(json.loads(HEADERS_JSON))
QUERY = QUERY_TEXT
JOBS = "/beta/servicePrincipals/sp/synchronization/jobs/"


def url(port, name):
    return f"http://admin:USERINFO@127.0.0.1:{port}{JOBS}{name}?{QUERY}"


@pytest.mark.conformance(strict=True)
def test_token(api):
    requests.get(url(api, "token"), headers=HEADERS)


@pytest.mark.conformance
def test_job(api):
    requests.get(url(api, "job"), headers=HEADERS)


@pytest.mark.conformance
def test_error(api):
    assert requests.get(url(api, "error"), headers=HEADERS).status_code == 401
"""


def test_plugin_marker_prints_no_secret(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Responses received through requests from a real server: failures and reports, no secret."""
    pytest.importorskip("requests")
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    bodies = {"token": [200, TOKEN], "job": [200, JOB], "error": [401, ERROR]}
    pytester.makeconftest(f"BODIES_JSON = {json.dumps(json.dumps(bodies))}\n" + SERVER)
    query = f"refresh_token={MARK}M01&key={MARK}M02&sig={MARK}M03&$top=1#access_token={MARK}M04"
    pytester.makepyfile(
        test_live="import json\n"
        + MARKED.replace("HEADERS_JSON", repr(json.dumps(SECRET_HEADERS)))
        .replace("QUERY_TEXT", repr(query))
        .replace("USERINFO", f"{MARK}M05")
    )
    result = pytester.runpytest(
        "--conformance-report", "report.json", "--junitxml", "junit.xml", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=2)
    everything = _everything(pytester, result, "report.json", "junit.xml")
    assert MARK not in everything
    result.stdout.fnmatch_lines(
        [
            "  request: GET http://<redacted>@127.0.0.1:*/jobs/token?refresh_token=<redacted>"
            "&key=<redacted>&sig=<redacted>&$top=1#access_token=<redacted> -> 200",
        ]
    )
    assert "  property-drift  /access_token: property 'access_token' is not in the schema" in (
        result.stdout.str()
    )
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    headers_seen = dict(report["results"][0]["origin"]["headers"])
    assert headers_seen["X-Goog-Api-Key"] == "<redacted>"
    assert headers_seen["Authorization"] == "<redacted>"


def test_a_url_with_nothing_to_hide_is_left_as_written() -> None:
    """Redaction changes only what it hides: a message quoting a URL-like value keeps its case."""
    from conformance.redaction import redact_text, redact_url

    assert redact_url("A://0") == "A://0"
    assert redact_text('"HTTP://Example.test/a?b=1" is not a "date-time"') == (
        '"HTTP://Example.test/a?b=1" is not a "date-time"'
    )
    assert "p@" not in redact_url("HTTPS://u:p@x/")
