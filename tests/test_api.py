"""The public API: ``conformance.check`` and ``check_paths``, as the CLI and the plugin use it."""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

import conformance
from conformance import CatalogError, Checker, Exchange, InputError, Options
from conformance.cli import main

ROOT = Path(__file__).parents[1]
JOB = {"ExecutionId": "a", "StartTime": 1.7e9, "Status": "SUCCEEDED"}
PAGE = {
    "History": [
        JOB,
        {**JOB, "ExecutionId": "b", "Status": "QUEUED", "Metrics": {"DocumentsAdded": "01"}},
    ]
}
GRAPH_URL = "https://graph.microsoft.com/beta/servicePrincipals/sp/synchronization/jobs/j1"
GRAPH_JOB = {"id": "j1", "templateId": "t", "status": {"code": "Active"}}


def _summary(result: conformance.Result) -> list[tuple[str, str, str, str]]:
    return [(f.kind, f.pointer, f.location.within, f.resource_pointer) for f in result.findings]


def test_check_takes_a_value_text_bytes_and_a_path(tmp_path: Path) -> None:
    """The same document gives the same findings in every form a user may hold it."""
    path = tmp_path / "page.json"
    path.write_text(json.dumps(PAGE), encoding="utf-8")
    forms: list[Any] = [PAGE, json.dumps(PAGE), json.dumps(PAGE).encode(), path]
    found = [_summary(conformance.check(form)) for form in forms]
    assert found[0] == [
        ("violation", "/History/1/Metrics/DocumentsAdded", "/History/1", "/Metrics/DocumentsAdded"),
        ("enum-drift", "/History/1/Status", "/History/1", "/Status"),
    ]
    assert all(f == found[0] for f in found)
    # A path's findings stand at their line and column in the file.
    assert all(f.location.line is not None for f in conformance.check(path).findings)


def test_check_places_findings_as_the_cli_reports_them(tmp_path: Path) -> None:
    """check_paths gives the findings the CLI's JSON report holds, pointer for pointer."""
    path = tmp_path / "page.json"
    path.write_text(json.dumps(PAGE, indent=1), encoding="utf-8")
    out = io.StringIO()
    main(["validate", str(path), "--format", "json"], out=out)
    reported = [
        (f["kind"], f["pointer"], f["location"]["within"], f["location"]["line"])
        for r in json.loads(out.getvalue())["results"]
        for f in r["findings"]
    ]
    [result] = list(conformance.check_paths([path]))
    assert reported == [
        (f.kind, f.pointer, f.location.within, f.location.line) for f in result.findings
    ]


def test_a_file_of_many_documents_is_for_check_paths(tmp_path: Path) -> None:
    """check() of an NDJSON file says to use check_paths, which reads every line."""
    path = tmp_path / "jobs.ndjson"
    path.write_text(f"{json.dumps(JOB)}\n{json.dumps(JOB)}\n{json.dumps(JOB)}\n", encoding="utf-8")
    with pytest.raises(InputError, match="check_paths"):
        conformance.check(path)
    with pytest.raises(InputError, match="is a folder"):
        conformance.check(tmp_path)
    [run] = list(conformance.check_paths([path]))
    assert run.documents == 3
    assert run.conforms


def test_check_takes_requests_and_httpx_responses() -> None:
    """A response object is checked by its body, with its request as the (redacted) origin."""
    body = json.dumps({**GRAPH_JOB, "status": {"code": "Active", "lastExecution": {"state": 7}}})

    sent = requests.Request("GET", GRAPH_URL, headers={"Authorization": "Bearer abc.def.ghi"})
    response = requests.Response()
    response.status_code = 200
    response._content = body.encode()
    response.headers["Content-Type"] = "application/json"
    response.request = sent.prepare()

    httpx_response = httpx.Response(
        200,
        content=body.encode(),
        headers={"Content-Type": "application/json"},
        request=httpx.Request("GET", GRAPH_URL, headers={"Authorization": "Bearer abc.def.ghi"}),
    )
    for received in (response, httpx_response):
        result = conformance.check(received, name="response 1")
        assert result.schema == "graph.synchronizationJob", result.selection
        assert [(f.kind, f.pointer) for f in result.findings] == [
            ("violation", "/status/lastExecution/state")
        ]
        assert result.origin is not None
        assert result.origin.url == GRAPH_URL
        assert "abc.def.ghi" not in repr(result)


def test_a_response_with_nothing_to_check_is_skipped_not_failed() -> None:
    """A redirect or a bodiless response holds no document: a result that says why."""

    def exchange(status: int, content: bytes, redirect: bool = False) -> Exchange:
        return Exchange("GET", GRAPH_URL, status, (), "", lambda: content, is_redirect=redirect)

    assert conformance.check(exchange(302, b"", redirect=True)).skipped == "redirect"
    assert conformance.check(exchange(204, b"")).skipped == "no body"
    html = Exchange("GET", GRAPH_URL, 200, (), "text/html", lambda: b"<html></html>")
    [finding] = conformance.check(html).findings
    assert finding.kind == "unreadable"


def test_a_boto3_response_is_converted_and_says_so() -> None:
    """datetime timestamps and ResponseMetadata, as boto3 returns them, are turned into the wire
    form; the result says the document was converted."""
    started = datetime.datetime(2026, 11, 20, 8, 15, 2, tzinfo=datetime.UTC)
    response = {
        "History": [{"ExecutionId": "a", "StartTime": started, "Status": "SUCCEEDED"}],
        "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200},
    }
    result = conformance.check(response)
    assert result.conforms, result.findings
    assert result.converted is not None
    assert "boto3" in result.converted


def test_a_checker_keeps_its_options_and_forces_schemas() -> None:
    """A checker forces a schema per call or per checker; an unknown name says which exist."""
    checker = Checker(Options(schema="kendra.DataSourceSyncJob"))
    assert checker.check({"Id": "not a job"}).schema == "kendra.DataSourceSyncJob"
    chosen = checker.for_schema(None).check(JOB)
    assert chosen.schema == "kendra.DataSourceSyncJob"
    assert chosen.selection is not None
    assert "shape" in chosen.selection
    assert checker.for_schema("graph.synchronizationStatus").catalog is checker.catalog
    with pytest.raises(CatalogError, match=r"kendra\.DataSourceSyncJob"):
        checker.for_schema("kendra.DataSourceSyncJobs")


def test_the_readme_python_api_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python API example runs as printed (its asserts included)."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(r"```python\n(.*?)```", section, re.S)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    content=st.binary(max_size=300) | _JSON.map(lambda v: json.dumps(v).encode()),
    content_type=st.sampled_from(
        ["", "application/json", "text/html", "application/x-amz-json-1.1"]
    )
    | st.text(max_size=30),
    status=st.integers(min_value=0, max_value=999),
    encoding=st.none()
    | st.sampled_from(["gzip", "deflate", "br", "identity"])
    | st.text(max_size=8),
    redirect=st.booleans(),
    headers=st.lists(st.tuples(st.text(max_size=10), st.text(max_size=20)), max_size=3),
)
def test_any_response_is_a_result_never_an_exception(
    content: bytes,
    content_type: str,
    status: int,
    encoding: str | None,
    redirect: bool,
    headers: list[tuple[str, str]],
) -> None:
    """Whatever a client hands over, checking it gives a result: a document's findings, a
    finding of why it cannot be read, or the reason it holds no document."""
    exchange = Exchange(
        "GET",
        GRAPH_URL,
        status,
        tuple(headers),
        content_type,
        lambda: content,
        is_redirect=redirect,
        encoding=encoding,
    )
    result = conformance.check(exchange, name="response")
    assert result.skipped is not None or result.schema is not None or result.findings


@settings(max_examples=150, deadline=None)
@given(_JSON)
def test_any_value_is_a_result_never_an_exception(value: Any) -> None:
    """A parsed value of any shape is checked or refused with a finding."""
    result = conformance.check(value)
    assert result.schema is not None or result.findings
