"""The deriver on pages it has never seen, written here, and on the shipped sources."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from conformance.cli import main
from conformance.derive import Page, derive_pages, derive_sources, differences
from conformance.errors import DerivationError

ROOT = Path(__file__).resolve().parents[1]

GRAPH_PAGE = """\
---
title: "widgetRun resource type"
---

# widgetRun resource type

Describes one run of a [widget](widget.md).

## Properties

| Property | Type | Description |
|:---------|:-----|:------------|
|id|String|Identifier of the run.|
|attempts|Int32|How many attempts were made.|
|bytesMoved|Int64|Bytes moved so far.|
|numberOfRetries|Number|Number of retries so far.|
|ratio|Number|A ratio of progress.|
|startedDateTime|DateTimeOffset|When the run started.|
|lastSeen|String (DateTime)|When the run was last seen.|
|tags|String collection|Free tags.|
|countsByKind|KeyValuePair<string,integer> collection|Counts by kind.|
|outcome|[widgetOutcome](#widgetoutcome)|How the run ended.|
|history|[widgetOutcome](#widgetoutcome) collection|Earlier outcomes.|

### widgetOutcome

The outcome of a widget run.

| Property | Type | Description |
|:---------|:-----|:------------|
|state|String|The final state.|
|finished|Boolean|`true` when the run finished.|

## JSON representation

```json
{
  "id": "String",
  "attempts": "Int32",
  "startedDateTime": "String",
  "outcome": {"@odata.type": "microsoft.graph.somethingElse"}
}
```

## Example

```json
{
  "id": "r1",
  "attempts": 2,
  "startedDateTime": "2024-05-01T10:00:00.1234567Z",
  "outcome": {"state": "done", "finished": true},
  "history": [{"state": "failed", "finished": false}]
}
```
"""

AWS_PAGE = """\
# WidgetJob<a name="API_WidgetJob"></a>

Describes a widget job\\.

## Contents<a name="API_WidgetJob_Contents"></a>

 **JobId**   <a name="Acme-Type-WidgetJob-JobId"></a>
The identifier of the job\\.
Type: String
Length Constraints: Minimum length of 1\\. Maximum length of 36\\.
Pattern: `[a-z0-9-]+`
Required: Yes

 **State**   <a name="Acme-Type-WidgetJob-State"></a>
The state\\. If the `State` field is set to `BROKEN`, look elsewhere\\.
Type: String
Valid Values:` RUNNING | DONE`
Required: No

 **Retries**   <a name="Acme-Type-WidgetJob-Retries"></a>
How often it retried\\.
Type: Integer
Valid Range: Minimum value of 0\\. Maximum value of 10\\.
Required: No

 **Labels**   <a name="Acme-Type-WidgetJob-Labels"></a>
Labels\\.
Type: Array of strings
Array Members: Minimum number of 1 item\\. Maximum number of 5 items\\.
Length Constraints: Minimum length of 1\\. Maximum length of 20\\.
Required: No

 **StartedAt**   <a name="Acme-Type-WidgetJob-StartedAt"></a>
When it started\\.
Type: Timestamp
Required: No
"""


def _derive(*pages: tuple[str, str]) -> dict[str, dict[str, Any]]:
    return derive_pages([Page(name, text) for name, text in pages])


def _valid(schemas: dict[str, dict[str, Any]], name: str, doc: Any) -> bool:
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    validator = jsonschema_rs.validator_for(schemas[name], registry=registry, validate_formats=True)
    return bool(validator.is_valid(doc))


def test_graph_page_types_map_as_the_type_table_says() -> None:
    """Every Graph type word of the README's table maps to its JSON Schema."""
    schemas = _derive(("widget.md", GRAPH_PAGE))
    assert set(schemas) == {"graph.widgetRun", "graph.widgetOutcome"}
    props = schemas["graph.widgetRun"]["properties"]
    assert props["id"]["type"] == "string"
    assert (props["attempts"]["minimum"], props["attempts"]["maximum"]) == (-(2**31), 2**31 - 1)
    assert props["bytesMoved"]["maximum"] == 2**63 - 1
    assert props["numberOfRetries"]["type"] == "integer"  # Number used for a count
    assert props["ratio"]["type"] == "number"  # Number that is not a count
    assert props["startedDateTime"]["format"] == "date-time"
    assert props["lastSeen"]["format"] == "date-time"
    assert props["tags"] == {**props["tags"], "type": "array", "items": {"type": "string"}}
    assert props["countsByKind"]["items"]["properties"]["value"] == {"type": "integer"}
    assert props["outcome"]["anyOf"] == [
        {"$ref": "urn:sync-conformance:graph.widgetOutcome"},
        {"type": "null"},
    ]
    assert props["history"]["items"] == {"$ref": "urn:sync-conformance:graph.widgetOutcome"}


def test_graph_page_conventions() -> None:
    """Schemas carry $id, title, description, x-source per property, closed objects with OData."""
    schema = _derive(("widget.md", GRAPH_PAGE))["graph.widgetRun"]
    assert schema["$id"] == "urn:sync-conformance:graph.widgetRun"
    assert schema["title"] == "widgetRun"
    assert schema["description"] == "Describes one run of a widget."
    assert schema["additionalProperties"] is False
    assert schema["properties"]["attempts"]["x-source"] == {
        "document": "widget.md",
        "section": "Properties",
        "row": 2,
        "line": 14,
    }
    schemas = _derive(("widget.md", GRAPH_PAGE))
    assert _valid(
        schemas, "graph.widgetRun", {"id": "x", "@odata.type": "#microsoft.graph.widgetRun"}
    )
    assert not _valid(schemas, "graph.widgetRun", {"id": "x", "surprise": 1})


def test_graph_representation_disagreements_are_recorded() -> None:
    """Where the JSON representation contradicts the table, the table wins and it is recorded."""
    props = _derive(("widget.md", GRAPH_PAGE))["graph.widgetRun"]["properties"]
    assert props["startedDateTime"]["format"] == "date-time"
    assert any("shows String" in i for i in props["startedDateTime"]["x-doc-issues"])
    assert any("somethingElse" in i for i in props["outcome"]["x-doc-issues"])
    assert "x-doc-issues" not in props["attempts"]


def test_graph_examples_validate_and_reach_nested_types() -> None:
    """The page's example is kept on its schema, and its nested objects on theirs."""
    schemas = _derive(("widget.md", GRAPH_PAGE))
    run, outcome = schemas["graph.widgetRun"], schemas["graph.widgetOutcome"]
    assert len(run["examples"]) == 1
    assert {"state": "failed", "finished": False} in outcome["examples"]
    for schema in schemas.values():
        for example in schema.get("examples", []):
            assert _valid(schemas, schema["x-catalog"]["name"], example)


def test_aws_page_types_and_constraints() -> None:
    """AWS types, lengths, ranges, array members, valid values and required map to JSON Schema."""
    schema = _derive(("API_WidgetJob.md", AWS_PAGE))["acme.WidgetJob"]
    props = schema["properties"]
    assert schema["required"] == ["JobId"]
    assert schema["description"] == "Describes a widget job."
    assert (props["JobId"]["minLength"], props["JobId"]["maxLength"]) == (1, 36)
    assert props["State"]["enum"] == ["RUNNING", "DONE"]
    assert (props["Retries"]["minimum"], props["Retries"]["maximum"]) == (0, 10)
    assert props["Labels"]["minItems"] == 1
    assert props["Labels"]["maxItems"] == 5
    assert props["Labels"]["items"]["maxLength"] == 20
    assert props["StartedAt"]["type"] == "number"
    assert props["JobId"]["x-source"]["line"] == 7


def test_aws_unanchored_pattern_is_anchored_with_the_original_kept() -> None:
    """AWS means a pattern as a whole-string match: the schema anchors it and keeps the original."""
    schemas = _derive(("API_WidgetJob.md", AWS_PAGE))
    job_id = schemas["acme.WidgetJob"]["properties"]["JobId"]
    assert job_id["pattern"] == "^(?:[a-z0-9-]+)$"
    assert job_id["x-source"]["pattern_original"] == "[a-z0-9-]+"
    assert _valid(schemas, "acme.WidgetJob", {"JobId": "ab-1"})
    assert not _valid(schemas, "acme.WidgetJob", {"JobId": "AB 1"})


def test_aws_prose_naming_a_value_outside_the_enum_is_recorded() -> None:
    """A description that speaks of a value its field cannot take becomes a doc issue."""
    state = _derive(("API_WidgetJob.md", AWS_PAGE))["acme.WidgetJob"]["properties"]["State"]
    assert any("BROKEN" in issue for issue in state["x-doc-issues"])


@pytest.mark.parametrize(
    ("page", "line", "words"),
    [
        (GRAPH_PAGE.replace("|Int64|", "|Fraction64|"), 15, "'Fraction64'"),
        (
            GRAPH_PAGE.replace("[widgetOutcome](#widgetoutcome)|How", "[nowhere](nowhere.md)|How"),
            22,
            "nowhere",
        ),
        (AWS_PAGE.replace("Type: Timestamp", "Type: Quaternion"), 35, "'Quaternion'"),
        (AWS_PAGE.replace("Valid Range:", "Valid Mood:"), 23, "'Valid Mood'"),
        (
            AWS_PAGE.replace("Minimum value of 0\\. Maximum value of 10\\.", "Whatever\\."),
            23,
            "Valid Range",
        ),
    ],
    ids=[
        "graph-unknown-type",
        "graph-unknown-link",
        "aws-unknown-type",
        "aws-unknown-constraint",
        "aws-bad-range",
    ],
)
def test_what_the_deriver_does_not_understand_is_an_error_with_file_and_line(
    page: str, line: int, words: str
) -> None:
    """An unknown type or constraint names the file and line; it never becomes an empty schema."""
    with pytest.raises(DerivationError) as caught:
        _derive(("page.md", page))
    assert caught.value.document == "page.md"
    assert caught.value.line == line
    assert words in str(caught.value)


def test_a_page_of_neither_format_is_an_error() -> None:
    """Text that is neither page format is refused with a message saying what was expected."""
    with pytest.raises(DerivationError, match="not a page format"):
        _derive(("notes.md", "# Notes\n\nJust prose.\n"))


def test_cli_derives_unseen_pages_into_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`conformance derive PAGE... --out DIR` writes one schema file per type, named after it."""
    (tmp_path / "widget.md").write_text(GRAPH_PAGE, encoding="utf-8")
    (tmp_path / "API_WidgetJob.md").write_text(AWS_PAGE, encoding="utf-8")
    out = tmp_path / "out"
    code = main(
        [
            "derive",
            str(tmp_path / "widget.md"),
            str(tmp_path / "API_WidgetJob.md"),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "acme.WidgetJob.json",
        "graph.widgetOutcome.json",
        "graph.widgetRun.json",
    ]
    assert json.loads((out / "acme.WidgetJob.json").read_text())["title"] == "WidgetJob"


def test_cli_derive_error_is_one_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A derivation error exits 2 with the file and line, not a traceback."""
    page = tmp_path / "bad.md"
    page.write_text(AWS_PAGE.replace("Type: Timestamp", "Type: Quaternion"), encoding="utf-8")
    assert main(["derive", str(page), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "bad.md:35:" in err
    assert "Traceback" not in err


def test_committed_schemas_are_what_their_sources_derive() -> None:
    """`derive --check` reproduces the committed schemas byte for byte."""
    assert differences(derive_sources(ROOT / "schemas" / "sources"), ROOT / "schemas") == []


def test_check_reports_a_schema_edited_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A schema that no longer matches its sources fails `derive --check` with exit 1."""
    shutil.copytree(
        ROOT / "schemas", tmp_path / "schemas", ignore=shutil.ignore_patterns("__pycache__")
    )
    target = tmp_path / "schemas" / "kendra.DataSourceSyncJob.json"
    target.write_text(target.read_text().replace('"maxLength": 2048', '"maxLength": 4096', 1))
    code = main(
        [
            "derive",
            "--check",
            "--sources",
            str(tmp_path / "schemas/sources"),
            "--out",
            str(tmp_path / "schemas"),
        ]
    )
    assert code == 1
    assert "kendra.DataSourceSyncJob.json: differs" in capsys.readouterr().out
