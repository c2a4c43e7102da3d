"""Validation through the engine and the `validate` command: violations, drift, pointers, rules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance import Location
from conformance.cli import main
from conformance.validation import Engine

ENGINE = Engine()
HERE = Location("test")

JOB: dict[str, Any] = {
    "ExecutionId": "a1b2",
    "StartTime": 1700000000.25,
    "EndTime": 1700000600,
    "Status": "FAILED",
    "ErrorCode": "InternalError",
    "ErrorMessage": "The crawler stopped",
    "Metrics": {"DocumentsAdded": "10", "DocumentsModified": "0", "DocumentsScanned": "12"},
}


def _kinds(doc: Any, schema: str) -> list[tuple[str, str]]:
    return [(f.kind, f.pointer) for f in ENGINE.findings(doc, schema, HERE)]


def test_a_conforming_kendra_job_has_no_findings() -> None:
    """A sync job as Kendra sends it conforms."""
    assert _kinds(JOB, "kendra.DataSourceSyncJob") == []
    page = {"History": [JOB, JOB], "NextToken": "abc"}
    assert _kinds(page, "kendra.ListDataSourceSyncJobsResponse") == []


@pytest.mark.parametrize("bad", ["disk\tfull", "zero\u200bwidth", "ends with newline\n"])
def test_error_message_control_characters_are_violations(bad: str) -> None:
    r"""`^\P{C}*$` on ErrorMessage rejects TAB, U+200B and a final newline, with the pointer."""
    assert _kinds({**JOB, "ErrorMessage": bad}, "kendra.DataSourceSyncJob") == [
        ("violation", "/ErrorMessage")
    ]


@pytest.mark.parametrize("good", ["同期に失敗しました", "failed 😀", "line\u2028separator"])
def test_error_message_accepts_cjk_and_emoji(good: str) -> None:
    """CJK, emoji and U+2028 are not control characters."""
    assert _kinds({**JOB, "ErrorMessage": good}, "kendra.DataSourceSyncJob") == []


def test_metrics_must_be_whole_decimal_strings() -> None:
    """The anchored MetricValue pattern rejects "x1y" and "01", which the raw one would accept."""
    for bad in ("x1y", "01", "1.5"):
        doc = {**JOB, "Metrics": {"DocumentsAdded": bad}}
        assert _kinds(doc, "kendra.DataSourceSyncJob") == [("violation", "/Metrics/DocumentsAdded")]


def test_date_times_are_checked_in_nested_objects() -> None:
    """Hour 25 inside lastExecution is a format violation at its pointer; 7 digits pass."""
    status = {
        "code": "Active",
        "lastExecution": {
            "timeBegan": "2017-07-19T25:55:58Z",
            "timeEnded": "2017-07-19T14:55:58.5570274Z",
        },
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
    }
    [finding] = ENGINE.findings(status, "graph.synchronizationStatus", HERE)
    assert (finding.kind, finding.pointer, finding.keyword) == (
        "violation",
        "/lastExecution/timeBegan",
        "format",
    )
    assert finding.expected == "date-time"
    assert finding.actual == "2017-07-19T25:55:58Z"
    assert finding.rule is not None
    assert finding.rule.text == "Time when this job execution began"
    assert (finding.rule.document, finding.rule.row) == ("graph-synchronizationStatus.md", 13)


def test_unknown_enum_values_and_properties_are_drift_not_violations() -> None:
    """A new Kendra Status and an undeclared property are drift, each at its own pointer."""
    doc = {**JOB, "Status": "QUEUED", "SyncMode": "FULL"}
    assert sorted(_kinds(doc, "kendra.DataSourceSyncJob")) == [
        ("enum-drift", "/Status"),
        ("property-drift", "/SyncMode"),
    ]


def test_odata_annotations_are_not_drift() -> None:
    """Graph objects may carry @odata.* control information."""
    doc = {
        "@odata.type": "#microsoft.graph.synchronizationProgress",
        "completedUnits": 1,
        "totalUnits": 2,
    }
    assert _kinds(doc, "graph.synchronizationProgress") == []


def test_nested_objects_may_be_null_but_scalars_may_not() -> None:
    """A null lastSuccessfulExecution conforms (the docs' example sends it); a null count not."""
    assert _kinds({"lastSuccessfulExecution": None}, "graph.synchronizationStatus") == []
    assert _kinds({"countSuccessiveCompleteFailures": None}, "graph.synchronizationStatus") == [
        ("violation", "/countSuccessiveCompleteFailures")
    ]


def test_most_specific_finding_comes_first() -> None:
    """Deeper pointers are reported before shallower ones, violations before drift."""
    doc = {**JOB, "Status": "QUEUED", "StartTime": "yesterday", "Metrics": {"DocumentsAdded": "x"}}
    pointers = [f.pointer for f in ENGINE.findings(doc, "kendra.DataSourceSyncJob", HERE)]
    assert pointers == ["/Metrics/DocumentsAdded", "/StartTime", "/Status"]


def test_when_the_explanation_is_empty_it_is_a_finding_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rejection with no error listed gets a finding that says so."""
    validator = Engine().validator("kendra.DataSourceSyncJob")
    monkeypatch.setattr(type(validator), "is_valid", lambda self, doc: False)
    [finding] = validator.findings(JOB, HERE)
    assert finding.kind == "violation"
    assert "lists no error" in finding.message


def _write(tmp_path: Path, name: str, doc: Any) -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def test_cli_prints_violations_with_pointers_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`conformance validate FILE --schema NAME` prints the pointer, values and the doc rule."""
    good = _write(tmp_path, "good.json", JOB)
    bad = _write(tmp_path, "bad.json", {**JOB, "ErrorMessage": "disk\tfull"})
    assert main(["validate", str(good), str(bad), "--schema", "kendra.DataSourceSyncJob"]) == 1
    out = capsys.readouterr().out
    assert f"ok    {good}" in out
    assert f"FAIL  {bad}  [kendra.DataSourceSyncJob]" in out
    assert "violation  /ErrorMessage:" in out
    assert "kendra-DataSourceSyncJob.md, Contents, line 28" in out
    assert out.rstrip().endswith("2 documents: 1 violation")


def test_cli_drift_alone_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Drift is reported but does not fail the run."""
    path = _write(tmp_path, "new.json", {**JOB, "Status": "QUEUED"})
    assert main(["validate", str(path), "--schema", "kendra.DataSourceSyncJob"]) == 0
    assert "enum-drift  /Status" in capsys.readouterr().out


def test_cli_unreadable_files_are_reported_and_the_rest_still_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Malformed JSON gets line and column, a missing file its name; other files still run."""
    broken = _write(tmp_path, "broken.json", '{\n  "Status": "FAILED",\n  "ExecutionId": \n}')
    empty = _write(tmp_path, "empty.json", "")
    nan = _write(tmp_path, "nan.json", '{"StartTime": NaN}')
    good = _write(tmp_path, "good.json", JOB)
    missing = tmp_path / "missing.json"
    code = main(
        [
            "validate",
            str(broken),
            str(empty),
            str(nan),
            str(missing),
            str(good),
            "--schema",
            "kendra.DataSourceSyncJob",
        ]
    )
    assert code == 2
    out = capsys.readouterr().out
    assert f"{broken}:4:1" in out
    assert "empty file" in out
    assert "NaN is not a JSON number" in out
    assert "no such file" in out
    assert f"ok    {good}" in out
    assert "Traceback" not in out


def test_cli_unknown_schema_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown --schema exits 2 before reading any file, with a hint."""
    path = _write(tmp_path, "job.json", JOB)
    assert main(["validate", str(path), "--schema", "kendra.Job"]) == 2
    assert "no schema named 'kendra.Job'" in capsys.readouterr().err


def test_cli_validates_the_source_documents_examples(capsys: pytest.CaptureFixture[str]) -> None:
    """`validate --examples` validates every example of the source documents and exits 0."""
    assert main(["validate", "--examples"]) == 0
    out = capsys.readouterr().out
    expected = "graph-synchronizationStatus.md (JSON Example):75 example 1"
    assert f"ok    {expected}  [graph.synchronizationStatus]" in out
    assert "all conform" in out


def test_a_mistyped_enum_value_is_one_violation_not_also_drift() -> None:
    """An integer Status is a type violation; it is not reported as an unknown enum value too."""
    assert _kinds({"Status": 1}, "kendra.DataSourceSyncJob") == [("violation", "/Status")]


def test_bundled_recordings_validate_as_the_readme_shows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`conformance validate examples/` (the README's first command) exits 0 with one drift."""
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert main(["validate", "examples/"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("2 files, 5 documents: 1 enum-drift, 1 error-response")
    assert "enum-drift  /History/1/Status" in out


def test_drift_in_a_nullable_object_does_not_hide_a_violation_beside_it() -> None:
    """Inside an `anyOf [$ref, null]`, every error of the object branch is reported."""
    job = {
        "id": "j1",
        "status": {"code": "Paused2", "lastExecution": {"timeBegan": "yesterday"}},
    }
    assert sorted(_kinds(job, "graph.synchronizationJob")) == [
        ("enum-drift", "/status/code"),
        ("violation", "/status/lastExecution/timeBegan"),
    ]
