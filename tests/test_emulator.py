"""The emulator answers as Graph and Kendra do: pages that validate (or not, by mode), paging
that reaches every job once, the services' errors, throttling, and the same bytes by seed.

Every test talks HTTP to a real server on 127.0.0.1: ``start(emulator_app(...))`` in this
process, or the ``conformance serve`` command as a subprocess.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import conformance
from conformance import cli
from conformance.emulator import (
    GRAPH_CONTENT_TYPE,
    KENDRA_CONTENT_TYPE,
    Request,
    Running,
    emulator_app,
    start,
)
from conformance.wire import KENDRA_TARGET

JOBS = "/beta/servicePrincipals/sp-1/synchronization/jobs"
INDEX = "0d1e2f3a-4b5c-4d6e-8f70-81928374a5b6"
TIMEOUT = 10


@pytest.fixture
def server() -> Iterator[Running]:
    """A valid-mode emulator of 23 jobs a service, 10 a page."""
    with start(emulator_app(seed=1, jobs=23)) as running:
        yield running


def _kendra(url: str, body: object, target: str | None = KENDRA_TARGET) -> requests.Response:
    headers = {"Content-Type": KENDRA_CONTENT_TYPE}
    if target is not None:
        headers["X-Amz-Target"] = target
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(url + "/", data=data, headers=headers, timeout=TIMEOUT)


def _check_crawl(pages: list[Any]) -> list[conformance.Result]:
    """Each page checked in order as one source, by a checker of its own: the rules over a
    series (an execution seen twice, overlapping runs, ...) span the pages and see nothing
    checked elsewhere."""
    checker = conformance.Checker(conformance.Options())
    return [checker.check(page, name="<crawl>") for page in pages]


def _graph_pages(url: str) -> Iterator[requests.Response]:
    """Every page of a Graph list, following ``@odata.nextLink``."""
    next_url: str | None = url
    for _ in range(200):
        if next_url is None:
            return
        reply = requests.get(next_url, timeout=TIMEOUT)
        assert reply.status_code == 200, reply.text
        yield reply
        next_url = reply.json().get("@odata.nextLink")
    raise AssertionError("nextLink never ended")


def _kendra_pages(url: str, **request: Any) -> Iterator[requests.Response]:
    """Every page of ListDataSourceSyncJobs, following ``NextToken``."""
    body: dict[str, Any] = {"Id": "ds-1", "IndexId": INDEX, **request}
    for _ in range(200):
        reply = _kendra(url, body)
        assert reply.status_code == 200, reply.text
        yield reply
        token = reply.json().get("NextToken")
        if token is None:
            return
        body["NextToken"] = token
    raise AssertionError("NextToken never ended")


def test_graph_pages_validate_and_reach_every_job_once(server: Running) -> None:
    """Following nextLink with $top=5 gives pages of 5 that validate, every job once, and each
    job's own URL serves the same job."""
    pages = list(_graph_pages(server.url + JOBS + "?$top=5"))
    assert [len(p.json()["value"]) for p in pages] == [5, 5, 5, 5, 3]
    for page, result in zip(pages, _check_crawl([p.json() for p in pages]), strict=True):
        assert page.headers["Content-Type"] == GRAPH_CONTENT_TYPE
        assert result.schema == "graph.synchronizationJobCollection"
        assert result.findings == ()
    jobs = [job for page in pages for job in page.json()["value"]]
    ids = [job["id"] for job in jobs]
    assert len(set(ids)) == 23
    for job in jobs[::7]:
        reply = requests.get(f"{server.url}{JOBS}/{job['id']}", timeout=TIMEOUT)
        assert reply.status_code == 200
        entity = reply.json()
        assert entity.pop("@odata.context").endswith("/synchronization/jobs/$entity")
        assert entity == job
        (result,) = _check_crawl([reply.json()])
        assert result.schema == "graph.synchronizationJob"
        assert result.findings == ()


def test_graph_pages_without_top_use_the_page_size_and_v1_0_works(server: Running) -> None:
    """With no $top a page holds the default 10; /v1.0/ serves the same jobs, linking to
    /v1.0/."""
    beta = [p.json() for p in _graph_pages(server.url + JOBS)]
    v1 = [p.json() for p in _graph_pages(server.url + JOBS.replace("/beta/", "/v1.0/"))]
    assert [len(p["value"]) for p in beta] == [10, 10, 3]
    assert [p["value"] for p in v1] == [p["value"] for p in beta]
    assert "/v1.0/" in v1[0]["@odata.nextLink"]
    assert "/v1.0/" in v1[0]["@odata.context"]
    assert v1[0]["@odata.nextLink"].startswith(server.url + "/v1.0/")


def test_next_link_is_built_from_the_host_header(server: Running) -> None:
    """nextLink names the host the client asked for; a malformed Host is a 400, and HEAD
    answers the headers of GET without a body."""
    reply = requests.get(server.url + JOBS, headers={"Host": "graph.test:8443"}, timeout=TIMEOUT)
    assert reply.json()["@odata.nextLink"].startswith("http://graph.test:8443/beta/")
    reply = requests.get(server.url + JOBS, headers={"Host": "a b/c"}, timeout=TIMEOUT)
    assert _graph_error(reply, 400) == "BadRequest"
    head = requests.head(server.url + JOBS, timeout=TIMEOUT)
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["Content-Length"]) == len(
        requests.get(server.url + JOBS, timeout=TIMEOUT).content
    )


def test_kendra_pages_validate_and_reach_every_job_once(server: Running) -> None:
    """Following NextToken with MaxResults=4 gives pages of 4 that validate and every job once."""
    pages = list(_kendra_pages(server.url, MaxResults=4))
    assert [len(p.json()["History"]) for p in pages] == [4, 4, 4, 4, 4, 3]
    for page, result in zip(pages, _check_crawl([p.json() for p in pages]), strict=True):
        assert page.headers["Content-Type"] == KENDRA_CONTENT_TYPE
        assert result.schema == "kendra.ListDataSourceSyncJobsResponse"
        assert result.findings == ()
    history = [job for page in pages for job in page.json()["History"]]
    ids = [job["ExecutionId"] for job in history]
    assert len(ids) == len(set(ids)) == 23
    # One data source's history, newest first: each run ended before the next one started.
    runs = [job for job in history if "StartTime" in job]
    for newer, older in itertools.pairwise(runs):
        assert older.get("EndTime", older["StartTime"]) <= newer["StartTime"]


def test_kendra_filters_by_status_and_start_time(server: Running) -> None:
    """StatusFilter keeps jobs of that status; StartTimeFilter keeps jobs started in range."""
    everything = [j for p in _kendra_pages(server.url, MaxResults=10) for j in p.json()["History"]]
    status = everything[0]["Status"]
    kept = [
        j
        for p in _kendra_pages(server.url, MaxResults=10, StatusFilter=status)
        for j in p.json()["History"]
    ]
    assert kept == [j for j in everything if j.get("Status") == status]
    starts = sorted(j["StartTime"] for j in everything if "StartTime" in j)
    low, high = starts[2], starts[-3]
    window = {"StartTime": low, "EndTime": high}
    kept = [
        j for p in _kendra_pages(server.url, StartTimeFilter=window) for j in p.json()["History"]
    ]
    assert kept == [j for j in everything if low <= j.get("StartTime", -1) <= high]


def test_boto3_lists_and_pages_through_the_emulator(server: Running) -> None:
    """botocore's own client, pointed at the emulator with fake credentials, calls
    list_data_source_sync_jobs and pages through every job with NextToken."""
    import boto3

    client = boto3.client(
        "kendra",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
    )
    request: dict[str, Any] = {"Id": "ds-1", "IndexId": INDEX, "MaxResults": 5}
    seen: list[str] = []
    for _ in range(20):
        page = client.list_data_source_sync_jobs(**request)
        seen += [job["ExecutionId"] for job in page["History"]]
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    assert len(seen) == len(set(seen)) == 23
    with pytest.raises(client.exceptions.ValidationException):
        client.list_data_source_sync_jobs(Id="ds-1", IndexId=INDEX, NextToken="made-up")


def _graph_error(reply: requests.Response, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.headers["Content-Type"] == "application/json"
    error = reply.json()["error"]
    assert isinstance(error["message"], str)
    assert error["message"]
    return str(error["code"])


def test_graph_refuses_bad_requests_with_its_error_envelope(server: Running) -> None:
    """Bad $top and $skiptoken are 400, an unknown job or path 404, a POST 405 with Allow."""
    for top in ("0", "1000", "abc", "", "-1", "1.5"):
        reply = requests.get(f"{server.url}{JOBS}?$top={top}", timeout=TIMEOUT)
        assert _graph_error(reply, 400) == "BadRequest", top
    reply = requests.get(f"{server.url}{JOBS}?$skiptoken=10.0123456789abcdef01234567", timeout=10)
    assert _graph_error(reply, 400) == "BadRequest"
    reply = requests.get(f"{server.url}{JOBS}/no-such-job", timeout=TIMEOUT)
    assert _graph_error(reply, 404) == "Request_ResourceNotFound"
    reply = requests.get(f"{server.url}/beta/users", timeout=TIMEOUT)
    assert _graph_error(reply, 404) == "NotFound"
    reply = requests.post(server.url + JOBS, json={}, timeout=TIMEOUT)
    assert _graph_error(reply, 405) == "MethodNotAllowed"
    assert reply.headers["Allow"] == "GET, HEAD"


def test_a_token_of_another_seed_is_refused(server: Running) -> None:
    """Page tokens are the emulator's own: one minted by a run of another seed is a 400."""
    with start(emulator_app(seed=2, jobs=23)) as other:
        link = requests.get(other.url + JOBS, timeout=TIMEOUT).json()["@odata.nextLink"]
        token = _kendra(other.url, {"Id": "d", "IndexId": INDEX}).json()["NextToken"]
    reply = requests.get(link.replace(other.url, server.url), timeout=TIMEOUT)
    assert _graph_error(reply, 400) == "BadRequest"
    reply = _kendra(server.url, {"Id": "d", "IndexId": INDEX, "NextToken": token})
    assert reply.status_code == 400
    assert reply.json()["__type"] == "ValidationException"


@pytest.mark.parametrize(
    ("body", "target", "kind"),
    [
        (b"not json", KENDRA_TARGET, "ValidationException"),
        ([1, 2], KENDRA_TARGET, "ValidationException"),
        ({"IndexId": INDEX}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": 7}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": "short"}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "", "IndexId": INDEX}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "-_-", "IndexId": INDEX}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": INDEX, "MaxResults": 11}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": INDEX, "MaxResults": 0}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": INDEX, "MaxResults": "5"}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": INDEX, "MaxResults": True}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": INDEX, "NextToken": "nope"}, KENDRA_TARGET, "ValidationException"),
        ({"Id": "d", "IndexId": INDEX, "NextToken": 3}, KENDRA_TARGET, "ValidationException"),
        (
            {"Id": "d", "IndexId": INDEX, "StatusFilter": "DONE"},
            KENDRA_TARGET,
            "ValidationException",
        ),
        ({"Id": "d", "IndexId": INDEX, "StartTimeFilter": 5}, KENDRA_TARGET, "ValidationException"),
        (
            {"Id": "d", "IndexId": INDEX},
            "AWSKendraFrontendService.Query",
            "UnknownOperationException",
        ),
        ({"Id": "d", "IndexId": INDEX}, None, "UnknownOperationException"),
    ],
)
def test_kendra_refuses_bad_requests_as_aws_does(
    server: Running, body: object, target: str | None, kind: str
) -> None:
    """Each malformed request is a 400 with AWS JSON 1.1's ``__type`` and ``message``."""
    reply = _kendra(server.url, body, target)
    assert reply.status_code == 400, reply.text
    assert reply.headers["Content-Type"] == KENDRA_CONTENT_TYPE
    error = reply.json()
    assert error["__type"] == kind
    assert error["message"]


def test_every_nth_request_is_throttled_with_retry_after() -> None:
    """throttle_every=3: the 3rd and 6th requests get 429, Retry-After and each service's own
    throttling envelope; the count spans both services."""
    with start(emulator_app(seed=1, throttle_every=3, retry_after=7)) as running:
        replies = [
            requests.get(running.url + JOBS, timeout=TIMEOUT),
            _kendra(running.url, {"Id": "d", "IndexId": INDEX}),
            requests.get(running.url + JOBS, timeout=TIMEOUT),
            _kendra(running.url, {"Id": "d", "IndexId": INDEX}),
            requests.get(running.url + JOBS, timeout=TIMEOUT),
            _kendra(running.url, {"Id": "d", "IndexId": INDEX}),
        ]
    assert [r.status_code for r in replies] == [200, 200, 429, 200, 200, 429]
    assert replies[2].headers["Retry-After"] == "7"
    assert replies[2].json()["error"]["code"] == "TooManyRequests"
    assert replies[5].headers["Retry-After"] == "7"
    assert replies[5].json()["__type"] == "ThrottlingException"
    assert "Retry-After" not in replies[0].headers


def test_the_throttle_counts_concurrent_requests_exactly() -> None:
    """40 requests from 8 threads at throttle_every=4: exactly 10 are throttled."""
    with start(emulator_app(seed=1, throttle_every=4)) as running, ThreadPoolExecutor(8) as pool:
        codes = list(
            pool.map(
                lambda _: requests.get(running.url + JOBS, timeout=TIMEOUT).status_code,
                range(40),
            )
        )
    assert codes.count(429) == 10
    assert codes.count(200) == 30


def _crawl(url: str) -> list[bytes]:
    graph = [p.content for p in _graph_pages(url + JOBS + "?$top=7")]
    return graph + [p.content for p in _kendra_pages(url, MaxResults=7)]


def test_the_same_seed_serves_the_same_bytes_after_a_restart() -> None:
    """Two servers of one seed, one after the other, serve byte-identical pages (the second a
    ``conformance serve`` process with another hash seed); another seed serves other pages."""
    with start(emulator_app(mode="drifted", seed=5, jobs=20)) as running:
        first = _crawl(running.url)
    process, url, _ = _serve(
        "--mode", "drifted", "--seed", "5", "--jobs", "20", env={"PYTHONHASHSEED": "123"}
    )
    try:
        again = _crawl(url)
    finally:
        process.terminate()
        process.communicate(timeout=TIMEOUT)
    with start(emulator_app(mode="drifted", seed=6, jobs=20)) as running:
        other = _crawl(running.url)

    def bodies(pages: list[bytes]) -> list[bytes]:
        # The nextLinks name each server's port; the rest must be the same bytes.
        return [p.split(b'"@odata.nextLink"')[0] for p in pages]

    assert bodies(first) == bodies(again)
    assert len(first) == 6
    assert bodies(first) != bodies(other)


def test_drifted_pages_carry_drift_but_conform() -> None:
    """Drifted mode: pages conform (drift is not a violation), and drift findings appear."""
    with start(emulator_app(mode="drifted", seed=3, jobs=30)) as running:
        pages = [p.json() for p in _graph_pages(running.url + JOBS)]
        pages += [p.json() for p in _kendra_pages(running.url, MaxResults=10)]
    results = _check_crawl(pages)
    assert all(r.conforms for r in results), [r.findings for r in results if not r.conforms]
    assert any(f.is_drift for r in results for f in r.findings)


def test_hostile_pages_are_json_envelopes_that_page_but_carry_violations() -> None:
    """Hostile mode: every page is JSON, paging still reaches every job once, and the checker
    reports violations on every page (exit 1 territory, never unreadable)."""
    with start(emulator_app(mode="hostile", seed=4, jobs=30)) as running:
        graph = [p.json() for p in _graph_pages(running.url + JOBS)]
        kendra = [p.json() for p in _kendra_pages(running.url, MaxResults=10)]
    assert sum(len(p["value"]) for p in graph) == 30
    assert sum(len(p["History"]) for p in kendra) == 30
    for page, result in zip(graph + kendra, _check_crawl(graph + kendra), strict=True):
        assert result.schema in (
            "graph.synchronizationJobCollection",
            "kendra.ListDataSourceSyncJobsResponse",
        )
        assert any(f.kind == "violation" for f in result.findings), page


def test_no_jobs_is_one_empty_page_for_each_service() -> None:
    """jobs=0: an empty value and an empty History, with no link or token to a next page."""
    with start(emulator_app(jobs=0)) as running:
        graph = requests.get(running.url + JOBS, timeout=TIMEOUT).json()
        kendra = _kendra(running.url, {"Id": "d", "IndexId": INDEX}).json()
    assert graph["value"] == []
    assert "@odata.nextLink" not in graph
    assert kendra == {"History": []}


def test_the_settings_are_checked() -> None:
    """An unknown mode, a page size of 0 or more jobs than the cap are refused when the app is
    made."""
    with pytest.raises(ValueError, match="unknown mode"):
        emulator_app(mode="hostile-bytes")
    with pytest.raises(ValueError, match="page_size"):
        emulator_app(page_size=0)
    with pytest.raises(ValueError, match="jobs"):
        emulator_app(jobs=10_001)


_METHODS = st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "get"])
_PATHS = st.one_of(
    st.sampled_from(["/", JOBS, JOBS + "/x", "/v1.0/servicePrincipals/a/synchronization/jobs/"]),
    st.builds(
        "/{}/servicePrincipals/{}/synchronization/jobs{}".format,
        st.sampled_from(["beta", "v1.0", "v2"]),
        st.text(max_size=12),
        st.sampled_from(["", "/", "/a", "/a/b"]),
    ),
    st.text(max_size=40).map(lambda s: "/" + s),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = st.sampled_from(
    ["Id", "IndexId", "MaxResults", "NextToken", "StatusFilter", "StartTimeFilter", "x"]
)
_BODIES = st.one_of(
    st.binary(max_size=64),
    _JSON.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(_FIELDS, _JSON, max_size=6).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"Id": st.just("d"), "IndexId": st.just(INDEX)},
        optional={"MaxResults": _JSON, "NextToken": _JSON, "StatusFilter": _JSON},
    ).map(lambda v: json.dumps(v).encode()),
)
_HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "x-amz-target": st.sampled_from([KENDRA_TARGET, "", "X.Y"]) | st.text(max_size=20),
        "host": st.sampled_from(["127.0.0.1:1", "", "a b", "[::1]:80"]) | st.text(max_size=20),
        "content-type": st.text(max_size=20),
    },
)
_QUERIES = st.dictionaries(
    st.sampled_from(["$top", "$skiptoken", "$filter", "x"]),
    st.lists(
        st.sampled_from(["1", "999", "1000", "0", "", "10.x"]) | st.text(max_size=10), max_size=3
    ),
    max_size=3,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(method=_METHODS, path=_PATHS, query=_QUERIES, headers=_HEADERS, body=_BODIES)
def test_no_request_gets_a_5xx_or_a_body_that_is_not_json(
    method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
) -> None:
    """Whatever the method, path, query, headers and body, the answer is a 2xx or 4xx with a
    JSON body and a content type, in every mode, throttled or not."""
    for app in _APPS:
        reply = app(Request(method, path, query, headers, body))
        assert 200 <= reply.status < 500, (reply.status, reply.body)
        assert dict(reply.headers)["Content-Type"]
        json.loads(reply.body)


_APPS = [
    emulator_app(mode="valid", seed=0, jobs=12, page_size=5),
    emulator_app(mode="hostile", seed=1, jobs=12, page_size=5, throttle_every=5),
]


def _serve(
    *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str, str]:
    """The command started with ``--port 0``, its URL (from the first line) and its banner."""
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("serving on http://127.0.0.1:"), first
    banner = [first]
    while banner[-1] and not banner[-1].startswith("Ctrl-C"):
        banner.append(process.stdout.readline())
    return process, first.split()[-1], "".join(banner)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_the_serve_command_serves_until_signalled_and_exits_0(stop: signal.Signals) -> None:
    """``conformance serve --port 0`` prints its URL first, serves pages that validate (Graph and
    Kendra), and exits 0 on SIGTERM or SIGINT."""
    process, url, banner = _serve("--seed", "9", "--jobs", "12", "--page-size", "5")
    try:
        graph = [p.json() for p in _graph_pages(url + JOBS)]
        kendra = [p.json() for p in _kendra_pages(url)]
        assert [len(p["value"]) for p in graph] == [5, 5, 2]
        assert [len(p["History"]) for p in kendra] == [5, 5, 2]
        assert all(r.findings == () for r in _check_crawl(graph))
        assert all(r.findings == () for r in _check_crawl(kendra))
    finally:
        process.send_signal(stop)
        _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    assert "X-Amz-Target: " + KENDRA_TARGET in banner
    assert f"conformance validate --url {url}{JOBS}" in banner


def test_the_serve_command_serves_the_mode_and_throttling_asked_for() -> None:
    """--mode hostile serves violations; --throttle-every 2 --retry-after 3 throttles."""
    process, url, _ = _serve("--mode", "hostile", "--throttle-every", "2", "--retry-after", "3")
    try:
        first = requests.get(url + JOBS, timeout=TIMEOUT)
        second = requests.get(url + JOBS, timeout=TIMEOUT)
    finally:
        process.terminate()
        process.communicate(timeout=TIMEOUT)
    assert not _check_crawl([first.json()])[0].conforms
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "3"
    assert process.returncode == 0


def test_a_port_in_use_is_a_clear_error_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A port another socket listens on: exit 2 and an error that says what to do."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["serve", "--port", str(port)], out=io.StringIO())
    assert code == 2
    err = capsys.readouterr().err
    assert f"cannot serve on 127.0.0.1:{port}" in err
    assert "--port" in err
    assert "Traceback" not in err


_TOKENS = st.sampled_from(["GET", "POST", "HEAD", "OPTIONS", "BREW", "get", "", "G\x00T"])
_TARGETS = st.sampled_from([JOBS, "/", "*", "http://x/", "/%zz?$top=%ff", "/" + "a" * 70000])
_VERSIONS = st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9", "HTTP/1.1x", ""])
_LINES = st.lists(
    st.sampled_from(
        [
            "Content-Length: 5",
            "Content-Length: -1",
            "Content-Length: ²",
            "Content-Length: 99999999999",
            "Transfer-Encoding: chunked",
            "X-Amz-Target: " + KENDRA_TARGET,
            "Host: 127.0.0.1",
            "no colon",
            " folded",
        ]
    )
    | st.text(st.characters(blacklist_characters="\r\n"), max_size=30),
    max_size=5,
)


def _raw_request(method: str, target: str, version: str, lines: list[str], body: bytes) -> bytes:
    head = " ".join(part for part in (method, target, version) if part)
    text = "\r\n".join([head, *lines]) + "\r\n\r\n"
    return text.encode("utf-8", "surrogatepass") + body


@pytest.fixture(scope="module")
def raw_server() -> Iterator[Running]:
    """One emulator for the raw-bytes test: Hypothesis calls the test many times."""
    with start(emulator_app(seed=0, jobs=5)) as running:
        yield running


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    request=st.one_of(
        st.builds(_raw_request, _TOKENS, _TARGETS, _VERSIONS, _LINES, st.binary(max_size=20)),
        st.binary(max_size=200),
    )
)
def test_the_server_answers_any_bytes_with_a_4xx_or_less_never_a_5xx(
    raw_server: Running, request: bytes
) -> None:
    """Whatever bytes arrive (bad request lines, methods, versions, lengths, chunked bodies),
    the server answers below 500 with a JSON body, or closes without a word."""
    with socket.create_connection((raw_server.host, raw_server.port), timeout=TIMEOUT) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    if not data:
        return
    status_line, _, rest = data.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1."), data[:200]
    status = int(status_line.split()[1])
    assert status < 500, data[:300]
    head, _, body = rest.partition(b"\r\n\r\n")
    if body and b"HEAD" not in request.split(b" ", 1)[0]:
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        json.loads(body[:length])
