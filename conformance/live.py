"""Live services: fetch every page of a call, signed or with a token, and record what came back.

``fetch`` takes the calls a user asked for (``Call``: a URL, and for Kendra the ``X-Amz-Target``
and JSON body of an AWS JSON 1.1 call) and yields one ``Page`` per response page: Graph pages
follow ``@odata.nextLink``, Kendra pages send the body again with the ``NextToken`` of the last
answer. Each page's ``exchange`` is what the engine checks (``Checker.check``), so a live page is
validated, selected and reported exactly as a recorded one. What keeps a call from producing a
page is a ``Failure``, yielded in its place, and the other calls go on.

Safe by default (``Settings``):

- timeouts on connect and read, and bodies read to at most ``max_body`` bytes, decoded;
- 429 and 503 are retried a bounded number of times, waiting what ``Retry-After`` asks (at most
  ``max_wait`` seconds) or backing off;
- TLS is verified (``ca_bundle`` names a private CA); a bearer token is never sent over plain
  HTTP but to a loopback address;
- redirects are followed by hand, and a credential (Authorization, the AWS signature and session
  token, cookies) is never sent to another origin than the call's own, nor to a next page there;
- a page token or link seen before ends the call with a finding, never a loop, and so does
  ``max_pages``.

The bearer token is read from the environment variable the user names (never from the command
line, where it would stay in the shell's history); Kendra calls are signed with botocore's
SigV4 signer when botocore is installed and credentials are configured. ``Recorder`` writes each
page as a vcrpy cassette interaction and a line of NDJSON, every header, URL and body redacted:
no token or signature reaches a report, a log line or a recording.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import urljoin, urlsplit

from conformance.bodies import DEFAULT_MAX_BODY, BodyError
from conformance.errors import InputError
from conformance.findings import Location, Result
from conformance.redaction import REDACTED, SECRET_HEADERS, redact_header, redact_text, redact_url
from conformance.report.base import dump_json
from conformance.responses import Exchange
from conformance.wire import AWS_JSON

# Statuses worth asking again: the service said "not now", not "no".
RETRIED = frozenset({429, 503})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
# Headers that carry a credential of the caller: sent to the call's own origin only.
CREDENTIALS = frozenset({"authorization", "x-amz-security-token", "x-amz-date", "cookie"})
# How much of a service's error code an error message quotes.
_CODE_CHARS = 80

Sign = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class Call:
    """One call the user asked for: its first page's request.

    ``aws_target`` makes it an AWS JSON 1.1 call (``POST``, the target header, the body as
    ``application/x-amz-json-1.1``), paged by ``NextToken`` in the body; otherwise pages follow
    ``@odata.nextLink``. ``data`` is the request body as given (for a Kendra call, a JSON object).
    """

    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    data: bytes | None = None
    aws_target: str | None = None


@dataclass(frozen=True)
class Settings:
    """How calls are made: credentials, limits and patience."""

    # The environment variable that holds a bearer token (Graph); read when the calls start.
    bearer_env: str | None = None
    # SigV4 for AWS JSON calls: auto signs when botocore and credentials are there.
    sign: Sign = "auto"
    region: str | None = None
    connect_timeout: float = 10.0
    timeout: float = 30.0
    retries: int = 3
    max_wait: float = 60.0
    max_pages: int = 1000
    max_body: int = DEFAULT_MAX_BODY
    ca_bundle: str | None = None


@dataclass(frozen=True)
class Page:
    """One page a call returned: the exchange to check, and what a recording keeps of it."""

    call: Call
    number: int
    exchange: Exchange
    # What was sent and received, for ``Recorder``: the request's method, URL, headers and body
    # as sent, the response's status, reason and headers, and its body, decoded (None: over the
    # cap, so not kept).
    request_body: bytes | None
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes | None

    @property
    def name(self) -> str:
        """What reports call the page: the call's URL, redacted, and the page's number."""
        return f"{redact_url(self.call.url)} (page {self.number})"


@dataclass(frozen=True)
class Failure:
    """A call that stopped before a page could be checked: why, in words safe to print."""

    call: Call
    message: str

    def __str__(self) -> str:
        return f"{redact_url(self.call.url)}: {self.message}"


@dataclass(frozen=True)
class Stopped:
    """A call whose paging was cut short by a repeated token or link: the result holds the
    finding that says so, placed after the last page read."""

    call: Call
    result: Result


# --- Building calls from the command line ---------------------------------------------------------


def make_call(
    url: str,
    *,
    method: str | None = None,
    headers: tuple[str, ...] = (),
    data: str | None = None,
    aws_target: str | None = None,
) -> Call:
    """A ``Call`` from command-line text, checked: an ``InputError`` says what is wrong.

    ``headers`` are ``Name: value`` strings; an Authorization header is refused (a token on the
    command line stays in the shell's history: ``--bearer-env`` reads it from the environment).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or _port(url) == _BAD_PORT:
        raise InputError(
            f"--url {redact_url(url)!r}: not an http or https URL with a host (and a port"
            " of 0-65535)"
        )
    pairs: list[tuple[str, str]] = []
    for text in headers:
        name, colon, value = text.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not name or any(c in name for c in " \t\r\n"):
            raise InputError(f"--header {redact_text(text)!r}: expected 'Name: value'")
        if "\r" in value or "\n" in value:
            raise InputError(f"--header {name}: a value may not hold a line break")
        if name.lower() in ("authorization", "proxy-authorization", "x-amz-security-token"):
            raise InputError(
                f"--header {name}: credentials are not taken on the command line, where they"
                " would stay in the shell's history; put a bearer token in an environment"
                " variable and name it with --bearer-env VAR (AWS credentials come from the"
                " usual AWS environment variables or files)"
            )
        pairs.append((name, value))
    body: bytes | None = None
    if data is not None:
        body = data.encode("utf-8")
    if aws_target is not None:
        if not aws_target.strip() or any(c in aws_target for c in " \r\n"):
            raise InputError(f"--aws-target {aws_target!r}: expected Service.Operation")
        try:
            value = json.loads(data if data is not None else "{}")
        except json.JSONDecodeError as exc:
            raise InputError(
                f"--data: not JSON ({exc.msg} at column {exc.colno}); an AWS JSON call takes a"
                ' JSON object, e.g. --data \'{"Id": "...", "IndexId": "..."}\''
            ) from None
        if not isinstance(value, dict):
            raise InputError("--data: an AWS JSON call takes a JSON object")
        body = json.dumps(value).encode("utf-8")
    verb = (method or ("POST" if aws_target is not None or data is not None else "GET")).upper()
    if not verb.isalpha():
        raise InputError(f"--method {method!r}: not an HTTP method")
    return Call(url, verb, tuple(pairs), body, aws_target)


# --- Fetching -------------------------------------------------------------------------------------


def fetch(
    calls: list[Call], settings: Settings, session: Any = None
) -> Iterator[Page | Failure | Stopped]:
    """Every page of every call, in order; a call that fails yields its ``Failure`` and the next
    call goes on. ``session`` is a ``requests.Session`` (one is made when None)."""
    import requests

    token = _token(settings)
    own = session or requests.Session()
    # Proxies and .netrc from the environment stay; a .netrc password is a credential the
    # redirect rule covers too (requests adds it per request, and not across hosts).
    try:
        for call in calls:
            yield from _pages(own, call, settings, token)
    finally:
        if session is None:
            own.close()


def _token(settings: Settings) -> str | None:
    if settings.bearer_env is None:
        return None
    token = os.environ.get(settings.bearer_env, "").strip()
    if not token:
        raise InputError(
            f"--bearer-env {settings.bearer_env}: the environment variable is not set or empty;"
            f" export {settings.bearer_env}=<token> first (the token itself is never taken on"
            " the command line)"
        )
    if any(c in token for c in "\r\n\0") or not token.isprintable():
        raise InputError(f"--bearer-env {settings.bearer_env}: the token holds control characters")
    return token


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = _port(url) or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


# The port of a URL whose port is not a number of 0-65535 (a hostile next link or redirect):
# an origin of its own, so that no credential goes there; requests then refuses the URL.
_BAD_PORT = -1


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:
        return _BAD_PORT


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _pages(
    session: Any, call: Call, settings: Settings, token: str | None
) -> Iterator[Page | Failure | Stopped]:
    parts = urlsplit(call.url)
    if parts.scheme != "https" and not _loopback(call.url):
        secret = "a bearer token" if token is not None else None
        if parts.username is not None or parts.password is not None:
            secret = "the user and password of the URL"
        if secret is not None:
            yield Failure(
                call,
                f"refusing to send {secret} over plain http to a host that is not loopback;"
                " use https",
            )
            return
    signer = _Signer.make(call, settings)
    if isinstance(signer, Failure):
        yield signer
        return
    url, body = call.url, call.data
    # What each request asked for (its URL, or for AWS JSON its body with the token): a service
    # that hands back a cursor it handed out before would be followed forever.
    seen = {_key(call, url, body)}
    page: Page | None = None
    for number in range(1, settings.max_pages + 1):
        got = _request(session, call, settings, token, signer, url, body)
        if isinstance(got, Failure):
            yield got
            return
        page = replace(got, number=number)
        yield page
        following = _next(call, page, url, body)
        if following is None:
            return
        url, body = following
        key = _key(call, url, body)
        if key in seen:
            yield _cycle(call, page, number)
            return
        seen.add(key)
    if page is not None:
        # Not the service's fault, and not all of it read: the run is incomplete (exit 2).
        yield Failure(
            call,
            f"stopped after {settings.max_pages} pages (--max-pages) with more to read: the"
            f" service still sent a {_cursor(call)}; raise --max-pages to read them all",
        )


def _cursor(call: Call) -> str:
    return "NextToken" if call.aws_target is not None else "@odata.nextLink"


def _key(call: Call, url: str, body: bytes | None) -> str:
    return url if call.aws_target is None else (body or b"").decode("utf-8", "replace")


def _cycle(call: Call, page: Page, number: int) -> Stopped:
    """The ``pagination.token-cycle`` finding of a call whose paging came back to a page it
    had read, placed after the last page (a run that switches the rule off drops it)."""
    from conformance.rules import BY_ID, finding

    kendra = call.aws_target is not None
    return Stopped(
        call,
        Result(
            Location(page.name),
            None,
            (
                finding(
                    BY_ID["pagination.token-cycle"],
                    "kendra.ListDataSourceSyncJobsResponse"
                    if kendra
                    else "graph.synchronizationJobCollection",
                    Location(page.name),
                    "/NextToken" if kendra else "/@odata.nextLink",
                    f"the service sent a {_cursor(call)} it had sent before (page {number}); a"
                    " client that follows it pages forever",
                    None,
                    None,
                ),
            ),
            documents=0,
        ),
    )


def _next(call: Call, page: Page, url: str, body: bytes | None) -> tuple[str, bytes | None] | None:
    """The next page's URL and body, or None after the last page."""
    if page.body is None or not 200 <= page.exchange.status < 300:
        return None
    try:
        value = json.loads(page.body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    if call.aws_target is not None:
        token = value.get("NextToken")
        if not isinstance(token, str) or not token:
            return None
        request = json.loads(body or b"{}")
        request["NextToken"] = token
        return url, json.dumps(request).encode("utf-8")
    link = value.get("@odata.nextLink")
    if not isinstance(link, str) or not link:
        return None
    absolute = urljoin(url, link)
    if urlsplit(absolute).scheme not in ("http", "https"):
        return None
    return absolute, None


def _request(
    session: Any,
    call: Call,
    settings: Settings,
    token: str | None,
    signer: _Signer | None,
    url: str,
    body: bytes | None,
) -> Page | Failure:
    """One page's request, with retries and redirects; the page numbered 0 (the caller's)."""
    import requests

    method = call.method
    for attempt in range(settings.retries + 1):
        target, verb, data = url, method, body
        for _hop in range(MAX_REDIRECTS + 1):
            headers = _headers(call, token, signer, verb, target, data)
            try:
                response = session.request(
                    verb,
                    target,
                    headers=headers,
                    data=data,
                    allow_redirects=False,
                    stream=True,
                    timeout=(settings.connect_timeout, settings.timeout),
                    verify=settings.ca_bundle or True,
                )
            except requests.exceptions.RequestException as exc:
                return Failure(call, _connection_error(exc, target, settings))
            if response.status_code in REDIRECTS and response.headers.get("Location"):
                location = urljoin(target, response.headers["Location"])
                response.close()
                if urlsplit(location).scheme not in ("http", "https"):
                    return Failure(call, "redirected to a URL that is not http or https")
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and verb == "POST"
                ):
                    verb, data = "GET", None
                target = location
                continue
            break
        else:
            return Failure(call, f"more than {MAX_REDIRECTS} redirects")
        status = int(response.status_code)
        if status in RETRIED and attempt < settings.retries:
            wait = _retry_after(response.headers.get("Retry-After"), attempt)
            response.close()
            if wait > settings.max_wait:
                return Failure(
                    call,
                    f"HTTP {status}: the service asked to wait {wait:.0f} s, more than"
                    f" --max-wait {settings.max_wait:.0f}",
                )
            time.sleep(wait)
            continue
        return _page(call, settings, response, verb, target, headers, data)
    raise AssertionError("unreachable: the last attempt returns")


def _headers(
    call: Call,
    token: str | None,
    signer: _Signer | None,
    method: str,
    url: str,
    data: bytes | None,
) -> dict[str, str]:
    """The request's headers: the user's, the protocol's, and credentials for the call's own
    origin only (a redirect or a next page elsewhere gets none)."""
    headers = {"Accept": "application/json", "User-Agent": "sync-conformance"}
    if call.aws_target is not None:
        headers["X-Amz-Target"] = call.aws_target
        headers["Content-Type"] = AWS_JSON
        headers["Accept"] = AWS_JSON
    headers.update(call.headers)
    if _origin(url) != _origin(call.url):
        # Elsewhere, no credential: neither the protocol's nor a header of the user's that is
        # named like a secret (X-Api-Key) or holds one.
        return {
            k: v
            for k, v in headers.items()
            if k.lower() not in CREDENTIALS and redact_header(k, v) == v
        }
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if signer is not None:
        headers = signer.sign(method, url, headers, data)
    return headers


def _retry_after(value: str | None, attempt: int) -> float:
    """Seconds to wait: ``Retry-After`` as seconds or an HTTP date, else 0.5 s doubled per try."""
    backoff = 0.5 * float(2**attempt)
    if not value:
        return backoff
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text[:12]))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return backoff
    if when.tzinfo is None:
        return backoff
    return max(0.0, when.timestamp() - time.time())


def _connection_error(exc: Exception, url: str, settings: Settings) -> str:
    """What went wrong, in words that never quote the URL's query or a header."""
    import requests

    host = urlsplit(url).hostname or "the host"
    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return (
                f"TLS: the certificate of {host} could not be verified (TLS verification is on;"
                " for a private CA give --ca-bundle FILE)"
            )
        return f"TLS: the handshake with {host} failed"
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"could not connect to {host} within {settings.connect_timeout:g} s"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{host} sent nothing for {settings.timeout:g} s (--timeout)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        lowered = text.lower()
        if any(
            s in lowered
            for s in (
                "name or service not known",
                "nodename nor servname",
                "getaddrinfo",
                "name resolution",
                "no address associated",
                "temporary failure in name",
            )
        ):
            return f"DNS: cannot resolve {host}"
        if "refused" in lowered:
            port = _origin(url)[2]
            return f"connection refused by {host}:{port}"
        return f"the connection to {host} failed"
    return f"the request to {host} failed ({type(exc).__name__})"


def _page(
    call: Call,
    settings: Settings,
    response: Any,
    method: str,
    url: str,
    headers: Mapping[str, str],
    data: bytes | None,
) -> Page | Failure:
    status = int(response.status_code)
    body, over = _read(response, settings.max_body)
    reason = str(response.reason or "")
    got = tuple((str(k), str(v)) for k, v in response.headers.items())
    if not 200 <= status < 300:
        return Failure(call, f"HTTP {status} {reason}".rstrip() + _service_error(body))

    def read() -> bytes | None:
        if over:
            raise BodyError(
                f"response body is larger than {settings.max_body} bytes (--max-body-size)"
            )
        return body

    exchange = Exchange(
        method=method,
        url=url,
        status=status,
        request_headers=tuple(headers.items()),
        content_type=str(response.headers.get("Content-Type") or ""),
        read=read,
    )
    return Page(call, 0, exchange, data, reason, got, None if over else body)


def _read(response: Any, limit: int) -> tuple[bytes, bool]:
    """The decoded body, up to ``limit`` bytes; True when there was more (a gzip bomb costs no
    more than its cap)."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > limit:
                return b"", True
            chunks.append(chunk)
    finally:
        response.close()
    return b"".join(chunks), False


def _service_error(body: bytes) -> str:
    """The service's error code from its envelope (Graph ``error.code``, AWS ``__type``), when
    it is a short word; never its message, which may quote the request."""
    try:
        value = json.loads(body[:65536])
    except (ValueError, RecursionError):
        return ""
    code: Any = None
    if isinstance(value, dict):
        error = value.get("error")
        code = error.get("code") if isinstance(error, dict) else value.get("__type")
    if (
        isinstance(code, str)
        and 0 < len(code) <= _CODE_CHARS
        and all(c.isalnum() or c in "._:#-" for c in code)
    ):
        return f": {code}"
    return ""


# --- Signing --------------------------------------------------------------------------------------


class _Signer:
    """SigV4 for one AWS JSON call, with botocore's signer and the configured credentials."""

    def __init__(self, credentials: Any, service: str, region: str) -> None:
        self._credentials = credentials
        self._service = service
        self._region = region

    @classmethod
    def make(cls, call: Call, settings: Settings) -> _Signer | Failure | None:
        if call.aws_target is None or settings.sign == "never":
            return None
        try:
            from botocore.session import Session  # type: ignore[import-untyped]  # no type information
        except ImportError:
            if settings.sign == "always":
                return Failure(
                    call,
                    "signing needs botocore: pip install 'sync-conformance[aws]' (or --sign"
                    " never for an unsigned call)",
                )
            return None
        session = Session()
        credentials = session.get_credentials()
        if credentials is None:
            if settings.sign == "always":
                return Failure(
                    call,
                    "no AWS credentials found (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a"
                    " profile in ~/.aws, or AWS_PROFILE): cannot sign",
                )
            return None
        region = settings.region or _region_of(call.url) or session.get_config_variable("region")
        return cls(credentials.get_frozen_credentials(), _service_of(call), region or "us-east-1")

    def sign(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> dict[str, str]:
        from botocore.auth import SigV4Auth  # type: ignore[import-untyped]
        from botocore.awsrequest import AWSRequest  # type: ignore[import-untyped]

        request = AWSRequest(method=method, url=url, data=data or b"", headers=dict(headers))
        SigV4Auth(self._credentials, self._service, self._region).add_auth(request)
        return {str(k): _text(v) for k, v in request.headers.items()}


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _region_of(url: str) -> str | None:
    # kendra.us-east-1.amazonaws.com
    parts = (urlsplit(url).hostname or "").split(".")
    if len(parts) >= 4 and parts[-2:] == ["amazonaws", "com"]:
        return parts[1]
    return None


def _service_of(call: Call) -> str:
    host = urlsplit(call.url).hostname or ""
    if host.endswith(".amazonaws.com"):
        return host.split(".")[0]
    # The signing name of the target's service: Kendra's targets start with its frontend's name.
    return "kendra"


# --- Recording ------------------------------------------------------------------------------------

# Response headers a replay must not see again: the body is recorded decoded and whole.
_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection"})


class Recorder:
    """Writes pages as they come: ``cassette.yaml`` (vcrpy's format, one interaction per page,
    for ``conformance validate`` and for pytest-recording) and ``bodies.ndjson`` (each page's
    body as one line), secrets redacted in URLs, headers and bodies. A body that is not JSON is
    not written (what cannot be parsed cannot be redacted); its interaction says so."""

    def __init__(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._cassette: IO[str] = (folder / "cassette.yaml").open("w", encoding="utf-8")
            self._bodies: IO[str] = (folder / "bodies.ndjson").open("w", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"--record {folder}: cannot write there: {exc.strerror}") from None
        self.folder = folder
        self.pages = 0
        self._cassette.write("interactions:\n")

    def add(self, page: Page) -> None:
        """Record one page."""
        import yaml

        value = _parsed(page.body)
        # dump_json: a lone surrogate (JSON may hold one, UTF-8 cannot) is written escaped.
        text = dump_json(value, indent=None) if value is not _UNPARSED else None
        response_headers: dict[str, list[str]] = {}
        for name, header in page.response_headers:
            if name.lower() not in _FRAMING:
                response_headers.setdefault(name, []).append(redact_header(name, header))
        if text is None:
            response_headers["X-Conformance-Body"] = ["not recorded: not JSON"]
        request_headers: dict[str, list[str]] = {}
        for name, header in page.exchange.request_headers:
            kept = REDACTED if name.lower() in CREDENTIALS | SECRET_HEADERS else header
            request_headers.setdefault(name, []).append(redact_header(name, kept))
        request_body = _parsed(page.request_body) if page.request_body else None
        interaction = {
            "request": {
                "body": (
                    dump_json(request_body, indent=None)
                    if request_body is not None and request_body is not _UNPARSED
                    else None
                ),
                "headers": request_headers,
                "method": page.exchange.method,
                "uri": redact_url(page.exchange.url),
            },
            "response": {
                "body": {"string": text or ""},
                "headers": response_headers,
                "status": {"code": page.exchange.status, "message": page.reason},
            },
        }
        self._cassette.write(yaml.safe_dump([interaction], allow_unicode=True, sort_keys=True))
        if text is not None:
            self._bodies.write(
                text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"
            )
        self.pages += 1

    def close(self) -> None:
        """Finish the cassette (its version) and close both files."""
        if self.pages == 0:
            self._cassette.write("  []\n")
        self._cassette.write("version: 1\n")
        self._cassette.close()
        self._bodies.close()


_UNPARSED: Any = object()


def _parsed(body: bytes | None) -> Any:
    """The body parsed and redacted (``redact_deep``), or ``_UNPARSED``."""
    from conformance.redaction import redact_deep

    if body is None:
        return _UNPARSED
    try:
        return redact_deep(json.loads(body))
    except (ValueError, RecursionError):
        return _UNPARSED
