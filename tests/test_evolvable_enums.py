"""Graph's evolvable enums and enum case drift.

An evolvable enum ends its members every client may receive with the sentinel
``unknownFutureValue``; the members declared after it are sent only to a request with ``Prefer:
include-unknown-enum-members``. The shipped synchronization enums have no sentinel (nor does the
CSDL they come from, which a test here keeps so), so the tests layer a folder of derived schemas
on top of them, as ``--schemas`` does: the shipped enum lists, the sentinel, and one member after
it, the shape Graph's own evolvable enums have.

A member after the sentinel is flagged only where the request is known (a HAR entry, a cassette
interaction, a live response under the pytest marker), never for a plain file. Case drift
(``notRun`` for ``NotRun``) is enum drift with its own rule id, for any enum, Kendra's too.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import os
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from conformance import Options, Origin, check_paths, default_catalog, load_catalog
from conformance.bodies import make_origin
from conformance.derive.csdl import read_csdl
from conformance.findings import Finding, Location, Result
from conformance.report import REPORTERS
from conformance.validation import (
    CASE_MISMATCH,
    MEMBER_WITHOUT_PREFER,
    PREFER_UNKNOWN_MEMBERS,
    SENTINEL,
    Engine,
)

pytest_plugins = ("pytester",)

ROOT = Path(__file__).parents[1]
SHIPPED = ROOT / "schemas"
REPORT_SCHEMA = ROOT / "conformance" / "report" / "report.schema.json"
CSDL = SHIPPED / "sources" / "graph-v1.0-synchronization.csdl.xml"

# The Graph enums the derived folder makes evolvable, and the member each gains after the
# sentinel (made up: no synchronization enum has one yet).
EVOLVABLE = ("graph.synchronizationStatusCode", "graph.quarantineReason")
LATER = "PendingReview"
GRAPH_URL = "https://graph.microsoft.com/v1.0/servicePrincipals/sp1/synchronization/jobs/j1"
PREFER = f"odata.maxpagesize=10, {PREFER_UNKNOWN_MEMBERS}"


def _enum(name: str) -> list[str]:
    """The enum list of a shipped schema, in its order."""
    members: list[str] = default_catalog().schema(name)["enum"]
    return members


def _job() -> dict[str, Any]:
    """The job example the shipped schema quotes (a conforming synchronizationJob)."""
    example = default_catalog().schema("graph.synchronizationJob")["examples"][0]
    job: dict[str, Any] = copy.deepcopy(example)
    return job


def _job_with(code: str, reason: str | None = None) -> dict[str, Any]:
    job = _job()
    job["status"]["code"] = code
    if reason is not None:
        job["status"]["quarantine"] = {"reason": reason, "seriesCount": 1}
    return job


@pytest.fixture(scope="module")
def evolvable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of derived schemas: the shipped Graph enums in EVOLVABLE, made evolvable."""
    folder = tmp_path_factory.mktemp("evolvable")
    for name in EVOLVABLE:
        schema = json.loads((SHIPPED / f"{name}.json").read_text("utf-8"))
        schema["enum"] = [*schema["enum"], SENTINEL, LATER]
        (folder / f"{name}.json").write_text(json.dumps(schema, indent=2), "utf-8")
    return folder


def _har_entry(document: Any, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "request": {
            "method": "GET",
            "url": GRAPH_URL,
            "headers": [{"name": k, "value": v} for k, v in headers.items()],
        },
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": json.dumps(document)},
        },
    }


def _har(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    path = tmp_path / "traffic.har"
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}), "utf-8")
    return path


def _run(folder: Path | None, *paths: Path) -> list[Result]:
    return list(check_paths(paths, options=Options(schemas=folder)))


def _found(result: Result) -> list[tuple[str, str, str]]:
    return [(f.kind, f.pointer, f.rule_id) for f in result.findings]


# --- The sentinel and the schemas ----------------------------------------------------------------


def test_the_shipped_schemas_carry_the_sentinel_exactly_where_the_csdl_does() -> None:
    """Each CSDL enum is its schema's enum, in order: a sentinel in the model (none today) would
    be in the schema, at its place, and so would every member after it."""
    enums = {t.name: t.enum for t in read_csdl(CSDL.read_text("utf-8"), CSDL.name) if t.enum}
    assert enums, "the CSDL fragment lists enum types"
    for name, members in enums.items():
        assert _enum(f"graph.{name}") == list(members), name
    assert not any(SENTINEL in members for members in enums.values())


def test_a_csdl_sentinel_and_the_members_after_it_keep_their_order() -> None:
    """The deriver keeps an EnumType's members in document order, the sentinel among them, so
    that "after the sentinel" in a schema means what it means in the model."""
    text = CSDL.read_text("utf-8").replace(
        '<Member Name="Quarantine" Value="4" />',
        '<Member Name="Quarantine" Value="4" />\n'
        f'        <Member Name="{SENTINEL}" Value="5" />\n'
        f'        <Member Name="{LATER}" Value="6" />',
    )
    [code] = [t for t in read_csdl(text, CSDL.name) if t.name == "synchronizationStatusCode"]
    assert list(code.enum) == [*_enum("graph.synchronizationStatusCode"), SENTINEL, LATER]


def test_the_sentinel_conforms_with_or_without_a_request(evolvable: Path, tmp_path: Path) -> None:
    """``unknownFutureValue`` is a declared value of an evolvable enum: no drift, no violation."""
    job = _job_with(SENTINEL, SENTINEL)
    har = _har(tmp_path, _har_entry(job, {"Accept": "application/json"}))
    plain = tmp_path / "job.json"
    plain.write_text(json.dumps(job), "utf-8")
    for result in _run(evolvable, har, plain):
        assert result.schema == "graph.synchronizationJob"
        assert result.findings == ()


# --- A member after the sentinel -----------------------------------------------------------------


def test_a_later_member_without_prefer_in_a_har_entry_is_a_violation(
    evolvable: Path, tmp_path: Path
) -> None:
    """The request lacked the preference: the server broke its promise, at each such value."""
    job = _job_with(LATER, LATER)
    har = _har(tmp_path, _har_entry(job, {"Accept": "application/json"}))
    [result] = _run(evolvable, har)
    assert not result.conforms
    assert _found(result) == [
        ("violation", "/status/quarantine/reason", MEMBER_WITHOUT_PREFER),
        ("violation", "/status/code", MEMBER_WITHOUT_PREFER),
    ]
    reason, code = result.findings
    assert code.schema_location == "graph.synchronizationStatusCode#/enum"
    assert code.keyword == "enum"
    assert code.actual == LATER
    # What this request may receive: the members up to the sentinel.
    assert code.expected == [*_enum("graph.synchronizationStatusCode"), SENTINEL]
    assert f"Prefer: {PREFER_UNKNOWN_MEMBERS}" in code.message
    assert "lacked" in code.message
    assert code.rule is not None
    assert code.rule.text  # the property's sentence, as for drift
    # Placed as every finding is: its HAR entry, and the resource it falls in.
    assert (code.location.entry, code.location.within) == (1, "/status")
    assert code.schema == "graph.synchronizationStatus"
    assert reason.expected == [*_enum("graph.quarantineReason"), SENTINEL]


@pytest.mark.parametrize(
    "prefer",
    [PREFER_UNKNOWN_MEMBERS, PREFER, "Include-Unknown-Enum-Members; x=1", "respond-async"],
)
def test_the_prefer_header_is_read_as_rfc_7240_says(
    evolvable: Path, tmp_path: Path, prefer: str
) -> None:
    """Asked for (alone, among other preferences, in any case): conforms; another preference
    alone is not asking."""
    har = _har(tmp_path, _har_entry(_job_with(LATER), {"Prefer": prefer, "Accept": "*/*"}))
    [result] = _run(evolvable, har)
    asked = PREFER_UNKNOWN_MEMBERS in prefer.lower()
    assert _found(result) == (
        [] if asked else [("violation", "/status/code", MEMBER_WITHOUT_PREFER)]
    )


def test_prefer_survives_the_origin_with_secrets_redacted() -> None:
    """``make_origin`` keeps the preference (it is no secret) beside a redacted Authorization."""
    origin = make_origin(
        "GET", GRAPH_URL, 200, [("Authorization", "Bearer s3cr3t-t0ken"), ("Prefer", PREFER)]
    )
    assert origin.header("Prefer") == PREFER
    assert "s3cr3t" not in repr(origin)


def test_with_no_known_request_there_is_no_finding(evolvable: Path, tmp_path: Path) -> None:
    """A plain file, an NDJSON line and a recording that kept no request header say nothing of
    what was asked: the member after the sentinel is a declared value, and conforms."""
    job = _job_with(LATER, LATER)
    plain = tmp_path / "job.json"
    plain.write_text(json.dumps(job), "utf-8")
    lines = tmp_path / "jobs.ndjson"
    lines.write_text(json.dumps(job) + "\n" + json.dumps(job) + "\n", "utf-8")
    bare = _har(tmp_path, _har_entry(job, {}))
    results = _run(evolvable, plain, lines, bare)
    assert [r.schema for r in results] == ["graph.synchronizationJob"] * 3
    assert all(r.findings == () for r in results)


def test_a_cassette_interaction_is_a_known_request(evolvable: Path, tmp_path: Path) -> None:
    """vcrpy's cassettes keep the request's headers: without Prefer, a violation; with, none."""
    body = base64.b64encode(json.dumps(_job_with(LATER)).encode()).decode()

    def interaction(headers: str) -> str:
        return (
            f"- request: {{method: GET, uri: '{GRAPH_URL}', headers: {{{headers}}}}}\n"
            "  response:\n"
            "    status: {code: 200, message: OK}\n"
            "    headers: {Content-Type: [application/json]}\n"
            f"    body: {{base64_string: '{body}'}}\n"
        )

    path = tmp_path / "jobs.yaml"
    path.write_text(
        "interactions:\n"
        + interaction("Accept: [application/json]")
        + interaction(f"Accept: [application/json], Prefer: ['{PREFER}']")
        + "version: 1\n",
        "utf-8",
    )
    without, asked = _run(evolvable, path)
    assert _found(without) == [("violation", "/status/code", MEMBER_WITHOUT_PREFER)]
    assert asked.findings == ()


def test_shipped_schemas_have_no_evolvable_enum_to_look_at() -> None:
    """With the shipped catalog, no schema has a member after a sentinel: a known request costs
    no walk (the plan is None), Kendra's schemas included."""
    engine = Engine()
    for entry in engine.catalog:
        assert engine.validator(entry.name)._evolvable is None, entry.name


def test_engine_findings_take_the_origin(evolvable: Path) -> None:
    """The engine's own entry point: the origin decides, and a secret-looking header does not
    hide the preference."""
    engine = Engine(load_catalog(evolvable))
    job = _job_with(LATER)
    here = Location("job")
    asked = Origin("GET", GRAPH_URL, 200, (("Authorization", "<redacted>"), ("Prefer", PREFER)))
    bare = Origin("GET", GRAPH_URL, 200, (("Authorization", "<redacted>"),))
    assert engine.findings(job, "graph.synchronizationJob", here, asked) == []
    assert engine.findings(job, "graph.synchronizationJob", here) == []
    [finding] = engine.findings(job, "graph.synchronizationJob", here, bare)
    assert (finding.kind, finding.rule_id) == ("violation", MEMBER_WITHOUT_PREFER)


# --- Case drift ----------------------------------------------------------------------------------


def _case_drift(finding: Finding, declared: str, enum: list[str]) -> None:
    assert finding.kind == "enum-drift"
    assert finding.rule_id == CASE_MISMATCH
    assert finding.expected == enum  # still the whole list
    assert f'"{declared}"' in finding.message
    assert "only in case" in finding.message


def test_graph_case_mismatch_is_case_drift(tmp_path: Path) -> None:
    """``notRun`` for the declared ``NotRun``: enum drift, named as a casing difference."""
    enum = _enum("graph.synchronizationStatusCode")
    assert "NotRun" in enum
    path = tmp_path / "job.json"
    path.write_text(json.dumps(_job_with("notRun")), "utf-8")
    [result] = _run(None, path)
    assert result.conforms
    [finding] = result.findings
    assert finding.pointer == "/status/code"
    assert finding.actual == "notRun"
    assert finding.schema_location == "graph.synchronizationStatusCode#/enum"
    _case_drift(finding, "NotRun", enum)


def test_kendra_case_mismatch_is_case_drift_and_a_new_value_is_plain_drift() -> None:
    """Any enum: Kendra's ``Succeeded`` for ``SUCCEEDED``; ``RESUMING`` stays plain drift."""
    status = default_catalog().schema("kendra.DataSourceSyncJob")["properties"]["Status"]["enum"]
    assert "SUCCEEDED" in status
    job = {"ExecutionId": "e1", "StartTime": 1763643600, "Status": "Succeeded"}
    page = {"History": [job, {**job, "Status": "RESUMING"}]}
    engine = Engine()
    found = engine.findings(page, "kendra.ListDataSourceSyncJobsResponse", Location("page"))
    by_pointer = {f.pointer: f for f in found}
    _case_drift(by_pointer["/History/0/Status"], "SUCCEEDED", status)
    plain = by_pointer["/History/1/Status"]
    assert (plain.kind, plain.rule_id) == ("enum-drift", plain.schema_location)
    assert "case" not in plain.message


def test_the_empty_string_stays_a_violation_not_case_drift() -> None:
    """The empty string equals no member but for case: a placeholder, a violation as before."""
    job = {"ExecutionId": "e1", "StartTime": 1763643600, "Status": ""}
    [finding] = Engine().findings(job, "kendra.DataSourceSyncJob", Location("job"))
    assert (finding.kind, finding.rule_id) == ("violation", finding.schema_location)


# --- Reports -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(REPORTERS))
def test_every_report_takes_the_new_rule_ids(evolvable: Path, tmp_path: Path, fmt: str) -> None:
    """Each format renders both findings; the JSON report still validates against its schema."""
    har = _har(
        tmp_path,
        _har_entry(_job_with(LATER), {"Accept": "application/json"}),
        _har_entry(_job_with("notRun"), {"Accept": "application/json"}),
    )
    results = _run(evolvable, har)
    out = io.StringIO()
    reporter = REPORTERS[fmt](out)
    for result in results:
        reporter.add(result)
    assert reporter.finish() == 1  # the violation fails the run
    text = out.getvalue()
    assert "Traceback" not in text
    if fmt == "json":
        report = json.loads(text)
        schema = json.loads(REPORT_SCHEMA.read_text("utf-8"))
        jsonschema_rs.validator_for(schema, validate_formats=True).validate(report)
        rules = {f["rule_id"] for r in report["results"] for f in r["findings"]}
        assert rules == {MEMBER_WITHOUT_PREFER, CASE_MISMATCH}


# --- The pytest marker, live ---------------------------------------------------------------------

SERVER = r"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

JOB = json.loads(%r)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        data = json.dumps(JOB).encode()
        self.send_response(200)
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
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()
"""

LIVE = """
import pytest
import requests

JOB = "/v1.0/servicePrincipals/sp1/synchronization/jobs/j1"


@pytest.mark.conformance
def test_without_prefer(api):
    requests.get(api + JOB, headers={"Authorization": "Bearer s3cr3t-t0ken"})


@pytest.mark.conformance
def test_with_prefer(api):
    requests.get(api + JOB, headers={"Prefer": "include-unknown-enum-members"})
"""


def test_the_marker_honours_the_request_header(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, evolvable: Path
) -> None:
    """A live response on 127.0.0.1 under the marker: the request without the preference fails
    with the violation, the one with it passes; no secret and no traceback in the output."""
    pytest.importorskip("requests")
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    pytester.makeconftest(SERVER % json.dumps(_job_with(LATER)))
    pytester.makepyfile(test_live=LIVE)
    result = pytester.runpytest("--conformance-schemas", str(evolvable), "-rA")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in <*test_live.py::test_without_prefer> response 1 *",
            f"*violation  /status/code: *{PREFER_UNKNOWN_MEMBERS}*lacked*",
        ]
    )
    result.stdout.fnmatch_lines(["PASSED test_live.py::test_with_prefer*"])
    result.stdout.fnmatch_lines(["FAILED test_live.py::test_without_prefer*"])
    out = result.stdout.str()
    assert "s3cr3t" not in out
    assert "Traceback" not in out
