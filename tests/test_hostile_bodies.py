"""Byte-level hostile bodies: ``strategies.hostile_bodies``, ``generate --mode hostile-bytes
--out`` and ``fuzz --mode hostile-bytes`` with the simulated status and content type."""

from __future__ import annotations

import io
import json
import shlex
import sys
from pathlib import Path

import pytest

from conformance import cli, fuzzing, strategies
from conformance.strategies import BODY_KINDS, DEPTH, Body

SCHEMAS = ["kendra.DataSourceSyncJob", "graph.synchronizationJob"]
ROUNDS = 4


def _bodies(name: str, seed: int = 3) -> list[Body]:
    return list(strategies.hostile_bodies(name, len(BODY_KINDS) * ROUNDS, seed=seed))


def _depth(data: bytes) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        char = chr(byte)
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _utf16_json(data: bytes, encoding: str) -> bool:
    try:
        json.loads(data.decode(encoding).lstrip("\ufeff"))
    except ValueError:
        return False
    return True


def _pairs(data: bytes) -> list[list[tuple[str, object]]]:
    seen: list[list[tuple[str, object]]] = []

    def hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        seen.append(pairs)
        return dict(pairs)

    json.loads(data, object_pairs_hook=hook)
    return seen


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_kind_appears_and_the_bytes_are_what_they_claim(name: str) -> None:
    bodies = _bodies(name)
    assert {b.kind for b in bodies} == set(BODY_KINDS)
    assert {b.status for b in bodies} == {200, 400, 429, 500}
    for body in bodies:
        data, kind = body.body, body.kind
        if kind == "invalid-utf8":
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")
        elif kind == "bom":
            assert data.startswith(b"\xef\xbb\xbf")
            json.loads(data.decode("utf-8-sig"))
        elif kind == "utf16":
            assert b"\x00" in data
            assert len(data) % 2 == 0
            assert any(_utf16_json(data, encoding) for encoding in ("utf-16-le", "utf-16-be"))
        elif kind == "integer-past-2**64":
            assert b"18446744073709551617" in data
            assert json.loads(data, parse_int=int) is not None
        elif kind == "number-1e400":
            assert b":1e400" in data or data == b"1e400"
            assert "inf" in repr(json.loads(data))
        elif kind in ("nan", "infinity"):
            literal = b"NaN" if kind == "nan" else b"-Infinity"
            assert literal in data
            with pytest.raises(ValueError, match="constant"):
                json.loads(
                    data,
                    parse_constant=lambda c: (_ for _ in ()).throw(ValueError("constant " + c)),
                )
        elif kind == "deep-nesting":
            assert _depth(data) >= DEPTH
        elif kind == "duplicate-key":
            outer = _pairs(data)[-1]
            keys = [k for k, _ in outer]
            dup = [k for k in keys if keys.count(k) > 1]
            assert dup, keys
            values = [v for k, v in outer if k == dup[0]]
            assert values[0] != values[1]
        elif kind.startswith("date-time-"):
            spelled = json.dumps(strategies._SPELLINGS[kind]).encode()
            assert spelled in data
            json.loads(data)
        elif kind in ("empty-date-time", "empty-enum"):
            assert b':""' in data
            json.loads(data)
        elif kind == "empty-body":
            assert data == b""
        elif kind == "truncated":
            assert data
            with pytest.raises(json.JSONDecodeError):
                json.loads(data)
        elif kind == "content-type-html":
            assert body.content_type is not None
            assert body.content_type.startswith("text/html")
            json.loads(data)
        elif kind == "content-type-missing":
            assert body.content_type is None
            json.loads(data)
        else:
            assert kind.startswith("error-")
            assert body.status in (400, 429, 500)
            assert json.loads(data) in (
                {"error": "Something went wrong."},
                {"error": {"code": 5}},
                {"__type": None, "message": None},
            )
        if not kind.startswith("error-"):
            assert body.status == 200


def test_the_same_seed_gives_the_same_bodies() -> None:
    name = SCHEMAS[1]
    assert _bodies(name, seed=7) == _bodies(name, seed=7)
    assert _bodies(name, seed=7) != _bodies(name, seed=8)


def test_the_empty_enum_and_date_time_are_where_the_schema_says() -> None:
    for body in _bodies(SCHEMAS[0]):
        if body.kind == "empty-enum":
            pairs = [p for obj in _pairs(body.body) for p in obj]
            assert (
                ("Status", "") in pairs
                or ("DataSourceErrorCode", "") in pairs
                or any(k.endswith("Code") and v == "" for k, v in pairs)
            )


def test_generate_out_writes_body_and_meta(tmp_path: Path) -> None:
    out = io.StringIO()
    count = len(BODY_KINDS)
    code = cli.main(
        ["generate", SCHEMAS[0], "--mode", "hostile-bytes", "--count", str(count),
         "--seed", "3", "--out", str(tmp_path)],
        out=out,
    )  # fmt: skip
    assert code == 0
    expected = list(strategies.hostile_bodies(SCHEMAS[0], count, seed=3))
    for number, body in enumerate(expected):
        assert (tmp_path / f"{number:06d}.body").read_bytes() == body.body
        meta = json.loads((tmp_path / f"{number:06d}.meta.json").read_text("utf-8"))
        assert meta == {"status": body.status, "content_type": body.content_type, "kind": body.kind}


def test_generate_without_out_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["generate", SCHEMAS[0], "--mode", "hostile-bytes"], out=io.StringIO())
    assert code == 2
    assert "byte-level bodies cannot be NDJSON: give --out DIR" in capsys.readouterr().err


CLIENT = """\
import os, sys
status, content_type = sys.argv[1], sys.argv[2]
assert status == os.environ["CONFORMANCE_STATUS"], (status, os.environ["CONFORMANCE_STATUS"])
assert content_type == os.environ.get("CONFORMANCE_CONTENT_TYPE", ""), content_type
data = sys.stdin.buffer.read()
print(status, content_type or "-")
if content_type.startswith("text/html"):
    sys.exit("html is not JSON: " + content_type.split(";")[0])
"""


def test_fuzz_passes_status_and_content_type(tmp_path: Path) -> None:
    client = tmp_path / "client.py"
    client.write_text(CLIENT, "utf-8")
    command = (
        f"{shlex.quote(sys.executable)} {shlex.quote(str(client))} {{status}} {{content_type}}"
    )
    out = tmp_path / "failures"
    count = len(BODY_KINDS)
    report = fuzzing.fuzz(
        SCHEMAS[1], command, mode="hostile-bytes", max_examples=count, seed=3, jobs=4, out=out
    )
    assert [f.signature for f in report.failures] == ["exit 1: html is not JSON: text/html"]
    failure = report.failures[0]
    assert failure.body_kind == "content-type-html"
    assert failure.reproducer == failure.original
    assert (out / "1.body").read_bytes() == failure.original
    meta = json.loads((out / "1.meta.json").read_text("utf-8"))
    assert meta["kind"] == "content-type-html"
    assert meta["status"] == 200
    assert meta["content_type"].startswith("text/html")
    signature = fuzzing.replay(command, failure.original, status=200, content_type="text/html")
    assert signature == failure.signature
    # JSON modes simulate 200 and application/json: the client never fails.
    json_report = fuzzing.fuzz(SCHEMAS[1], command, mode="valid", max_examples=3, out=None)
    assert not json_report.failures
    # A missing content type is an empty placeholder and an unset variable; the status arrives.
    outcome = fuzzing.run_client(command, b"{}", 10, status=429, content_type=None)
    assert not outcome.failed
    assert outcome.stdout.strip() == "429 -"


def test_fuzz_command_reports_the_body(tmp_path: Path) -> None:
    client = tmp_path / "client.py"
    client.write_text(CLIENT, "utf-8")
    command = (
        f"{shlex.quote(sys.executable)} {shlex.quote(str(client))} {{status}} {{content_type}}"
    )
    out = io.StringIO()
    code = cli.main(
        ["fuzz", SCHEMAS[0], "--cmd", command, "--mode", "hostile-bytes", "--max-examples",
         str(len(BODY_KINDS)), "--seed", "3", "--jobs", "4", "--out", str(tmp_path / "f")],
        out=out,
    )  # fmt: skip
    text = out.getvalue()
    assert code == 1, text
    assert "body: content-type-html, status 200, content type text/html" in text
    assert "as is: byte-level bodies are not shrunk" in text
