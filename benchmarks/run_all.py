"""All the benchmarks in one run, and one summary table in Markdown for the README.

Runs ``throughput`` (targets 1 and 2), ``files`` (target 3), ``memory`` (target 4) and
``hostile`` (hostile input costs linear time and capped memory) in turn, in one temporary folder
deleted at the end; the details of each measurement go to stderr, the table
to stdout. The exit code is 1 when a target is missed.

    python benchmarks/run_all.py                 # the default sizes: several minutes
    python benchmarks/run_all.py --quick         # a smoke run of seconds; figures not comparable
    python benchmarks/run_all.py --only files    # one part
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import files
import hostile
import memory
import throughput
from common import Row, conformance_command, finish, log, machine
from corpus import parse_size

PARTS = ("throughput", "files", "memory", "hostile")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/run_all.py",
        description="Run every benchmark of `conformance validate` and print one Markdown table.",
    )
    p.add_argument(
        "--documents", type=int, default=100_000, help="documents per NDJSON file (100,000)"
    )
    p.add_argument("--subset", type=int, default=2_000, help="documents for jsonschema (2,000)")
    p.add_argument("--files", type=int, default=1_000, help="small fixture files (1,000)")
    p.add_argument("--bytes", type=parse_size, default=1 << 30, help="size of each big file (1G)")
    p.add_argument("--repeat", type=int, default=7, help="timed rounds, throughput (7)")
    p.add_argument("--file-repeat", type=int, default=15, help="timed rounds, small files (15)")
    p.add_argument("--hostile-repeat", type=int, default=3, help="timed rounds, hostile (3)")
    p.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    p.add_argument("--quick", action="store_true", help="a small smoke run (seconds)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.documents, args.subset, args.files = 5_000, 200, 200
        args.bytes, args.repeat, args.file_repeat = 16 * 2**20, 2, 3
        args.hostile_repeat = 1
    parts = args.only or PARTS
    started = time.perf_counter()
    log(machine())
    log(f"command: {' '.join(conformance_command())}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as workdir:
        root = Path(workdir)
        for part in parts:
            (root / part).mkdir()
        if "throughput" in parts:
            rows += throughput.measure(
                args.documents, args.subset, args.repeat, root / "throughput"
            )
        if "files" in parts:
            rows += files.measure(args.files, args.file_repeat, root / "files")
        if "memory" in parts:
            reports = memory.REPORT_DOCUMENTS // (20 if args.quick else 1)
            rows += memory.measure(args.bytes, root / "memory", reports)
        if "hostile" in parts:
            rows += hostile.measure(args.hostile_repeat, root / "hostile", 0.1 if args.quick else 1)
    log(f"\nall measured in {time.perf_counter() - started:.0f} s")
    print(f"Measured {time.strftime('%Y-%m-%d')}: {machine()}.")
    if args.quick:
        print("A --quick run: sizes too small for the targets; the figures are for smoke only.")
    print()
    code = finish(rows)
    missed = sum(r.passed is False for r in rows)
    if missed:
        print(f"\n{missed} of {len(rows)} rows miss their target.")
    return code


if __name__ == "__main__":
    sys.exit(main())
