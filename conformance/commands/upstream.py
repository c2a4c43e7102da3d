"""``conformance upstream``: our schemas against a vendor's machine-readable model.

The vendors change their services before their pages: a new enum value or property reaches the
model (botocore's Kendra model, Graph's CSDL) first. This command reads a model with the derive
step's readers, derives schemas from it alone (``conformance.derive.derive_models``, the same
type table as ``derive``), and diffs ours against them (``conformance.schemadiff``), keeping
only what a model can say: enum values, properties, types, formats, nullability, lengths,
ranges and patterns. It exits 1 when anything differs, so that a scheduled CI job watches the
vendors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from conformance.commands import inputs

NAME = "upstream"
HELP = "compare our schemas with a vendor's model (botocore, Graph CSDL)"
DESCRIPTION = (
    "Compare our schemas (the shipped ones, with --schemas DIR on top) with a vendor's"
    " machine-readable model, read as 'derive' reads it: AWS with --botocore (a service-2.json,"
    " or without one the installed botocore's Kendra model), Microsoft Graph with --csdl (a"
    " whole $metadata document or a fragment). Reports, both ways, the enum values,"
    " properties, types, formats, nullability, lengths, ranges and patterns one side has and"
    " the other lacks, and lists how types were matched (by name, or by the property path that"
    " reaches them). Types a model fragment refers to but lacks are taken from the shipped"
    " overlay and not compared."
)
EPILOG = """\
exit codes:
  0  the model says what our schemas say
  1  something differs (listed)
  2  usage error, a model or --schemas folder that cannot be read (file and line),
     or --botocore without a file and no botocore installed
     (pip install 'sync-conformance[aws]')
"""
# Our schemas are OLD, the model NEW: "added" is what the model has and ours lacks.
SIDES = ("ours", "the model")


def configure(parser: argparse.ArgumentParser) -> None:
    """``--botocore [MODEL_FILE]``, ``--csdl FILE``, ``--schemas DIR`` and ``--format``."""
    parser.add_argument(
        "--botocore",
        nargs="?",
        const="installed",
        metavar="MODEL_FILE",
        help="a botocore service model (service-2.json); without a file, the installed"
        " botocore's Kendra model (pip install 'sync-conformance[aws]')",
    )
    parser.add_argument(
        "--csdl",
        type=Path,
        metavar="FILE",
        help="Microsoft Graph CSDL: a $metadata document or a fragment, with or without the"
        " EDMX wrapper and namespaces",
    )
    parser.add_argument(
        "--schemas",
        type=Path,
        metavar="DIR",
        help="a folder of derived schemas on top of the shipped ones, compared instead of them",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="text (default), json (its schema ships as"
        " conformance/report/schemadiff.schema.json) or markdown",
    )


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Derive the model's schemas, diff ours against them, print; exit 1 on any difference."""
    if not args.botocore and args.csdl is None:
        parser.error("give a model: --botocore [MODEL_FILE] and/or --csdl FILE")
    from dataclasses import replace

    from conformance import DerivationError, load_catalog
    from conformance.derive import Page, derive_models, installed_model, shipped_overlay
    from conformance.schemadiff import (
        MODEL_ASPECTS,
        SchemaSet,
        diff,
        to_json,
        to_markdown,
        to_text,
    )

    catalog = load_catalog(args.schemas)
    for note in catalog.notes:
        print(f"conformance: note: {note}", file=sys.stderr)
    models: list[Page] = []
    aspects = set(MODEL_ASPECTS)
    if args.csdl is not None:
        models.append(Page(args.csdl.name, inputs.read_text(args.csdl), str(args.csdl)))
    if args.botocore == "installed":
        name, text = installed_model("kendra")
        models.append(Page(name, text, name))
    elif args.botocore:
        path = Path(args.botocore)
        models.append(Page(path.name, inputs.read_text(path), str(path)))
    if args.botocore:
        aspects.add("required")  # botocore says which members are required; CSDL does not
    # Of the model, the types we have (by name and former name) and what they reach.
    roots = {n.split(".", 1)[1] for e in catalog for n in (e.name, *e.aliases) if "." in n}
    derived = derive_models(models, roots, shipped_overlay())
    theirs = {n: s for n, s in derived.schemas.items() if n not in derived.filled}
    if not theirs:
        raise DerivationError(
            models[0].name, 1, "the model defines none of our types (nothing to compare)"
        )
    vendors = {n.split(".", 1)[0] for n in theirs}
    ours_label = str(args.schemas) + " on the shipped schemas" if args.schemas else "shipped"
    ours = SchemaSet.from_catalog(catalog, label=ours_label)
    # Only our schemas of the model's vendors: a Graph model says nothing of Kendra.
    ours = replace(
        ours,
        schemas={n: s for n, s in ours.schemas.items() if n.split(".", 1)[0] in vendors},
        aliases={a: n for a, n in ours.aliases.items() if n.split(".", 1)[0] in vendors},
    )
    model = SchemaSet.of(theirs, label=", ".join(m.origin or m.name for m in models))
    # What only we have is no difference (not an aspect compared): a model fragment holds a
    # handful of types, and our catalog has envelopes of our own (a Graph collection page).
    result = diff(ours, model, aspects)
    if derived.filled:
        note = (
            f"{', '.join(derived.filled)}: not in the model; taken from the shipped overlay"
            " (as derive does) and not compared"
        )
        result = replace(result, notes=(note,))
    if args.format == "json":
        data = {"command": NAME, **to_json(result, SIDES)}
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        out.write(to_markdown(result, SIDES))
    else:
        out.write(to_text(result, SIDES))
    return 1 if result.changes else 0
