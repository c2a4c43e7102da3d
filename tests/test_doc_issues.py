"""Each known defect of the seed documents is handled on purpose and recorded in the schemas."""

from __future__ import annotations

from typing import Any

from conformance import Location, default_catalog
from conformance.validation import Engine

CATALOG = default_catalog()
ENGINE = Engine()


def _prop(schema: str, name: str) -> dict[str, Any]:
    prop: dict[str, Any] = CATALOG.schema(schema)["properties"][name]
    return prop


def _issues(node: dict[str, Any]) -> str:
    return " | ".join(node.get("x-doc-issues", []))


def _valid(doc: Any, schema: str) -> bool:
    return ENGINE.validator(schema).is_valid(doc)


def test_representation_string_vs_table_date_time_offset() -> None:
    """The representation's String loses to the table's DateTimeOffset: a date-time is required."""
    prop = _prop("graph.synchronizationStatus", "steadyStateFirstAchievedTime")
    assert prop["format"] == "date-time"
    assert "shows String; the table says DateTimeOffset" in _issues(prop)
    assert not _valid({"steadyStateFirstAchievedTime": "yesterday"}, "graph.synchronizationStatus")


def test_count_typed_number_is_an_integer() -> None:
    """countSuccessiveCompleteFailures is typed Number but is a count: 1.5 is a violation."""
    prop = _prop("graph.synchronizationStatus", "countSuccessiveCompleteFailures")
    assert prop["type"] == "integer"
    assert "typed Number" in _issues(prop)
    assert _valid({"countSuccessiveCompleteFailures": 3}, "graph.synchronizationStatus")
    assert not _valid({"countSuccessiveCompleteFailures": 1.5}, "graph.synchronizationStatus")


def test_status_code_link_to_a_missing_page_is_filled_from_the_model() -> None:
    """statusCode's page never existed: its values come from the CSDL enum, with the source named
    and the link recorded."""
    prop = _prop("graph.synchronizationStatus", "code")
    assert prop["$ref"] == "urn:sync-conformance:graph.synchronizationStatusCode"
    assert "synchronization-statusCode.md" in _issues(prop)
    code = CATALOG.schema("graph.synchronizationStatusCode")
    assert code["enum"] == ["NotConfigured", "NotRun", "Active", "Paused", "Quarantine"]
    assert "CSDL" in code["x-source"]["origin"]
    assert "never existed" in _issues(code)
    [finding] = ENGINE.findings({"code": "Sleeping"}, "graph.synchronizationStatus", Location("t"))
    assert (finding.kind, finding.pointer) == ("enum-drift", "/code")


def test_progress_page_annotation_naming_synchronization_status() -> None:
    """The progress page's annotation names synchronizationStatus; the title's type is derived."""
    schema = CATALOG.schema("graph.synchronizationProgress")
    assert schema["title"] == "synchronizationProgress"
    assert "names microsoft.graph.synchronizationStatus" in _issues(schema)
    assert set(schema["properties"]) == {
        "completedUnits",
        "progressObservationDateTime",
        "totalUnits",
        "units",
    }


def test_kendra_error_message_mentions_a_status_that_does_not_exist() -> None:
    """ErrorMessage speaks of Status ERROR; the valid values win and ERROR is drift."""
    assert "Status ERROR" in _issues(_prop("kendra.DataSourceSyncJob", "ErrorMessage"))
    assert "ERROR" not in _prop("kendra.DataSourceSyncJob", "Status")["enum"]
    [finding] = ENGINE.findings({"Status": "ERROR"}, "kendra.DataSourceSyncJob", Location("t"))
    assert finding.kind == "enum-drift"


def test_kendra_metrics_description_copied_from_another_field_is_replaced() -> None:
    """The Metrics description is replaced from the overlay; the original stays in the record."""
    prop = _prop("kendra.DataSourceSyncJob", "Metrics")
    assert prop["description"].startswith("Counts of the documents")
    assert "Maps a batch delete document request" in _issues(prop)
    assert "botocore" in _issues(prop)


def test_null_nested_objects_of_the_graph_example() -> None:
    """The example's null lastSuccessfulExecution: the model says nested objects may be null."""
    prop = _prop("graph.synchronizationStatus", "lastSuccessfulExecution")
    assert {"type": "null"} in prop["anyOf"]
    assert prop["x-model"]["document"].endswith(".csdl.xml")
    assert _valid(
        {"lastSuccessfulExecution": None, "quarantine": None}, "graph.synchronizationStatus"
    )


def test_representation_quarantine_typed_as_job_execution() -> None:
    """The representation shows quarantine as a job execution; the table's type is followed."""
    prop = _prop("graph.synchronizationStatus", "quarantine")
    assert prop["anyOf"][0]["$ref"] == "urn:sync-conformance:graph.synchronizationQuarantine"
    assert "synchronizationJobExecution" in _issues(prop)


def test_synchronization_error_is_read_from_the_shape_in_a_description() -> None:
    """synchronizationError has no section; its three properties come from the quoted shape."""
    schema = CATALOG.schema("graph.synchronizationError")
    assert set(schema["properties"]) == {"code", "message", "tenantActionable"}
    assert schema["properties"]["tenantActionable"]["type"] == "boolean"
    assert "no section or page of its own" in _issues(schema)


def test_metrics_pattern_is_anchored_and_the_original_kept() -> None:
    """botocore's unanchored MetricValue pattern is anchored; the original is in the provenance."""
    prop = _prop("kendra.DataSourceSyncJobMetrics", "DocumentsAdded")
    assert prop["pattern"] == "^(?:(([1-9][0-9]*)|0))$"
    assert prop["x-source"]["pattern_original"] == "(([1-9][0-9]*)|0)"
    assert set(CATALOG.schema("kendra.DataSourceSyncJobMetrics")["properties"]) == {
        "DocumentsAdded",
        "DocumentsModified",
        "DocumentsDeleted",
        "DocumentsFailed",
        "DocumentsScanned",
    }
