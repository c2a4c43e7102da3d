"""Explaining only what fails: the pruned explanation must say what the whole one says.

``Engine.explain`` shows the explaining engine an envelope's failing items only, and in every
object only the optional properties the fast engine rejects. These tests plant defects of every
kind at every property of every example the schemas quote, and hold the pruned explanation to the
explanation of the whole document.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.catalog import default_catalog
from conformance.findings import Finding, Location
from conformance.validation import Engine

WHERE = Location("test.json", 1)
ENGINE = Engine()


def _mutations(value: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(what, document) pairs, each the example with one defect planted at one place."""
    if isinstance(value, dict):
        yield f"{pointer} gains an unknown property", {**value, "zzUnknown": 1}
        for key, item in value.items():
            at = f"{pointer}/{key}"
            for what, bad in (
                ("a list", [1]),
                ("an object", {"x": 1}),
                ("a number", 1.5),
                ("an unknown word", "NotAKnownValue"),
                ("an empty string", ""),
                ("null", None),
            ):
                yield f"{at} becomes {what}", {**value, key: bad}
            for what, inner in _mutations(item, at):
                yield what, {**value, key: inner}
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for what, inner in _mutations(item, f"{pointer}/{index}"):
                yield what, [*value[:index], inner, *value[index + 1 :]]


def _cases() -> Iterator[Any]:
    catalog = default_catalog()
    for entry in catalog:
        if entry.kind == "enum":
            continue
        for number, example in enumerate(catalog.schema(entry.name).get("examples", [])):
            yield pytest.param(entry.name, example, id=f"{entry.name}-example{number + 1}")


def _said(found: list[Finding]) -> list[tuple[str, str, str, str | None]]:
    return sorted((f.kind, f.pointer, f.message, f.keyword) for f in found)


@pytest.mark.parametrize(("schema", "example"), list(_cases()))
def test_the_pruned_explanation_says_what_the_whole_one_says(schema: str, example: Any) -> None:
    validator = ENGINE.validator(schema)
    compared = 0
    for what, document in _mutations(copy.deepcopy(example)):
        if validator.is_valid(document):
            continue
        whole = validator.findings(document, WHERE, valid=False)
        assert _said(ENGINE.explain(document, schema, WHERE)) == _said(whole), what
        compared += 1
    assert compared > 10


def test_conforming_optional_properties_are_left_out_before_explaining() -> None:
    status = {
        "code": "Active",
        "escrowsPruned": False,
        "countSuccessiveCompleteFailures": 0,
        "lastExecution": {"state": "Succeeded", "countEntitled": "many", "countExported": 3},
        "quarantine": None,
        "zzUnknown": 1,
    }
    changed: set[str] = set()
    pruned = ENGINE._pruned(status, "graph.synchronizationStatus", "", changed)
    # The failing nested object keeps only its failing member; the undeclared key stays, as
    # additionalProperties judges it.
    assert pruned == {"lastExecution": {"countEntitled": "many"}, "zzUnknown": 1}
    assert changed == {"", "/lastExecution"}
    assert status["escrowsPruned"] is False  # the document itself is untouched


def test_required_properties_are_kept_when_pruning() -> None:
    page = {"History": [], "NextToken": 7}
    schema = "kendra.ListDataSourceSyncJobsResponse"
    required = set(default_catalog().schema(schema).get("required", ()))
    pruned = ENGINE._pruned(page, schema, "", set())
    assert required <= set(pruned)
    assert pruned["NextToken"] == 7


def test_a_conforming_document_prunes_to_its_required_properties() -> None:
    job = {"ExecutionId": "a1", "StartTime": 1.0, "Status": "SUCCEEDED"}
    assert ENGINE._pruned(job, "kendra.DataSourceSyncJob", "", set()) == {}
    assert ENGINE.explain(job, "kendra.DataSourceSyncJob", WHERE)[0].message.startswith(
        "the fast engine"
    )
