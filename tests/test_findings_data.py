"""Findings as data: raw values, presence, rule ids and severities; shortening only for people."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.cli import main
from conformance.findings import Finding, Location
from conformance.report import WHOLE_LIST, clip, clip_text, expected_got
from conformance.validation import Engine

REPORT_SCHEMA = Path(__file__).parents[1] / "conformance" / "report" / "report.schema.json"
KENDRA_STATUS = [
    "FAILED",
    "SUCCEEDED",
    "SYNCING",
    "INCOMPLETE",
    "STOPPING",
    "ABORTED",
    "SYNCING_INDEXING",
]
PAGE = {
    "History": [
        {"ExecutionId": "a", "StartTime": 1.7e9, "Status": "SUCCEEDED"},
        {
            "ExecutionId": "b",
            "StartTime": 1.7e9,
            "Status": "RESUMING",
            "ErrorCode": "",
            "Metrics": {"DocumentsAdded": "01"},
            "Extra": None,
            "client_secret": "s3cr3t-value-of-the-test",
        },
    ]
}


def _report(tmp_path: Path, document: Any, *options: str) -> dict[str, Any]:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    out = io.StringIO()
    main(["validate", str(path), "--format", "json", *options], out=out)
    report: dict[str, Any] = json.loads(out.getvalue())
    jsonschema_rs.validator_for(json.loads(REPORT_SCHEMA.read_text("utf-8"))).validate(report)
    return report


def _by_pointer(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["pointer"]: f for r in report["results"] for f in r["findings"]}


def test_the_json_report_carries_raw_values_presence_rule_ids_and_severity(
    tmp_path: Path,
) -> None:
    """Each finding of a list page keeps its values whole, in its resource, with a stable rule."""
    report = _report(tmp_path, PAGE)
    assert report["version"] == 2
    found = _by_pointer(report)
    status = found["/History/1/Status"]
    assert status["kind"] == "enum-drift"
    assert status["severity"] == "warning"
    assert status["expected"] == KENDRA_STATUS  # the whole list, in the schema's order
    assert (status["actual"], status["actual_type"], status["presence"]) == (
        "RESUMING",
        "string",
        "value",
    )
    assert status["location"]["within"] == "/History/1"
    assert status["resource_pointer"] == "/Status"
    assert status["schema_location"] == "kendra.DataSourceSyncJob#/properties/Status/enum"
    assert status["rule_id"] == status["schema_location"]

    error_code = found["/History/1/ErrorCode"]
    assert (error_code["kind"], error_code["severity"]) == ("violation", "error")
    assert (error_code["actual"], error_code["presence"]) == ("", "empty")
    assert error_code["expected"] == ["InternalError", "InvalidRequest"]

    added = found["/History/1/Metrics/DocumentsAdded"]
    assert added["keyword"] == "pattern"
    assert added["expected"] == "^(?:(([1-9][0-9]*)|0))$"
    assert added["actual"] == "01"
    assert added["resource_pointer"] == "/Metrics/DocumentsAdded"

    extra = found["/History/1/Extra"]
    assert (extra["kind"], extra["presence"], extra["actual"]) == ("property-drift", "null", None)
    assert "ExecutionId" in extra["expected"]
    assert extra["expected"] == sorted(extra["expected"])

    # A secret-like member: its place and kind are kept, its value never.
    secret = found["/History/1/client_secret"]
    assert (secret["actual"], secret["actual_type"]) == ("<redacted>", "string")
    assert "s3cr3t" not in json.dumps(report)


def test_rule_ids_are_stable_across_documents_and_resources(tmp_path: Path) -> None:
    """The same rule broken in two resources, or in two runs, has one rule id."""
    page = {"History": [{"ExecutionId": "a", "Status": "NEW1"}, {"ExecutionId": "b", "Status": 3}]}
    ids = {f["pointer"]: f["rule_id"] for f in _by_pointer(_report(tmp_path, page)).values()}
    again = _by_pointer(_report(tmp_path, {"ExecutionId": "c", "Status": "NEW2"}))["/Status"]
    assert ids["/History/0/Status"] == again["rule_id"]
    assert ids["/History/1/Status"].startswith("kendra.")
    assert ids["/History/1/Status"] != ids["/History/0/Status"]


def test_presence_tells_absent_null_empty_and_a_value() -> None:
    """A missing required member is absent, with its name as the expected value."""
    engine = Engine()
    missing = [
        f
        for f in engine.findings({}, "graph.synchronizationJobCollection", Location("x"))
        if f.keyword == "required"
    ]
    assert [f.expected for f in missing] == ["value"]
    for finding in missing:
        assert finding.presence == "absent"
        assert finding.actual is None
        assert isinstance(finding.expected, str)
        assert (
            expected_got(finding) == f'expected property "{finding.expected}", got nothing (absent)'
        )
    nulls = engine.findings(
        {"Status": None, "ExecutionId": "a"}, "kendra.DataSourceSyncJob", Location("x")
    )
    assert {(f.pointer, f.presence, f.actual_type) for f in nulls} == {("/Status", "null", "null")}


def test_tool_findings_have_rule_ids_and_severities(tmp_path: Path) -> None:
    """Unreadable and unselected documents have rule ids of their own, and are errors."""
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    (tmp_path / "me.json").write_text('{"displayName": "A", "mail": "a@b.c"}', encoding="utf-8")
    out = io.StringIO()
    main(["validate", str(tmp_path), "--format", "json"], out=out)
    found = {
        Path(f["location"]["source"]).name: f
        for r in json.loads(out.getvalue())["results"]
        for f in r["findings"]
    }
    assert (found["broken.json"]["rule_id"], found["broken.json"]["severity"]) == (
        "document.unreadable",
        "error",
    )
    assert found["me.json"]["rule_id"] == "selection.unselected"
    assert found["me.json"]["presence"] is None


# --- the text renderer --------------------------------------------------------------------------


def test_an_enum_list_of_up_to_twenty_values_prints_whole() -> None:
    """The text report prints every value of a list of up to 20, each value whole."""
    values = [f"VALUE_NUMBER_{i}_IS_LONG" for i in range(WHOLE_LIST)]
    shown = clip(values)
    assert all(f'"{v}"' in shown for v in values)
    longer = clip([*values, "ONE_MORE", "AND_ANOTHER"])
    assert longer.endswith(", ... and 2 more]")
    assert '"ONE_MORE"' not in longer


def test_the_text_report_never_cuts_an_enum_value(tmp_path: Path) -> None:
    """INCOMPLETE and STOPPING are printed whole (they were once cut to "I ... PING")."""
    path = tmp_path / "job.json"
    path.write_text(json.dumps({"ExecutionId": "a", "Status": "RESUMING"}), encoding="utf-8")
    out = io.StringIO()
    main(["validate", str(path)], out=out)
    line = next(x for x in out.getvalue().splitlines() if "expected one of" in x)
    assert line.strip() == (
        'expected one of ["FAILED", "SUCCEEDED", "SYNCING", "INCOMPLETE", "STOPPING", "ABORTED",'
        ' "SYNCING_INDEXING"], got "RESUMING"'
    )


def test_a_long_value_is_cut_between_words_and_says_how_much_is_left() -> None:
    """A long string is cut after a word, with the number of characters left out."""
    text = "The synchronization job failed because the directory returned an error " * 3
    shown = clip(text)
    head, _, tail = shown.partition(" ... ")
    assert tail == f"({len(json.dumps(text)) - len(head) - 1} more characters)"
    kept = head[1:]  # after the JSON string's opening quote
    assert text.startswith(kept)
    assert text[len(kept)] == " "  # the cut fell after a whole word


@given(st.lists(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True), min_size=1, max_size=60))
def test_clip_text_never_cuts_inside_a_word(words: list[str]) -> None:
    """Whatever the words, a cut text ends with a whole word and counts what it left out."""
    text = " ".join(words)
    shown = clip_text(text, 40)
    if len(text) <= 40:
        assert shown == text
        return
    kept, _, rest = shown.partition(" ... (")
    assert text.startswith(kept)
    assert text[len(kept)] == " "
    left_out = int(rest.removesuffix(" more characters)"))
    assert len(text) - left_out in (len(kept), len(kept) + 1)


@pytest.mark.parametrize(
    ("finding", "line"),
    [
        (
            Finding(
                "violation",
                Location("x"),
                "m",
                keyword="type",
                expected=["string", "null"],
                actual=7,
                presence="value",
                actual_type="integer",
            ),
            "expected string or null, got integer 7",
        ),
        (
            Finding(
                "violation",
                Location("x"),
                "m",
                keyword="format",
                expected="date-time",
                actual="",
                presence="empty",
                actual_type="string",
            ),
            'expected a date-time string, got ""',
        ),
        (
            Finding(
                "violation",
                Location("x"),
                "m",
                keyword="maxLength",
                expected=2,
                actual="abc",
                presence="value",
                actual_type="string",
            ),
            'expected at most this many characters: 2, got "abc"',
        ),
    ],
)
def test_expected_got_reads_by_keyword(finding: Finding, line: str) -> None:
    """The text line for a finding is worded for its keyword, from the raw values."""
    assert expected_got(finding) == line
