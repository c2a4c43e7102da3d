"""Targets 1 and 2: NDJSON throughput of ``conformance validate``, as whole processes.

For each of two generated NDJSON files (>= 100,000 Kendra ListDataSourceSyncJobs pages; >= 100,000
Graph synchronizationStatus documents; about 1% of each defective), measured side by side, rounds
interleaved, medians taken:

- ``conformance validate FILE`` (output to /dev/null), the whole process, start-up included;
- ``conformance validate --jobs 2 FILE``, likewise;
- the floor any validator of this file must pay: a ``python -c`` process that reads the file and
  ``orjson.loads`` each line, nothing more, timed the same way;
- the ``jsonschema`` library in this process: ``Draft202012Validator`` built once over the
  project's schemas and their ``referencing`` registry, ``is_valid`` on a subset of the parsed
  documents (parsing not timed). Its ``pattern`` keyword is given the ``regex`` module, since
  Python's ``re`` cannot compile Kendra's ``^\\P{C}*$``; formats are not checked (the library's
  default), so this baseline does less work than ``conformance`` does.

Targets: validate >= 0.4x the orjson-only documents/s, and >= 100x jsonschema's; with ``--jobs 2``
>= 0.75x the orjson-only figure. For reference, the same two ``validate`` commands run on the same
documents without their defects (a file generated beside the other), which tells what the
failure path costs. A last, untimed run writes the report to a file to count the findings it
printed.

    python benchmarks/throughput.py [--documents N] [--subset N] [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from common import (
    PYTHON,
    Row,
    conformance_command,
    findings_summary,
    finish,
    has_jobs_option,
    interleaved,
    log,
    machine,
    median,
    run,
    spread,
    timer,
)
from corpus import Stats, graph_statuses, kendra_pages, write_ndjson

ORJSON_ONLY = (
    "import sys, orjson\n"
    "loads = orjson.loads\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for line in f:\n"
    "        loads(line)\n"
)
# Used only while the CLI has no --jobs option: the same pipeline, without the text report.
PIPELINE_JOBS = (
    "import sys\n"
    "from conformance.pipeline import Options, Pipeline\n"
    "for _ in Pipeline(Options(jobs=int(sys.argv[2]))).run([sys.argv[1]]):\n"
    "    pass\n"
)

TARGET_ORJSON = 0.4
TARGET_JSONSCHEMA = 100.0
TARGET_JOBS = 0.75
JOBS = 2

CORPORA: dict[str, tuple[str, Callable[..., Iterator[dict[str, Any]]], str]] = {
    "kendra": ("Kendra pages", kendra_pages, "kendra.ListDataSourceSyncJobsResponse"),
    "graph": ("Graph statuses", graph_statuses, "graph.synchronizationStatus"),
}


def plain_jsonschema(schema_name: str) -> Callable[[Any], bool]:
    """``Draft202012Validator(schema, registry=...)``'s ``is_valid``, ``pattern`` on ``regex``."""
    import regex
    from jsonschema import Draft202012Validator, ValidationError, validators

    from conformance.catalog import default_catalog

    def pattern(validator: Any, expected: str, instance: Any, schema: Any) -> Iterator[Any]:
        if validator.is_type(instance, "string") and not regex.search(expected, instance):
            yield ValidationError(f"{instance!r} does not match {expected!r}")

    catalog = default_catalog()
    extend: Any = validators.extend  # untyped in the stubs
    validator = extend(Draft202012Validator, {"pattern": pattern})(
        catalog.schema(schema_name), registry=catalog.registry
    )
    is_valid: Callable[[Any], bool] = validator.is_valid
    return is_valid


def _jsonschema_timer(path: Path, schema: str, subset: int) -> tuple[Callable[[], float], int]:
    with open(path, "rb") as stream:
        documents = [orjson.loads(line) for line in itertools.islice(stream, subset)]
    is_valid = plain_jsonschema(schema)

    def measure() -> float:
        start = time.perf_counter()
        for document in documents:
            is_valid(document)
        return time.perf_counter() - start

    return measure, len(documents)


def measure(documents: int, subset: int, repeat: int, workdir: Path, jobs: int = JOBS) -> list[Row]:
    """Generate both corpora in ``workdir``, measure them, and return the summary rows."""
    command = conformance_command()
    cli_jobs = has_jobs_option()
    if not cli_jobs:
        log(
            "NOTE: `conformance validate` has no --jobs option yet; --jobs figures are measured"
            " through conformance.pipeline.Pipeline(Options(jobs=N)) in `python -c` instead."
        )
    rows: list[Row] = []
    for key, (label, generate, schema) in CORPORA.items():
        path, clean = workdir / f"{key}.ndjson", workdir / f"{key}-clean.ndjson"
        stats = Stats()
        start = time.perf_counter()
        write_ndjson(path, generate(documents, stats=stats), stats)
        write_ndjson(clean, generate(documents, invalid_rate=0))
        log(
            f"\n== {label}: {stats.documents} documents, {stats.bytes / 2**20:.1f} MiB,"
            f" {stats.defective} defective ({_kinds(stats)}); generated, with the same file"
            f" without defects, in {time.perf_counter() - start:.1f} s"
        )
        validate = [*command, "validate", str(path)]

        def parallel(file: Path) -> list[str]:
            if cli_jobs:
                return [*command, "validate", "--jobs", str(jobs), str(file)]
            return [PYTHON, "-c", PIPELINE_JOBS, str(file), str(jobs)]

        schema_timer, schema_docs = _jsonschema_timer(path, schema, subset)
        times = interleaved(
            {
                "orjson-only": timer([PYTHON, "-c", ORJSON_ONLY, str(path)]),
                "validate": timer(validate),
                f"validate --jobs {jobs}": timer(parallel(path)),
                f"jsonschema ({schema_docs} documents)": schema_timer,
                "validate, without defects": timer([*command, "validate", str(clean)]),
                f"validate --jobs {jobs}, without defects": timer(parallel(clean)),
            },
            repeat,
        )
        for name, values in times.items():
            log(f"   {name:<40} {spread(values)}")
        t_orjson, t_validate, t_jobs, t_schema, t_clean, t_clean_jobs = (
            median(v) for v in times.values()
        )
        rate_orjson = stats.documents / t_orjson
        rate_validate = stats.documents / t_validate
        rate_jobs = stats.documents / t_jobs
        rate_schema = schema_docs / t_schema
        rate_clean = stats.documents / t_clean
        rate_clean_jobs = stats.documents / t_clean_jobs
        mib = stats.bytes / 2**20
        with tempfile.NamedTemporaryFile(dir=workdir, suffix=".txt") as report:
            out = run(validate, stdout=report)
            summary, findings = findings_summary(Path(report.name))
        log(f"   report (exit {out.returncode}): {summary!r}; {findings} findings")
        log(f"   planted defects: {stats.defective}")
        log(
            f"   the {stats.defective} defective documents cost {t_validate - t_clean:.3f} s,"
            f" {(t_validate - t_clean) / max(stats.defective, 1) * 1e3:.2f} ms each (their"
            " findings printed included)"
        )
        log(
            f"   parsing alone (orjson-only) is {rate_orjson / rate_schema:.0f}x jsonschema:"
            f" the ceiling of the jsonschema ratio for a process that parses with orjson"
        )
        jobs_label = f"`validate --jobs {jobs}`" + ("" if cli_jobs else " (via Pipeline API)")
        rows += [
            Row(
                f"`validate` {label} ({stats.documents:,} docs, 1 process)",
                f"{rate_validate:,.0f} docs/s ({mib / t_validate:.0f} MiB/s);"
                f" {findings} findings printed",
                f">= {TARGET_ORJSON}x orjson-only",
                f"{rate_validate / rate_orjson:.2f}x orjson-only ({rate_orjson:,.0f} docs/s)",
                rate_validate / rate_orjson >= TARGET_ORJSON,
            ),
            Row(
                f"`validate` {label} vs plain jsonschema",
                f"{rate_validate:,.0f} vs {rate_schema:,.0f} docs/s",
                f">= {TARGET_JSONSCHEMA:.0f}x jsonschema",
                f"{rate_validate / rate_schema:,.0f}x jsonschema"
                f" (orjson-only: {rate_orjson / rate_schema:,.0f}x)",
                rate_validate / rate_schema >= TARGET_JSONSCHEMA,
            ),
            Row(
                f"{jobs_label} {label}",
                f"{rate_jobs:,.0f} docs/s ({mib / t_jobs:.0f} MiB/s)",
                f">= {TARGET_JOBS}x orjson-only",
                f"{rate_jobs / rate_orjson:.2f}x orjson-only",
                rate_jobs / rate_orjson >= TARGET_JOBS,
            ),
            Row(
                f"`validate` {label}, the same without defects",
                f"{rate_clean:,.0f} docs/s",
                "(reference)",
                f"{rate_clean / rate_orjson:.2f}x orjson-only",
                None,
            ),
            Row(
                f"{jobs_label} {label}, the same without defects",
                f"{rate_clean_jobs:,.0f} docs/s",
                "(reference)",
                f"{rate_clean_jobs / rate_orjson:.2f}x orjson-only",
                None,
            ),
        ]
        path.unlink()
        clean.unlink()
    return rows


def _kinds(stats: Stats) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(stats.defects.items())) or "none"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python benchmarks/throughput.py",
        description="Targets 1 and 2: NDJSON throughput of `conformance validate` (whole process)"
        " against an orjson-only reader and plain jsonschema.",
    )
    p.add_argument("--documents", type=int, default=100_000, help="documents per file (100,000)")
    p.add_argument("--subset", type=int, default=2_000, help="documents for jsonschema (2,000)")
    p.add_argument("--repeat", type=int, default=7, help="timed rounds per figure (7)")
    p.add_argument("--quick", action="store_true", help="a small smoke run (seconds)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.quick:
        args.documents, args.subset, args.repeat = 5_000, 200, 2
    log(machine())
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as workdir:
        rows = measure(args.documents, args.subset, args.repeat, Path(workdir))
    return finish(rows)


if __name__ == "__main__":
    sys.exit(main())
