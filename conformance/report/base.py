"""What every report format shares: the base class that decides a run's exit code, and the
helpers that make untrusted text safe to print and shorten values for people.

Every format sees the same stream of results and must agree on the run's exit code, so the
bookkeeping that decides it (counts per kind, documents, files, failures) lives here, once; a
format only says how one result and the end of the run look. What the formats share beyond that
is also here: the status word of a result, which findings a document shows under
``max_findings``, how untrusted text (document values, file names, API error bodies) is made
safe to print, how raw values are shortened for a person (never mid-word), and how paths become
the relative ones CI tools resolve. The formats import this module, and the package imports
them: nothing imports back.
"""

from __future__ import annotations

import json as _json  # the format module ``json`` beside this one shadows a plain import
import re
import weakref
from collections import Counter
from pathlib import Path, PurePath
from typing import Any, Final, Literal, TextIO
from urllib.parse import quote

from conformance.findings import DRIFT_KINDS, Finding, Location, Origin, Result
from conformance.redaction import REDACTED, redact_text

EXIT_OK: Final = 0
EXIT_FOUND: Final = 1
EXIT_UNREADABLE: Final = 2

TOOL_NAME: Final = "sync-conformance"

Status = Literal["ok", "fail", "drift", "warning", "error-response", "unreadable", "skipped"]

# Every kind a finding can have, in the order summaries list them (alphabetical, as the README
# shows them: "1 property-drift, 2 violation").
KINDS: Final = (
    "enum-drift",
    "error-response",
    "property-drift",
    "rule",
    "unreadable",
    "unselected",
    "violation",
)


class Reporter:
    """Renders a run's results as they come and decides its exit code.

    ``add`` is called once per document, in order; ``finish`` writes the end of the report and
    returns the exit code, the same for every format: 0 when everything conforms, 1 for
    violations or documents no schema could be chosen for (or drift when ``strict``), 2 when any
    input was unreadable (2 wins over 1). Error responses and drift without ``strict`` never fail
    a run. A format implements
    ``write_result`` and ``write_end``, and ``start`` when it keeps state of its own;
    ``max_findings`` caps the findings shown per document (the counts always cover all of them).
    """

    def __init__(
        self,
        out: TextIO,
        *,
        strict: bool = False,
        color: bool = False,
        explain_selection: bool = False,
        max_findings: int | None = None,
        allow_empty: bool = True,
    ) -> None:
        if max_findings is not None and max_findings < 0:
            raise ValueError(f"max_findings must be 0 or more, not {max_findings}")
        self.out = out
        self.strict = strict
        self.color = color
        self.explain_selection = explain_selection
        self.max_findings = max_findings
        # False: a run that validated no document fails (exit 2), as the CLI's runs do unless
        # --allow-empty; an empty folder or a glob that matches nothing is a mistake, not a pass.
        self.allow_empty = allow_empty
        self.documents = 0
        self.counts: Counter[str] = Counter()
        # Recorded exchanges left out, by reason ("not JSON (text/html)": 3); no documents.
        self.skipped: Counter[str] = Counter()
        self._skipped_kinds: set[str | None] = set()
        self._files: set[str] = set()
        self._failed = False
        self._unreadable = False
        self.start()

    def start(self) -> None:
        """Set up what a format keeps during the run (called once, at the end of ``__init__``)."""

    def add(self, result: Result) -> None:
        """Count one result (a document, or a run of conforming NDJSON lines) and render it."""
        if result.skipped is not None:
            # No document and nothing found: counted by reason, and shown only where a format
            # lists everything (``write_skipped``). It never changes the exit code.
            self._files.add(result.location.source)
            self.skipped[result.skipped] += 1
            self._skipped_kinds.add(result.location.entry_kind)
            self.write_skipped(result)
            return
        self.documents += result.documents
        self._files.add(result.location.source)
        self.counts.update(f.kind for f in result.findings)
        self.counts.update(dict(result.dropped))
        self._unreadable = self._unreadable or any(f.kind == "unreadable" for f in result.findings)
        self._failed = self._failed or result.fails(self.strict)
        self.write_result(result)

    def finish(self) -> int:
        """Write the end of the report (summary or closing document); return the exit code."""
        self.write_end()
        return self.exit_code

    @property
    def files(self) -> int:
        """How many distinct files (sources) the documents came from."""
        return len(self._files)

    @property
    def exit_code(self) -> int:
        """The run's exit code for the results added so far."""
        if self._unreadable or (self.empty and not self.allow_empty):
            return EXIT_UNREADABLE
        return EXIT_FOUND if self._failed else EXIT_OK

    @property
    def empty(self) -> bool:
        """Whether no document was validated (no file matched, or none held a document)."""
        return self.documents == 0

    def status(self, result: Result) -> Status:
        """One word for a document: the worst of what it has, as this run judges it."""
        kinds = {f.kind for f in result.findings}
        if "unreadable" in kinds:
            return "unreadable"
        if result.fails(self.strict):  # violations, rule errors, drift when strict (Finding.fails)
            return "fail"
        if kinds & DRIFT_KINDS:
            return "drift"
        if "rule" in kinds:
            return "warning"
        if "error-response" in kinds:
            return "error-response"
        return "ok"

    def fails(self, finding: Finding) -> bool:
        """Whether a finding fails this run: a failing kind or a rule error, or drift and rule
        warnings when ``strict``."""
        return finding.fails(self.strict)

    def shown(self, result: Result) -> tuple[tuple[Finding, ...], int]:
        """The findings to show for a document (most specific first) and how many are left out
        (those past ``max_findings``, and those the pipeline counted but did not keep)."""
        dropped = sum(count for _, count in result.dropped)
        if self.max_findings is None or len(result.findings) <= self.max_findings:
            return result.findings, dropped
        shown = result.findings[: self.max_findings]
        return shown, len(result.findings) - self.max_findings + dropped

    def summary(self) -> str:
        """The closing line: files, documents, and the findings counted per kind."""
        parts = [plural(self.counts[kind], kind) for kind in sorted(self.counts)]
        files = plural(self.files, "file")
        documents = plural(self.documents, "document")
        verdict = ", ".join(parts) or ("all conform" if self.documents else "nothing to validate")
        skipped = self.skipped_summary()
        return f"{files}, {documents}: {verdict}" + (f"; {skipped}" if skipped else "")

    def skipped_summary(self) -> str | None:
        """``12 entries skipped (7 not JSON, 3 preflight, 2 no body)``, or None if none were.

        Reasons are grouped by what comes before any parenthesis (every media type is "not
        JSON"), most frequent first.
        """
        if not self.skipped:
            return None
        groups: Counter[str] = Counter()
        for reason, count in self.skipped.items():
            groups[reason.split(" (", 1)[0]] += count
        total = sum(groups.values())
        if self._skipped_kinds == {"interaction"}:  # a run of cassettes alone
            noun = "interaction" if total == 1 else "interactions"
        else:
            noun = "entry" if total == 1 else "entries"
        ordered = sorted(groups.items(), key=lambda item: (-item[1], item[0]))
        reasons = ", ".join(f"{count} {reason}" for reason, count in ordered)
        return f"{total} {noun} skipped ({reasons})"

    def write_skipped(self, result: Result) -> None:
        """Render a skipped exchange: nothing by default (the summary counts it); formats that
        list every result (JSON, JUnit) say so."""

    def write_result(self, result: Result) -> None:
        """Render one document's result (formats that write one document at the end keep it)."""
        raise NotImplementedError

    def write_end(self) -> None:
        """Write what comes after the last result."""
        raise NotImplementedError


# Finding kinds that a summary names otherwise: "2 broken rules", not "2 rules".
_NOUNS: Final = {"rule": "broken rule"}

# Finding kinds that are adjectives, not nouns: "2 unreadable" reads right, "2 unreadables" not.
_INVARIABLE: Final = frozenset({"unreadable", "unselected"})


def plural(n: int, noun: str) -> str:
    """``1 violation``, ``2 violations``: a count with its noun, as every summary prints one.

    Kinds that are adjectives (``unreadable``, ``unselected``) stay as they are; the kind
    ``rule`` is counted as broken rules.
    """
    noun = _NOUNS.get(noun, noun)
    if n == 1 or noun in _INVARIABLE:
        return f"{n} {noun}"
    return f"{n} {noun}s"


# Characters that must not reach a terminal or a log raw: C0/C1 controls (an API error body can
# carry ESC sequences that repaint a terminal or forge output), line and paragraph separators,
# the bidirectional overrides behind "Trojan Source" look-alikes, and lone surrogates, which a
# JSON document may hold but no UTF-8 stream can write.
_UNSAFE = [
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    0x061C,
    0x200E,
    0x200F,
    *range(0x2028, 0x202F),
    *range(0x2066, 0x206A),
    *range(0xD800, 0xE000),
]
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(code: int) -> str:
    char = chr(code)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_VISIBLE = {code: _escape(code) for code in _UNSAFE}


def visible(text: str) -> str:
    """``text`` with control and other unsafe characters shown as escapes, on one line."""
    # Every unsafe character is one that str.isprintable() refuses; most text has none.
    return text if text.isprintable() else text.translate(_VISIBLE)


_SURROGATE = re.compile("[\ud800-\udfff]")


def dump_json(value: Any, indent: int | None = 2) -> str:
    """JSON text for ``value``, non-ASCII kept readable, lone surrogates as ``\\uXXXX`` escapes.

    A lone surrogate can only stand inside a JSON string, where its escape means the same value,
    so the text stays faithful and can still be written to a UTF-8 stream.
    """
    text = _json.dumps(value, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Spool:
    """The items of a report's one long list (the JSON report's results, SARIF's), kept as
    JSON text in a temporary file once they pass ``memory`` characters, and written into the
    report's document at its end: a report of millions of findings takes flat memory, and a run
    that stops part way writes no half-made document. The document comes out as ``dump_json``
    writes it, the list in its place, which is ``depth`` levels deep in the document (the
    JSON report's results: 1; SARIF's, in its run: 3)."""

    def __init__(self, depth: int, memory: int = 8 << 20) -> None:
        import secrets
        import tempfile

        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115  # closed by write_into
            max_size=memory, mode="w+", encoding="utf-8", newline="\n"
        )
        # Closed, and its disk space given back, also when the report is never written (a run
        # that stopped part way).
        weakref.finalize(self, self._file.close)
        # Each item is written indented as the list's items are in the document, so that the
        # end copies the file as it is.
        self._indent = " " * (2 * depth + 2)
        # What the list's place in the document is until the end: a string no input can hold.
        self._marker = f"spooled-list-{secrets.token_hex(16)}"
        self.count = 0

    @property
    def placeholder(self) -> str:
        """What to put where the list goes in the document given to ``write_into``."""
        return self._marker

    def add(self, item: Any) -> None:
        """Keep one item of the list."""
        indent = self._indent
        text = indent + dump_json(item).replace("\n", "\n" + indent)
        self._file.write(",\n" + text if self.count else text)
        self.count += 1

    def write_into(self, document: Any, out: TextIO) -> None:
        """Write ``document`` as ``dump_json`` would, the list in place of the placeholder."""
        text = dump_json(document)
        before, found, after = text.partition(_json.dumps(self._marker))
        line = before.rsplit("\n", 1)[-1]
        if not found or len(line) - len(line.lstrip(" ")) + 2 != len(self._indent):
            raise ValueError("the document holds no placeholder at the spool's depth")
        with self._file:
            if not self.count:
                out.write(before + "[]" + after + "\n")
                return
            out.write(before + "[\n")
            self._file.seek(0)
            while chunk := self._file.read(1 << 20):
                out.write(chunk)
            out.write("\n" + self._indent[:-2] + "]" + after + "\n")


def relative_path(source: str) -> str:
    """A source as a forward-slash path, relative to the working directory where it lies in it.

    CI annotations and SARIF viewers resolve paths against the checkout, which is where the
    command runs; a path elsewhere (or ``<stdin>``) is kept as it is.
    """
    if source.startswith("<"):
        return source
    path = PurePath(source)
    if path.is_absolute():
        try:
            path = Path(source).relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def artifact_uri(source: str) -> str:
    """A URI reference for a source: a percent-encoded relative path, or a ``file:`` URI."""
    path = relative_path(source)
    if PurePath(path).is_absolute():
        return Path(path).as_uri()
    return quote(path, safe="/")


def details(finding: Finding, *, place: bool = True) -> list[str]:
    """The lines under a finding: expected and got, the doc rule, and (``place``) ``at file:line``.

    Formats with a place of their own for the position (SARIF regions, GitHub's ``line=``) leave
    it out.
    """
    lines = []
    values = expected_got(finding)
    if values is not None:
        lines.append(values)
    if finding.rule is not None and finding.rule.text:
        lines.append(f"rule: {finding.rule}")
    at = position(finding.location) if place else None
    if at is not None:
        lines.append(f"at {at}")
    return lines


def expected_got(finding: Finding) -> str | None:
    """``expected X, got Y`` for a finding, worded for its keyword, or None when it has neither.

    The finding's values are raw; this is where they are shortened for a person (``clip``).
    """
    keyword, expected = finding.keyword, finding.expected
    if expected is None and finding.presence is None and finding.actual is None:
        return None
    if expected is None:
        wanted = None
    elif keyword == "enum" and isinstance(expected, list):
        wanted = f"one of {clip_list(expected)}"
    elif keyword == "additionalProperties" and isinstance(expected, list):
        wanted = f"one of the declared properties {clip_list(expected, quote=False)}"
    elif keyword == "type":
        types = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(str(t) for t in types)
    elif keyword == "format":
        wanted = f"a {expected} string"
    elif keyword == "pattern":
        wanted = f"a match for {clip(expected)}"
    elif keyword == "required":
        wanted = f"property {clip(expected)}"
    elif keyword in _BOUNDS:
        wanted = f"{_BOUNDS[keyword]} {clip(expected)}"
    else:
        wanted = clip(expected)
    got = _got(finding)
    if wanted is None:
        return None if got is None else f"got {got}"
    return f"expected {wanted}" if got is None else f"expected {wanted}, got {got}"


# How a bound reads after "expected".
_BOUNDS: Final = {
    "maxLength": "at most this many characters:",
    "minLength": "at least this many characters:",
    "maximum": "at most",
    "minimum": "at least",
    "exclusiveMaximum": "less than",
    "exclusiveMinimum": "more than",
    "maxItems": "at most this many items:",
    "minItems": "at least this many items:",
}


def _got(finding: Finding) -> str | None:
    presence = finding.presence
    if presence == "absent":
        return "nothing (absent)"
    if presence is None and finding.actual is None:
        return None
    if finding.keyword == "type" and finding.actual_type is not None:
        # The type is the point; the value follows when it is short and no secret.
        if finding.actual == REDACTED or finding.actual_type in ("object", "array", "null"):
            return finding.actual_type
        return f"{finding.actual_type} {clip(finding.actual)}"
    return clip(finding.actual)


# A list of up to this many values (an enum, declared property names) prints whole.
WHOLE_LIST: Final = 20
# Values and texts longer than this are shortened for a person, at a boundary between words.
CLIP: Final = 80
# The same for a finding's message, which may quote the value and the schema's rule.
MESSAGE: Final = 200


def clip(value: Any, limit: int = CLIP) -> str:
    """A value as JSON for a person, shortened when longer than ``limit`` characters.

    A cut falls between words (or between an object's members, an array's items), never inside
    one, and says what it left out; ``<redacted>`` is printed bare. Only renderers for people
    call this: findings and the JSON report keep values whole.
    """
    if value == REDACTED:
        return REDACTED
    if isinstance(value, list) and not _nested(value[:WHOLE_LIST]):
        return clip_list(value)
    try:
        text = dump_json(value, indent=None)
    except (TypeError, ValueError):  # a caller's Python value no JSON holds
        text = repr(value)
    return clip_text(text, limit)


def clip_list(values: list[Any], *, quote: bool = True) -> str:
    """A list in brackets: all its items up to ``WHOLE_LIST``, else the first ones and how many
    more. Each item is shortened by itself (``clip``), never the list mid-item; ``quote=False``
    prints strings bare (property names)."""
    shown = [clip(v) if quote or not isinstance(v, str) else v for v in values[:WHOLE_LIST]]
    more = len(values) - len(shown)
    return "[" + ", ".join(shown) + (f", ... and {more} more" if more else "") + "]"


def _nested(values: list[Any]) -> bool:
    return any(isinstance(v, dict | list) for v in values)


# Where a cut may fall: after a space or a JSON separator, or between a word and what follows.
_BOUNDARY = re.compile(r"(?<=[\s,:;])|(?<=\w)(?=\W)|(?<=\W)(?=\w)")


def message_of(finding: Finding) -> str:
    """A finding's message for a person: the engine's (which quote the value and the rule, at
    any length) shortened to ``MESSAGE`` characters after a whole word; the tool's own, which
    are bounded and end with what to do, whole."""
    return clip_text(finding.message, MESSAGE) if finding.keyword else finding.message


def clip_text(text: str, limit: int = CLIP) -> str:
    """``text`` whole, or its start up to the last word boundary within ``limit`` characters
    followed by ``... (N more characters)``. A text with no boundary in its first half (one
    long token) is cut at ``limit`` all the same, since it is no word a person reads."""
    # Secrets go before the cut, which could leave part of one without what tells it is one.
    text = redact_text(text)
    if len(text) <= limit:
        return text
    cut = 0
    for match in _BOUNDARY.finditer(text, 0, limit + 1):
        cut = match.start()
    if cut < limit // 2:
        cut = limit
    return f"{text[:cut].rstrip()} ... ({len(text) - cut} more characters)"


def position(location: Location) -> str | None:
    """``file:line:col`` (or ``file:line``) when the line is known, else None."""
    if location.line is None:
        return None
    text = f"{location.source}:{location.line}"
    return text if location.column is None else f"{text}:{location.column}"


def request_line(origin: Origin) -> str:
    """``GET https://... -> 500`` for the request a recorded response answered; never headers."""
    request = " ".join(part for part in (origin.method, origin.url) if part) or "?"
    return request if origin.status is None else f"{request} -> {origin.status}"


def tool_version() -> str:
    """The installed version of sync-conformance, or ``unknown`` when run from a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(TOOL_NAME)
    except PackageNotFoundError:
        return "unknown"
