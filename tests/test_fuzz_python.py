"""``conformance.fuzz`` drives a Python client in process: crashes grouped and shrunk, clean
rejections counted, the document given as a value, as bytes or as an HTTP response."""

from __future__ import annotations

import json
from typing import Any

import pytest

import conformance
from conformance import fuzz_python, fuzzing

NAME = "graph.synchronizationJob"


def fragile(job: Any) -> str:
    """Trusts every property: KeyError when one is missing, TypeError when null or mistyped."""
    began: str = job["status"]["lastExecution"]["timeBegan"]
    return began[:4]


def robust(job: Any) -> str:
    """Checks what it reads and rejects anything else with ValueError."""
    if not isinstance(job, dict):
        raise ValueError("not an object")
    status = job.get("status")
    execution = status.get("lastExecution") if isinstance(status, dict) else None
    began = execution.get("timeBegan") if isinstance(execution, dict) else None
    if began is not None and not isinstance(began, str):
        raise ValueError("timeBegan is not a string")
    return began[:4] if began else "never ran"


class ParseError(Exception):
    """The fake SDK's documented error."""


def sdk_parse(status: int, headers: dict[str, str], body: bytes) -> str:
    """A fake SDK response parser: documented ParseError for bad JSON, yet it trusts the shape."""
    if status != 200 or not headers["Content-Type"].startswith("application/json"):
        raise ParseError(f"unexpected response {status}")
    try:
        job = json.loads(body)
    except ValueError as error:
        raise ParseError(str(error)) from error
    return str(job["id"])


def test_a_fragile_client_crashes_in_distinct_small_groups() -> None:
    """KeyError and TypeError raised at the same line are two groups, each shrunk small."""
    report = conformance.fuzz(fragile, NAME, mode="drifted", max_examples=60, seed=1)
    assert not report.ok
    names = {crash.exception for crash in report.crashes}
    assert {"KeyError", "TypeError"} <= names, report.text()
    assert len({crash.key for crash in report.crashes}) == len(report.crashes) >= 2
    for crash in report.crashes:
        line = fragile.__code__.co_firstlineno + 2  # the client's own frame, not Hypothesis's
        assert crash.frame == f"{__file__}:fragile:{line}", crash.frame
        assert crash.count >= 1
        assert len(crash.reproducer) <= 64, crash.reproducer
        with pytest.raises((KeyError, TypeError)) as raised:  # the minimal document crashes
            fragile(crash.document)
        assert type(raised.value).__name__ == crash.exception
    assert report.examples == report.accepted + report.rejected + sum(
        c.count for c in report.crashes
    )
    text = report.text()
    assert "KeyError at" in text
    assert "minimal:" in text


def test_a_robust_client_only_rejects_cleanly() -> None:
    report = conformance.fuzz(robust, NAME, max_examples=60, seed=2)
    assert report.ok, report.text()
    assert report.crashes == ()
    assert report.rejected > 0
    assert report.rejections[0][0] == "ValueError"


def test_an_sdk_parser_is_driven_with_http_responses() -> None:
    """As a response: ParseError is documented (a rejection), a KeyError on ``id`` is a crash."""
    report = fuzz_python.fuzz(
        lambda response: sdk_parse(*response),
        NAME,
        mode="hostile",
        as_="response",
        rejects=ParseError,
        max_examples=60,
        seed=3,
    )
    assert {crash.exception for crash in report.crashes} >= {"KeyError"}, report.text()
    assert all(":sdk_parse:" in crash.frame for crash in report.crashes)
    response = fuzz_python.Response(200, {"Content-Type": "application/json"}, b'{"id":"1"}')
    assert response.json() == {"id": "1"}
    assert tuple(response) == (200, {"Content-Type": "application/json"}, b'{"id":"1"}')


def test_bytes_are_compact_utf8_json() -> None:
    seen: list[bytes] = []

    def client(data: bytes) -> None:
        seen.append(data)
        json.loads(data)  # every document is JSON

    report = conformance.fuzz(client, NAME, as_="bytes", max_examples=20, seed=4)
    assert report.ok
    assert report.accepted == report.examples == len(seen) > 0
    assert all(data == fuzzing.encode(json.loads(data)) for data in seen)  # compact UTF-8
    assert any(data.startswith(b"{") for data in seen)


def test_the_same_seed_gives_the_same_report() -> None:
    first = conformance.fuzz(fragile, NAME, max_examples=30, seed=7)
    second = conformance.fuzz(fragile, NAME, max_examples=30, seed=7)
    assert first == second
    assert first.text() == second.text()
