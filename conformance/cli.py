"""The ``conformance`` command: argument parsing, the engine, a report and an exit code.

argparse, not click: the CLI is also a pre-commit hook, and every millisecond of start-up is a
user's wait on each commit. Nothing here validates or derives; it calls the engine and prints.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from conformance import ConformanceError, Options
from conformance.commands import inputs

if TYPE_CHECKING:
    from conformance import Checker, Result
    from conformance.commands import Command
    from conformance.live import Call, Recorder, Settings
    from conformance.report import Reporter

EXIT_OK, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
# The report formats, named here so that --help needs no import of the reporters.
_FORMATS = ("github", "json", "junit", "sarif", "text")

# Each command's --help gives the exit codes true for it, not another command's.
EPILOGS = {
    "conformance": """\
exit codes (each command's --help says what they mean for it):
  0  success: everything conforms, or the schemas match their sources
  1  findings: violations (validate), or schemas that differ from their sources
     (derive --check)
  2  usage error, or input that cannot be used
""",
    "validate": """\
exit codes:
  0  everything conforms (drift and API error responses alone do not fail a run)
  1  violations, documents no schema could be chosen for, or drift with --strict
  2  usage error, a [tool.conformance] setting of the wrong type, unknown schema,
     input that cannot be read, nothing to validate (no file matched, or none held
     a document; --allow-empty makes that 0), an --output that cannot be written,
     or a --schemas folder that cannot be used (missing, a file that is not JSON, a
     $ref to no schema, a schema that does not compile); live (--url URL, no PATH):
     a URL that gave no page to check (DNS, TLS, connection, timeout, an HTTP error
     or throttling past --retries / --max-wait), or a list longer than --max-pages,
     the other URLs still checked;
     --engine dask: Dask not installed, or a --scheduler that cannot be reached
""",
    "schemas": """\
exit codes:
  0  the schemas were listed (schemas show: see its --help)
  2  usage error, or a --schemas folder that cannot be used (missing, a file that
     is not JSON, a $ref to no schema, a schema that does not compile)
""",
    "schemas list": """\
exit codes:
  0  the schemas were listed
  2  usage error, or a --schemas folder that cannot be used (missing, a file that
     is not JSON, a $ref to no schema, a schema that does not compile)
""",
    "schemas show": """\
exit codes:
  0  the schema was printed
  2  usage error, an unknown schema name (close names are suggested), or a
     --schemas folder that cannot be used (missing, a file that is not JSON, a
     $ref to no schema, a schema that does not compile)
""",
    "derive": """\
exit codes:
  0  the schemas were written, or with --check: they match their sources
  1  --check: schemas that differ from what their sources derive
  2  usage error, a page or model that cannot be read or derived (file and line),
     no sources manifest (outside a checkout without PAGE arguments), or a folder
     that cannot be written
""",
}


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help: str,
    description: str,
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=EPILOGS[epilog or name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformance",
        description=(
            "Schema conformance for the APIs that report synchronization jobs: Microsoft Graph"
            " provisioning (synchronizationStatus, synchronizationProgress) and AWS Kendra"
            " (DataSourceSyncJob)."
        ),
        epilog=EPILOGS["conformance"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    schemas = _command(
        sub,
        "schemas",
        help="list the shipped schemas, or show one",
        description=(
            "List the shipped schemas (and those of --schemas DIR) with their source, or print"
            " one schema, as it is or --bundle'd with every schema it refers to."
        ),
    )
    # `schemas` alone lists, as `schemas list` does: its options are on both.
    schemas.add_argument("--json", action="store_true", help="list as JSON")
    # Only to say where --bundle goes; `schemas show` has the real one.
    schemas.add_argument("--bundle", action="store_true", help=argparse.SUPPRESS)
    _schemas_option(schemas)
    actions = schemas.add_subparsers(dest="action", metavar="ACTION")
    listing = _command(
        actions,
        "list",
        help="list the schemas (the default)",
        description="List the shipped schemas (and those of --schemas DIR) with their source.",
        epilog="schemas list",
    )
    # SUPPRESS: an option left out here must not reset what `schemas --json list` set.
    listing.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="list as JSON"
    )
    _schemas_option(listing, default=argparse.SUPPRESS)
    show = _command(
        actions,
        "show",
        help="print one schema",
        description="Print one schema, as it is or --bundle'd with every schema it refers to.",
        epilog="schemas show",
    )
    show.add_argument("name", help="schema to show, e.g. graph.synchronizationStatus")
    show.add_argument(
        "--bundle",
        action="store_true",
        default=argparse.SUPPRESS,
        help="one self-contained schema, every schema it refers to inlined under $defs",
    )
    _schemas_option(show, default=argparse.SUPPRESS)

    derive = _command(
        sub,
        "derive",
        help="derive JSON Schemas from vendor doc pages and models",
        description=(
            "Derive Draft 2020-12 JSON Schemas from Microsoft Graph resource and enum pages, AWS"
            " API Reference data-type and operation pages, and the vendors' models: Graph CSDL"
            " (a $metadata document or a fragment) and botocore service models. Where a page"
            " and a model describe the same type, the model's types win and the disagreement is"
            " recorded in the schema. Without PAGE arguments, re-derive the shipped schemas from"
            " schemas/sources/ (run from a checkout)."
        ),
    )
    derive.add_argument(
        "pages",
        nargs="*",
        metavar="PAGE",
        type=Path,
        help="doc pages (markdown) and model files (CSDL XML, botocore service-2.json)",
    )
    derive.add_argument(
        "--botocore",
        nargs="?",
        const="installed",
        metavar="MODEL_FILE",
        help="add a botocore service model: the file, or without one the installed botocore's"
        " Kendra model (pip install 'sync-conformance[aws]')",
    )
    derive.add_argument(
        "--type",
        action="append",
        dest="types",
        metavar="NAME",
        help="of the models, derive this type and what it reaches (repeatable; default: what"
        " the pages refer to, or every type when only models are given)",
    )
    derive.add_argument("--out", type=Path, help="folder to write schemas to (default: schemas)")
    derive.add_argument(
        "--sources",
        type=Path,
        help="sources folder with manifest.json, used without PAGE (default: schemas/sources of"
        " the checkout: the current folder or the nearest parent that has one)",
    )
    derive.add_argument("--overlay", type=Path, help="overlay of extra types for PAGE arguments")
    derive.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the schemas in --out differ from what the sources derive",
    )

    validate = _command(
        sub,
        "validate",
        help="validate recorded responses and fixture files, or live services (--url)",
        description=(
            "Validate JSON files, NDJSON streams (one document a line), HAR files and VCR"
            " cassettes (YAML or JSON), folders of them, or - for stdin. Each resource found is"
            " validated against a schema chosen by --schema, by [tool.conformance.schemas] in"
            " pyproject.toml, by @odata.type / @odata.context, by the recorded request (Graph URL,"
            " X-Amz-Target) or by the document's shape. Unknown enum values and properties are"
            " drift: reported, and failing the run only with --strict. Contract rules beyond the"
            " schemas (conformance rules lists them) are checked too. With --url URL and no"
            " PATH, every page of URL is fetched live and validated (see the live options)."
        ),
    )
    # What to read and how, as every command that reads recorded traffic takes it.
    inputs.add_input_options(validate)
    inputs.add_live_options(validate)
    validate.add_argument(
        "--format",
        choices=sorted(_FORMATS),
        help="the report on stdout: text (the default without --output; grouped by file), json"
        " (its schema ships as conformance/report/report.schema.json), junit, sarif (2.1.0) or"
        " github (workflow annotations)",
    )
    validate.add_argument(
        "--output",
        action="append",
        type=_output,
        metavar="FORMAT=FILE",
        help="also write the report in FORMAT to FILE (- for stdout), in the same pass over the"
        " inputs (repeatable: --output github=- --output sarif=results.sarif); with --output,"
        " stdout gets a report only from --format or FORMAT=-. A FORMAT we do not know or a FILE"
        " that cannot be written is exit 2 before anything is validated",
    )
    validate.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="drift fails the run (exit 1); also [tool.conformance] strict = true",
    )
    validate.add_argument(
        "--max-findings",
        type=inputs.count,
        metavar="N",
        help="show at most N findings per document, most specific first, and count the rest",
    )
    validate.add_argument(
        "--color", choices=["auto", "always", "never"], default="auto", help="colour text output"
    )
    validate.add_argument(
        "--explain-selection", action="store_true", help="say why each schema was chosen"
    )
    validate.add_argument(
        "--examples",
        action="store_true",
        help="validate the JSON examples quoted in the source documents against their schemas",
    )
    for command in _commands().values():
        command.configure(
            sub.add_parser(
                command.NAME,
                help=command.HELP,
                description=command.DESCRIPTION,
                epilog=command.EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        )
    return parser


def _commands() -> dict[str, Command]:
    """The commands that live in modules of ``conformance.commands``, by name."""
    import importlib

    from conformance.commands import COMMANDS

    found: dict[str, Command] = {}
    for name in COMMANDS:
        module: Command = importlib.import_module(f"conformance.commands.{name}")
        found[module.NAME] = module
    return found


def _output(text: str) -> tuple[str, str]:
    """``FORMAT=FILE`` of ``--output``, the format checked (argparse turns the error into exit 2
    with validate's usage)."""
    import difflib

    fmt, equals, file = text.partition("=")
    if not equals or not fmt or not file:
        raise argparse.ArgumentTypeError(
            f"expected FORMAT=FILE (e.g. sarif=results.sarif, github=-), got {text!r}"
        )
    if fmt not in _FORMATS:
        close = difflib.get_close_matches(fmt, _FORMATS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise argparse.ArgumentTypeError(
            f"unknown format {fmt!r} in {text!r}{hint}: choose from {', '.join(sorted(_FORMATS))}"
        )
    return fmt, file


_schemas_option = inputs.add_schemas_option
_catalog = inputs.load_catalog


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit code (see ``--help``)."""
    out = out or sys.stdout
    parser = _parser()
    args, extras = parser.parse_known_args(argv)
    # The parser of the command that was run (`schemas show` included), so that its usage, not
    # the top level's, comes with a mistake made in it.
    command = _subparser(parser, args.command)
    if args.command == "schemas" and args.action:
        command = _subparser(command, args.action)
    if extras:
        _unrecognized(command, extras)
    try:
        if args.command == "schemas":
            return _schemas(args, out, command)
        if args.command == "derive":
            return _derive(args, out, command)
        if args.command == "validate":
            return _validate(args, out, command)
        return _commands()[args.command].run(args, out, command)
    except ConformanceError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `conformance ... | head` is fine
        return EXIT_OK


def _subparser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of the subcommand ``name`` of ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[name]
            return found
    raise KeyError(name)  # pragma: no cover - every command has a parser


def _unrecognized(command: argparse.ArgumentParser, extras: list[str]) -> None:
    """argparse's "unrecognized arguments" error, from the command's own parser (the top level's
    usage says nothing about `validate`), with the option meant when one is close."""
    import difflib

    message = f"unrecognized arguments: {' '.join(extras)}"
    known = [o for o in command._option_string_actions if o.startswith("--")]
    for extra in extras:
        if extra.startswith("--"):
            close = difflib.get_close_matches(extra.split("=", 1)[0], known, n=1, cutoff=0.75)
            if close:
                message += f" (did you mean {close[0]}?)"
                break
    command.error(message)


def _schemas(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    if args.bundle and args.action != "show":
        parser.error("--bundle goes with 'schemas show NAME'")
    catalog = _catalog(args.schemas)
    if args.action == "show":
        schema = catalog.bundle(args.name) if args.bundle else catalog.schema(args.name)
        out.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    if args.json:
        rows = [
            {
                "name": e.name,
                "kind": e.kind,
                "document": e.document,
                "description": e.description,
                "aliases": list(e.aliases),
            }
            for e in catalog
        ]
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max(len(e.name) for e in catalog)
    for e in catalog:
        also = f" (also: {', '.join(e.aliases)})" if e.aliases else ""
        out.write(
            f"{e.name:<{width}}  {e.kind:<8}  {e.document:<32}"
            f"  {_first_sentence(e.description)}{also}\n"
        )
    if args.schemas is not None:
        replaced = (
            f"; replacing the shipped {', '.join(catalog.replaced)}" if catalog.replaced else ""
        )
        out.write(f"from {args.schemas}: {', '.join(catalog.added)}{replaced}\n")
    return EXIT_OK


def _first_sentence(text: str, limit: int = 90) -> str:
    sentence = text.split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= limit else sentence[: limit - 3] + "..."


def _derive(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    from conformance.derive import (
        Page,
        derive_pages,
        derive_sources,
        differences,
        installed_model,
        is_model,
        write,
    )

    if args.pages or args.botocore:
        if args.out is None and not args.check:
            parser.error("derive PAGE... needs --out DIR (or --check)")
        read = [Page(p.name, inputs.read_text(p), str(p)) for p in args.pages]
        pages = [p for p in read if not is_model(p.text)]
        models = [p for p in read if is_model(p.text)]
        if args.botocore == "installed":
            name, text = installed_model("kendra")
            models.append(Page(name, text, name))
        elif args.botocore:
            path = Path(args.botocore)
            models.append(Page(path.name, inputs.read_text(path), str(path)))
        overlay = Page(args.overlay.name, inputs.read_text(args.overlay)) if args.overlay else None
        schemas = derive_pages(pages, overlay, models, args.types)
        target = args.out or Path("schemas")
    else:
        sources = args.sources or _checkout_sources()
        schemas = derive_sources(sources)
        # The schemas of the checkout the sources were found in, wherever in it derive runs.
        target = args.out or (Path("schemas") if args.sources else sources.parent)
    if args.check:
        problems = differences(schemas, target)
        for problem in problems:
            out.write(f"{problem}\n")
        if problems:
            out.write("run 'conformance derive' to write the schemas from their sources\n")
            return EXIT_FOUND
        from conformance.report import plural

        out.write(f"{target} matches its sources ({plural(len(schemas), 'schema')})\n")
        return EXIT_OK
    for path in write(schemas, target):
        out.write(f"wrote {path}\n")
    return EXIT_OK


def _checkout_sources() -> Path:
    """``schemas/sources`` of the checkout around the current folder, for a bare ``derive``.

    Looked for upwards, as git finds its repository, so that ``derive --check`` works from any
    folder of a checkout; outside one, the error says what was looked for and what to do instead.
    """
    from conformance import InputError
    from conformance.derive import MANIFEST

    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "schemas" / "sources" / MANIFEST).is_file():
            sources = folder / "schemas" / "sources"
            return sources.relative_to(here) if folder == here else sources
    raise InputError(
        f"no schemas/sources/{MANIFEST} in the current folder or its parents: run derive in a"
        " checkout of sync-conformance, or give pages/models as arguments with --out"
    )


def _validate(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    # Every report's destination is opened before anything is read, so that a FILE that cannot
    # be written costs no validation run.
    outputs = inputs.open_outputs(args, out, parser)
    try:
        return _run(args, outputs, parser)
    finally:
        inputs.close_outputs(outputs, out)


def _run(
    args: argparse.Namespace, outputs: list[tuple[str, TextIO]], parser: argparse.ArgumentParser
) -> int:
    """Validate, giving each result to every report in one pass over the inputs."""
    from conformance import Checker, examples
    from conformance.report import REPORTERS
    from conformance.report.progress import Progress

    config = None
    options = Options()
    failures: list[str] = []
    recorder = None
    if args.examples:
        if args.files or args.schema:
            parser.error("--examples takes no PATH and no --schema")
        results = examples(_catalog(args.schemas))
    elif inputs.is_live(args, parser):
        options, config = inputs.input_options(args, parser, live=True)
        calls, settings = inputs.live_calls(args)
        checker = Checker(options, _catalog(args.schemas))
        if args.record is not None:
            from conformance.live import Recorder

            recorder = Recorder(args.record)
        results = _live(checker, calls, settings, recorder, failures)
    else:
        options, config = inputs.input_options(args, parser, alternative="--examples")
        # The catalog is loaded (and a --schemas folder checked) before anything is read.
        checker = Checker(options, _catalog(args.schemas))
        results = inputs.engine_results(args, options, checker)
    strict = args.strict if args.strict is not None else bool(config and config.strict)
    reports: list[Reporter] = [
        REPORTERS[fmt](
            stream,
            strict=strict,
            # Colour on a terminal (or as --color says), never in a file unless "always".
            color=fmt == "text" and _color(stream, args.color),
            explain_selection=args.explain_selection,
            max_findings=args.max_findings,
            allow_empty=args.allow_empty or args.examples,
        )
        for fmt, stream in outputs
    ]
    try:
        with Progress(sys.stderr) as progress:
            for result in results:  # a stream: each result goes to every report, then is let go
                for report in reports:
                    report.add(result)
                progress.advance(result.documents)
    finally:
        if recorder is not None:
            recorder.close()
    # Every format decides the exit code alike (``Reporter``); the worst is taken all the same.
    code = max(report.finish() for report in reports)
    report = reports[0]
    if failures:
        # A URL that gave no page to check: the run is incomplete, whatever the pages said.
        return EXIT_USAGE
    if report.empty and not report.allow_empty:
        print(
            f"conformance: error: {inputs.nothing_validated(args.files, options, report)}",
            file=sys.stderr,
        )
    return code


def _live(
    checker: Checker,
    calls: list[Call],
    settings: Settings,
    recorder: Recorder | None,
    failures: list[str],
) -> Iterator[Result]:
    """Results for every page of the live calls; a call that fails is said on stderr at once
    (and kept in ``failures``: the run exits 2) and the next call goes on."""
    from conformance.live import Failure, Page, fetch
    from conformance.rules import RuleBook

    off = RuleBook(checker.options.rules_off()).disabled

    for item in fetch(calls, settings):
        if isinstance(item, Failure):
            failures.append(str(item))
            print(f"conformance: error: {item}", file=sys.stderr)
        elif isinstance(item, Page):
            if recorder is not None:
                recorder.add(item)
            yield checker.check(item.exchange, name=item.name)
        elif not {f.rule_id for f in item.result.findings} & off:
            yield item.result


def _color(out: TextIO, choice: str) -> bool:
    """Colour on a terminal unless NO_COLOR is set, or as ``--color`` says."""
    if choice != "auto":
        return choice == "always"
    return out.isatty() and not os.environ.get("NO_COLOR")
