"""Scaling of ``conformance validate --engine dask`` from 1 to 2 workers, against one process.

A corpus of NDJSON files (1 GiB in total by default, over 8 files with a seed each: Kendra
ListDataSourceSyncJobs pages and Graph synchronizationStatus documents in blocks, about 1% of
them defective) is generated in a temporary folder, and the folder is validated by whole
``conformance validate FOLDER --output json=FILE`` processes, rounds interleaved, medians taken:

- ``--engine local``: the single-process CLI (the default), the reference of every ratio;
- ``--engine dask --workers 1``: a LocalCluster of one worker, started and closed by the run;
- ``--engine dask --workers 2``: likewise, two workers;
- ``--engine dask --scheduler ADDRESS``: a two-worker LocalCluster that this script starts once,
  before the rounds, so what the runs above pay to start their cluster is seen apart (the time
  it took to start is printed). Its workers are warmed by one untimed run on small files, as
  those of a cluster already in use are: they have imported the engine and built its schemas.

Every run writes its JSON report to a file, so the work of reporting is done too; the report's
summary (files, documents, counts by kind, what was skipped, exit code) of every run must be
the single-process one, or the script says where they differ and exits 1. The contract rules
are switched off by default (``--disable-rule all``): the series rules judge each byte range of
a cut file as a series of its own, so their findings may differ from one process's. With
``--rules`` they stay on; the rule findings of each run are then counted, series and others,
and printed, and only the rest of the summary is compared.

Prints a Markdown table (wall time, MiB/s, documents/s, the time ratio to the single process,
and to one Dask worker) to stdout, the details to stderr.

    python benchmarks/scaling.py [--bytes SIZE] [--files N] [--repeat N] [--rules]
                                 [--partition-size SIZE] [--quick]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from common import ChildFailed, conformance_command, interleaved, log, machine, median, run, spread
from corpus import SEED, Stats, big_ndjson, fixture_files, parse_size

from conformance.rules import RULES

MIB = 2**20
LOCAL = "single process (`--engine local`)"
DASK_1 = "dask, 1 worker (`--workers 1`)"
DASK_2 = "dask, 2 workers (`--workers 2`)"
SCHEDULER = "dask, 2 workers already running (`--scheduler`)"
SERIES_RULES = frozenset(rule.id for rule in RULES if rule.series)


@dataclass(frozen=True)
class Summary:
    """What a run's JSON report says of the whole run, and its rule findings by rule id."""

    files: int
    documents: int
    counts: tuple[tuple[str, int], ...]
    skipped: tuple[tuple[str, int], ...]
    exit_code: int
    rules: tuple[tuple[str, int], ...]

    def compared(self, with_rules: bool) -> dict[str, object]:
        """The parts that must be the single process's: all of it without the rules; with
        them, all but the rule findings and the exit code (which rule findings may change)."""
        if not with_rules:
            return {k: v for k, v in vars(self).items() if k != "rules"}
        return {
            "files": self.files,
            "documents": self.documents,
            "counts": tuple((k, n) for k, n in self.counts if k != "rule"),
            "skipped": self.skipped,
        }

    def rule_counts(self) -> str:
        series = sum(n for rule, n in self.rules if rule in SERIES_RULES)
        other = sum(n for rule, n in self.rules if rule not in SERIES_RULES)
        return f"{series} series-rule and {other} document-rule findings"


def summary(report: Path) -> Summary:
    """The summary of a ``--format json`` report, and its rule findings counted by rule id."""
    document: dict[str, Any] = orjson.loads(report.read_bytes())
    head = document["summary"]
    rules: Counter[str] = Counter(
        finding.get("rule_id") or "?"
        for result in document["results"]
        for finding in result["findings"]
        if finding["kind"] == "rule"
    )
    return Summary(
        files=int(head["files"]),
        documents=int(head["documents"]),
        counts=tuple(sorted(head["counts"].items())),
        skipped=tuple(sorted((head.get("skipped") or {}).items())),
        exit_code=int(head["exit_code"]),
        rules=tuple(sorted(rules.items())),
    )


def generate(folder: Path, size: int, files: int) -> tuple[int, Stats]:
    """``files`` NDJSON files of ``size`` bytes in all, a seed each; (bytes on disk, stats)."""
    folder.mkdir(parents=True, exist_ok=True)
    total = Stats()
    for index in range(files):
        share = size // files + (1 if index < size % files else 0)
        stats = big_ndjson(folder / f"polls-{index:02d}.ndjson", share, seed=SEED + 101 * index)
        total.documents += stats.documents
        total.bytes += stats.bytes
        total.defects.update(stats.defects)
    on_disk = sum(path.stat().st_size for path in folder.iterdir())
    return on_disk, total


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """A LocalCluster of ``workers`` processes (one thread each, as ``--engine dask`` starts
    them), for the life of the block; its scheduler's address."""
    try:
        import distributed as imported
    except ImportError:
        raise SystemExit(
            "scaling.py needs Dask: pip install -e '.[dask]' (or '.[test]', which has it)"
        ) from None
    distributed: Any = imported  # LocalCluster.__init__ carries no annotations
    start = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    try:
        log(
            f"\n== a {workers}-worker LocalCluster at {cluster.scheduler_address}:"
            f" started in {time.perf_counter() - start:.1f} s (not in the `--scheduler` times)"
        )
        yield str(cluster.scheduler_address)
    finally:
        cluster.close()


def measure(
    folder: Path, size: int, repeat: int, with_rules: bool, partition_size: str | None
) -> tuple[dict[str, list[float]], dict[str, list[Summary]]]:
    """Every configuration's wall times over ``repeat`` interleaved rounds, and the summary of
    each of its runs."""
    command = [*conformance_command(), "validate", str(folder), "--output"]
    rules = [] if with_rules else ["--disable-rule", "all"]
    split = ["--partition-size", partition_size] if partition_size else []
    summaries: dict[str, list[Summary]] = {}
    with local_cluster(2) as address:
        configurations = {
            LOCAL: ["--engine", "local"],
            DASK_1: ["--engine", "dask", "--workers", "1", *split],
            DASK_2: ["--engine", "dask", "--workers", "2", *split],
            SCHEDULER: ["--engine", "dask", "--scheduler", address, *split],
        }

        def timed(name: str, options: list[str]) -> Callable[[], float]:
            report = folder.parent / "report.json"

            def once() -> float:
                done = run([*command, f"json={report}", *rules, *options])
                found = summary(report)
                report.unlink()
                summaries.setdefault(name, []).append(found)
                log(
                    f"   {name}: {done.seconds:.1f} s ({size / MIB / done.seconds:.0f} MiB/s),"
                    f" exit {done.returncode}, {found.documents:,} documents,"
                    f" {dict(found.counts)}" + (f"; {found.rule_counts()}" if with_rules else "")
                )
                return done.seconds

            return once

        # A running cluster's workers have imported the engine and built its schemas before:
        # one untimed run of a few small files (a task each) does that for both workers here.
        warm = folder.parent / "warm-up"
        fixture_files(warm, 8)
        done = run(
            [
                *conformance_command(),
                "validate",
                str(warm),
                "--scheduler",
                address,
                "--engine",
                "dask",
            ],
            ok=(0,),
        )
        log(f"   warm-up of its workers (8 small files, untimed): {done.seconds:.1f} s")
        measures = {name: timed(name, options) for name, options in configurations.items()}
        log(f"\n== {repeat} round(s), each running in turn: {', '.join(measures)}")
        times = interleaved(measures, repeat, warmup=0)
    return times, summaries


def differences(summaries: dict[str, list[Summary]], with_rules: bool) -> list[str]:
    """Each run whose summary is not the single process's (first run), said in a line."""
    reference = summaries[LOCAL][0].compared(with_rules)
    found = []
    for name, runs in summaries.items():
        for index, one in enumerate(runs, 1):
            theirs = one.compared(with_rules)
            for key, value in reference.items():
                if theirs[key] != value:
                    found.append(
                        f"{name}, round {index}: {key} is {theirs[key]!r},"
                        f" the single process's is {value!r}"
                    )
    return found


def table(times: dict[str, list[float]], size: int, documents: int) -> str:
    """The Markdown table: medians, rates, and the time ratios (above 1: faster)."""
    local = median(times[LOCAL])
    one_worker = median(times[DASK_1])
    lines = [
        "| configuration | wall time | MiB/s | documents/s | speed-up over one process"
        " | speed-up over 1 Dask worker |",
        "|---|---|---|---|---|---|",
    ]
    for name, values in times.items():
        seconds = median(values)
        over_worker = "-" if name == LOCAL else f"{one_worker / seconds:.2f}x"
        lines.append(
            f"| {name} | {seconds:.1f} s | {size / MIB / seconds:.1f}"
            f" | {documents / seconds:,.0f} | {local / seconds:.2f}x | {over_worker} |"
        )
    return "\n".join(lines)


def _human(size: int) -> str:
    return f"{size / 2**30:.2f} GiB" if size >= 2**30 else f"{size / MIB:.1f} MiB"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/scaling.py",
        description="Scaling of `conformance validate --engine dask` from 1 to 2 workers on a"
        " generated NDJSON corpus, against the single-process CLI. The table goes to stdout,"
        " the details to stderr; exit 1 when a run's report summary differs from the single"
        " process's.",
    )
    p.add_argument(
        "--bytes", type=parse_size, default=1 << 30, help="corpus size in all, e.g. 1G, 200M (1G)"
    )
    p.add_argument("--files", type=int, default=8, help="NDJSON files the corpus is split in (8)")
    p.add_argument("--repeat", type=int, default=3, help="timed rounds, interleaved; medians (3)")
    p.add_argument(
        "--rules",
        action="store_true",
        help="keep the contract rules on (default: --disable-rule all, for an exact comparison);"
        " their findings are then counted, not compared",
    )
    p.add_argument(
        "--partition-size",
        metavar="SIZE",
        help="passed to the Dask runs (default: the CLI's, 64 MiB)",
    )
    p.add_argument(
        "--quick", action="store_true", help="a smoke run of seconds: 32 MiB in 4 files, 1 round"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.bytes, args.files, args.repeat = 32 * MIB, 4, 1
    if args.files < 1 or args.repeat < 1 or args.bytes < args.files:
        parser().error("--files and --repeat must be at least 1, and --bytes at least --files")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    log(machine())
    log(f"cores this process may use: {cores}; command: {' '.join(conformance_command())}")
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as workdir:
        folder = Path(workdir) / "corpus"
        start = time.perf_counter()
        size, stats = generate(folder, args.bytes, args.files)
        made = time.perf_counter() - start
        defects = ", ".join(f"{n:,} {kind}" for kind, n in sorted(stats.defects.items()))
        log(
            f"\n== corpus: {args.files} NDJSON files, {size:,} bytes ({_human(size)}),"
            f" {stats.documents:,} documents; generated in {made:.1f} s"
            f" ({size / MIB / made:.0f} MiB/s); defects planted (scaled from the pools):"
            f" {defects}"
        )
        try:
            times, summaries = measure(folder, size, args.repeat, args.rules, args.partition_size)
        except ChildFailed as exc:
            log(f"\nscaling.py: a run failed: {exc}")
            return 1
    for name, values in times.items():
        log(f"   {name}: {spread(values)}")
    reference = summaries[LOCAL][0]
    wrong = differences(summaries, args.rules)
    print(f"Measured {time.strftime('%Y-%m-%d')}: {machine()}; {cores} cores for this process.")
    print(
        f"Corpus: {args.files} NDJSON files, {_human(size)} ({size:,} bytes),"
        f" {reference.documents:,} documents; generated in {made:.1f} s."
        f" {'Medians of ' + str(args.repeat) + ' rounds' if args.repeat > 1 else 'One round'},"
        f" contract rules {'on' if args.rules else 'off (--disable-rule all)'}."
    )
    if args.quick:
        print("A --quick run: too small to say anything about scaling; for smoke only.")
    print()
    print(table(times, size, reference.documents))
    print()
    scaling = median(times[DASK_1]) / median(times[DASK_2])
    print(f"Scaling, 2 workers over 1 (time ratio): {scaling:.2f}x.")
    if args.rules:
        for name, runs in summaries.items():
            print(f"- {name}: {runs[0].rule_counts()}")
    if wrong:
        log("\nscaling.py: the reports' summaries differ from the single process's:")
        for line in wrong:
            log(f"   {line}")
        return 1
    log(
        f"\nevery run's report summary is the single process's ({reference.documents:,}"
        f" documents, {dict(reference.counts)}, exit {reference.exit_code})"
        + ("; rule findings not compared" if args.rules else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
