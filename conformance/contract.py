"""Contract tests of a live server with schemathesis: the catalog's OpenAPI descriptions, sent.

``run(base_url, services=...)`` loads each service's description (``conformance.openapi``) into
schemathesis, lets Hypothesis generate requests for every operation from a seed, sends them and
checks every response. Each distinct failure is reported once, with a reproducer (a curl
command, credentials redacted) and how often it was seen.

What is checked, and why:

- Requests that fit the description (schemathesis' positive data) must get a response that is
  not a server error (``not_a_server_error``), has a status the operation declares
  (``status_code_conformance``), a declared content type (``content_type_conformance``),
  declared headers (``response_headers_conformance``, Retry-After on 429) and a body that fits
  the schema of its status (``response_schema_conformance``).
- Requests that do not fit it (negative data: a ``$top`` of 0, a ``MaxResults`` of 11, a body
  that is no object) get the same checks: a server must not fail on bad input, and its
  rejection must be a declared error with a declared body. Whether it rejects at all is not
  asked (``negative_data_rejection`` is left out): Graph ignores query options it does not
  know, and Kendra's identifier patterns are Smithy's, unanchored, so much of what is
  "negative" by the letter is accepted by the real service too. ``positive_data_acceptance``
  is left out as well: a well-formed id of a service principal or data source that does not
  exist is rightly answered 404 or 400.
- Generated ids seldom name a resource, so an item's operation (``GET .../jobs/{jobId}``) is
  also called with a few ids its list operation answered with (``MAX_LISTED``), and its 200
  bodies get the checks above too.
- Every 2xx body is also checked by this package's engine (check ``conformance``):
  schemathesis validates with jsonschema-rs, which below 0.61 (what schemathesis 4.32 allows)
  takes ``201*-07-19T14:55:58Z`` for a date-time, and does not know OData's ``edm-duration``.

- A request that gets no response while the server still answers others (a dropped
  connection, a timeout) fails ``not_a_server_error``; a body past ``MAX_BODY`` is not read
  and fails ``conformance``. A server that does not answer at all is ``ServerUnreachable``.

Credentials (``--bearer-env``, secret headers) go over https, or plain http to loopback only,
and are redacted from every message and reproducer. AWS JSON 1.1 bodies
(``application/x-amz-json-1.1``) are JSON: a deserializer and a serializer
are registered for the media type, since without them schemathesis skips the response check
of every Kendra call without a word.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import urllib3

from conformance.errors import ConformanceError, InputError
from conformance.openapi import SERVICES, Service, describe
from conformance.redaction import redact_header, redact_text, redact_url
from conformance.wire import AWS_JSON

if TYPE_CHECKING:
    import schemathesis
    from schemathesis.specs.openapi.schemas import OpenApiSchema

    from conformance.catalog import Catalog

# The checks each kind of generated request gets (see the module's docstring for why).
POSITIVE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
NEGATIVE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
# Our engine's check of every 2xx body.
ENGINE_CHECK = "conformance"
# A failure's message is cut here: a hostile server's body is quoted in it.
MAX_MESSAGE = 2000
# Ids a list answered with that its item's operation is also called for.
MAX_LISTED = 5
# An indented detail of a message (a parser's error) is cut here.
MAX_DETAIL = 300
DEFAULT_TIMEOUT = 10.0
# A response body past this is not read: these endpoints send pages of a few kilobytes.
MAX_BODY = 16 * 1024 * 1024


class BodyTooLarge(requests.RequestException):
    """A response body past ``MAX_BODY``: not read further, a failure of its request."""


class ServerUnreachable(ConformanceError):
    """The server did not answer at all: a name that does not resolve, a refused connection, a
    timeout. Nothing about its contract can be said."""


@dataclass(frozen=True)
class ContractFailure:
    """One distinct failure: which operation, which check, what was answered, how to repeat it.

    ``count`` is how many requests failed this way; ``reproducer`` is the first one's curl
    command with credentials redacted.
    """

    service: str
    operation: str
    check: str
    status: int | None
    title: str
    message: str
    reproducer: str
    count: int = 1

    def as_dict(self) -> dict[str, Any]:
        """The failure as JSON-ready data."""
        return {
            "service": self.service,
            "operation": self.operation,
            "check": self.check,
            "status": self.status,
            "title": self.title,
            "message": self.message,
            "reproducer": self.reproducer,
            "count": self.count,
        }


@dataclass(frozen=True)
class ContractReport:
    """What a run sent and found: requests per operation and the distinct failures."""

    base_url: str
    services: tuple[str, ...]
    requests: Mapping[str, int]
    failures: tuple[ContractFailure, ...]
    checks: tuple[str, ...] = field(default=(*POSITIVE_CHECKS, ENGINE_CHECK))

    @property
    def passed(self) -> bool:
        """Whether every check passed on every response."""
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``--format json``)."""
        return {
            "base_url": self.base_url,
            "services": list(self.services),
            "checks": list(self.checks),
            "requests": dict(self.requests),
            "passed": self.passed,
            "failures": [f.as_dict() for f in self.failures],
        }

    def text(self) -> str:
        """The report for a terminal: one block per failure, then a summary line."""
        lines: list[str] = []
        for failure in self.failures:
            status = f"status {failure.status}" if failure.status is not None else "no response"
            times = "" if failure.count == 1 else f", {failure.count} times"
            lines.append(f"FAIL {failure.operation}: {failure.check} ({status}{times})")
            lines.append(f"  {failure.title}")
            lines.extend(f"  {line}" if line else "" for line in failure.message.splitlines())
            lines.append(f"  reproduce: {failure.reproducer}")
            lines.append("")
        if self.failures:
            # The tally, for a long report: which checks failed where, and how often.
            tally: dict[tuple[str, str], int] = {}
            for failure in self.failures:
                key = (failure.operation, failure.check)
                tally[key] = tally.get(key, 0) + 1
            width = max(len(operation) for operation, _ in tally)
            lines.append("distinct failures by operation and check:")
            lines.extend(
                f"  {operation:<{width}}  {check}: {count}"
                for (operation, check), count in tally.items()
            )
        sent = sum(self.requests.values())
        operations = len(self.requests)
        summary = (
            f"{sent} request{'s' if sent != 1 else ''} to {operations}"
            f" operation{'s' if operations != 1 else ''} of {self.base_url}"
            f" ({', '.join(self.services)}): "
        )
        if self.passed:
            summary += "every check passed"
        else:
            where = len({f.operation for f in self.failures})
            summary += (
                f"{len(self.failures)} distinct failure{'s' if len(self.failures) != 1 else ''}"
                f" in {where} operation{'s' if where != 1 else ''}"
            )
        lines.append(summary)
        return "\n".join(lines) + "\n"


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; an ``InputError`` unless it is http(s) with a
    host."""
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"--base-url {redact_url(base_url)!r} is not an http(s) URL with a host; give one"
            " such as http://127.0.0.1:8080"
        )
    if parts.query or parts.fragment:
        raise InputError("--base-url takes no query or fragment: give the server's root URL")
    return base_url.rstrip("/")


def run(
    base_url: str,
    services: Sequence[Service] = SERVICES,
    *,
    max_examples: int = 20,
    seed: int = 0,
    headers: Mapping[str, str] | None = None,
    catalog: Catalog | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ContractReport:
    """Contract-test the server at ``base_url`` (see the module); a ``ServerUnreachable`` when
    it does not answer, an ``InputError`` for a bad URL or service name."""
    try:
        import schemathesis  # noqa: F401 (the extra that may be missing)
    except ImportError:
        raise ConformanceError(
            "contract tests need schemathesis: pip install 'sync-conformance[contract]'"
        ) from None
    base_url = check_base_url(base_url)
    for service in services:
        if service not in SERVICES:
            raise InputError(f"no service {service!r}: choose from {', '.join(SERVICES)}")
    if max_examples < 1:
        raise InputError("--max-examples must be 1 or more")
    sent_headers = dict(headers or {})
    _credentials_safe(base_url, sent_headers)
    session = requests.Session()
    session.trust_env = False  # no proxy or .netrc credentials the user did not give
    session.hooks["response"].append(_capped)
    try:
        _reach(session, base_url, timeout)
        runner = _Runner(base_url, session, sent_headers, timeout, catalog)
        for service in services:
            runner.service(service, max_examples, seed)
    finally:
        session.close()
    if runner.unreachable is not None:
        raise ServerUnreachable(runner.unreachable)
    return ContractReport(
        base_url=redact_url(base_url),
        services=tuple(services),
        requests=dict(runner.requests),
        failures=tuple(runner.failures()),
    )


def _credentials_safe(base_url: str, headers: Mapping[str, str]) -> None:
    """Credentials travel over https, or to this machine: plain http elsewhere is an
    ``InputError``, since anyone on the path could read them."""
    import ipaddress

    secret = [name for name, value in headers.items() if redact_header(name, value) != value]
    parts = urlsplit(base_url)
    if not secret or parts.scheme == "https":
        return
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InputError(
            f"{secret[0]} would be sent in clear text to {host}: use an https:// --base-url"
            " (credentials go over plain http to loopback only)"
        )


def _unreachable(base_url: str, exc: BaseException) -> str:
    reason = _reason(exc)
    return (
        f"cannot reach {redact_url(base_url)}: {reason}; check the URL and that the server is"
        " running (conformance serve starts one)"
    )


def _reason(exc: BaseException) -> str:
    """What went wrong at the transport, in a few words, from the innermost cause."""
    text = str(exc).lower()
    if isinstance(exc, requests.Timeout):
        return "no answer within the timeout"
    if (
        "name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
        or "failed to resolve" in text
    ):
        return "the host name does not resolve"
    if "refused" in text:
        return "connection refused"
    if "ssl" in text or "certificate" in text:
        return "TLS failed (certificate or handshake)"
    return "the connection failed"


def _capped(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """Read the body here, at most ``MAX_BODY`` bytes: a hostile server's endless body ends
    the request, not the run's memory. (A response hook runs before requests reads a body.)"""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        response.close()
        raise BodyTooLarge(f"Response body of {length} bytes, past the {MAX_BODY} read")
    try:
        data = response.raw.read(MAX_BODY + 1, decode_content=True)
    except urllib3.exceptions.ReadTimeoutError:
        response.close()
        raise requests.ReadTimeout("the body did not arrive within the timeout") from None
    except Exception as exc:  # urllib3's protocol and decoding errors, as requests raises them
        response.close()
        raise requests.ConnectionError(exc) from None
    if len(data) > MAX_BODY:
        response.close()
        raise BodyTooLarge(f"Response body past the {MAX_BODY} bytes read")
    response._content = data
    response._content_consumed = True
    return response


def _reach(session: requests.Session, base_url: str, timeout: float) -> None:
    """One plain request first: a server that does not answer is exit 2, not a failed check."""
    try:
        session.get(base_url + "/", timeout=timeout, allow_redirects=False).close()
    except requests.RequestException as exc:
        raise ServerUnreachable(_unreachable(base_url, exc)) from None


@dataclass
class _Seen:
    failure: ContractFailure
    count: int = 1


class _Runner:
    """One run's state: the session, the failures seen, the requests sent."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        headers: dict[str, str],
        timeout: float,
        catalog: Catalog | None,
    ) -> None:
        import conformance

        self.base_url = base_url
        self.session = session
        self.headers = headers
        self.timeout = timeout
        self.catalog = catalog
        self.requests: dict[str, int] = {}
        self.unreachable: str | None = None
        self._seen: dict[tuple[str, ...], _Seen] = {}
        # A list operation's path -> (its path parameters, an id it listed).
        self._listed: dict[str, list[tuple[dict[str, str], str]]] = {}
        self._checker = conformance.Checker(catalog=catalog)
        self._failing = conformance.FAILING_KINDS
        # The same headers, as a reproducer may show them.
        self._shown_headers = {name: redact_header(name, value) for name, value in headers.items()}

    def failures(self) -> list[ContractFailure]:
        """The distinct failures, each with its count, in the order first seen."""
        return [replace(seen.failure, count=seen.count) for seen in self._seen.values()]

    def service(self, service: Service, max_examples: int, seed: int) -> None:
        """Every operation of one service, positive then negative requests."""
        from schemathesis import GenerationMode
        from schemathesis.core.result import Ok

        schema = load_schema(describe(service, self.catalog), self.base_url, self.timeout)
        for result in schema.get_all_operations():
            if not isinstance(result, Ok):
                # The description is ours: an operation schemathesis cannot read is our bug.
                raise ConformanceError(
                    f"the {service} description has an operation schemathesis cannot load:"
                    f" {result.err()}; regenerate it with 'conformance openapi'"
                )
            operation = result.ok()
            label = str(operation.label)
            self.requests.setdefault(label, 0)
            bodies = _success_schemas(operation.definition.raw)
            path = str(operation.path)
            for mode, checks in (
                (GenerationMode.POSITIVE, POSITIVE_CHECKS),
                (GenerationMode.NEGATIVE, NEGATIVE_CHECKS),
            ):
                if self.unreachable is not None:
                    return
                functions = [_check(name) for name in checks]
                strategy = operation.as_strategy(generation_mode=mode)
                visit = functools.partial(
                    self._visit, service, label, checks=functions, bodies=bodies
                )
                _explore(strategy, visit, max_examples, seed)
            # Generated ids seldom name a resource, so an item's own operation would be checked
            # on its 404s alone: it is also called for the ids its list answered with.
            parent, _, last = path.rpartition("/")
            item = last[1:-1] if last.startswith("{") and last.endswith("}") else ""
            positive = [_check(name) for name in POSITIVE_CHECKS]
            for parameters, identifier in self._listed.get(parent, []) if item else []:
                if self.unreachable is not None:
                    return
                strategy = operation.as_strategy(path_parameters={**parameters, item: identifier})
                visit = functools.partial(
                    self._visit, service, label, checks=positive, bodies=bodies
                )
                _explore(strategy, visit, 1, seed)

    def _visit(
        self,
        service: str,
        label: str,
        case: schemathesis.Case[Any],
        *,
        checks: list[Any],
        bodies: Mapping[str, str],
    ) -> None:
        """Send one case and check its response; failures are recorded, never raised."""
        from schemathesis.errors import FailureGroup

        if self.unreachable is not None:
            return
        reproducer = self._reproducer(case)
        try:
            response = case.call(
                session=self.session, headers=dict(self.headers), timeout=self.timeout
            )
        except requests.RequestException as exc:
            self._no_response(service, label, exc, reproducer)
            return
        self.requests[label] = self.requests.get(label, 0) + 1
        status = int(response.status_code)
        for function in checks:
            try:
                case.validate_response(response, checks=[function], headers=dict(self.headers))
            except FailureGroup as group:
                for failure in group.exceptions:
                    self._record(service, label, function.__name__, status, failure, reproducer)
            except Exception as exc:
                # A check that cannot judge a hostile response (a body nested past what a
                # parser takes, say) is that response's failure, not the run's crash.
                title = f"The check could not read the response ({type(exc).__name__})"
                key = (service, label, function.__name__, title)
                unread = ContractFailure(
                    service, label, function.__name__, status, title, "", reproducer
                )
                self._add(key, unread)
        schema_name = bodies.get(str(status))
        if schema_name is not None:
            self._engine(service, label, status, schema_name, response.content, reproducer)
            self._list(str(case.operation.path), case, schema_name, response.content)

    def _list(
        self, path: str, case: schemathesis.Case[Any], schema_name: str, content: bytes
    ) -> None:
        """Keep the ids of the resources a list answered with (a few, strings only), with
        the path parameters that listed them, for the item's own operation."""
        arrays = self._checker.catalog.resource_arrays(schema_name)
        listed = self._listed.setdefault(path, [])
        if not arrays or len(listed) >= MAX_LISTED:
            return
        try:
            body = json.loads(content)
        except (ValueError, RecursionError):
            return
        if not isinstance(body, dict):
            return
        parameters = {
            str(k): str(v) for k, v in (case.path_parameters or {}).items() if isinstance(v, str)
        }
        for array in arrays:
            items = body.get(array)
            for item in items if isinstance(items, list) else []:
                identifier = item.get("id") if isinstance(item, dict) else None
                if isinstance(identifier, str) and 0 < len(identifier) <= 256:
                    known = (parameters, identifier)
                    if known not in listed and len(listed) < MAX_LISTED:
                        listed.append(known)

    def _no_response(
        self, service: str, label: str, exc: requests.RequestException, reproducer: str
    ) -> None:
        """A request that got no (whole) response: a failure of that request when the server
        still answers others, the end of the run (exit 2) when it does not."""
        self.requests[label] = self.requests.get(label, 0) + 1
        if isinstance(exc, BodyTooLarge):
            title, check = str(exc), ENGINE_CHECK
        else:
            try:
                _reach(self.session, self.base_url, self.timeout)
            except ServerUnreachable as gone:
                self.unreachable = str(gone)
                return
            title, check = f"No response: {_reason(exc)}", "not_a_server_error"
        key = (service, label, check, title)
        self._add(key, ContractFailure(service, label, check, None, title, "", reproducer))

    def _engine(
        self,
        service: str,
        label: str,
        status: int,
        schema_name: str,
        content: bytes,
        reproducer: str,
    ) -> None:
        """Our engine's verdict on a 2xx body: each failing finding is a ``conformance`` failure."""
        result = self._checker.check(content, schema=schema_name, name=label)
        for finding in result.findings:
            if finding.kind in self._failing:
                message = f"{finding.pointer or '/'}: {finding.message}"
                key = (service, label, ENGINE_CHECK, finding.rule_id, finding.kind)
                self._add(
                    key,
                    ContractFailure(
                        service,
                        label,
                        ENGINE_CHECK,
                        status,
                        f"{schema_name}: {finding.kind}",
                        _cut(redact_text(message)),
                        reproducer,
                    ),
                )

    def _record(
        self,
        service: str,
        label: str,
        check: str,
        status: int,
        failure: BaseException,
        reproducer: str,
    ) -> None:
        title = str(getattr(failure, "title", type(failure).__name__))
        message = _brief(str(getattr(failure, "message", "") or ""))
        # One failure per kind and place: a schema violation is told apart by the keyword that
        # failed, so a hostile server's ten different violations are ten failures, but the
        # same violation in a thousand responses is one.
        where = "/".join(str(p) for p in getattr(failure, "schema_path", ()) or ())
        key = (service, label, check, type(failure).__name__, title, where)
        self._add(
            key,
            ContractFailure(
                service,
                label,
                check,
                status,
                _cut(redact_text(title)),
                _cut(redact_text(message)),
                reproducer,
            ),
        )

    def _add(self, key: tuple[str, ...], failure: ContractFailure) -> None:
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = _Seen(failure)
        else:
            seen.count += 1

    def _reproducer(self, case: schemathesis.Case[Any]) -> str:
        try:
            command = case.as_curl_command(
                headers=dict(self._shown_headers), base_url=self.base_url
            )
        except Exception as exc:  # a reproducer is a courtesy: never the reason a run fails
            return f"(no curl command: {type(exc).__name__})"
        # Only the command: schemathesis may add notes on lines after it.
        return redact_text(command.split("\n\n", 1)[0])


def _brief(message: str) -> str:
    """A schemathesis message without the dumps of the schema and the value (the report names
    the schema's place, and the reproducer fetches the value); other indented parts, such as
    a parser's error, are kept, cut short."""
    kept: list[str] = []
    dump = False
    for part in message.split("\n\n"):
        if not part.strip():
            continue
        if part.startswith((" ", "\t")):
            if not dump:
                kept.append(part.strip()[:MAX_DETAIL])
            continue
        dump = part.startswith("Schema at ") or part.strip() == "Value:"
        if part.strip() != "Value:":
            kept.append(part.rstrip(":") if dump else part)
    return "\n\n".join(kept)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " [...]"


def _check(name: str) -> Any:
    """schemathesis' check function of that name."""
    import schemathesis.checks

    return getattr(schemathesis.checks, name)


def _success_schemas(operation: Mapping[str, Any]) -> dict[str, str]:
    """Status -> the catalog name of the schema of each 2xx response an operation declares."""
    found: dict[str, str] = {}
    responses = operation.get("responses", {})
    for status, response in responses.items():
        if not str(status).startswith("2"):
            continue
        for media in response.get("content", {}).values():
            ref = media.get("schema", {}).get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                found[str(status)] = ref.rsplit("/", 1)[1]
    return found


_registered = False


def _register_aws_json() -> None:
    """Make schemathesis read and write AWS JSON 1.1 bodies as JSON (once per process)."""
    global _registered
    if _registered:
        return
    import schemathesis

    @schemathesis.deserializer(AWS_JSON)
    def _read(ctx: schemathesis.DeserializationContext, response: schemathesis.Response) -> Any:
        # A body that is not JSON raises here, and schemathesis reports it as a failure.
        return json.loads(response.content)

    schemathesis.serializer.alias(AWS_JSON, "application/json")
    _registered = True


def load_schema(description: dict[str, Any], base_url: str, timeout: float) -> OpenApiSchema:
    """The description as a schemathesis schema that sends to ``base_url``, AWS JSON 1.1
    registered. Built from a fresh configuration: a ``schemathesis.toml`` in the working folder
    changes nothing here. Any warning schemathesis has about the description (a media type it
    cannot read, whose checks it would skip without a word) is a ``ConformanceError``: what
    the run cannot check must not pass as checked."""
    import schemathesis

    _register_aws_json()
    schema = schemathesis.openapi.from_dict(description, config=schemathesis.Config())
    schema.config.update(base_url=base_url, request_timeout=timeout)
    problems = list(schema.iter_schema_warnings())
    if problems:
        raise ConformanceError(
            "schemathesis would not check all of the description: "
            + "; ".join(str(p) for p in problems[:3])
        )
    return schema


def _explore(strategy: Any, visit: Callable[[Any], None], max_examples: int, seed: int) -> None:
    """Draw up to ``max_examples`` cases from ``strategy`` with Hypothesis, seeded, and visit
    each. Nothing is shrunk (``visit`` never raises) and nothing is stored between runs."""
    import hypothesis
    import hypothesis.errors
    from hypothesis import HealthCheck, Phase

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=False,
    )
    @hypothesis.given(case=strategy)
    def explore(case: Any) -> None:
        visit(case)

    # Unsatisfiable: nothing of this kind can be made for the operation (a path of strings has
    # no negative form that is still a URL), so there is nothing to send.
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        explore()


def services_named(names: Iterable[str]) -> tuple[Service, ...]:
    """``graph``, ``kendra`` or ``all`` as the services they name."""
    out: list[Service] = []
    for name in names:
        if name == "all":
            out.extend(SERVICES)
        elif name in SERVICES:
            out.append(name)
        else:
            raise InputError(f"no service {name!r}: choose graph, kendra or all")
    return tuple(dict.fromkeys(out))
