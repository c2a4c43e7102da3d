"""Target 3: many small fixture files in one call, and one small file end to end.

Generated in a temporary folder: 1,000 small, valid, pretty-printed fixture files (a few hundred
bytes each, Graph synchronizationStatus documents, Kendra ListDataSourceSyncJobs pages and single
DataSourceSyncJobs, in turn) and one more small file alone in a folder of its own. Measured side
by side, rounds interleaved, medians taken, each a whole process with its output to /dev/null:

- ``conformance validate DIR``: all the fixture files in one call; target >= 5,000 files/s;
- ``conformance validate one.json``: target < 0.15 s (median of >= 10 runs);
- ``python -c pass`` with the same interpreter: the start-up no command can beat, for reference.

    python benchmarks/files.py [--files N] [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from common import (
    PYTHON,
    Row,
    conformance_command,
    findings_summary,
    finish,
    interleaved,
    log,
    machine,
    median,
    run,
    spread,
    timer,
)
from corpus import fixture_files

TARGET_FILES_PER_SECOND = 5_000
TARGET_ONE_FILE = 0.15


def measure(files: int, repeat: int, workdir: Path) -> list[Row]:
    """Generate the fixtures in ``workdir``, measure, and return the summary rows."""
    folder = workdir / "fixtures"
    paths = fixture_files(folder, files)
    single = workdir / "one" / "one.json"
    single.parent.mkdir()
    shutil.copyfile(paths[0], single)
    total = sum(p.stat().st_size for p in paths)
    log(f"\n== {len(paths)} fixture files, {total / len(paths):.0f} bytes each on average")
    command = conformance_command()
    on_folder = [*command, "validate", str(folder)]
    on_one = [*command, "validate", str(single)]
    times = interleaved(
        {
            "python -c pass": timer([PYTHON, "-c", "pass"]),
            "validate one.json": timer(on_one),
            f"validate DIR ({len(paths)} files)": timer(on_folder),
        },
        repeat,
    )
    for name, values in times.items():
        log(f"   {name:<34} {spread(values)}")
    t_pass, t_one, t_folder = (median(v) for v in times.values())
    with tempfile.NamedTemporaryFile(dir=workdir, suffix=".txt") as report:
        out = run(on_folder, stdout=report)
        summary, findings = findings_summary(Path(report.name))
    log(f"   report (exit {out.returncode}): {summary!r}; {findings} findings")
    rate = len(paths) / t_folder
    return [
        Row(
            f"`validate DIR` ({len(paths):,} fixture files, one process)",
            f"{rate:,.0f} files/s ({t_folder:.3f} s); {findings} findings printed",
            f">= {TARGET_FILES_PER_SECOND:,} files/s",
            f"{rate / TARGET_FILES_PER_SECOND:.2f}x target",
            rate >= TARGET_FILES_PER_SECOND and out.returncode == 0,
        ),
        Row(
            "`validate one.json` end to end",
            f"{t_one:.3f} s (median of {len(times['validate one.json'])})",
            f"< {TARGET_ONE_FILE} s",
            f"{t_one / t_pass:.1f}x `python -c pass` ({t_pass:.3f} s)",
            t_one < TARGET_ONE_FILE,
        ),
    ]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/files.py",
        description="Target 3: `conformance validate` on a folder of small files, and on one.",
    )
    p.add_argument("--files", type=int, default=1_000, help="fixture files (1,000)")
    p.add_argument("--repeat", type=int, default=15, help="timed rounds per figure (15)")
    p.add_argument("--quick", action="store_true", help="a small smoke run (seconds)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.files, args.repeat = 200, 3
    log(machine())
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as workdir:
        rows = measure(args.files, args.repeat, Path(workdir))
    return finish(rows)


if __name__ == "__main__":
    sys.exit(main())
