"""A folder of derived schemas on top of the shipped ones (``--schemas DIR``), and aliases.

Every folder is written here, in ``tmp_path``, as ``conformance derive PAGE.md... --out DIR``
writes one: a URN ``$id`` and an ``x-catalog`` per file. The command is run as a user runs it
(``main([...])``), and the plugin through ``pytester``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance import Catalog, CatalogError, load_catalog
from conformance.catalog import URN_PREFIX
from conformance.cli import main

pytest_plugins = ("pytester",)

TASK = "graph.synchronizationTaskExecution"
OLD_TASK = "graph.synchronizationJobExecution"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema(
    name: str, properties: dict[str, Any], *, aliases: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    """A schema shaped as the deriver writes one (closed object, Graph's @odata.* allowed)."""
    catalog: dict[str, Any] = {"name": name, "kind": extra.pop("kind", "resource")}
    if aliases is not None:
        catalog["aliases"] = aliases
    out: dict[str, Any] = {
        "$schema": DRAFT,
        "$id": URN_PREFIX + name,
        "title": name.split(".", 1)[1],
        "description": f"Test type {name}.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "x-source": {"document": "test-page.md", "section": name, "line": 1},
        "x-catalog": catalog,
        **extra,
    }
    if name.startswith("graph."):
        out["patternProperties"] = {"@odata\\.": {}}
    return out


def nullable(name: str) -> dict[str, Any]:
    return {"anyOf": [{"$ref": URN_PREFIX + name}, {"type": "null"}]}


def write(folder: Path, *schemas: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for item in schemas:
        path = folder / f"{item['x-catalog']['name']}.json"
        path.write_text(json.dumps(item, indent=2), encoding="utf-8")
    return folder


def derived(tmp_path: Path) -> Path:
    """A folder that adds a type, renames one (an alias) and replaces a shipped one.

    - graph.synchronizationTaskExecution, alias synchronizationJobExecution (short form);
    - graph.widgetRun, new: refers to a shipped schema, and to the one above by its alias;
    - kendra.DataSourceSyncJob, replacing the shipped one: knows a Status "QUEUED", and refers
      to the shipped kendra.DataSourceSyncJobMetrics;
    - overlay.json, no x-catalog: skipped with a note.
    """
    folder = write(
        tmp_path / "derived",
        schema(
            TASK,
            {"countEntitled": {"type": "integer"}, "timeBegan": {"type": "string"}},
            aliases=["synchronizationJobExecution"],
        ),
        schema(
            "graph.widgetRun",
            {
                "widgetName": {"type": "string"},
                "lastRun": nullable(OLD_TASK),
                "status": nullable("graph.synchronizationStatus"),
            },
            examples=[{"widgetName": "w1", "lastRun": {"countEntitled": 3}}],
        ),
        schema(
            "kendra.DataSourceSyncJob",
            {
                "ExecutionId": {"type": "string"},
                "Status": {"type": "string", "enum": ["SUCCEEDED", "QUEUED"]},
                "Metrics": {"$ref": URN_PREFIX + "kendra.DataSourceSyncJobMetrics"},
            },
        ),
    )
    (folder / "overlay.json").write_text('{"types": []}', encoding="utf-8")
    return folder


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def report(
    tmp_path: Path, doc: Any, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    """`validate --format json` of one document; the exit code and the report."""
    path = tmp_path / f"doc{len(list(tmp_path.glob('doc*.json')))}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(["validate", str(path), "--format", "json", *args], capsys)
    return code, json.loads(out)


def findings(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["kind"], f["pointer"], f["schema"]) for f in result["findings"]]


# --- validate --schemas DIR ---------------------------------------------------------------------


def test_a_folder_schema_replaces_the_shipped_one_of_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --schemas, DIR's kendra.DataSourceSyncJob (which knows "QUEUED") is the one used."""
    job = {"ExecutionId": "e1", "Status": "QUEUED"}
    code, shipped = report(tmp_path, job, capsys, "--schema", "kendra.DataSourceSyncJob")
    assert (code, findings(shipped["results"][0])) == (
        0,
        [("enum-drift", "/Status", "kendra.DataSourceSyncJob")],
    )
    folder = derived(tmp_path)
    args = ("--schema", "kendra.DataSourceSyncJob", "--schemas", str(folder))
    code, layered = report(tmp_path, job, capsys, *args)
    assert (code, findings(layered["results"][0])) == (0, [])


def test_refs_resolve_across_the_folder_and_the_shipped_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shipped envelope reaches DIR's job, which reaches the shipped metrics: the page is
    selected by its shape, QUEUED is no drift, and a bad metric two $refs deep is found."""
    page = {
        "History": [{"ExecutionId": "e1", "Status": "QUEUED", "Metrics": {"DocumentsAdded": 1}}]
    }
    code, result = report(tmp_path, page, capsys, "--schemas", str(derived(tmp_path)))
    [document] = result["results"]
    assert code == 1
    assert document["schema"] == "kendra.ListDataSourceSyncJobsResponse"
    assert findings(document) == [
        ("violation", "/History/0/Metrics/DocumentsAdded", "kendra.DataSourceSyncJob")
    ]


def test_selection_sees_the_folder_schemas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document only DIR's schema declares is chosen by its shape; a shipped ref inside it
    (graph.synchronizationStatus) and one by an alias (lastRun) are followed."""
    doc = {"widgetName": "w", "lastRun": {"countEntitled": "x"}, "status": {"code": 7}}
    folder = derived(tmp_path)
    code, result = report(tmp_path, doc, capsys, "--schemas", str(folder))
    [document] = result["results"]
    assert code == 1
    assert document["schema"] == "graph.widgetRun"
    assert document["selection"].startswith("shape:")
    assert sorted(f[1] for f in findings(document)) == ["/lastRun/countEntitled", "/status/code"]
    # Without the folder, no schema knows its own property.
    code, result = report(tmp_path, {"widgetName": "w"}, capsys)
    assert (code, findings(result["results"][0])[0][0]) == (1, "unselected")


def test_examples_of_the_folder_are_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate --examples --schemas DIR` validates DIR's examples with the shipped ones."""
    code, out, err = run(["validate", "--examples", "--schemas", str(derived(tmp_path))], capsys)
    assert code == 0, out
    assert "[graph.widgetRun]" in out
    assert "[graph.synchronizationStatus]" in out
    assert "overlay.json: skipped: no x-catalog" in err


def test_the_catalog_api_layers_a_folder(tmp_path: Path) -> None:
    """``load_catalog(DIR)``: DIR's names, the shipped ones it did not replace, and notes."""
    folder = derived(tmp_path)
    catalog = load_catalog(folder)
    assert set(catalog.added) == {TASK, "graph.widgetRun", "kendra.DataSourceSyncJob"}
    assert "kendra.DataSourceSyncJob" in catalog.replaced
    assert catalog.get("kendra.DataSourceSyncJob").path == folder / "kendra.DataSourceSyncJob.json"
    assert catalog.get("kendra.DataSourceSyncJobMetrics").path.parent != folder
    assert "graph.synchronizationStatus" in catalog
    assert [n for n in catalog.notes if "overlay.json" in n]
    assert load_catalog() is load_catalog(None)  # the shipped catalog, loaded once
    assert "graph.widgetRun" not in load_catalog()


# --- aliases ------------------------------------------------------------------------------------


def test_an_alias_finds_the_canonical_entry(tmp_path: Path) -> None:
    """``get``, ``in`` and ``schema`` take an alias, short in x-catalog and full in use."""
    catalog = Catalog(derived(tmp_path))
    assert OLD_TASK in catalog
    assert catalog.get(OLD_TASK).name == TASK
    assert catalog.get(TASK).aliases == (OLD_TASK,)
    assert catalog.schema(OLD_TASK) is catalog.schema(TASK)
    assert catalog.name_of(URN_PREFIX + OLD_TASK) == TASK
    assert [e.name for e in catalog].count(TASK) == 1


@pytest.mark.parametrize(
    "type_name", ["synchronizationTaskExecution", "synchronizationJobExecution"]
)
def test_odata_type_selects_by_name_and_by_alias(
    type_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both the type's name and its former name select it; findings name the canonical one."""
    doc = {"@odata.type": f"#microsoft.graph.{type_name}", "countEntitled": "x"}
    code, result = report(tmp_path, doc, capsys, "--schemas", str(derived(tmp_path)))
    [document] = result["results"]
    assert code == 1
    assert document["schema"] == TASK
    assert document["selection"] == f"@odata.type #microsoft.graph.{type_name}"
    assert findings(document) == [("violation", "/countEntitled", TASK)]


def test_schema_option_takes_an_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--schema ALIAS` validates against the canonical schema, reported by its name."""
    doc = {"countEntitled": "x"}
    args = ("--schema", OLD_TASK, "--schemas", str(derived(tmp_path)))
    code, result = report(tmp_path, doc, capsys, *args)
    [document] = result["results"]
    assert (code, document["schema"]) == (1, TASK)
    assert findings(document) == [("violation", "/countEntitled", TASK)]


def test_pyproject_globs_may_name_an_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A [tool.conformance.schemas] glob naming a former name selects the canonical schema."""
    folder = derived(tmp_path)
    project = tmp_path / "project"
    (project / "fixtures").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        f'[tool.conformance.schemas]\n"fixtures/*.json" = "{OLD_TASK}"\n', encoding="utf-8"
    )
    (project / "fixtures" / "run.json").write_text('{"countEntitled": "x"}', encoding="utf-8")
    monkeypatch.chdir(project)
    code, out, _ = run(
        ["validate", "fixtures", "--schemas", str(folder), "--format", "json"], capsys
    )
    [document] = json.loads(out)["results"]
    assert (code, document["schema"]) == (1, TASK)
    assert findings(document) == [("violation", "/countEntitled", TASK)]


def test_a_ref_to_an_alias_resolves_in_both_engines(tmp_path: Path) -> None:
    """A $ref naming a former name is rewritten to the canonical URN, which both registries
    hold; the jsonschema library then rejects a bad value behind it."""
    from jsonschema import Draft202012Validator

    catalog = load_catalog(derived(tmp_path))
    ref = catalog.schema("graph.widgetRun")["properties"]["lastRun"]["anyOf"][0]["$ref"]
    assert ref == URN_PREFIX + TASK
    validator = Draft202012Validator(catalog.schema("graph.widgetRun"), registry=catalog.registry)
    assert not validator.is_valid({"lastRun": {"countEntitled": "x"}})
    assert validator.is_valid({"lastRun": {"countEntitled": 1}})


def test_one_name_claimed_twice_is_an_error(tmp_path: Path) -> None:
    """Two files of one folder answering to one name is an error naming both files."""
    folder = write(
        tmp_path / "twice",
        schema("graph.aThing", {}, aliases=["graph.shared"]),
        schema("graph.bThing", {}, aliases=["shared"]),
    )
    with pytest.raises(CatalogError, match=r"graph\.bThing\.json: the name 'graph\.shared'"):
        Catalog(folder)


# --- schemas --schemas DIR ----------------------------------------------------------------------


def test_schemas_lists_the_combined_catalog_with_aliases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`schemas --schemas DIR` lists DIR's schemas among the shipped ones, with their aliases,
    and says what DIR replaced; --json carries the aliases too."""
    folder = derived(tmp_path)
    code, out, err = run(["schemas", "--schemas", str(folder)], capsys)
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "graph.widgetRun" in lines
    assert "graph.synchronizationStatus" in lines
    assert lines[TASK].endswith(f"(also: {OLD_TASK})")
    assert OLD_TASK not in lines
    assert out.splitlines()[-1].endswith("replacing the shipped kendra.DataSourceSyncJob") or (
        "kendra.DataSourceSyncJob" in out.splitlines()[-1].split("replacing the shipped", 1)[1]
    )
    assert f"conformance: note: {folder / 'overlay.json'}" in err
    code, out, _ = run(["schemas", "--json", "--schemas", str(folder)], capsys)
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows[TASK]["aliases"] == [OLD_TASK]
    assert rows["graph.widgetRun"]["document"] == "test-page.md"


def test_schemas_show_takes_a_folder_name_and_an_alias(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`schemas show NAME --schemas DIR` prints DIR's schema; an alias shows its schema."""
    folder = derived(tmp_path)
    code, out, _ = run(["schemas", "show", "graph.widgetRun", "--schemas", str(folder)], capsys)
    assert (code, json.loads(out)["$id"]) == (0, URN_PREFIX + "graph.widgetRun")
    code, out, _ = run(["schemas", "show", OLD_TASK, "--schemas", str(folder)], capsys)
    assert (code, json.loads(out)["$id"]) == (0, URN_PREFIX + TASK)


# --- a folder that cannot be used: exit 2, a message that says what to do, no traceback ---------


def _broken(tmp_path: Path, case: str) -> tuple[Path, str]:
    """A folder (or not) with one problem, and what the error must say."""
    folder = tmp_path / "schemas"
    if case == "missing":
        return folder, f"{folder}: no such folder"
    if case == "file":
        folder.write_text("{}", encoding="utf-8")
        return folder, f"{folder}: not a folder"
    if case == "empty":
        folder.mkdir()
        (folder / "notes.json").write_text("{}", encoding="utf-8")
        return folder, "no schema in this folder"
    if case == "not-json":
        folder.mkdir()
        (folder / "graph.x.json").write_text('{\n  "a": 1,\n}\n', encoding="utf-8")
        return folder, f"{folder / 'graph.x.json'}:3:1: not JSON"
    if case == "no-id":
        bad = schema("graph.widgetRun", {})
        del bad["$id"]
        write(folder, bad)
        return folder, "graph.widgetRun.json: no $id; the schema named 'graph.widgetRun' must have"
    if case == "wrong-id":
        write(folder, {**schema("graph.widgetRun", {}), "$id": "https://example.com/w.json"})
        return folder, "$id 'https://example.com/w.json'"
    if case == "bad-x-catalog":
        write(folder, schema("graph.widgetRun", {}))
        path = folder / "graph.widgetRun.json"
        path.write_text(path.read_text().replace('"name": "graph.widgetRun"', '"title": "x"'))
        return folder, "graph.widgetRun.json: x-catalog must be"
    if case == "unknown-ref":
        write(folder, schema("graph.widgetRun", {"run": {"$ref": URN_PREFIX + "graph.nothing"}}))
        return folder, (
            f"{folder / 'graph.widgetRun.json'}: $ref 'urn:sync-conformance:graph.nothing' names"
            f" a schema that is neither in {folder} nor shipped"
        )
    if case == "bad-pattern":
        write(folder, schema("graph.widgetRun", {"name": {"type": "string", "pattern": "(["}}))
        return folder, "graph.widgetRun.json: the schema does not compile"
    assert case == "bad-type"
    write(folder, schema("graph.widgetRun", {"name": {"type": "text"}}))
    return folder, "graph.widgetRun.json: the schema does not compile"


BROKEN = [
    "missing",
    "file",
    "empty",
    "not-json",
    "no-id",
    "wrong-id",
    "bad-x-catalog",
    "unknown-ref",
    "bad-pattern",
    "bad-type",
]


@pytest.mark.parametrize("case", BROKEN)
def test_a_folder_that_cannot_be_used_exits_2_and_says_why(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each problem of a --schemas folder is one line on stderr naming the file, and exit 2,
    for `validate` (before any document is read) as for `schemas`."""
    folder, expected = _broken(tmp_path, case)
    doc = tmp_path / "doc.json"
    doc.write_text('{"ExecutionId": "e1"}', encoding="utf-8")
    for argv in (
        ["validate", str(doc), "--schemas", str(folder)],
        ["schemas", "--schemas", str(folder)],
    ):
        code, out, err = run(argv, capsys)
        assert code == 2, (argv, out, err)
        assert out == ""
        assert err.startswith("conformance: error: ")
        assert expected in err
        assert "Traceback" not in err
        assert len(err.strip().splitlines()) == 1


def test_the_note_for_a_file_without_x_catalog_goes_with_a_working_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON file that is not a catalog schema is skipped, the run goes on, exit 0."""
    folder = derived(tmp_path)
    doc = tmp_path / "doc.json"
    doc.write_text('{"widgetName": "w"}', encoding="utf-8")
    code, out, err = run(["validate", str(doc), "--schemas", str(folder)], capsys)
    assert code == 0
    assert f"ok    {doc}  [graph.widgetRun]" in out
    assert f"conformance: note: {folder / 'overlay.json'}: skipped: no x-catalog" in err


# --- the pytest plugin: --conformance-schemas and conformance_schemas ---------------------------

PLUGIN_TESTS = """
import pytest

def test_catalog(conformance_catalog, conformance):
    assert "graph.widgetRun" in conformance_catalog
    assert conformance.catalog is conformance_catalog
    assert conformance_catalog.get("graph.synchronizationJobExecution").name == (
        "graph.synchronizationTaskExecution"
    )

def test_widget_conforms(conformance):
    conformance.assert_conforms({"widgetName": "w", "lastRun": {"countEntitled": 2}})

def test_widget_fails(conformance):
    conformance.assert_conforms({"widgetName": 5})

def test_alias_selects(conformance):
    doc = {"@odata.type": "#microsoft.graph.synchronizationJobExecution", "countEntitled": "x"}
    [finding] = conformance.validate(doc)
    assert finding.pointer == "/countEntitled"
    assert finding.schema == "graph.synchronizationTaskExecution"
"""


def test_plugin_option_uses_the_folder(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """``--conformance-schemas DIR`` gives the fixtures the combined catalog."""
    folder = derived(tmp_path)
    pytester.makepyfile(test_widgets=PLUGIN_TESTS)
    result = pytester.runpytest("--conformance-schemas", str(folder))
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*test_widget_fails*", "*violation  /widgetName*"])


def test_plugin_ini_names_the_folder_relative_to_the_ini_file(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """``conformance_schemas`` in the ini file does the same, its path relative to the file."""
    derived(pytester.path)
    pytester.makeini("[pytest]\nconformance_schemas = derived\n")
    pytester.makepyfile(test_widgets=PLUGIN_TESTS)
    sub = pytester.mkdir("sub")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(sub)
        result = pytester.runpytest(str(pytester.path))
    result.assert_outcomes(passed=3, failed=1)


def test_plugin_reports_a_bad_folder_without_a_traceback(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """A missing folder is a usage error; a folder with a broken schema fails the tests that
    need the catalog, with the CLI's message."""
    result = pytester.runpytest("--conformance-schemas", str(tmp_path / "nope"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*conformance schemas: no such folder*nope*"])

    folder, expected = _broken(tmp_path, "unknown-ref")
    pytester.makepyfile(test_widgets=PLUGIN_TESTS)
    result = pytester.runpytest("--conformance-schemas", str(folder))
    result.assert_outcomes(failed=3, errors=1)
    assert expected in result.stdout.str()
    assert "Traceback" not in result.stdout.str()
