"""Fixture files as tests: ``--conformance-fixtures PATH`` (and the ini option) collects one item
per document of the JSON, NDJSON, HAR and cassette files under PATH.

The ids are asserted exactly, since ``-k``, ``--lf`` and pytest-xdist depend on them being
readable, stable and unique; a file that cannot be read is a failing item, and the run goes on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

GOOD_PAGE = {"History": [{"ExecutionId": "a", "StartTime": 1763643600, "Status": "SUCCEEDED"}]}
DRIFT_PAGE = {"History": [{"ExecutionId": "b", "StartTime": 1763643600, "Status": "QUEUED"}]}
BAD_PAGE = {"History": [{"ExecutionId": "c", "StartTime": "now", "Status": "SUCCEEDED"}]}
JOBS = "https://graph.microsoft.com/beta/servicePrincipals/sp/synchronization/jobs"
JOB = {"id": "AWSEC2.1", "templateId": "AWSEC2", "synchronizationJobSettings": []}


def har_entry(url: str, body: object) -> dict[str, object]:
    """A HAR 1.2 entry whose response carries ``body`` as JSON."""
    return {
        "request": {
            "method": "GET",
            "url": url,
            "headers": [{"name": "Authorization", "value": "Bearer s3cr3t"}],
        },
        "response": {
            "status": 200,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json.dumps(body)},
        },
    }


def write_fixtures(root: Path) -> None:
    """NDJSON, HAR, a JSON file, a broken one and a file that is not a fixture."""
    root.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(GOOD_PAGE), json.dumps(DRIFT_PAGE), "", json.dumps(BAD_PAGE)]
    (root / "kendra-pages.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "graph").mkdir(exist_ok=True)
    entries = [har_entry(f"{JOBS}/good", JOB), har_entry(f"{JOBS}/bad", {**JOB, "templateId": 7})]
    har = {"log": {"version": "1.2", "entries": entries}}
    (root / "graph" / "traffic.har").write_text(json.dumps(har), encoding="utf-8")
    (root / "job.json").write_text(json.dumps(GOOD_PAGE["History"][0]), encoding="utf-8")
    (root / "broken.json").write_text('{"History": [', encoding="utf-8")
    (root / "notes.txt").write_text("not a fixture", encoding="utf-8")


IDS = [
    "fixtures/broken.json::broken.json",
    "fixtures/graph/traffic.har::traffic.har entry 1",
    "fixtures/graph/traffic.har::traffic.har entry 2",
    "fixtures/job.json::job.json",
    "fixtures/kendra-pages.ndjson::kendra-pages.ndjson:1",
    "fixtures/kendra-pages.ndjson::kendra-pages.ndjson:2",
    "fixtures/kendra-pages.ndjson::kendra-pages.ndjson:4",
]


@pytest.fixture
def fixtures(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester folder with fixture files in ``fixtures/`` and no test module."""
    write_fixtures(pytester.path / "fixtures")
    return pytester


def test_one_item_per_document_with_readable_ids(fixtures: pytest.Pytester) -> None:
    """Every document is an item, named by its file and its place in it."""
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "--collect-only", "-q")
    result.stdout.fnmatch_lines([*IDS, "", "7 tests collected*"], consecutive=True)


def test_documents_pass_and_fail_as_the_cli_judges_them(fixtures: pytest.Pytester) -> None:
    """Violations and unreadable input fail, drift passes; the failure is the findings alone."""
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "-rf")
    result.assert_outcomes(passed=4, failed=3, errors=0)
    result.stdout.fnmatch_lines(
        [
            "*_ document fixtures/kendra-pages.ndjson:4 _*",
            "conformance: 1 violation in fixtures/kendra-pages.ndjson:4"
            " [kendra.ListDataSourceSyncJobsResponse]",
            "",
            "fixtures/kendra-pages.ndjson:4  [kendra.ListDataSourceSyncJobsResponse]",
            "  selected by: shape: 100% of its properties are"
            " kendra.ListDataSourceSyncJobsResponse's",
            '  violation  /History/0/StartTime: "now" is not of type "number"',
            "      schema: kendra.DataSourceSyncJob",
            '      expected number, got string "now"',
            '      rule: "The UNIX datetime that the synchronization job was started."'
            " (kendra-DataSourceSyncJob.md, Contents, line *)",
            "      at fixtures/kendra-pages.ndjson:4:*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 violation in fixtures/graph/traffic.har entry 2"
            " [graph.synchronizationJob]",
            "",
            "fixtures/graph/traffic.har entry 2  [graph.synchronizationJob]",
            "  request: GET https://graph.microsoft.com/beta/*/synchronization/jobs/bad -> 200",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "conformance: 1 unreadable in fixtures/broken.json",
            "  unreadable  (document): not valid JSON: Expecting *",
            "      at fixtures/broken.json:1:*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "drift (what the schemas do not know yet):",
            '  kendra.DataSourceSyncJob  /Status  value "QUEUED"  1      '
            "fixtures/kendra-pages.ndjson::kendra-pages.ndjson:2",
        ]
    )
    out = result.stdout.str()
    # No Python traceback and no secret: the findings are the whole failure.
    assert "Traceback" not in out
    assert "collect.py" not in out
    assert "s3cr3t" not in out


def test_k_selects_documents(fixtures: pytest.Pytester) -> None:
    """``-k`` takes the ids' words: a file, a line, a HAR entry."""
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "-k", "ndjson:4", "-v")
    result.assert_outcomes(failed=1, deselected=6)
    result.stdout.fnmatch_lines(["fixtures/kendra-pages.ndjson::kendra-pages.ndjson:4 FAILED*"])
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "-k", "traffic and entry")
    result.assert_outcomes(passed=1, failed=1, deselected=5)
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "-m", "conformance_fixture")
    result.assert_outcomes(passed=4, failed=3)


def test_last_failed_reruns_only_the_failed_documents(fixtures: pytest.Pytester) -> None:
    """``--lf`` knows the items by id, run after run."""
    fixtures.runpytest("--conformance-fixtures", "fixtures").assert_outcomes(passed=4, failed=3)
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "--lf", "-v")
    assert result.parseoutcomes() == {"failed": 3}
    result.stdout.fnmatch_lines(
        [
            "fixtures/broken.json::broken.json FAILED*",
            "fixtures/graph/traffic.har::traffic.har entry 2 FAILED*",
            "fixtures/kendra-pages.ndjson::kendra-pages.ndjson:4 FAILED*",
        ]
    )


def test_strict_fails_the_drifting_document(fixtures: pytest.Pytester) -> None:
    """Under ``--conformance-strict`` the QUEUED line fails too."""
    result = fixtures.runpytest("--conformance-fixtures", "fixtures", "--conformance-strict")
    result.assert_outcomes(passed=3, failed=4)
    result.stdout.fnmatch_lines(["conformance: 1 enum-drift in fixtures/kendra-pages.ndjson:2 *"])


def test_ini_option_collects_fixtures_when_pytest_picks_the_paths(
    fixtures: pytest.Pytester,
) -> None:
    """The ini's fixture paths join ``testpaths``; naming a test file runs that file alone."""
    fixtures.makeini("[pytest]\ntestpaths = tests\nconformance_fixtures = fixtures\n")
    tests = fixtures.mkdir("tests")
    (tests / "test_unit.py").write_text("def test_unit():\n    pass\n", encoding="utf-8")
    fixtures.runpytest().assert_outcomes(passed=5, failed=3)
    fixtures.runpytest("tests/test_unit.py").assert_outcomes(passed=1)


def test_fixture_path_outside_the_test_paths_given_on_the_command_line(
    fixtures: pytest.Pytester,
) -> None:
    """A fixture folder pytest would not walk is collected when named with the option."""
    fixtures.makeini("[pytest]\ntestpaths = tests\n")
    tests = fixtures.mkdir("tests")
    (tests / "test_unit.py").write_text("def test_unit():\n    pass\n", encoding="utf-8")
    result = fixtures.runpytest("--conformance-fixtures", "fixtures/graph")
    result.assert_outcomes(passed=2, failed=1)
    single = fixtures.runpytest("--conformance-fixtures", "fixtures/job.json", "--co", "-q")
    single.stdout.fnmatch_lines(["tests/test_unit.py::test_unit", "fixtures/job.json::job.json"])


def test_project_configuration_chooses_schemas_and_excludes(fixtures: pytest.Pytester) -> None:
    """``[tool.conformance]`` globs and excludes apply to fixture files as to the CLI's input."""
    fixtures.makepyprojecttoml(
        '[tool.conformance]\nexclude = ["broken.json"]\n\n'
        '[tool.conformance.schemas]\n"fixtures/job.json" = "kendra.DataSourceSyncJob"\n'
    )
    result = fixtures.runpytest(
        "--conformance-fixtures", "fixtures", "--conformance-report", "report.json"
    )
    result.assert_outcomes(passed=4, failed=2)
    report = json.loads((fixtures.path / "report.json").read_text(encoding="utf-8"))
    [job] = [r for r in report["results"] if r["location"]["source"] == "fixtures/job.json"]
    assert job["selection"].endswith("""[tool.conformance.schemas] 'fixtures/job.json'""")


def test_unreadable_files_fail_without_stopping_the_run(pytester: pytest.Pytester) -> None:
    """An empty file, a binary file and a cassette with an object tag are failing items."""
    folder = pytester.mkdir("fixtures")
    (folder / "empty.json").write_bytes(b"")
    (folder / "binary.json").write_bytes(b"\x00\x01\x02")
    (folder / "tagged.yaml").write_text("!!python/object:os.system {}\n", encoding="utf-8")
    (folder / "good.json").write_text(json.dumps(GOOD_PAGE), encoding="utf-8")
    result = pytester.runpytest("--conformance-fixtures", "fixtures")
    result.assert_outcomes(passed=1, failed=3, errors=0)
    result.stdout.fnmatch_lines(["  unreadable  (document): empty file: expected a JSON document"])
    result.stdout.fnmatch_lines(["  unreadable  (document): binary file: expected JSON text"])
    result.stdout.fnmatch_lines(["*cassette uses a YAML tag that would construct an object*"])


def test_a_missing_fixture_path_is_a_usage_error(pytester: pytest.Pytester) -> None:
    """A misspelt path is said at once, not silently collected as nothing."""
    result = pytester.runpytest("--conformance-fixtures", "fixturse")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*conformance fixtures: no such file or folder: *fixturse"])


def test_xdist_runs_the_documents_and_the_controller_reports(fixtures: pytest.Pytester) -> None:
    """Under ``-n 2`` the workers check the documents; the summary and report are whole."""
    pytest.importorskip("xdist")
    result = fixtures.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "-n",
        "2",
        "--conformance-fixtures",
        "fixtures",
        "--conformance-report",
        "report.json",
    )
    result.assert_outcomes(passed=4, failed=3)
    result.stdout.fnmatch_lines(["created: 2/2 workers"])
    result.stdout.fnmatch_lines(
        [
            "*= conformance =*",
            "7 documents checked: 1 enum-drift, 1 unreadable, 2 violations",
            "drift (what the schemas do not know yet):",
            "*",
            '  kendra.DataSourceSyncJob  /Status  value "QUEUED"  1      '
            "fixtures/kendra-pages.ndjson::kendra-pages.ndjson:2",
        ]
    )
    report = json.loads((fixtures.path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["documents"] == 7
    assert sorted(r["status"] for r in report["results"]) == [
        "drift",
        "fail",
        "fail",
        "ok",
        "ok",
        "ok",
        "unreadable",
    ]
