"""Captures as users have them (AWS CLI output, boto3 responses), validated in the wire form.

``aws kendra list-data-source-sync-jobs`` prints ISO 8601 timestamps and boto3 returns
``datetime`` objects with ``ResponseMetadata``, where the AWS JSON 1.1 wire (which the schemas
describe) has epoch seconds. ``validate --capture`` and the plugin's fixture convert them first,
and say so; without the conversion such a page fails, as it always did.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from conformance import Location
from conformance.captures import convert, detect, timestamp_members
from conformance.catalog import default_catalog
from conformance.cli import main
from conformance.documents import Document
from conformance.pipeline import Options, Pipeline

pytest_plugins = ("pytester",)

METRICS = {
    "DocumentsAdded": "12",
    "DocumentsModified": "0",
    "DocumentsDeleted": "0",
    "DocumentsFailed": "0",
    "DocumentsScanned": "12",
}
# What `aws kendra list-data-source-sync-jobs --output json` prints for two conforming jobs.
CLI_PAGE: dict[str, Any] = {
    "History": [
        {
            "ExecutionId": "6b1f0b3c-6a43-4f4e-9d1f-2a3c0b6e7d21",
            "StartTime": "2026-11-20T08:15:02.123000+00:00",
            "EndTime": "2026-11-20T09:20:00+01:00",
            "Status": "SUCCEEDED",
            "Metrics": METRICS,
        },
        {
            "ExecutionId": "0c7e52a4-3b8f-4d0e-8f66-7a0f7d2c9b10",
            "StartTime": "2026-11-21T08:15:02+00:00",
            "Status": "SYNCING",
        },
    ],
    "NextToken": "AAMA-EFRSURBSGh4",
}
START = dt.datetime(2026, 11, 20, 8, 15, 2, 123000, tzinfo=dt.UTC)


def _write(tmp_path: Path, doc: Any, name: str = "page.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=4), encoding="utf-8")
    return path


def _report(path: Path, *options: str) -> tuple[int, dict[str, Any]]:
    from io import StringIO

    out = StringIO()
    code = main(["validate", str(path), "--format", "json", *options], out=out)
    return code, json.loads(out.getvalue())


def test_timestamps_are_read_from_the_schemas() -> None:
    assert timestamp_members(default_catalog()) == {"StartTime", "EndTime"}


def test_an_aws_cli_page_conforms_with_the_option_and_fails_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, CLI_PAGE)
    code, report = _report(path)
    assert code == 1
    found = [(f["pointer"], f["kind"]) for f in report["results"][0]["findings"]]
    assert ("/History/0/StartTime", "violation") in found
    assert report["results"][0]["converted"] is None

    for capture in ("aws-cli", "auto"):
        code, report = _report(path, "--capture", capture)
        assert code == 0, report
        [result] = report["results"]
        assert result["status"] == "ok"
        assert result["converted"] == "converted from AWS CLI output (3 timestamps)"

    assert main(["validate", str(path), "--capture", "auto"]) == 0
    assert "converted from AWS CLI output (3 timestamps)" in capsys.readouterr().out


def test_epoch_seconds_keep_the_fraction_as_printed() -> None:
    members = timestamp_members(default_catalog())
    converted = convert(CLI_PAGE, "aws-cli", members)
    first, second = converted.value["History"]
    assert first["StartTime"] == 1795162502.123
    assert first["StartTime"] == START.timestamp()
    assert first["EndTime"] == 1795162800
    assert isinstance(first["EndTime"], int)
    assert second["StartTime"] == 1795248902
    assert converted.value["NextToken"] == CLI_PAGE["NextToken"]
    assert CLI_PAGE["History"][0]["StartTime"].startswith("2026")  # the input is not changed


def test_auto_detects_only_what_is_certain() -> None:
    members = timestamp_members(default_catalog())
    assert detect(CLI_PAGE, members) == "aws-cli"
    wire = {"History": [{"ExecutionId": "e", "StartTime": 1795162502, "Status": "SUCCEEDED"}]}
    assert detect(wire, members) == "wire"
    # No offset: the instant is not known, so the document is not taken for CLI output.
    naive = {"History": [{"ExecutionId": "e", "StartTime": "2026-11-20T08:15:02"}]}
    assert detect(naive, members) == "wire"
    assert detect({**wire, "ResponseMetadata": {"HTTPStatusCode": 200}}, members) == "boto3"


def test_garbage_timestamps_are_violations_not_crashes(tmp_path: Path) -> None:
    page = json.loads(json.dumps(CLI_PAGE))
    page["History"][0]["StartTime"] = "yesterday-ish"
    page["History"][1]["StartTime"] = "2026-13-45T99:00:00+00:00"
    code, report = _report(_write(tmp_path, page), "--capture", "aws-cli")
    assert code == 1
    [result] = report["results"]
    found = [(f["kind"], f["pointer"]) for f in result["findings"]]
    assert sorted(found) == [
        ("violation", "/History/0/StartTime"),
        ("violation", "/History/1/StartTime"),
    ]
    # The one timestamp that was one is converted, and the report says so.
    assert result["converted"] == "converted from AWS CLI output (1 timestamp)"


def test_findings_of_a_converted_document_say_it_was_converted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = json.loads(json.dumps(CLI_PAGE))
    page["History"][1]["Status"] = 7
    assert main(["validate", str(_write(tmp_path, page)), "--capture", "aws-cli"]) == 1
    out = capsys.readouterr().out
    head, finding = out.split("\n")[1:4:2]
    assert head.startswith("FAIL")
    assert "converted from AWS CLI output (3 timestamps)" in out.split("\n")[2]
    assert "/History/1/Status" in finding


def test_ndjson_lines_are_converted_too(tmp_path: Path) -> None:
    path = tmp_path / "pages.ndjson"
    path.write_text(json.dumps(CLI_PAGE) + "\n" + json.dumps(CLI_PAGE) + "\n", encoding="utf-8")
    code, report = _report(path, "--capture", "aws-cli")
    assert code == 0
    assert [r["converted"] for r in report["results"]] == [
        "converted from AWS CLI output (3 timestamps)"
    ] * 2


def test_a_boto3_response_is_converted_by_the_pipeline() -> None:
    response = {
        "History": [{"ExecutionId": "e", "StartTime": START, "Status": "SUCCEEDED"}],
        "ResponseMetadata": {"RequestId": "r", "HTTPStatusCode": 200, "RetryAttempts": 0},
    }
    pipeline = Pipeline(Options(capture="auto"))
    result = pipeline.check(Document(response, Location("response")))
    assert result.conforms, result.findings
    assert (
        result.converted
        == "converted from a boto3 response (1 timestamp, ResponseMetadata dropped)"
    )


def test_a_python_value_no_json_holds_is_a_finding() -> None:
    doc = {"History": [{"ExecutionId": "e", "StartTime": 1, "Status": {"SUCCEEDED"}}]}
    result = Pipeline().check(Document(doc, Location("value")))
    [finding] = result.findings
    assert (finding.kind, finding.pointer) == ("unreadable", "/History/0/Status")
    assert "Python set" in finding.message


BOTO3_TEST = """
import datetime as dt

START = dt.datetime(2026, 11, 20, 8, 15, 2, 123000, tzinfo=dt.timezone.utc)
END = dt.datetime(2026, 11, 20, 9, 20, tzinfo=dt.timezone(dt.timedelta(hours=1)))
METADATA = {
    "RequestId": "5d1c2f3a-0000-4000-8000-000000000000",
    "HTTPStatusCode": 200,
    "HTTPHeaders": {"content-type": "application/x-amz-json-1.1"},
    "RetryAttempts": 0,
}


def response(status):
    return {
        "History": [
            {"ExecutionId": "e1", "StartTime": START, "EndTime": END, "Status": status},
            {"ExecutionId": "e2", "StartTime": END + dt.timedelta(hours=1), "Status": "SYNCING"},
        ],
        "ResponseMetadata": METADATA,
    }


def test_good(conformance):
    conformance.assert_conforms(response("SUCCEEDED"))
    assert conformance.validate(response("SUCCEEDED")) == []
    [result] = conformance.results
    assert result.converted == (
        "converted from a boto3 response (3 timestamps, ResponseMetadata dropped)"
    )


def test_bad(conformance):
    conformance.assert_conforms(response(7))


def test_naive(conformance):
    doc = response("SUCCEEDED")
    doc["History"][1]["StartTime"] = dt.datetime(2026, 11, 20)
    conformance.assert_conforms(doc)
"""


def test_the_plugin_takes_a_boto3_response(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_boto3=BOTO3_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    out = result.stdout.str()
    assert "conformance: 1 violation in" in out
    assert "converted from a boto3 response (2 timestamps, ResponseMetadata dropped)" in out
    assert "violation  /History/0/Status" in out
    # A naive datetime has no instant: a finding that says what it is, not an engine error.
    assert "unreadable  /History/1/StartTime: a Python datetime is not a JSON value" in out
    assert "Unsupported type" not in out
    assert "Traceback" not in out
    assert "conformance/pipeline.py" not in out


def test_botocore_parsed_wire_converts_back_to_the_wire() -> None:
    """What botocore makes of a wire page (tz-aware datetimes, ResponseMetadata) converts back."""
    botocore_session = pytest.importorskip("botocore.session")
    from botocore.parsers import create_parser

    model = botocore_session.get_session().get_service_model("kendra")
    shape = model.operation_model("ListDataSourceSyncJobs").output_shape
    wire = {
        "History": [
            {
                "ExecutionId": "e",
                "StartTime": 1795162502.123,
                "EndTime": 1795162800,
                "Status": "SUCCEEDED",
            }
        ],
        "NextToken": "t",
    }
    http = {
        "status_code": 200,
        "headers": {"x-amzn-requestid": "r"},
        "body": json.dumps(wire).encode(),
    }
    response = create_parser(model.metadata["protocol"]).parse(http, shape)
    assert isinstance(response["History"][0]["StartTime"], dt.datetime)
    result = Pipeline().check(Document(response, Location("response")), capture="boto3")
    assert result.conforms, result.findings
    converted = convert(response, "boto3", timestamp_members(default_catalog()))
    assert converted.value == wire


def test_every_format_says_a_document_was_converted(tmp_path: Path) -> None:
    """junit, sarif and github carry the conversion note beside the findings, as text does."""
    from io import StringIO

    page = json.loads(json.dumps(CLI_PAGE))
    page["History"][1]["Status"] = 7
    path = _write(tmp_path, page)
    note = "converted from AWS CLI output (3 timestamps)"
    for fmt in ("junit", "sarif", "github"):
        out = StringIO()
        assert main(["validate", str(path), "--capture", "aws-cli", "--format", fmt], out=out) == 1
        assert note in out.getvalue(), fmt
    out = StringIO()
    main(["validate", str(path), "--capture", "aws-cli", "--format", "sarif"], out=out)
    [result] = json.loads(out.getvalue())["runs"][0]["results"]
    assert result["properties"]["converted"] == note


def test_the_project_can_say_what_produced_its_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """[tool.conformance] capture = "aws-cli" converts as --capture does; the option wins; a
    value that is no capture is refused with the key, the values and exit 2."""
    path = _write(tmp_path, CLI_PAGE)
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.conformance]\ncapture = "aws-cli"\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "converted from AWS CLI output" in capsys.readouterr().out
    assert main(["validate", str(path), "--capture", "wire"]) == 1
    capsys.readouterr()
    config.write_text('[tool.conformance]\ncapture = "cli"\n', encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert '[tool.conformance] capture must be one of "wire", "aws-cli", "boto3", "auto"' in err
    assert 'got "cli"' in err
