"""Black-box fuzzing: run an external client, in any language, on generated documents.

``fuzz(name, command, ...)`` makes documents with ``conformance.strategies.generate`` (the same
seed gives the same documents), runs ``command`` once per document and calls a run a failure
when the client exits non-zero, is killed by a signal or outlives ``timeout`` seconds. The
document goes to the client as a file (``{file}`` in the command is replaced by its path,
shell-quoted) or, without ``{file}``, on its standard input, as one line of compact UTF-8 JSON.

Failures are grouped by their signature: how the run ended (``exit 1``, ``signal SIGSEGV``,
``timeout``) plus the last non-empty line of the client's stderr (of its stdout when stderr is
empty), with numbers, hex addresses and file paths normalised, so two exceptions that exit with
the same code are two failures. The first document of each group is then shrunk by a greedy JSON
shrinker (drop object members and array items, shorten strings, zero numbers), re-running the
client and keeping only the changes that keep the signature, within ``max_runs`` runs. Each
failure's reproducer is written as the raw bytes the client received, with a small JSON beside it
(schema, mode, seed, index, exit, signal, signature, command).

Every run simulates an HTTP response: ``{status}`` and ``{content_type}`` in the command and the
environment variables ``CONFORMANCE_STATUS`` and ``CONFORMANCE_CONTENT_TYPE`` carry its status
and content type (200 and ``application/json`` for the JSON modes; a missing content type is an
empty placeholder and an unset variable). In the ``hostile-bytes`` mode the bodies are
``strategies.hostile_bodies``' raw bytes, status and content type; their reproducers are saved
as they are (``<n>.body``), not shrunk: the JSON shrinker cannot parse them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal as signals
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from conformance.strategies import JSON_TYPE, Body, Mode, generate, hostile_bodies

BYTES_MODE = "hostile-bytes"
FuzzMode = Mode | Literal["hostile-bytes"]

__all__ = [
    "Failure",
    "FuzzReport",
    "Outcome",
    "encode",
    "fuzz",
    "run_client",
    "shrink",
    "signature",
]

# The client's output kept for the signature: the last 64 KiB of each stream.
OUTPUT_LIMIT = 64 * 1024
# Runs of the client one failure's shrinking may take.
MAX_SHRINK_RUNS = 200
_SHELL_CHARS = set("|&;<>()$`*?[]#~\n")

_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?|(?:\.{1,2}[\\/][\w.@+/-]+)")
_ADDR = re.compile(r"0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Outcome:
    """How one run of the client ended."""

    exit: int | None  # the exit code, None when killed by a signal or timed out
    signal: int | None  # the signal that killed it, None otherwise
    timed_out: bool
    stdout: str  # the last OUTPUT_LIMIT bytes, decoded leniently
    stderr: str

    @property
    def failed(self) -> bool:
        return self.timed_out or self.signal is not None or self.exit != 0

    @property
    def kind(self) -> str:
        """``exit N``, ``signal SIGSEGV`` or ``timeout``."""
        if self.timed_out:
            return "timeout"
        if self.signal is not None:
            try:
                return f"signal {signals.Signals(self.signal).name}"
            except ValueError:
                return f"signal {self.signal}"
        return f"exit {self.exit}"

    @property
    def signature(self) -> str:
        return signature(self)


def _normalise(text: str) -> str:
    text = _PATH.sub("PATH", text)
    text = _ADDR.sub("ADDR", text)
    return _NUMBER.sub("N", text)


def signature(outcome: Outcome) -> str:
    """The run's kind plus the last non-empty line of stderr (of stdout if stderr is empty),
    with paths, hex addresses and numbers normalised; just the kind on a timeout."""
    if outcome.timed_out:
        return "timeout"
    for stream in (outcome.stderr, outcome.stdout):
        lines = [line.strip() for line in stream.splitlines() if line.strip()]
        if lines:
            return f"{outcome.kind}: {_normalise(lines[-1])}"
    return outcome.kind


def encode(document: Any) -> bytes:
    """One document as the client receives it: compact UTF-8 JSON and a newline."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escaped, still JSON
        return (json.dumps(document, separators=(",", ":")) + "\n").encode("ascii")


def _needs_shell(command: str) -> bool:
    """Whether ``command`` has shell syntax (operators, expansions, globs) outside quotes."""
    quote = ""
    escaped = False
    for char in command:
        if escaped:
            escaped = False
        elif quote == "'":
            quote = "" if char == "'" else quote
        elif char == "\\":
            escaped = True
        elif quote == '"':
            if char in "$`":
                return True
            quote = "" if char == '"' else quote
        elif char in "'\"":
            quote = char
        elif char in _SHELL_CHARS:
            return True
    return False


def _argv(
    command: str, path: str | None, fields: dict[str, str] | None = None
) -> tuple[list[str], bool]:
    """The command as an argv, run without a shell when it has no shell syntax (so a signal
    that kills the client is seen as a signal, not as the shell's exit 128+N). ``fields``:
    more ``{placeholder}: value`` replacements (the simulated status and content type)."""
    values = {"{file}": path, **(fields or {})}
    bare = command
    for placeholder in values:
        bare = bare.replace(placeholder, "")
    if not _needs_shell(bare):
        tokens = shlex.split(command)
        for placeholder, value in values.items():
            tokens = [t.replace(placeholder, value or "") for t in tokens]
        return tokens, False
    for placeholder, value in values.items():
        if placeholder in command:
            command = command.replace(placeholder, shlex.quote(value or ""))
    return ["/bin/sh", "-c", command], True


def _tail(handle: Any) -> str:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - OUTPUT_LIMIT))
    data: bytes = handle.read()
    return data.decode("utf-8", "replace")


def run_client(
    command: str,
    data: bytes,
    timeout: float,
    *,
    status: int = 200,
    content_type: str | None = JSON_TYPE,
) -> Outcome:
    """Run ``command`` once on ``data`` (a temp file for ``{file}``, stdin otherwise), the
    simulated response's ``status`` and ``content_type`` in ``{status}``, ``{content_type}``
    and ``CONFORMANCE_STATUS``, ``CONFORMANCE_CONTENT_TYPE``; on a timeout its whole process
    group is killed."""
    env = dict(os.environ, CONFORMANCE_STATUS=str(status))
    env.pop("CONFORMANCE_CONTENT_TYPE", None)
    if content_type is not None:
        env["CONFORMANCE_CONTENT_TYPE"] = content_type
    fields = {"{status}": str(status), "{content_type}": content_type or ""}
    with tempfile.TemporaryDirectory(prefix="conformance-fuzz-") as folder:
        path: str | None = None
        if "{file}" in command:
            path = os.path.join(folder, "document.json")
            Path(path).write_bytes(data)
        argv, _ = _argv(command, path, fields)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL if path is not None else subprocess.PIPE,
                stdout=out,
                stderr=err,
                start_new_session=True,
                env=env,
            )
            timed_out = False
            try:
                process.communicate(None if path is not None else data, timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signals.SIGKILL)
                process.wait()
            except BrokenPipeError:  # the client did not read its stdin
                process.wait()
            code = process.returncode
            return Outcome(
                exit=None if timed_out or code < 0 else code,
                signal=-code if code < 0 and not timed_out else None,
                timed_out=timed_out,
                stdout=_tail(out),
                stderr=_tail(err),
            )


# --- shrinking --------------------------------------------------------------------------------


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*path, index))


def _with(document: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    """A copy of ``document`` with the node at ``path`` replaced (or deleted)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        copy_d = dict(document)
        if delete and not rest:
            del copy_d[head]
        else:
            copy_d[head] = _with(document[head], rest, value, delete)
        return copy_d
    copy_l = list(document)
    if delete and not rest:
        del copy_l[head]
    else:
        copy_l[head] = _with(document[head], rest, value, delete)
    return copy_l


def _simpler(node: Any) -> Iterator[Any]:
    """Smaller values to try in place of ``node``."""
    if isinstance(node, dict):
        if node:
            yield {}
        for value in node.values():  # hoist a child
            if isinstance(value, (dict, list)):
                yield value
    elif isinstance(node, list):
        if node:
            yield []
        if len(node) > 2:
            yield node[: len(node) // 2]
            yield node[len(node) // 2 :]
        for value in node:
            if isinstance(value, (dict, list)):
                yield value
    elif isinstance(node, str):
        if node:
            yield ""
        if len(node) > 1:
            yield node[: len(node) // 2]
            yield node[:1]
    elif isinstance(node, bool):
        if node:
            yield False
    elif isinstance(node, (int, float)) and node != 0:
        yield 0
    if node is not None:
        yield None


def _candidates(document: Any) -> Iterator[Any]:
    """Smaller documents, biggest cuts first: deletions, then replacements, top down."""
    paths = list(_walk(document))
    for path, _ in paths:
        if path:
            yield _with(document, path, None, delete=True)
    for path, node in paths:
        for value in _simpler(node):
            yield _with(document, path, value)


def shrink(
    document: Any,
    command: str,
    target: str,
    *,
    timeout: float,
    max_runs: int = MAX_SHRINK_RUNS,
) -> tuple[Any, int]:
    """The smallest document the greedy shrinker finds that still fails with the signature
    ``target``, and the client runs it took (at most ``max_runs``)."""
    current = document
    size = len(encode(current))
    runs = 0
    tried: set[bytes] = set()
    improved = True
    while improved and runs < max_runs:
        improved = False
        for candidate in _candidates(current):
            data = encode(candidate)
            if len(data) >= size or data in tried:
                continue
            if runs >= max_runs:
                break
            tried.add(data)
            runs += 1
            if signature(run_client(command, data, timeout)) == target:
                current, size, improved = candidate, len(data), True
                break
    return current, runs


# --- the campaign -----------------------------------------------------------------------------


@dataclass
class Failure:
    """One distinct failure: its signature, the documents that hit it, its reproducer."""

    signature: str
    kind: str
    exit: int | None
    signal: int | None
    index: int  # of the first document that hit it, in generate(name, count, mode, seed)
    count: int
    original: bytes
    reproducer: bytes = b""
    shrink_runs: int = 0
    path: Path | None = None
    status: int = 200
    content_type: str | None = JSON_TYPE
    body_kind: str | None = None  # the hostile-bytes mutation


@dataclass
class FuzzReport:
    """What a fuzzing campaign found."""

    name: str
    mode: FuzzMode
    seed: int
    command: str
    runs: int
    failures: list[Failure] = field(default_factory=list)


def fuzz(
    name: str,
    command: str,
    *,
    mode: FuzzMode = "hostile",
    max_examples: int = 100,
    seed: int = 0,
    timeout: float = 10.0,
    jobs: int = 1,
    out: Path | None = Path("fuzz-failures"),
    max_shrink_runs: int = MAX_SHRINK_RUNS,
) -> FuzzReport:
    """Run ``command`` on ``max_examples`` documents of ``name``; group the failures by
    signature, shrink each and (with ``out``) save its reproducer as ``<n>.json`` and
    ``<n>.meta.json``."""
    if mode == "hostile-bytes":
        bodies = list(hostile_bodies(name, max_examples, seed=seed))
    else:
        bodies = [
            Body("json", encode(d)) for d in generate(name, max_examples, mode=mode, seed=seed)
        ]
    documents = [body.body for body in bodies]

    def one(body: Body) -> Outcome:
        return run_client(
            command, body.body, timeout, status=body.status, content_type=body.content_type
        )

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        outcomes = list(pool.map(one, bodies))
        groups: dict[str, Failure] = {}
        for index, outcome in enumerate(outcomes):
            if not outcome.failed:
                continue
            key = signature(outcome)
            if key in groups:
                groups[key].count += 1
            else:
                groups[key] = Failure(
                    signature=key,
                    kind=outcome.kind,
                    exit=outcome.exit,
                    signal=outcome.signal,
                    index=index,
                    count=1,
                    original=documents[index],
                    status=bodies[index].status,
                    content_type=bodies[index].content_type,
                    body_kind=bodies[index].kind if mode == BYTES_MODE else None,
                )
        failures = list(groups.values())

        def minimise(failure: Failure) -> None:
            if mode == BYTES_MODE:  # saved as is: the JSON shrinker cannot parse these
                failure.reproducer = failure.original
                return
            smallest, runs = shrink(
                json.loads(failure.original),
                command,
                failure.signature,
                timeout=timeout,
                max_runs=max_shrink_runs,
            )
            failure.reproducer = encode(smallest)
            failure.shrink_runs = runs

        list(pool.map(minimise, failures))
    report = FuzzReport(name, mode, seed, command, len(documents), failures)
    if out is not None and failures:
        save(report, out)
    return report


def save(report: FuzzReport, out: Path) -> None:
    """``<n>.json`` (the bytes the client received) and ``<n>.meta.json`` per failure."""
    out.mkdir(parents=True, exist_ok=True)
    for number, failure in enumerate(report.failures, 1):
        byte_level = report.mode == BYTES_MODE
        path = out / f"{number}.body" if byte_level else out / f"{number}.json"
        path.write_bytes(failure.reproducer)
        meta = {
            "schema": report.name,
            "mode": report.mode,
            "seed": report.seed,
            "index": failure.index,
            "exit": failure.exit,
            "signal": failure.signal,
            "signature": failure.signature,
            "command": report.command,
        }
        if byte_level:  # the simulated response (JSON modes: always 200, application/json)
            meta.update(
                status=failure.status, content_type=failure.content_type, kind=failure.body_kind
            )
        (out / f"{number}.meta.json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
        failure.path = path


def replay(
    command: str,
    reproducer: Sequence[int] | bytes,
    timeout: float = 10.0,
    *,
    status: int = 200,
    content_type: str | None = JSON_TYPE,
) -> str:
    """The signature of one run of ``command`` on a saved reproducer's bytes."""
    return signature(
        run_client(command, bytes(reproducer), timeout, status=status, content_type=content_type)
    )
