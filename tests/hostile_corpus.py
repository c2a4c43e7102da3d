"""A hostile corpus of the project's own: small files, one per class of attack, made on the fly.

``write_corpus(folder)`` writes every case and returns what each must give: the kind of finding
that must be among its results (``unreadable``, ``violation``, ``ok`` for a document that must
still be validated), and the secrets planted in it, which must appear in no output. Nothing here
is committed as data: big inputs are generated at the size asked for, so a CI run stays small.
Run it alone to look at the files: ``python tests/hostile_corpus.py DIR``.

The classes follow the hardening issue: containers of the wrong type, lone surrogates, deep
nesting, secrets in requests and bodies, inputs that grow time or memory out of proportion, and
shapes that used to pass silently.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Every planted secret carries this marker, so one search proves none reached an output.
MARKER = "SECRETMARKER"


@dataclass(frozen=True)
class Case:
    """What a corpus file must give: a finding kind among its results, and its secrets."""

    # A finding kind that must be among the file's results, or "ok": a document of it conforms.
    expect: str
    secrets: tuple[str, ...] = ()
    note: str = ""


def _job(**extra: Any) -> dict[str, Any]:
    return {"ExecutionId": "e1", "StartTime": 1763643600, "Status": "SUCCEEDED", **extra}


def _page(*jobs: Any) -> dict[str, Any]:
    return {"History": list(jobs)}


def _har(entries: Any, *, raw: bool = False) -> str:
    log = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": entries}}
    return json.dumps(log) if not raw else str(entries)


def _entry(
    body: Any, *, url: str = "https://kendra.example/", headers: Any = None
) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "request": {
            "method": "POST",
            "url": url,
            "headers": headers
            if headers is not None
            else [
                {"name": "X-Amz-Target", "value": "AWSKendraFrontendService.ListDataSourceSyncJobs"}
            ],
        },
        "response": {
            "status": 200,
            "headers": [{"name": "Content-Type", "value": "application/x-amz-json-1.1"}],
            "content": {"mimeType": "application/x-amz-json-1.1", "text": text},
        },
    }


def _good_entry() -> dict[str, Any]:
    return _entry(_page(_job()))


def _cassette(interactions: str) -> str:
    return f"interactions:\n{interactions}version: 1\n"


_GOOD_INTERACTION = (
    "- request:\n    method: POST\n    uri: https://kendra.example/\n"
    "    headers:\n      X-Amz-Target: [AWSKendraFrontendService.ListDataSourceSyncJobs]\n"
    "  response:\n    status: {code: 200, message: OK}\n"
    "    headers:\n      Content-Type: [application/x-amz-json-1.1]\n"
    "    body: {string: '{\"History\": []}'}\n"
)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def write_corpus(folder: Path, *, scale: int = 1) -> dict[str, Case]:
    """Write the corpus into ``folder`` and return each file's expectation, by file name.

    ``scale`` multiplies the sizes of the cases that grow time or memory; 1 keeps the corpus to a
    few megabytes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, Case] = {}

    def put(name: str, content: str | bytes, case: Case) -> None:
        path = folder / name
        path.write_bytes(
            content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
        )
        cases[name] = case

    good = _good_entry()
    # 1. Containers of the wrong JSON type: the bad entry is reported, the good one after it read.
    bad_entries = {
        "har-text-number": {**good, "response": {**good["response"], "content": {"text": 5}}},
        "har-request-list": {**good, "request": ["GET", "/"]},
        "har-headers-strings": {**good, "request": {**good["request"], "headers": "X-A: b"}},
        "har-response-string": {**good, "response": "200 OK"},
        "har-encoding-number": {
            **good,
            "response": {**good["response"], "headers": [{"name": "Content-Encoding", "value": 7}]},
        },
        "har-entry-number": 42,
    }
    for name, entry in bad_entries.items():
        put(f"{name}.har", _har([entry, good]), Case("unreadable", note="and the next entry: ok"))
    put(
        "cassette-request-list.yaml",
        _cassette("- request: [GET, /]\n  response: {status: {code: 200}}\n" + _GOOD_INTERACTION),
        Case("unreadable"),
    )
    put(
        "cassette-response-list.yaml",
        _cassette("- request: {method: GET, uri: /}\n  response: [200]\n" + _GOOD_INTERACTION),
        Case("unreadable"),
    )
    # Lone surrogates, in a value, a key, and a HAR body.
    put("surrogate-value.json", '{"History": [{"ExecutionId": "\\ud800"}]}', Case("unreadable"))
    put("surrogate-key.json", '{"History": [{"\\udc00": 1}]}', Case("unreadable"))
    put(
        "har-surrogate-body.har",
        _har([_entry('{"History": [{"ExecutionId": "\\ud800"}]}'), good]),
        Case("unreadable"),
    )
    # Nesting where the engine would recurse too far.
    for depth in (300, 1_000):
        put(f"deep-{depth}.json", '{"History": [' + _nested(depth) + "]}", Case("unreadable"))

    # 2. Secrets in requests and bodies.
    secret_headers = [
        {"name": "Authorization", "value": f"Bearer {MARKER}1"},
        {"name": "X-Goog-Api-Key", "value": f"{MARKER}2"},
        {"name": "X-Functions-Key", "value": f"{MARKER}3"},
        {"name": "apikey", "value": f"{MARKER}4"},
        {"name": "Ocp-Apim-Subscription-Key", "value": f"{MARKER}5"},
        {"name": "X-Amz-Target", "value": "AWSKendraFrontendService.ListDataSourceSyncJobs"},
    ]
    urls = [
        f"https://admin:{MARKER}6@[::1/path?X-Amz-Signature={MARKER}7",
        f"https://kendra.example/?refresh_token={MARKER}8&id_token={MARKER}9&password={MARKER}10",
        f"https://kendra.example/?key={MARKER}11&subscription-key={MARKER}12&sig={MARKER}13",
        f"https://kendra.example/?X-Goog-Signature={MARKER}14#access_token={MARKER}15",
    ]
    secret_entries = [
        _entry(_page(_job(Status="QUEUED")), url=u, headers=secret_headers) for u in urls
    ]
    put(
        "har-secrets.har",
        _har(secret_entries),
        Case("enum-drift", secrets=tuple(f"{MARKER}{i}" for i in range(1, 16))),
    )
    token_body = {
        "access_token": f"{MARKER}16",
        "refresh_token": f"{MARKER}17",
        "id_token": f"{MARKER}18",
        "client_secret": f"{MARKER}19",
        "password": f"{MARKER}20",
        "token_type": "Bearer",
    }
    put(
        "oauth-token-response.json",
        json.dumps(token_body),
        Case("unselected", secrets=tuple(f"{MARKER}{i}" for i in range(16, 21))),
    )
    put(
        "kendra-job-with-token.json",
        json.dumps(_job(access_token=f"{MARKER}21", ExecutionId={"password": f"{MARKER}22"})),
        Case("violation", secrets=(f"{MARKER}21", f"{MARKER}22")),
    )
    put(
        "broken-byte-beside-token.json",
        b'{"Authorization": "Bearer ' + f"{MARKER}23".encode() + b'\xff", "History": []}',
        Case("unreadable", secrets=(f"{MARKER}23",)),
    )
    put(
        "broken-json-beside-token.json",
        '{"History": [], "token": "' + f"{MARKER}24" + '" ,, }',
        Case("unreadable", secrets=(f"{MARKER}24",)),
    )

    # 3. Time and memory out of proportion to the input.
    n = 10_000 * scale
    put(
        "many-unknown-keys.json",
        json.dumps(_job(**{f"k{i}": i for i in range(n)})),
        Case("property-drift", note="one finding per unknown key, positioned in one pass"),
    )
    put(
        "repeated-key.json",
        "{" + ", ".join(['"ExecutionId": "x"'] * (10 * n)) + "}",
        Case("unreadable"),
    )
    put(
        "kendra-page-bad-entries.json",
        json.dumps(_page(*[_job(StartTime="yesterday") for _ in range(n // 2)])),
        Case("violation"),
    )
    put(
        "har-deep.har", '{"log": {"entries": ' + _nested(100_000 * scale) + "}}", Case("unreadable")
    )
    put(
        "cassette-alias-bomb.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "interactions: [*i]\n",
        Case("unreadable"),
    )
    big = base64.b64encode(b"{" + b" " * (4 * 1024 * 1024 * scale) + b"}").decode()
    entry = _good_entry()
    entry["response"]["content"] = {
        "mimeType": "application/json",
        "encoding": "base64",
        "text": big,
    }
    put("har-big-base64.har", _har([entry, good]), Case("unreadable", note="past --max-body-size"))
    put(
        "long-line.ndjson",
        json.dumps(_page(_job()))
        + "\n"
        + '{"History": ['
        + " " * (4 * 1024 * 1024 * scale)
        + "]}\n"
        + json.dumps(_page(_job()))
        + "\n",
        Case("unreadable", note="past --max-document-size; the lines around it: ok"),
    )
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.json")
        cases["pipe.json"] = Case("unreadable", note="a FIFO: reported, never opened")

    # 4. Shapes that used to pass silently, or be read wrongly.
    put("har-no-log.har", json.dumps({"entries": [good]}), Case("unreadable"))
    put("har-entries-object.har", json.dumps({"log": {"entries": {"0": good}}}), Case("unreadable"))
    put("har-top-array.har", json.dumps([good]), Case("unreadable"))
    duplicated = _har([good]).replace('"text": ', '"text": "{}", "text": ', 1)
    put("har-duplicate-text.har", duplicated, Case("unreadable"))
    put("har-bom.har", "\ufeff" + _har([good]), Case("ok"))
    put("huge-number.json", '{"History": [{"StartTime": 1e400}]}', Case("violation"))
    two_members = gzip.compress(b'{"History": [') + gzip.compress(b'{"Status": 1}]}')
    entry = _good_entry()
    entry["response"]["content"] = {
        "mimeType": "application/json",
        "encoding": "base64",
        "text": base64.b64encode(two_members).decode(),
    }
    entry["response"]["headers"] = [{"name": "Content-Encoding", "value": "gzip"}]
    put("har-gzip-two-members.har", _har([entry]), Case("violation"))
    return cases


def write_bad_name(folder: Path) -> bytes:
    """A file whose name is not UTF-8 (where the file system allows it); returns the name."""
    name = b"caf\xe9-\xff.json"
    fd = os.open(os.path.join(os.fsencode(folder), name), os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, json.dumps(_page(_job(Status=3))).encode())
    finally:
        os.close(fd)
    return name


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for file, case in sorted(write_corpus(target).items()):
        print(f"{file:32} {case.expect:10} {case.note}")
