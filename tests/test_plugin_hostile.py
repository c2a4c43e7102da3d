"""Hostile recordings as fixture files (``--conformance-fixtures``): one clear item each.

A bad HAR entry or cassette interaction is one failing item, named by its place, with the
finding as its whole failure text (no traceback of the plugin or the readers); the entries after
it are items too; a file with nothing to validate is an item that says so, never nothing; and a
YAML alias bomb costs collection what it costs the CLI: a finding, read in a moment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ("pytester",)

JOB = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
BAD_JOB = {**JOB, "Status": "FAILED", "ErrorMessage": "disk\tfull"}


def entry(body: object) -> dict[str, object]:
    """A HAR entry whose response carries ``body`` as JSON."""
    return {
        "request": {"method": "GET", "url": "https://example.test/jobs", "headers": []},
        "response": {
            "status": 200,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json.dumps(body)},
        },
    }


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def har(*entries: object) -> str:
    return json.dumps({"log": {"version": "1.2", "entries": list(entries)}})


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    result = pytester.runpytest("--conformance-fixtures", "fixtures", *args)
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "recordings.py" not in out
    assert "collect.py" not in out
    return result


def test_a_bad_har_entry_is_one_item_and_hides_nothing_after_it(pytester: pytest.Pytester) -> None:
    wrong = entry(JOB)
    wrong["request"] = ["GET"]
    status = entry(JOB)
    status["response"]["status"] = {"code": 200}  # type: ignore[index]
    fixtures = pytester.path / "fixtures"
    write(fixtures, "traffic.har", har(wrong, 7, status, entry(JOB), entry(BAD_JOB)))
    collected = run(pytester, "--collect-only", "-q")
    collected.stdout.fnmatch_lines(
        [f"fixtures/traffic.har::traffic.har entry {n}" for n in range(1, 6)], consecutive=True
    )
    result = run(pytester, "-rf")
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines(
        [
            "*_ document fixtures/traffic.har entry 1 _*",
            "conformance: 1 unreadable in fixtures/traffic.har entry 1",
            "",
            "fixtures/traffic.har entry 1",
            "  unreadable  /request: 'request' is an array, expected an object",
        ]
    )
    result.stdout.fnmatch_lines(["  unreadable  (document): HAR entry is an integer, expected *"])
    result.stdout.fnmatch_lines(
        ["  unreadable  /response/status: 'status' is an object, expected an integer HTTP status"]
    )
    result.stdout.fnmatch_lines(["  violation  /ErrorMessage: *"])


def test_a_duplicate_key_fails_the_entry_it_is_in(pytester: pytest.Pytester) -> None:
    """The conforming ``text`` comes last: a reader that keeps the last one would pass."""
    bad, good = json.dumps(json.dumps(BAD_JOB)), json.dumps(json.dumps(JOB))
    duplicated = f'{{"response": {{"content": {{"text": {bad}, "text": {good}}}}}}}'
    text = f'{{"log": {{"entries": [{duplicated}, {json.dumps(entry(JOB))}]}}}}'
    write(pytester.path / "fixtures", "dup.har", text)
    cassette = (
        "interactions:\n- response:\n    body: {string: '{}'}\n    body: {string: '[]'}\n"
        f"- response: {{body: {{string: '{json.dumps(JOB)}'}}}}\n"
    )
    write(pytester.path / "fixtures", "dup.yaml", cassette)
    result = run(pytester)
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        ["  unreadable  /response/content/text: duplicate key 'text': readers disagree *"]
    )
    result.stdout.fnmatch_lines(
        ["  unreadable  /response/body: duplicate key 'body': readers disagree *"]
    )


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("empty.har", har(), "  unreadable  /log/entries: HAR file has no entries: *"),
        (
            "no-log.har",
            '{"version": "1.2"}',
            "  unreadable  (document): not a HAR file: no 'log' *",
        ),
        ("array.har", "[]", "  unreadable  (document): not a HAR file: the JSON is an array, *"),
        ("entries.har", '{"log": {"entries": {}}}', "  unreadable  /log/entries: 'entries' is *"),
        ("empty.yaml", "interactions: []\n", "  unreadable  /interactions: cassette has no *"),
    ],
)
def test_a_file_with_nothing_to_validate_is_a_failing_item_that_says_so(
    pytester: pytest.Pytester, name: str, text: str, line: str
) -> None:
    write(pytester.path / "fixtures", name, text)
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"conformance: 1 unreadable in fixtures/{name}", "", "*", line])


def test_a_bad_interaction_is_one_item_and_the_next_is_checked(
    pytester: pytest.Pytester,
) -> None:
    cassette = (
        "interactions:\n"
        "- request: [GET]\n  response: {body: {string: '{}'}}\n"
        "- response: !!python/object/apply:os.system [echo]\n"
        f"- response: {{body: {{string: '{json.dumps(JOB)}'}}}}\n"
    )
    write(pytester.path / "fixtures", "cassette.yaml", cassette)
    collected = run(pytester, "--collect-only", "-q")
    collected.stdout.fnmatch_lines(
        [f"fixtures/cassette.yaml::cassette.yaml interaction {n}" for n in range(1, 4)],
        consecutive=True,
    )
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["  unreadable  /request: 'request' is a list, expected a mapping"])
    result.stdout.fnmatch_lines(
        ["  unreadable  (document): interaction uses a YAML tag that would construct an object*"]
    )


def test_an_alias_bomb_costs_collection_no_more_than_the_cli(pytester: pytest.Pytester) -> None:
    """Under 1 KiB of nested aliases: the CLI's finding, in a child capped at 1 GiB and 60 s."""
    lines = ['a0: &a0 ["xxxxxxxx", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    request = "{method: GET, uri: 'https://example.test/', headers: {X-Bomb: *a8}}"
    lines.append(f"interactions:\n- request: {request}\n  response: {{body: {{string: '{{}}'}}}}")
    write(pytester.path / "fixtures", "bomb.yaml", "\n".join(lines) + "\n")
    pytester.makeconftest(
        "import resource\nresource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--conformance-fixtures", "fixtures", timeout=60
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["  unreadable  (document): cassette uses YAML anchors and aliases at line 1, column 5;*"]
    )
    assert "Traceback" not in result.stdout.str()
