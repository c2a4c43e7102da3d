"""HAR files and cassettes written to crash, slow or fool the readers, through the CLI.

Each bad entry must be one ``unreadable`` finding at its place (entry number, and the pointer of
the bad field inside it) with a message that names types and sizes but never recorded bytes; the
entry after it must still be validated; a file with nothing to validate must fail the run; and
what cost gigabytes or minutes must cost neither. Big inputs are made on the fly.
"""

from __future__ import annotations

import base64
import copy
import gzip
import io
import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.cli import main
from conformance.findings import Finding
from conformance.sources import Body, Skipped, read_stream

JOB = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
BAD_JOB = {**JOB, "Status": "FAILED", "ErrorMessage": "disk\tfull"}
SECRET = "s3cr3t-recorded-value"


def entry(body: object = BAD_JOB, **content: Any) -> dict[str, Any]:
    """A HAR entry whose response carries ``body`` (JSON text unless a str is given)."""
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "request": {
            "method": "GET",
            "url": "https://example.test/jobs",
            "headers": [{"name": "Accept", "value": "application/json"}],
        },
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": text, **content},
        },
    }


def changed(pointer: str, value: Any) -> dict[str, Any]:
    """A good entry with the field at ``pointer`` set to ``value``."""
    result = entry(JOB)
    *parents, last = pointer.strip("/").split("/")
    target: Any = result
    for token in parents:
        target = target[int(token)] if isinstance(target, list) else target[token]
    target[int(last) if isinstance(target, list) else last] = value
    return result


def write_har(tmp_path: Path, *entries: object, name: str = "traffic.har") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": list(entries)}}))
    return path


def report(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, dict[str, Any]]:
    """The exit code and JSON report of ``conformance validate``; nothing on stderr."""
    code = main(["validate", "--format", "json", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


def text_report(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str]:
    code = main(["validate", "--color", "never", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def summary(data: dict[str, Any]) -> list[tuple[int | None, str, str, str]]:
    """Per result: entry number, status, and the first finding's pointer and message."""
    rows = []
    for result in data["results"]:
        first = result["findings"][0] if result["findings"] else {"pointer": "", "message": ""}
        rows.append(
            (result["location"]["entry"], result["status"], first["pointer"], first["message"])
        )
    return rows


def assert_next_entry_validated(row: tuple[int | None, str, str, str], number: int) -> None:
    """The entry after a bad one is read and judged: BAD_JOB's violation is found."""
    assert row[:3] == (number, "fail", "/ErrorMessage")


# --- 1. wrong JSON types in a HAR entry -----------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "value", "message"),
    [
        ("/response/content/text", 5, "'text' is an integer, expected a string"),
        ("/response/content/text", [1], "'text' is an array, expected a string"),
        ("/request", [], "'request' is an array, expected an object"),
        ("/request/headers/0", "Accept: x", "item 0 is a string, expected an object"),
        ("/request/headers", {"Accept": "x"}, "'headers' is an object, expected an array"),
        ("/request/headers/0/name", 7, "'name' is an integer, expected a string"),
        ("/request/headers/0/value", {"a": 1}, "'value' is an object, expected a string"),
        ("/request/url", 12, "'url' is an integer, expected a string"),
        ("/request/method", True, "'method' is a boolean, expected a string"),
        ("/response", "ok", "'response' is a string, expected an object"),
        ("/response/status", {"code": 200}, "'status' is an object, expected an integer"),
        ("/response/status", 200.5, "'status' is a decimal number, expected an integer"),
        ("/response/status", 10**30, "'status' is an integer outside 0-999"),
        ("/response/headers/0", "x", "item 0 is a string, expected an object"),
        ("/response/headers/0/value", 3, "'value' is an integer, expected a string"),
        ("/response/content", [], "'content' is an array, expected an object"),
        ("/response/content/encoding", 64, "'encoding' is an integer, expected a string"),
        ("/response/content/mimeType", {}, "'mimeType' is an object, expected a string"),
    ],
)
def test_a_field_of_the_wrong_type_is_that_entry_s_finding(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pointer: str,
    value: Any,
    message: str,
) -> None:
    path = write_har(tmp_path, changed(pointer, value), entry())
    code, data = report(capsys, path)
    rows = summary(data)
    assert len(rows) == 2
    assert rows[0][:3] == (1, "unreadable", pointer)
    assert message in rows[0][3]
    assert_next_entry_validated(rows[1], 2)
    assert code == 2


def test_a_content_encoding_that_is_a_number_is_named_not_crashed_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = entry(JOB)
    bad["response"]["headers"].append({"name": "Content-Encoding", "value": 1})
    code, out = text_report(capsys, write_har(tmp_path, bad, entry()))
    assert code == 2
    assert "/response/headers/1/value: 'value' is an integer, expected a string" in out
    assert "violation  /ErrorMessage" in out


def test_entries_of_every_json_type_are_each_one_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_har(tmp_path, 1, "entry", None, True, 2.5, [entry()], {}, entry())
    code, data = report(capsys, path)
    rows = summary(data)
    assert [(row[0], row[1]) for row in rows[:7]] == [(n, "unreadable") for n in range(1, 8)]
    assert [row[3] for row in rows[:7]] == [
        "HAR entry is an integer, expected an object",
        "HAR entry is a string, expected an object",
        "HAR entry is null, expected an object",
        "HAR entry is a boolean, expected an object",
        "HAR entry is a decimal number, expected an object",
        "HAR entry is an array, expected an object",
        "HAR entry has no response",
    ]
    assert_next_entry_validated(rows[7], 8)
    assert code == 2


def test_messages_never_quote_recorded_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wrong types, bad base64, a non-JSON body and malformed JSON are described, not quoted."""
    bad_json = json.dumps({"log": {"entries": [entry()]}})[:-3] + f'"{SECRET}" }}'
    (tmp_path / "cut.har").write_text(bad_json)
    write_har(
        tmp_path,
        changed("/request/headers", [SECRET]),
        changed("/response/status", SECRET),
        entry(f"{SECRET}!", encoding="base64"),
        changed("/response/content/mimeType", f"text/{SECRET}; x"),
        name="many.har",
    )
    _, out = text_report(capsys, tmp_path)
    assert out.count("unreadable ") >= 4
    assert SECRET not in out


# --- 2. shapes that held nothing to validate ------------------------------------------------------


@pytest.mark.parametrize(
    ("har", "pointer", "message"),
    [
        ({"version": "1.2"}, "", "not a HAR file: no 'log' object"),
        ({"log": "entries"}, "/log", "'log' is a string, expected an object"),
        ({"log": []}, "/log", "'log' is an array, expected an object"),
        ({"log": {"entries": {}}}, "/log/entries", "'entries' is an object, expected an array"),
        ({"log": {"version": "1.2"}}, "/log", "HAR 'log' has no 'entries' array"),
        ([entry()], "", "not a HAR file: the JSON is an array"),
        ({"log": {"entries": []}}, "/log/entries", "HAR file has no entries: nothing to validate"),
    ],
    ids=["no-log", "log-string", "log-array", "entries-object", "no-entries", "array", "empty"],
)
def test_a_har_with_nothing_to_validate_fails_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], har: object, pointer: str, message: str
) -> None:
    path = tmp_path / "shape.har"
    path.write_text(json.dumps(har))
    code, data = report(capsys, path)
    assert code == 2
    assert data["summary"]["counts"]["unreadable"] == 1
    [(number, status, at, text)] = summary(data)
    assert (number, status, at) == (None, "unreadable", pointer)
    assert message in text


# --- 3. duplicate keys in the container -----------------------------------------------------------


def test_a_duplicate_key_in_an_entry_is_not_resolved_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two ``text`` fields (the violating one first: a last-wins reader passes the entry), two
    ``response`` objects, two ``name``s in a header: each entry is unreadable, the next is read."""
    good, bad = json.dumps(json.dumps(JOB)), json.dumps(json.dumps(BAD_JOB))
    texts = f'{{"response": {{"status": 200, "content": {{"text": {bad}, "text": {good}}}}}}}'
    responses = '{"response": {"content": {"text": "{}"}}, "response": {}}'
    names = (
        '{"request": {"headers": [{"name": "Accept", "name": "X", "value": "y"}]},'
        f' "response": {{"content": {{"text": {good}}}}}}}'
    )
    path = tmp_path / "dup.har"
    path.write_text(
        f'{{"log": {{"entries": [{texts}, {responses}, {names}, {json.dumps(entry())}]}}}}'
    )
    code, data = report(capsys, path)
    rows = summary(data)
    assert [row[:3] for row in rows[:3]] == [
        (1, "unreadable", "/response/content/text"),
        (2, "unreadable", "/response"),
        (3, "unreadable", "/request/headers/0/name"),
    ]
    assert "duplicate key 'text'" in rows[0][3]
    assert "duplicate key 'response'" in rows[1][3]
    assert_next_entry_validated(rows[3], 4)
    assert code == 2


def test_two_entries_lists_are_both_read_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.har"
    first, second = json.dumps([entry(JOB)]), json.dumps([entry()])
    path.write_text(f'{{"log": {{"entries": {first}, "entries": {second}}}}}')
    code, data = report(capsys, path)
    rows = summary(data)
    assert rows[0][:2] == (1, "ok")
    assert rows[1] == (
        None,
        "unreadable",
        "/log/entries",
        "duplicate key 'entries': every list is read",
    )
    assert_next_entry_validated(rows[2], 2)
    assert code == 2


# --- 4. a BOM -------------------------------------------------------------------------------------


def test_a_har_that_starts_with_a_bom_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.har"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"log": {"entries": [entry()]}}).encode())
    code, data = report(capsys, path)
    [row] = summary(data)
    assert_next_entry_validated(row, 1)
    assert code == 1


# --- 5. gzip bodies of several members ------------------------------------------------------------


def test_every_gzip_member_of_a_body_is_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The violation is in the second member; a truncated stream and trailing bytes are refused."""
    page = json.dumps({"History": [JOB, BAD_JOB]})
    cut = page.index("},") + 1
    members = gzip.compress(page[:cut].encode()) + gzip.compress(page[cut:].encode())
    whole = gzip.compress(page.encode())
    bodies = [members, whole[:-12], whole + b"junk", members + b"\x00" * 8]
    entries = [
        entry(
            base64.b64encode(body).decode(),
            encoding="base64",
        )
        for body in bodies
    ]
    for one in entries:
        one["response"]["headers"].append({"name": "Content-Encoding", "value": "gzip"})
    code, data = report(capsys, write_har(tmp_path, *entries))
    rows = summary(data)
    assert rows[0][:3] == (1, "fail", "/History/1/ErrorMessage")
    assert rows[1][:2] == (2, "unreadable")
    assert "truncated" in rows[1][3]
    assert rows[2][:2] == (3, "unreadable")
    assert "4 byte(s) that are not another gzip member" in rows[2][3]
    assert rows[3][:3] == (4, "fail", "/History/1/ErrorMessage")  # zero padding, as gzip(1)
    assert code == 2


# --- 6. memory and time ---------------------------------------------------------------------------

_MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    limit = int(sys.argv[2]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from conformance.sources import read_inputs
    start = time.perf_counter()
    items = [
        (type(i).__name__, getattr(i, "message", ""), i.location.entry)
        for i in read_inputs([sys.argv[1]])
    ]
    seconds = time.perf_counter() - start
    # This process's own high-water mark: ru_maxrss would count the parent's size at fork.
    try:
        with open("/proc/self/status") as status:
            line = next(l for l in status if l.startswith("VmHWM:"))
        peak = int(line.split()[1]) // 1024
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(repr((items, seconds, peak)))
    """
)


def measure(path: Path, address_space_mib: int = 1024) -> tuple[list[Any], float, int]:
    """Read ``path`` in a child whose address space is capped: what came out, seconds, peak MiB.

    The cap turns a reader that would take gigabytes into a failure of this test instead of
    the machine's.
    """
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), str(address_space_mib)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    items, seconds, peak = eval(run.stdout)  # our own repr, from our own child
    return items, seconds, peak


def test_containers_nested_100000_deep_cost_no_memory(tmp_path: Path) -> None:
    """200 KB of brackets in one entry's text and in the log took 21.8 GB; now the entry is
    unreadable, the rest is read, and memory stays flat."""
    deep = "[" * 100_000 + "]" * 100_000
    good = json.dumps(entry())
    path = tmp_path / "deep.har"
    bad = f'{{"response": {{"content": {{"text": {deep}}}}}}}'
    path.write_text(f'{{"log": {{"pages": {deep}, "entries": [{bad}, {good}]}}}}')
    items, seconds, peak = measure(path, 1024)
    assert [(kind, entry) for kind, _, entry in items] == [
        ("Finding", None),
        ("Finding", 1),
        ("Body", 2),
    ]
    assert "nests deeper than 64 levels" in items[0][1]
    assert "nests deeper than 64 levels" in items[1][1]
    assert peak < 200
    assert seconds < 10


def test_a_64_mib_base64_body_is_read_in_linear_time(tmp_path: Path) -> None:
    """ijson fed 64 KiB at a time re-scanned the string a thousand times (11-13 s)."""
    payload = json.dumps({"History": [JOB] * 10, "pad": "x" * (48 * 2**20 - 600)})
    text = base64.b64encode(payload.encode()).decode()
    path = write_har(tmp_path, entry(text, encoding="base64"), entry())
    items, seconds, peak = measure(path, 2048)
    assert [(kind, entry) for kind, _, entry in items] == [("Body", 1), ("Body", 2)]
    assert seconds < 6
    assert peak < 6 * 64  # a small multiple of the body limit


def test_a_string_longer_than_twice_the_body_limit_stops_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_har(tmp_path, entry(), entry("x" * 3_000_000), entry())
    code, data = report(capsys, "--max-body-size", "1000000", path)
    rows = summary(data)
    assert_next_entry_validated(rows[0], 1)
    assert rows[1][:3] == (2, "unreadable", "/response/content/text")
    assert "longer than 2065536 bytes, twice the body limit" in rows[1][3]
    assert "the rest of the file is not read" in rows[1][3]
    assert len(rows) == 2
    assert code == 2


# --- Cassettes ------------------------------------------------------------------------------------

GOOD_INTERACTION = (
    "- request: {method: GET, uri: 'https://example.test/jobs', headers: {Accept: [text/json]}}\n"
    "  response:\n"
    "    status: {code: 200, message: OK}\n"
    "    headers: {Content-Type: [application/json]}\n"
    f"    body: {{string: '{json.dumps(BAD_JOB).replace(chr(9), chr(92) + 't')}'}}\n"
)
EMPTY = "body: {string: '{}'}"


def write_cassette(tmp_path: Path, *interactions: str) -> Path:
    path = tmp_path / "cassette.yaml"
    path.write_text("interactions:\n" + "".join(interactions) + GOOD_INTERACTION + "version: 1\n")
    return path


@pytest.mark.parametrize(
    ("interaction", "pointer", "message"),
    [
        (f"- request: [GET]\n  response: {{{EMPTY}}}\n", "/request", "is a list"),
        ("- response: [200]\n", "/response", "'response' is a list, expected a mapping"),
        ("- response: {body: [x]}\n", "/response/body", "'body' is a list"),
        ("- response: {body: {string: 5}}\n", "/response/body/string", "is an integer"),
        ("- response: {body: {string: !!binary /w==}}\n", "/response/body/string", "not UTF-8"),
        (
            f"- response: {{status: {{code: 2.5}}, {EMPTY}}}\n",
            "/response/status/code",
            "a decimal number",
        ),
        (f"- response: {{status: [200], {EMPTY}}}\n", "/response/status", "is a list"),
        (
            f"- response: {{headers: {{Content-Encoding: [1]}}, {EMPTY}}}\n",
            "/response/headers/Content-Encoding/0",
            "is an integer",
        ),
        (f"- response: {{headers: [gzip], {EMPTY}}}\n", "/response/headers", "is a list"),
        (
            f"- response: {{headers: {{7: [x]}}, {EMPTY}}}\n",
            "/response/headers",
            "a header name is an integer",
        ),
        (
            "- response: {body: {string: '{}', base64_string: e30=}}\n",
            "/response/body",
            "both 'string' and 'base64_string'",
        ),
        ("- [request, response]\n", "", "interaction is a list, expected a mapping"),
        (
            f"- response:\n    {EMPTY}\n    body: {{string: '[]'}}\n",
            "/response/body",
            "duplicate key 'body'",
        ),
        (
            "- response: !!python/object/apply:os.system [echo]\n",
            "",
            "interaction uses a YAML tag that would construct an object at line 2",
        ),
        (f"- response: {{<<: {{status: 200}}, {EMPTY}}}\n", "", "merge key"),
        (
            f"- response: {{{EMPTY}, x: {'[' * 80}{']' * 80}}}\n",
            "/response/x/" + "0/" * 59 + "0",
            "nests deeper than 64 levels",
        ),
    ],
)
def test_a_bad_interaction_is_its_own_finding(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    interaction: str,
    pointer: str,
    message: str,
) -> None:
    code, data = report(capsys, write_cassette(tmp_path, interaction))
    rows = summary(data)
    assert rows[0][:3] == (1, "unreadable", pointer)
    assert message in rows[0][3]
    assert_next_entry_validated(rows[1], 2)
    assert len(rows) == 2
    assert code == 2


def test_a_duplicate_key_in_a_json_cassette_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = json.dumps(json.dumps(BAD_JOB)), json.dumps(json.dumps(JOB))
    path = tmp_path / "cassette.json"
    path.write_text(
        f'{{"interactions": [{{"response": {{"body": {{"string": {bad}, "string": {good}}}}}}},'
        f' {{"response": {{"body": {{"string": {bad}}}}}}}]}}'
    )
    code, data = report(capsys, path)
    rows = summary(data)
    assert rows[0][:3] == (1, "unreadable", "/response/body/string")
    assert "duplicate key 'string'" in rows[0][3]
    assert_next_entry_validated(rows[1], 2)
    assert code == 2


@pytest.mark.parametrize(
    ("text", "pointer", "message"),
    [
        ("interactions: []\nversion: 1\n", "/interactions", "cassette has no interactions"),
        ('{"interactions": []}', "/interactions", "cassette has no interactions"),
        ("http_interactions: []\n", "/http_interactions", "cassette has no interactions"),
        ("interactions: {a: 1}\n", "/interactions", "'interactions' is a mapping, expected a list"),
        ("interactions:\n", "/interactions", "'interactions' is null, expected a list"),
        ("- 1\n", "", "not a cassette: the YAML is a list, expected a mapping"),
    ],
)
def test_a_cassette_with_nothing_to_validate_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, pointer: str, message: str
) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    code, data = report(capsys, path)
    [(number, status, at, said)] = summary(data)
    assert (number, status, at) == (None, "unreadable", pointer)
    assert message in said
    assert code == 2


def test_two_interactions_lists_are_both_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "two.yaml"
    path.write_text(f"interactions:\n{GOOD_INTERACTION}interactions:\n{GOOD_INTERACTION}")
    code, data = report(capsys, path)
    rows = summary(data)
    assert rows[0][:3] == (None, "unreadable", "/interactions")
    assert_next_entry_validated(rows[1], 1)
    assert_next_entry_validated(rows[2], 2)
    assert code == 2


def test_yaml_aliases_are_refused_before_anything_is_expanded(tmp_path: Path) -> None:
    """A kilobyte of nested aliases took 4 GB (and 30 s here); one alias is refused too."""
    lines = ['a0: &a0 ["xxxxxxxx", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    request = "{method: GET, uri: 'https://example.test/', headers: {X-Bomb: *a8}}"
    lines.append(f"interactions:\n- request: {request}\n  response: {{body: {{string: '{{}}'}}}}")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    assert bomb.stat().st_size < 1024
    items, seconds, peak = measure(bomb, 1024)
    [(kind, message, number)] = items
    assert (kind, number) == ("Finding", None)
    assert "cassette uses YAML anchors and aliases at line 1, column 5" in message
    assert peak < 100
    assert seconds < 5


def test_one_anchor_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "anchor.yaml"
    path.write_text(
        "interactions:\n- &one\n  response: {body: {string: '{}'}}\n- *one\n" + GOOD_INTERACTION
    )
    code, out = text_report(capsys, path)
    assert "cassette uses YAML anchors and aliases at line 2, column 3" in out
    assert code == 2


# --- 7. arbitrary JSON in the HAR and cassette shapes ---------------------------------------------


class Raw:
    """JSON text written as it is: an object with repeated keys, or nesting past any cap."""

    def __init__(self, text: str) -> None:
        self.text = text


def dump(value: Any) -> str:
    """JSON text for values, lists, dicts and ``Raw`` pieces (lists of pairs are objects)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dump(v) for v in value) + "]"
    return json.dumps(value)


# Characters of the BMP: JSON writes the others as surrogate pairs, which YAML (reading the same
# text as a cassette) does not take. yajl refuses integers past 64 bits, a file's end.
chars = st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"])
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(chars, max_size=8)
)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(chars, max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
deep = st.integers(1, 150).map(lambda n: Raw("[" * n + "1" + "]" * n))
KEYS = st.sampled_from(["text", "response", "request", "name", "body", "string", "entries"])


def duplicated(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Raw]:
    """An object with the same key twice, the values drawn from ``value``."""

    def render(key: str, first: Any, second: Any) -> Raw:
        name = json.dumps(key)
        return Raw(f"{{{name}: {dump(first)}, {name}: {dump(second)}}}")

    return st.builds(render, KEYS, value, value)


def field(expected: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly what the format wants, else any JSON at all (deep, or with duplicate keys)."""
    return st.one_of(expected, expected, anything, deep, duplicated(anything))


def obj(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An object with any of ``fields`` (each sometimes left out), or anything else."""
    return field(st.fixed_dictionaries({}, optional=fields))


def texts(size: int) -> st.SearchStrategy[Any]:
    return field(st.text(chars, max_size=size))


BODIES = [json.dumps(JOB), json.dumps(BAD_JOB), "<html>", ""]
bodies = st.sampled_from(BODIES) | st.sampled_from(BODIES).map(
    lambda b: base64.b64encode(gzip.compress(b.encode())).decode()
)
har_headers = field(st.lists(obj(name=texts(20), value=texts(20)), max_size=3))
har_entries = obj(
    request=obj(method=field(st.just("GET")), url=texts(20), headers=har_headers),
    response=obj(
        status=field(st.integers(0, 599)),
        headers=har_headers,
        content=obj(
            text=field(bodies),
            encoding=field(st.sampled_from(["base64", "utf-8"])),
            mimeType=field(st.sampled_from(["application/json", "text/html"])),
        ),
    ),
)
cassette_headers = field(
    st.dictionaries(
        st.sampled_from(["Content-Encoding", "Content-Type", "Accept"]),
        field(st.lists(st.sampled_from(["gzip", "application/json"]), max_size=2)),
        max_size=3,
    )
)
cassette_interactions = obj(
    request=obj(method=field(st.just("GET")), uri=texts(20), headers=cassette_headers),
    response=obj(
        status=field(obj(code=field(st.integers(100, 599)), message=texts(5))),
        headers=cassette_headers,
        body=field(obj(string=field(bodies), base64_string=field(bodies))),
    ),
)


def read(data: bytes, name: str) -> list[Body | Finding | Skipped]:
    items = list(read_stream(io.BufferedReader(io.BytesIO(data)), name))
    out: list[Body | Finding | Skipped] = []
    for item in items:
        # An HTML body, a redirect, an empty body: skipped, one item for its entry all the same.
        assert isinstance(item, Body | Finding | Skipped)
        out.append(item)
    return out


def accounted(items: list[Body | Finding | Skipped], count: int) -> None:
    """One item per entry, numbered 1..count in order; everything else is about the file."""
    numbered = [item.location.entry for item in items if item.location.entry is not None]
    assert numbered == list(range(1, count + 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=st.lists(har_entries, max_size=4), wrap=st.integers(0, 3))
def test_any_json_in_the_har_shape_is_read_without_an_exception(
    entries: list[Any], wrap: int
) -> None:
    text = dump({"log": {"version": "1.2", "entries": entries}})
    if wrap == 1:
        text = "\ufeff" + text
    items = read(text.encode(), "traffic.har")
    accounted(items, len(entries))
    if not entries:
        assert any("no entries" in item.message for item in items if isinstance(item, Finding))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log=obj(entries=field(st.lists(har_entries, max_size=2))))
def test_any_json_for_the_log_is_a_finding_never_a_silent_pass(log: Any) -> None:
    items = read(dump({"log": log}).encode(), "traffic.har")
    assert items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interactions=st.lists(cassette_interactions, max_size=4), as_yaml=st.booleans())
def test_any_json_in_the_cassette_shape_is_read_without_an_exception(
    interactions: list[Any], as_yaml: bool
) -> None:
    # JSON text is YAML too: behind a comment it goes through the YAML reader, with the same
    # duplicate keys and nesting.
    text = dump({"interactions": interactions, "version": 1})
    items = read(("# cassette\n" + text if as_yaml else text).encode(), "cassette.yaml")
    accounted(items, len(interactions))
    if not interactions:
        assert any("no interactions" in item.message for item in items if isinstance(item, Finding))


def test_a_hostile_har_costs_no_more_than_its_size(tmp_path: Path) -> None:
    """Every kind of damage above in one file of many entries: read in well under a second."""
    bad = [changed("/request", []), changed("/response/status", {}), 5, {"response": "x"}]
    path = write_har(tmp_path, *([*bad, entry()] * 400))
    start = time.perf_counter()
    items = read(path.read_bytes(), "traffic.har")
    assert time.perf_counter() - start < 5
    accounted(items, 2000)
    assert sum(isinstance(item, Body) for item in items) == 400
    assert copy.copy(items[4]).location.entry == 5
