"""The OpenAPI descriptions: made from the catalog with every constraint kept, valid OpenAPI 3.1
as schemathesis reads it, and the shipped files exactly what ``describe`` makes of the shipped
catalog."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from conformance import CatalogError, cli, default_catalog
from conformance.catalog import URN_PREFIX, Catalog, shipped_directory
from conformance.openapi import SERVICES, Service, describe, dumps

ROOT = Path(__file__).parents[1]
SHIPPED = ROOT / "schemas" / "openapi"


def _ours(node: Any) -> Any:
    """A component as the catalog would hold it: refs back to URNs."""
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/components/schemas/", URN_PREFIX, 1)
                if k == "$ref" and isinstance(v, str)
                else _ours(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_ours(item) for item in node]
    return node


@pytest.mark.parametrize("service", SERVICES)
def test_the_shipped_descriptions_are_what_describe_makes(service: Service) -> None:
    """schemas/openapi/SERVICE.json is byte for byte describe() of the shipped catalog, so it
    cannot go stale when a schema changes ('conformance openapi --out schemas/openapi')."""
    shipped = (SHIPPED / f"{service}.json").read_text("utf-8")
    assert shipped == dumps(describe(service))


def test_the_descriptions_are_shipped_beside_the_schemas() -> None:
    """The installed schema package holds the descriptions (package data)."""
    assert sorted(p.name for p in (shipped_directory() / "openapi").glob("*.json")) == [
        "graph.json",
        "kendra.json",
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_a_description_is_valid_openapi_3_1(service: Service) -> None:
    """The description validates against the OpenAPI 3.1 meta-schema schemathesis carries,
    every operation loads, and every component compiles as JSON Schema 2020-12."""
    description = describe(service)
    OPENAPI_31_VALIDATOR.validate(description)
    schema = schemathesis.openapi.from_dict(description, config=schemathesis.Config())
    results = list(schema.get_all_operations())
    assert results
    assert all(isinstance(r, Ok) for r in results)
    components = description["components"]["schemas"]
    registry = jsonschema_rs.Registry([("urn:openapi", description)])
    for name in components:
        ref = {"$ref": f"urn:openapi#/components/schemas/{name}"}
        jsonschema_rs.validator_for(ref, registry=registry, validate_formats=True)


@pytest.mark.parametrize("service", SERVICES)
def test_components_keep_the_catalog_schemas_exactly(service: Service) -> None:
    """Each catalog schema in a description is the catalog's, constraints and annotations
    alike, but for its $id and $schema and its refs pointing at components."""
    catalog = default_catalog()
    components = describe(service)["components"]["schemas"]
    from_catalog = [name for name in components if name in catalog]
    assert len(from_catalog) >= 3
    for name in from_catalog:
        expected = {k: v for k, v in catalog.schema(name).items() if k not in ("$id", "$schema")}
        assert _ours(components[name]) == expected, name


def test_every_reference_resolves_inside_the_description() -> None:
    """No URN is left: every $ref names a component that is there."""
    for service in SERVICES:
        description = describe(service)
        text = json.dumps(description)
        refs = [part.split('"', 1)[0] for part in text.split('"$ref": "')[1:]]
        assert refs
        assert all(r.startswith("#/components/schemas/") for r in refs)
        names = set(description["components"]["schemas"])
        assert {r.split("/")[3] for r in refs} <= names


def test_graph_operations_parameters_and_errors() -> None:
    """Graph: the two GETs, $top 1..999 and $skiptoken, the 200 bodies by catalog name, the
    error envelope for 400/404/429 with Retry-After on 429."""
    description = describe("graph")
    paths = description["paths"]
    jobs = paths["/beta/servicePrincipals/{servicePrincipalId}/synchronization/jobs"]["get"]
    job = paths["/beta/servicePrincipals/{servicePrincipalId}/synchronization/jobs/{jobId}"]["get"]
    top = next(p for p in jobs["parameters"] if p["name"] == "$top")
    assert top["schema"] == {"type": "integer", "minimum": 1, "maximum": 999}
    assert {p["name"] for p in jobs["parameters"]} == {"servicePrincipalId", "$top", "$skiptoken"}
    body = jobs["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/graph.synchronizationJobCollection"}
    assert job["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/graph.synchronizationJob"
    }
    assert set(jobs["responses"]) == {"200", "400", "404", "429"}
    assert "Retry-After" in jobs["responses"]["429"]["headers"]
    error = description["components"]["schemas"]["graph.error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]


def test_kendra_request_as_botocore_constrains_it() -> None:
    """Kendra: POST / with the X-Amz-Target enum, an AWS JSON 1.1 body with Id and IndexId
    required and MaxResults 1..10, the response by catalog name, errors as __type/message."""
    description = describe("kendra")
    post = description["paths"]["/"]["post"]
    (target,) = post["parameters"]
    assert target["in"] == "header"
    assert target["required"] is True
    assert target["schema"]["enum"] == ["AWSKendraFrontendService.ListDataSourceSyncJobs"]
    assert list(post["requestBody"]["content"]) == ["application/x-amz-json-1.1"]
    request = description["components"]["schemas"]["kendra.ListDataSourceSyncJobsRequest"]
    assert request["required"] == ["Id", "IndexId"]
    members = request["properties"]
    assert members["MaxResults"] == {"type": "integer", "minimum": 1, "maximum": 10}
    assert (members["IndexId"]["minLength"], members["IndexId"]["maxLength"]) == (36, 36)
    assert (members["Id"]["minLength"], members["Id"]["maxLength"]) == (1, 100)
    assert members["NextToken"] == {"type": "string", "minLength": 1, "maxLength": 800}
    assert "SYNCING_INDEXING" in members["StatusFilter"]["enum"]
    ok = post["responses"]["200"]["content"]["application/x-amz-json-1.1"]["schema"]
    assert ok == {"$ref": "#/components/schemas/kendra.ListDataSourceSyncJobsResponse"}
    assert set(post["responses"]) == {"200", "400", "429"}
    assert description["components"]["schemas"]["kendra.error"]["required"] == [
        "__type",
        "message",
    ]


def test_a_derived_schema_on_top_shows_in_the_description(tmp_path: Path) -> None:
    """A catalog with a folder on top describes with that folder's schema."""
    schema = dict(default_catalog().schema("kendra.DataSourceSyncJobMetrics"))
    schema["description"] = "Replaced for this test."
    (tmp_path / "metrics.json").write_text(json.dumps(schema), "utf-8")
    catalog = Catalog.layered(default_catalog(), tmp_path)
    components = describe("kendra", catalog)["components"]["schemas"]
    assert components["kendra.DataSourceSyncJobMetrics"]["description"] == "Replaced for this test."


def test_an_anchor_reference_cannot_be_described(tmp_path: Path) -> None:
    """A $ref to an anchor is a CatalogError naming the file, not a broken description."""
    schema = json.loads(json.dumps(default_catalog().schema("kendra.DataSourceSyncJobMetrics")))
    schema["properties"]["DocumentsAdded"] = {"$ref": "#somewhere"}
    (tmp_path / "metrics.json").write_text(json.dumps(schema), "utf-8")
    catalog = Catalog.layered(default_catalog(), tmp_path)
    with pytest.raises(CatalogError, match=r"metrics\.json.*#somewhere"):
        describe("kendra", catalog)


def test_an_unknown_service_is_an_error() -> None:
    """describe() names the services it knows."""
    with pytest.raises(CatalogError, match="graph, kendra"):
        describe("s3")  # type: ignore[arg-type]


def test_the_command_writes_the_shipped_files(tmp_path: Path) -> None:
    """conformance openapi --out DIR writes graph.json and kendra.json equal to the shipped."""
    assert cli.main(["openapi", "--out", str(tmp_path / "out")], io.StringIO()) == 0
    for service in SERVICES:
        written = (tmp_path / "out" / f"{service}.json").read_text("utf-8")
        assert written == (SHIPPED / f"{service}.json").read_text("utf-8")


def test_the_command_prints_one_description() -> None:
    """conformance openapi --service kendra prints the Kendra description as JSON."""
    out = io.StringIO()
    assert cli.main(["openapi", "--service", "kendra"], out) == 0
    assert json.loads(out.getvalue()) == describe("kendra")


def test_the_command_refuses_to_print_two(capsys: pytest.CaptureFixture[str]) -> None:
    """--service all without --out is a usage error (exit 2) saying what to do."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["openapi", "--service", "all"], io.StringIO())
    assert exit_.value.code == 2
    assert "--out DIR" in capsys.readouterr().err
