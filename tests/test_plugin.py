"""The pytest plugin: registration, the fixtures, the options, the drift summary and the reports.

Every behaviour is tested the way a user meets it: a test file run by ``pytester`` with the
plugin loaded from its ``pytest11`` entry point, and the output or the files it writes asserted.
The marker and live HTTP are in ``test_plugin_http.py``; fixture files as tests in
``test_plugin_fixtures.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

REPORT_SCHEMA = Path(__file__).parents[1] / "conformance" / "report" / "report.schema.json"
# What importing the plugin, or a run that does not use it, must not import.
HEAVY = ("jsonschema", "jsonschema_rs", "referencing", "regex", "requests", "orjson", "yaml")

JOB_TESTS = """
import pytest

GOOD = {"ExecutionId": "e1", "StartTime": 1763643600, "Status": "SUCCEEDED"}
BAD = {"ExecutionId": "e2", "StartTime": 1763643600, "Status": "SUCCEEDED",
       "Metrics": {"DocumentsAdded": "01"}}
DRIFT = {"ExecutionId": "e3", "StartTime": 1763643600, "Status": "QUEUED"}

def test_good(conformance):
    conformance.assert_conforms(GOOD, schema="kendra.DataSourceSyncJob")

def test_bad(conformance):
    conformance.assert_conforms(BAD, schema="kendra.DataSourceSyncJob")

def test_drift(conformance):
    conformance.assert_conforms(DRIFT, schema="kendra.DataSourceSyncJob")

def test_drift_again(conformance):
    conformance.assert_conforms(DRIFT, schema="kendra.DataSourceSyncJob")
"""


# --- Registration and import cost ---------------------------------------------------------------


def test_entry_point_names_the_plugin_module() -> None:
    """pytest finds the plugin through the ``pytest11`` entry point ``sync_conformance``."""
    found = {e.name: e.value for e in entry_points(group="pytest11")}
    assert found.get("sync_conformance") == "sync_conformance_pytest"


def test_importing_the_plugin_imports_nothing_heavy() -> None:
    """Only the plugin's own modules come in on top of pytest: no engine, no requests."""
    code = (
        "import json, sys, pytest\n"
        "before = set(sys.modules)\n"
        "import sync_conformance_pytest\n"
        "new = sorted(set(sys.modules) - before)\n"
        f"print(json.dumps([new, [m for m in {HEAVY!r} if m in sys.modules]]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    new, heavy = json.loads(done.stdout)
    assert heavy == []
    assert new
    assert all(m.startswith("sync_conformance_pytest") for m in new), new


def test_a_run_that_does_not_use_the_plugin_loads_no_engine(pytester: pytest.Pytester) -> None:
    """Inert until used: a plain test run imports neither the engine nor the validators."""
    pytester.makepyfile(
        """
        import sys

        def test_plain():
            loaded = [m for m in ("conformance.pipeline", "jsonschema", "jsonschema_rs")
                      if m in sys.modules]
            assert loaded == []
        """
    )
    # schemathesis (installed for `conformance contract`) has a pytest plugin of its own that
    # imports jsonschema_rs when loaded: this test is about ours.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:schemathesis")
    result.assert_outcomes(passed=1)
    assert "= conformance =" not in result.stdout.str()


def test_markers_are_registered_and_pass_strict_markers(pytester: pytest.Pytester) -> None:
    """``--markers`` lists both markers, and ``--strict-markers`` accepts them."""
    listing = pytester.runpytest("--markers")
    listing.stdout.fnmatch_lines(
        ["@pytest.mark.conformance(schema=None, strict=False): validate every HTTP response*"]
    )
    listing.stdout.fnmatch_lines(["@pytest.mark.conformance_fixture: *"])
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.conformance
        def test_marked():
            pass
        """
    )
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1)


def test_options_are_listed_in_help(pytester: pytest.Pytester) -> None:
    """Every option is in ``--help``, with its ini twin."""
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "*--conformance-fixtures=PATH*",
            "*--conformance-strict*",
            "*--conformance-drift={ignore,warn,fail}*",
            "*--conformance-report=PATH*",
            "*conformance_fixtures (paths):*",
        ]
    )


def test_a_bad_drift_setting_is_a_usage_error(pytester: pytest.Pytester) -> None:
    """The ini value is checked as the option's choices are."""
    pytester.makeini("[pytest]\nconformance_drift = loud\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*conformance_drift must be one of ignore, warn, fail, not*"])


# --- The fixtures -------------------------------------------------------------------------------


def test_assert_conforms_failure_reads_well(pytester: pytest.Pytester) -> None:
    """Schema, pointer, expected and got, and the doc sentence behind the rule, in the message."""
    pytester.makepyfile(test_jobs=JOB_TESTS)
    result = pytester.runpytest("-k", "good or bad")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: conformance: 1 violation in"
            " <test_jobs.py::test_bad> document 1 [kendra.DataSourceSyncJob]",
            "E       <test_jobs.py::test_bad> document 1  [kendra.DataSourceSyncJob]",
            "E         selected by: the schema argument",
            'E         violation  /Metrics/DocumentsAdded: "01" does not match'
            ' "^(?:(([1-9][0-9]*)|0))$"',
            "E             schema: kendra.DataSourceSyncJob",
            'E             expected a match for "^(?:(([1-9][0-9]*)|0))$", got "01"',
            'E             rule: "The number of documents added from the data source up to now in'
            ' the data source sync." (kendra-2019-02-03.service-2.json, shape'
            " DataSourceSyncJobMetrics, line 70)",
            "test_jobs.py:*: AssertionError",
        ]
    )
    # The plugin's own frames are hidden: the traceback is the test's line alone.
    assert "fixtures.py" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["FAILED test_jobs.py::test_bad - AssertionError: conformance: 1 violation in*"]
    )


def test_validate_returns_findings_and_records_nothing(pytester: pytest.Pytester) -> None:
    """``validate`` answers with findings, schema chosen as the CLI chooses; no summary entry."""
    pytester.makepyfile(
        """
        import json
        from conformance import Finding

        def test_validate(conformance):
            found = conformance.validate({"ExecutionId": "e", "Status": 1, "StartTime": 1})
            assert [(f.kind, f.pointer, f.schema) for f in found] == [
                ("violation", "/Status", "kendra.DataSourceSyncJob")
            ]
            assert all(isinstance(f, Finding) for f in found)
            job = "kendra.DataSourceSyncJob"
            assert conformance.validate({"Status": "SUCCEEDED"}, job) == []
            drift = conformance.validate(json.dumps({"Status": "QUEUED"}), job)
            assert [f.kind for f in drift] == ["enum-drift"]
            assert [f.kind for f in conformance.validate(b"{")] == ["unreadable"]
            assert [f.kind for f in conformance.validate({"x": 1})] == ["unselected"]
            assert conformance.results == []
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert "= conformance =" not in result.stdout.str()


def test_documents_from_files_text_and_bytes(pytester: pytest.Pytester) -> None:
    """A ``Path`` checks every document of the file, read as the CLI reads it."""
    pytester.makefile(
        ".ndjson",
        pages='{"History": [{"ExecutionId": "a", "Status": "SUCCEEDED"}]}\n'
        '{"History": [{"ExecutionId": "b", "Status": "SUCCEEDED", "StartTime": "now"}]}\n',
    )
    pytester.makepyfile(
        """
        from pathlib import Path
        import pytest

        def test_file(conformance):
            found = conformance.validate(Path("pages.ndjson"))
            assert [(f.kind, f.pointer, str(f.location)) for f in found] == [
                ("violation", "/History/0/StartTime", "pages.ndjson:2:58 /History/0")
            ]
            with pytest.raises(AssertionError, match="in pages.ndjson:2 "):
                conformance.assert_conforms(Path("pages.ndjson"))

        def test_text(conformance):
            conformance.assert_conforms('{"ExecutionId": "a", "Status": "SUCCEEDED"}')
            with pytest.raises(AssertionError, match=r"(?s)unreadable.*not valid JSON"):
                conformance.assert_conforms(b'{"ExecutionId": ')
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_unknown_schema_fails_with_the_engines_suggestion(pytester: pytest.Pytester) -> None:
    """A misspelt schema name fails the test with close names, not a traceback."""
    pytester.makepyfile(
        """
        def test_typo(conformance):
            conformance.assert_conforms({}, schema="kendra.DataSourceSyncjob")
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*conformance: no schema named 'kendra.DataSourceSyncjob'. Did you mean *SyncJob*"]
    )


def test_catalog_fixture(pytester: pytest.Pytester) -> None:
    """``conformance_catalog`` is the catalog of the shipped schemas."""
    pytester.makepyfile(
        """
        def test_catalog(conformance_catalog, conformance):
            names = {e.name for e in conformance_catalog}
            assert {"kendra.DataSourceSyncJob", "graph.synchronizationStatus"} <= names
            assert conformance.catalog is conformance_catalog
            assert conformance_catalog.schema("kendra.DataSourceSyncJob")["title"]
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


# --- Strictness and drift -----------------------------------------------------------------------


def test_drift_is_listed_in_the_summary(pytester: pytest.Pytester) -> None:
    """Schema, pointer, unknown value, count and first test seen; drift alone passes."""
    pytester.makepyfile(test_jobs=JOB_TESTS)
    result = pytester.runpytest("-k", "drift")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= conformance =*",
            "2 documents checked: 2 enum-drifts",
            "drift (what the schemas do not know yet):",
            "  schema                    pointer  unknown         count  first seen in",
            '  kendra.DataSourceSyncJob  /Status  value "QUEUED"  2      test_jobs.py::test_drift',
        ]
    )


def test_drift_ignore_lists_nothing(pytester: pytest.Pytester) -> None:
    """``--conformance-drift=ignore``: counted, but no table and no failure."""
    pytester.makepyfile(test_jobs=JOB_TESTS)
    result = pytester.runpytest("-k", "drift", "--conformance-drift=ignore")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["2 documents checked: 2 enum-drifts"])
    assert "first seen in" not in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "ini", "pyproject"),
    [
        pytest.param(["--conformance-drift=fail"], "", "", id="drift-fail"),
        pytest.param(["--conformance-strict"], "", "", id="strict-option"),
        pytest.param([], "conformance_strict = true", "", id="strict-ini"),
        pytest.param([], "conformance_drift = fail", "", id="drift-ini"),
        pytest.param([], "", "[tool.conformance]\nstrict = true\n", id="tool-conformance"),
    ],
)
def test_strict_runs_fail_on_drift(
    pytester: pytest.Pytester, args: list[str], ini: str, pyproject: str
) -> None:
    """Every way of asking for strictness makes drift fail, and the table still lists it."""
    pytester.makepyfile(test_jobs=JOB_TESTS)
    if pyproject:
        pytester.makepyprojecttoml(pyproject)
    else:
        pytester.makeini(f"[pytest]\n{ini}\n")
    result = pytester.runpytest("-k", "drift", *args)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "E       AssertionError: conformance: 1 enum-drift in <test_jobs.py::test_drift>*",
            '  kendra.DataSourceSyncJob  /Status  value "QUEUED"  2      test_jobs.py::test_drift',
        ]
    )


def test_strict_argument_fails_one_call(pytester: pytest.Pytester) -> None:
    """``assert_conforms(..., strict=True)`` makes drift fail for that call only."""
    pytester.makepyfile(
        """
        import pytest

        DRIFT = {"ExecutionId": "e3", "Status": "QUEUED"}

        def test_strict_call(conformance):
            conformance.assert_conforms(DRIFT)
            with pytest.raises(AssertionError, match="1 enum-drift"):
                conformance.assert_conforms(DRIFT, strict=True)
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_property_drift_names_the_property(pytester: pytest.Pytester) -> None:
    """An unknown property is listed by name, with its pointer inside the resource."""
    pytester.makepyfile(
        test_new_property="""
        def test_new_property(conformance):
            page = {"History": [{"ExecutionId": "a", "Status": "SUCCEEDED"},
                                {"ExecutionId": "b", "Status": "SUCCEEDED", "SyncMode": "FULL"}]}
            conformance.assert_conforms(page)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "  kendra.DataSourceSyncJob  /SyncMode  property 'SyncMode'  1 "
            "     test_new_property.py::test_new_property"
        ]
    )


# --- Reports -------------------------------------------------------------------------------------


def test_report_is_the_clis_json_format(pytester: pytest.Pytester) -> None:
    """``--conformance-report`` writes a document that report.schema.json accepts."""
    from jsonschema import Draft202012Validator

    pytester.makepyfile(test_jobs=JOB_TESTS)
    result = pytester.runpytest("--conformance-report", "out/report.json")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["report: *out/report.json"])
    report = json.loads((pytester.path / "out" / "report.json").read_text(encoding="utf-8"))
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator(schema).validate(report)
    assert report["summary"]["documents"] == 4
    assert report["summary"]["counts"]["violation"] == 1
    assert report["summary"]["counts"]["enum-drift"] == 2
    assert report["summary"]["exit_code"] == 1
    sources = [r["location"]["source"] for r in report["results"]]
    assert sources == [
        "<test_jobs.py::test_good> document 1",
        "<test_jobs.py::test_bad> document 1",
        "<test_jobs.py::test_drift> document 1",
        "<test_jobs.py::test_drift_again> document 1",
    ]


def test_findings_are_junit_properties(pytester: pytest.Pytester) -> None:
    """Each finding is a ``conformance`` property of its test case in JUnit XML."""
    pytester.makepyfile(test_jobs=JOB_TESTS)
    pytester.runpytest("--junitxml", "junit.xml")
    tree = ET.parse(pytester.path / "junit.xml")
    properties = {
        case.get("name"): [p.get("value") for p in case.iter("property")]
        for case in tree.iter("testcase")
    }
    assert properties["test_good"] == []
    [bad] = properties["test_bad"]
    assert bad.startswith(
        'violation /Metrics/DocumentsAdded [kendra.DataSourceSyncJob]: "01" does not match'
    )
    assert 'got "01"; rule: "The number of documents added' in bad
    [drift] = properties["test_drift"]
    assert drift.startswith('enum-drift /Status [kendra.DataSourceSyncJob]: "QUEUED" is not one')
