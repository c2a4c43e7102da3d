"""``conformance openapi``: OpenAPI 3.1 descriptions of the sync-job endpoints, from the catalog.

For tools that read OpenAPI rather than a catalog of JSON Schemas: schemathesis (``conformance
contract`` uses these), API gateways, mock servers, client generators. Printed as JSON, or
written as ``graph.json`` and ``kendra.json`` into a folder; ``--schemas DIR`` puts derived
schemas on top of the shipped ones, as every command that validates does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from conformance.commands import inputs

NAME = "openapi"
HELP = "print or write the OpenAPI 3.1 descriptions of the sync-job endpoints"
DESCRIPTION = (
    "Print the OpenAPI 3.1 description of Graph's sync-job endpoints (GET"
    " /beta/servicePrincipals/{id}/synchronization/jobs and .../jobs/{jobId}) or of Kendra's"
    " ListDataSourceSyncJobs (POST / with X-Amz-Target, AWS JSON 1.1), made from the catalog:"
    " its schemas under components/schemas with every constraint as the catalog has it. With"
    " --out DIR, write graph.json and kendra.json (or the one --service names) into DIR. The"
    " package ships them made from the shipped schemas."
)
EPILOG = """\
exit codes:
  0  the descriptions were printed or written
  2  usage error, a schema folder that cannot be loaded, or an --out folder that
     cannot be written

examples:
  conformance openapi --service kendra
  conformance openapi --out openapi/
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """``--service``, ``--out`` and ``--schemas``."""
    parser.add_argument(
        "--service",
        choices=["graph", "kendra", "all"],
        default=None,
        help="the description to print or write: graph, kendra or all (default: graph when"
        " printing, all with --out)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write SERVICE.json files into DIR (made if missing) instead of printing",
    )
    inputs.add_schemas_option(parser)


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Describe and print or write."""
    from conformance import openapi

    service = args.service or ("all" if args.out is not None else "graph")
    if service == "all" and args.out is None:
        parser.error("--service all writes two files: give --out DIR, or name one service")
    catalog = inputs.load_catalog(args.schemas)
    services = tuple(name for name in openapi.SERVICES if service in ("all", name))
    texts = {name: openapi.dumps(openapi.describe(name, catalog)) for name in services}
    if args.out is None:
        out.write(next(iter(texts.values())))
        return 0
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (args.out / f"{name}.json").write_bytes(text.encode("utf-8"))
    except OSError as exc:
        print(f"conformance: error: {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
