"""Browser HARs: what is not a JSON API response is skipped, counted by reason, never validated.

A HAR saved from dev tools during a Graph Explorer session (``browser_har``) holds a page, its
scripts, styles, font and icon, a redirect, preflights, a 204, the sign-in call with live tokens,
``/me`` and the synchronization jobs. Only the last two are documents; ``--url`` picks among
them. Token responses never reach the engine or any report, whatever the format.
"""

from __future__ import annotations

import base64
import fnmatch
import io
import json
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from browser_har import (
    ACCESS_TOKEN,
    JOBS,
    SKIPPED,
    SKIPPED_TOKEN,
    TOKEN_BODY,
    TOKEN_PARTS,
    session,
    text,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.cli import main
from conformance.findings import Finding, Location, Origin, Result
from conformance.pipeline import Options, Pipeline
from conformance.recordings import (
    NO_BODY,
    PREFLIGHT,
    REDIRECT,
    TOKEN_RESPONSE,
    URL_NOT_MATCHED,
    Triage,
    identity_provider,
    not_json,
    url_matcher,
)
from conformance.sources import Body, Skipped, read_stream
from pytest_plugin.codec import decode, encode

pytest_plugins = ("pytester",)

REPORT_SCHEMA = Path(__file__).parents[1] / "conformance" / "report" / "report.schema.json"
COMMITTED = Path(__file__).parent / "data" / "graph-explorer-session.har"
SYNC_JOBS = "https://graph.microsoft.com/*/synchronization/jobs*"
JOB = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
KENDRA = "https://kendra.us-east-1.amazonaws.com/"
FORMATS = ("text", "json", "junit", "sarif", "github")


def entry(
    *,
    method: str = "POST",
    url: str = KENDRA,
    status: int = 200,
    mime: str = "application/x-amz-json-1.1",
    body: str | None = None,
    base64_body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A HAR entry; by default a Kendra job that conforms."""
    content: dict[str, Any] = {"mimeType": mime}
    if base64_body is not None:
        content.update(text=base64.b64encode(base64_body).decode(), encoding="base64")
    elif body is not None or mime.startswith("application/x-amz"):
        content["text"] = json.dumps(JOB) if body is None else body
    return {
        "request": {
            "method": method,
            "url": url,
            "headers": [{"name": k, "value": v} for k, v in (headers or {}).items()],
        },
        "response": {"status": status, "headers": [], "content": content},
    }


def har(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": list(entries)}}).encode()


def items(data: bytes, name: str = "traffic.har", urls: tuple[str, ...] = ()) -> list[Any]:
    return list(read_stream(io.BufferedReader(io.BytesIO(data)), name, urls=urls))


def reasons(data: bytes, name: str = "traffic.har", urls: tuple[str, ...] = ()) -> list[Any]:
    """Per entry: the skip reason, "body" for a document, or the finding's kind."""
    out: list[Any] = []
    for item in items(data, name, urls):
        if isinstance(item, Skipped):
            out.append(item.reason)
        elif isinstance(item, Body):
            out.append("body")
        else:
            assert isinstance(item, Finding)
            out.append(item.kind)
    return out


def run(
    capsys: pytest.CaptureFixture[str], *args: object, fmt: str = "text"
) -> tuple[int, str, str]:
    code = main(["validate", "--format", fmt, "--color", "never", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def session_path(folder: Path) -> Path:
    path = folder / "session.har"
    path.write_text(text(), encoding="utf-8")
    return path


@pytest.fixture
def session_har(tmp_path: Path) -> Path:
    return session_path(tmp_path)


# --- 1. each reason -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"mime": "text/html", "body": "<html></html>"}, "not JSON (text/html)"),
        ({"mime": "text/html; charset=utf-8", "body": "{}"}, "not JSON (text/html)"),
        (
            {"mime": "application/javascript", "body": "(()=>{})()"},
            "not JSON (application/javascript)",
        ),
        ({"mime": "text/css", "body": "body{}"}, "not JSON (text/css)"),
        ({"mime": "font/woff2", "base64_body": b"wOF2\x00\xff"}, "not JSON (font/woff2)"),
        ({"mime": "image/png", "base64_body": b"\x89PNG\r\n\x1a\n\xff"}, "not JSON (image/png)"),
        # A type nobody names is named by its family alone: a recorded value is never quoted.
        ({"mime": "text/s3cr3t-recorded-value", "body": "x"}, "not JSON (text/*)"),
        ({"mime": "s3cr3t", "body": "x"}, "not JSON (unknown type)"),
        ({"method": "OPTIONS", "status": 204, "mime": "x-unknown"}, PREFLIGHT),
        ({"method": "options", "status": 200, "body": "{}"}, PREFLIGHT),
        ({"status": 204, "mime": "x-unknown"}, NO_BODY),
        ({"status": 205, "mime": ""}, NO_BODY),
        ({"status": 304, "mime": "application/json"}, NO_BODY),
        ({"status": 0, "mime": ""}, NO_BODY),  # HAR's "no response at all"
        ({"status": 200, "mime": "application/json"}, NO_BODY),  # a body dev tools did not keep
        ({"status": 200, "mime": "application/json", "body": ""}, NO_BODY),
        ({"status": 301, "mime": "text/html", "body": "<a>moved</a>"}, REDIRECT),
        ({"status": 302, "mime": "x-unknown"}, REDIRECT),
        ({"status": 307, "mime": "application/json", "body": "{}"}, REDIRECT),
        ({"url": "https://login.microsoftonline.com/common/oauth2/v2.0/token"}, TOKEN_RESPONSE),
        ({"body": json.dumps(TOKEN_BODY)}, TOKEN_RESPONSE),  # by its body, at any URL
        ({"body": json.dumps({"accessToken": "x", "expiresIn": 1})}, TOKEN_RESPONSE),
    ],
)
def test_each_kind_of_entry_is_skipped_with_its_reason(kwargs: dict[str, Any], reason: str) -> None:
    assert reasons(har(entry(**kwargs), entry())) == [reason, "body"]


def test_what_declares_json_or_no_type_and_does_not_parse_stays_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.har"
    path.write_bytes(
        har(
            entry(mime="application/json", body="<html>sign in</html>"),
            entry(mime="", body="<html>sign in</html>"),
            entry(mime="x-unknown", body="{not json"),
            entry(),
        )
    )
    code, out, _ = run(capsys, path, fmt="json")
    rows = [(r["status"], r["skipped"]) for r in json.loads(out)["results"]]
    assert rows == [("unreadable", None)] * 3 + [("ok", None)]
    assert code == 2


def test_a_mime_type_left_out_is_taken_from_the_content_type_header() -> None:
    html = entry(mime="x-unknown", body="<html></html>")
    html["response"]["headers"] = [{"name": "Content-Type", "value": "text/html"}]
    assert reasons(har(html)) == ["not JSON (text/html)"]


def test_a_token_response_that_escapes_its_member_names_is_caught_before_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``"access\\u005ftoken"`` is no text the reader looks for; the pipeline sees the parsed
    member and skips the body before selection, so the engine never gets it."""
    escaped = json.dumps(TOKEN_BODY).replace('"access_token"', '"access\\u005ftoken"')
    escaped = escaped.replace('"refresh_token"', '"refresh\\u005ftoken"')
    escaped = escaped.replace('"id_token"', '"id\\u005ftoken"')
    path = tmp_path / "t.har"
    path.write_bytes(
        har(entry(url="https://example.test/x", mime="application/json", body=escaped), entry())
    )
    result, _ = list(Pipeline().run([str(path)]))
    assert result.skipped == TOKEN_RESPONSE
    assert result.findings == ()
    assert result.schema is None
    for fmt in FORMATS:
        code, out, err = run(capsys, path, fmt=fmt)
        assert code == 0
        assert not any(part in out + err for part in TOKEN_PARTS)


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://login.microsoftonline.com/common/oauth2/v2.0/token", True),
        ("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/authorize?x=1", True),
        ("https://LOGIN.WINDOWS.NET:443/common/discovery/instance", True),
        ("https://login.live.com/oauth20_token.srf", True),
        ("https://sts.windows.net/tenant/", True),
        ("https://adfs.contoso.example/adfs/oauth2/token", True),
        ("https://idp.example/tenant/oauth2/v2.0/token/", True),
        ("https://auth.login.example/realms/x/protocol/openid-connect/token", True),
        ("https://oauth.example/token", True),
        ("https://sts.amazonaws.com/?Action=AssumeRole", True),
        ("https://sts.us-east-1.amazonaws.com/", True),
        ("https://vpce-1.sts.us-west-2.vpce.amazonaws.com/", True),
        ("https://oidc.eu-west-1.amazonaws.com/token", True),
        ("https://portal.sso.us-east-1.amazonaws.com/federation/credentials", True),
        ("https://graph.microsoft.com/v1.0/me", False),
        ("https://graph.microsoft.com/beta/servicePrincipals/x/synchronization/jobs", False),
        ("https://kendra.us-east-1.amazonaws.com/", False),
        ("https://api.example/token", False),  # /token on a host that names no provider
        ("https://example.test/login/page", False),
        ("http://[broken/", False),
        ("not a url", False),
        ("", False),
    ],
)
def test_identity_provider_urls(url: str, provider: bool) -> None:
    assert identity_provider(url) is provider


def test_no_url_glob_lets_a_token_response_through() -> None:
    token = entry(url="https://login.microsoftonline.com/common/oauth2/token", body="{}")
    data = har(token, entry())
    assert reasons(data, urls=("*",)) == [TOKEN_RESPONSE, "body"]
    assert reasons(data, urls=("https://login.microsoftonline.com/*",)) == [
        TOKEN_RESPONSE,
        URL_NOT_MATCHED,
    ]


# --- 2. --url -------------------------------------------------------------------------------------


def test_url_globs_select_entries_and_any_of_several_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = har(
        entry(url="https://kendra.us-east-1.amazonaws.com/"),
        entry(url="https://kendra.eu-west-1.amazonaws.com/?q=a"),
        entry(url="https://example.test/jobs?$top=1"),
        entry(url="https://example.test/other"),
    )
    assert reasons(data, urls=("https://kendra.*",)) == ["body", "body"] + [URL_NOT_MATCHED] * 2
    assert reasons(data, urls=("*/jobs[?]*", "*us-east-1*")) == [
        "body",
        URL_NOT_MATCHED,
        "body",
        URL_NOT_MATCHED,
    ]
    # '*' matches across '/', and a glob matches the whole URL, not a part of it.
    assert reasons(data, urls=("https://*/other",)) == [URL_NOT_MATCHED] * 3 + ["body"]
    assert reasons(data, urls=("example.test",)) == [URL_NOT_MATCHED] * 4
    path = tmp_path / "t.har"
    path.write_bytes(data)
    code, out, _ = run(capsys, path, "--url", "https://kendra.*", "--url", "*/other")
    assert out.splitlines()[-1] == (
        "1 file, 3 documents: all conform; 1 entry skipped (1 URL not matched)"
    )
    assert code == 0


def test_url_globs_match_the_url_as_recorded_and_never_print_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A query secret is matched (before redaction) and redacted wherever the URL is shown."""
    secret = "s3cr3t-sig-value"
    url = f"https://example.test/jobs?sig={secret}&x=1"
    path = tmp_path / "t.har"
    path.write_bytes(har(entry(url=url), entry(url="https://example.test/jobs?x=1")))
    assert reasons(path.read_bytes(), urls=(f"*sig={secret}*",)) == ["body", URL_NOT_MATCHED]
    for fmt in FORMATS:
        _, out, err = run(capsys, path, "--url", "*sig=*", fmt=fmt)
        assert secret not in out + err


def test_url_globs_do_not_touch_plain_json_and_ndjson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "job.json").write_text(json.dumps(JOB))
    (tmp_path / "jobs.ndjson").write_text(json.dumps(JOB) + "\n" + json.dumps(JOB) + "\n")
    code, out, _ = run(capsys, tmp_path, "--url", "https://nothing.example/*")
    assert out.splitlines()[-1] == "2 files, 3 documents: all conform"
    assert code == 0


def test_a_url_filter_is_linear_in_the_url() -> None:
    matches = url_matcher(["*a*a*a*a*a*a*b", "https://*/x*y*z"])
    assert matches is not None
    for size in (10_000, 1_000_000):
        start = time.perf_counter()
        assert not matches("a" * size)
        elapsed = time.perf_counter() - start
    assert elapsed < 1.0


# --- 3. the browser session, end to end -----------------------------------------------------------


def test_the_committed_session_is_what_the_generator_writes() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == text()
    assert COMMITTED.stat().st_size < 20 * 1024


def test_the_session_without_url_fails_on_me_alone(
    session_har: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, session_har)
    lines = out.splitlines()
    assert [line.split()[0] for line in lines if line.startswith(("ok", "FAIL"))] == [
        "FAIL",
        "ok",
        "ok",
        "ok",
    ]
    assert "request: GET https://graph.microsoft.com/v1.0/me -> 200" in out
    assert "unselected" in out
    assert lines[-1] == (
        "1 file, 4 documents: 1 unselected; 10 entries skipped (5 not JSON, 2 preflight,"
        " 1 identity-provider token response, 1 no body, 1 redirect)"
    )
    assert sum(SKIPPED.values()) + SKIPPED_TOKEN == 10
    assert code == 1


def test_the_session_with_url_picks_the_sync_jobs_and_passes(
    session_har: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, session_har, "--url", SYNC_JOBS)
    assert out.splitlines() == [
        f"== {session_har}",
        f"ok    {session_har} entry 12  [graph.synchronizationJobCollection]",
        f"ok    {session_har} entry 13  [graph.synchronizationJob]",
        f"ok    {session_har} entry 14  [graph.synchronizationJob]",
        "1 file, 3 documents: all conform; 11 entries skipped (9 URL not matched,"
        " 1 identity-provider token response, 1 preflight)",
    ]
    assert code == 0


def test_a_session_whose_graph_calls_are_sync_jobs_passes_without_url(
    session_har: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pages, scripts, preflights, redirects and the sign-in call need no --url: a session
    whose Graph responses are conforming sync jobs exits 0 as recorded."""
    har = json.loads(session_har.read_text(encoding="utf-8"))
    entries = har["log"]["entries"]
    har["log"]["entries"] = [
        e
        for e in entries
        if not (e["request"]["method"] == "GET" and e["request"]["url"].endswith("/me"))
    ]
    assert len(har["log"]["entries"]) == len(entries) - 1
    path = tmp_path / "session-without-me.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    code, out, _ = run(capsys, path)
    assert out.splitlines()[-1].startswith("1 file, 3 documents: all conform; 10 entries skipped")
    assert code == 0


def test_a_recording_with_nothing_but_skipped_entries_validates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Skipped entries are no documents: a run with none to validate is an empty run, exit 2
    unless --allow-empty (a --url glob that matches nothing is a mistake, not a pass)."""
    path = tmp_path / "t.har"
    path.write_bytes(har(entry(mime="text/html", body="<p>"), entry(method="OPTIONS")))
    summary = (
        "1 file, 0 documents: nothing to validate; 2 entries skipped (1 not JSON, 1 preflight)\n"
    )
    code, out, err = run(capsys, path)
    assert out == summary
    assert "nothing to validate" in err
    assert code == 2
    code, out, _ = run(capsys, path, "--allow-empty")
    assert out == summary
    assert code == 0
    code, _, _ = run(capsys, session_path(tmp_path), "--url", "https://graph.microsoft.com/v2/*")
    assert code == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("urls", [(), ("--url", SYNC_JOBS), ("--url", "*")])
def test_no_part_of_a_token_is_in_any_output(
    session_har: Path, capsys: pytest.CaptureFixture[str], fmt: str, urls: tuple[str, ...]
) -> None:
    _, out, err = run(capsys, session_har, *urls, "--explain-selection", fmt=fmt)
    for part in TOKEN_PARTS:
        assert part not in out + err


def test_the_json_report_lists_skipped_entries_and_keeps_to_its_schema(
    session_har: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, session_har, fmt="json")
    report = json.loads(out)
    jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA.read_text("utf-8"))).validate(report)
    results = report["results"]
    assert len(results) == 14
    skipped = [(r["location"]["entry"], r["skipped"]) for r in results if r["skipped"]]
    assert skipped == [
        (1, "redirect"),
        (2, "not JSON (text/html)"),
        (3, "not JSON (application/javascript)"),
        (4, "not JSON (text/css)"),
        (5, "not JSON (font/woff2)"),
        (6, "not JSON (image/png)"),
        (7, "identity-provider token response"),
        (8, "no body"),
        (9, "preflight"),
        (11, "preflight"),
    ]
    for result in results:
        if result["skipped"]:
            assert result["status"] == "skipped"
            assert result["findings"] == []
            assert result["schema"] is None
            assert result["documents"] == 0
    assert report["summary"]["documents"] == 4
    assert report["summary"]["skipped"]["not JSON (text/html)"] == 1
    assert sum(report["summary"]["skipped"].values()) == 10
    assert report["summary"]["exit_code"] == code == 1


def test_junit_marks_skipped_entries_skipped_and_sarif_and_github_leave_them_out(
    session_har: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, session_har, "--url", SYNC_JOBS, fmt="junit")
    root = ET.fromstring(out)
    assert (root.get("tests"), root.get("skipped"), root.get("failures"), root.get("errors")) == (
        "14",
        "11",
        "0",
        "0",
    )
    reasons_seen = {e.get("message") for e in root.iter("skipped")}
    assert reasons_seen == {URL_NOT_MATCHED, TOKEN_RESPONSE, PREFLIGHT}
    assert code == 0
    code, out, _ = run(capsys, session_har, "--url", SYNC_JOBS, fmt="sarif")
    sarif = json.loads(out)["runs"][0]
    assert sarif["results"] == []
    assert sum(sarif["properties"]["skipped"].values()) == 11
    assert code == 0
    code, out, _ = run(capsys, session_har, "--url", SYNC_JOBS, fmt="github")
    assert not out.startswith("::")
    assert out.splitlines()[-1].endswith(
        "11 entries skipped (9 URL not matched, 1 identity-provider token response, 1 preflight)"
    )
    assert code == 0


def test_a_skipped_result_survives_the_plugin_codec() -> None:
    result = Result(
        Location("s.har", entry=3, entry_kind="entry"),
        None,
        origin=Origin("GET", "https://x.example/", 200),
        skipped="not JSON (text/css)",
    )
    back = decode(json.loads(json.dumps(encode(result))))
    assert back.skipped == "not JSON (text/css)"
    legacy = encode(result)
    del legacy["skipped"]
    assert decode(legacy).skipped is None


def test_the_plugin_collects_no_item_for_a_skipped_entry(pytester: pytest.Pytester) -> None:
    fixtures = pytester.mkdir("fixtures")
    (fixtures / "session.har").write_text(text(), encoding="utf-8")
    result = pytester.runpytest("--conformance-fixtures", "fixtures")
    # The sync jobs pass, /me fails (unselected); the ten skipped entries are no tests.
    result.assert_outcomes(passed=3, failed=1)


# --- 4. cassettes ---------------------------------------------------------------------------------


def interaction(
    method: str, uri: str, code: int, content_type: str | None, body: str
) -> dict[str, Any]:
    headers = {"Content-Type": [content_type]} if content_type else {}
    return {
        "request": {"method": method, "uri": uri, "headers": {}, "body": None},
        "response": {
            "status": {"code": code, "message": ""},
            "headers": headers,
            "body": {"string": body},
        },
    }


CASSETTE = [
    interaction("GET", "https://app.example/", 200, "text/html; charset=utf-8", "<html>"),
    interaction("OPTIONS", KENDRA, 200, None, ""),
    interaction("POST", KENDRA, 204, None, ""),
    interaction("GET", "https://app.example/old", 302, "text/html", "moved"),
    interaction(
        "POST", "https://login.microsoftonline.com/t/oauth2/token", 200, "application/json",
        json.dumps(TOKEN_BODY),
    ),
    interaction(
        "POST", "https://api.example/refresh", 200, "application/json", json.dumps(TOKEN_BODY),
    ),
    interaction("POST", KENDRA, 200, "application/x-amz-json-1.1", json.dumps(JOB)),
]  # fmt: skip


@pytest.mark.parametrize("as_yaml", [True, False])
def test_cassettes_skip_the_same_way(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], as_yaml: bool
) -> None:
    document = {"interactions": CASSETTE, "version": 1}
    text = json.dumps(document)
    path = tmp_path / ("c.yaml" if as_yaml else "c.json")
    path.write_text("# cassette\n" + text if as_yaml else text)
    assert reasons(path.read_bytes(), path.name) == [
        "not JSON (text/html)",
        PREFLIGHT,
        NO_BODY,
        REDIRECT,
        TOKEN_RESPONSE,
        TOKEN_RESPONSE,
        "body",
    ]
    assert reasons(path.read_bytes(), path.name, urls=("https://app.example/*",)) == [
        "not JSON (text/html)",
        URL_NOT_MATCHED,
        URL_NOT_MATCHED,
        REDIRECT,
        TOKEN_RESPONSE,
        URL_NOT_MATCHED,
        URL_NOT_MATCHED,
    ]
    code, out, err = run(capsys, path)
    assert out.splitlines()[-1] == (
        "1 file, 1 document: all conform; 6 interactions skipped (2 identity-provider token"
        " response, 1 no body, 1 not JSON, 1 preflight, 1 redirect)"
    )
    assert code == 0
    for fmt in FORMATS:
        _, out, err = run(capsys, path, fmt=fmt)
        assert ACCESS_TOKEN not in out + err


# --- 5. arbitrary input ---------------------------------------------------------------------------

# The reasons a skip may give: fixed words, or "not JSON (...)" naming a type of a fixed list.
_FIXED = {PREFLIGHT, NO_BODY, REDIRECT, TOKEN_RESPONSE, URL_NOT_MATCHED}


def _known_reason(reason: str) -> bool:
    if reason in _FIXED:
        return True
    assert reason.startswith("not JSON (")
    assert reason.endswith(")")
    from conformance.recordings import _FAMILIES, _NAMED_TYPES

    inner = reason[len("not JSON (") : -1]
    return inner in _NAMED_TYPES or inner == "unknown type" or inner[:-2] in _FAMILIES


texts = st.text(st.characters(codec="utf-8"), max_size=30)
urls = st.one_of(
    texts,
    st.builds(
        "{}://{}/{}".format,
        st.sampled_from(["https", "http", "HTTPS", ""]),
        st.sampled_from(
            ["graph.microsoft.com", "login.microsoftonline.com", "sts.amazonaws.com", "[::1]", "["]
        )
        | texts,
        texts,
    ),
)
globs = st.lists(
    st.text(st.sampled_from("*?[]!/:.ahgs-\\^$()|+{}"), max_size=12) | texts, max_size=3
)


@settings(max_examples=300, deadline=None)
@given(globs=globs, url=urls)
def test_the_url_filter_is_fnmatch_and_never_raises(globs: list[str], url: str) -> None:
    matches = url_matcher(globs)
    if not globs:
        assert matches is None
        return
    assert matches is not None
    assert matches(url) == any(fnmatch.fnmatchcase(url, glob) for glob in globs)


@settings(max_examples=300, deadline=None)
@given(
    method=st.none() | st.sampled_from(["GET", "OPTIONS", "options", "POST"]) | texts,
    url=st.none() | urls,
    status=st.none() | st.integers(0, 999),
    mime=st.sampled_from(
        ["", "x-unknown", "application/json", "text/html", "image/png", "font/woff2"]
    )
    | texts,
    globs=globs,
)
def test_triage_of_any_metadata_gives_a_known_reason_or_none(
    method: str | None, url: str | None, status: int | None, mime: str, globs: list[str]
) -> None:
    reason = Triage(globs).before_body(method, url, status, mime)
    if reason is not None:
        # Fixed words, or a type of a fixed list: a recorded value is never quoted.
        assert _known_reason(reason)
    if url is not None and identity_provider(url):
        assert reason == TOKEN_RESPONSE
    if reason is None:
        assert not_json(mime) is None


har_entries = st.fixed_dictionaries(
    {
        "request": st.fixed_dictionaries(
            {"method": st.sampled_from(["GET", "OPTIONS", "POST"]), "url": urls}
        ),
        "response": st.fixed_dictionaries(
            {
                "status": st.sampled_from([0, 200, 204, 301, 302, 304, 404, 500]),
                "content": st.fixed_dictionaries(
                    {},
                    optional={
                        "mimeType": st.sampled_from(
                            ["application/json", "text/html", "image/png", "x-unknown", ""]
                        )
                        | texts,
                        "text": st.sampled_from(
                            [json.dumps(JOB), "<html>", "", json.dumps(TOKEN_BODY), "iVBORw=="]
                        )
                        | texts,
                        "encoding": st.sampled_from(["base64", ""]),
                    },
                ),
            }
        ),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(har_entries, max_size=5), globs=globs)
def test_any_browser_like_entry_is_one_item_and_no_token_passes(
    entries: list[Any], globs: list[str]
) -> None:
    found = items(json.dumps({"log": {"entries": entries}}).encode(), urls=tuple(globs))
    numbered = [item.location.entry for item in found if item.location.entry is not None]
    assert numbered == list(range(1, len(entries) + 1))
    for item in found:
        if isinstance(item, Skipped):
            assert _known_reason(item.reason)
        elif isinstance(item, Body):
            assert ACCESS_TOKEN not in str(item.text)


def test_the_session_s_entries_are_all_accounted_for() -> None:
    entries = session()["log"]["entries"]
    found = items(text().encode(), urls=(f"{JOBS}*",))
    assert len(found) == len(entries)
    assert sum(isinstance(item, Body) for item in found) == 3


def test_options_urls_reach_the_readers_through_the_pipeline(session_har: Path) -> None:
    results = list(Pipeline(Options(urls=(SYNC_JOBS,))).run([str(session_har)]))
    assert [r.schema for r in results if r.skipped is None] == [
        "graph.synchronizationJobCollection",
        "graph.synchronizationJob",
        "graph.synchronizationJob",
    ]
    assert all(r.conforms for r in results)
