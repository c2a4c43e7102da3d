"""The page readers on today's dialects: AWS data-type and operation pages, Graph pages and enums.

The seeds in ``schemas/sources`` are 2017-2020 pages; the pages published today put anchors on
lines of their own, write `` ** Name ** ``, describe operations, put ``Namespace:`` lines under the
title, show literal values in JSON representations and describe enums in tables of their own.
Every page here is written for these tests, in those formats, with wording of our own.
"""

from __future__ import annotations

import contextlib
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.derive import Page, derive_pages, read_page
from conformance.derive import markdown as md
from conformance.errors import DerivationError

URN = "urn:sync-conformance:"

# --- AWS: Kendra pages as the API Reference writes them today ------------------------------------

SYNC_JOB = """\
--------

# DataSourceSyncJob
<a name="API_DataSourceSyncJob"></a>

One run that brings the documents of a data source into an index.

## Contents
<a name="API_DataSourceSyncJob_Contents"></a>

 ** ErrorMessage **   <a name="Kendra-Type-DataSourceSyncJob-ErrorMessage"></a>
Why a run failed, in words.
Type: String
Length Constraints: Minimum length of 1. Maximum length of 2048.
Pattern: `^\\P{C}*$`
Required: No

 ** ExecutionId **   <a name="Kendra-Type-DataSourceSyncJob-ExecutionId"></a>
Names the run.
Type: String
Length Constraints: Minimum length of 1. Maximum length of 2048.
Required: Yes

 ** Metrics **   <a name="Kendra-Type-DataSourceSyncJob-Metrics"></a>
What the run did to documents.
Type: [ DataSourceSyncJobMetrics ](API_DataSourceSyncJobMetrics.md) object
Required: No

 ** StartTime **   <a name="Kendra-Type-DataSourceSyncJob-StartTime"></a>
When the run began, in epoch seconds.
Type: Timestamp
Required: No

 ** Status **   <a name="Kendra-Type-DataSourceSyncJob-Status"></a>
Where the run stands.
Type: String
Valid Values: `FAILED | SUCCEEDED | SYNCING | INCOMPLETE | STOPPING | ABORTED | SYNCING_INDEXING`
Required: No

## See Also
<a name="API_DataSourceSyncJob_SeeAlso"></a>

SDK pages for this type:
+  [SDK for Python](https://docs.aws.amazon.com/goto/boto3/kendra-2019-02-03/DataSourceSyncJob)
"""

METRICS = """\
---
title: DataSourceSyncJobMetrics
---

# DataSourceSyncJobMetrics
<a name="API_DataSourceSyncJobMetrics"></a>

Counts of the documents a run handled, as decimal strings.

## Contents
<a name="API_DataSourceSyncJobMetrics_Contents"></a>

 ** DocumentsAdded **   <a name="Kendra-Type-DataSourceSyncJobMetrics-DocumentsAdded"></a>
Documents the run added.
Type: String
Pattern: `(([1-9][0-9]*)|0)`
Required: No

 ** DocumentsFailed **   <a name="Kendra-Type-DataSourceSyncJobMetrics-DocumentsFailed"></a>
Documents the run could not take in.
Type: String
Pattern: `(([1-9][0-9]*)|0)`
Required: No
"""

LIST_JOBS = """\
# ListDataSourceSyncJobs
<a name="API_ListDataSourceSyncJobs"></a>

Returns the runs of one data source, newest first, a page at a time.

## Request Syntax
<a name="API_ListDataSourceSyncJobs_RequestSyntax"></a>

```
{
   "Id": "string",
   "MaxResults": number,
   "NextToken": "string"
}
```

## Request Parameters
<a name="API_ListDataSourceSyncJobs_RequestParameters"></a>

The request body holds the following JSON data.

 ** [Id](#syntax) **   <a name="kendra-ListDataSourceSyncJobs-request-Id"></a>
The data source whose runs to list.
Type: String
Required: Yes

 ** [MaxResults](#syntax) **   <a name="kendra-ListDataSourceSyncJobs-request-MaxResults"></a>
At most this many runs a page.
Type: Integer
Valid Range: Minimum value of 1. Maximum value of 10.
Required: No

## Response Syntax
<a name="API_ListDataSourceSyncJobs_ResponseSyntax"></a>

```
{
   "History": [
      {
         "ExecutionId": "string",
         "StartTime": number,
         "Status": "string"
      }
   ],
   "NextToken": "string"
}
```

## Response Elements
<a name="API_ListDataSourceSyncJobs_ResponseElements"></a>

When the call succeeds, the service answers with HTTP status 200.

The body holds the following JSON data.

 ** [History](#syntax) **   <a name="kendra-ListDataSourceSyncJobs-response-History"></a>
The runs on this page.
Type: Array of [DataSourceSyncJob](API_DataSourceSyncJob.md) objects

 ** [NextToken](#syntax) **   <a name="kendra-ListDataSourceSyncJobs-response-NextToken"></a>
Present when more runs remain: send it back to get them.
Type: String
Length Constraints: Minimum length of 1. Maximum length of 800.

## Errors
<a name="API_ListDataSourceSyncJobs_Errors"></a>

 ** ResourceNotFoundException **
No such data source.
HTTP Status Code: 400

## See Also
<a name="API_ListDataSourceSyncJobs_SeeAlso"></a>

+  [SDK for Python](https://docs.aws.amazon.com/goto/boto3/kendra-2019-02-03/ListDataSourceSyncJobs)
"""

START_JOB = """\
# StartDataSourceSyncJob
<a name="API_StartDataSourceSyncJob"></a>

Starts a run of a data source now.

## Request Syntax
<a name="API_StartDataSourceSyncJob_RequestSyntax"></a>

```
{
   "Id": "string"
}
```

## Request Parameters

 ** [Id](#syntax) **   <a name="kendra-StartDataSourceSyncJob-request-Id"></a>
The data source to run.
Type: String
Required: Yes

## Response Syntax

```
{
   "ExecutionId": "string"
}
```

## Response Elements

When the call succeeds, the service answers with HTTP status 200.

 ** [ExecutionId](#syntax) **   <a name="kendra-StartDataSourceSyncJob-response-ExecutionId"></a>
Names the run that was started.
Type: String
Length Constraints: Minimum length of 1. Maximum length of 2048.
"""

DESCRIBE = """\
# DescribeDataSource
<a name="API_DescribeDataSource"></a>

Returns what is known about one data source.

## Request Syntax

```
{
   "Id": "string"
}
```

## Response Syntax

```
{
   "CreatedAt": number,
   "Id": "string",
   "Status": "string"
}
```

## Response Elements

 ** [CreatedAt](#syntax) **   <a name="kendra-DescribeDataSource-response-CreatedAt"></a>
When the data source was created.
Type: Timestamp

 ** [Id](#syntax) **   <a name="kendra-DescribeDataSource-response-Id"></a>
Names the data source.
Type: String
Length Constraints: Minimum length of 1. Maximum length of 100.

 ** [Status](#syntax) **   <a name="kendra-DescribeDataSource-response-Status"></a>
Whether the data source can be used.
Type: String
Valid Values: `CREATING | DELETING | FAILED | UPDATING | ACTIVE`
"""

# The same page with a member whose type has no page in the set.
DESCRIBE_LINKING_OUT = DESCRIBE.replace(
    " ** [Id](",
    """\
 ** [Network](#syntax) **   <a name="kendra-DescribeDataSource-response-Network"></a>
The network the data source is reached through.
Type: [DataSourceVpcConfiguration](API_DataSourceVpcConfiguration.md) object

 ** [Id](""",
)

KENDRA = {
    "API_DataSourceSyncJob.md": SYNC_JOB,
    "API_DataSourceSyncJobMetrics.md": METRICS,
    "API_ListDataSourceSyncJobs.md": LIST_JOBS,
    "API_StartDataSourceSyncJob.md": START_JOB,
    "API_DescribeDataSource.md": DESCRIBE,
}

# --- Graph: pages as the API reference writes them today -----------------------------------------

STATUS = """\
---
title: "synchronizationStatus resource type"
doc_type: resourcePageType
---

# synchronizationStatus resource type

Namespace: microsoft.graph

[!INCLUDE [beta-disclaimer](../../includes/beta-disclaimer.md)]

Where a [synchronizationJob](synchronization-synchronizationjob.md) stands now.

## Properties

| Property | Type | Description |
|:--|:--:|--:|
|code|synchronizationStatusCode|The overall state of the job.|
|countSuccessiveCompleteFailures|Int64|Number of runs in a row that failed.|
|escrowsPruned|Boolean|`true` when escrowed errors were dropped.|
|lastExecution|[synchronizationTaskExecution](synchronization-taskexecution.md)|The last run.|
|quarantine|[synchronizationQuarantine](synchronization-quarantine.md)|While in quarantine.|
|steadyStateFirstAchievedTime|DateTimeOffset|When nothing was left to process, the first time.|
|troubleshootingUrl|String|Where to read about the current problem.|

## Relationships

None.

## JSON representation

The following JSON representation shows the resource type.

<!-- {
  "blockType": "resource",
  "@odata.type": "microsoft.graph.synchronizationStatus"
}-->

```json
{
  "@odata.type": "#microsoft.graph.synchronizationStatus",
  "code": "String",
  "countSuccessiveCompleteFailures": 1024,
  "escrowsPruned": true,
  "lastExecution": {"@odata.type": "microsoft.graph.synchronizationTaskExecution"},
  "quarantine": {"@odata.type": "microsoft.graph.synchronizationQuarantine"},
  "steadyStateFirstAchievedTime": "String (timestamp)",
  "troubleshootingUrl": "String"
}
```
"""

TASK_EXECUTION = """\
# synchronizationTaskExecution resource type

Namespace: microsoft.graph

Counts and times of one run of a synchronization job.

## Properties
| Property | Type | Description |
|-|-|-|
|activityIdentifier|String|Names the run.|
|countEntitled|Int64|Entries in scope of the run.|
|state|synchronizationTaskExecutionResult|How the run ended.|
|timeBegan|DateTimeOffset|When the run began.|
|timeEnded|DateTimeOffset|When the run ended.|

### synchronizationTaskExecutionResult values

| Member | Value | Description |
|:---|:---:|---:|
|Succeeded|0|The run finished.|
|Failed|1|The run stopped on an error.|
|EntryLevelErrors|2|The run finished, with errors on some entries.|

## JSON representation

```json
{
  "activityIdentifier": "String",
  "countEntitled": 1024,
  "state": "String",
  "timeBegan": "String (timestamp)",
  "timeEnded": "String (timestamp)"
}
```
"""

QUARANTINE = """\
# synchronizationQuarantine resource type

Namespace: microsoft.graph

> **Note:** A note that is not the description.

What is known about the quarantine a job is in.

## Properties

| Property | Type | Description |
|:-|:-|:-|
|currentBegan|DateTimeOffset|When the quarantine was last imposed.|
|reason|quarantineReason|Why; see [quarantineReason values](#quarantinereason-values).|
|seriesCount|Int64|How often the quarantine was kept in this series.|

### quarantineReason values

Why a job was put in quarantine.

| Member | Description |
|:-------|:------------|
|EncounteredBaseEscrowThreshold|Too many escrowed entries at the start.|
|EncounteredQuarantineException|The service raised a quarantine error.|
|QuarantinedOnDemand|An administrator asked for it.|
|unknownFutureValue|Sentinel of an evolvable enumeration.|

## JSON representation

```json
{
  "currentBegan": "String (timestamp)",
  "reason": "String",
  "seriesCount": 1024
}
```
"""

STATUS_CODE = """\
---
title: "synchronizationStatusCode enum type"
---

# synchronizationStatusCode enum type

Namespace: microsoft.graph

The overall state a synchronization job is in.

## Members

| Member | Value | Description |
| :--- | :---: | ---: |
| NotConfigured | 0 | Never set up. |
| NotRun | 1 | Set up, not run through once yet. |
| Active | 2 | Runs on its schedule. |
| Paused | 3 | Stopped for now, its state kept. |
| Quarantine | 4 | Runs less often after many errors. |
| unknownFutureValue | 5 | Sentinel of an evolvable enumeration. |
"""

GRAPH = {
    "synchronization-synchronizationstatus.md": STATUS,
    "synchronization-synchronizationtaskexecution.md": TASK_EXECUTION,
    "synchronization-synchronizationquarantine.md": QUARANTINE,
    "synchronization-synchronizationstatuscode.md": STATUS_CODE,
}


def _derive(pages: dict[str, str]) -> dict[str, dict[str, Any]]:
    return derive_pages([Page(name, text) for name, text in pages.items()])


def _validator(schemas: dict[str, dict[str, Any]], name: str) -> Any:
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    return jsonschema_rs.validator_for(schemas[name], registry=registry, validate_formats=True)


def _line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` that contains ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- AWS ----------------------------------------------------------------------------------------


def test_aws_pages_of_today_derive_together() -> None:
    """Data-type and operation pages derive into one set, linked by $ref."""
    schemas = _derive(KENDRA)
    assert set(schemas) == {
        "kendra.DataSourceSyncJob",
        "kendra.DataSourceSyncJobMetrics",
        "kendra.DescribeDataSourceResponse",
        "kendra.ListDataSourceSyncJobsResponse",
        "kendra.StartDataSourceSyncJobResponse",
    }
    for name in schemas:
        _validator(schemas, name)  # every schema compiles, its $refs resolved within the set


def test_aws_data_type_page_with_spaced_bold_names_and_anchor_lines() -> None:
    """`` ** Name ** `` members are read; the description is the prose, not the anchor."""
    schemas = _derive(KENDRA)
    job = schemas["kendra.DataSourceSyncJob"]
    assert job["description"] == "One run that brings the documents of a data source into an index."
    assert list(job["properties"]) == [
        "ErrorMessage",
        "ExecutionId",
        "Metrics",
        "StartTime",
        "Status",
    ]
    assert job["required"] == ["ExecutionId"]
    props = job["properties"]
    assert props["Metrics"]["$ref"] == URN + "kendra.DataSourceSyncJobMetrics"
    assert props["Status"]["enum"][-1] == "SYNCING_INDEXING"
    assert props["ErrorMessage"]["pattern"] == "^\\P{C}*$"
    assert props["ExecutionId"]["x-source"] == {
        "document": "API_DataSourceSyncJob.md",
        "section": "Contents",
        "line": _line_of(SYNC_JOB, "** ExecutionId **"),
    }
    metrics = schemas["kendra.DataSourceSyncJobMetrics"]
    assert metrics["description"] == "Counts of the documents a run handled, as decimal strings."
    assert metrics["properties"]["DocumentsAdded"]["pattern"] == "^(?:(([1-9][0-9]*)|0))$"


def test_aws_operation_page_derives_its_response() -> None:
    """``## Response Elements`` becomes ``<Operation>Response``: a list call's is an envelope."""
    schemas = _derive(KENDRA)
    listed = schemas["kendra.ListDataSourceSyncJobsResponse"]
    assert listed["x-catalog"]["kind"] == "envelope"
    assert listed["title"] == "ListDataSourceSyncJobsResponse"
    assert listed["description"] == (
        "The response of the ListDataSourceSyncJobs operation. Returns the runs of one data"
        " source, newest first, a page at a time."
    )
    assert list(listed["properties"]) == ["History", "NextToken"]  # no request parameter
    assert listed["properties"]["History"]["items"] == {"$ref": URN + "kendra.DataSourceSyncJob"}
    assert listed["properties"]["NextToken"]["maxLength"] == 800
    assert listed["properties"]["History"]["x-source"]["section"] == "Response Elements"
    assert "required" not in listed  # response elements carry no Required line
    assert "examples" not in listed  # the Response Syntax block is placeholders, not an example
    assert listed["x-source"]["document"] == "API_ListDataSourceSyncJobs.md"

    started = schemas["kendra.StartDataSourceSyncJobResponse"]
    assert started["x-catalog"]["kind"] == "resource"
    assert list(started["properties"]) == ["ExecutionId"]
    described = schemas["kendra.DescribeDataSourceResponse"]
    assert described["x-catalog"]["kind"] == "resource"
    assert described["properties"]["Status"]["enum"][-1] == "ACTIVE"
    assert described["properties"]["CreatedAt"]["type"] == "number"


def test_aws_derived_response_validates_documents() -> None:
    """The derived list response accepts a page the service would send, and refuses bad ones."""
    validator = _validator(_derive(KENDRA), "kendra.ListDataSourceSyncJobsResponse")
    page = {
        "History": [
            {
                "ExecutionId": "run-1",
                "StartTime": 1700000000.5,
                "Status": "SUCCEEDED",
                "Metrics": {"DocumentsAdded": "12", "DocumentsFailed": "0"},
            }
        ],
        "NextToken": "next",
    }
    assert validator.is_valid(page)
    assert not validator.is_valid({"History": [{"ExecutionId": "run-1", "Status": "QUEUED"}]})
    assert not validator.is_valid({"History": [{"Metrics": {"DocumentsAdded": "01"}}]})
    assert not validator.is_valid({"History": [{"Status": "FAILED"}]})  # ExecutionId required
    assert not validator.is_valid({"History": [], "Extra": 1})


def test_aws_link_outside_the_set_is_an_error_at_the_type_line() -> None:
    """A member typed by a page that is not derived names the linking page and its Type: line."""
    pages = {**KENDRA, "API_DescribeDataSource.md": DESCRIBE_LINKING_OUT}
    with pytest.raises(DerivationError) as caught:
        _derive(pages)
    assert caught.value.document == "API_DescribeDataSource.md"
    assert caught.value.line == _line_of(DESCRIBE_LINKING_OUT, "Type: [DataSourceVpcConfiguration]")
    assert "DataSourceVpcConfiguration" in caught.value.message
    assert "derive the page that defines it too" in caught.value.message


def test_aws_link_to_a_page_left_out_is_an_error() -> None:
    """Without the Metrics page, the job page's link to it cannot become a $ref."""
    pages = {k: v for k, v in KENDRA.items() if k != "API_DataSourceSyncJobMetrics.md"}
    with pytest.raises(DerivationError) as caught:
        _derive(pages)
    assert caught.value.document == "API_DataSourceSyncJob.md"
    assert caught.value.line == _line_of(SYNC_JOB, "Type: [ DataSourceSyncJobMetrics ]")


@pytest.mark.parametrize(
    ("page", "words"),
    [
        (
            SYNC_JOB.replace(
                "One run that brings the documents of a data source into an index.\n\n", ""
            ),
            "no description",
        ),
        (LIST_JOBS.replace(" ** [History]", " ** [History] (x) "), "not a member name"),
        (
            START_JOB.replace(" ** [ExecutionId]", " ** [Other]").replace(
                "Type: String\nLength", "Length"
            ),
            "no 'Type:' line",
        ),
    ],
    ids=["anchor-is-no-description", "unreadable-bold-line", "member-without-type"],
)
def test_aws_pages_that_cannot_be_read_are_errors_with_file_and_line(page: str, words: str) -> None:
    """An empty description or an unreadable entry is reported where it stands."""
    with pytest.raises(DerivationError) as caught:
        read_page(Page("API_Page.md", page))
    assert caught.value.document == "API_Page.md"
    assert caught.value.line > 1
    assert words in caught.value.message


def test_aws_operation_with_an_empty_body_derives_an_empty_response() -> None:
    """A response said to be an empty body has no members, and is not an error."""
    page = START_JOB.split("## Response Syntax")[0] + (
        "## Response Elements\n\nWhen the call succeeds, the service answers with HTTP status"
        " 200 and an empty HTTP body.\n\n## See Also\n\n"
        "+ [SDK](https://docs.aws.amazon.com/goto/boto3/kendra-2019-02-03/StopDataSourceSyncJob)\n"
    )
    page = page.replace("StartDataSourceSyncJob", "StopDataSourceSyncJob")
    (doc,) = read_page(Page("API_StopDataSourceSyncJob.md", page))
    assert (doc.vendor, doc.name, doc.members) == ("kendra", "StopDataSourceSyncJobResponse", ())


# --- Graph --------------------------------------------------------------------------------------


def test_graph_pages_of_today_derive_together() -> None:
    """Resource pages, an enum page and in-page enum tables derive into one linked set."""
    schemas = _derive(GRAPH)
    assert set(schemas) == {
        "graph.quarantineReason",
        "graph.synchronizationQuarantine",
        "graph.synchronizationStatus",
        "graph.synchronizationStatusCode",
        "graph.synchronizationTaskExecution",
        "graph.synchronizationTaskExecutionResult",
    }
    for name in schemas:
        _validator(schemas, name)
    props = schemas["graph.synchronizationStatus"]["properties"]
    assert props["code"] == {**props["code"], "$ref": URN + "graph.synchronizationStatusCode"}
    assert props["quarantine"]["anyOf"][0] == {"$ref": URN + "graph.synchronizationQuarantine"}
    assert props["lastExecution"]["anyOf"][0] == {
        "$ref": URN + "graph.synchronizationTaskExecution"
    }
    reason = schemas["graph.synchronizationQuarantine"]["properties"]["reason"]
    assert reason["$ref"] == URN + "graph.quarantineReason"
    state = schemas["graph.synchronizationTaskExecution"]["properties"]["state"]
    assert state["$ref"] == URN + "graph.synchronizationTaskExecutionResult"


def test_graph_namespace_line_and_notes_are_not_the_description() -> None:
    """The description is the first prose paragraph, past Namespace, includes and notes."""
    schemas = _derive(GRAPH)
    assert schemas["graph.synchronizationStatus"]["description"] == (
        "Where a synchronizationJob stands now."
    )
    assert schemas["graph.synchronizationQuarantine"]["description"] == (
        "What is known about the quarantine a job is in."
    )


def test_graph_colon_separators_are_not_rows() -> None:
    """``|:--|:--:|--:|`` and ``|-|-|-|`` separate a header; they are never a property."""
    schemas = _derive(GRAPH)
    assert list(schemas["graph.synchronizationStatus"]["properties"]) == [
        "code",
        "countSuccessiveCompleteFailures",
        "escrowsPruned",
        "lastExecution",
        "quarantine",
        "steadyStateFirstAchievedTime",
        "troubleshootingUrl",
    ]
    assert (
        schemas["graph.synchronizationTaskExecution"]["properties"]["activityIdentifier"][
            "x-source"
        ]["row"]
        == 1
    )
    for separator in ("|:--|:--:|--:|", "|-|-|", "| :- | -: |", "-|-", "|:-:|"):
        assert md.is_separator(separator), separator
    for not_separator in ("|a|-|", "| |", "|:|", "text"):
        assert not md.is_separator(not_separator), not_separator


def test_graph_enum_page_and_in_page_enum_tables() -> None:
    """Each enum table gives an enum type: members in order, the sentinel kept, its source line."""
    schemas = _derive(GRAPH)
    code = schemas["graph.synchronizationStatusCode"]
    assert code["enum"] == [
        "NotConfigured",
        "NotRun",
        "Active",
        "Paused",
        "Quarantine",
        "unknownFutureValue",
    ]
    assert code["type"] == "string"
    assert code["x-catalog"]["kind"] == "enum"
    assert code["description"] == "The overall state a synchronization job is in."
    assert code["x-source"] == {
        "document": "synchronization-synchronizationstatuscode.md",
        "section": "synchronizationStatusCode enum type",
        "line": _line_of(STATUS_CODE, "# synchronizationStatusCode enum type"),
    }
    reason = schemas["graph.quarantineReason"]
    assert reason["enum"] == [
        "EncounteredBaseEscrowThreshold",
        "EncounteredQuarantineException",
        "QuarantinedOnDemand",
        "unknownFutureValue",
    ]
    assert reason["description"] == "Why a job was put in quarantine."
    assert reason["x-source"] == {
        "document": "synchronization-synchronizationquarantine.md",
        "section": "quarantineReason values",
        "line": _line_of(QUARANTINE, "### quarantineReason values"),
    }
    result = schemas["graph.synchronizationTaskExecutionResult"]
    assert result["enum"] == ["Succeeded", "Failed", "EntryLevelErrors"]
    assert result["description"]  # no prose under the heading: a description is still given


@pytest.mark.parametrize("title", ["quarantineReason values", "quarantineReason enum type"])
def test_graph_enum_page_titles(title: str) -> None:
    """An enum page's H1 may say ``x values`` or ``x enum type``; both name the enum x."""
    page = STATUS_CODE.replace("synchronizationStatusCode enum type", title)
    (doc,) = read_page(Page("enum.md", page))
    assert (doc.name, doc.kind, doc.enum[-1]) == ("quarantineReason", "enum", "unknownFutureValue")


ENUMS = """\
# Enum values

Namespace: microsoft.graph

### synchronizationScheduleState values

| Member |
|:--|
| Active |
| Disabled |

### synchronizationSecret values

Names of the secrets a job may hold.

| Value | Description |
|-|-|
| None | No secret. |
| UserName | A user name. |
"""


def test_graph_page_of_several_enums() -> None:
    """A page whose sub-sections each list one enum's values gives each enum, its title none."""
    docs = read_page(Page("enums.md", ENUMS))
    assert [(d.name, d.kind, d.enum) for d in docs] == [
        ("synchronizationScheduleState", "enum", ("Active", "Disabled")),
        ("synchronizationSecret", "enum", ("None", "UserName")),
    ]
    assert docs[1].description == "Names of the secrets a job may hold."
    assert docs[1].source.line == _line_of(ENUMS, "### synchronizationSecret values")


def test_graph_literal_representation_is_the_representation_not_an_example() -> None:
    """Literal values that fit the table raise no doc issue, and never become an example."""
    schemas = _derive(GRAPH)
    for name in ("graph.synchronizationStatus", "graph.synchronizationTaskExecution"):
        schema = schemas[name]
        assert "examples" not in schema
        assert "x-doc-issues" not in schema, schema.get("x-doc-issues")
        for prop in schema["properties"].values():
            assert "x-doc-issues" not in prop, prop["x-doc-issues"]


def test_graph_literal_representation_that_disagrees_is_recorded() -> None:
    """A literal value of the wrong JSON type is a disagreement with the table, recorded."""
    page = STATUS.replace('"troubleshootingUrl": "String"', '"troubleshootingUrl": 1024')
    schemas = _derive({**GRAPH, "synchronization-synchronizationstatus.md": page})
    issues = schemas["graph.synchronizationStatus"]["properties"]["troubleshootingUrl"][
        "x-doc-issues"
    ]
    assert any("Integer" in issue and "String" in issue for issue in issues), issues


def test_graph_derived_schemas_validate_documents() -> None:
    """A status as the service sends it conforms; an unknown code or reason does not."""
    validator = _validator(_derive(GRAPH), "graph.synchronizationStatus")
    status = {
        "@odata.type": "#microsoft.graph.synchronizationStatus",
        "code": "Quarantine",
        "countSuccessiveCompleteFailures": 3,
        "escrowsPruned": False,
        "lastExecution": {
            "activityIdentifier": "a1",
            "countEntitled": 10,
            "state": "EntryLevelErrors",
            "timeBegan": "2024-05-01T10:00:00Z",
            "timeEnded": "2024-05-01T10:05:00Z",
        },
        "quarantine": {
            "currentBegan": "2024-05-01T10:00:00Z",
            "reason": "unknownFutureValue",
            "seriesCount": 2,
        },
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
        "troubleshootingUrl": "https://example.invalid/help",
    }
    assert validator.is_valid(status)
    assert not validator.is_valid({**status, "code": "Sleeping"})
    assert not validator.is_valid({**status, "quarantine": {"reason": "Bored"}})
    assert not validator.is_valid({**status, "lastExecution": {"state": "Unknown"}})
    assert not validator.is_valid({**status, "countSuccessiveCompleteFailures": 2**63})


def test_graph_link_outside_the_set_is_an_error_at_the_row() -> None:
    """Without the quarantine page, the status page's link to it names the status page's row."""
    pages = {k: v for k, v in GRAPH.items() if "quarantine" not in k}
    with pytest.raises(DerivationError) as caught:
        _derive(pages)
    assert caught.value.document == "synchronization-synchronizationstatus.md"
    assert caught.value.line == _line_of(STATUS, "|quarantine|")
    assert "synchronizationQuarantine" in caught.value.message


@pytest.mark.parametrize(
    ("page", "needle", "words"),
    [
        (
            QUARANTINE.replace("|QuarantinedOnDemand|", "|on demand|"),
            "|on demand|",
            "no enum member",
        ),
        (
            STATUS_CODE.replace("| Paused | 3 |", "| Active | 3 |"),
            "| Active | 3 |",
            "listed twice",
        ),
        (STATUS.replace("|escrowsPruned|", "|`` ``|"), "|`` ``|", "names no property"),
    ],
    ids=["enum-member-not-a-name", "enum-member-twice", "property-without-name"],
)
def test_graph_cells_that_cannot_be_read_are_errors_with_file_and_line(
    page: str, needle: str, words: str
) -> None:
    """A member or property cell that is not a name is reported at its row."""
    with pytest.raises(DerivationError) as caught:
        read_page(Page("page.md", page))
    assert (caught.value.document, caught.value.line) == ("page.md", _line_of(page, needle))
    assert words in caught.value.message


# --- Arbitrary input ----------------------------------------------------------------------------

# Lines a reader must refuse with a DerivationError rather than pass on: numbers longer than
# Python converts to int, JSON nested deeper than its parser recurses, in the places they matter.
_HOSTILE = [
    "Length Constraints: Fixed length of " + "9" * 5000 + ".",
    "Valid Range: Minimum value of " + "1" * 5000 + ".",
    '|error|synchronizationError|shape { "code": "String", "n": ' + "1" * 5000 + " }|",
    "```json\n" + "[" * 3000 + "\n```",
    '```json\n{"a": ' + "1" * 5000 + "}\n```",
    "[" * 3000,
]
_HOSTILE_BODIES = ["[" * 3000, '{"a": ' + "1" * 5000 + "}", '{"a": ' + "[" * 3000]
_FRAGMENTS = [
    "",
    "# DataSourceSyncJob",
    "# quarantineReason values",
    "# x enum type",
    '<a name="API_X"></a>',
    "--------",
    "---",
    "Namespace: microsoft.graph",
    "> **Note:** x",
    "## Contents",
    "## Response Elements",
    "## Request Syntax",
    "## Properties",
    "## JSON representation",
    "## JSON Example",
    "### quarantineReason values",
    "### nestedThing",
    ' ** Name **   <a name="Kendra-Type-X-Name"></a>',
    ' ** [History](#x) **   <a name="kendra-Op-response-History"></a>',
    " **Name**",
    " ** ",
    "Type: String",
    "Type: ",
    "Type: Array of [DataSourceSyncJob](API_DataSourceSyncJob.md) objects",
    "Type: [X](x.md) object",
    "Type: String to Integer map",
    "Required: Yes",
    "Length Constraints: Minimum length of 1. Maximum length of 9.",
    "Valid Values: `A | B`",
    "Pattern: `[a-z]+`",
    "| Property | Type | Description |",
    "| Member | Value | Description |",
    "| Value |",
    "|:--|:--:|--:|",
    "|code|synchronizationStatusCode|x|",
    "|a|String|b|",
    "|a|Int32|",
    "|unknownFutureValue|5|x|",
    "|||",
    "```json",
    "```",
    "{",
    "}",
    '  "a": 1024,',
    '{"a": "String (timestamp)", "@odata.type": "#x"}',
    "<!--",
    "-->",
    "[!INCLUDE [x](y.md)]",
    "+ [SDK](https://docs.aws.amazon.com/goto/boto3/kendra-2019-02-03/X)",
]


_LINE = st.one_of(st.sampled_from(_FRAGMENTS), st.sampled_from(_HOSTILE))


def _altered(draw: st.DrawFn, page: str) -> str:
    """The page with a few edits anywhere: lines inserted, replaced, dropped or cut into, the
    body of a code block replaced by a hostile one, or a line lengthened by a huge number."""
    lines = page.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        edit = draw(st.sampled_from(["insert", "replace", "drop", "cut", "block", "digits"]))
        fences = [i for i, line in enumerate(lines) if line.startswith("```")]
        if edit == "block" and len(fences) >= 2:
            first = draw(st.sampled_from(fences[:-1]))
            last = fences[fences.index(first) + 1]
            lines[first + 1 : last] = [draw(st.sampled_from(_HOSTILE_BODIES))]
        elif edit == "insert" or at == len(lines):
            lines.insert(at, draw(_LINE))
        elif edit == "replace":
            lines[at] = draw(_LINE)
        elif edit == "drop":
            del lines[at]
        elif edit == "digits":
            lines[at] += "1" * 5000
        else:
            cut = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:cut] + draw(st.text(max_size=8)) + lines[at][cut:]
    return "\n".join(lines)


@st.composite
def _altered_page(draw: st.DrawFn) -> str:
    """One page of today's formats, altered."""
    return _altered(draw, draw(st.sampled_from([*GRAPH.values(), *KENDRA.values()])))


@st.composite
def _altered_set(draw: st.DrawFn) -> dict[str, str]:
    """A set of linked pages of today's formats, one of them altered."""
    pages = dict(draw(st.sampled_from([GRAPH, KENDRA])))
    name = draw(st.sampled_from(sorted(pages)))
    pages[name] = _altered(draw, pages[name])
    return pages


# Lines of markdown-ish text: fragments of both formats and arbitrary lines, in any order.
_NOISE = st.lists(st.one_of(_LINE, st.text(max_size=30)), max_size=40).map("\n".join)
_FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@_FUZZ
@given(st.one_of(st.text(), _NOISE, _altered_page()))
def test_any_text_read_as_a_page_raises_nothing_but_derivation_errors(text: str) -> None:
    """Arbitrary text, markdown-ish lines or an altered page: types, or where and why not."""
    with contextlib.suppress(DerivationError):
        read_page(Page("fuzz.md", text))


@_FUZZ
@given(st.one_of(st.lists(st.one_of(st.text(), _NOISE), min_size=1, max_size=3), _altered_set()))
def test_any_pages_derived_together_raise_nothing_but_derivation_errors(
    pages: list[str] | dict[str, str],
) -> None:
    """Sets of arbitrary texts, or linked pages with one altered: schemas, or where and why not."""
    named = pages if isinstance(pages, dict) else {f"f{i}.md": t for i, t in enumerate(pages)}
    with contextlib.suppress(DerivationError):
        _derive(named)
