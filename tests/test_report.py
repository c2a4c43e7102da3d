"""The report formats (text, json, junit, sarif, github), their exit codes, the progress line."""

from __future__ import annotations

import argparse
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from conformance.findings import Finding, Location, Origin, Result, Rule
from conformance.report import REPORTERS, Reporter, relative_path
from conformance.report.github import escape_data, escape_property
from conformance.report.junit import case_name
from conformance.report.progress import Progress, should_draw

DATA = Path(__file__).parent / "data"
REPORT_SCHEMA = Path(__file__).parents[1] / "conformance" / "report" / "report.schema.json"
SCHEMA = "kendra.DataSourceSyncJob"
SECRET = "Bearer eyJ-not-a-real-token"

RULE = Rule(
    "If the `Status` field is set to `ERROR`, the `ErrorMessage` field contains a description.",
    "kendra-DataSourceSyncJob.md",
    "Contents",
    28,
)
VIOLATION = Finding(
    "violation",
    Location("data/bad.json", 3, 19),
    "'disk\\tfull' does not match '^\\\\P{C}*$'",
    SCHEMA,
    "/ErrorMessage",
    "pattern",
    "^\\P{C}*$",
    "disk\tfull",
    RULE,
    presence="value",
    actual_type="string",
    schema_location="kendra.DataSourceSyncJob#/properties/ErrorMessage/pattern",
)
# No line or column: the reader could not place it.
DRIFT = Finding(
    "enum-drift",
    Location("data/bad.json"),
    "'QUEUED' is not one of ['FAILED', 'SUCCEEDED']",
    SCHEMA,
    "/Status",
    "enum",
    ["FAILED", "SUCCEEDED"],
    "QUEUED",
    presence="value",
    actual_type="string",
)
# An API error body: %, commas, colons, CR/LF and an ESC sequence, all from the wire.
NASTY = "Throttled: 50% of quota, retry\r\nlater \x1b[31mred"
ERROR_RESPONSE = Finding("error-response", Location("traffic.har", 120, 5), NASTY)
UNREADABLE = Finding("unreadable", Location("broken.json", 4, 1), "not valid JSON: Expecting value")
UNSELECTED = Finding("unselected", Location("odd.json"), "no schema chosen: matches none")

GOOD = Result(Location("data/good.json"), SCHEMA, selection="--schema")
BAD = Result(Location("data/bad.json"), SCHEMA, (VIOLATION, DRIFT), selection="--schema")
DRIFTING = Result(
    Location("data/new.json"), SCHEMA, (replace(DRIFT, location=Location("data/new.json")),)
)
ERROR_BODY = Result(
    Location("traffic.har", 120, 5, entry=3, entry_kind="entry"),
    None,
    (ERROR_RESPONSE,),
    Origin("POST", "https://kendra.example/", 400, (("Authorization", SECRET),)),
)
BROKEN = Result(Location("broken.json", 4, 1), None, (UNREADABLE,))
ODD = Result(Location("odd.json"), None, (UNSELECTED,))
RUN = Result(
    Location("pages.ndjson", 3, entry=3, entry_kind="line", last_line=120),
    "kendra.ListDataSourceSyncJobsResponse",
    documents=118,
    resources=300,
)
ALL = [GOOD, BAD, ERROR_BODY, RUN, BROKEN]


def render(fmt: str, results: Sequence[Result], **options: Any) -> tuple[str, int]:
    """The output of one format for these results, and the exit code it returned."""
    out = io.StringIO()
    reporter = REPORTERS[fmt](out, **options)
    for result in results:
        reporter.add(result)
    code = reporter.finish()
    return out.getvalue(), code


def validator(path: Path) -> Any:
    """A jsonschema-rs validator for a schema file, formats checked."""
    return jsonschema_rs.validator_for(json.loads(path.read_text("utf-8")), validate_formats=True)


# --- Every format -----------------------------------------------------------------------------


def test_registry_lists_every_format_and_feeds_argparse() -> None:
    """REPORTERS maps the five format names to Reporter classes, usable as argparse choices."""
    assert list(REPORTERS) == ["text", "json", "junit", "sarif", "github"]
    assert all(issubclass(cls, Reporter) for cls in REPORTERS.values())
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", choices=REPORTERS, default="text")
    assert parser.parse_args(["--format", "sarif"]).format == "sarif"


@pytest.mark.parametrize("fmt", list(REPORTERS))
@pytest.mark.parametrize(
    ("results", "strict", "code"),
    [
        ([GOOD], False, 0),
        ([GOOD, BAD], False, 1),
        ([DRIFTING], False, 0),
        ([DRIFTING], True, 1),
        ([ERROR_BODY], True, 0),
        ([ODD], False, 1),
        ([BROKEN], False, 2),
        ([BAD, BROKEN, GOOD], False, 2),
        ([], False, 0),
    ],
    ids=[
        "ok",
        "violation",
        "drift",
        "strict-drift",
        "error-response",
        "unselected",
        "unreadable",
        "unreadable-wins",
        "empty",
    ],
)
def test_exit_codes_are_the_same_in_every_format(
    fmt: str, results: list[Result], strict: bool, code: int
) -> None:
    """0 conforms, 1 violations (drift only when strict), 2 unreadable input, 2 winning over 1."""
    assert render(fmt, results, strict=strict)[1] == code


def test_negative_max_findings_is_refused() -> None:
    """max_findings counts findings to show: it cannot be negative."""
    with pytest.raises(ValueError, match="max_findings"):
        REPORTERS["text"](io.StringIO(), max_findings=-1)


@pytest.mark.parametrize("fmt", ["text", "junit", "sarif", "github"])
def test_request_headers_are_never_printed_outside_json(fmt: str) -> None:
    """Even redacted, request headers appear in no format but JSON's origin."""
    output, _ = render(fmt, [ERROR_BODY], explain_selection=True)
    assert SECRET not in output
    assert "Authorization" not in output


# --- text ---------------------------------------------------------------------------------------


def test_text_groups_by_file_and_prints_findings_with_pointer_values_rule_and_place() -> None:
    """A header per file, a status line per document, findings with expected/got, rule and place."""
    output, code = render("text", ALL)
    lines = output.splitlines()
    assert code == 2
    assert lines[:2] == ["== data/good.json", f"ok    data/good.json  [{SCHEMA}]"]
    start = lines.index("== data/bad.json")
    assert lines[start + 1 : start + 9] == [
        f"FAIL  data/bad.json  [{SCHEMA}]",
        "  violation  /ErrorMessage: 'disk\\tfull' does not match '^\\\\P{C}*$'",
        '      expected a match for "^\\\\P{C}*$", got "disk\\tfull"',
        f"      rule: {RULE}",
        "      at data/bad.json:3:19",
        "  enum-drift  /Status: 'QUEUED' is not one of ['FAILED', 'SUCCEEDED']",
        '      expected one of ["FAILED", "SUCCEEDED"], got "QUEUED"',
        "",
    ]
    assert "error-response traffic.har:120:5 entry 3" in lines
    assert "  request: POST https://kendra.example/ -> 400" in lines
    assert f"ok    pages.ndjson:3-120  [{RUN.schema}]  (118 documents)" in lines
    assert "unreadable broken.json:4:1" in lines
    assert lines[-1] == (
        "5 files, 122 documents: 1 enum-drift, 1 error-response, 1 unreadable, 1 violation"
    )


def test_text_prints_one_header_for_consecutive_documents_of_a_file() -> None:
    """Documents of one file (NDJSON lines, HAR entries) share its header."""
    first = Result(Location("jobs.ndjson", 1, entry=1, entry_kind="line"), SCHEMA)
    second = Result(Location("jobs.ndjson", 2, entry=2, entry_kind="line"), SCHEMA, (DRIFT,))
    output, code = render("text", [first, second, GOOD])
    assert output.count("== jobs.ndjson") == 1
    assert "drift jobs.ndjson:2  [kendra.DataSourceSyncJob]" in output
    assert output.splitlines()[-1] == "2 files, 3 documents: 1 enum-drift"
    assert code == 0


def test_text_all_conform_summary() -> None:
    """A clean run says so in its summary line."""
    output, code = render("text", [GOOD])
    assert output.splitlines()[-1] == "1 file, 1 document: all conform"
    assert code == 0


def test_text_strict_marks_drift_as_failing() -> None:
    """With strict, a drifting document's status is FAIL."""
    output, _ = render("text", [DRIFTING], strict=True)
    assert f"FAIL  data/new.json  [{SCHEMA}]" in output


@pytest.mark.parametrize(("limit", "shown"), [(1, 1), (0, 0)])
def test_text_max_findings_truncates_and_says_how_many_more(limit: int, shown: int) -> None:
    """Only max_findings findings per document are shown, then '... and N more'; counts are full."""
    output, _ = render("text", [BAD], max_findings=limit)
    assert output.count("  violation  ") + output.count("  enum-drift  ") == shown
    assert f"  ... and {2 - shown} more" in output
    assert output.splitlines()[-1] == "1 file, 1 document: 1 enum-drift, 1 violation"


def test_text_control_characters_are_escaped_not_printed() -> None:
    """CR, LF and ESC from an API body are shown as escapes: one line, no terminal codes."""
    output, _ = render("text", [ERROR_BODY])
    assert "\x1b" not in output
    assert "\r" not in output
    assert (
        "  error-response  (document): Throttled: 50% of quota, retry\\r\\nlater \\x1b[31mred"
        in output.splitlines()
    )


def test_text_colour_only_when_asked() -> None:
    """ANSI colours appear with color=True and never without."""
    plain, _ = render("text", [GOOD, BAD])
    coloured, _ = render("text", [GOOD, BAD], color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1;31mFAIL \x1b[0m data/bad.json" in coloured
    assert "\x1b[32mok   \x1b[0m data/good.json" in coloured
    assert "  \x1b[1;31mviolation\x1b[0m  /ErrorMessage" in coloured


def test_text_explain_selection_prints_why_a_schema_was_chosen() -> None:
    """With explain_selection each document shows its selection; without, it does not."""
    assert "  selection: --schema" not in render("text", [GOOD])[0]
    assert "  selection: --schema" in render("text", [GOOD], explain_selection=True)[0].splitlines()


# --- json ---------------------------------------------------------------------------------------


def test_json_report_validates_against_its_published_schema() -> None:
    """The JSON report is one document that report.schema.json (Draft 2020-12) accepts."""
    schema = json.loads(REPORT_SCHEMA.read_text("utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    check = validator(REPORT_SCHEMA)
    for options in ({}, {"strict": True, "max_findings": 1}):
        output, _ = render("json", [*ALL, DRIFTING, ODD], **options)
        check.validate(json.loads(output))
    check.validate(json.loads(render("json", [])[0]))


def test_json_report_carries_summary_results_findings_and_origin() -> None:
    """Summary counts and exit code, one entry per result, findings in full, origin as given."""
    report = json.loads(render("json", ALL, max_findings=1)[0])
    assert report["version"] == 2
    assert report["tool"]["name"] == "sync-conformance"
    assert report["summary"] == {
        "files": 5,
        "documents": 122,
        "counts": {
            "enum-drift": 1,
            "error-response": 1,
            "property-drift": 0,
            "rule": 0,
            "unreadable": 1,
            "unselected": 0,
            "violation": 1,
        },
        "strict": False,
        "exit_code": 2,
        "skipped": {},
    }
    statuses = [r["status"] for r in report["results"]]
    assert statuses == ["ok", "fail", "error-response", "ok", "unreadable"]
    bad = report["results"][1]
    assert bad["omitted_findings"] == 1
    [violation] = bad["findings"]
    assert violation["pointer"] == "/ErrorMessage"
    assert violation["location"]["line"] == 3
    assert violation["rule"]["line"] == 28
    origin = report["results"][2]["origin"]
    assert origin["headers"] == [["Authorization", SECRET]]
    assert report["results"][2]["findings"][0]["message"] == NASTY
    assert report["results"][3]["documents"] == 118


def test_json_lone_surrogates_are_escaped_and_read_back_the_same() -> None:
    """A lone surrogate from a document is written as \\udXXX, so the output encodes as UTF-8."""
    lone = Finding("violation", Location("s.json"), "bad \ud800 value", SCHEMA, "/x")
    output, _ = render("json", [Result(Location("s.json"), SCHEMA, (lone,))])
    output.encode("utf-8")
    assert json.loads(output)["results"][0]["findings"][0]["message"] == "bad \ud800 value"


# --- junit --------------------------------------------------------------------------------------


def test_junit_is_parseable_xml_with_a_suite_per_file_and_a_case_per_document() -> None:
    """Suites per source, readable case names, failure/error/system-out, counts in attributes."""
    output, code = render("junit", [*ALL, ODD])
    root = ET.fromstring(output)
    assert code == 2
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "2", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [
        "data/good.json",
        "data/bad.json",
        "traffic.har",
        "pages.ndjson",
        "broken.json",
        "odd.json",
    ]
    [bad] = suites["data/bad.json"].iter("testcase")
    assert bad.get("name") == f"data/bad.json [{SCHEMA}]"
    failure = bad.find("failure")
    assert failure is not None
    assert failure.get("type") == "violation"
    assert "rule: " in (failure.text or "")
    assert "enum-drift  /Status" in (bad.findtext("system-out") or "")
    [har] = suites["traffic.har"].iter("testcase")
    assert har.get("name") == "traffic.har entry 3"
    assert har.find("failure") is None
    [run] = suites["pages.ndjson"].iter("testcase")
    assert run.get("name") == "pages.ndjson lines 3-120 [kendra.ListDataSourceSyncJobsResponse]"
    [broken] = suites["broken.json"].iter("testcase")
    error = broken.find("error")
    assert error is not None
    assert error.get("type") == "unreadable"
    assert suites["broken.json"].get("errors") == "1"


def test_junit_case_names_use_entry_and_resource_pointer() -> None:
    """A case is named by file, entry and resource pointer, not by line: stable across edits."""
    where = Location("traffic.har", 812, 7, entry=3, entry_kind="entry", within="/History/2")
    assert case_name(where, SCHEMA) == f"traffic.har entry 3 /History/2 [{SCHEMA}]"


def test_junit_control_characters_keep_the_xml_valid() -> None:
    """NUL, ESC, form feed and a lone surrogate in a message become escapes; the XML parses."""
    nasty = Finding("violation", Location("x.json"), "a\x00b\x1bc\x0cd\ud800e", SCHEMA, "/a\x01")
    output, _ = render("junit", [Result(Location("x\x02.json"), SCHEMA, (nasty,))])
    output.encode("utf-8")
    failure = ET.fromstring(output).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "a\\x00b\\x1bc\\x0cd\\ud800e"
    assert "/a\\x01" in (failure.text or "")


def test_junit_strict_makes_drift_a_failure() -> None:
    """Drift is system-out normally and a <failure> with strict."""
    lenient = ET.fromstring(render("junit", [DRIFTING])[0]).find("testsuite/testcase")
    strict = ET.fromstring(render("junit", [DRIFTING], strict=True)[0]).find("testsuite/testcase")
    assert lenient is not None
    assert strict is not None
    assert lenient.find("failure") is None
    assert "enum-drift" in (lenient.findtext("system-out") or "")
    failure = strict.find("failure")
    assert failure is not None
    assert failure.get("type") == "enum-drift"


# --- sarif --------------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema() -> None:
    """The SARIF log is valid SARIF 2.1.0 (OASIS schema), strict or not, truncated or not."""
    check = validator(DATA / "sarif-schema-2.1.0.json")
    nasty = Finding("violation", Location("a b/(c).json", 2), "x\ud800\x1b", SCHEMA, "/a")
    odd_file = Result(Location("a b/(c).json"), SCHEMA, (nasty,))
    for options in ({}, {"strict": True}, {"max_findings": 1}):
        output, _ = render("sarif", [*ALL, DRIFTING, ODD, odd_file], **options)
        check.validate(json.loads(output))
    check.validate(json.loads(render("sarif", [])[0]))


def test_sarif_levels_rules_regions_and_pointers() -> None:
    """Levels by kind, one rule per schema+keyword with the doc rule as help, regions, pointers."""
    log = json.loads(render("sarif", [*ALL, ODD])[0])
    [run] = log["runs"]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "sync-conformance"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert list(rules) == [
        f"{SCHEMA}/pattern",
        f"{SCHEMA}/enum-drift",
        "error-response",
        "unreadable",
        "unselected",
    ]
    assert rules[f"{SCHEMA}/pattern"]["help"]["text"] == str(RULE)
    results = run["results"]
    levels = [(r["ruleId"], r["level"]) for r in results]
    assert levels == [
        (f"{SCHEMA}/pattern", "error"),
        (f"{SCHEMA}/enum-drift", "warning"),
        ("error-response", "note"),
        ("unreadable", "error"),
        ("unselected", "error"),
    ]
    for result in results:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    violation, drift = results[0], results[1]
    physical = violation["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "data/bad.json"
    assert physical["region"] == {"startLine": 3, "startColumn": 19}
    assert violation["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "/ErrorMessage", "kind": "value"}
    ]
    assert violation["properties"]["pointer"] == "/ErrorMessage"
    # GitHub code scanning needs a line: line 1 stands in when the reader had none.
    assert drift["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert results[2]["webRequest"] == {"method": "POST", "target": "https://kendra.example/"}
    assert results[2]["webResponse"] == {"statusCode": 400}


def test_sarif_strict_raises_drift_to_error() -> None:
    """With strict, drift fails the run, so its results are errors."""
    log = json.loads(render("sarif", [DRIFTING], strict=True)[0])
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error"]


def test_sarif_uris_are_relative_and_encoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An absolute path under the working directory becomes relative; spaces are encoded."""
    monkeypatch.chdir(tmp_path)
    inside = str(tmp_path / "dir one" / "job.json")
    finding = Finding("violation", Location(inside, 1, 1), "bad", SCHEMA, "/a")
    log = json.loads(render("sarif", [Result(Location(inside), SCHEMA, (finding,))])[0])
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "dir%20one/job.json"
    assert relative_path("/elsewhere/job.json") == "/elsewhere/job.json"
    assert relative_path("<stdin>") == "<stdin>"


# --- github -------------------------------------------------------------------------------------


def test_github_workflow_commands_exact() -> None:
    """::error with file/line/col/title, ::warning without a line, ::notice, escaped data."""
    output, code = render("github", [GOOD, BAD, ERROR_BODY, BROKEN])
    assert code == 2
    assert output.splitlines() == [
        f"::error file=data/bad.json,line=3,col=19,title=violation /ErrorMessage [{SCHEMA}]"
        "::'disk\\tfull' does not match '^\\\\P{C}*$'"
        '%0Aexpected a match for "^\\\\P{C}*$", got "disk\\tfull"'
        f"%0Arule: {RULE}",
        f"::warning file=data/bad.json,title=enum-drift /Status [{SCHEMA}]"
        "::'QUEUED' is not one of ['FAILED', 'SUCCEEDED']"
        '%0Aexpected one of ["FAILED", "SUCCEEDED"], got "QUEUED"',
        "::notice file=traffic.har,line=120,col=5,title=error-response (document)"
        "::Throttled: 50%25 of quota, retry%0D%0Alater \\x1b[31mred",
        "::error file=broken.json,line=4,col=1,title=unreadable (document)"
        "::not valid JSON: Expecting value",
        "4 files, 4 documents: 1 enum-drift, 1 error-response, 1 unreadable, 1 violation",
    ]


def test_github_escapes_properties_and_data_by_the_runner_rules() -> None:
    """%, CR, LF in data; also : and , in properties (a pointer or file name may hold them)."""
    assert escape_data("50%\r\n:,") == "50%25%0D%0A:,"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    odd = Finding("violation", Location("a,b:c.json", 1), "m", SCHEMA, "/x:y,z")
    [line, _] = render("github", [Result(Location("a,b:c.json"), SCHEMA, (odd,))])[0].splitlines()
    assert line == f"::error file=a%2Cb%3Ac.json,line=1,title=violation /x%3Ay%2Cz [{SCHEMA}]::m"


def test_github_strict_drift_is_an_error_and_max_findings_truncates() -> None:
    """With strict, drift annotates as an error; max_findings leaves a plain '... and N more'."""
    output, code = render("github", [DRIFTING], strict=True)
    assert output.startswith("::error file=data/new.json,title=enum-drift /Status")
    assert code == 1
    output, _ = render("github", [BAD], max_findings=1)
    lines = output.splitlines()
    assert lines[0].startswith("::error ")
    assert lines[1] == "... and 1 more in data/bad.json"
    assert len(lines) == 3


def test_github_stdin_has_no_file_property() -> None:
    """A document read from stdin annotates the run, not a file."""
    finding = Finding("violation", Location("<stdin>", 2, 3), "bad", SCHEMA, "/a")
    output, _ = render("github", [Result(Location("<stdin>"), SCHEMA, (finding,))])
    assert output.startswith(f"::error line=2,col=3,title=violation /a [{SCHEMA}]::bad\n")


# --- progress -----------------------------------------------------------------------------------


class FakeTTY(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        """Always a terminal."""
        return True


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """The current fake time."""
        return self.now


def test_progress_draws_only_on_a_terminal_outside_ci() -> None:
    """Drawn on a TTY without CI; not with CI set, not on a pipe or a file."""
    assert should_draw(FakeTTY(), environ={})
    assert not should_draw(FakeTTY(), environ={"CI": "true"})
    assert not should_draw(io.StringIO(), environ={})


def test_progress_disabled_writes_nothing_and_keeps_no_clock() -> None:
    """Disabled, advance returns at once: no output, the clock never read."""
    calls = 0

    def clock() -> float:
        nonlocal calls
        calls += 1
        return 0.0

    stream = FakeTTY()
    progress = Progress(stream, enabled=False, clock=clock)
    for _ in range(1000):
        progress.advance()
    progress.close()
    assert stream.getvalue() == ""
    assert calls == 0


def test_progress_redraws_at_most_every_interval_and_erases_on_close() -> None:
    """Redraws are throttled to the interval; the count and rate are shown; close erases."""
    stream, clock = FakeTTY(), FakeClock()
    with Progress(stream, enabled=True, clock=clock) as progress:
        for _ in range(500):  # no time passes: no redraw
            progress.advance()
        assert stream.getvalue() == ""
        clock.now += 0.5
        progress.advance()
        assert stream.getvalue() == "\r\x1b[K501 documents  1,002/s"
        clock.now += 0.06
        progress.advance(10)  # within the interval: not drawn
        assert stream.getvalue().count("\r") == 1
        clock.now += 0.06
        progress.advance()
        assert stream.getvalue().endswith("\r\x1b[K512 documents  826/s")
    assert stream.getvalue().endswith("\r\x1b[K")
    progress.advance()
    assert stream.getvalue().count("\r") == 3  # closed: nothing more drawn


def test_progress_close_without_a_draw_writes_nothing() -> None:
    """A run shorter than the interval leaves no trace on the terminal."""
    stream = FakeTTY()
    progress = Progress(stream, enabled=True, clock=FakeClock())
    progress.advance()
    progress.close()
    assert stream.getvalue() == ""


def test_cli_formats_match_the_registry() -> None:
    """The CLI's --format choices are exactly the report formats there are."""
    from conformance.cli import _FORMATS
    from conformance.report import REPORTERS

    assert set(_FORMATS) == set(REPORTERS)
