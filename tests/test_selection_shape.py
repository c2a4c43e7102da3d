"""Selection by shape never guesses: a schema is chosen only when it declares every property of
the document, is the only one that does, and has one of its own properties there; a drifted
document of a schema's type is still its (see ``conformance.selection``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import conformance
from conformance.pipeline import Options, Pipeline
from conformance.selection import Selector

CATALOG = conformance.default_catalog()

# Kendra DescribeDataSource: the old rule took it for a sync job (Status, ErrorMessage: 14%).
DESCRIBE_DATA_SOURCE = {
    "Id": "c6a7d8b2-0000-4b3e-9c1d-5e8f7a6b4c3d",
    "IndexId": "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
    "Name": "docs",
    "Type": "S3",
    "Configuration": {"S3Configuration": {"BucketName": "docs"}},
    "Description": "the docs bucket",
    "Status": "FAILED",
    "CreatedAt": 1763643600,
    "UpdatedAt": 1763647200,
    "RoleArn": "arn:aws:iam::123456789012:role/kendra",
    "LanguageCode": "en",
    "ErrorMessage": "The bucket does not exist.",
    "Schedule": "",
    "VpcConfiguration": {"SubnetIds": [], "SecurityGroupIds": []},
}
# Graph /me: no context rule places it, and the old rule took it for a sync job (its `id`).
GRAPH_ME = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    "displayName": "Adele Vance",
    "mail": "AdeleV@contoso.com",
    "userPrincipalName": "AdeleV@contoso.com",
}
# An OAuth token response.
TOKEN = {
    "token_type": "Bearer",
    "scope": "https://graph.microsoft.com/.default",
    "expires_in": 3599,
    "ext_expires_in": 3599,
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln",
}


def _example(name: str) -> dict[str, Any]:
    example = CATALOG.schema(name)["examples"][0]
    assert isinstance(example, dict)
    return dict(example)


def _select(value: Any) -> Any:
    return Selector(CATALOG).select_value(value, "doc.json")


def _examples() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for entry in CATALOG:
        for i, example in enumerate(CATALOG.schema(entry.name).get("examples", ())):
            if isinstance(example, dict):
                found.append(pytest.param(entry.name, example, id=f"{entry.name}-{i}"))
    return found


def test_a_kendra_describe_data_source_body_is_not_a_job() -> None:
    """Two of a job's properties among fourteen are no job: unselected, and the reason says
    which properties the job schema does not declare and why this is not drift."""
    selection = _select(DESCRIBE_DATA_SOURCE)
    assert selection.schema is None, selection

    assert "kendra.DataSourceSyncJob: does not declare Configuration, CreatedAt, " in (
        selection.reason
    )
    assert "not drift: 2 of its own properties, not 3" in selection.reason
    assert selection.reason.endswith("pass --schema")


def test_a_graph_user_is_not_a_synchronization_job() -> None:
    selection = _select(GRAPH_ME)
    assert selection.schema is None, selection
    assert (
        "graph.synchronizationJob: does not declare displayName, mail, userPrincipalName"
        in selection.reason
    )
    # The annotation is not a property of the document, and is not listed.
    assert "@odata.context" not in selection.reason


def test_an_oauth_token_response_is_unselected() -> None:
    """No schema declares a token response's properties (the old rule refused this one too)."""
    selection = _select(TOKEN)
    assert selection.schema is None
    assert "no schema declares any of its properties (access_token, expires_in" in (
        selection.reason
    )


def test_an_oauth_token_response_with_a_state_and_an_id_is_unselected() -> None:
    """With properties a schema also declares (a `state` echoed, an `id`), it is not guessed."""
    selection = _select({**TOKEN, "state": "12345", "id": "token-1"})
    assert selection.schema is None, selection
    assert "graph.synchronizationJob: does not declare access_token, expires_in" in (
        selection.reason
    )
    assert "graph.synchronizationSchedule: does not declare" in selection.reason


@pytest.mark.parametrize(("name", "example"), _examples())
def test_the_shipped_examples_are_still_selected_by_shape(
    name: str, example: dict[str, Any]
) -> None:
    selection = _select(example)
    assert selection.schema == name, selection
    assert selection.reason == f"shape: 100% of its properties are {name}'s"


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("kendra.DataSourceSyncJob", {"SyncMode": "FULL"}),
        ("graph.synchronizationStatus", {"provisioningInsights": []}),
        ("kendra.ListDataSourceSyncJobsResponse", {"access_token": "x"}),
    ],
)
def test_a_drifted_document_is_still_its_schemas(name: str, extra: dict[str, Any]) -> None:
    """One new property on a document with enough of a schema's own properties: still that
    schema's, and the reason says it is drift."""
    doc = {**_example(name), **extra}
    selection = _select(doc)
    assert selection.schema == name, selection
    for key in extra:
        assert f"property drift: it does not declare {key}" in selection.reason


def test_a_minimal_drifted_kendra_job_is_still_a_job(tmp_path: Path) -> None:
    """Three of a job's own properties and one new one (75%): a job, with the drift reported."""
    path = tmp_path / "job.json"
    path.write_text(
        json.dumps(
            {"ExecutionId": "e1", "StartTime": 1763643600, "Status": "SUCCEEDED", "Mode": "FULL"}
        )
    )
    [result] = Pipeline(Options()).run([str(path)])
    assert result.schema == "kendra.DataSourceSyncJob", result.selection
    assert [(f.kind, f.pointer) for f in result.findings] == [("property-drift", "/Mode")]


def test_drift_is_refused_when_another_schema_has_its_own_properties_there() -> None:
    doc = {**_example("kendra.DataSourceSyncJob"), "templateId": "AWSKendra"}
    selection = _select(doc)
    assert selection.schema is None, selection
    assert "graph.synchronizationJob has own properties there too" in selection.reason
    assert "graph.synchronizationJob: does not declare ExecutionId, Metrics, StartTime, +1" in (
        selection.reason
    )


def test_an_ambiguous_document_names_both_candidates() -> None:
    selection = _select({"state": "Active"})
    assert selection.schema is None
    assert (
        "fit graph.synchronizationSchedule, graph.synchronizationTaskExecution equally"
        in selection.reason
    )


def test_a_schema_declaring_all_but_none_of_its_own_is_not_guessed() -> None:
    """`error` and `state` are both a task execution's, but neither is its alone (a quarantine
    has an error, a schedule a state): the old rule chose it at 100%, this one names all three."""
    selection = _select({"error": None, "state": "Succeeded"})
    assert selection.schema is None, selection
    assert "graph.synchronizationTaskExecution: declares them all, but none of its own" in (
        selection.reason
    )
    assert "graph.synchronizationQuarantine: does not declare state" in selection.reason
    assert "graph.synchronizationSchedule: does not declare error" in selection.reason


def test_explain_selection_prints_the_refusals(tmp_path: Path) -> None:
    path = tmp_path / "describe.json"
    path.write_text(json.dumps(DESCRIBE_DATA_SOURCE))
    [result] = Pipeline(Options()).run([str(path)])
    assert result.schema is None
    assert [f.kind for f in result.findings] == ["unselected"]
    assert "kendra.DataSourceSyncJob: does not declare" in result.findings[0].message


def test_an_ndjson_run_does_not_carry_a_document_that_is_not_its_kind(tmp_path: Path) -> None:
    """The bulk loop keeps a run of jobs on one schema (Selector.holds); a DescribeDataSource
    line with a job's own properties is still judged by the rule, and is unselected."""
    job = _example("kendra.DataSourceSyncJob")
    path = tmp_path / "jobs.ndjson"
    lines = [job, job, DESCRIBE_DATA_SOURCE, job]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    results = list(Pipeline(Options()).run([str(path)]))
    schemas = [(r.location.line, r.schema) for r in results]
    assert schemas == [(1, "kendra.DataSourceSyncJob"), (3, None), (4, "kendra.DataSourceSyncJob")]
    assert [f.kind for f in results[1].findings] == ["unselected"]


@pytest.mark.parametrize(("name", "example"), _examples())
def test_holds_agrees_with_selection(name: str, example: dict[str, Any]) -> None:
    """Where the bulk loop would keep a run without selecting, selecting gives the same."""
    selector = Selector(CATALOG)
    selection = selector.select_value(example, "doc.ndjson")
    holds = selector.holds(selection, "doc.ndjson")
    if holds is None:
        return
    # False is safe (the line is selected again); True must be what selecting gives.
    if holds(example):
        assert selector.select_value(example, "doc.ndjson") == selection
    for key in example:
        if "@odata." in key:
            continue
        alone = {key: example[key]}
        if holds(alone):
            assert selector.select_value(alone, "doc.ndjson") == selection
