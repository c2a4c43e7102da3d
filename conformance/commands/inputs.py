"""The input options of the commands that read recorded traffic (``validate``, ``drift``).

A command that reads files, folders and stdin takes the same options as ``validate`` and means
the same by them: the same globs, caps, capture, URL filter, ``[tool.conformance]`` settings and
the same rule for a run that read nothing. They are defined here once, and ``conformance.cli``
and the command modules call them, so that an option added for one command is there for all.
Top-level imports are the standard library only, as for every module of ``conformance.commands``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from conformance import Catalog, Config, Options
    from conformance.report import Reporter


def add_schemas_option(command: argparse.ArgumentParser, default: object = None) -> None:
    """``--schemas DIR``: derived schemas on top of the shipped ones."""
    command.add_argument(
        "--schemas",
        type=Path,
        default=default,
        metavar="DIR",
        help="a folder of derived schemas (as 'derive PAGE.md... --out DIR' writes them) on top"
        " of the shipped ones: a name in DIR replaces the shipped schema of that name",
    )


def add_input_options(command: argparse.ArgumentParser) -> None:
    """The options that say what to read and how: paths, schema, globs, caps, capture, URLs."""
    # The package's own defaults, for the help texts (the command line has imported it already).
    from conformance import ENGINE_MAX_DEPTH, Options
    from conformance.cluster import DEFAULT_PARTITION

    defaults = Options()
    command.add_argument("files", nargs="*", metavar="PATH", help="files, folders, or - for stdin")
    command.add_argument("--schema", metavar="NAME", help="validate every document against NAME")
    add_schemas_option(command)
    command.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes for NDJSON files, each reading its own byte ranges (default: 1)",
    )
    engine = command.add_argument_group(
        "scale-out (validate and drift on a Dask cluster; pip install 'sync-conformance[dask]')"
    )
    engine.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="local (default): this process (and --jobs); dask: cut the inputs into partitions"
        " (uncompressed NDJSON files and objects into byte ranges, anything else whole) and"
        " check them on a Dask cluster, with the same findings, counts and drift as a local"
        " run, except that the series rules see each byte range as a series of its own",
    )
    engine.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler to send the partitions to (tcp://host:8786); without it,"
        " --engine dask starts a local cluster of --workers processes for the run",
    )
    engine.add_argument(
        "--workers",
        type=positive,
        metavar="N",
        help="worker processes of the local cluster (default: one per core)",
    )
    engine.add_argument(
        "--partition-size",
        type=size,
        default=DEFAULT_PARTITION,
        metavar="BYTES",
        help="cut uncompressed NDJSON files and objects into byte ranges of about this size,"
        " one task each; one under one and a half times it stays whole (default: 64 MiB;"
        " suffixes K, M, G)",
    )
    command.add_argument(
        "--max-kept-findings",
        type=positive,
        default=defaults.max_kept,
        metavar="N",
        help="keep at most N findings per document in memory (the rest are counted by kind and"
        " reported as omitted) (default: 1000)",
    )
    command.add_argument(
        "--include",
        action="append",
        metavar="GLOB",
        help="file globs to read in folders (repeatable; default: *.json, *.ndjson, *.jsonl,"
        " *.har, *.yaml, *.yml; replaces [tool.conformance] include). Globs work as in"
        " .gitignore, relative to the current folder: one without / matches a file name at any"
        " depth (*.json), one with / is anchored there (tests/**/*.json); ** spans folders",
    )
    command.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="globs of files and folders to skip (repeatable; replaces [tool.conformance]"
        " exclude, whose globs are relative to its pyproject.toml); an excluded folder is not"
        " read at all: node_modules, node_modules/* and node_modules/** all skip"
        " node_modules/x/pkg.json, and a name without / (node_modules) at any depth",
    )
    command.add_argument(
        "--duplicate-keys",
        choices=["auto", "check", "ignore"],
        default="auto",
        help="report duplicate object keys: auto checks files and recordings but not NDJSON"
        " streams, for speed (default: auto)",
    )
    command.add_argument(
        "--max-body-size",
        type=size,
        default=defaults.max_body,
        metavar="BYTES",
        help="refuse compressed or base64 bodies that expand past this (default: 64 MiB)",
    )
    command.add_argument(
        "--max-document-size",
        type=size,
        default=defaults.max_document,
        metavar="BYTES",
        help="refuse, unread, a JSON file, cassette or stdin document larger than this, and skip"
        " an NDJSON line longer than this without reading it whole (default: 64 MiB; suffixes"
        " K, M, G)",
    )
    command.add_argument(
        "--max-depth",
        type=depth,
        default=defaults.max_depth,
        metavar="N",
        help=f"refuse documents nested deeper than N levels, before they are validated"
        f" (default: {defaults.max_depth}; at most {ENGINE_MAX_DEPTH}, the engine's limit)",
    )
    command.add_argument(
        "--capture",
        choices=["wire", "aws-cli", "boto3", "auto"],
        help="what produced the documents: wire (default, or [tool.conformance] capture)"
        " validates them as sent; aws-cli"
        " (`aws kendra ...` output, ISO 8601 timestamps) and boto3 (a response dumped with"
        " its ResponseMetadata) have their Kendra timestamps turned into epoch seconds first;"
        " auto converts only a document that certainly is one (ResponseMetadata, or a Kendra"
        " timestamp holding an ISO 8601 string with an offset). A converted document's report"
        " says so",
    )
    command.add_argument(
        "--url",
        action="append",
        dest="urls",
        metavar="GLOB",
        help="validate only the HAR entries and cassette interactions whose request URL matches"
        " GLOB (repeatable: any of them), e.g. --url 'https://graph.microsoft.com/*'; the others"
        " are skipped and counted as 'URL not matched'. fnmatch rules: * matches anything,"
        " / included, ? one character, [?] a literal ?. JSON and NDJSON files are not affected."
        " Pages, scripts, images, preflights, redirects, bodiless and identity-provider"
        " responses are skipped with or without it. validate with no PATH: --url URL fetches"
        " URL live instead, every page of it (see the live options)",
    )
    command.add_argument(
        "--disable-rule",
        action="append",
        dest="disabled_rules",
        metavar="ID",
        help="switch off a contract rule beyond the schemas (repeatable; conformance rules lists"
        " them; also [tool.conformance] disable-rules = [...]); 'all' switches every rule off,"
        " which a bulk scan of many Kendra pages pays for in speed (see the README)",
    )
    command.add_argument(
        "--allow-empty",
        action="store_true",
        help="exit 0 when nothing is validated (no file matched the globs, or none held a"
        " document); without it that is exit 2, since an empty folder or a glob that matches"
        " nothing is more often a mistake than a pass",
    )


def input_options(
    args: argparse.Namespace,
    parser: argparse.ArgumentParser,
    alternative: str = "",
    live: bool = False,
) -> tuple[Options, Config | None]:
    """The run's ``Options`` from the input options and the nearest ``[tool.conformance]``
    (returned too: its ``strict`` is for the caller). No PATH is a usage error (exit 2), whose
    message names ``alternative`` (``--examples``) when the command has one, unless the run is
    ``live`` (its ``--url`` values are fetched, not a filter of recordings)."""
    from conformance import Globs, Options, find_config

    if not args.files and not live:
        parser.error(
            "give PATH arguments (files, folders or - for stdin)"
            + (f", or {alternative}" if alternative else "")
        )
    if args.jobs < 1:
        parser.error("--jobs takes a whole number of at least 1")
    _check_engine(args, parser)
    config = find_config()
    defaults = Options()
    options = Options(
        schema=args.schema,
        config=config,
        # Command-line globs are relative to the current folder, the configuration's to its
        # file's (Globs carries the folder); one list replaces the other, never merged.
        include=(
            Globs(args.include, Path.cwd())
            if args.include
            else (config and config.include) or defaults.include
        ),
        exclude=(
            Globs(args.exclude, Path.cwd()) if args.exclude else (config and config.exclude) or ()
        ),
        check_duplicates={"auto": None, "check": True, "ignore": False}[args.duplicate_keys],
        max_body=args.max_body_size,
        jobs=args.jobs,
        schemas=args.schemas,
        max_document=args.max_document_size,
        max_depth=args.max_depth,
        max_kept=args.max_kept_findings,
        capture=args.capture or (config and config.capture) or "wire",
        urls=() if live else tuple(args.urls or ()),
        disabled_rules=tuple(args.disabled_rules or ()),
    )
    return options, config


def _check_engine(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """The scale-out options make sense together, or the run stops before it starts."""
    if args.engine != "dask":
        for option, given in (("--scheduler", args.scheduler), ("--workers", args.workers)):
            if given is not None:
                parser.error(f"{option} goes with --engine dask")
        return
    if args.jobs > 1:
        parser.error("--jobs is for --engine local; a cluster's size is --workers or its own")
    if args.scheduler is not None and args.workers is not None:
        parser.error("--workers sizes the local cluster; a --scheduler's cluster has its own")
    if "-" in args.files:
        parser.error("--engine dask reads files and URLs, not standard input (-)")


def engine_results(
    args: argparse.Namespace,
    options: Options,
    checker: Any,
    analysis: Any = None,
    grouping: Any = None,
) -> Iterator[Any]:
    """The run's results: from ``checker`` in this process, or, with ``--engine dask``, from a
    cluster (started for the run without ``--scheduler``); with ``analysis`` and ``grouping``,
    its drift (per group) too."""
    if args.engine != "dask":
        yield from checker.check_paths(args.files)
        return
    import sys

    from conformance.cluster import check_paths, connect
    from conformance.rules import RuleBook

    series = RuleBook(options.rules_off()).series_enabled

    def split(name: str, parts: int) -> None:
        if series:
            print(
                f"conformance: note: {name} is checked in {parts} byte ranges; the series rules"
                " judge each range on its own (a larger --partition-size keeps it whole)",
                file=sys.stderr,
            )

    with connect(args.scheduler, args.workers) as client:
        yield from check_paths(
            args.files,
            options,
            client=client,
            partition_size=args.partition_size,
            analysis=analysis,
            grouping=grouping,
            on_split=split,
        )


def add_live_options(command: argparse.ArgumentParser) -> None:
    """The options of a live run (``validate --url URL`` with no PATH): credentials, the
    request, limits and recording."""
    group = command.add_argument_group(
        "live services (--url URL with no PATH: fetch every page of URL and validate it)"
    )
    group.add_argument(
        "--bearer-env",
        metavar="VAR",
        help="send 'Authorization: Bearer' with the token in the environment variable VAR"
        " (Graph); a token is never taken on the command line, where the shell's history"
        " would keep it. Sent to the URL's own origin only, over https or to loopback",
    )
    group.add_argument(
        "--aws-target",
        metavar="TARGET",
        help="make an AWS JSON 1.1 call: POST with X-Amz-Target: TARGET and --data as"
        " application/x-amz-json-1.1, paged by NextToken, e.g."
        " AWSKendraFrontendService.ListDataSourceSyncJobs",
    )
    group.add_argument(
        "--data",
        metavar="JSON",
        help="the request body (for --aws-target a JSON object, e.g."
        ' \'{"Id": "...", "IndexId": "..."}\')',
    )
    group.add_argument(
        "--method", metavar="METHOD", help="the HTTP method (default: GET, POST with --data)"
    )
    group.add_argument(
        "--header",
        action="append",
        dest="headers",
        metavar="'NAME: VALUE'",
        help="an extra request header (repeatable); Authorization is refused: use --bearer-env",
    )
    group.add_argument(
        "--sign",
        choices=["auto", "always", "never"],
        default="auto",
        help="SigV4-sign AWS JSON calls with botocore's signer: auto (default) when botocore"
        " (pip install 'sync-conformance[aws]') and AWS credentials are there, always (exit 2"
        " if it cannot), never",
    )
    group.add_argument(
        "--region",
        metavar="REGION",
        help="the AWS region to sign for (default: from the host, kendra.REGION.amazonaws.com,"
        " then the AWS configuration)",
    )
    group.add_argument(
        "--timeout",
        type=seconds,
        default=30.0,
        metavar="S",
        help="seconds to wait for a response's data (default: 30; connecting: 10)",
    )
    group.add_argument(
        "--retries",
        type=_retries,
        default=3,
        metavar="N",
        help="times to retry a 429 or 503, waiting what Retry-After asks (default: 3)",
    )
    group.add_argument(
        "--max-wait",
        type=seconds,
        default=60.0,
        metavar="S",
        help="the longest Retry-After to honour; a longer one ends the call (default: 60)",
    )
    group.add_argument(
        "--max-pages",
        type=positive,
        default=1000,
        metavar="N",
        help="pages to read of one URL at most; more is a finding (default: 1000)",
    )
    group.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help="verify TLS against the CA certificates in FILE (verification is always on)",
    )
    group.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="also write every page to DIR/cassette.yaml (a vcrpy cassette, for validate and"
        " the pytest plugin) and DIR/bodies.ndjson, secrets redacted; both are replaced",
    )


_LIVE_ONLY = (
    "bearer_env",
    "aws_target",
    "data",
    "method",
    "headers",
    "region",
    "ca_bundle",
    "record",
)


def is_live(args: argparse.Namespace, parser: argparse.ArgumentParser) -> bool:
    """Whether the run fetches live: ``--url`` and no PATH. A live option in a run over
    recordings is a usage error (exit 2), since it would be ignored."""
    live = bool(getattr(args, "urls", None)) and not args.files
    if live and (getattr(args, "engine", "local") != "local" or args.jobs > 1):
        parser.error(
            "--engine dask and --jobs are for files and URLs of object storage; a live run"
            " (--url URL, no PATH) fetches its pages in this process"
        )
    if not live:
        given = [name for name in _LIVE_ONLY if getattr(args, name, None) is not None]
        if given:
            option = "--" + given[0].replace("_", "-").removesuffix("s")
            parser.error(
                f"{option} is for live runs: give --url URL and no PATH (with PATH, --url is a"
                " glob that picks recorded calls)"
            )
    return live


def live_calls(args: argparse.Namespace) -> tuple[list[Any], Any]:
    """The calls and settings of a live run (``conformance.live``); an ``InputError`` (exit 2)
    says what is wrong with a URL, header or body."""
    from conformance import live

    calls = [
        live.make_call(
            url,
            method=args.method,
            headers=tuple(args.headers or ()),
            data=args.data,
            aws_target=args.aws_target,
        )
        for url in args.urls
    ]
    settings = live.Settings(
        bearer_env=args.bearer_env,
        sign=args.sign,
        region=args.region,
        timeout=args.timeout,
        retries=args.retries,
        max_wait=args.max_wait,
        max_pages=args.max_pages,
        max_body=args.max_body_size,
        ca_bundle=args.ca_bundle,
    )
    return calls, settings


def seconds(text: str) -> float:
    """Seconds above 0 and at most a day, for argparse."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 < value <= 24 * 3600:
        raise argparse.ArgumentTypeError(f"expected seconds above 0 (at most a day), got {text!r}")
    return value


def _retries(text: str) -> int:
    if not text.isdigit() or int(text) > 100:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 100, got {text!r}")
    return int(text)


def load_catalog(directory: Path | None) -> Catalog:
    """The run's catalog (``conformance.load_catalog``); the files of DIR it skipped are noted
    on stderr."""
    import sys

    from conformance import load_catalog

    catalog = load_catalog(directory)
    for note in catalog.notes:
        print(f"conformance: note: {note}", file=sys.stderr)
    return catalog


def nothing_validated(paths: Sequence[str], options: Options, report: Reporter) -> str:
    """Why a run validated nothing, with what it was given and what to do about it."""
    from conformance import Checker
    from conformance.report import plural

    given = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    globs = f"include: {', '.join(options.include)}"
    if options.exclude:
        globs += f"; exclude: {', '.join(options.exclude)}"
    # Walked again only now, on the way out of a run that found nothing: a run that found
    # something pays nothing for this message.
    matched = sum(1 for _ in Checker.files_under(paths, options.include, options.exclude))
    if matched == 0:
        what = f"no files matched in {given} ({globs})"
    else:
        what = f"nothing to validate in {given}: {plural(matched, 'file')} held no document"
        # Recorded exchanges that are no JSON API response (pages, scripts) are skipped, not
        # validated: a HAR of nothing else validated nothing, and the summary says what it held.
        skipped = report.skipped_summary()
        if skipped:
            what += f" ({skipped})"
    return f"{what}; pass --allow-empty to accept"


def count(text: str) -> int:
    """A whole number of 0 or more, for argparse (which turns the ValueError into exit 2)."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def positive(text: str) -> int:
    """A whole number of 1 or more."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def depth(text: str) -> int:
    """A nesting depth the engine can explain."""
    from conformance import ENGINE_MAX_DEPTH

    value = positive(text)
    if value > ENGINE_MAX_DEPTH:
        raise argparse.ArgumentTypeError(
            f"{value} is deeper than the engine can explain (at most {ENGINE_MAX_DEPTH})"
        )
    return value


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def size(text: str) -> int:
    """Bytes: a whole number of 1 or more, with an optional K, M or G (KiB, MiB, GiB)."""
    number = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = number[-1:] if number[-1:] in _UNITS else ""
    value = int(number[: len(number) - len(unit)]) * _UNITS[unit]
    if value < 1:
        raise ValueError(text)
    return value


# argparse names the type in its error: "invalid size value: 'x'".
count.__name__ = "count"
positive.__name__ = "positive count"
depth.__name__ = "depth"
size.__name__ = "size"


def open_outputs(
    args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser
) -> list[tuple[str, TextIO]]:
    """The (format, stream) of every report of a run: ``--format`` on stdout, and each
    ``--output FORMAT=FILE``, all opened before anything is read, so that a FILE that cannot be
    written costs no run. Two reports on stdout, or two in one file, are usage errors."""
    from conformance import InputError

    wanted: list[tuple[str, str]] = list(args.output or [])
    if args.format is not None or not wanted:
        wanted.insert(0, (args.format or "text", "-"))
    on_stdout = [fmt for fmt, file in wanted if file == "-"]
    if len(on_stdout) > 1:
        parser.error(
            f"{' and '.join(on_stdout)} would both write to stdout: give one --format or FORMAT=-"
        )
    files = [file for _, file in wanted if file != "-"]
    for file in files:
        if files.count(file) > 1:
            parser.error(f"--output names {file} twice: give each report a file of its own")
    opened: list[tuple[str, TextIO]] = []
    for fmt, file in wanted:
        if file == "-":
            opened.append((fmt, out))
            continue
        try:
            opened.append((fmt, open(file, "w", encoding="utf-8")))  # noqa: SIM115 - closed by close_outputs
        except OSError as exc:
            close_outputs(opened, out)
            reason = (exc.strerror or type(exc).__name__).lower()
            raise InputError(f"--output {fmt}={file}: cannot write {file}: {reason}") from None
    return opened


def close_outputs(opened: Sequence[tuple[str, TextIO]], out: TextIO) -> None:
    """Close the report files ``open_outputs`` opened (never ``out``)."""
    for _, stream in opened:
        if stream is not out:
            stream.close()


def read_text(path: Path) -> str:
    """A UTF-8 text file named on the command line; what cannot be read is an ``InputError``
    that names the file and why."""
    from conformance import InputError

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
