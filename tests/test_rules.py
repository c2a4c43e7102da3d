"""Contract rules beyond the schemas: each rule passes a right document and fails a wrong one,
series rules see a recording in order, and rules run wherever validation runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_run import run
from hypothesis import given, settings
from hypothesis import strategies as st

import conformance
from conformance import lifecycle, rules, strategies

pytest_plugins = ("pytester",)

KENDRA = "kendra.DataSourceSyncJob"
STATUS = "graph.synchronizationStatus"
NEVER = "0001-01-01T00:00:00Z"


def kendra_job(**members: Any) -> dict[str, Any]:
    job: dict[str, Any] = {"ExecutionId": "e1", "StartTime": 1763626502.5, "Status": "SUCCEEDED"}
    job.update(members)
    return {k: v for k, v in job.items() if v is not _ABSENT}


_ABSENT = object()


def status(**members: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "code": "Active",
        "steadyStateFirstAchievedTime": NEVER,
        "steadyStateLastAchievedTime": NEVER,
        "quarantine": None,
    }
    value.update(members)
    return value


def rule_ids(document: Any, schema: str | None = None) -> list[str]:
    result = conformance.check(document, schema=schema)
    return [f.rule_id for f in result.findings if f.kind == "rule"]


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)

# --- Document rules: one right and one wrong document each -------------------------------------

QUARANTINE = {
    "currentBegan": "2017-07-19T12:35:27.0869139Z",
    "nextAttempt": NEVER,
    "reason": "EncounteredQuarantineException",
    "seriesBegan": "2017-07-19T06:56:58.2464011Z",
    "seriesCount": 6,
}

CASES: list[tuple[str, str, Any, Any]] = [
    (
        "kendra.failed-has-error-code",
        KENDRA,
        kendra_job(Status="FAILED", ErrorCode="InternalError", EndTime=1763627000),
        kendra_job(Status="FAILED", EndTime=1763627000),
    ),
    (
        "kendra.end-after-start",
        KENDRA,
        kendra_job(EndTime=1763626502.5),
        kendra_job(EndTime=1763626000),
    ),
    (
        "graph.quarantine-has-details",
        STATUS,
        status(code="Quarantine", quarantine=QUARANTINE),
        status(code="Quarantine", quarantine=None),
    ),
    (
        "graph.execution-end-after-begin",
        "graph.synchronizationTaskExecution",
        {"timeBegan": "2017-07-19T14:55:58.5434447Z", "timeEnded": "2017-07-19T14:55:58.5570274Z"},
        {"timeBegan": "2017-07-19T14:55:58.5570274Z", "timeEnded": "2017-07-19T14:55:58.5434447Z"},
    ),
    (
        "graph.steady-state-order",
        STATUS,
        status(
            steadyStateFirstAchievedTime="2026-01-01T00:00:00Z",
            steadyStateLastAchievedTime="2026-01-01T02:00:00+01:00",
        ),
        status(steadyStateLastAchievedTime="2026-01-01T00:00:00Z"),
    ),
    (
        "graph.progress-within-total",
        "graph.synchronizationProgress",
        {"completedUnits": 1025, "totalUnits": 3024, "units": "pages"},
        {"completedUnits": 3025, "totalUnits": 3024},
    ),
    (
        "graph.quarantine-series-order",
        "graph.synchronizationQuarantine",
        QUARANTINE,
        {**QUARANTINE, "seriesBegan": "2017-07-20T00:00:00Z"},
    ),
    (
        "pagination.empty-page-with-token",
        "kendra.ListDataSourceSyncJobsResponse",
        {"History": []},
        {"History": [], "NextToken": "AAMA-1"},
    ),
]


@pytest.mark.parametrize(("rule_id", "schema", "right", "wrong"), CASES, ids=[c[0] for c in CASES])
def test_document_rule(rule_id: str, schema: str, right: Any, wrong: Any) -> None:
    """The right document breaks no rule; the wrong one breaks exactly this rule, as a finding
    of kind rule with the rule's severity, at a pointer in the document."""
    assert rule_ids(right, schema) == []
    result = conformance.check(wrong, schema=schema)
    found = [f for f in result.findings if f.kind == "rule"]
    assert [f.rule_id for f in found] == [rule_id]
    assert found[0].severity == rules.BY_ID[rule_id].severity
    assert found[0].pointer.startswith("/")
    assert rule_id in found[0].message


def test_rules_are_placed_inside_an_envelope() -> None:
    """A rule broken by the third job of a Kendra page points into it."""
    page = {"History": [kendra_job(ExecutionId=f"e{i}") for i in range(2)]}
    page["History"].append(kendra_job(ExecutionId="e9", Status="FAILED", EndTime=1763630000))
    [finding] = [f for f in conformance.check(page).findings if f.kind == "rule"]
    assert finding.pointer == "/History/2/ErrorCode"
    assert finding.location.within == "/History/2"
    assert finding.resource_pointer == "/ErrorCode"


def test_rules_skip_values_of_the_wrong_type_and_never_dates() -> None:
    """A rule says nothing of a value the schema already refuses, nor of Graph's "never" or a
    date-time it cannot read."""
    assert rule_ids(kendra_job(StartTime="soon", EndTime=1), KENDRA) == []
    assert (
        rule_ids(status(steadyStateFirstAchievedTime="", steadyStateLastAchievedTime=""), STATUS)
        == []
    )
    execution = {"timeBegan": NEVER, "timeEnded": "2017-07-19T14:55:58Z"}
    assert rule_ids(execution, "graph.synchronizationTaskExecution") == []


def test_the_vendors_examples_break_no_rule() -> None:
    """Every example the source documents quote passes every rule (the examples are ground
    truth: a rule they break would be a wrong rule)."""
    for result in conformance.examples():
        assert [f for f in result.findings if f.kind == "rule"] == [], result.location


def test_every_rule_has_a_source_or_a_reasoning() -> None:
    """A rule rests on a vendor sentence or says it is inferred and why."""
    for rule in rules.RULES:
        assert rule.source or rule.inferred, rule.id
        assert rule.severity in ("error", "warning")
    assert len({r.id for r in rules.RULES}) == len(rules.RULES)
    assert rules.REJECTED


# --- Series rules ------------------------------------------------------------------------------


def _ndjson(tmp_path: Path, pages: list[Any], name: str = "polls.ndjson") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(page) + "\n" for page in pages))
    return path


def _series(path: Path, *argv: str) -> list[tuple[int | None, str]]:
    options = conformance.Options(disabled_rules=tuple(argv))
    return [
        (f.location.line, f.rule_id)
        for result in conformance.check_paths([path], options=options)
        for f in result.findings
        if f.kind == "rule"
    ]


def test_kendra_lifecycle_follows_the_table(tmp_path: Path) -> None:
    """SYNCING -> SYNCING_INDEXING -> SUCCEEDED is a life; SUCCEEDED -> SYNCING is not."""
    good = [
        {"History": [kendra_job(Status="SYNCING")]},
        {"History": [kendra_job(Status="SYNCING_INDEXING")]},
        {"History": [kendra_job(Status="SUCCEEDED", EndTime=1763627000)]},
    ]
    assert _series(_ndjson(tmp_path, good)) == []
    bad = [*good, {"History": [kendra_job(Status="SYNCING")]}]
    assert _series(_ndjson(tmp_path, bad, "bad.ndjson")) == [(4, "kendra.lifecycle-transition")]


def test_a_state_missed_between_two_polls_is_no_broken_transition(tmp_path: Path) -> None:
    """SYNCING then ABORTED: the STOPPING between them was not polled. Graph's Active then
    NotRun went through Paused. A state the table cannot reach is still one."""
    skipped = [
        {"History": [kendra_job(Status="SYNCING")]},
        {"History": [kendra_job(Status="ABORTED", EndTime=1763627000)]},
    ]
    assert _series(_ndjson(tmp_path, skipped)) == []
    assert lifecycle.reachable(lifecycle.GRAPH, "Active", "NotRun")
    assert not lifecycle.reachable(lifecycle.GRAPH, "Active", "NotConfigured")
    assert not lifecycle.reachable(lifecycle.KENDRA, "SUCCEEDED", "SYNCING")


def test_an_unknown_status_is_drift_not_a_transition(tmp_path: Path) -> None:
    """A status the table does not know is reported as drift, and no transition is judged."""
    pages = [
        {"History": [kendra_job(Status="SYNCING")]},
        {"History": [kendra_job(Status="SYNCING_QUEUED")]},
        {"History": [kendra_job(Status="SUCCEEDED")]},
    ]
    assert _series(_ndjson(tmp_path, pages)) == []


def test_metrics_do_not_go_backwards(tmp_path: Path) -> None:
    """One execution's DocumentsScanned going from 40 to 12 is a finding at the later poll."""
    pages = [
        {"History": [kendra_job(Status="SYNCING", Metrics={"DocumentsScanned": "40"})]},
        {"History": [kendra_job(Status="SYNCING", Metrics={"DocumentsScanned": "12"})]},
    ]
    assert _series(_ndjson(tmp_path, pages)) == [(2, "kendra.metrics-backwards")]


def test_executions_of_a_page_do_not_overlap(tmp_path: Path) -> None:
    """In one page (one data source's history, newest first), an execution that starts before
    the one before it ended is a finding; across pages nothing is said, since the pages of a
    recording may be of many data sources."""
    first = kendra_job(ExecutionId="a", StartTime=1000, EndTime=2000)
    after = kendra_job(ExecutionId="b", StartTime=2500, EndTime=3000)
    inside = kendra_job(ExecutionId="c", StartTime=2700, EndTime=2800)
    assert rule_ids({"History": [after, first]}) == []
    assert rule_ids({"History": [first, after]}) == []  # any order: judged by start
    result = conformance.check({"History": [inside, after, first]})
    broken = [(f.pointer, f.rule_id) for f in result.findings if f.kind == "rule"]
    assert broken == [("/History/0/StartTime", "kendra.execution-overlap")]
    other = _ndjson(tmp_path, [{"History": [after]}, {"History": [inside]}], "c.ndjson")
    assert _series(other) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["ExecutionId", "StartTime", "EndTime", "Status"]),
            st.none()
            | st.booleans()
            | st.integers()
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(max_size=5),
        )
        | _JSON,
        max_size=6,
    )
)
def test_page_rules_take_any_history(history: list[Any]) -> None:
    """A History of any items, times of any type, gives findings or nothing."""
    result = conformance.check({"History": history}, schema="kendra.ListDataSourceSyncJobsResponse")
    assert all(f.kind != "unreadable" for f in result.findings)


def test_graph_lifecycle_and_quarantine_series(tmp_path: Path) -> None:
    """A job's code follows the table (Quarantine -> Active is a lift; NotRun after Active is
    not); a quarantine series' count does not go backwards."""

    def job(code: str, count: int | None = None) -> dict[str, Any]:
        quarantine = {**QUARANTINE, "seriesCount": count} if count is not None else None
        return {"id": "j1", "status": status(code=code, quarantine=quarantine)}

    pages = [
        job("Active"),
        job("Quarantine", 3),
        job("Quarantine", 2),
        job("Active"),
        job("NotConfigured"),
    ]
    context = (
        "https://graph.microsoft.com/beta/$metadata#servicePrincipals('sp')/synchronization/jobs"
    )
    path = _ndjson(tmp_path, [{"@odata.context": context, "value": [page]} for page in pages])
    assert _series(path) == [
        (3, "graph.quarantine-series-backwards"),
        (5, "graph.lifecycle-transition"),
    ]


def test_a_new_source_is_a_new_series(tmp_path: Path) -> None:
    """The same execution in two files is two series: no transition across files."""
    one = _ndjson(tmp_path, [{"History": [kendra_job(Status="SUCCEEDED")]}], "one.ndjson")
    two = _ndjson(tmp_path, [{"History": [kendra_job(Status="SYNCING")]}], "two.ndjson")
    findings = [
        f for r in conformance.check_paths([one, two]) for f in r.findings if f.kind == "rule"
    ]
    assert findings == []


def test_check_calls_are_independent() -> None:
    """conformance.check of one document after another carries nothing over."""
    assert rule_ids({"History": [kendra_job(Status="SUCCEEDED")]}) == []
    assert rule_ids({"History": [kendra_job(Status="SYNCING")]}) == []


def test_graph_next_link_cycle_in_a_recording(tmp_path: Path) -> None:
    """In a HAR, page 2's @odata.nextLink leading back to page 1 is a token-cycle finding."""
    base = "https://graph.microsoft.com/beta/servicePrincipals/sp/synchronization/jobs"

    def entry(url: str, following: str) -> dict[str, Any]:
        body = json.dumps({"value": [], "@odata.nextLink": following})
        return {
            "startedDateTime": "2026-11-20T08:00:00.000Z",
            "request": {"method": "GET", "url": url, "headers": []},
            "response": {
                "status": 200,
                "headers": [],
                "content": {"mimeType": "application/json", "text": body},
            },
        }

    har = {
        "log": {
            "entries": [entry(base, base + "?$skiptoken=2"), entry(base + "?$skiptoken=2", base)]
        }
    }
    path = tmp_path / "cycle.har"
    path.write_text(json.dumps(har))
    found = _series(path, "pagination.empty-page-with-token")
    assert [rule_id for _, rule_id in found] == ["pagination.token-cycle"]


# --- Front-ends --------------------------------------------------------------------------------


def test_cli_error_warning_strict_and_disable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule error exits 1; a rule warning exits 0, and 1 with --strict; --disable-rule and
    [tool.conformance] disable-rules switch a rule off."""
    monkeypatch.chdir(tmp_path)
    failed = tmp_path / "failed.json"
    failed.write_text(json.dumps(kendra_job(Status="FAILED", EndTime=1763627000)))
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"History": [], "NextToken": "AAMA-1"}))
    code, out, _ = run("validate", str(failed))
    assert code == 1
    assert "kendra.failed-has-error-code" in out
    assert run("validate", str(empty))[0] == 0
    assert run("validate", str(empty), "--strict")[0] == 1
    assert run("validate", str(failed), "--disable-rule", "kendra.failed-has-error-code")[0] == 0
    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\ndisable-rules = ["kendra.failed-has-error-code"]\n'
    )
    assert run("validate", str(failed))[0] == 0


def test_disable_all_rules(tmp_path: Path) -> None:
    """--disable-rule all switches every rule off: a FAILED job without ErrorCode passes."""
    path = tmp_path / "failed.json"
    path.write_text(json.dumps(kendra_job(Status="FAILED", EndTime=1763627000)))
    assert run("validate", str(path), "--disable-rule", "all")[0] == 0
    assert run("validate", str(path))[0] == 1


def test_unknown_rule_id_is_exit_2_with_a_suggestion(tmp_path: Path) -> None:
    """A misspelt rule id is a usage error naming the closest one."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps(kendra_job()))
    code, _, err = run("validate", str(path), "--disable-rule", "kendra.end-after-stat")
    assert code == 2
    assert "did you mean kendra.end-after-start?" in err


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "junit", "text"])
def test_every_report_format_carries_rule_findings(tmp_path: Path, fmt: str) -> None:
    """Each report format names the rule id of a rule finding."""
    path = tmp_path / "failed.json"
    path.write_text(json.dumps(kendra_job(Status="FAILED", EndTime=1763627000)))
    code, out, _ = run("validate", str(path), "--format", fmt)
    assert code == 1
    assert "kendra.failed-has-error-code" in out


def test_conformance_rules_lists_every_rule(tmp_path: Path) -> None:
    """conformance rules lists every rule with severity and source, and the rejected ones."""
    code, out, _ = run("rules")
    assert code == 0
    for rule in rules.RULES:
        assert rule.id in out
    code, out, _ = run("rules", "--format", "json")
    data = json.loads(out)
    assert {r["id"] for r in data["rules"]} == set(rules.BY_ID)
    assert len(data["rejected"]) == len(rules.REJECTED)
    code, out, _ = run("rules", "--format", "markdown")
    assert out.count("\n| `") == len(rules.RULES)


def test_the_plugin_fails_a_marked_test_on_a_rule(pytester: pytest.Pytester) -> None:
    """The conformance fixture reports a broken rule as it reports a violation."""
    pytester.makepyfile(
        """
        def test_failed_job(conformance):
            conformance.assert_conforms(
                {"ExecutionId": "e1", "StartTime": 1, "EndTime": 2, "Status": "FAILED"}
            )
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*kendra.failed-has-error-code*"])


# --- Generated documents -----------------------------------------------------------------------


def test_hostile_documents_break_every_document_rule_the_generator_knows() -> None:
    """Hostile mode breaks the rules (valid mode breaking none is test_strategies' contract)."""
    seen: set[str] = set()
    for name in (
        KENDRA,
        STATUS,
        "graph.synchronizationTaskExecution",
        "graph.synchronizationProgress",
    ):
        for document in strategies.generate(name, 150, mode="hostile", seed=5):
            seen.update(rule_ids(document, name))
    assert {
        "kendra.failed-has-error-code",
        "kendra.end-after-start",
        "graph.quarantine-has-details",
        "graph.steady-state-order",
        "graph.execution-end-after-begin",
        "graph.progress-within-total",
    } <= seen


def test_valid_pages_of_many_executions_break_no_rule() -> None:
    """Each generated valid Kendra page, its executions one after another, breaks no rule
    (series rules included: a page is one moment of one data source)."""
    for page in strategies.generate("kendra.ListDataSourceSyncJobsResponse", 200, seed=3):
        assert rule_ids(page, "kendra.ListDataSourceSyncJobsResponse") == [], page


# --- Hostile input -----------------------------------------------------------------------------

_MEMBERS = st.dictionaries(
    st.sampled_from(
        [
            "Status",
            "ErrorCode",
            "StartTime",
            "EndTime",
            "ExecutionId",
            "Metrics",
            "code",
            "quarantine",
            "timeBegan",
            "timeEnded",
            "completedUnits",
            "totalUnits",
            "seriesBegan",
            "currentBegan",
            "seriesCount",
            "steadyStateFirstAchievedTime",
            "steadyStateLastAchievedTime",
            "History",
            "NextToken",
            "value",
            "@odata.nextLink",
            "id",
            "status",
        ]
    ),
    _JSON,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MEMBERS, min_size=1, max_size=4))
def test_rules_take_any_values(documents: list[dict[str, Any]]) -> None:
    """Whatever the members hold, every rule and the series give findings or nothing."""
    book = rules.RuleBook()
    series = rules.Series(frozenset(r.id for r in rules.RULES if r.series))
    where = conformance.Location("polls.ndjson")
    for document in documents:
        series.next_document()
        for schema in (
            KENDRA,
            STATUS,
            "graph.synchronizationTaskExecution",
            "graph.synchronizationProgress",
            "graph.synchronizationQuarantine",
            "kendra.ListDataSourceSyncJobsResponse",
            "graph.synchronizationJob",
        ):
            for finding in book.check(schema, document, where) + series.observe(
                schema, document, where, None
            ):
                assert finding.kind == "rule"


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_date_time_reader_takes_any_text(text: str) -> None:
    """Any string is an instant or None, never an exception."""
    found = rules.instant(text)
    assert found is None or isinstance(found, tuple)


def test_the_readme_lists_the_rules_as_the_command_does() -> None:
    """README's rule table is `conformance rules --format markdown`, so it cannot go stale."""
    code, table, _ = run("rules", "--format", "markdown")
    assert code == 0
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert table in readme


def test_series_memory_is_small_whatever_a_document_holds() -> None:
    """Executions whose counters are 100 KB strings and ids of 100 KB: the series remembers
    no more than a few bytes of each (the cap is on entries, so each must be small)."""
    import tracemalloc

    series = rules.Series(rules.RuleBook(()).series_enabled)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(300):
        huge = "9" * 100_000
        job = {"ExecutionId": f"e{n}", "Status": "SYNCING", "Metrics": {"DocumentsAdded": huge}}
        series.broken("kendra.DataSourceSyncJob", job, "polls.ndjson", None)
        series.broken(
            "kendra.DataSourceSyncJob", {"ExecutionId": huge + str(n)}, "polls.ndjson", None
        )
        series.next_document()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert grown < 2_000_000
