"""`conformance schemas show NAME --bundle`: one self-contained schema for tools with no catalog.

The bundle is checked by tools that know nothing of the project's URNs: the ``jsonschema``
library's own ``Draft202012Validator`` with no registry at all, and ``jsonschema_rs`` given the
bundle alone. Python's ``re`` cannot compile Kendra's ``^\\P{C}*$``, so for Kendra the jsonschema
library gets the ``regex`` module for ``pattern`` and the ``regex`` format (as the benchmark's
baseline does).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import regex
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from conformance import default_catalog
from conformance.catalog import URN_PREFIX
from conformance.cli import main

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def bundle(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """What `conformance schemas show ... --bundle` prints, parsed."""
    assert main(["schemas", "show", *args, "--bundle"]) == 0
    printed: dict[str, Any] = json.loads(capsys.readouterr().out)
    return printed


def walk(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """(path, key, value) of every member of every object in ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from walk(item, f"{path}/{index}")


def referenced(name: str) -> set[str]:
    """The names ``name``'s schema refers to, transitively, read from the catalog."""
    catalog = default_catalog()
    found: set[str] = set()
    todo = [name]
    while todo:
        for _, key, value in walk(catalog.schema(todo.pop())):
            if key == "$ref" and isinstance(value, str):
                target = catalog.name_of(value.split("#")[0])
                if target is not None and target not in found and target != name:
                    found.add(target)
                    todo.append(target)
    return found


def assert_self_contained(schema: dict[str, Any], name: str) -> None:
    """Draft 2020-12 at the top only, every $ref local, no $id but the top one."""
    assert schema["$schema"] == DRAFT
    assert schema["$id"] == URN_PREFIX + name
    members = [
        (path, key, value) for path, key, value in walk(schema) if not path.endswith("/examples")
    ]
    assert [p for p, k, _ in members if k == "$schema" and p] == []
    assert [p for p, k, _ in members if k == "$id" and p.startswith("/$defs/")] == []
    refs = [v for _, k, v in members if k == "$ref"]
    assert refs
    assert all(ref == "#" or ref.startswith("#/") for ref in refs), refs


def regex_validator(schema: dict[str, Any]) -> Any:
    """The jsonschema library's Draft 2020-12 validator, ``pattern`` on the ``regex`` module."""

    def pattern(validator: Any, expected: str, instance: Any, _schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not regex.search(expected, instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    extend: Any = validators.extend  # untyped in the stubs
    return extend(Draft202012Validator, {"pattern": pattern})(schema)


def regex_format_checker() -> FormatChecker:
    """Draft 2020-12's format checker, its "regex" format on the ``regex`` module."""
    checker = copy.deepcopy(Draft202012Validator.FORMAT_CHECKER)
    checker.checks("regex", raises=regex.error)(lambda text: bool(regex.compile(text)))
    return checker


def test_graph_status_bundle_resolves_without_a_registry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """graph.synchronizationStatus with every schema it refers to under $defs: valid Draft
    2020-12; both libraries, given the bundle alone, accept its examples and find a bad count
    inside lastExecution, a type two $refs away."""
    name = "graph.synchronizationStatus"
    schema = bundle(capsys, name)
    assert_self_contained(schema, name)
    assert set(schema["$defs"]) == referenced(name)
    Draft202012Validator.check_schema(schema)
    assert jsonschema_rs.meta.is_valid(schema)

    plain = Draft202012Validator(schema)  # no registry: an unknown URN would raise
    fast = jsonschema_rs.validator_for(schema)
    assert schema["examples"]
    for example in schema["examples"]:
        assert list(plain.iter_errors(example)) == []
        assert fast.is_valid(example)
    good = {"code": "Active", "lastExecution": {"countEntitled": 3}}
    bad = {"code": "Active", "lastExecution": {"countEntitled": "three"}}
    assert plain.is_valid(good)
    assert fast.is_valid(good)
    [error] = plain.iter_errors(bad)
    assert list(error.absolute_path) == ["lastExecution"]
    assert not fast.is_valid(bad)


def test_kendra_page_bundle_resolves_without_a_registry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """kendra.ListDataSourceSyncJobsResponse bundled: its examples pass, and a bad Status or an
    ErrorMessage with a TAB inside History/0 fails, in both libraries."""
    name = "kendra.ListDataSourceSyncJobsResponse"
    schema = bundle(capsys, name)
    assert_self_contained(schema, name)
    assert {"kendra.DataSourceSyncJob", "kendra.DataSourceSyncJobMetrics"} <= set(schema["$defs"])
    Draft202012Validator.check_schema(schema, format_checker=regex_format_checker())

    plain = regex_validator(schema)
    fast = jsonschema_rs.validator_for(schema, validate_formats=True)
    for example in schema["examples"]:
        assert list(plain.iter_errors(example)) == []
        assert fast.is_valid(example)
    job = {"ExecutionId": "e1", "StartTime": 1700000000, "Status": "SUCCEEDED"}
    assert plain.is_valid({"History": [job]})
    for wrong in ({"Status": 7}, {"ErrorMessage": "disk\tfull"}):
        page = {"History": [{**job, **wrong}]}
        errors = list(plain.iter_errors(page))
        assert errors
        assert {tuple(e.absolute_path) for e in errors} == {("History", 0, *wrong)}
        assert not fast.is_valid(page)


def test_an_alias_bundles_the_canonical_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """`show ALIAS --bundle` is the bundle of the schema the alias names."""
    catalog = default_catalog()
    aliased = [e for e in catalog if e.aliases]
    if not aliased:
        pytest.skip("no shipped schema has an alias yet (tests/test_schemas_dir.py covers it)")
    entry = aliased[0]
    assert bundle(capsys, entry.aliases[0]) == bundle(capsys, entry.name)


def test_a_bundle_rewrites_self_pointer_and_nested_refs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --schemas DIR: a self-reference becomes ``#``, a pointer into another schema
    ``#/$defs/<name>/...``, that schema's own local refs follow it under $defs, and a ref to a
    shipped schema brings it in."""
    node: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": URN_PREFIX + "graph.treeNode",
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": URN_PREFIX + "graph.treeNode"}},
            "label": {"$ref": URN_PREFIX + "graph.treeLeaf#/properties/label"},
            "leaf": {"$ref": URN_PREFIX + "graph.treeLeaf"},
            "status": {"$ref": URN_PREFIX + "graph.synchronizationStatus"},
        },
        "additionalProperties": False,
        "x-catalog": {"name": "graph.treeNode", "kind": "resource"},
        "examples": [{"children": [{"label": "a"}], "leaf": {"label": "b"}}],
    }
    leaf: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": URN_PREFIX + "graph.treeLeaf",
        "type": "object",
        "$defs": {"word": {"type": "string", "pattern": "^[a-z]+$"}},
        "properties": {"label": {"$ref": "#/$defs/word"}},
        "x-catalog": {"name": "graph.treeLeaf", "kind": "resource"},
    }
    folder = tmp_path / "derived"
    folder.mkdir()
    for item in (node, leaf):
        path = folder / f"{item['x-catalog']['name']}.json"
        path.write_text(json.dumps(item), encoding="utf-8")

    schema = bundle(capsys, "graph.treeNode", "--schemas", str(folder))
    properties = schema["properties"]
    assert properties["children"]["items"] == {"$ref": "#"}
    assert properties["label"] == {"$ref": "#/$defs/graph.treeLeaf/properties/label"}
    assert properties["leaf"] == {"$ref": "#/$defs/graph.treeLeaf"}
    assert properties["status"] == {"$ref": "#/$defs/graph.synchronizationStatus"}
    assert schema["$defs"]["graph.treeLeaf"]["properties"]["label"] == {
        "$ref": "#/$defs/graph.treeLeaf/$defs/word"
    }
    assert referenced("graph.synchronizationStatus") <= set(schema["$defs"])
    assert_self_contained(schema, "graph.treeNode")

    plain = Draft202012Validator(schema)
    fast = jsonschema_rs.validator_for(schema)
    bad = {"children": [{"children": [{"label": "Not A Word"}]}]}
    assert plain.is_valid(schema["examples"][0])
    assert fast.is_valid(schema["examples"][0])
    [error] = plain.iter_errors(bad)
    assert list(error.absolute_path) == ["children", 0, "children", 0, "label"]
    assert not fast.is_valid(bad)


def test_bundle_needs_show(capsys: pytest.CaptureFixture[str]) -> None:
    """`schemas --bundle` without `show NAME` is a usage error."""
    with pytest.raises(SystemExit) as exited:
        main(["schemas", "--bundle"])
    assert exited.value.code == 2
    assert "--bundle goes with 'schemas show NAME'" in capsys.readouterr().err


def test_a_bundle_checks_our_formats_in_tools_that_do_not_know_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The jsonschema library knows no edm-duration and, without rfc3339-validator, checks no
    date-time: the bundle's guard patterns still reject what the engine rejects."""
    schema = bundle(capsys, "graph.synchronizationJob")
    plain = Draft202012Validator(schema)  # no format checker at all
    job = {"schedule": {"interval": "P10675199DT2H48M5.4775807S", "state": "Active"}}
    assert plain.is_valid(job)
    assert not plain.is_valid({"schedule": {"interval": "P1Y", "state": "Active"}})
    assert not plain.is_valid({"status": {"steadyStateFirstAchievedTime": "201*-07-19T14:55:58Z"}})
