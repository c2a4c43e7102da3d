"""Target 4: peak memory stays flat while ``conformance validate`` reads a 1 GiB file.

Generated in a temporary folder, one at a time and deleted after its run: a 1 GiB NDJSON file
(Kendra ListDataSourceSyncJobs pages and Graph synchronizationStatus documents, in blocks) and a
1 GiB HAR 1.2 file (Kendra ``ListDataSourceSyncJobs`` calls and Graph ``GET .../jobs/{id}`` calls),
about 1% of the documents defective. Each file is validated by one ``conformance validate FILE``
process; its peak resident set size is the kernel's ``ru_maxrss`` for that child, read with
``os.wait4`` when it exits, by a bare launcher process rather than this one (see ``common.run``:
a child's ``ru_maxrss`` would otherwise start from this process's own size). The report goes to
a file (deleted too) so that the findings it printed can be counted. For reference, the peak of
validating one small file.

Then the reports: a stream of 100,000 Kendra pages, every one defective, validated with
``--format json`` and ``--format sarif`` (the formats that write one document at the end, their
results kept in a temporary file meanwhile).

Target: < 100 MiB for each 1 GiB file, and for each report.

    python benchmarks/memory.py [--bytes SIZE] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import (
    PYTHON,
    Row,
    conformance_command,
    findings_summary,
    finish,
    log,
    machine,
    run,
)
from corpus import (
    Stats,
    big_har,
    big_ndjson,
    fixture_files,
    kendra_pages,
    parse_size,
    write_ndjson,
)

TARGET_PEAK = 100 * 2**20
MIB = 2**20
# Documents of the report rows (--quick: a twentieth): each fails, so each is a result with
# its findings.
REPORT_DOCUMENTS = 100_000


def _human(size: int) -> str:
    return f"{size / 2**30:g} GiB" if size >= 2**30 else f"{size / MIB:g} MiB"


def measure(size: int, workdir: Path, documents: int = REPORT_DOCUMENTS) -> list[Row]:
    """Generate each big file in ``workdir``, validate it, delete it; the summary rows."""
    command = conformance_command()
    small = fixture_files(workdir / "small", 1)[0]
    reference = run([*command, "validate", str(small)], peak=True)
    assert reference.peak is not None
    bare = run([PYTHON, "-c", "pass"], peak=True)
    assert bare.peak is not None
    log(
        f"\n== one small file ({small.stat().st_size} bytes): peak {reference.peak / MIB:.1f} MiB"
        f" (`python -c pass`: {bare.peak / MIB:.1f} MiB)"
    )
    rows = [
        Row(
            "peak RSS, `validate` one small file",
            f"{reference.peak / MIB:.1f} MiB",
            "(reference)",
            "1.00x small-file peak",
            None,
        )
    ]
    makers: dict[str, Callable[[Path, int], Stats]] = {"NDJSON": big_ndjson, "HAR": big_har}
    for label, make in makers.items():
        path = workdir / f"big.{label.lower()}"
        start = time.perf_counter()
        stats = make(path, size)
        made = time.perf_counter() - start
        log(
            f"\n== {label}: {stats.bytes / MIB:.0f} MiB, {stats.documents:,} documents"
            f" ({stats.defective:,} defective, scaled from the pool);"
            f" generated in {made:.1f} s ({stats.bytes / MIB / made:.0f} MiB/s)"
        )
        report = workdir / "report.txt"
        with open(report, "wb") as out:
            done = run([*command, "validate", str(path)], stdout=out, peak=True)
        assert done.peak is not None
        summary, findings = findings_summary(report)
        report.unlink()
        path.unlink()
        rate = stats.bytes / MIB / done.seconds
        log(
            f"   validate: {done.seconds:.1f} s ({rate:.0f} MiB/s), peak {done.peak / MIB:.1f} MiB,"
            f" exit {done.returncode}"
        )
        log(f"   report: {summary!r}; {findings:,} findings")
        rows.append(
            Row(
                f"peak RSS, `validate` {_human(size)} {label}",
                f"{done.peak / MIB:.1f} MiB ({done.seconds:.0f} s, {rate:.0f} MiB/s);"
                f" {findings:,} findings printed",
                f"< {TARGET_PEAK // MIB} MiB",
                f"{done.peak / reference.peak:.2f}x small-file peak",
                done.peak < TARGET_PEAK,
            )
        )
    rows.extend(_reports(workdir, command, reference.peak, documents))
    return rows


def _reports(workdir: Path, command: list[str], reference: int, documents: int) -> list[Row]:
    """Peak RSS of the JSON and SARIF reports of a stream in which every document fails: the
    reports keep their results in a temporary file, so memory must not follow the findings."""
    path = workdir / "failing.ndjson"
    stats = Stats()
    write_ndjson(path, kendra_pages(documents, invalid_rate=1.0, stats=stats), stats)
    log(f"\n== reports: {stats.documents:,} Kendra pages, every one defective")
    rows = []
    for fmt in ("json", "sarif"):
        report = workdir / f"report.{fmt}"
        with open(report, "wb") as out:
            argv = [*command, "validate", str(path), "--format", fmt, "--disable-rule", "all"]
            done = run(argv, stdout=out, peak=True)
        assert done.peak is not None
        written = report.stat().st_size
        report.unlink()
        log(
            f"   --format {fmt}: {done.seconds:.1f} s, peak {done.peak / MIB:.1f} MiB,"
            f" report {written / MIB:.0f} MiB"
        )
        rows.append(
            Row(
                f"peak RSS, `validate --format {fmt}`, {stats.documents:,} failing documents",
                f"{done.peak / MIB:.1f} MiB ({done.seconds:.0f} s);"
                f" a {written / MIB:.0f} MiB report",
                f"< {TARGET_PEAK // MIB} MiB",
                f"{done.peak / reference:.2f}x small-file peak",
                done.peak < TARGET_PEAK,
            )
        )
    path.unlink()
    return rows


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/memory.py",
        description="Target 4: peak memory of `conformance validate` on a 1 GiB NDJSON and HAR.",
    )
    p.add_argument(
        "--bytes",
        type=parse_size,
        default=1 << 30,
        help="size of each big file, e.g. 1G, 200M (1G)",
    )
    p.add_argument("--quick", action="store_true", help="a small smoke run (seconds)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.bytes = 16 * MIB
    log(machine())
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as workdir:
        documents = REPORT_DOCUMENTS // 20 if args.quick else REPORT_DOCUMENTS
        rows = measure(args.bytes, Path(workdir), documents)
    return finish(rows)


if __name__ == "__main__":
    sys.exit(main())
