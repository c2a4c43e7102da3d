"""Redaction: what of a recording or a document may reach a report, decided in one place.

Recorded traffic carries credentials, and reports end up in CI logs, pull-request annotations and
artifacts that outlive the credentials' owners' attention. So secrets are removed where they
enter the tool, before any report sees them: request headers and URLs when a recording is read
(``conformance.sources.make_origin``), document values when a finding is made
(``conformance.validation``, ``conformance.findings``), and values a schema selection quotes.

What is redacted, always replaced whole by ``<redacted>`` (never shortened, never partly kept):

- a request header whose name is a known credential header (``SECRET_HEADERS``) or speaks of a
  secret (``is_secret_name``: token, secret, password, signature, credential, auth, session,
  cookie, API key anywhere in it, ``key``/``sig``/``pin``/``otp`` as words of it, or an ending
  in ``key``); other headers' values are treated as text (below), so a ``Referer`` keeps no
  token;
- in a URL: the user info (``user:pass@``), every query, fragment and path (``;name=value``)
  parameter whose name is a secret's or ``code`` (OAuth's authorization code), and any parameter
  whose value itself holds a secret (a ``redirect_uri`` with a token in it);
- in a document: the value of a member with a secret's name, at any depth, and the ``value`` of
  a ``{"key"|"name": <secret name>, "value": ...}`` pair (Graph's synchronization secrets,
  settings lists); a finding keeps its place and kind, only the value is withheld;
- in free text (engine messages, API error bodies, selection reasons): URLs as above, JWTs,
  credentials of 16 characters or more after an auth scheme (``Bearer``, ``Basic``...), and
  ``name=value`` and ``"name": value`` with a secret's name.

What cannot be recognised is not redacted: an opaque string under a harmless name (a token
pasted into an error message's prose), or an object key that is itself a secret. Findings
show a secret's JSON type (``got <string>``), never its value or length.

Names are matched by pattern, not by a list, because vendors invent header and parameter names
faster than any list grows. Paging cursors (``$skiptoken``, ``$deltatoken``, ``NextToken``,
``pageToken``, ``continuationToken``) are the one exception: they say where a listing stands,
grant nothing without the request's own credentials, and are what a person debugging paging
needs to see. ``$top`` and the like never match.

Redaction fails closed. A URL that Python's parser rejects, or whose port is no number, is shown
as its scheme, host and path only, with user info redacted and any query or fragment replaced
by ``<redacted>``: what cannot be parsed cannot be known to be clean. A redaction that removes
something harmless costs a report a little context; one that misses a token publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

REDACTED = "<redacted>"

# Request headers that carry credentials under names the patterns below would also match; listed
# so that a reader of this module sees the usual suspects, and kept importable for callers.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-amz-security-token",
        "x-api-key",
        "api-key",
        "apikey",
        "x-goog-api-key",
        "x-functions-key",
        "ocp-apim-subscription-key",
    }
)

# Found anywhere in a name, its separators and case ignored: "X-Amz-Security-Token",
# "client_secret", "passwd", "X-Goog-Signature", "Proxy-Authorization", "JSESSIONID".
_SECRET_PARTS = re.compile(
    r"token|secret|passw|passphrase|pwd|signature|credential|auth|session|cookie|apikey|bearer"
    r"|assertion|csrf|xsrf|jwt"
)
# Secret only as a whole word of a name ("X-Functions-Key", "subscription-key", "sig", "PIN"),
# since inside other words they mean other things (keyboard, design, spinner, bypassed).
_SECRET_WORDS = frozenset({"key", "sig", "pin", "otp", "pass"})
# In URLs only: OAuth's authorization code. In documents and headers ``code`` is a status or an
# error code (Graph's status.code, Kendra's ErrorCode), which findings must show.
_SECRET_PARAMETERS = frozenset({"code"})
# Paging cursors: where a listing stands, not a credential (see the module's docstring).
_CURSORS = frozenset(
    {
        "skiptoken",
        "deltatoken",
        "nexttoken",
        "pagetoken",
        "nextpagetoken",
        "continuationtoken",
    }
)
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# A pair's members: the one naming it, and the one holding its value.
_PAIR_NAMES = ("key", "name")


@lru_cache(maxsize=4096)  # the same few names, over and over, in every document of a stream
def is_secret_name(name: str) -> bool:
    """Whether a header, member or parameter of this name holds a secret (see the module)."""
    compact = re.sub(r"[^a-z0-9]", "", name.lower())
    if compact in _CURSORS:
        return False
    # A name ending in "key" written as one word ("subscriptionkey", "MASTERKEY") is a key too;
    # the few harmless ones (monkey, hockey) are not what these APIs send.
    if _SECRET_PARTS.search(compact) or compact.endswith(("key", "keys")):
        return True
    return any(word.lower() in _SECRET_WORDS for word in _WORD.findall(name))


def _secret_parameter(name: str) -> bool:
    return is_secret_name(name) or name.strip().lower() in _SECRET_PARAMETERS


def redact_header(name: str, value: str) -> str:
    """The value to keep for a request header: secrets never leave the reader."""
    if name.strip().lower() in SECRET_HEADERS or is_secret_name(name):
        return REDACTED
    # A harmless name may still carry a URL with a token (Referer, Location) or a credential.
    return redact_text(value)


# --- URLs -----------------------------------------------------------------------------------------

# A parameter of a query, a fragment (``#access_token=...&state=...``, also after a ``?`` in a
# single-page app's route) or a path segment (``;jsessionid=...``).
_PARAMETER = re.compile(r"(?P<name>[^&;=?#/]+)=(?P<value>[^&;#]*)")


def _decoded(text: str) -> str:
    # Percent-decoded until it stops changing, so that no encoding hides a name from the check.
    for _ in range(3):
        decoded = unquote(text.replace("+", " "))
        if decoded == text:
            break
        text = decoded
    return text


def _redact_parameters(text: str) -> str:
    return _PARAMETER.sub(_parameter, text) if "=" in text else text


def _parameter(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    if not value or value == REDACTED:
        return match[0]
    if _secret_parameter(_decoded(name)) or _holds_secret(_decoded(value)):
        return f"{name}={REDACTED}"
    return match[0]


def _holds_secret(value: str) -> bool:
    """Whether a parameter's value carries a secret of its own: a nested URL or query, a JWT."""
    return _redact_parameters(value) != value or redact_text(value) != value


def redact_url(url: str) -> str:
    """The URL with user info and secret parameters redacted; an unparseable one cut short.

    What Python's parser rejects is never returned as it is: it becomes its scheme, host and
    path, user info redacted, and ``?<redacted>`` / ``#<redacted>`` for a query and a fragment.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        return _unparseable(url)
    scheme, netloc, path = parts.scheme, parts.netloc, parts.path
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    elif not netloc and "@" in path.split("/", 1)[0]:
        # "user:pass@host/path" without "//" parses as a scheme ("user") and a path: to whoever
        # wrote it, all that comes before the "@" is user info.
        scheme, path = "", f"{REDACTED}@{path.split('@', 1)[1]}"
    path = _scrub_values(_redact_parameters(path))
    query = _scrub_values(_redact_parameters(parts.query))
    fragment = _scrub_values(_redact_parameters(parts.fragment))
    if (scheme, netloc, path, query, fragment) == tuple(parts):
        # Nothing to hide: the text as written (the parser would lowercase the scheme, say).
        return url
    return urlunsplit((scheme, netloc, path, query, fragment))


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# A host (a name, an address, or a bracketed IPv6 address, perhaps unclosed) and what follows
# its colon, which is kept only when it is a port number.
_AUTHORITY = re.compile(r"(?P<host>\[[0-9A-Za-z:.%]*\]?|[^:/\[\]@]*)(?P<port>:.*)?", re.S)


def _unparseable(url: str) -> str:
    cut_at = re.search(r"[?#]", url)
    head, tail = (url[: cut_at.start()], url[cut_at.start() :]) if cut_at else (url, "")
    scheme = _SCHEME.match(head)
    prefix = scheme.group(0) if scheme else ""
    body = head[len(prefix) :]
    slashes = "//" if body.startswith("//") else ""
    body = body[len(slashes) :]
    user = ""
    if "@" in body:
        # Wherever a broken URL put its "@", what comes before it may be a password.
        user, body = f"{REDACTED}@", body.rsplit("@", 1)[1]
    if slashes:
        authority, sep, path = body.partition("/")
        found = _AUTHORITY.fullmatch(authority)
        if found is None:
            authority = REDACTED
        elif found["port"] and not found["port"][1:].isdigit():
            authority = f"{found['host']}:{REDACTED}"  # "host:password" with no "@" to tell
        body = f"{authority}{sep}{path}"
    body = _scrub_values(_redact_parameters(body))
    cut = (f"?{REDACTED}" if tail.startswith("?") else "") + (f"#{REDACTED}" if "#" in tail else "")
    return f"{prefix}{slashes}{user}{body}{cut}"


# --- Free text ------------------------------------------------------------------------------------

_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>`]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_\-]{4,}(?:\.[A-Za-z0-9_\-]*){1,4}")
# Sixteen characters at least, so that prose ("Basic authentication") is left alone.
_SCHEME_CREDENTIAL = re.compile(
    r"\b(?P<scheme>Bearer|Basic|Digest|Token|SharedAccessSignature)(?P<space>\s+)"
    r"(?P<value>[A-Za-z0-9\-._~+/%=]{16,})",
    re.I,
)
_TEXT_PARAMETER = re.compile(r"(?P<name>[A-Za-z0-9_.$\-]+)=(?P<value>[^\s&;,'\"<>]*)")
_QUOTED_MEMBER = re.compile(
    r"(?P<quote>[\"'])(?P<name>(?:(?!(?P=quote))[^\\]|\\.)*)(?P=quote)(?P<colon>\s*:\s*)"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"?|'(?:[^'\\]|\\.)*'?|[^\s,}\]]+)"
)
# The auth schemes above, as found in lowercased text.
_SCHEME_WORDS = ("bearer", "basic", "digest", "token", "sharedaccess")


def _may_hold_secret(text: str) -> bool:
    """Whether any pattern above could find something: most messages hold none of what they
    need (an "=", a ":" of a URL or a member, a JWT's start, an auth scheme), and this is checked
    for every finding of every failing document of a stream, so with substring tests only."""
    if "=" in text or ":" in text or "eyJ" in text:
        return True
    lower = text.lower()
    return any(word in lower for word in _SCHEME_WORDS)


# A stream's failing documents repeat the same messages; each is also checked again when a
# finding is copied with its place (``dataclasses.replace``).
@lru_cache(maxsize=4096)
def redact_text(text: str) -> str:
    """Free text with the secrets it may quote redacted: URLs' secret parts, JWTs, credentials
    after an auth scheme, and ``name=value`` / ``"name": value`` pairs with a secret's name."""
    if not _may_hold_secret(text):
        return text
    text = _URL_IN_TEXT.sub(lambda m: redact_url(m[0]), text)
    text = _scrub_values(text)
    text = _TEXT_PARAMETER.sub(_text_parameter, text)
    return _QUOTED_MEMBER.sub(_quoted_member, text)


def _scrub_values(text: str) -> str:
    """Secrets recognised by their shape alone: JWTs and credentials after an auth scheme."""
    if "eyJ" in text:
        text = _JWT.sub(REDACTED, text)
    return _SCHEME_CREDENTIAL.sub(lambda m: f"{m['scheme']}{m['space']}{REDACTED}", text)


def _text_parameter(match: re.Match[str]) -> str:
    value = match["value"]
    if not value or not _secret_parameter(match["name"]):
        return match[0]
    return f"{match['name']}={REDACTED}"


def _quoted_member(match: re.Match[str]) -> str:
    value = match["value"].strip("\"'")
    if value == REDACTED or not is_secret_name(match["name"]):
        return match[0]
    quote = match["quote"]
    return f"{quote}{match['name']}{quote}{match['colon']}{quote}{REDACTED}{quote}"


# --- Document values ------------------------------------------------------------------------------


def _secret_member(container: dict[Any, Any], name: Any) -> bool:
    """Whether ``container[name]`` holds a secret: by its own name, or as the ``value`` of a pair
    whose ``key``/``name`` is a secret's name."""
    if not isinstance(name, str):
        return False
    if name in _PAIR_NAMES and "value" in container:
        return False  # the member that names a pair holds a name, not a secret
    if name == "value":
        return any(
            isinstance(container.get(pair), str) and is_secret_name(container[pair])
            for pair in _PAIR_NAMES
        )
    return is_secret_name(name)


def secret_at(document: Any, path: Sequence[str | int]) -> bool:
    """Whether the value at ``path`` (keys and indexes from the document's root) is a secret or
    lies inside one."""
    node = document
    for token in path:
        if isinstance(node, dict):
            if _secret_member(node, token):
                return True
            node = node.get(token)
        elif isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node):
            node = node[token]
        else:
            # A path the document does not hold: judge it by its names alone.
            return any(isinstance(t, str) and is_secret_name(t) for t in path)
    return False


def redact_value(value: Any) -> Any:
    """``value`` with every member that holds a secret replaced by ``<redacted>``, at any depth.

    The value itself is returned when nothing in it is secret, so callers can tell by identity.
    """
    if isinstance(value, dict):
        changed = False
        kept: dict[Any, Any] = {}
        for name, member in value.items():
            if _secret_member(value, name):
                kept[name] = REDACTED
                changed = True
            else:
                kept[name] = redact_value(member)
                changed = changed or kept[name] is not member
        return kept if changed else value
    if isinstance(value, list):
        items = [redact_value(item) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value


def redact_deep(value: Any) -> Any:
    """``value`` with secrets withheld both by name (``redact_value``) and by shape: every string
    in it, at any depth, goes through ``redact_text``. What a finding keeps as the observed value.

    The value itself is returned when nothing in it is secret, so callers can tell by identity.
    """
    value = redact_value(value)
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        kept = {name: redact_deep(member) for name, member in value.items()}
        changed = any(kept[name] is not member for name, member in value.items())
        return kept if changed else value
    if isinstance(value, list):
        items = [redact_deep(item) for item in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    return value
