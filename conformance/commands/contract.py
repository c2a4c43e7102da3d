"""``conformance contract``: schemathesis runs the catalog's OpenAPI descriptions against a server.

For a server that stands in for Graph or Kendra (an emulator, a gateway, a proxy, a mock in a
test suite) or the services themselves: requests generated from the descriptions
(``conformance openapi`` prints them), seeded, and every response checked by schemathesis and
by this package's engine. Each distinct failure is printed once with a curl reproducer;
credentials never reach the output.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from typing import TextIO

from conformance.commands import inputs

NAME = "contract"
HELP = "contract-test a server with schemathesis, from the catalog's OpenAPI descriptions"
DESCRIPTION = (
    "Send requests generated from the OpenAPI descriptions of Graph's sync-job endpoints and"
    " Kendra's ListDataSourceSyncJobs (conformance openapi prints them) to the server at"
    " --base-url, and check every response: not a server error, a declared status, content"
    " type and headers, and a body that fits the schema of its status (schemathesis), and every"
    " 2xx body with this package's engine too (check 'conformance': schemathesis' validator"
    " takes some malformed date-times). Requests that fit the description and requests that do"
    " not (a $top of 0, MaxResults of 11) get the same checks; whether a bad request is"
    " rejected is not asked, since the real services accept some of them. AWS JSON 1.1 bodies"
    " are read and written as JSON. Each distinct failure is printed once, with how often it"
    " was seen and a curl command that repeats it (credentials redacted). The same --seed sends"
    " the same requests. Requests are not SigV4-signed: for Kendra, test a stand-in or a"
    " gateway that signs."
)
EPILOG = """\
exit codes:
  0  every check passed on every response
  1  a check failed (each distinct failure is printed once)
  2  usage error (a credential for a plain-http host other than loopback
     included), the schemathesis extra missing, or the server cannot be reached
     (DNS, connection refused, TLS, no answer within --timeout): the message
     names the URL

examples:
  conformance serve --port 8080 --mode valid &
  conformance contract --base-url http://127.0.0.1:8080 --max-examples 50 --seed 1
  GRAPH_TOKEN=... conformance contract --base-url https://graph.microsoft.com \\
      --service graph --bearer-env GRAPH_TOKEN
"""

# A header line: a token name (RFC 9110), a colon, a value without line breaks.
_HEADER = re.compile(r"(?P<name>[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(?P<value>[^\r\n]*)")
_MAX_HEADERS = 50


def configure(parser: argparse.ArgumentParser) -> None:
    """The server, what to send, credentials and the report's format."""
    parser.add_argument(
        "--base-url",
        required=True,
        metavar="URL",
        help="the server's root, e.g. http://127.0.0.1:8080 (paths such as /beta/... are"
        " added to it)",
    )
    parser.add_argument(
        "--service",
        choices=["graph", "kendra", "all"],
        default="all",
        help="the endpoints to test: graph, kendra or all (default)",
    )
    parser.add_argument(
        "--max-examples",
        type=inputs.positive,
        default=20,
        metavar="N",
        help="requests to generate per operation, of each kind (fitting the description and"
        " not); default 20",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the random seed (default 0)"
    )
    parser.add_argument(
        "--header",
        action="append",
        dest="headers",
        default=[],
        metavar="'NAME: VALUE'",
        help="a header to send with every request (repeatable); Authorization is refused:"
        " use --bearer-env",
    )
    parser.add_argument(
        "--bearer-env",
        metavar="VAR",
        help="send 'Authorization: Bearer' with the token in the environment variable VAR; a"
        " token is never taken on the command line, where the shell's history would keep it",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to wait for each response (default 10)",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text (default) or json (one object: requests, checks, failures)",
    )


def _headers(args: argparse.Namespace, parser: argparse.ArgumentParser) -> dict[str, str]:
    """The headers to send: --header lines, and the bearer token from --bearer-env."""
    headers: dict[str, str] = {}
    if len(args.headers) > _MAX_HEADERS:
        parser.error(f"at most {_MAX_HEADERS} --header options")
    for line in args.headers:
        found = _HEADER.fullmatch(line)
        if found is None:
            parser.error(
                f"--header {line[:60]!r} is not 'NAME: VALUE' (a token name, a colon, a value"
                " on one line)"
            )
        name = found["name"]
        if name.lower() in ("authorization", "proxy-authorization"):
            parser.error(
                f"--header {name} is refused: a credential on the command line stays in the"
                " shell's history; put the token in an environment variable and give"
                " --bearer-env VAR"
            )
        headers[name] = found["value"].strip()
    if args.bearer_env is not None:
        token = os.environ.get(args.bearer_env, "").strip()
        if not token:
            parser.error(
                f"--bearer-env {args.bearer_env}: the environment variable is not set or empty;"
                f" export {args.bearer_env}=<token> first"
            )
        if any(c in token for c in "\r\n"):
            parser.error(f"--bearer-env {args.bearer_env}: the token holds a line break")
        headers["Authorization"] = f"Bearer {token}"
    return headers


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Run the contract tests and print the report; 1 when a check failed."""
    from conformance import contract

    if not 0 < args.timeout <= 3600:
        parser.error("--timeout takes seconds above 0, at most 3600")
    headers = _headers(args, parser)
    report = contract.run(
        args.base_url,
        contract.services_named([args.service]),
        max_examples=args.max_examples,
        seed=args.seed,
        headers=headers,
        timeout=args.timeout,
    )
    if args.format == "json":
        out.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(report.text())
    return 0 if report.passed else 1
