"""Inputs, envelopes, selection and bad input, through the same pipeline every front-end uses."""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.config import load_config
from conformance.findings import Result
from conformance.pipeline import Options, Pipeline

JOB: dict[str, Any] = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
BAD_JOB = {
    **JOB,
    "ExecutionId": "e-failed",
    "Status": "FAILED",
    "ErrorCode": "InternalError",
    "ErrorMessage": "disk\tfull",
}
PAGE = {"History": [JOB, BAD_JOB], "NextToken": "next"}
STATUS = {"code": "Active", "lastExecution": {"timeBegan": "2017-07-19T25:00:00Z"}}
GRAPH_JOB = {"id": "j1", "templateId": "AWSEC2", "status": STATUS}
COLLECTION = {
    "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals('1')/synchronization/jobs",
    "value": [GRAPH_JOB],
    "@odata.nextLink": "https://graph.microsoft.com/beta/servicePrincipals/1/synchronization/jobs?$skiptoken=x",
}
SECRETS = (
    "Bearer eyJ0eXAiOiJKV1Qi",
    "FwoGZXIvYXdzEBYaDSECRET",
    "AKIDEXAMPLE/20240101",
    "sess=abc123",
)


def _run(paths: list[Path | str], **options: Any) -> list[Result]:
    return list(Pipeline(Options(**options)).run([str(p) for p in paths]))


def _found(result: Result) -> list[tuple[str, str]]:
    return [(f.kind, f.pointer) for f in result.findings]


def _har_entry(
    body: str | bytes,
    *,
    url: str,
    headers: list[dict[str, str]] | None = None,
    status: int = 200,
    mime: str = "application/json",
    encoding: str | None = None,
    response_headers: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    content: dict[str, Any] = {"mimeType": mime, "text": body}
    if encoding:
        content["encoding"] = encoding
    return {
        "request": {
            "method": "POST" if "amazonaws" in url else "GET",
            "url": url,
            "headers": headers or [],
        },
        "response": {"status": status, "headers": response_headers or [], "content": content},
    }


def _har(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return path


KENDRA_URL = "https://kendra.us-east-1.amazonaws.com/"
KENDRA_HEADERS = [
    {"name": "X-Amz-Target", "value": "AWSKendraFrontendService.ListDataSourceSyncJobs"},
    {"name": "Authorization", "value": f"AWS4-HMAC-SHA256 Credential={SECRETS[2]}, Signature=abc"},
    {"name": "X-Amz-Security-Token", "value": SECRETS[1]},
]
GRAPH_URL = "https://graph.microsoft.com/beta/servicePrincipals/1/synchronization/jobs"


# --- NDJSON ---------------------------------------------------------------------------------------


def test_ndjson_one_document_a_line_with_line_numbers(tmp_path: Path) -> None:
    """Each non-blank line is a document located by its line; bad lines do not stop the rest."""
    path = tmp_path / "pages.jsonl"
    lines = [json.dumps(PAGE), "", json.dumps({"History": [JOB]}), "{broken", json.dumps(BAD_JOB)]
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"Status": "\xff"}\n')
    results = _run([path])
    assert [r.location.line for r in results] == [1, 3, 4, 5, 6]
    assert _found(results[0]) == [("violation", "/History/1/ErrorMessage")]
    assert results[0].findings[0].location.within == "/History/1"
    assert results[0].findings[0].schema == "kendra.DataSourceSyncJob"
    assert results[0].findings[0].location.line == 1
    assert results[0].resources == 2
    assert results[1].conforms
    assert results[2].findings[0].kind == "unreadable"
    assert results[3].schema == "kendra.DataSourceSyncJob"
    assert "not UTF-8" in results[4].findings[0].message


def test_a_run_of_ndjson_lines_keeps_its_schema_only_where_selection_would_agree(
    tmp_path: Path,
) -> None:
    """Conforming lines of one kind are counted in runs without selecting each one again; a
    line that conforms to the run's schema but that selection would place elsewhere (or
    nowhere) is still selected on its own, exactly as if it stood alone."""
    status = {"code": "Active", "escrowsPruned": False, "countSuccessiveCompleteFailures": 0}
    lines = [
        status,
        status,
        {"code": "Active"},  # fits graph.synchronizationError as well: ambiguous
        {},  # no properties: fits everything
        {**status, "@odata.type": "#microsoft.graph.synchronizationStatus"},
        status,
        {"error": {"code": "Throttled", "message": "slow down"}},
    ]
    path = tmp_path / "statuses.ndjson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    results = _run([path])
    assert [(r.location.line, r.location.last_line) for r in results] == [
        (1, 2),
        (3, None),
        (4, None),
        (5, 5),
        (6, 6),
        (7, None),
    ]
    assert [r.schema for r in results] == [
        "graph.synchronizationStatus",
        None,
        None,
        "graph.synchronizationStatus",
        "graph.synchronizationStatus",
        None,
    ]
    assert [f.kind for r in results for f in r.findings] == [
        "unselected",
        "unselected",
        "error-response",
    ]
    assert "@odata.type" in (results[3].selection or "")
    assert results[0].documents == 2


def test_a_forced_schema_keeps_a_run_whatever_the_shape(tmp_path: Path) -> None:
    path = tmp_path / "statuses.ndjson"
    path.write_text('{"code": "Active", "escrowsPruned": false}\n{"code": "Paused"}\n{}\n')
    [run] = _run([path], schema="graph.synchronizationStatus")
    assert (run.location.line, run.location.last_line, run.documents) == (1, 3, 3)
    assert run.findings == ()


# --- HAR ------------------------------------------------------------------------------------------


def test_har_entries_with_base64_gzip_and_selection_by_request(tmp_path: Path) -> None:
    """HAR bodies (plain, base64, gzip) are validated per entry; the request selects the schema."""
    packed = base64.b64encode(gzip.compress(json.dumps(PAGE).encode())).decode()
    path = _har(
        tmp_path,
        _har_entry(
            json.dumps({k: v for k, v in COLLECTION.items() if k != "@odata.context"}),
            url=GRAPH_URL,
        ),
        _har_entry(
            packed,
            url=KENDRA_URL,
            headers=KENDRA_HEADERS,
            encoding="base64",
            mime="application/x-amz-json-1.1",
            response_headers=[{"name": "Content-Encoding", "value": "gzip"}],
        ),
    )
    graph, kendra = _run(
        [path],
    )
    assert graph.schema == "graph.synchronizationJobCollection"
    assert "request GET" in (graph.selection or "")
    assert _found(graph) == [("violation", "/value/0/status/lastExecution/timeBegan")]
    assert graph.findings[0].location.within == "/value/0/status"
    assert graph.findings[0].schema == "graph.synchronizationStatus"
    assert (graph.location.entry, graph.location.entry_kind) == (1, "entry")
    assert kendra.schema == "kendra.ListDataSourceSyncJobsResponse"
    assert "X-Amz-Target" in (kendra.selection or "")
    assert _found(kendra) == [("violation", "/History/1/ErrorMessage")]


def test_har_error_bodies_and_non_json_bodies(tmp_path: Path) -> None:
    """Error bodies are error responses, not violations; an HTML body is unreadable; no crash."""
    path = _har(
        tmp_path,
        _har_entry(
            json.dumps({"error": {"code": "TooManyRequests", "message": "Slow down"}}),
            url=GRAPH_URL,
            status=429,
        ),
        _har_entry(
            json.dumps({"__type": "com.amazon#ThrottlingException", "message": "Rate exceeded"}),
            url=KENDRA_URL,
            headers=KENDRA_HEADERS,
            status=400,
        ),
        _har_entry("<html>oops</html>", url=GRAPH_URL, mime="text/html"),
        _har_entry(
            json.dumps(JOB),
            url=KENDRA_URL,
            headers=KENDRA_HEADERS,
            mime="application/x-amz-json-1.1",
        ),
    )
    graph_error, kendra_error, html, _ = _run([path])
    assert _found(graph_error) == [("error-response", "")]
    assert "HTTP 429: Graph error TooManyRequests: Slow down" in graph_error.findings[0].message
    assert "AWS error ThrottlingException: Rate exceeded" in kendra_error.findings[0].message
    assert graph_error.conforms
    # An HTML page is no API response: skipped, not unreadable (see test_browser_har).
    assert html.skipped == "not JSON (text/html)"
    assert html.findings == ()


def test_bodies_that_expand_past_the_limit_are_refused(tmp_path: Path) -> None:
    """A gzip bomb and an oversized base64 body are refused, not inflated."""
    bomb = base64.b64encode(gzip.compress(b"[" + b" " * (8 * 1024 * 1024) + b"]")).decode()
    path = _har(
        tmp_path,
        _har_entry(
            bomb,
            url=GRAPH_URL,
            encoding="base64",
            response_headers=[{"name": "Content-Encoding", "value": "gzip"}],
        ),
        _har_entry(base64.b64encode(b"{}" * 70_000).decode(), url=GRAPH_URL, encoding="base64"),
    )
    bomb_result, big = _run([path], max_body=64 * 1024)
    assert "expands past the limit of 65536 bytes; refused" in bomb_result.findings[0].message
    assert "larger than the limit" in big.findings[0].message


def test_a_har_that_is_not_json_is_unreadable(tmp_path: Path) -> None:
    """A truncated HAR yields the entries before the damage and an unreadable finding."""
    path = tmp_path / "cut.har"
    whole = json.dumps({"log": {"entries": [_har_entry(json.dumps(JOB), url=KENDRA_URL)] * 2}})
    path.write_text(whole[: len(whole) - 40])
    results = _run([path])
    assert results[0].schema == "kendra.DataSourceSyncJob"
    assert results[-1].findings[0].kind == "unreadable"
    assert "HAR file is not valid JSON" in results[-1].findings[0].message


# --- Cassettes ------------------------------------------------------------------------------------


def test_vcrpy_yaml_cassette_with_gzip_binary_body(tmp_path: Path) -> None:
    """vcrpy / pytest-recording YAML cassettes, including gzip !!binary bodies, are read."""
    packed = base64.b64encode(gzip.compress(json.dumps(GRAPH_JOB).encode())).decode()
    path = tmp_path / "test_jobs.yaml"
    path.write_text(
        "interactions:\n"
        "- request:\n"
        "    body: null\n"
        "    headers:\n"
        f"      Authorization: [{SECRETS[0]}]\n"
        "    method: GET\n"
        f"    uri: {GRAPH_URL}/j1\n"
        "  response:\n"
        f"    body: {{string: !!binary {packed}}}\n"
        "    headers: {Content-Encoding: [gzip], Content-Type: [application/json]}\n"
        "    status: {code: 200, message: OK}\n"
        "version: 1\n"
    )
    [result] = _run([path])
    assert result.schema == "graph.synchronizationJob"
    assert (result.location.entry, result.location.entry_kind) == (1, "interaction")
    assert _found(result) == [("violation", "/status/lastExecution/timeBegan")]
    assert result.origin is not None
    assert result.origin.header("Authorization") == "<redacted>"


def test_json_and_schemathesis_cassettes(tmp_path: Path) -> None:
    """JSON cassettes (vcrpy) and schemathesis's http_interactions variant are read too."""
    vcr = tmp_path / "vcr.json"
    vcr.write_text(
        json.dumps(
            {
                "interactions": [
                    {
                        "request": {
                            "method": "POST",
                            "uri": KENDRA_URL,
                            "headers": {
                                "X-Amz-Target": ["AWSKendraFrontendService.ListDataSourceSyncJobs"]
                            },
                        },
                        "response": {
                            "status": {"code": 200},
                            "headers": {},
                            "body": {"string": json.dumps(PAGE)},
                        },
                    }
                ],
                "version": 1,
            }
        )
    )
    st = tmp_path / "st.yaml"
    encoded = base64.b64encode(json.dumps(GRAPH_JOB).encode()).decode()
    st.write_text(
        "http_interactions:\n"
        f"- request: {{method: GET, uri: '{GRAPH_URL}/j1', headers: {{}}}}\n"
        "  response:\n"
        "    status: {code: '200', message: OK}\n"
        f"    body: {{encoding: utf-8, base64_string: '{encoded}'}}\n"
    )
    [page], [job] = _run([vcr]), _run([st])
    assert page.schema == "kendra.ListDataSourceSyncJobsResponse"
    assert job.schema == "graph.synchronizationJob"
    assert job.origin is not None
    assert job.origin.status == 200


def test_yaml_tags_that_construct_objects_are_refused(tmp_path: Path) -> None:
    """A cassette with a python/object tag is unreadable (safe loading), never executed."""
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(
        "interactions:\n- response:\n    body: !!python/object/apply:os.system "
        f"['touch {marker}']\nversion: 1\n"
    )
    [result] = _run([path])
    assert "safe loading" in result.findings[0].message
    assert "line 3" in result.findings[0].message
    assert not marker.exists()


# --- Files, folders, stdin, bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty file"),
        (b"\xef\xbb\xbf" + json.dumps(JOB).encode(), None),  # a BOM is tolerated
        (b'{"Status": "\xff\xfe"}', "not UTF-8"),
        (b'{"StartTime": NaN}', "NaN is not a JSON number"),
        (b'{"StartTime": Infinity}', "Infinity is not a JSON number"),
        (b'{"Status": "FAILED", "Status": 1}', "duplicate key 'Status'"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"StartTime": ' + b"7" * 5000 + b"}", "more digits"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b'{\n  "Status": "FAILED",\n  "ExecutionId": \n}', "not valid JSON"),
    ],
    ids=[
        "empty",
        "bom",
        "invalid-utf8",
        "nan",
        "infinity",
        "duplicate-keys",
        "deep",
        "huge-int",
        "binary",
        "malformed",
    ],
)
def test_bad_files_get_a_clear_finding(tmp_path: Path, content: bytes, words: str | None) -> None:
    """Each kind of bad input is a finding with a plain message; nothing raises."""
    path = tmp_path / "doc.json"
    path.write_bytes(content)
    [result] = _run([path], schema="kendra.DataSourceSyncJob")
    if words is None:
        assert result.conforms
        return
    assert [f.kind for f in result.findings] == ["unreadable"]
    assert words in result.findings[0].message


def test_malformed_json_and_duplicates_are_located(tmp_path: Path) -> None:
    """Malformed JSON and duplicate keys carry line and column."""
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "Status": "FAILED",\n  "ExecutionId": \n}')
    dup = tmp_path / "dup.json"
    dup.write_text('{\n  "Status": "FAILED",\n  "Status": "SUCCEEDED"\n}')
    [broken], [duplicated] = _run([bad]), _run([dup])
    assert (broken.findings[0].location.line, broken.findings[0].location.column) == (4, 1)
    assert duplicated.findings[0].pointer == "/Status"
    assert (duplicated.findings[0].location.line, duplicated.findings[0].location.column) == (3, 3)


def test_duplicate_keys_in_ndjson_are_opt_in(tmp_path: Path) -> None:
    """Bulk NDJSON skips the duplicate-key check unless asked (speed); files check by default."""
    path = tmp_path / "dup.ndjson"
    path.write_text('{"Status": "FAILED", "Status": "SUCCEEDED"}\n')
    [fast] = _run([path], schema="kendra.DataSourceSyncJob")
    [checked] = _run([path], schema="kendra.DataSourceSyncJob", check_duplicates=True)
    assert fast.conforms
    assert checked.findings[0].kind == "unreadable"


def test_folders_recursive_with_include_and_exclude(tmp_path: Path) -> None:
    """Folders are walked recursively in order; include and exclude globs filter the files."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.json").write_text(json.dumps(JOB))
    (tmp_path / "a" / "b" / "two.json").write_text(json.dumps(JOB))
    (tmp_path / "a" / "b" / "skip.json").write_text("{broken")
    (tmp_path / "a" / "notes.txt").write_text("not json")
    results = _run([tmp_path / "a"], exclude=("skip*",))
    assert [Path(r.location.source).name for r in results] == ["one.json", "two.json"]
    only = _run([tmp_path / "a"], include=("one.*",))
    assert [Path(r.location.source).name for r in only] == ["one.json"]


def test_missing_path_and_unreadable_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing path and a folder that cannot be listed are findings; the run goes on."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps(JOB))
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    missing, denied, ok = _run([tmp_path / "missing.json", locked, good])
    assert "no such file" in missing.findings[0].message
    assert "permission denied" in denied.findings[0].message
    assert ok.conforms


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`-` reads a document from stdin and sniffs its format."""
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(PAGE).encode()))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["validate", "-"]) == 1
    assert "<stdin>" in capsys.readouterr().out


# --- Selection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "schema", "reason"),
    [
        (
            {"@odata.type": "#microsoft.graph.synchronizationProgress", "totalUnits": 1},
            "graph.synchronizationProgress",
            "@odata.type",
        ),
        (COLLECTION, "graph.synchronizationJobCollection", "@odata.context"),
        (
            {
                "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals('1')/synchronization/jobs/$entity",
                **GRAPH_JOB,
            },
            "graph.synchronizationJob",
            "@odata.context",
        ),
        (PAGE, "kendra.ListDataSourceSyncJobsResponse", "shape"),
        (JOB, "kendra.DataSourceSyncJob", "shape"),
        (
            {"currentBegan": "2017-07-19T12:35:27Z", "seriesCount": 6},
            "graph.synchronizationQuarantine",
            "shape",
        ),
    ],
    ids=[
        "odata-type",
        "odata-context-collection",
        "odata-context-entity",
        "kendra-page",
        "kendra-job",
        "quarantine",
    ],
)
def test_selection_rules(tmp_path: Path, doc: dict[str, Any], schema: str, reason: str) -> None:
    """Annotations, then shape, choose the schema; the reason says which rule did."""
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    [result] = _run([path])
    assert result.schema == schema
    assert reason in (result.selection or "")


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({}, "no properties"),
        ({"state": "Succeeded"}, "equally; pass --schema"),
        ({"colour": "red"}, "no schema declares"),
        ({"@odata.type": "#microsoft.graph.user"}, "names a type no schema describes"),
        ([1, 2], "is an array"),
    ],
    ids=["empty", "ambiguous", "unknown-shape", "unknown-odata-type", "array"],
)
def test_undetectable_or_ambiguous_documents_are_findings(
    tmp_path: Path, doc: Any, words: str
) -> None:
    """Documents no rule places get an `unselected` finding that says why, never a guess."""
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    [result] = _run([path])
    assert result.schema is None
    assert [f.kind for f in result.findings] == ["unselected"]
    assert words in result.findings[0].message
    assert not result.conforms


def test_pyproject_globs_choose_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """[tool.conformance.schemas] maps globs to schemas; --explain-selection says so."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance.schemas]\n"fixtures/**/*.json" = "graph.synchronizationQuarantine"\n'
    )
    (tmp_path / "fixtures" / "q").mkdir(parents=True)
    (tmp_path / "fixtures" / "q" / "one.json").write_text(json.dumps({"seriesCount": "six"}))
    config = load_config(tmp_path / "pyproject.toml")
    [result] = _run([tmp_path / "fixtures"], config=config)
    assert result.schema == "graph.synchronizationQuarantine"
    assert "fixtures/**/*.json" in (result.selection or "")
    assert _found(result) == [("violation", "/seriesCount")]
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "fixtures", "--explain-selection"]) == 1
    assert "fixtures/**/*.json" in capsys.readouterr().out


def test_config_naming_an_unknown_schema_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt schema in pyproject.toml stops the run before reading, with a hint."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance.schemas]\n"*.json" = "kendra.Job"\n'
    )
    (tmp_path / "a.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "a.json"]) == 2
    assert "no schema named 'kendra.Job'" in capsys.readouterr().err


# --- Secrets --------------------------------------------------------------------------------------


def test_secrets_never_reach_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Authorization, security tokens, cookies and SigV4 query signatures are redacted."""
    signed = (
        f"{KENDRA_URL}?X-Amz-Signature=abcdef&X-Amz-Credential={SECRETS[2]}"
        f"&X-Amz-Security-Token={SECRETS[1]}"
    )
    headers = [*KENDRA_HEADERS, {"name": "Cookie", "value": SECRETS[3]}]
    path = _har(tmp_path, _har_entry(json.dumps(PAGE), url=signed, headers=headers))
    [result] = _run([path])
    assert result.origin is not None
    flat = repr(result)
    for secret in (*SECRETS, "abcdef"):
        assert secret not in flat
    for fmt in ("text", "json", "junit", "sarif", "github"):
        assert main(["validate", str(path), "--explain-selection", "--format", fmt]) == 1
        out = capsys.readouterr()
        for secret in (*SECRETS, "abcdef"):
            assert secret not in out.out + out.err, fmt
        assert "ErrorMessage" in out.out, fmt


def test_strict_makes_drift_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Drift exits 0 by default and 1 with --strict (or strict = true in pyproject.toml)."""
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**JOB, "Status": "QUEUED"}))
    assert main(["validate", str(path)]) == 0
    assert main(["validate", str(path), "--strict"]) == 1
    (tmp_path / "pyproject.toml").write_text("[tool.conformance]\nstrict = true\n")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "job.json"]) == 1
    capsys.readouterr()


def test_cli_jobs_on_ndjson(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--jobs 2` validates an NDJSON file with workers and reports the same findings."""
    path = tmp_path / "pages.ndjson"
    path.write_text(
        # A new execution a line: one execution SUCCEEDED after FAILED would break a rule.
        "\n".join(
            json.dumps(PAGE if i == 7 else {"History": [{**JOB, "ExecutionId": f"e{i}"}]})
            for i in range(50)
        )
    )
    assert main(["validate", str(path), "--jobs", "2", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    failing = [r for r in report["results"] if r["findings"]]
    assert [r["location"]["line"] for r in failing] == [8]
    assert report["summary"]["documents"] == 50
