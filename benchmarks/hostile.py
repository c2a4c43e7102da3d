"""Hostile input costs time linear in its size and memory within the caps.

Each case is generated at a size n and at 10n in a temporary folder, and ``conformance validate``
is run on both, rounds interleaved with a run on one small file (the start-up every run pays),
medians taken, wall-clock time and peak RSS measured as ``common.run`` does. Linear work gives
about 10x the time for 10x the input once start-up is taken off; quadratic work gives about 100x.
The cases are the inputs that were quadratic or unbounded:

- a Kendra job with many unknown keys (10,000 took 147 s: each finding was positioned by its own
  walk from the top of the text);
- one key repeated many times (100,000 took 40 s: each repeat's line was counted from the top);
- a Kendra page with many bad entries (8,000 took 96 s);
- an NDJSON line past the document size cap (one of 200 MB took 1.55 GB of memory): run with
  ``--max-document-size 1M`` so that both sizes are past it; its peak must stay flat;
- nesting far past the depth cap (refused where it passes the cap, whatever follows), up to a
  file of 60 MB, under the default document size cap;
- a HAR whose containers nest 100,000 deep (21.8 GB when the reader built the entry whole);
- a HAR body of one long base64 string (64 MB took 11-13 s and 265 MB);
- a YAML cassette of nested aliases (1 KB took 4 GB once expanded): refused at the first anchor.

Target: time at 10n over time at n, start-up taken off, below 20x (linear work is about 10x,
quadratic about 100x); for the long line, peak RSS at 10n below 1.5x that at n. Work of less
than 20 ms (a run no slower than start-up) counts as 20 ms, so that noise makes no ratio.

    python benchmarks/hostile.py [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import Row, conformance_command, finish, interleaved, log, machine, median, run

MIB = 2**20
TARGET_TIME_RATIO = 20.0
TARGET_FLAT_PEAK = 1.5
# Work below this is start-up noise: a ratio is taken against at least this much.
FLOOR = 0.02

JOB = {"ExecutionId": "a1", "StartTime": 1700000000.5, "Status": "SUCCEEDED"}
BAD_JOB = {**JOB, "Status": 7, "ErrorMessage": "tab\there"}


@dataclass(frozen=True)
class Case:
    """One hostile input: how to write it at a size, the sizes, and the options to run with."""

    name: str
    unit: str
    n: int
    write: Callable[[Path, int], None]
    options: tuple[str, ...] = ()
    flat_memory: bool = False
    suffix: str = ".json"


def _unknown_keys(path: Path, n: int) -> None:
    doc = {**JOB, **{f"k{i:07d}": i for i in range(n)}}
    path.write_text(json.dumps(doc))


def _repeated_key(path: Path, n: int) -> None:
    path.write_text("{" + ", ".join(['"Status": "FAILED"'] * n) + "}")


def _bad_entries(path: Path, n: int) -> None:
    path.write_text(json.dumps({"History": [BAD_JOB] * n}, indent=1))


def _long_line(path: Path, n: int) -> None:
    """A conforming line, one line of ``n`` MiB past the cap, and a bad line after it."""
    chunk = b"x" * MIB
    with open(path, "wb") as out:
        out.write(json.dumps(JOB).encode() + b"\n" + b'{"ExecutionId": "')
        for _ in range(n):
            out.write(chunk)
        out.write(b'"}\n' + json.dumps(BAD_JOB).encode() + b"\n")


def _deep(path: Path, n: int) -> None:
    path.write_text('{"ExecutionId": ' + "[" * n + "]" * n + "}")


def _har(entries: str) -> str:
    return '{"log": {"version": "1.2", "entries": [' + entries + "]}}"


def _har_deep(path: Path, n: int) -> None:
    """A HAR whose container nests ``n`` deep (100,000 took 21.8 GB when built whole)."""
    path.write_text(_har('{"response": ' + "[" * n + "]" * n + "}"))


def _har_base64(path: Path, n: int) -> None:
    """A HAR entry whose body is one base64 string of ``n`` MiB (64 MiB took 11-13 s, 265 MB)."""
    body = base64.b64encode(b'{"History": [' + b" " * (n * MIB) + b"]}").decode()
    content = {"mimeType": "application/json", "encoding": "base64", "text": body}
    path.write_text(_har(json.dumps({"response": {"status": 200, "content": content}})))


def _yaml_aliases(path: Path, n: int) -> None:
    """A cassette of ``n`` nested alias levels (a 1 KB one took 4 GB when expanded)."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, n)]
    path.write_text("\n".join(lines) + f"\ninteractions: [*a{n - 1}]\n")


CASES = (
    Case("unknown keys in one Kendra job", "keys", 10_000, _unknown_keys),
    Case("one key repeated", "repeats", 100_000, _repeated_key),
    Case("Kendra page of bad entries", "entries", 1_000, _bad_entries),
    Case(
        "NDJSON line past the cap (`--max-document-size 1M`)",
        "MiB line",
        20,
        _long_line,
        ("--max-document-size", "1M"),
        flat_memory=True,
        suffix=".ndjson",
    ),
    Case("nesting past the depth cap", "levels", 3_000_000, _deep),
    Case("HAR containers nested", "HAR levels", 100_000, _har_deep, suffix=".har"),
    Case(
        "HAR body of one base64 string (`--max-body-size 512M`)",
        "MiB base64",
        4,
        _har_base64,
        ("--max-body-size", "512M"),
        suffix=".har",
    ),
    Case("YAML cassette of nested aliases", "alias levels", 1_000, _yaml_aliases, suffix=".yaml"),
)


def measure(repeat: int, workdir: Path, scale: float = 1.0) -> list[Row]:
    """Write each case at n and 10n in ``workdir``, run them interleaved; the summary rows."""
    command = [*conformance_command(), "validate"]
    small = workdir / "small.json"
    small.write_text(json.dumps(JOB))
    runs: dict[str, list[str]] = {"start-up (one small file)": [*command, str(small)]}
    sizes: dict[str, tuple[int, int]] = {}
    for case in CASES:
        n = max(2, int(case.n * scale))
        sizes[case.name] = (n, 10 * n)
        for size in (n, 10 * n):
            path = workdir / f"{case.unit.replace(' ', '-')}-{size}{case.suffix}"
            case.write(path, size)
            log(f"   wrote {path.name}: {path.stat().st_size / MIB:.1f} MiB")
            runs[f"{case.name} @ {size:,}"] = [*command, str(path), *case.options]
    peaks: dict[str, list[int]] = {name: [] for name in runs}

    def timed(name: str, argv: list[str]) -> Callable[[], float]:
        def once() -> float:
            done = run(argv, ok=(0, 1, 2), peak=True)
            assert done.peak is not None
            peaks[name].append(done.peak)
            return done.seconds

        return once

    times = interleaved({name: timed(name, argv) for name, argv in runs.items()}, repeat)
    for name, values in times.items():
        log(f"   {name:<60} {median(values):7.3f} s  peak {max(peaks[name]) / MIB:6.1f} MiB")
    start = median(times["start-up (one small file)"])
    rows = []
    for case in CASES:
        n, ten = sizes[case.name]
        t1, t10 = (median(times[f"{case.name} @ {s:,}"]) for s in (n, ten))
        p1, p10 = (median(peaks[f"{case.name} @ {s:,}"]) for s in (n, ten))
        net = max(t10 - start, 0.0) / max(t1 - start, FLOOR)
        memory = p10 / p1
        passed = net < TARGET_TIME_RATIO and (not case.flat_memory or memory < TARGET_FLAT_PEAK)
        target = f"< {TARGET_TIME_RATIO:g}x time"
        if case.flat_memory:
            target += f", < {TARGET_FLAT_PEAK:g}x peak"
        rows.append(
            Row(
                f"{case.name}, {n:,} vs {ten:,} {case.unit}",
                f"{t1:.2f} s vs {t10:.2f} s; peak {p1 / MIB:.0f} vs {p10 / MIB:.0f} MiB",
                target,
                f"{net:.1f}x time (start-up {start:.2f} s taken off), {memory:.1f}x peak",
                passed,
            )
        )
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/hostile.py",
        description="Hostile input: time and peak memory at n and 10n, side by side.",
    )
    p.add_argument("--repeat", type=int, default=3, help="timed rounds per figure (3)")
    p.add_argument("--quick", action="store_true", help="a small smoke run (seconds)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    scale = 0.1 if args.quick else 1.0
    if args.quick:
        args.repeat = 1
    log(machine())
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as workdir:
        rows = measure(args.repeat, Path(workdir), scale)
    print(f"Measured: {machine()}.\n")
    return finish(rows)


if __name__ == "__main__":
    sys.exit(main())
