"""``conformance drift`` and ``conformance.drift``: the tables over a corpus, exact.

Every corpus here is generated with known counts (an NDJSON stream of Kendra pages, a HAR of
Graph jobs, a folder of JSON files), so that each count, first location, declared-never-seen
value and presence (absent, ``null``, ``""``) is checked exactly; then the baseline round trip,
``--fail-on``, the proposed overlay patch (derived and validated again: no drift left), each
format, bad input, and a Hypothesis test that arbitrary documents never break the analysis.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conformance
from conformance.cli import main
from conformance.derive import derive_sources, write
from conformance.drift import (
    Analysis,
    Baseline,
    DriftReport,
    EnumTable,
    Place,
    Presence,
    analyze,
    enum_locations,
    merge_overlay,
    propose,
)
from conformance.errors import DerivationError, InputError

ROOT = Path(__file__).parents[1]
SOURCES = ROOT / "schemas" / "sources"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def table(report: DriftReport, schema: str, pointer: str) -> EnumTable:
    return next(t for t in report.enums if (t.schema, t.pointer) == (schema, pointer))


def values(t: EnumTable) -> dict[Any, tuple[int, str, str | None]]:
    return {
        v.value: (v.count, v.status, str(v.first) if v.first else None)
        for v in (*t.declared_seen, *t.undeclared)
    }


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["drift", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# --- corpora -------------------------------------------------------------------------------------


def job(n: int, status: Any = "SUCCEEDED", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"ExecutionId": f"e{n}", "StartTime": 1700000000 + n}
    if status is not ...:
        out["Status"] = status
    out.update(extra)
    return out


def kendra_ndjson(path: Path) -> Path:
    """100 pages of 3 jobs: 200 SUCCEEDED, 95 FAILED (with ErrorCode InternalError), and on
    line 7 a QUEUED job with a SyncMode, on line 9 a job with Status "", one with Status null
    and one with no Status, on line 11 a second QUEUED."""
    lines = []
    for n in range(1, 101):
        page = [job(3 * n), job(3 * n + 1), job(3 * n + 2, "FAILED", ErrorCode="InternalError")]
        if n == 7:
            page[2] = job(3 * n + 2, "QUEUED", SyncMode="FULL")
        if n == 9:
            page = [job(1, ""), job(2, None), job(3, ...)]
        if n == 11:
            page[2] = job(3 * n + 2, "QUEUED")
        lines.append(json.dumps({"History": page}, separators=(",", ":")))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def graph_job(n: int, quarantine: Any, code: str = "Active") -> dict[str, Any]:
    return {
        "id": f"AWSEC2.{n}",
        "templateId": "AWSEC2",
        "schedule": {"expiration": None, "interval": "PT40M", "state": "Active"},
        "status": {"code": code, "quarantine": quarantine, "lastExecution": None},
    }


INACTIVE = {
    "currentBegan": "",
    "nextAttempt": "",
    "reason": "",
    "seriesBegan": "",
    "seriesCount": 0,
}


def entry(body: Any, url: str) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "url": url, "headers": []},
        "response": {
            "status": 200,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json.dumps(body)},
        },
    }


def graph_har(path: Path) -> Path:
    """Entry 1: a page of two jobs (no quarantine, and the inactive quarantine Graph's example
    sends, reason ""); entry 2: a quarantined job with reason TooManyDeletes; entry 3: one with
    an undeclared reason and an undeclared quarantine property."""
    base = "https://graph.microsoft.com/v1.0/servicePrincipals/sp/synchronization/jobs"
    quarantined = {**INACTIVE, "reason": "TooManyDeletes", "currentBegan": "2026-11-20T08:00:00Z"}
    quarantined.update(nextAttempt="2026-11-20T09:00:00Z", seriesBegan="2026-11-20T08:00:00Z")
    new = {**quarantined, "reason": "TooManyUpdates", "seriesKind": "soft"}
    entries = [
        entry({"value": [graph_job(1, None), graph_job(2, INACTIVE)]}, base),
        entry(graph_job(3, quarantined, "Quarantine"), f"{base}/AWSEC2.3"),
        entry(graph_job(4, new, "Quarantine"), f"{base}/AWSEC2.4"),
    ]
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}), encoding="utf-8")
    return path


# --- the catalog's enum locations ----------------------------------------------------------------


def test_enum_locations_are_read_from_the_schemas() -> None:
    """Inline enums (Kendra's Status) and $refs to enum schemas, nullable and nested, named as
    findings name them: the resource's schema and the pointer inside it."""
    found = {
        (s, e.pointer): (e.enum_type, e.member)
        for s, locs in enum_locations(conformance.default_catalog()).items()
        for e in locs
    }
    assert found[("kendra.DataSourceSyncJob", "/Status")] == ("kendra.DataSourceSyncJob", "Status")
    assert found[("kendra.DataSourceSyncJob", "/ErrorCode")] == (
        "kendra.DataSourceSyncJob",
        "ErrorCode",
    )
    assert found[("graph.synchronizationStatus", "/quarantine/reason")] == (
        "graph.quarantineReason",
        None,
    )
    assert found[("graph.synchronizationStatus", "/code")][0] == "graph.synchronizationStatusCode"
    assert ("graph.synchronizationStatus", "/lastExecution/state") in found
    assert ("graph.synchronizationSchedule", "/state") in found
    # A job's status is a resource of its own: not walked again from the job.
    assert not any(s == "graph.synchronizationJob" for s, _ in found)
    assert not any(s == "kendra.ListDataSourceSyncJobsResponse" for s, _ in found)


# --- NDJSON: counts, first locations, presence ---------------------------------------------------


def test_kendra_ndjson_tables_are_exact(tmp_path: Path) -> None:
    path = kendra_ndjson(tmp_path / "jobs.ndjson")
    report = analyze([path])
    assert report.documents == 100
    assert dict(report.resources)["kendra.DataSourceSyncJob"] == 300
    status = table(report, "kendra.DataSourceSyncJob", "/Status")
    name = str(path)
    found = values(status)
    assert found["SUCCEEDED"] == (198, "declared", f"{name}:1 /History/0/Status")
    assert found["FAILED"] == (97, "declared", f"{name}:1 /History/2/Status")
    # Undeclared: counted, first location to the column of the member, from the finding.
    line7 = path.read_text().splitlines()[6]
    column = line7.index('"Status":"QUEUED"') + 1
    assert found["QUEUED"] == (2, "new", f"{name}:7:{column} /History/2/Status")
    assert status.presence == Presence(absent=1, null=1, empty=1, value=297)
    assert status.presence.total == 300
    assert status.never_seen == ("SYNCING", "INCOMPLETE", "STOPPING", "ABORTED", "SYNCING_INDEXING")
    error = table(report, "kendra.DataSourceSyncJob", "/ErrorCode")
    assert values(error) == {"InternalError": (97, "declared", f"{name}:1 /History/2/ErrorCode")}
    assert error.never_seen == ("InvalidRequest",)
    assert error.presence == Presence(absent=203, value=97)
    [props] = report.properties
    assert props.type == "kendra.DataSourceSyncJob"
    [sync] = props.properties
    column = line7.index('"SyncMode"') + 1
    assert (sync.name, sync.count, sync.types) == ("SyncMode", 1, (("string", 1),))
    assert str(sync.first) == f"{name}:7:{column} /History/2/SyncMode"
    assert (report.drift, report.new) == (2, 2)


def test_the_observer_sees_conforming_lines_in_bulk_and_with_jobs(tmp_path: Path) -> None:
    """The bulk NDJSON path hands conforming lines to the observer too, and --jobs with an
    observer validates in one process: the same tables either way."""
    path = kendra_ndjson(tmp_path / "jobs.ndjson")
    one = analyze([path])
    many = analyze([path], options=conformance.Options(jobs=4))
    slow = analyze([path], options=conformance.Options(check_duplicates=True))
    assert one == many
    assert [t.presence for t in one.enums] == [t.presence for t in slow.enums]
    assert [values(t) for t in one.enums] == [values(t) for t in slow.enums]


def test_the_observer_gets_every_resource_with_its_place() -> None:
    seen: list[tuple[str, str, Any]] = []
    options = conformance.Options(observer=lambda s, v, where: seen.append((s, where.within, v)))
    page = {"History": [job(1), job(2, "QUEUED")]}
    conformance.Checker(options).check(page, name="page.json")
    assert [(s, w) for s, w, _ in seen] == [
        ("kendra.ListDataSourceSyncJobsResponse", ""),
        ("kendra.DataSourceSyncJob", "/History/0"),
        ("kendra.DataSourceSyncJob", "/History/1"),
    ]
    assert seen[2][2] == job(2, "QUEUED")


# --- HAR of Graph jobs: "", null and absent told apart -------------------------------------------


def test_graph_har_tells_absent_null_and_empty_apart(tmp_path: Path) -> None:
    path = graph_har(tmp_path / "jobs.har")
    report = analyze([path])
    reason = table(report, "graph.synchronizationStatus", "/quarantine/reason")
    # Job 1: quarantine null (so reason absent); job 2: reason ""; 3 and 4: values.
    assert reason.presence == Presence(absent=1, null=0, empty=1, value=2)
    found = values(reason)
    assert found["TooManyDeletes"] == (
        1,
        "declared",
        f"{path} entry 2 /status/quarantine/reason",
    )
    assert found["TooManyUpdates"] == (1, "new", f"{path} entry 3 /status/quarantine/reason")
    assert "Unknown" in reason.never_seen
    assert "TooManyDeletes" not in reason.never_seen
    code = table(report, "graph.synchronizationStatus", "/code")
    assert values(code)["Active"][:2] == (2, "declared")
    assert values(code)["Quarantine"][:2] == (2, "declared")
    assert code.presence == Presence(value=4)
    state = table(report, "graph.synchronizationStatus", "/lastExecution/state")
    assert state.presence == Presence(absent=4)  # lastExecution null: its state is absent
    [props] = report.properties
    assert props.type == "graph.synchronizationQuarantine"
    assert [(p.name, p.count, p.types) for p in props.properties] == [
        ("seriesKind", 1, (("string", 1),))
    ]


# --- a folder: undeclared properties per object type ---------------------------------------------


def test_folder_properties_per_object_type(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    metrics = {"DocumentsAdded": "1", "DocumentsDeferred": "2"}
    for n, extra in enumerate(
        [
            {"Metrics": metrics, "SyncMode": "FULL"},
            {"Metrics": {**metrics, "DocumentsDeferred": None}, "SyncMode": ""},
            {"SyncMode": 3},
        ]
    ):
        (corpus / f"job{n}.json").write_text(json.dumps(job(n, **extra)), encoding="utf-8")
    report = analyze([corpus])
    tables = {t.type: t for t in report.properties}
    [mode] = tables["kendra.DataSourceSyncJob"].properties
    assert (mode.name, mode.count) == ("SyncMode", 3)
    assert mode.types == (("integer", 1), ("string", 2))
    assert mode.presence == Presence(empty=1, value=2)
    assert str(mode.first).startswith(f"{corpus / 'job0.json'}:1:")
    [deferred] = tables["kendra.DataSourceSyncJobMetrics"].properties
    assert deferred.types == (("null", 1), ("string", 1))
    assert deferred.presence == Presence(null=1, value=1)
    # A mixed-type property is not proposed (no page word says "string or integer").
    refinements, skipped = propose(report, conformance.default_catalog())
    assert any("SyncMode" in s for s in skipped)
    assert refinements == [
        {
            "type": "kendra.DataSourceSyncJobMetrics",
            "source": refinements[0]["source"],
            "members": [
                {
                    "name": "DocumentsDeferred",
                    "type": "String",
                    "description": f"Not in the vendor's documents; observed at {deferred.first}.",
                    "source": str(deferred.first),
                }
            ],
        }
    ]


# --- secrets and the cap -------------------------------------------------------------------------


def test_values_read_from_documents_are_redacted(tmp_path: Path) -> None:
    """A JWT where an enum value goes is kept as <redacted>, in the tables and the JSON."""
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job(1, JWT)), encoding="utf-8")
    report = analyze([path])
    status = table(report, "kendra.DataSourceSyncJob", "/Status")
    assert [v.value for v in status.undeclared] == ["<redacted>"]
    assert JWT not in json.dumps(report.as_json())
    assert propose(report, conformance.default_catalog())[0] == []


def test_values_past_the_cap_are_counted_as_other(tmp_path: Path) -> None:
    path = tmp_path / "jobs.ndjson"
    path.write_text(
        "".join(json.dumps(job(n, f"NEW{n}")) + "\n" for n in range(5)), encoding="utf-8"
    )
    report = analyze([path], cap=2)
    status = table(report, "kendra.DataSourceSyncJob", "/Status")
    assert [v.value for v in status.undeclared] == ["NEW0", "NEW1"]
    assert status.other == 3
    assert report.capped
    assert report.drift == 5
    assert report.new == 5


# --- the command: baseline, --fail-on, formats ---------------------------------------------------


def test_baseline_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    kendra_ndjson(corpus / "jobs.ndjson")
    graph_har(corpus / "jobs.har")
    baseline = tmp_path / "baseline.json"
    code, _, err = run(capsys, corpus, "--update-baseline", baseline)
    assert code == 0, err
    data = json.loads(baseline.read_text())
    assert data == {
        "version": 1,
        "values": {
            "graph.synchronizationStatus": {"/quarantine/reason": ["TooManyUpdates"]},
            "kendra.DataSourceSyncJob": {"/Status": ["QUEUED"]},
        },
        "properties": {
            "graph.synchronizationQuarantine": ["seriesKind"],
            "kendra.DataSourceSyncJob": ["SyncMode"],
        },
    }
    # Stable text: sorted keys, sorted lists, no counts; the same run writes the same bytes.
    assert baseline.read_text() == json.dumps(data, indent=2, sort_keys=True) + "\n"
    before = baseline.read_text()
    assert run(capsys, corpus, "--update-baseline", baseline)[0] == 0
    assert baseline.read_text() == before
    code, out, _ = run(capsys, corpus, "--baseline", baseline)
    assert code == 0
    assert "baseline" in out
    assert " new " not in out
    assert run(capsys, corpus, "--baseline", baseline, "--fail-on", "any")[0] == 1
    # A value the baseline does not list is new: exit 1, and it alone is marked new.
    (corpus / "new.json").write_text(json.dumps(job(1, "PAUSED")), encoding="utf-8")
    code, out, _ = run(capsys, corpus, "--baseline", baseline)
    assert code == 1
    assert [line.split()[0] for line in out.splitlines() if " new " in line] == ['"PAUSED"']
    assert run(capsys, corpus, "--baseline", baseline, "--fail-on", "never")[0] == 0
    # Without a baseline every undeclared value is new.
    assert run(capsys, corpus)[0] == 1


def test_update_baseline_defaults_to_the_dotfile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    kendra_ndjson(tmp_path / "jobs.ndjson")
    code, _, err = run(capsys, "jobs.ndjson", "--update-baseline")
    assert code == 0
    assert ".conformance-baseline.json" in err
    assert Baseline.read(tmp_path / ".conformance-baseline.json").has_value(
        "kendra.DataSourceSyncJob", "/Status", "QUEUED"
    )


def test_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = kendra_ndjson(tmp_path / "jobs.ndjson")
    code, out, _ = run(capsys, path, "--format", "json", "--output", f"markdown={tmp_path}/d.md")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == {
        "undeclared_values": 1,
        "undeclared_properties": 1,
        "other": 0,
        "new": 2,
    }
    [status] = [e for e in data["enums"] if e["pointer"] == "/Status"]
    assert status["presence"] == {"absent": 1, "null": 1, "empty": 1, "value": 297}
    assert {v["value"]: v["status"] for v in status["values"]}["QUEUED"] == "new"
    markdown = (tmp_path / "d.md").read_text()
    assert "| value | count | status | first seen |" in markdown
    assert '| `"QUEUED"` | 2 | new |' in markdown
    code, out, _ = run(capsys, path)
    assert '"QUEUED"                2  new' in out
    assert out.rstrip().splitlines()[-1] == (
        "drift: 100 documents in 1 file: 1 undeclared value, 1 undeclared property;"
        " also 2 violations (see 'conformance validate')"
    )


# --- --propose: derive accepts what was seen -----------------------------------------------------


def test_the_proposed_patch_makes_derive_accept_the_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    kendra_ndjson(corpus / "jobs.ndjson")
    graph_har(corpus / "jobs.har")
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    # Proposed into a new patch file, then into the overlay itself (one step).
    code, _, err = run(capsys, corpus, "--propose", tmp_path / "patch.json", "--fail-on", "never")
    assert code == 0
    assert "proposed 4 declarations" in err
    patch = json.loads((tmp_path / "patch.json").read_text())
    assert [r["type"] for r in patch["refinements"]] == [
        "graph.quarantineReason",
        "graph.synchronizationQuarantine",
        "kendra.DataSourceSyncJob",
    ]
    run(capsys, corpus, "--propose", sources / "overlay.json", "--fail-on", "never")
    out = tmp_path / "schemas"
    write(derive_sources(sources), out)
    status = conformance.load_catalog(out).schema("kendra.DataSourceSyncJob")
    assert "QUEUED" in status["properties"]["Status"]["enum"]
    assert any("observed" in i for i in status["properties"]["Status"]["x-doc-issues"])
    assert status["properties"]["SyncMode"]["type"] == "string"
    code, text, _ = run(capsys, corpus, "--schemas", out)
    assert code == 0, text
    assert "drift: 103 documents in 2 files: no drift" in text
    # Proposing again adds nothing twice.
    before = (sources / "overlay.json").read_text()
    run(capsys, corpus, "--propose", sources / "overlay.json", "--fail-on", "never")
    assert (sources / "overlay.json").read_text() == before
    # The shipped sources still derive the shipped schemas.
    assert run(capsys, corpus)[0] == 1


def test_overlay_values_and_members_are_checked(tmp_path: Path) -> None:
    from conformance.derive.overlay import apply_refinements

    def derive(refinement: dict[str, Any]) -> None:
        sources = tmp_path / f"sources{len(list(tmp_path.iterdir()))}"
        shutil.copytree(SOURCES, sources)
        overlay = json.loads((sources / "overlay.json").read_text())
        overlay["refinements"].append({"source": "test", **refinement})
        (sources / "overlay.json").write_text(json.dumps(overlay, indent=2))
        derive_sources(sources)

    with pytest.raises(DerivationError, match="already has the value 'FAILED'"):
        derive({"type": "kendra.DataSourceSyncJob", "values": [_v("FAILED", "Status")]})
    with pytest.raises(DerivationError, match="has no member 'Nope'"):
        derive({"type": "kendra.DataSourceSyncJob", "values": [_v("X", "Nope")]})
    with pytest.raises(DerivationError, match="no enum"):
        derive({"type": "kendra.DataSourceSyncJob", "values": [_v("X", "ExecutionId")]})
    with pytest.raises(DerivationError, match="is no enum"):
        derive({"type": "kendra.DataSourceSyncJob", "values": [{"value": "X", "source": "s"}]})
    with pytest.raises(DerivationError, match="already has a member 'Status'"):
        derive(
            {
                "type": "kendra.DataSourceSyncJob",
                "members": [{"name": "Status", "type": "String", "source": "s"}],
            }
        )
    with pytest.raises(DerivationError, match="'values' must be"):
        derive({"type": "kendra.DataSourceSyncJob", "values": ["QUEUED"]})
    assert apply_refinements([], [], "overlay.json") == []


def _v(value: str, member: str) -> dict[str, str]:
    return {"member": member, "value": value, "source": "test"}


def test_merge_overlay_appends_and_dedupes() -> None:
    refinement = {"type": "graph.quarantineReason", "source": "s", "values": [_v("A", "m")]}
    once = merge_overlay(None, [refinement])
    assert "$comment" in once
    assert once["refinements"] == [refinement]
    assert merge_overlay(once, [refinement]) == once


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_is_exit_2_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.json").write_text('{"ExecutionId": ', encoding="utf-8")
    (corpus / "job.json").write_text(json.dumps(job(1, "QUEUED")), encoding="utf-8")
    code, out, err = run(capsys, corpus)
    assert code == 2
    assert '"QUEUED"' in out  # the rest is analysed
    assert "unreadable" in err
    assert "broken.json" in err
    code, _, err = run(capsys, corpus, "--update-baseline", tmp_path / "b.json")
    assert code == 2
    assert "not written" in err
    assert not (tmp_path / "b.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, empty)
    assert code == 2
    assert "no files matched" in err
    assert "--allow-empty" in err
    assert run(capsys, empty, "--allow-empty")[0] == 0
    with pytest.raises(SystemExit) as exited:  # no PATH: argparse's usage error
        main(["drift"])
    assert exited.value.code == 2
    bad = tmp_path / "bad-baseline.json"
    bad.write_text("[1]", encoding="utf-8")
    code, _, err = run(capsys, corpus / "job.json", "--baseline", bad)
    assert code == 2
    assert "not a drift baseline" in err
    code, _, err = run(capsys, corpus / "job.json", "--baseline", tmp_path / "missing.json")
    assert code == 2
    assert "no such baseline file" in err
    code, _, err = run(capsys, corpus / "job.json", "--propose", corpus / "broken.json")
    assert code == 2
    assert "not a JSON overlay" in err
    with pytest.raises(SystemExit) as exited:
        main(["drift", str(corpus / "job.json"), "--output", "sarif=x.sarif"])
    assert exited.value.code == 2
    assert "unknown format 'sarif'" in capsys.readouterr().err
    code, _, err = run(capsys, corpus / "job.json", "--output", f"json={tmp_path}/no/such/x")
    assert code == 2
    assert "cannot write" in err
    with pytest.raises(InputError):
        Baseline.parse({"version": 1, "values": {"s": {"/p": "QUEUED"}}})


# --- arbitrary documents -------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "QUEUED", "SUCCEEDED", "Active", "Unknown", JWT]),
    st.text(max_size=8),
)
_KEYS = st.sampled_from(
    [
        "History",
        "Status",
        "ErrorCode",
        "ExecutionId",
        "status",
        "code",
        "quarantine",
        "reason",
        "value",
        "id",
        "templateId",
        "schedule",
        "state",
        "Metrics",
        "x",
    ]
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=6),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_JSON, min_size=1, max_size=5), st.integers(0, 3))
def test_arbitrary_documents_never_break_the_analysis(documents: list[Any], cap: int) -> None:
    """Whatever the documents, the analysis never raises, and at each location without ``*``
    absent + null + empty + value adds up to the resources of its schema."""
    catalog = conformance.default_catalog()
    analysis = Analysis(catalog, cap)
    checker = conformance.Checker(conformance.Options(observer=analysis.observe), catalog)
    for n, document in enumerate(documents):
        analysis.add(checker.check(document, name=f"doc{n}"))
        for schema in ("kendra.DataSourceSyncJob", "graph.synchronizationStatus"):
            analysis.add(checker.check(document, schema=schema, name=f"doc{n}"))
    report = analysis.finish()
    resources = dict(report.resources)
    for t in report.enums:
        if "*" not in t.pointer:
            assert t.presence.total == resources[t.schema]
        assert sum(v.count for v in (*t.declared_seen, *t.undeclared)) + t.other == (
            t.presence.value
        )
    json.dumps(report.as_json())
    assert isinstance(Place("x"), Place)
