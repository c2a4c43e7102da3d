"""Explanations point at the defect: planted at every place of every example the schemas quote.

Each example document is copied with one defect planted at one place (a value of the wrong
kind, an unknown word, an empty string, null, an undeclared property), and what the engine
reports for it is held to the place and the kind of what was planted.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from conformance.catalog import default_catalog
from conformance.findings import Location
from conformance.validation import Engine

WHERE = Location("test.json", 1)
ENGINE = Engine()
REPLACEMENTS: list[tuple[str, Any]] = [
    ("a list", [1]),
    ("an object", {"x": 1}),
    ("a number", 1.5),
    ("an unknown word", "NotAKnownValue"),
    ("an empty string", ""),
    ("null", None),
]


def _value(what: str) -> Any:
    return dict(REPLACEMENTS)[what]


def _planted(value: Any, pointer: str = "") -> Iterator[tuple[str, str, Any]]:
    """(pointer, what was planted there, document): one defect each."""
    if isinstance(value, dict):
        yield f"{pointer}/zzUnknown", "an undeclared property", {**value, "zzUnknown": 1}
        for key, item in value.items():
            at = f"{pointer}/{key}"
            for what, bad in REPLACEMENTS:
                yield at, what, {**value, key: bad}
            for inner_at, what, inner in _planted(item, at):
                yield inner_at, what, {**value, key: inner}
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for inner_at, what, inner in _planted(item, f"{pointer}/{index}"):
                yield inner_at, what, [*value[:index], inner, *value[index + 1 :]]


def _cases() -> Iterator[Any]:
    catalog = default_catalog()
    for entry in catalog:
        if entry.kind == "enum":
            continue
        for number, example in enumerate(catalog.schema(entry.name).get("examples", [])):
            yield pytest.param(entry.name, example, id=f"{entry.name}-example{number + 1}")


@pytest.mark.parametrize(("schema", "example"), list(_cases()))
def test_each_planted_defect_is_reported_where_it_was_planted(schema: str, example: Any) -> None:
    validator = ENGINE.validator(schema)
    assert validator.is_valid(example)
    checked = 0
    for pointer, what, document in _planted(copy.deepcopy(example)):
        if validator.is_valid(document):
            continue  # the schema allows it there (null in a nullable object, say)
        found = validator.findings(document, WHERE, valid=False)
        said = [(f.kind, f.pointer) for f in found]
        if what == "an undeclared property":
            assert said == [("property-drift", pointer)], (pointer, what)
        else:
            # At the defect, inside it (an object planted), or at the nullable object around it
            # when no branch of that object fits.
            for finding in found:
                at = finding.pointer
                assert (
                    pointer == at
                    or (at + "/").startswith(pointer + "/")
                    or pointer.startswith(at + "/")
                ), (pointer, what, said)
            kinds = {f.kind for f in found}
            assert kinds <= {"violation", "enum-drift", "property-drift"}, (pointer, what, said)
            assert "enum-drift" not in kinds or isinstance(_value(what), str), (pointer, what, said)
            assert "property-drift" not in kinds or what == "an object", (pointer, what, said)
        assert all(f.rule is not None for f in found), (pointer, what)
        checked += 1
    assert checked > 5


def test_the_branch_meant_is_explained_not_the_null_beside_it() -> None:
    """A Graph object is nullable (``anyOf`` of the object and null); a defect inside it is
    reported inside it, with the other defects of that branch, not as "not null"."""
    job = {"status": {"code": "Active", "countSuccessiveCompleteFailures": "3", "zz": 1}}
    found = ENGINE.findings(job, "graph.synchronizationJob", WHERE)
    assert [(f.kind, f.pointer, f.keyword) for f in found] == [
        ("violation", "/status/countSuccessiveCompleteFailures", "type"),
        ("property-drift", "/status/zz", "additionalProperties"),
    ]
    assert found[0].rule is not None
    assert found[0].rule.document == "graph-synchronizationStatus.md"


def test_a_value_that_fits_no_branch_is_reported_at_its_place() -> None:
    found = ENGINE.findings({"status": "x"}, "graph.synchronizationJob", WHERE)
    assert [(f.pointer, f.keyword) for f in found] == [("/status", "anyOf")]
