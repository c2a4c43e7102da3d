"""A user's poller run against each scenario: did it end, on the right state, without looping?

``check`` serves a scenario (``conformance.scenarios``) on loopback, runs the poller's command
with the base URL and the job's ids, and watches it: the poller must stop polling once the job
has ended and print the final state as its last non-empty line of stdout (``FAULT: why`` for a
life it cannot wait on, such as page tokens that go round). A poller that is still running at
the timeout, that makes more than ``max_requests`` requests, or that goes on polling for
``GRACE`` requests after the final state was served has *looped* and is killed with its whole
process group. Output is read through a bounded tail, so a poller that prints without end costs
no memory; what is shown of it is escaped and redacted.

The poller contract (the README has it too): the command is split like a shell would (no shell
runs it) and ``{url}``, ``{scenario}`` and the job's ids (``{id}``, ``{index_id}``,
``{execution_id}`` for Kendra, ``{service_principal_id}``, ``{job_id}`` for Graph) are replaced
in its words; the same values are in ``CONFORMANCE_URL``, ``CONFORMANCE_SCENARIO``,
``CONFORMANCE_ID``, ... and ``CONFORMANCE_POLL_INTERVAL`` says how long to sleep between polls.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import signal as signals
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import IO, Literal

from conformance import emulator, scenarios
from conformance.errors import InputError
from conformance.redaction import REDACTED, redact_header, redact_text
from conformance.report.base import visible

# What is kept of each output stream: its last bytes.
OUTPUT_TAIL = 64 * 1024
# Requests a poller may still make after the final state was served (it may be mid-listing).
GRACE = 20
# What a shown line of the poller's output is cut to.
LINE_LIMIT = 200
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_REQUESTS = 200
DEFAULT_POLL_INTERVAL = "0.01"
_PLACEHOLDER = re.compile(
    r"\{(url|scenario|id|index_id|execution_id|service_principal_id|job_id)\}"
)

# The variables a run sets: the placeholders' values, and the poll interval.
_ENVIRONMENT = tuple(
    f"CONFORMANCE_{name.upper()}"
    for name in (
        "url",
        "scenario",
        "id",
        "index_id",
        "execution_id",
        "service_principal_id",
        "job_id",
        "poll_interval",
    )
)

Verdict = Literal["pass", "looped", "crashed", "wrong final state"]


@dataclass(frozen=True)
class Run:
    """One scenario's run: what the poller did and the verdict on it.

    ``printed`` is its last non-empty stdout line (None: it printed nothing), ``expected`` the
    scenario's right outcome, which counts only if it had been served (``saw_final``);
    ``exit_code`` is None when it was killed or died of a signal (``signal``); ``looped`` says
    why it was judged to loop (None: it did not)."""

    scenario: str
    expected: str
    printed: str | None
    ended: bool
    exit_code: int | None
    signal: int | None
    duration: float
    requests: int
    looped: str | None
    stderr: str | None
    # Whether the final state (or the fault) had been served when the poller ended.
    saw_final: bool = True

    @property
    def verdict(self) -> Verdict:
        """``pass``, or how the poller failed the scenario."""
        if self.looped is not None:
            return "looped"
        if self.signal is not None:
            return "crashed"
        if self.expected != scenarios.FAULT and self.exit_code:
            return "crashed"
        if not self.saw_final:
            # It ended before the job did, or before the fault showed: a guess is no answer.
            return "crashed" if self.exit_code else "wrong final state"
        if self.expected == scenarios.FAULT:
            if self.printed is not None and self.printed.startswith(scenarios.FAULT):
                return "pass"
            return "crashed" if self.exit_code else "wrong final state"
        return "pass" if self.printed == self.expected else "wrong final state"

    @property
    def passed(self) -> bool:
        """Whether the poller got this scenario right."""
        return self.verdict == "pass"

    def as_dict(self) -> dict[str, object]:
        """The run as JSON values: the verdict first, then every field."""
        return {"scenario": self.scenario, "verdict": self.verdict, **asdict(self)}

    def why(self) -> str:
        """One line saying what happened, for a report."""
        printed = "nothing" if self.printed is None else self.printed
        verdict = self.verdict
        if verdict == "looped":
            return f"looped: {self.looped}; killed"
        if verdict == "crashed":
            how = f"signal {self.signal}" if self.signal is not None else f"exit {self.exit_code}"
            tail = f"; stderr: {self.stderr}" if self.stderr else ""
            return f"crashed ({how}){tail}"
        if verdict == "wrong final state":
            early = "" if self.saw_final else f" before {self.expected} was served"
            return f"printed {printed}{early}, expected {self.expected}"
        return f"printed {printed}"


def expand(names: Sequence[str]) -> tuple[str, ...]:
    """Scenario names from the command line: ``all``, ``kendra``, ``graph`` or names, in the
    table's order, each once; an ``InputError`` suggesting close names for an unknown one."""
    wanted: set[str] = set()
    for name in names:
        if name == "all":
            wanted.update(scenarios.NAMES)
        elif name in ("kendra", "graph"):
            wanted.update(n for n in scenarios.NAMES if n.startswith(name + "-"))
        else:
            scenarios.scenario(name)  # an unknown name: the error with close names
            wanted.add(name)
    return tuple(n for n in scenarios.NAMES if n in wanted)


def argv(command: str, fields: dict[str, str]) -> list[str]:
    """The command's words with the placeholders replaced; an ``InputError`` if it cannot be
    split or is empty."""
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise InputError(f"--cmd cannot be split into words ({exc}); check its quotes") from None
    if not words:
        raise InputError("--cmd is empty; give the poller's command, e.g. 'python poll.py {url}'")
    return [_PLACEHOLDER.sub(lambda m: fields.get(m[1], ""), word) for word in words]


def check(
    command: str,
    names: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    seed: int = 0,
    jobs: int = 4,
    poll_interval: str = DEFAULT_POLL_INTERVAL,
) -> list[Run]:
    """Run ``command`` against each scenario of ``names`` (at most ``jobs`` at a time) and
    return the runs in the order of ``names``."""
    argv(command, {})  # a command that cannot be split fails before any server starts

    def one(name: str) -> Run:
        return run_one(
            command,
            name,
            timeout=timeout,
            max_requests=max_requests,
            seed=seed,
            poll_interval=poll_interval,
        )

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, names))


def run_one(
    command: str,
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    seed: int = 0,
    poll_interval: str = DEFAULT_POLL_INTERVAL,
) -> Run:
    """Serve scenario ``name``, run the poller against it, and judge the run."""
    play = scenarios.Play(scenarios.scenario(name, seed))
    with emulator.start(play) as server:
        fields = {"url": server.url, "scenario": name, **play.scenario.ids}
        env = dict(os.environ)
        for key in _ENVIRONMENT:
            env.pop(key, None)  # the ids of the other API's scenarios mean nothing here
        env.update({f"CONFORMANCE_{k.upper()}": v for k, v in fields.items()})
        env["CONFORMANCE_POLL_INTERVAL"] = poll_interval
        began = time.monotonic()
        try:
            process = subprocess.Popen(
                argv(command, fields),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=env,
            )
        except OSError as exc:
            raise InputError(f"cannot run the poller: {exc.strerror or exc}; check --cmd") from None
        out, err = _Tail(process.stdout), _Tail(process.stderr)
        looped = _watch(process, play, began + timeout, max_requests, timeout)
        duration = time.monotonic() - began
        # Whatever the poller left behind (a child holding the pipes) goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signals.SIGKILL)
        out.join()
        err.join()
        requests = play.requests
    code = process.returncode
    killed = looped is not None
    return Run(
        scenario=name,
        expected=play.scenario.final,
        printed=_last_line(out.data()),
        ended=not killed,
        exit_code=None if killed or code < 0 else code,
        signal=-code if code < 0 and not killed else None,
        duration=round(duration, 3),
        requests=requests,
        looped=looped,
        stderr=_last_line(err.data()),
        saw_final=play.terminal_at is not None,
    )


def _watch(
    process: subprocess.Popen[bytes],
    play: scenarios.Play,
    deadline: float,
    max_requests: int,
    timeout: float,
) -> str | None:
    """Wait for the poller to exit; why it looped if it had to be killed."""
    while True:
        try:
            process.wait(timeout=0.02)
            return None
        except subprocess.TimeoutExpired:
            pass
        why = None
        if play.requests > max_requests:
            why = f"more than {max_requests} requests"
        elif play.terminal_at is not None and play.requests - play.terminal_at > GRACE:
            after = play.requests - play.terminal_at
            why = f"{after} requests after {play.scenario.final} was served"
        elif time.monotonic() > deadline:
            why = f"still running after {timeout:g} s ({play.requests} requests)"
        if why is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signals.SIGKILL)
            process.wait()
            return why


class _Tail:
    """Reads a stream to its end from a thread, keeping only its last ``OUTPUT_TAIL`` bytes."""

    def __init__(self, stream: IO[bytes] | None) -> None:
        self._kept = bytearray()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes] | None) -> None:
        if stream is None:
            return
        with stream:
            read: Callable[[int], bytes] = getattr(stream, "read1", stream.read)
            while chunk := read(65536):
                self._kept += chunk
                if len(self._kept) > 2 * OUTPUT_TAIL:
                    del self._kept[:-OUTPUT_TAIL]

    def join(self) -> None:
        """Wait for the end of the stream (bounded: a stream held open is given up on)."""
        self._thread.join(timeout=5)

    def data(self) -> bytes:
        """The stream's last bytes."""
        return bytes(self._kept[-OUTPUT_TAIL:])


# A line that reads like a header or a setting (``Authorization: Bearer ...``, ``api_key: ...``),
# as a poller's debug log prints one, curl -v's ``> `` and ``< `` marks allowed before it.
_HEADER_LINE = re.compile(
    r"(?P<mark>[<>*]\s*)?(?P<name>[A-Za-z][\w-]{0,60})\s*[:=]\s*(?P<value>.*)"
)


def _redacted(line: str) -> str:
    """``line`` with secrets redacted: the value of a line whose name holds a secret
    (``Authorization: Bearer ...``, ``client_secret: ...``, which no token shape gives away),
    and what ``redact_text`` recognises."""
    header = _HEADER_LINE.match(line)
    # An exception's name (``KeyError: 'ErrorMessage'``) is what a crash says, not a setting.
    if (
        header is not None
        and not header["name"].endswith(("Error", "Exception", "Warning"))
        and redact_header(header["name"], header["value"]) == REDACTED
    ):
        return f"{header['mark'] or ''}{header['name']}: {REDACTED}"
    return redact_text(line)


def _last_line(data: bytes) -> str | None:
    """The last non-empty line, stripped, escaped, redacted and cut to ``LINE_LIMIT``."""
    for line in reversed(data.decode("utf-8", "replace").splitlines()):
        line = line.strip()
        if line:
            shown = visible(_redacted(line))
            return shown if len(shown) <= LINE_LIMIT else shown[: LINE_LIMIT - 1] + "…"
    return None


def summary(runs: Sequence[Run]) -> str:
    """``14 scenarios: 9 passed, 5 failed (2 looped, 2 crashed, 1 wrong final state)``."""
    from collections import Counter

    from conformance.report.base import plural

    failed = Counter(r.verdict for r in runs if not r.passed)
    text = f"{plural(len(runs), 'scenario')}: {sum(r.passed for r in runs)} passed"
    if failed:
        kinds = ", ".join(f"{n} {v}" for v, n in sorted(failed.items()))
        text += f", {sum(failed.values())} failed ({kinds})"
    return text
