"""``conformance upstream``: our schemas against the vendors' models.

Against the models our schemas were derived from (the shipped CSDL fragment and Kendra model
fragment, the installed botocore's Kendra model) it reports nothing; against a model edited to
look older or newer it reports exactly what was edited, in both directions.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.derive import Page, derive_models, shipped_overlay

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "schemas" / "sources"
CSDL = SOURCES / "graph-v1.0-synchronization.csdl.xml"
KENDRA = SOURCES / "kendra-2019-02-03.service-2.json"
REPORT_SCHEMA = json.loads(
    (ROOT / "conformance" / "report" / "schemadiff.schema.json").read_text(encoding="utf-8")
)
DROPPED = ("QuarantinedOnDemand", "TooManyDeletes", "IngestionInterrupted")


def check_report(data: Any) -> None:
    import jsonschema

    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(data)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def older_csdl(tmp_path: Path) -> Path:
    """A 2019-like Graph model: the shipped fragment without three quarantine reasons and
    without the quarantine's ``error``."""
    text = CSDL.read_text(encoding="utf-8")
    for member in DROPPED:
        text, n = re.subn(rf'\s*<Member Name="{member}" Value="\d+" />', "", text)
        assert n == 1
    quarantine = re.search(
        r'<ComplexType Name="synchronizationQuarantine">.*?</ComplexType>', text, re.S
    )
    assert quarantine is not None
    cut = quarantine.group(0).replace(
        '        <Property Name="error" Type="graph.synchronizationError" />\n', ""
    )
    assert cut != quarantine.group(0)
    text = text.replace(quarantine.group(0), cut)
    path = tmp_path / "graph-2019.csdl.xml"
    path.write_text(text, encoding="utf-8")
    return path


def kendra_without_syncing_indexing(tmp_path: Path) -> Path:
    model = json.loads(KENDRA.read_text(encoding="utf-8"))
    model["shapes"]["DataSourceSyncJobStatus"]["enum"].remove("SYNCING_INDEXING")
    path = tmp_path / "kendra-old.service-2.json"
    path.write_text(json.dumps(model, indent=2), encoding="utf-8")
    return path


# --- nothing to report against the models our schemas come from -----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--csdl", str(CSDL)],
        ["--botocore", str(KENDRA)],
        ["--csdl", str(CSDL), "--botocore", str(KENDRA)],
        ["--botocore"],  # the installed botocore's Kendra model
    ],
)
def test_the_models_our_schemas_come_from_differ_in_nothing(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["upstream", *args], capsys)
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("no changes")


def test_a_whole_metadata_document_defines_what_the_fragment_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fragment wrapped as Graph's $metadata is (EDMX, namespaces), with the two types the
    fragment lacks: nothing is taken from the overlay, and keyValuePair is compared too."""
    body = CSDL.read_text(encoding="utf-8").split("<Fragments>", 1)[1].split("</Fragments>")[0]
    bases = """
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <ComplexType Name="keyValuePair">
        <Property Name="name" Type="Edm.String" />
        <Property Name="value" Type="Edm.String" />
      </ComplexType>"""
    metadata = tmp_path / "metadata.xml"
    metadata.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">\n'
        "<edmx:DataServices>\n"
        '<Schema Namespace="microsoft.graph" Alias="graph"'
        ' xmlns="http://docs.oasis-open.org/odata/ns/edm">\n'
        f"{body}{bases}\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n",
        encoding="utf-8",
    )
    code, out, _ = run(["upstream", "--csdl", str(metadata), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert (data["changes"], data["notes"]) == ([], [])
    assert "graph.keyValuePair" in {m["new"] for m in data["matches"]}
    assert data["only_old"] == ["graph.synchronizationJobCollection"]


def test_the_matches_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["upstream", "--csdl", str(CSDL), "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    check_report(data)
    matches = {m["new"]: m for m in data["matches"]}
    execution = matches["graph.synchronizationTaskExecution"]
    assert (execution["root"], execution["path"]) == (
        "graph.synchronizationJob",
        "/status/lastExecution",
    )
    assert matches["graph.quarantineReason"]["path"] == "/status/quarantine/reason"
    assert data["only_old"] == ["graph.keyValuePair", "graph.synchronizationJobCollection"]
    assert "graph.entity, graph.keyValuePair: not in the model" in data["notes"][0]
    assert data["changes"] == []


# --- exactly what changed -------------------------------------------------------------------------


def test_an_older_graph_model_lacks_three_reasons_and_the_quarantine_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["upstream", "--csdl", str(older_csdl(tmp_path)), "--format", "json"], capsys
    )
    assert code == 1
    data = json.loads(out)
    check_report(data)
    changes = data["changes"]
    assert [(c["rule"], c["schema"], c["pointer"], c["path"]) for c in changes] == [
        (
            "response-optional-property-removed",
            "graph.synchronizationQuarantine",
            "/error",
            "/status/quarantine/error",
        ),
        (
            "response-property-enum-value-removed",
            "graph.quarantineReason",
            "",
            "/status/quarantine/reason",
        ),
    ]
    assert changes[1]["removed"] == list(DROPPED)
    assert len(changes[1]["old"]) == 8
    assert len(changes[1]["new"]) == 5
    assert changes[1]["message"].startswith("ours has values the model lacks: ")


def test_the_other_direction_ours_older_than_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Our schemas derived from the 2019-like model, the shipped fragment as the newer model:
    the model has what ours lacks."""
    derived = derive_models(
        [Page("graph-2019.csdl.xml", older_csdl(tmp_path).read_text(encoding="utf-8"))],
        ["synchronizationJob"],
        shipped_overlay(),
    )
    folder = tmp_path / "ours"
    folder.mkdir()
    for name, schema in derived.schemas.items():
        if name not in derived.filled:
            (folder / f"{name}.json").write_text(json.dumps(schema), encoding="utf-8")
    code, out, _ = run(["upstream", "--csdl", str(CSDL), "--schemas", str(folder)], capsys)
    assert code == 1
    assert "WARN  response-property-enum-value-added  graph.quarantineReason" in out
    assert 'the model has values ours lacks: "QuarantinedOnDemand", "TooManyDeletes",' in out
    assert "WARN  response-optional-property-added  graph.synchronizationQuarantine /error" in out
    assert "2 changes: 2 WARN" in out


def test_a_botocore_model_without_syncing_indexing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = kendra_without_syncing_indexing(tmp_path)
    code, out, _ = run(["upstream", "--botocore", str(model)], capsys)
    assert code == 1
    assert (
        "INFO  response-property-enum-value-removed  kendra.DataSourceSyncJob /Status"
        " (in kendra.ListDataSourceSyncJobsResponse at /History/*/Status)"
    ) in out
    assert 'ours has values the model lacks: "SYNCING_INDEXING"' in out
    assert "1 change: 1 INFO" in out
    code, out, _ = run(["upstream", "--botocore", str(model), "--format", "markdown"], capsys)
    assert code == 1
    assert "| INFO | `response-property-enum-value-removed` |" in out


def test_a_string_where_the_model_says_an_enum_lists_the_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --schemas folder whose job Status is a plain string: the model's values are listed."""
    from conformance import default_catalog

    job = json.loads(json.dumps(default_catalog().schema("kendra.DataSourceSyncJob")))
    del job["properties"]["Status"]["enum"]
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "kendra.DataSourceSyncJob.json").write_text(json.dumps(job), encoding="utf-8")
    code, out, _ = run(["upstream", "--botocore", str(KENDRA), "--schemas", str(folder)], capsys)
    assert code == 1
    assert "INFO  response-property-enum-set  kendra.DataSourceSyncJob /Status" in out
    assert 'the model says an enum where ours has none: "FAILED", "SUCCEEDED"' in out


# --- errors ---------------------------------------------------------------------------------------


def test_no_botocore_installed_is_exit_2_saying_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == "botocore" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    code, out, err = run(["upstream", "--botocore"], capsys)
    assert (code, out) == (2, "")
    assert "sync-conformance[aws]" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--csdl", "missing.xml"], "missing.xml: no such file"),
        (["--botocore", "{bad}"], "no such file"),
        (["--csdl", "BAD_XML"], "bad.xml:3: not well-formed XML"),
        (["--botocore", "BAD_JSON"], "bad.json:1:"),
        (["--csdl", str(CSDL), "--schemas", "nowhere"], "nowhere: no such folder"),
    ],
)
def test_bad_models_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    (tmp_path / "bad.xml").write_text("<Fragments>\n<ComplexType Name='t'>\n</Fragments>")
    (tmp_path / "bad.json").write_text('{"shapes": {"type": ')
    replaced = {"BAD_XML": str(tmp_path / "bad.xml"), "BAD_JSON": str(tmp_path / "bad.json")}
    code, _, err = run(["upstream", *(replaced.get(a, a) for a in argv)], capsys)
    assert code == 2
    assert expected in err
    assert "Traceback" not in err


def test_upstream_needs_a_model(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["upstream"])
    assert exit_.value.code == 2
    assert "give a model" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["upstream", "--help"])
    assert "exit codes:" in capsys.readouterr().out
