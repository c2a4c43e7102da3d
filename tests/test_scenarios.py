"""The poller scenarios: what they serve is what the service could send, one step per poll."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conformance
from conformance import emulator, lifecycle, scenarios
from conformance.emulator import Request

KENDRA_HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": scenarios.KENDRA_TARGET,
}


def _findings(scenario: scenarios.Scenario) -> list[conformance.Finding]:
    """The schema's findings on every served document, in the order served (one recording)."""
    found = []
    for schema, document in scenario.documents():
        result = conformance.check(document, schema=schema, name=f"{scenario.name}.ndjson")
        found.extend(f for f in result.findings if f.kind != "rule")
    return found


def _rule_errors(scenario: scenarios.Scenario) -> list[str]:
    """The contract rules of severity error the served documents break, as one recording: an
    NDJSON file of them in the order served, so that the series rules see every poll."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{scenario.name}.ndjson"
        path.write_text("".join(json.dumps(d) + "\n" for _, d in scenario.documents()))
        return [
            f.message
            for result in conformance.check_paths([path])
            for f in result.findings
            if f.kind == "rule" and f.severity == "error"
        ]


@pytest.mark.parametrize("name", scenarios.NAMES)
def test_served_documents_are_what_the_service_could_send(name: str) -> None:
    """Clean scenarios validate; drift ones hold drift findings only; the one documented
    violation is the "" Graph sends in a quarantine not in effect."""
    scenario = scenarios.scenario(name, seed=5)
    kinds = {f.kind for f in _findings(scenario)}
    if scenario.expect == "clean":
        assert kinds == set()
    elif scenario.expect == "drift":
        assert kinds == {"enum-drift"}
    else:
        violations = [f for f in _findings(scenario) if f.kind == "violation"]
        assert kinds == {"violation"}
        assert {f.actual for f in violations} == {""}
        assert {f.pointer.rsplit("/", 1)[1] for f in violations} == {
            "currentBegan",
            "nextAttempt",
            "reason",
            "seriesBegan",
        }


@pytest.mark.parametrize("name", [n for n in scenarios.NAMES if not scenarios.scenario(n).fault])
def test_served_lives_break_no_contract_rule(name: str) -> None:
    """Played as one recording, a life that is not a deliberate fault breaks no rule."""
    assert _rule_errors(scenarios.scenario(name, seed=5)) == []


@pytest.mark.parametrize("name", scenarios.NAMES)
def test_lives_follow_the_lifecycle_table(name: str) -> None:
    """The job starts in an initial state, moves only as the table allows (a state the table
    does not know is drift, passed through), and the right outcome is its first terminal state."""
    scenario = scenarios.scenario(name)
    life = lifecycle.load().get(scenario.kind)
    states = [s.state for s in scenario.steps if s.state is not None]
    if scenario.fault is not None:
        assert scenario.final == scenarios.FAULT
        assert states == []
        return
    assert states[0] in life.initial
    known = [s for s in states if life.state(s) is not None]
    for before, after in itertools.pairwise(known):
        assert lifecycle.allowed(scenario.kind, before, after), (before, after)
    assert states[-1] == scenario.final
    assert lifecycle.terminal(scenario.kind, scenario.final)
    assert not any(lifecycle.terminal(scenario.kind, s) for s in states[:-1])


def test_final_states_cover_every_outcome() -> None:
    """Between them the scenarios end in each Kendra terminal state and in a fault."""
    finals = {scenarios.scenario(n).final for n in scenarios.NAMES}
    assert finals >= {"SUCCEEDED", "FAILED", "INCOMPLETE", "ABORTED", "Active", scenarios.FAULT}


def test_a_seed_gives_the_same_documents_and_another_seed_other_ids() -> None:
    """Reproducible by seed; a different seed changes the ids."""
    one = scenarios.scenario("kendra-page-two", seed=1)
    assert one.documents() == scenarios.scenario("kendra-page-two", seed=1).documents()
    assert one.ids != scenarios.scenario("kendra-page-two", seed=2).ids
    assert len(one.ids["index_id"]) == 36


def _kendra(url: str, scenario: scenarios.Scenario, token: str | None = None) -> Any:
    body = {"Id": scenario.ids["id"], "IndexId": scenario.ids["index_id"]}
    if token is not None:
        body["NextToken"] = token
    reply = requests.post(url + "/", data=json.dumps(body), headers=KENDRA_HEADERS, timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "application/x-amz-json-1.1"
    return reply.json()


def test_kendra_life_advances_per_first_page_and_not_per_next_page() -> None:
    """Each listing's first page is one poll; following NextToken shows the same moment."""
    play = scenarios.Play(scenarios.scenario("kendra-page-two"))
    seen = []
    with emulator.start(play) as server:
        for _ in range(7):
            first = _kendra(server.url, play.scenario)
            assert all(
                j["ExecutionId"] != play.scenario.ids["execution_id"] for j in first["History"]
            )
            second = _kendra(server.url, play.scenario, first["NextToken"])
            [job] = second["History"]
            assert "NextToken" not in second
            seen.append(job["Status"])
    assert (
        seen == ["SYNCING", "SYNCING", "SYNCING_INDEXING", "SYNCING_INDEXING"] + ["SUCCEEDED"] * 3
    )
    assert isinstance(job["StartTime"], float)
    assert job["EndTime"] > job["StartTime"]
    assert (play.polls, play.requests, play.terminal_at) == (7, 14, 9)


def test_failed_job_has_error_code_and_message_only_when_the_scenario_says() -> None:
    """kendra-failed carries ErrorMessage; kendra-failed-no-message carries ErrorCode alone."""
    with_message = scenarios.scenario("kendra-failed").steps[-1].pages[None].history[0]
    without = scenarios.scenario("kendra-failed-no-message").steps[-1].pages[None].history[0]
    assert with_message["ErrorCode"] == without["ErrorCode"] == "InternalError"
    assert with_message["ErrorMessage"]
    assert "ErrorMessage" not in without


def test_graph_job_and_list_over_http() -> None:
    """GET of the job walks its life; the list's first page holds another job and an
    @odata.nextLink to the page with the job, which shows the same moment (not a poll)."""
    play = scenarios.Play(scenarios.scenario("graph-quarantine"))
    ids = play.scenario.ids
    with emulator.start(play) as server:
        sp = ids["service_principal_id"]
        base = f"{server.url}/beta/servicePrincipals/{sp}/synchronization/jobs"
        codes = [
            requests.get(f"{base}/{ids['job_id']}", timeout=10).json()["status"]["code"]
            for _ in range(3)
        ]
        first = requests.get(base, timeout=10)
        second = requests.get(first.json()["@odata.nextLink"], timeout=10).json()
        bad = requests.get(base, params={"$skiptoken": "x"}, timeout=10)
    assert codes == ["NotRun", "Quarantine", "Quarantine"]
    assert first.headers["Content-Type"].startswith("application/json")
    [other] = first.json()["value"]
    assert other["id"] != ids["job_id"]
    assert first.json()["@odata.nextLink"].startswith(base + "?$skiptoken=")
    [job] = second["value"]
    assert (job["id"], job["status"]["code"]) == (ids["job_id"], "Active")
    assert "@odata.nextLink" not in second
    assert play.polls == 4
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "Request_BadRequest"


def test_requests_that_do_not_fit_get_the_service_error_envelope() -> None:
    """A wrong target, a bad token, a foreign id, a bad MaxResults: AWS JSON errors, 4xx."""
    play = scenarios.Play(scenarios.scenario("kendra-success"))
    ids = play.scenario.ids
    good = {"Id": ids["id"], "IndexId": ids["index_id"]}
    cases = [
        (
            {**KENDRA_HEADERS, "X-Amz-Target": "AWSKendraFrontendService.Query"},
            good,
            "UnknownOperationException",
        ),
        (KENDRA_HEADERS, {**good, "NextToken": "nope"}, "ValidationException"),
        (KENDRA_HEADERS, {**good, "Id": "other"}, "ResourceNotFoundException"),
        (KENDRA_HEADERS, {**good, "MaxResults": 11}, "ValidationException"),
        (KENDRA_HEADERS, {"IndexId": ids["index_id"]}, "ValidationException"),
    ]
    with emulator.start(play) as server:
        for headers, body, kind in cases:
            reply = requests.post(server.url + "/", json=body, headers=headers, timeout=10)
            assert reply.status_code == 400
            assert reply.json()["__type"] == kind
        graph = requests.get(
            server.url + "/beta/servicePrincipals/x/synchronization/jobs", timeout=10
        )
    assert graph.status_code == 404
    assert graph.json()["__type"] == "UnknownOperationException"
    assert play.polls == 0  # no refused request moved the job on


_REQUESTS = st.builds(
    Request,
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]),
    path=st.one_of(
        st.just("/"),
        st.just("/beta/servicePrincipals/x/synchronization/jobs"),
        st.builds(
            lambda sp, tail: f"/beta/servicePrincipals/{sp}/synchronization/jobs{tail}",
            st.sampled_from([scenarios.scenario("graph-quarantine").ids["service_principal_id"]]),
            st.sampled_from(["", "/", "/x"]),
        ),
        st.text(max_size=40).map(lambda t: "/" + t),
    ),
    query=st.dictionaries(
        st.sampled_from(["$skiptoken", "$select", ""]), st.lists(st.text(max_size=6), max_size=2)
    ),
    headers=st.dictionaries(
        st.sampled_from(["x-amz-target", "content-type", "authorization", "host"]),
        st.one_of(st.just(scenarios.KENDRA_TARGET), st.text(max_size=20)),
        max_size=3,
    ),
    body=st.one_of(
        st.binary(max_size=64),
        st.dictionaries(
            st.sampled_from(["Id", "IndexId", "MaxResults", "NextToken"]),
            st.one_of(
                st.none(), st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=2)
            ),
        ).map(lambda d: json.dumps(d).encode()),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(scenarios.NAMES), request=_REQUESTS)
def test_any_request_gets_a_json_answer_and_never_a_500(name: str, request: Request) -> None:
    """Whatever comes in, the app answers 200 or 4xx with a JSON body of the service's kind."""
    reply = scenarios.app(name)(request)
    assert 200 <= reply.status < 500
    document = json.loads(reply.body)
    if reply.status >= 400:
        assert ("__type" in document) if name.startswith("kendra") else ("error" in document)


def test_an_unknown_name_is_an_input_error_with_close_names() -> None:
    """A misspelt scenario is refused with the close names (serve and check-poller exit 2)."""
    with pytest.raises(conformance.InputError, match="Did you mean graph-quarantine"):
        scenarios.app("graph-quarantin")
