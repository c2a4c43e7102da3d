"""``conformance check-poller``: a user's poller run against each job lifecycle scenario.

Pollers of sync jobs fail in the same few ways (a state that matches no branch, STOPPING taken
for the end, the first page only, a missing ErrorMessage, a page token followed round a cycle);
each scenario serves one such life on loopback, and the command says per scenario whether the
poller ended, on the right final state, or crashed or looped. ``conformance.pollers`` runs and
judges; this module parses options and prints.
"""

from __future__ import annotations

import argparse
import json
from typing import TextIO

NAME = "check-poller"
HELP = "run a poller against job lifecycle scenarios: did it end on the right state?"
DESCRIPTION = (
    "Serve each scenario (one sync job's whole life over successive polls, on the real wire"
    " formats of Kendra ListDataSourceSyncJobs and Graph synchronization jobs) on 127.0.0.1 and"
    " run --cmd against it. The poller must poll until it decides the job ended and print the"
    " final state (SUCCEEDED, ABORTED, Active, ...) as its last non-empty stdout line, or a line"
    " starting FAULT when the service misbehaves (page tokens that go round). The command is"
    " split like a shell would and {url}, {scenario}, {id}, {index_id}, {execution_id} (Kendra),"
    " {service_principal_id}, {job_id} (Graph) are replaced in it; the same values are in"
    " CONFORMANCE_URL, CONFORMANCE_SCENARIO, CONFORMANCE_ID, ..., and CONFORMANCE_POLL_INTERVAL"
    " (seconds) says how long to sleep between polls. A poller still running at --timeout,"
    " past --max-requests, or polling on after the final state was served has looped."
)
EPILOG = """\
scenarios (--scenario all, kendra, graph, or names; repeatable):
  kendra-success kendra-incomplete kendra-failed kendra-failed-no-message kendra-stop
  kendra-unknown-status kendra-page-two kendra-empty-history kendra-empty-page
  kendra-token-cycle kendra-token-repeat
  graph-quarantine graph-empty-dates graph-new-reason

exit codes:
  0  the poller passed every scenario
  1  it failed at least one: looped, crashed or printed a wrong final state
  2  usage error: an unknown scenario (close names are suggested), a --cmd that cannot be
     split or run
"""


def configure(parser: argparse.ArgumentParser) -> None:
    """``--cmd``, ``--scenario``, ``--timeout``, ``--max-requests``, ``--seed``, ``--jobs``,
    ``--format``."""
    from conformance.commands.inputs import positive, seconds
    from conformance.pollers import DEFAULT_MAX_REQUESTS, DEFAULT_TIMEOUT

    parser.add_argument(
        "--cmd",
        required=True,
        metavar="CMD",
        help="the poller's command, e.g. 'python poll.py {url} {id} {index_id} {execution_id}'",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="all (default), kendra, graph, or a scenario's name; repeatable",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="seconds a poller may take per scenario before it counts as looping"
        f" (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-requests",
        type=positive,
        default=DEFAULT_MAX_REQUESTS,
        metavar="N",
        help="requests a poller may make per scenario before it counts as looping"
        f" (default {DEFAULT_MAX_REQUESTS})",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="ids, times and tokens (default 0)"
    )
    parser.add_argument(
        "--jobs",
        type=positive,
        default=4,
        metavar="N",
        help="scenarios run at the same time (default 4)",
    )
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="text (default) or json"
    )


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Run the poller against the scenarios and print a line per scenario and a summary."""
    from conformance import pollers
    from conformance.report import plural

    names = pollers.expand(args.scenario or ["all"])
    runs = pollers.check(
        args.cmd,
        names,
        timeout=args.timeout,
        max_requests=args.max_requests,
        seed=args.seed,
        jobs=args.jobs,
    )
    if args.format == "json":
        document = {
            "scenarios": [r.as_dict() for r in runs],
            "passed": sum(r.passed for r in runs),
            "failed": sum(not r.passed for r in runs),
        }
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        width = max(len(r.scenario) for r in runs)
        for r in runs:
            mark = "pass" if r.passed else "FAIL"
            out.write(
                f"{mark}  {r.scenario:<{width}}  {r.why()}"
                f" ({plural(r.requests, 'request')}, {r.duration:.2f} s)\n"
            )
        out.write(pollers.summary(runs) + "\n")
    return 0 if all(r.passed for r in runs) else 1
