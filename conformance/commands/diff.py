"""``conformance diff OLD NEW``: what changed between two versions of the schemas, for a client.

Each change is classified as a client that receives the responses sees it (``ERR``, ``WARN``,
``INFO``; rule ids after oasdiff's), so that a pull request that re-derives the schemas, or
replaces them with a folder of derived ones, says in CI what it means for the services' users.
The analysis is ``conformance.schemadiff``; this module parses, renders and sets the exit code.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

NAME = "diff"
HELP = "classify the changes between two versions of the schemas"
DESCRIPTION = (
    "Compare two versions of the schemas and classify each change as a client receiving the"
    " responses sees it: ERR (what it relied on may break it: a type changed, a property became"
    " nullable or optional), WARN (it may receive what it does not know: an enum value, a"
    " property, a looser bound) or INFO (it receives less: a value or an optional property"
    " removed, a constraint tightened). Rule ids follow oasdiff's"
    " (response-property-enum-value-added, response-property-became-nullable, ...). OLD and NEW"
    " are each a schema file (its $refs resolved among the shipped schemas), a folder of"
    " schema files, or the name of a shipped schema (kendra.DataSourceSyncJob). Types are"
    " paired by name, former name and the property path that reaches them; the pairs are"
    " listed."
)
EPILOG = """\
exit codes:
  0  no change at or above the --fail-on level (default ERR)
  1  a change at or above the --fail-on level
  2  usage error, or an OLD or NEW that cannot be read (a missing file, a file that
     is not JSON, an unknown schema name: the message names it)
"""
LEVELS = ("ERR", "WARN", "INFO")


def configure(parser: argparse.ArgumentParser) -> None:
    """``OLD NEW``, ``--fail-on`` and ``--format``."""
    parser.add_argument("old", metavar="OLD", help="schema file, folder of schemas, or name")
    parser.add_argument("new", metavar="NEW", help="schema file, folder of schemas, or name")
    parser.add_argument(
        "--fail-on",
        choices=LEVELS,
        default="ERR",
        type=str.upper,
        help="exit 1 when a change at this level or above is found (default: ERR)",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="text (default), json (its schema ships as"
        " conformance/report/schemadiff.schema.json) or markdown (a table, for a job summary or"
        " a pull-request comment)",
    )


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Read both sides, compare, print the report; exit 1 on a change at ``--fail-on``."""
    from conformance import load_catalog
    from conformance.schemadiff import diff, load_schemas, to_json, to_markdown, to_text

    catalog = load_catalog()
    result = diff(load_schemas(args.old, catalog), load_schemas(args.new, catalog))
    if args.format == "json":
        data = {"command": NAME, "fail_on": args.fail_on, **to_json(result)}
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        out.write(to_markdown(result))
    else:
        out.write(to_text(result))
    return 1 if result.at_least(args.fail_on) else 0
