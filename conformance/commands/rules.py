"""``conformance rules``: the contract rules beyond the schemas, with severity and source.

Each rule is listed with its id (for ``--disable-rule`` and ``[tool.conformance]
disable-rules``), its severity (error fails a run, warning only a strict one), the resource it
applies to, what it says, and what it rests on: a sentence of a vendor document, or the
reasoning where it is inferred. The rules considered and not checked follow, with why.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, TextIO

NAME = "rules"
HELP = "list the contract rules beyond the schemas (cross-field and series), with their sources"
DESCRIPTION = (
    "List the contract rules that validate checks beyond the JSON Schemas: document rules"
    " (across the fields of one resource, e.g. a FAILED Kendra job has an ErrorCode) and series"
    " rules (across the documents of a recording, in order: an execution's Status follows the"
    " lifecycle table, counters do not go backwards, executions do not overlap, page links do"
    " not cycle). Each has an id (--disable-rule ID switches it off), a severity (error fails a"
    " run, warning only with --strict), the resource it applies to and its source: a sentence of"
    " a vendor document, or inferred with the reasoning. The rules considered and rejected"
    " follow, with why."
)
EPILOG = """\
exit codes:
  0  the rules were listed
  2  usage error
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """``--format``."""
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="text (default), json (one object: rules and rejected) or markdown (tables)",
    )


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """List the rules in the format asked for."""
    from conformance import rules

    listed = list(rules.listing())
    if args.format == "json":
        data: dict[str, Any] = {
            "rules": [
                {
                    "id": r.id,
                    "severity": r.severity,
                    "kind": "series" if r.series else "document",
                    "applies_to": r.applies_to.split(),
                    "statement": r.statement,
                    "source": r.source,
                    "inferred": r.inferred,
                }
                for r in listed
            ],
            "rejected": [{"rule": rule, "why": why} for rule, why in rules.REJECTED],
        }
        out.write(json.dumps(data, indent=2) + "\n")
    elif args.format == "markdown":
        out.write("| id | severity | kind | applies to | rule | source |\n")
        out.write("|---|---|---|---|---|---|\n")
        for r in listed:
            basis = r.source or ""
            if r.inferred:
                basis = f"{basis}; inferred: {r.inferred}" if basis else f"inferred: {r.inferred}"
            kind = "series" if r.series else "document"
            out.write(
                f"| `{r.id}` | {r.severity} | {kind} | {', '.join(r.applies_to.split())} |"
                f" {r.statement} | {_cell(basis)} |\n"
            )
        out.write("\nConsidered and not checked:\n\n")
        for rule, why in rules.REJECTED:
            out.write(f"- {rule}: {why}\n")
    else:
        for heading, series in (("document rules", False), ("series rules", True)):
            out.write(f"{heading}:\n")
            for r in (r for r in listed if r.series is series):
                out.write(f"  {r.id}  [{r.severity}]  {', '.join(r.applies_to.split())}\n")
                out.write(f"      {r.statement}\n")
                if r.source:
                    out.write(f"      source: {r.source}\n")
                if r.inferred:
                    out.write(f"      inferred: {r.inferred}\n")
            out.write("\n")
        out.write("considered and not checked:\n")
        for rule, why in rules.REJECTED:
            out.write(f"  {rule}\n      {why}\n")
    return 0


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
