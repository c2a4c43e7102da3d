"""``conformance generate``: documents of one schema, valid, drifted or hostile, from a seed.

For fixtures, fuzzing a client and load tests: ``conformance.strategies``' seeded generator (the
same compiled model as its Hypothesis strategies) writes NDJSON to stdout, or one
``NNNNNN.json`` file per document with ``--out DIR``. The same seed gives byte-identical output,
so a failure found with a generated corpus is reproduced by its command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from conformance.commands import inputs

NAME = "generate"
HELP = "write valid, drifted or hostile documents of a schema (NDJSON), from a seed"
DESCRIPTION = (
    "Write COUNT documents of the schema NAME (conformance schemas lists them: resources,"
    " envelopes and enums), as NDJSON on stdout or one NNNNNN.json file per document in --out"
    " DIR. --mode valid: every document validates; drifted: valid but for enum values and"
    " properties the documents do not know yet and nulls where allowed, what a"
    " forward-compatible client must survive; hostile: each document has one to three"
    " JSON-level violations (wrong types, out-of-range and huge numbers, malformed date-times"
    " and durations, empty or control-character strings); hostile-bytes: simulated responses"
    " mutated below JSON values (bad UTF-8, BOM, UTF-16, huge numbers, NaN, deep nesting,"
    " duplicate keys, date-time spellings, empty and truncated bodies, wrong content types, odd"
    " error envelopes), which need --out DIR: one raw NNNNNN.body and an NNNNNN.meta.json"
    " (status, content_type, kind) per body. The same --seed gives byte-identical output."
)
EPILOG = """\
exit codes:
  0  the documents were written
  2  usage error, an unknown schema name (close names are suggested), an --out
     folder that cannot be written, or --mode hostile-bytes without --out
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """``NAME``, ``--count``, ``--mode``, ``--seed`` and ``--out``."""
    parser.add_argument("name", metavar="NAME", help="the schema, e.g. kendra.DataSourceSyncJob")
    parser.add_argument(
        "--count",
        type=inputs.count,
        default=10,
        metavar="N",
        help="documents to write (default 10)",
    )
    parser.add_argument(
        "--mode",
        choices=["valid", "drifted", "hostile", "hostile-bytes"],
        default="valid",
        help="valid (default), drifted, hostile or hostile-bytes (needs --out)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the random seed (default 0)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write one NNNNNN.json file per document into DIR (made if missing)",
    )


def line(document: Any) -> str:
    """One document as one line of JSON: UTF-8 text as is, U+2028 and U+2029 escaped so that
    no line splitter (Python's ``str.splitlines`` included) cuts a document in two."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Generate and write; an unknown name raises the catalog's error (exit 2, close names)."""
    from conformance import strategies

    if args.mode == "hostile-bytes":
        return _bodies(args)
    documents = strategies.generate(args.name, args.count, mode=args.mode, seed=args.seed)
    if args.out is not None:
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for number, document in enumerate(documents):
                path = args.out / f"{number:06d}.json"
                path.write_bytes((line(document) + "\n").encode("utf-8"))
        except OSError as exc:
            print(f"conformance: error: {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        return 0
    # Bytes where the stream has them: the output is UTF-8 whatever the locale says.
    binary = getattr(out, "buffer", None)
    for document in documents:
        text = line(document) + "\n"
        if binary is not None:
            binary.write(text.encode("utf-8"))
        else:
            out.write(text)
    if binary is not None:
        binary.flush()
    return 0


def _bodies(args: argparse.Namespace) -> int:
    """``--mode hostile-bytes``: NNNNNN.body (raw bytes) and NNNNNN.meta.json per body."""
    from conformance import strategies

    if args.out is None:
        print(
            "conformance: error: byte-level bodies cannot be NDJSON: give --out DIR",
            file=sys.stderr,
        )
        return 2
    bodies = strategies.hostile_bodies(args.name, args.count, seed=args.seed)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for number, body in enumerate(bodies):
            (args.out / f"{number:06d}.body").write_bytes(body.body)
            meta = {"status": body.status, "content_type": body.content_type, "kind": body.kind}
            (args.out / f"{number:06d}.meta.json").write_bytes(
                (json.dumps(meta) + "\n").encode("utf-8")
            )
    except OSError as exc:
        print(f"conformance: error: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
