"""The catalog of shipped schemas: names, conventions, metaschema, examples, references."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator

from conformance import Catalog, CatalogError, Location, default_catalog
from conformance.cli import main
from conformance.validation import Engine

CATALOG = default_catalog()
NAMES = [e.name for e in CATALOG]
OBJECTS = [n for n in NAMES if CATALOG.get(n).kind != "enum"]

REQUIRED_NAMES = {
    "graph.synchronizationStatus",
    "graph.synchronizationProgress",
    "graph.synchronizationTaskExecution",
    "graph.synchronizationQuarantine",
    "graph.synchronizationJob",
    "graph.synchronizationJobCollection",
    "kendra.DataSourceSyncJob",
    "kendra.DataSourceSyncJobMetrics",
    "kendra.ListDataSourceSyncJobsResponse",
}


def test_catalog_names_the_resources_and_envelopes() -> None:
    """The catalog lists every resource and envelope under its short name."""
    assert set(NAMES) >= REQUIRED_NAMES
    assert CATALOG.get("graph.synchronizationJob").kind == "envelope"
    assert CATALOG.get("kendra.ListDataSourceSyncJobsResponse").kind == "envelope"
    assert CATALOG.get("graph.synchronizationStatus").document == "graph-synchronizationStatus.md"


@pytest.mark.parametrize("name", NAMES)
def test_schema_passes_the_2020_12_metaschema(name: str) -> None:
    """Every schema is a valid Draft 2020-12 schema: to jsonschema-rs, which compiles each
    ``pattern`` as ECMA-262 (\\P{C} included), and to the jsonschema library (structure only, as
    its "regex" format is Python's ``re``)."""
    schema = CATALOG.schema(name)
    assert jsonschema_rs.meta.is_valid(schema)
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    assert [e.message for e in meta.iter_errors(schema)] == []


@pytest.mark.parametrize("name", NAMES)
def test_schema_conventions(name: str) -> None:
    """$id, title, description and x-source everywhere; objects closed; Graph allows @odata.*."""
    schema = CATALOG.schema(name)
    assert schema["$id"] == f"urn:sync-conformance:{name}"
    assert schema["title"]
    assert schema["description"]
    assert schema["x-source"]["document"]
    if CATALOG.get(name).kind == "enum":
        return
    assert schema["additionalProperties"] is False
    for prop, sub in schema["properties"].items():
        assert {"document", "section", "line"} <= set(sub["x-source"]), prop
    if name.startswith("graph."):
        assert "@odata\\." in schema["patternProperties"]


EXAMPLES = [
    (name, i, example)
    for name in NAMES
    for i, example in enumerate(CATALOG.schema(name).get("examples", []))
]


def test_the_source_documents_examples_are_all_kept() -> None:
    """The documents' and the overlay's examples, and the objects nested in them, are kept."""
    with_examples = {name for name, _, _ in EXAMPLES}
    assert with_examples >= {
        "graph.synchronizationStatus",
        "graph.synchronizationProgress",
        "graph.synchronizationTaskExecution",
        "graph.synchronizationQuarantine",
        "graph.synchronizationError",
        "graph.synchronizationJob",
        "kendra.ListDataSourceSyncJobsResponse",
        "kendra.DataSourceSyncJob",
        "kendra.DataSourceSyncJobMetrics",
    }


@pytest.mark.parametrize(
    ("name", "index", "example"), EXAMPLES, ids=[f"{n}-{i}" for n, i, _ in EXAMPLES]
)
def test_every_example_of_the_source_documents_validates(
    name: str, index: int, example: Any
) -> None:
    """Each JSON example quoted in the source documents conforms to its schema."""
    assert Engine().findings(example, name, Location("example")) == []


def test_unknown_schema_name_suggests_close_ones() -> None:
    """An unknown name is a CatalogError that suggests the names it was probably meant to be."""
    with pytest.raises(CatalogError, match=r"Did you mean kendra\.DataSourceSyncJob"):
        CATALOG.get("kendra.DataSourceSyncJobs")


def test_an_unknown_ref_is_an_error_never_a_fetch(tmp_path: Path) -> None:
    """A $ref to a schema outside the catalog fails when the registry is built."""
    for name in ("kendra.DataSourceSyncJob.json", "kendra.DataSourceSyncJobMetrics.json"):
        shutil.copy(CATALOG.get(name.removesuffix(".json")).path, tmp_path / name)
    path = tmp_path / "kendra.DataSourceSyncJob.json"
    schema = json.loads(path.read_text())
    schema["properties"]["Metrics"]["$ref"] = "https://example.com/metrics.json"
    path.write_text(json.dumps(schema))
    catalog = Catalog(tmp_path)
    with pytest.raises(CatalogError, match="never fetched"):
        _ = catalog.registry
    with pytest.raises(CatalogError, match="never fetched"):
        _ = catalog.rs_registry


def test_cli_lists_and_shows_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    """`conformance schemas` lists names with source and description; `show` prints one schema."""
    assert main(["schemas"]) == 0
    listing = capsys.readouterr().out
    for name in REQUIRED_NAMES:
        assert name in listing
    assert "kendra-DataSourceSyncJob.md" in listing
    assert main(["schemas", "show", "graph.synchronizationProgress"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["$id"] == "urn:sync-conformance:graph.synchronizationProgress"
    assert main(["schemas", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == set(NAMES)


def test_cli_show_of_an_unknown_schema_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Showing an unknown schema is a usage error with a hint, not a traceback."""
    assert main(["schemas", "show", "graph.nothing"]) == 2
    assert "conformance schemas" in capsys.readouterr().err


def test_catalog_data_beside_the_schemas_is_no_note() -> None:
    """lifecycle.json (x-catalog-data) lies beside the schemas without a note on every run."""
    from conformance.catalog import load_catalog

    assert not [n for n in load_catalog().notes if "lifecycle.json" in n]
