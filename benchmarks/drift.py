"""What ``conformance drift`` costs over ``conformance validate``, on the same NDJSON corpus.

``drift`` reads the value at every enum-typed location of every validated resource, conforming
ones included (through ``Options.observer``), where ``validate`` lets a conforming NDJSON line go
after one engine verdict. This script measures both as whole processes on one generated file of
Kendra ListDataSourceSyncJobs pages (about 1% defective: violations and drift), rounds
interleaved, medians taken, and prints them side by side with the ratio. It also times
``validate`` again, so that the observer hook is seen to cost the bulk path nothing when unset.

    python benchmarks/drift.py [--documents N] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import conformance_command, interleaved, median, spread, timer
from corpus import kendra_pages, write_ndjson


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200_000, help="NDJSON lines (200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (3)")
    args = parser.parse_args(argv)
    command = conformance_command()
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "kendra.ndjson"
        stats = write_ndjson(path, kendra_pages(args.documents))
        size = path.stat().st_size
        print(f"corpus: {args.documents:,} Kendra pages, {size / 2**20:.1f} MiB", file=sys.stderr)
        times = interleaved(
            {
                "validate": timer([*command, "validate", str(path)]),
                "drift": timer([*command, "drift", str(path), "--fail-on", "never"]),
            },
            args.repeat,
        )
    del stats
    for name, values in times.items():
        print(f"{name}: {spread(values)}", file=sys.stderr)
    validate, drift = median(times["validate"]), median(times["drift"])
    n = args.documents
    print("| command | seconds | documents/s |")
    print("|---|---:|---:|")
    print(f"| `conformance validate` | {validate:.2f} | {n / validate:,.0f} |")
    print(f"| `conformance drift` | {drift:.2f} | {n / drift:,.0f} |")
    print(f"\ndrift / validate: {drift / validate:.2f}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
