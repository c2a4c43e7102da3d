"""``conformance drift``: the drift of a corpus of recorded traffic, as tables.

Reads what ``validate`` reads, with the same options, in one pass; prints, per enum-typed
location, the declared values seen, the undeclared ones (with their first location) and the
declared values never seen, with how often the location was absent, ``null`` or ``""``; and per
object type, the properties no schema declares. A baseline accepts known drift, so that CI fails
only on drift it has not seen before; ``--propose`` writes the overlay refinements that make the
derived schemas accept what was seen. See ``conformance.drift``.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from conformance.commands import inputs

if TYPE_CHECKING:
    from conformance import Catalog, Result
    from conformance.drift import Baseline, DriftReport
    from conformance.groups import Group, Grouping
    from conformance.report import Reporter

NAME = "drift"
HELP = "tables of the enum values and properties a corpus uses, declared or not"
DESCRIPTION = (
    "Read the same inputs as validate (files, folders, NDJSON, HAR, cassettes, - for stdin) and"
    " print, for every enum-typed location (Kendra Status and ErrorCode, Graph status code,"
    " quarantine reason, execution state, ...), the declared values seen and how often, the"
    " undeclared values seen with how often and where first, and the declared values never seen;"
    " how often the location was absent, null or the empty string; and, per object type, the"
    " properties no schema declares. A --baseline accepts known drift; --fail-on decides the"
    " exit code; --propose writes an overlay patch that declares what was seen."
)
EPILOG = """\
exit codes:
  0  no drift that --fail-on counts (default: no drift the baseline does not list)
  1  --fail-on new: undeclared values or properties the baseline does not list
     (without --baseline: any); --fail-on any: any undeclared value or property
  2  usage error, input that cannot be read (reported, the rest analysed), nothing
     to read (no file matched, or none held a document; --allow-empty makes that 0),
     a baseline that cannot be read, or a file that cannot be written; --engine dask:
     Dask not installed, or a --scheduler that cannot be reached
"""

DEFAULT_BASELINE = ".conformance-baseline.json"
FORMATS = ("html", "json", "markdown", "text")


def configure(parser: argparse.ArgumentParser) -> None:
    """The input options of validate, and the drift command's own."""
    inputs.add_input_options(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="the report on stdout: text (the default without --output; aligned tables), json"
        " (every count, value and first location), markdown (tables for a pull request or a"
        " job summary) or html (one self-contained page: the tables and a chart of the values"
        " seen per day, the first day of each undeclared value marked)",
    )
    parser.add_argument(
        "--output",
        action="append",
        type=_output,
        metavar="FORMAT=FILE",
        help="also write the report in FORMAT to FILE (- for stdout; repeatable); with"
        " --output, stdout gets a report only from --format or FORMAT=-",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="accepted drift (as --update-baseline writes it): the undeclared values and"
        " properties it lists are marked 'baseline', not 'new'",
    )
    parser.add_argument(
        "--update-baseline",
        nargs="?",
        const=DEFAULT_BASELINE,
        metavar="FILE",
        help=f"write the drift of this run as the baseline to FILE (default: {DEFAULT_BASELINE}):"
        " JSON with sorted keys and no counts, so that it diffs well; the run is then judged"
        " against it",
    )
    parser.add_argument(
        "--fail-on",
        choices=["new", "any", "never"],
        default="new",
        help="exit 1 on drift the baseline does not list (new, the default), on any drift"
        " (any), or never",
    )
    parser.add_argument(
        "--propose",
        metavar="PATCH",
        help="write overlay refinements that declare the undeclared values and properties seen,"
        " each with its first location as its source; a PATCH that is already an overlay (the"
        " project's schemas/sources/overlay.json) gets them appended, so that 'conformance"
        " derive' accepts them in one step",
    )
    parser.add_argument(
        "--group-by",
        metavar="KEY",
        help="also list the drift per group, each value or property with its count, first place"
        " and at most --max-examples places: KEY is source (the file or object), day (the"
        " resource's UTC day), origin.url, origin.host, origin.method, origin.status (the"
        " recorded request), or a JSON pointer into each resource (/Status); KEY~REGEX groups by"
        " the regular expression's first group in it (source~'tenant=([^/]+)'). In every"
        " format, after the tables (json: the groups member)",
    )
    parser.add_argument(
        "--max-examples",
        type=inputs.positive,
        default=3,
        metavar="N",
        help="places kept per drift value of a group, the first one included (default: 3)",
    )
    parser.add_argument(
        "--max-groups",
        type=inputs.positive,
        default=1000,
        metavar="N",
        help="groups kept; the documents of later new groups are counted in '(other groups)'"
        " (default: 1000)",
    )
    parser.add_argument(
        "--cap",
        type=inputs.count,
        default=None,
        metavar="N",
        help="keep at most N distinct undeclared values and properties in memory over the run;"
        " the rest are counted as 'other' (default: 10000)",
    )


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Analyse, write the reports, the baseline and the patch; return the exit code."""
    from conformance.drift import Baseline

    # A baseline that cannot be read, or a report that cannot be written, costs no run.
    baseline = Baseline.read(args.baseline) if args.baseline else None
    outputs = inputs.open_outputs(args, out, parser)
    try:
        return _run(args, outputs, parser, baseline)
    finally:
        inputs.close_outputs(outputs, out)


def _run(
    args: argparse.Namespace,
    outputs: list[tuple[str, TextIO]],
    parser: argparse.ArgumentParser,
    baseline: Baseline | None,
) -> int:
    from dataclasses import replace

    from conformance import Checker
    from conformance.drift import DEFAULT_CAP, RENDERERS, Analysis, Baseline, observers
    from conformance.drift_html import render_html
    from conformance.report import EXIT_FOUND, EXIT_OK, EXIT_UNREADABLE
    from conformance.report.progress import Progress

    options, _ = inputs.input_options(args, parser)
    if options.jobs > 1:
        # The analysis sees values through an observer in this process; workers' would not.
        print(
            "conformance: note: drift reads NDJSON in one process; --jobs is for validate",
            file=sys.stderr,
        )
    catalog = inputs.load_catalog(args.schemas)
    cap = DEFAULT_CAP if args.cap is None else args.cap
    analysis = Analysis(catalog, cap)
    grouping = None
    if args.group_by is not None:
        from conformance.groups import Grouping, Key

        grouping = Grouping(
            Key.parse(args.group_by),
            max_examples=args.max_examples,
            max_groups=args.max_groups,
            cap=cap,
        )
    counts = _counts(args.allow_empty)
    # On a cluster, each partition's values are analysed on its worker and merged here.
    local = args.engine == "local"
    checker = None
    if local:
        observe = observers(analysis.observe, *([grouping.observe] if grouping else []))
        checker = Checker(replace(options, observer=observe), catalog)
    results = inputs.engine_results(
        args, options, checker, None if local else analysis, None if local else grouping
    )
    with Progress(sys.stderr) as progress:
        for result in results:
            if local:
                analysis.add(result)
                if grouping is not None:
                    grouping.add(result)
            counts.add(result)
            progress.advance(result.documents)
    report: DriftReport = analysis.finish()
    # A run that could not read all its input (or read nothing) saw only part of the drift: a
    # baseline or a patch written from it would drop what the rest holds.
    complete = counts.exit_code != EXIT_UNREADABLE
    if args.update_baseline and complete:
        baseline = Baseline.of(report)
        _write(args.update_baseline, baseline.text())
        print(f"conformance: wrote the baseline {args.update_baseline}", file=sys.stderr)
    if isinstance(baseline, Baseline):
        report = report.against(baseline)
    if args.propose and complete:
        _propose(args.propose, report, catalog)
    if not complete and (args.update_baseline or args.propose):
        print(
            "conformance: the baseline and the patch are not written: part of the input could"
            " not be read",
            file=sys.stderr,
        )
    renderers = {**RENDERERS, "html": render_html}
    groups = grouping.finish() if grouping is not None else None
    for fmt, stream in outputs:
        if grouping is None or groups is None:
            stream.write(renderers[fmt](report))
        else:
            stream.write(_with_groups(fmt, report, grouping, groups))
    if counts.exit_code == EXIT_UNREADABLE:
        if counts.empty and not args.allow_empty:
            why = inputs.nothing_validated(args.files, options, counts)
            print(f"conformance: error: {why}", file=sys.stderr)
        return EXIT_UNREADABLE
    failing = {"new": report.new, "any": report.drift, "never": 0}[args.fail_on]
    return EXIT_FOUND if failing else EXIT_OK


def _with_groups(
    fmt: str, report: DriftReport, grouping: Grouping, groups: tuple[Group, ...]
) -> str:
    """The report in ``fmt`` with the drift per group: after the tables (text, markdown,
    html), or as the ``groups`` member (json)."""
    from conformance import groups as grouped
    from conformance.drift import RENDERERS
    from conformance.drift_html import render_html
    from conformance.report import dump_json

    if fmt == "html":
        return render_html(report, [grouped.render_html(grouping.key, groups)])
    if fmt == "json":
        data = report.as_json()
        data["groups"] = grouped.as_json(grouping.key, groups, grouping.max_examples)
        return dump_json(data) + "\n"
    render = grouped.render_markdown if fmt == "markdown" else grouped.render_text
    return RENDERERS[fmt](report) + "\n" + render(grouping.key, groups)


def _counts(allow_empty: bool) -> Reporter:
    """A reporter that writes no report: validate's bookkeeping of unreadable and empty runs,
    which decide exit 2 here as there. What could not be read is said on stderr, one line each
    (the reader's message, which never quotes the input)."""
    from conformance.report import Reporter, visible

    class Counts(Reporter):
        def write_result(self, result: Result) -> None:
            for finding in result.findings:
                if finding.kind == "unreadable":
                    where = visible(str(finding.location))
                    print(
                        f"conformance: unreadable: {where}: {visible(finding.message)}",
                        file=sys.stderr,
                    )

        def write_end(self) -> None:
            pass

    return Counts(sys.stderr, allow_empty=allow_empty)


def _propose(path: str, report: DriftReport, catalog: Catalog) -> None:
    import json
    from pathlib import Path

    from conformance import InputError
    from conformance.drift import merge_overlay, propose

    refinements, skipped = propose(report, catalog)
    target = Path(path)
    existing = None
    if target.exists():
        try:
            existing = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            raise InputError(
                f"--propose {path}: exists and is not a JSON overlay; give another file"
            ) from None
        if not isinstance(existing, dict):
            raise InputError(f"--propose {path}: exists and is not a JSON overlay (an object)")
    merged = merge_overlay(existing, refinements)
    _write(path, json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    added = sum(len(r.get("values", [])) + len(r.get("members", [])) for r in refinements)
    print(f"conformance: proposed {added} declarations in {path}", file=sys.stderr)
    for reason in skipped:
        print(f"conformance: not proposed: {reason}", file=sys.stderr)


def _write(path: str, text: str) -> None:
    from conformance import InputError

    try:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise InputError(f"{path}: cannot write: {reason}") from None


def _output(text: str) -> tuple[str, str]:
    """``FORMAT=FILE`` of ``--output``, the format checked (argparse makes the error exit 2)."""
    fmt, equals, file = text.partition("=")
    if not equals or not fmt or not file:
        raise argparse.ArgumentTypeError(
            f"expected FORMAT=FILE (e.g. markdown=drift.md, json=-), got {text!r}"
        )
    if fmt not in FORMATS:
        raise argparse.ArgumentTypeError(
            f"unknown format {fmt!r} in {text!r}: choose from {', '.join(FORMATS)}"
        )
    return fmt, file
