"""``conformance fuzz``: run an external client, in any language, on generated documents.

A non-zero exit, a signal or a timeout is a failure. Failures are grouped by signature (how the
run ended plus the last line of the client's stderr, normalised), each is shrunk to a small
reproducer saved in ``--out DIR`` with the seed that replays it (``conformance.fuzzing``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from conformance.commands import inputs

NAME = "fuzz"
HELP = "run a client command on generated documents; report and shrink each distinct failure"
DESCRIPTION = (
    "Run CMD once per generated document of the schema NAME (documents as conformance"
    " generate makes them, from --seed). {file} in CMD is replaced by the path of a file"
    " holding the document (shell-quoted); without {file} the document is written to the"
    " client's stdin. A non-zero exit, a signal or a run longer than --timeout seconds is a"
    " failure. Failures are told apart by their signature: the exit code, signal or timeout plus"
    " the last non-empty line of the client's stderr (of its stdout if stderr is empty), with"
    " numbers, hex addresses and paths normalised. Each distinct failure is reported once and"
    " shrunk, keeping its signature, to a small reproducer: --out DIR/<n>.json holds the bytes"
    " the client received, <n>.meta.json the schema, mode, seed, index, exit, signal and"
    " signature. Each run simulates a response: {status} and {content_type} in CMD and the"
    " environment variables CONFORMANCE_STATUS and CONFORMANCE_CONTENT_TYPE carry its status and"
    " content type (200 and application/json but in --mode hostile-bytes, whose raw bodies are"
    " saved as they are, <n>.body, not shrunk)."
)
EPILOG = """\
exit codes:
  0  the client never failed
  1  the client failed on at least one document (each distinct failure is listed)
  2  usage error, an unknown schema name, or an --out folder that cannot be written

example:
  conformance fuzz graph.synchronizationJob --cmd 'node client.js {file}' --mode drifted
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """``NAME``, ``--cmd``, ``--mode``, ``--max-examples``, ``--seed``, ``--timeout``,
    ``--jobs`` and ``--out``."""
    parser.add_argument("name", metavar="NAME", help="the schema, e.g. kendra.DataSourceSyncJob")
    parser.add_argument(
        "--cmd",
        required=True,
        metavar="CMD",
        help="the client command; {file} is the document's path, else it reads stdin",
    )
    parser.add_argument(
        "--mode",
        choices=["valid", "drifted", "hostile", "hostile-bytes"],
        default="hostile",
        help="valid, drifted, hostile (default) documents or hostile-bytes bodies",
    )
    parser.add_argument(
        "--max-examples",
        type=inputs.positive,
        default=100,
        metavar="N",
        help="documents to run the client on (default 100)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the random seed (default 0)"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="a run longer than this is a failure and is killed (default 10)",
    )
    parser.add_argument(
        "--jobs",
        type=inputs.positive,
        default=1,
        metavar="N",
        help="clients run at once (default 1)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("fuzz-failures"),
        metavar="DIR",
        help="where reproducers are saved (default fuzz-failures/)",
    )


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Fuzz, print each distinct failure once and a summary."""
    from conformance import fuzzing

    try:
        report = fuzzing.fuzz(
            args.name,
            args.cmd,
            mode=args.mode,
            max_examples=args.max_examples,
            seed=args.seed,
            timeout=args.timeout,
            jobs=args.jobs,
            out=args.out,
        )
    except FileNotFoundError as exc:  # the client's program does not exist
        print(f"conformance: error: {exc.filename or exc}: not found", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"conformance: error: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    for number, failure in enumerate(report.failures, 1):
        print(f"failure {number}: {failure.signature}", file=out)
        print(f"  {failure.kind}, {failure.count} of {report.runs} documents", file=out)
        if failure.body_kind is not None:
            print(
                f"  body: {failure.body_kind}, status {failure.status},"
                f" content type {failure.content_type or '(none)'}",
                file=out,
            )
            print(
                f"  reproducer: {failure.path} ({len(failure.reproducer)} bytes, as is:"
                " byte-level bodies are not shrunk)",
                file=out,
            )
        else:
            print(
                f"  reproducer: {failure.path} ({len(failure.reproducer)} bytes, shrunk from"
                f" {len(failure.original)} in {failure.shrink_runs} runs)",
                file=out,
            )
        print(
            f"  replay: --seed {report.seed} --max-examples {failure.index + 1}"
            f" (document {failure.index})",
            file=out,
        )
    failed = sum(f.count for f in report.failures)
    print(
        f"{report.runs} documents, {failed} failed: {len(report.failures)} distinct failures",
        file=out,
    )
    return 1 if report.failures else 0
