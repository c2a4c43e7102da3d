"""The vendors' models as a second source: Graph CSDL and botocore service models, merged with
the pages, and the shipped schemas checked against what the services really send."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import Location, default_catalog
from conformance.cli import main
from conformance.derive import Page, derive_pages, installed_model, read_model
from conformance.derive.botocore_model import read_botocore
from conformance.derive.csdl import read_csdl
from conformance.errors import DerivationError
from conformance.pipeline import Options, Pipeline
from conformance.validation import Engine

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "schemas" / "sources"
FRAGMENT = (SOURCES / "graph-v1.0-synchronization.csdl.xml").read_text(encoding="utf-8")
KENDRA = (SOURCES / "kendra-2019-02-03.service-2.json").read_text(encoding="utf-8")
ENGINE = Engine()
WHERE = Location("t")

# The two types the fragment refers to but does not hold, as a $metadata document has them.
BASES = """
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <ComplexType Name="keyValuePair">
        <Property Name="name" Type="Edm.String" />
        <Property Name="value" Type="Edm.String" />
      </ComplexType>
"""


def _elements(fragment: str) -> str:
    return fragment.split("<Fragments>", 1)[1].rsplit("</Fragments>", 1)[0]


def _metadata(body: str) -> str:
    """A whole $metadata document (EDMX wrapper, namespaces, annotations) around ``body``."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"""


def _shape_only(schema: Any) -> Any:
    """A schema without provenance, descriptions and examples: what it accepts, nothing else."""
    if isinstance(schema, dict):
        return {
            k: _shape_only(v)
            for k, v in schema.items()
            if not k.startswith("x-") and k not in ("description", "examples", "title")
        }
    if isinstance(schema, list):
        return [_shape_only(v) for v in schema]
    return schema


def _error_of(call: Callable[[], object]) -> str | None:
    """The document a ``DerivationError`` of ``call`` names; None when it raised nothing.
    Any other exception escapes and fails the test."""
    try:
        call()
    except DerivationError as exc:
        return exc.document
    return None


def _valid(document: Any, schema: str) -> bool:
    return ENGINE.validator(schema).is_valid(document)


# --- Graph CSDL -----------------------------------------------------------------------------------


def test_a_metadata_document_and_a_fragment_read_the_same() -> None:
    """With or without the EDMX wrapper and its namespaces, the same types and members."""
    whole = read_csdl(_metadata(_elements(FRAGMENT)), "metadata.xml")
    cut = read_csdl(FRAGMENT, "fragment.xml")
    assert [(t.name, t.kind, t.members, t.enum) for t in whole] != []

    def essence(types: list[Any]) -> list[Any]:
        return [
            (t.name, t.kind, t.enum, t.base, [(m.name, m.doc_type, m.nullable) for m in t.members])
            for t in types
        ]

    assert essence(whole) == essence(cut)
    prefixed = re.sub(
        r"<(/?)(ComplexType|EnumType|EntityType|Property|Member)\b", r"<\1edm:\2", FRAGMENT
    )
    prefixed = prefixed.replace("<Fragments>", '<Fragments xmlns:edm="urn:x">')
    assert essence(read_csdl(prefixed, "prefixed.xml")) == essence(cut)


def test_csdl_rules_nullable_lines_and_descriptions() -> None:
    """Nullable unless Nullable="false"; every member keeps its line; Core.Description is read."""
    text = _metadata(
        """
      <ComplexType Name="widget">
        <Annotation Term="Org.OData.Core.V1.Description" String="A widget, described." />
        <Property Name="size" Type="Edm.Int32" Nullable="false">
          <Annotation Term="Org.OData.Core.V1.Description" String="How big it is." />
        </Property>
        <Property Name="label" Type="Edm.String" />
        <NavigationProperty Name="owner" Type="graph.user" />
      </ComplexType>"""
    )
    [widget] = read_csdl(text, "w.xml")
    assert widget.description == "A widget, described."
    size, label = widget.members  # navigation properties are not serialised by default
    assert (size.nullable, size.description, size.source.line) == (False, "How big it is.", 8)
    assert (label.nullable, label.source.line) == (True, 11)
    schemas = derive_pages([], models=[Page("w.xml", text)])
    props = schemas["graph.widget"]["properties"]
    assert props["size"]["maximum"] == 2**31 - 1
    assert props["label"]["type"] == ["string", "null"]
    assert props["label"]["x-source"] == {
        "document": "w.xml",
        "section": "ComplexType widget",
        "line": 11,
    }


def test_the_shipped_model_says_what_the_pages_do_not() -> None:
    """Nullability, Int64, enums and the properties added since the pages were written."""
    catalog = default_catalog()
    status = catalog.schema("graph.synchronizationStatus")["properties"]
    assert {"progress", "troubleshootingUrl"} <= set(status)
    assert "error" in catalog.schema("graph.synchronizationQuarantine")["properties"]
    progress = catalog.schema("graph.synchronizationProgress")["properties"]
    assert progress["completedUnits"]["maximum"] == 2**63 - 1
    assert "says Int32" in " ".join(progress["completedUnits"]["x-doc-issues"])
    execution = catalog.schema("graph.synchronizationTaskExecution")
    assert execution["properties"]["state"]["$ref"].endswith("synchronizationTaskExecutionResult")
    assert "the model is followed" in " ".join(execution["properties"]["state"]["x-doc-issues"])
    # The page row stays the rule findings quote; the model element is named beside it.
    assert (
        execution["properties"]["state"]["x-source"]["document"] == "graph-synchronizationStatus.md"
    )
    assert execution["properties"]["state"]["x-model"]["section"] == (
        "ComplexType synchronizationTaskExecution"
    )
    reason = catalog.schema("graph.quarantineReason")
    assert len(reason["enum"]) == 8
    assert "TooManyDeletes" in reason["enum"]


@pytest.mark.parametrize(
    ("document", "schema"),
    [
        (
            {"expiration": None, "interval": "PT40M", "state": "Active"},
            "graph.synchronizationSchedule",
        ),
        (
            {"troubleshootingUrl": None, "quarantine": None, "progress": []},
            "graph.synchronizationStatus",
        ),
        (
            {"activityIdentifier": None, "error": None, "state": "Succeeded"},
            "graph.synchronizationTaskExecution",
        ),
        ({"code": None, "message": None, "tenantActionable": False}, "graph.synchronizationError"),
        ({"units": None, "completedUnits": 1, "totalUnits": 2}, "graph.synchronizationProgress"),
        ({"key": None, "value": 3}, "graph.stringKeyLongValuePair"),
        (
            {"templateId": None, "synchronizationJobSettings": [{"name": "a", "value": None}]},
            "graph.synchronizationJob",
        ),
    ],
)
def test_null_conforms_where_the_model_allows_it(document: Any, schema: str) -> None:
    assert _valid(document, schema)


@pytest.mark.parametrize(
    ("document", "schema"),
    [
        ({"interval": None}, "graph.synchronizationSchedule"),
        ({"code": None}, "graph.synchronizationStatus"),
        ({"countEntitled": None}, "graph.synchronizationTaskExecution"),
        ({"progress": None}, "graph.synchronizationStatus"),
        ({"value": None}, "graph.stringKeyLongValuePair"),
        ({"synchronizationJobSettings": [{"key": "a", "value": "b"}]}, "graph.synchronizationJob"),
    ],
)
def test_null_or_a_wrong_shape_where_the_model_forbids_it(document: Any, schema: str) -> None:
    assert not _valid(document, schema)


def test_an_execution_state_the_model_does_not_know_is_drift_not_silence() -> None:
    [finding] = ENGINE.findings({"state": "Bogus"}, "graph.synchronizationTaskExecution", WHERE)
    assert (finding.kind, finding.pointer) == ("enum-drift", "/state")


@pytest.mark.parametrize("name", ["synchronizationTaskExecution", "synchronizationJobExecution"])
def test_odata_type_selects_the_execution_schema_by_either_name(tmp_path: Path, name: str) -> None:
    """The seed's name and today's name select the same schema."""
    path = tmp_path / "execution.json"
    path.write_text(json.dumps({"@odata.type": f"#microsoft.graph.{name}", "state": "Failed"}))
    [result] = Pipeline(Options()).run([str(path)])
    assert result.schema == "graph.synchronizationTaskExecution"
    assert result.selection == f"@odata.type #microsoft.graph.{name}"
    assert result.findings == ()


# Graph's documented GET .../synchronization/jobs/{id} response, as its terms are described in
# the project's facts: expiration null, TimeSpan.MaxValue interval, settings {name, value}, an
# inactive quarantine with "" in four non-nullable fields. Values are ours.
DOCUMENTED_JOB = {
    "id": "SfSandboxOutDelta.e4bbad26a2a44b5d8d4fb1b1a4d43d4b.6f1a4b2e-2c22-4a5d-9f3c-1d9b07e1c0aa",
    "templateId": "SfSandboxOutDelta",
    "schedule": {
        "expiration": None,
        "interval": "P10675199DT2H48M5.4775807S",
        "state": "Disabled",
    },
    "status": {
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": False,
        "synchronizedEntryCountByType": [],
        "code": "NotConfigured",
        "lastExecution": None,
        "lastSuccessfulExecution": None,
        "lastSuccessfulExecutionWithExports": None,
        "steadyStateFirstAchievedTime": "0001-01-01T00:00:00Z",
        "steadyStateLastAchievedTime": "0001-01-01T00:00:00Z",
        "quarantine": {
            "currentBegan": "",
            "nextAttempt": "",
            "reason": "",
            "seriesBegan": "",
            "seriesCount": 0,
        },
        "troubleshootingUrl": None,
    },
    "synchronizationJobSettings": [
        {"name": "QuarantineTooManyDeletesThreshold", "value": "500"},
        {"name": "AzureIngestionAttributeOptimization", "value": "False"},
    ],
}


def test_the_documented_job_response_gets_exactly_the_four_placeholder_violations() -> None:
    """Only the "" placeholders of the inactive quarantine fail: non-nullable date-times and an
    enum, and "" in an enum is a violation, not drift."""
    found = ENGINE.findings(DOCUMENTED_JOB, "graph.synchronizationJob", WHERE)
    assert sorted((f.kind, f.pointer, f.keyword) for f in found) == [
        ("violation", "/status/quarantine/currentBegan", "format"),
        ("violation", "/status/quarantine/nextAttempt", "format"),
        ("violation", "/status/quarantine/reason", "enum"),
        ("violation", "/status/quarantine/seriesBegan", "format"),
    ]
    quarantine = DOCUMENTED_JOB["status"]["quarantine"]  # type: ignore[index]
    fixed = {
        **DOCUMENTED_JOB,
        "status": {
            **DOCUMENTED_JOB["status"],  # type: ignore[dict-item]
            "quarantine": {
                **quarantine,
                "currentBegan": "0001-01-01T00:00:00Z",
                "nextAttempt": "0001-01-01T00:00:00Z",
                "seriesBegan": "0001-01-01T00:00:00Z",
                "reason": "Unknown",
            },
        },
    }
    assert ENGINE.findings(fixed, "graph.synchronizationJob", WHERE) == []


def test_a_type_the_deriver_does_not_know_is_an_error_with_file_and_line() -> None:
    text = _metadata(
        '      <ComplexType Name="blob">\n'
        '        <Property Name="data" Type="Edm.Stream" />\n'
        "      </ComplexType>"
    )
    with pytest.raises(DerivationError) as err:
        derive_pages([], models=[Page("blob.xml", text)])
    assert (err.value.document, err.value.line) == ("blob.xml", 6)
    assert "Edm.Stream" in err.value.message


def test_a_base_type_outside_the_set_is_an_error_with_file_and_line() -> None:
    with pytest.raises(DerivationError) as err:
        derive_pages([], models=[Page("frag.xml", FRAGMENT)], roots=["synchronizationJob"])
    assert err.value.document == "frag.xml"
    assert "extends entity" in err.value.message
    whole = _metadata(_elements(FRAGMENT) + BASES)
    schemas = derive_pages([], models=[Page("m.xml", whole)], roots=["synchronizationJob"])
    job = schemas["graph.synchronizationJob"]["properties"]
    assert next(iter(job)) == "id"  # the base type's members come first
    assert "graph.entity" not in schemas  # a base type alone is not a schema
    assert job["synchronizationJobSettings"]["items"]["$ref"].endswith("graph.keyValuePair")


@pytest.mark.parametrize(
    "text",
    [
        # Entity expansion (billion laughs) and an external entity: refused, never expanded.
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<Fragments><ComplexType Name="&b;"/></Fragments>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<Fragments><ComplexType Name="t"><Property Name="p" Type="&e;"/></ComplexType>'
        "</Fragments>",
        "<Fragments><ComplexType Name='t'>\n<Property Name='p' Type='Edm.String'>\n</Fragments>",
        "<Fragments><ComplexType Name='1t'/></Fragments>",
        "<Fragments><EnumType Name='e'></EnumType></Fragments>",
        "<Fragments><ComplexType Name='t'>"
        "<Property Name='p' Type='Edm.String' Nullable='maybe'/></ComplexType></Fragments>",
    ],
)
def test_hostile_or_broken_csdl_is_a_derivation_error(text: str) -> None:
    with pytest.raises(DerivationError) as err:
        read_csdl(text, "bad.xml")
    assert err.value.document == "bad.xml"
    assert err.value.line >= 1


_XMLISH = st.lists(
    st.sampled_from(
        [
            "<Fragments>",
            "</Fragments>",
            "<ComplexType Name='t'>",
            "</ComplexType>",
            "<EnumType Name='e'>",
            "</EnumType>",
            "<Member Name='A'/>",
            "<Property Name='p' Type='Edm.Int64'/>",
            "<Property Name='q' Type='Collection(graph.t)' Nullable='false'/>",
            "<Property/>",
            "<EntityType Name='x' BaseType='graph.t'>",
            "</EntityType>",
            "<!--",
            "-->",
            "&amp;",
            "&x;",
            "<Annotation Term='Core.Description' String='d'/>",
            "\n",
            "<",
            ">",
            "'",
            '"',
        ]
    )
    | st.text(max_size=8)
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), _XMLISH.map("".join)))
def test_the_csdl_reader_raises_nothing_but_derivation_errors(text: str) -> None:
    for read in (
        lambda: read_csdl(text, "fuzz.xml"),
        lambda: derive_pages([], models=[Page("fuzz.xml", f"<Fragments>{text}</Fragments>")]),
    ):
        assert _error_of(read) in (None, "fuzz.xml")


# --- botocore -------------------------------------------------------------------------------------


def test_the_installed_botocore_model_derives_the_shipped_kendra_schemas() -> None:
    """The shipped fragment and the installed model say the same of the Kendra types."""
    name, text = installed_model("kendra")
    roots = ["DataSourceSyncJob", "ListDataSourceSyncJobsResponse"]
    installed = derive_pages([], models=[Page(name, text)], roots=roots)
    shipped = derive_pages([], models=[Page("frag.json", KENDRA)], roots=roots)
    assert (
        set(installed)
        == set(shipped)
        == {
            "kendra.DataSourceSyncJob",
            "kendra.DataSourceSyncJobMetrics",
            "kendra.ListDataSourceSyncJobsResponse",
        }
    )
    for key in installed:
        assert _shape_only(installed[key]) == _shape_only(shipped[key]), key
    job = shipped["kendra.DataSourceSyncJob"]["properties"]
    assert job["Status"]["enum"][-1] == "SYNCING_INDEXING"
    assert job["ErrorMessage"]["pattern"] == "^\\P{C}*$"
    assert job["StartTime"]["type"] == "number"  # epoch seconds on the wire


def test_the_kendra_page_and_model_agree_so_nothing_is_recorded() -> None:
    schema = default_catalog().schema("kendra.DataSourceSyncJob")
    for prop in schema["properties"].values():
        assert "the model is followed" not in " ".join(prop.get("x-doc-issues", []))
        assert prop["x-model"]["document"] == "kendra-2019-02-03.service-2.json"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[1, 2]", 1),
        ("[" * 100_000, 1),
        ('{"metadata": {"serviceId": "kendra"}}', 1),
        ('{"metadata": {}, "shapes": {}}', 1),
        (
            '{"metadata": {"serviceId": "kendra"},\n "shapes": {\n'
            '  "T": {"type": "structure", "members": {\n   "a": {"shape": "Nope"}}}}}',
            4,
        ),
        (
            '{"metadata": {"serviceId": "kendra"},\n "shapes": {\n'
            '  "T": {"type": "structure", "members": {\n   "a": {"shape": "S"}}},\n'
            '  "S": {"type": "document"}}}',
            4,
        ),
        (
            '{"metadata": {"serviceId": "kendra"},'
            ' "shapes": {"T": {"type": "structure", "members": []}}}',
            1,
        ),
        (
            '{"metadata": {"serviceId": "kendra"},'
            ' "shapes": {"T": {"type": "structure", "members": {"a": 3}}}}',
            1,
        ),
    ],
)
def test_a_broken_botocore_model_is_an_error_with_file_and_line(text: str, line: int) -> None:
    with pytest.raises(DerivationError) as err:
        read_botocore(text, "m.json")
    assert (err.value.document, err.value.line) == ("m.json", line)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=5)
    | st.sampled_from(
        ["structure", "list", "map", "string", "long", "timestamp", "shape", "S", "T"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "members",
                    "shape",
                    "member",
                    "key",
                    "value",
                    "min",
                    "max",
                    "pattern",
                    "enum",
                    "required",
                    "S",
                    "T",
                    "documentation",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_the_botocore_reader_raises_nothing_but_derivation_errors(shapes: Any) -> None:
    text = json.dumps({"metadata": {"serviceId": "kendra"}, "shapes": shapes})
    assert _error_of(lambda: derive_pages([], models=[Page("fuzz.json", text)])) in (
        None,
        "fuzz.json",
    )


# --- pages and models merged ----------------------------------------------------------------------

GADGET_PAGE = """\
# gadget resource type

A gadget, as an old page describes it.

## Properties

| Property | Type | Description |
|:---------|:-----|:------------|
|count|Int32|How many there are.|
|state|String|How it ended.|
|detail|[gadgetDetail](#gadgetdetail)|More about it.|

### gadgetDetail

Details of a gadget.

| Property | Type | Description |
|:---------|:-----|:------------|
|note|String|A note.|
"""

GADGET_MODEL = """<Fragments>
  <ComplexType Name="gadget">
    <Property Name="count" Type="Edm.Int64" Nullable="false" />
    <Property Name="state" Type="graph.gadgetState" Nullable="false" />
    <Property Name="detail" Type="graph.gadgetInfo" />
    <Property Name="addedLater" Type="Edm.String" />
  </ComplexType>
  <ComplexType Name="gadgetInfo">
    <Property Name="note" Type="Edm.String" />
  </ComplexType>
  <EnumType Name="gadgetState">
    <Member Name="Done" Value="0" />
    <Member Name="Broken" Value="1" />
  </EnumType>
</Fragments>
"""


def test_page_and_model_merge_the_model_wins_and_disagreements_are_recorded() -> None:
    schemas = derive_pages(
        [Page("gadget.md", GADGET_PAGE)], models=[Page("gadget.xml", GADGET_MODEL)]
    )
    assert set(schemas) == {"graph.gadget", "graph.gadgetInfo", "graph.gadgetState"}
    gadget = schemas["graph.gadget"]
    props = gadget["properties"]
    assert props["count"]["maximum"] == 2**63 - 1
    assert "the document says Int32" in props["count"]["x-doc-issues"][0]
    assert props["count"]["description"] == "How many there are."  # the page's sentence
    assert props["count"]["x-source"]["document"] == "gadget.md"
    assert props["count"]["x-model"] == {
        "document": "gadget.xml",
        "section": "ComplexType gadget",
        "line": 3,
    }
    assert props["state"]["$ref"] == "urn:sync-conformance:graph.gadgetState"
    assert "the document says String" in props["state"]["x-doc-issues"][0]
    assert "not in the document" in props["addedLater"]["x-doc-issues"][0]
    # The page's gadgetDetail is the model's gadgetInfo, found through the path gadget.detail.
    assert props["detail"]["anyOf"][0]["$ref"] == "urn:sync-conformance:graph.gadgetInfo"
    info = schemas["graph.gadgetInfo"]
    assert info["x-catalog"]["aliases"] == ["graph.gadgetDetail"]
    assert info["description"] == "Details of a gadget."


def test_cli_derives_pages_and_models_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "gadget.md"
    page.write_text(GADGET_PAGE)
    model = tmp_path / "gadget.xml"
    model.write_text(GADGET_MODEL)
    out = tmp_path / "out"
    assert main(["derive", str(page), str(model), "--out", str(out)]) == 0
    assert {p.name for p in out.glob("*.json")} == {
        "graph.gadget.json",
        "graph.gadgetInfo.json",
        "graph.gadgetState.json",
    }
    assert (
        main(["derive", "--botocore", "--type", "DataSourceSyncJob", "--out", str(tmp_path / "k")])
        == 0
    )
    assert (tmp_path / "k" / "kendra.DataSourceSyncJobMetrics.json").exists()
    bad = tmp_path / "bad.xml"
    bad.write_text(
        "<Fragments>\n<ComplexType Name='t'>\n<Property Name='p' Type='Edm.Stream'/>\n"
        "</ComplexType></Fragments>"
    )
    assert main(["derive", str(bad), "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "bad.xml:3:" in err
    assert "Traceback" not in err


def test_read_model_rejects_what_is_no_model() -> None:
    with pytest.raises(DerivationError, match="not a vendor model"):
        read_model(Page("x.txt", "hello"))


def test_the_readme_tables_are_what_the_schemas_say() -> None:
    """The README's source and disagreement tables are made from the shipped schemas."""
    from conformance.derive.provenance import disagreement_table, source_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert source_table() in readme
    assert disagreement_table() in readme
    assert disagreement_table().count("\n") >= 7  # header, rule and the five disagreements


def test_the_whole_installed_kendra_model_derives_and_compiles() -> None:
    """Every structure of the model (lists of lists, maps of ranged values included) maps."""
    import jsonschema_rs

    name, text = installed_model("kendra")
    schemas = derive_pages([], models=[Page(name, text)])
    assert len(schemas) > 200
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas.values()])
    for schema in schemas.values():
        jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)
    snapshots = schemas["kendra.GetSnapshotsResponse"]["properties"]["SnapshotsData"]
    assert snapshots["items"]["type"] == "array"


def test_a_rejected_enum_value_quotes_the_property_not_the_enum_type() -> None:
    """The page's sentence for the property stays the rule, though the model made it an enum."""
    found = ENGINE.findings(
        {"status": {"quarantine": {"reason": ""}, "code": 7}}, "graph.synchronizationJob", WHERE
    )
    rules = {f.pointer: f.rule for f in found}
    reason = rules["/status/quarantine/reason"]
    assert reason is not None
    assert (reason.document, reason.text) == (
        "graph-synchronizationStatus.md",
        "Code signifying why the quarantine was imposed",
    )
    code = rules["/status/code"]
    assert code is not None
    assert code.text == "Job's current status code"
