"""``conformance serve``: a loopback stand-in for Graph's and Kendra's sync-job endpoints.

Clients under development point at it instead of the real services: it serves generated jobs
(valid, drifted or hostile), paged as the services page them, reproducible by seed, and can
throttle every Nth request. The first line it prints is ``serving on http://HOST:PORT``, flushed
at once, so a script that starts it with ``--port 0`` reads the port from there.
"""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from conformance.commands import inputs

if TYPE_CHECKING:
    from conformance.emulator import App

NAME = "serve"
HELP = "serve Graph's and Kendra's sync-job endpoints on loopback, with generated jobs"
DESCRIPTION = (
    "Serve Graph's GET /beta/servicePrincipals/{id}/synchronization/jobs (paged with $top and"
    " @odata.nextLink) and .../jobs/{jobId} (/v1.0/ too), and Kendra's ListDataSourceSyncJobs"
    " (POST / with X-Amz-Target, AWS JSON 1.1, paged with MaxResults and NextToken), answering"
    " with jobs from the generator: --mode valid (every page validates), drifted (what a"
    " forward-compatible client must survive) or hostile (pages with violations, still JSON and"
    " still paged). The same --seed serves the same bytes for the same requests, after a restart"
    " too. --throttle-every N answers every Nth request 429 with Retry-After. Bad requests get"
    " the services' own 4xx error envelopes. Serves until interrupted (Ctrl-C, SIGTERM)."
)
EPILOG = """\
exit codes:
  0  served until interrupted (SIGINT or SIGTERM)
  2  usage error, or the address cannot be served (port in use, unknown host)

example:
  conformance serve --port 0 --mode hostile --seed 7 --throttle-every 5
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """The address, what to serve, and throttling."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=8080,
        metavar="P",
        help="the port (default 8080; 0 picks a free one, printed on the first line)",
    )
    parser.add_argument(
        "--mode",
        choices=["valid", "drifted", "hostile"],
        default="valid",
        help="the jobs served: valid (default), drifted or hostile",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the random seed (default 0)"
    )
    parser.add_argument(
        "--throttle-every",
        type=inputs.count,
        default=0,
        metavar="N",
        help="answer every Nth request 429 with Retry-After (default 0: never)",
    )
    parser.add_argument(
        "--retry-after",
        type=inputs.count,
        default=1,
        metavar="S",
        help="the Retry-After seconds of a throttled reply (default 1)",
    )
    parser.add_argument(
        "--page-size",
        type=inputs.positive,
        default=10,
        metavar="N",
        help="jobs a page when the request names no size ($top, MaxResults; default 10)",
    )
    parser.add_argument(
        "--scenario",
        metavar="NAME",
        help="serve one job's whole life over successive polls instead of generated jobs, for"
        " testing a poller (conformance check-poller runs yours against each): kendra-success,"
        " kendra-incomplete, kendra-failed, kendra-failed-no-message, kendra-stop,"
        " kendra-unknown-status, kendra-page-two, kendra-empty-history, kendra-empty-page,"
        " kendra-token-cycle, kendra-token-repeat, graph-quarantine, graph-empty-dates,"
        " graph-new-reason; --seed picks its ids and times",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=25,
        metavar="N",
        help="jobs each service serves, 0 to 10000 (default 25)",
    )


def _port(text: str) -> int:
    """A TCP port, or 0 for a free one."""
    value = int(text)
    if not 0 <= value <= 65535:
        raise ValueError(text)
    return value


def _jobs(text: str) -> int:
    """A number of jobs the emulator makes: 0 to ``conformance.emulator.MAX_JOBS``."""
    from conformance.emulator import MAX_JOBS

    value = inputs.count(text)
    if value > MAX_JOBS:
        raise ValueError(text)
    return value


def build_app(args: argparse.Namespace) -> App:
    """The app the options ask for: a scenario's (``--scenario``), else generated jobs."""
    from conformance.emulator import emulator_app

    if args.scenario is not None:
        from conformance.scenarios import app

        return app(args.scenario, args.seed)  # an unknown name: InputError, close names

    return emulator_app(
        mode=args.mode,
        seed=args.seed,
        throttle_every=args.throttle_every,
        retry_after=args.retry_after,
        page_size=args.page_size,
        jobs=args.jobs,
    )


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Serve until SIGINT or SIGTERM; an address that cannot be served is exit 2."""
    from conformance import InputError
    from conformance.emulator import start
    from conformance.wire import KENDRA_TARGET

    if args.scenario is not None and args.throttle_every:
        parser.error("--throttle-every is for generated jobs, not a --scenario")
    app = build_app(args)
    try:
        running = start(app, host=args.host, port=args.port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(
            f"cannot serve on {args.host}:{args.port}: {reason}; pick another --port"
            " (0 picks a free one) or --host"
        ) from None
    stop = threading.Event()
    previous = _on_signals(stop)
    try:
        base = running.url
        graph = f"{base}/beta/servicePrincipals/{{id}}/synchronization/jobs"
        throttling = (
            f"every {args.throttle_every}th request 429, Retry-After {args.retry_after}"
            if args.throttle_every
            else "no throttling"
        )
        lines = [
            f"serving on {base}",
            f"  Graph:  GET {graph}  (and .../jobs/{{jobId}}; /v1.0/ too)",
            f"  Kendra: POST {base}/  X-Amz-Target: {KENDRA_TARGET}",
            f"  mode {args.mode}, seed {args.seed}, {args.jobs} jobs per service,"
            f" {args.page_size} a page, {throttling}",
            "try:",
            f"  conformance validate --url {base}/beta/servicePrincipals/sp-1/synchronization/jobs",
            f"  conformance validate --url {base}/ --aws-target {KENDRA_TARGET}"
            ' --data \'{"Id": "ds-1", "IndexId": "0d1e2f3a-4b5c-4d6e-8f70-81928374a5b6"}\'',
            "Ctrl-C stops it.",
        ]
        if args.scenario is not None:
            lines = [*lines[:3], *_scenario_lines(args.scenario, args.seed, base)]
        for number, text in enumerate(lines):
            print(text, file=out)
            if number == 0:
                out.flush()  # the port, for whoever started us, before anything else
        out.flush()
        # Wake now and then: a signal's handler runs in this thread between waits.
        while not stop.wait(0.2):
            pass
    finally:
        running.close()
        _restore(previous)
    return 0


def _scenario_lines(name: str, seed: int, base: str) -> list[str]:
    """What a scenario serves, and its ids, for the banner."""
    from conformance.scenarios import scenario

    played = scenario(name, seed)
    ids = ", ".join(f"{key} {value}" for key, value in played.ids.items())
    return [
        f"  scenario {played.name}: {played.description}",
        f"  ids: {ids}",
        f"  a correct poller ends with: {played.final}",
        "Ctrl-C stops it.",
    ]


# What ``signal.signal`` returns and takes back.
_Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None


def _on_signals(stop: threading.Event) -> dict[int, _Handler]:
    """SIGINT and SIGTERM set ``stop``; the previous handlers, to restore. Off the main thread
    Python sets no handler: there the server runs until the process ends."""

    def handle(number: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[int, _Handler] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, handle)
    return previous


def _restore(previous: dict[int, _Handler]) -> None:
    for number, handler in previous.items():
        signal.signal(number, handler)
