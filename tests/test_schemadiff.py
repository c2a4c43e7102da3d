"""``conformance.schemadiff`` and ``conformance diff OLD NEW``: each rule on small hand-made pairs
of schemas, pairing by name, alias and path, the three formats, exit codes, bad input, and
arbitrary schema-like input that never makes the diff raise."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import default_catalog
from conformance.cli import main
from conformance.schemadiff import (
    ASPECTS,
    LEVELS,
    RULES,
    Change,
    SchemaSet,
    diff,
    load_schemas,
    to_json,
    to_markdown,
    to_text,
)

URN = "urn:sync-conformance:"
REPORT_SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[1] / "conformance" / "report" / "schemadiff.schema.json"
    ).read_text(encoding="utf-8")
)


def check_report(data: Any) -> None:
    """The JSON report has the shape conformance/report/schemadiff.schema.json documents."""
    import jsonschema

    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)


def obj(name: str, properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A closed object schema named as the catalog names them."""
    return {
        "$id": URN + name,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "x-catalog": {"name": name, "kind": "resource"},
        **extra,
    }


def one(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(rule, level, pointer) of every change from a one-property schema ``old`` to ``new``."""
    found = diff({"t.T": obj("t.T", {"p": old})}, {"t.T": obj("t.T", {"p": new})})
    return [(c.rule, c.level, c.pointer) for c in found.changes]


@pytest.mark.parametrize(
    ("old", "new", "rule", "level"),
    [
        ({"enum": ["A"]}, {"enum": ["A", "B"]}, "response-property-enum-value-added", "WARN"),
        ({"enum": ["A", "B"]}, {"enum": ["A"]}, "response-property-enum-value-removed", "INFO"),
        (
            {"type": "string"},
            {"type": "string", "enum": ["A"]},
            "response-property-enum-set",
            "INFO",
        ),
        (
            {"type": "string", "enum": ["A"]},
            {"type": "string"},
            "response-property-enum-unset",
            "WARN",
        ),
        ({"type": "string"}, {"type": "integer"}, "response-property-type-changed", "ERR"),
        ({"type": "integer"}, {"type": "number"}, "response-property-list-of-types-widened", "ERR"),
        (
            {"type": ["string", "integer"]},
            {"type": "string"},
            "response-property-list-of-types-narrowed",
            "INFO",
        ),
        (
            {"type": "string"},
            {"type": ["string", "null"]},
            "response-property-became-nullable",
            "ERR",
        ),
        (
            {"type": ["string", "null"]},
            {"type": "string"},
            "response-property-became-not-nullable",
            "INFO",
        ),
        ({"maxLength": 5}, {"maxLength": 9}, "response-property-max-length-increased", "WARN"),
        ({"maxLength": 9}, {"maxLength": 5}, "response-property-max-length-decreased", "INFO"),
        ({"maxLength": 9}, {}, "response-property-max-length-unset", "WARN"),
        ({}, {"maxLength": 9}, "response-property-max-length-set", "INFO"),
        ({"minLength": 2}, {"minLength": 1}, "response-property-min-length-decreased", "WARN"),
        ({"minLength": 1}, {"minLength": 2}, "response-property-min-length-increased", "INFO"),
        ({"maximum": 1}, {"maximum": 2}, "response-property-max-increased", "WARN"),
        ({"minimum": 1}, {"minimum": 0}, "response-property-min-decreased", "WARN"),
        ({"minimum": 0}, {"minimum": 1}, "response-property-min-increased", "INFO"),
        ({"maxItems": 2}, {"maxItems": 3}, "response-property-max-items-increased", "WARN"),
        ({"minItems": 1}, {}, "response-property-min-items-unset", "WARN"),
        ({"pattern": "^a$"}, {"pattern": "^b$"}, "response-property-pattern-changed", "WARN"),
        ({}, {"pattern": "^a$"}, "response-property-pattern-added", "INFO"),
        ({"pattern": "^a$"}, {}, "response-property-pattern-removed", "WARN"),
        (
            {"type": "string"},
            {"type": "string", "format": "date-time"},
            "response-property-format-set",
            "INFO",
        ),
        ({"format": "date"}, {"format": "date-time"}, "response-property-format-changed", "ERR"),
        ({"format": "date"}, {}, "response-property-format-unset", "WARN"),
        ({"const": 1}, {"const": 2}, "response-property-const-changed", "ERR"),
        ({"multipleOf": 2}, {"multipleOf": 3}, "response-property-multiple-of-changed", "WARN"),
        ({"uniqueItems": True}, {}, "response-property-keyword-changed", "WARN"),
        ({"maxLength": "5"}, {"maxLength": 5}, "response-property-max-length-changed", "WARN"),
    ],
)
def test_each_rule_on_a_property(
    old: dict[str, Any], new: dict[str, Any], rule: str, level: str
) -> None:
    assert one(old, new) == [(rule, level, "/p")]
    assert RULES[rule].level == level


def test_properties_added_removed_and_required() -> None:
    old = obj("t.T", {"a": {"type": "string"}, "b": {"type": "string"}, "c": {}}, required=["b"])
    new = obj("t.T", {"a": {"type": "string"}, "d": {}, "e": {}, "c": {}}, required=["e", "c"])
    found = diff({"t.T": old}, {"t.T": new})
    assert sorted((c.rule, c.level, c.pointer) for c in found.changes) == [
        ("response-optional-property-added", "WARN", "/d"),
        ("response-property-became-required", "INFO", "/c"),
        ("response-required-property-added", "WARN", "/e"),
        ("response-required-property-removed", "ERR", "/b"),
    ]
    back = diff({"t.T": new}, {"t.T": old})
    assert sorted((c.rule, c.level, c.pointer) for c in back.changes) == [
        ("response-optional-property-removed", "INFO", "/d"),
        ("response-property-became-optional", "ERR", "/c"),
        ("response-required-property-added", "WARN", "/b"),
        ("response-required-property-removed", "ERR", "/e"),
    ]


def test_a_change_carries_raw_values() -> None:
    [change] = diff({"t.E": {"enum": ["A", "B"]}}, {"t.E": {"enum": ["A", "B", "C", "D"]}}).changes
    assert change == Change(
        rule="response-property-enum-value-added",
        level="WARN",
        schema="t.E",
        pointer="",
        root="t.E",
        path="",
        old=["A", "B"],
        new=["A", "B", "C", "D"],
        added=("C", "D"),
    )
    with pytest.raises(AttributeError):
        change.level = "ERR"  # type: ignore[misc]


def test_open_closed_and_annotations() -> None:
    old = obj("t.T", {"a": {"description": "x", "examples": [1], "x-source": {}}})
    new = {**obj("t.T", {"a": {"description": "y", "title": "t"}}), "description": "other"}
    assert diff({"t.T": old}, {"t.T": new}).changes == ()
    del new["additionalProperties"]
    [change] = diff({"t.T": old}, {"t.T": new}).changes
    assert (change.rule, change.level) == ("response-property-became-open", "WARN")


def _job(
    execution: str, state: list[str], extra_props: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A status whose lastExecution is ``execution`` (nullable), an execution with an enum."""
    status = obj(
        "g.status",
        {"lastExecution": {"anyOf": [{"$ref": URN + execution}, {"type": "null"}]}},
    )
    job = obj("g.job", {"status": {"$ref": URN + "g.status"}})
    run = obj(execution, {"state": {"type": "string", "enum": state}, **(extra_props or {})})
    return {"g.job": job, "g.status": status, execution: run}


def test_a_renamed_type_pairs_by_the_path_that_reaches_it() -> None:
    old = _job("g.jobExecution", ["Succeeded", "Failed"])
    new = _job("g.taskExecution", ["Succeeded", "Failed", "EntryLevelErrors"])
    found = diff(old, new)
    pairs = {(m.old, m.new): (m.how, m.root, m.path) for m in found.matches}
    assert pairs[("g.jobExecution", "g.taskExecution")] == (
        "path",
        "g.job",
        "/status/lastExecution",
    )
    assert pairs[("g.job", "g.job")] == ("name", "g.job", "")
    [change] = found.changes
    assert (change.rule, change.schema, change.old_schema, change.pointer) == (
        "response-property-enum-value-added",
        "g.taskExecution",
        "g.jobExecution",
        "/state",
    )
    assert (change.root, change.path) == ("g.job", "/status/lastExecution/state")
    assert change.added == ("EntryLevelErrors",)
    assert found.only_old == found.only_new == ()
    assert "by path g.job/status/lastExecution" in to_text(found)


def test_a_former_name_pairs_by_alias() -> None:
    old = {"g.old": obj("g.old", {"a": {}})}
    new_schema = obj("g.new", {"a": {}, "b": {}})
    new_schema["x-catalog"]["aliases"] = ["old"]
    found = diff(old, {"g.new": new_schema})
    assert [(m.old, m.new, m.how) for m in found.matches] == [("g.old", "g.new", "alias")]
    assert [c.rule for c in found.changes] == ["response-optional-property-added"]


def test_schemas_only_one_side_has() -> None:
    found = diff({"t.A": obj("t.A", {})}, {"t.B": obj("t.B", {})})
    assert sorted(c.rule for c in found.changes) == [
        "response-schema-added",
        "response-schema-removed",
    ]
    assert (found.only_old, found.only_new) == (("t.A",), ("t.B",))


def test_a_ref_to_a_string_where_an_enum_was_inline_is_compared_by_what_it_says() -> None:
    """Ours says a string, the other side a $ref to an enum type: the values are listed."""
    old = {"t.T": obj("t.T", {"reason": {"type": "string"}})}
    new = {
        "t.T": obj("t.T", {"reason": {"$ref": URN + "t.Reason"}}),
        "t.Reason": {"$id": URN + "t.Reason", "type": "string", "enum": ["A", "B"]},
    }
    found = diff(old, new)
    enum = [c for c in found.changes if c.rule == "response-property-enum-set"]
    assert [(c.pointer, c.added) for c in enum] == [("/reason", ("A", "B"))]


def test_the_shipped_catalog_against_itself_is_empty() -> None:
    shipped = SchemaSet.from_catalog(default_catalog())
    found = diff(shipped, copy.deepcopy(shipped))
    assert found.changes == ()
    assert len(found.matches) == len(default_catalog())


def test_levels_filter() -> None:
    found = diff(
        {"t.T": obj("t.T", {"p": {"enum": ["A", "B"]}, "q": {"type": "string"}})},
        {"t.T": obj("t.T", {"p": {"enum": ["A", "C"]}, "q": {"type": ["string", "null"]}})},
    )
    assert [c.level for c in found.at_least("ERR")] == ["ERR"]
    assert len(found.at_least("WARN")) == 2
    assert len(found.at_least("INFO")) == 3
    assert found.counts() == {"ERR": 1, "WARN": 1, "INFO": 1}
    assert LEVELS == ("INFO", "WARN", "ERR")


# --- the command --------------------------------------------------------------------------------


def _write(path: Path, schema: Any) -> Path:
    path.write_text(json.dumps(schema), encoding="utf-8")
    return path


def _edited_job(tmp_path: Path) -> Path:
    """The shipped Kendra job with SYNCING_INDEXING gone and a new nullable property."""
    job = copy.deepcopy(default_catalog().schema("kendra.DataSourceSyncJob"))
    job["properties"]["Status"]["enum"].remove("SYNCING_INDEXING")
    job["properties"]["ErrorCode"]["type"] = ["string", "null"]
    return _write(tmp_path / "job.json", job)


def test_cli_diff_a_file_against_a_catalog_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _edited_job(tmp_path)
    assert main(["diff", str(old), "kendra.DataSourceSyncJob"]) == 0  # a WARN and an INFO
    out = capsys.readouterr().out
    assert "WARN  response-property-enum-value-added  kendra.DataSourceSyncJob /Status" in out
    assert '"SYNCING_INDEXING"' in out
    assert "INFO  response-property-became-not-nullable" in out
    assert "2 changes: 1 WARN, 1 INFO" in out
    assert main(["diff", str(old), "kendra.DataSourceSyncJob", "--fail-on", "WARN"]) == 1
    assert main(["diff", "kendra.DataSourceSyncJob", str(old)]) == 1  # became nullable: ERR
    assert main(["diff", "kendra.DataSourceSyncJob", str(old), "--fail-on", "info"]) == 1


def test_cli_diff_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _edited_job(tmp_path)
    assert main(["diff", str(old), "kendra.DataSourceSyncJob", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    check_report(data)
    assert data["command"] == "diff"
    assert data["summary"] == {"changes": 2, "ERR": 0, "WARN": 1, "INFO": 1}
    [added] = [c for c in data["changes"] if c["rule"] == "response-property-enum-value-added"]
    assert added["added"] == ["SYNCING_INDEXING"]
    assert added["path"] == "/Status"
    assert {"old": "kendra.DataSourceSyncJob", "new": "kendra.DataSourceSyncJob"}.items() <= (
        data["matches"][0].items()
    )
    assert main(["diff", str(old), "kendra.DataSourceSyncJob", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "| WARN | `response-property-enum-value-added` |" in md
    assert "| level | rule | where | what |" in md


def test_cli_diff_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for folder, state in ((a, ["Succeeded"]), (b, ["Succeeded", "Failed"])):
        for name, schema in _job("g.execution", state).items():
            _write(folder / f"{name}.json", schema)
    (a / "notes.json").write_text("[1, 2]")  # no schema: skipped
    assert main(["diff", str(a), str(b), "--fail-on", "WARN"]) == 1
    out = capsys.readouterr().out
    assert "(in g.job at /status/lastExecution/state)" in out


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: str(p / "missing.json"), "missing.json: no such file or folder"),
        (lambda p: str(_bad(p)), "bad.json:2:1: not JSON"),
        (lambda p: "kendra.DataSourceSyncJb", "Did you mean kendra.DataSourceSyncJob"),
        (lambda p: str(_empty(p)), "no schema in this folder"),
    ],
)
def test_cli_diff_bad_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, expected: str
) -> None:
    assert main(["diff", make(tmp_path), "kendra.DataSourceSyncJob"]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


def _bad(folder: Path) -> Path:
    path = folder / "bad.json"
    path.write_text("{\n,")
    return path


def _empty(folder: Path) -> Path:
    path = folder / "empty"
    path.mkdir()
    return path


def test_cli_diff_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["diff", "a", "b", "--fail-on", "LOUD"])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit):
        main(["diff", "--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out
    assert "--fail-on" in out


def test_load_schemas_of_a_file_resolves_refs_in_the_catalog(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.json", {"$schema": "x", "properties": {}})
    found = load_schemas(path)
    assert found.roots == ("x",)
    assert "kendra.DataSourceSyncJob" in found.schemas


# --- never raises --------------------------------------------------------------------------------

_KEYS = [
    "type",
    "enum",
    "const",
    "properties",
    "required",
    "items",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
    "additionalProperties",
    "patternProperties",
    "maxLength",
    "minimum",
    "format",
    "pattern",
    "description",
    "x-catalog",
    "a",
]
_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        ["string", "null", "object", "integer", "number", "#", "#/properties/a", URN + "t.A", "t.B"]
    )
)
_SCHEMA = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=4)
    ),
    max_leaves=25,
)
_SETS = st.dictionaries(st.sampled_from(["t.A", "t.B", "t.C"]), _SCHEMA, max_size=3)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_SETS, _SETS)
def test_the_diff_never_raises_and_a_set_against_itself_is_empty(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    assert diff(a, copy.deepcopy(a)).changes == ()
    found = diff(a, b)
    for change in found.changes:
        assert change.level == RULES[change.rule].level
    to_text(found)
    to_markdown(found)
    json.dumps(to_json(found), default=repr)


def test_the_report_schema_knows_every_aspect_and_level() -> None:
    change = REPORT_SCHEMA["properties"]["changes"]["items"]["properties"]
    assert set(change["aspect"]["enum"]) == ASPECTS
    assert set(change["level"]["enum"]) == set(LEVELS)
