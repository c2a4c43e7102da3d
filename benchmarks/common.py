"""What the benchmark scripts share: timing child processes, medians, and the summary rows.

A child process is timed by the wall clock from its start to its exit (what a user waits for).
Its peak resident memory is the kernel's ``ru_maxrss`` of that child (and of the children it
waited for), read with ``os.wait4`` by a small launcher process that starts it (see ``run``).
Every figure is the median of repetitions that were interleaved with the figures it is compared
with, so that a noisy neighbour slows both sides of a ratio alike.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PYTHON = sys.executable


def conformance_command() -> list[str]:
    """The ``conformance`` console script next to this interpreter (else on PATH, else -m)."""
    beside = Path(PYTHON).parent / "conformance"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("conformance")
    return [found] if found else [PYTHON, "-m", "conformance"]


def has_jobs_option() -> bool:
    """Whether ``conformance validate`` has the ``--jobs`` option yet."""
    done = subprocess.run(
        [*conformance_command(), "validate", "--help"], capture_output=True, text=True, check=False
    )
    return "--jobs" in done.stdout


@dataclass(frozen=True)
class Run:
    """One child process: wall-clock seconds, exit code, and peak RSS in bytes (if measured)."""

    seconds: float
    returncode: int
    peak: int | None = None


class ChildFailed(RuntimeError):
    """A measured command exited with an unexpected code."""


# Peak memory is measured from a small launcher process, not from the benchmark's own process.
# A child's ru_maxrss starts from the resident size of the process it was forked from (Linux
# carries the high-water mark of the old address space across exec, and Python forks with vfork,
# which shares the parent's), so a benchmark process holding parsed documents would be counted.
# The launcher is a bare interpreter, smaller than any `conformance` process it measures.
_LAUNCHER = """\
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(process.pid, 0)
seconds = time.perf_counter() - start
process.returncode = code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {seconds!r}")
sys.exit(code if code >= 0 else 128 - code)
"""


def run(
    command: Sequence[str],
    *,
    stdout: IO[bytes] | int | None = subprocess.DEVNULL,
    ok: tuple[int, ...] = (0, 1),
    peak: bool = False,
) -> Run:
    """Run ``command`` to its end (output to /dev/null by default): its wall-clock time, and
    with ``peak`` its peak RSS, measured through the launcher (which then also times it)."""
    with tempfile.TemporaryDirectory() as scratch:
        usage_file = Path(scratch) / "usage"
        full = [PYTHON, "-c", _LAUNCHER, str(usage_file), *command] if peak else list(command)
        with open(Path(scratch) / "stderr", "w+b") as stderr:
            start = time.perf_counter()
            done = subprocess.run(full, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
            seconds = time.perf_counter() - start
            if done.returncode not in ok:
                stderr.seek(0)
                message = stderr.read().decode(errors="replace").strip()[-3000:]
                raise ChildFailed(f"{' '.join(command)} exited with {done.returncode}:\n{message}")
        if not peak:
            return Run(seconds, done.returncode)
        maxrss, child_seconds = usage_file.read_text().split()
    # ru_maxrss is KiB on Linux, bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return Run(float(child_seconds), done.returncode, int(maxrss) * scale)


def timer(command: Sequence[str]) -> Callable[[], float]:
    """A measurement: the seconds one run of ``command`` takes (output to /dev/null)."""
    return lambda: run(command).seconds


def interleaved(
    commands: dict[str, Callable[[], float]], repeat: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Call every measurement in turn, ``repeat`` times (after ``warmup`` untimed rounds)."""
    for _ in range(warmup):
        for measure in commands.values():
            measure()
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, measure in commands.items():
            times[name].append(measure())
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def spread(values: Sequence[float]) -> str:
    """``median (min-max)`` in seconds, for the log."""
    return f"{median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f}, n={len(values)})"


_SUMMARY_COUNT = re.compile(r"(\d+) ([a-z][a-z-]*)")
_NOT_FINDINGS = {"document", "documents", "file", "files", "result", "results", "line", "lines"}


def findings_summary(output_path: Path) -> tuple[str, int]:
    """The report's last line and the number of findings it counts (``1 enum-drift, 2 ...``)."""
    with open(output_path, "rb") as stream:
        stream.seek(0, os.SEEK_END)
        stream.seek(max(0, stream.tell() - 4096))
        tail = stream.read().decode(errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    last = lines[-1].strip() if lines else ""
    head, _, counts = last.partition(":")
    total = sum(
        int(n) for n, kind in _SUMMARY_COUNT.findall(counts or head) if kind not in _NOT_FINDINGS
    )
    return last, total


@dataclass(frozen=True)
class Row:
    """One line of the summary table."""

    measure: str
    figure: str
    target: str
    ratio: str
    passed: bool | None  # None: for reference only

    @property
    def result(self) -> str:
        return {True: "pass", False: "**FAIL**", None: "-"}[self.passed]


def markdown(rows: Sequence[Row]) -> str:
    lines = [
        "| measure | figure | target | ratio | result |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {r.measure} | {r.figure} | {r.target} | {r.ratio} | {r.result} |" for r in rows]
    return "\n".join(lines)


def finish(rows: Sequence[Row]) -> int:
    """Print the rows as a Markdown table; the exit code: 1 when a row misses its target."""
    print(markdown(rows))
    return 1 if any(r.passed is False for r in rows) else 0


def machine() -> str:
    """One line about where the figures were measured."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"Python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs,"
        f" 1-min load average {load:.2f}"
    )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
