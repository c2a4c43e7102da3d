"""Contract rules beyond JSON Schema: what the vendors' documents state across fields and polls.

A document can pass its schema and still be wrong: a FAILED Kendra job without an error code, a
job that ended before it began, a Graph job in quarantine with no quarantine details. The
documents state such rules in prose; each is a ``ContractRule`` here, with an id, a severity,
the resource it applies to, and the sentence it rests on (``source``) or, where no sentence
states it, ``inferred`` with the reasoning. ``REJECTED`` lists the rules we considered and do not
check, with why: a rule that contradicts a vendor's own example is a bug, not a rule.

Two kinds:

- *document* rules look at one resource (``check``);
- *series* rules look at a time-ordered recording of polls (a HAR, a cassette, NDJSON, a live
  run): an execution's states follow the lifecycle table (``conformance.lifecycle``), counters
  do not go backwards, a new execution starts after the previous one ended, and a page link
  does not lead back to an earlier page. ``Series`` keeps that state for one source at a time,
  within twice ``MAX_TRACKED`` executions, jobs and links (the oldest are let go), so memory stays
  bounded whatever the recording's length. The order of a source is taken as the order of time.

A broken rule is a finding of kind ``rule`` with the rule's id and severity: an error fails a
run, a warning only with ``--strict``; ``--disable-rule ID`` switches a rule off. Values are
checked for their type before use: a rule says nothing about a value of the wrong type (the
schema does), nor about a date-time it cannot parse or Graph's ``0001-01-01`` "never".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from conformance import lifecycle
from conformance.findings import Finding, Location, Origin

RuleSeverity = Literal["error", "warning"]

KENDRA_DOC = "kendra-DataSourceSyncJob.md"
STATUS_DOC = "graph-synchronizationStatus.md"
PROGRESS_DOC = "graph-synchronizationProgress.md"

# Executions, jobs and page links a series remembers per source; the oldest go first.
MAX_TRACKED = 10_000
# Page links followed from a new page when looking for a cycle.
MAX_WALK = 1_000

# The counters of a Kendra job's Metrics (botocore's DataSourceSyncJobMetrics).
METRICS = (
    "DocumentsAdded",
    "DocumentsModified",
    "DocumentsDeleted",
    "DocumentsFailed",
    "DocumentsScanned",
)


@dataclass(frozen=True)
class ContractRule:
    """One rule: what it says, where it applies, how much it matters, and what it rests on."""

    id: str
    severity: RuleSeverity
    applies_to: str
    statement: str
    # The vendor document (a file of schemas/sources/) and section, with the gist of its
    # sentence; None when no sentence states the rule.
    source: str | None
    # Why we hold the rule where no sentence states it whole (None: the source says it).
    inferred: str | None = None
    series: bool = False


RULES: tuple[ContractRule, ...] = (
    ContractRule(
        "kendra.failed-has-error-code",
        "error",
        "kendra.DataSourceSyncJob",
        "a job whose Status is FAILED has an ErrorCode",
        f"{KENDRA_DOC} (ErrorCode, Status): if Status is FAILED, ErrorCode (with ErrorMessage)"
        " gives the reason the synchronization failed",
    ),
    ContractRule(
        "kendra.end-after-start",
        "error",
        "kendra.DataSourceSyncJob",
        "EndTime is not before StartTime",
        f"{KENDRA_DOC} (StartTime, EndTime): the timestamps when the job started and completed",
        "a job completes after it starts; the page defines both instants, not their order",
    ),
    ContractRule(
        "graph.quarantine-has-details",
        "error",
        "graph.synchronizationStatus",
        "a status whose code is Quarantine has quarantine details (quarantine is not null)",
        f"{STATUS_DOC} (quarantine): if the job is in quarantine, the quarantine details",
    ),
    ContractRule(
        "graph.execution-end-after-begin",
        "error",
        "graph.synchronizationTaskExecution",
        "timeEnded is not before timeBegan",
        f"{STATUS_DOC} (synchronizationJobExecution): the times the execution began and ended",
        "an execution ends after it begins; the page defines both instants, not their order",
    ),
    ContractRule(
        "graph.steady-state-order",
        "error",
        "graph.synchronizationStatus",
        "steadyStateLastAchievedTime is not before steadyStateFirstAchievedTime, and is"
        " 0001-01-01 (never) when the first time is",
        f"{STATUS_DOC} (steadyStateFirstAchievedTime, steadyStateLastAchievedTime): when steady"
        " state was first achieved, and when it was last achieved",
        "the last time a state was achieved cannot precede the first; 0001-01-01T00:00:00Z is"
        " Graph's 'never' (its documented responses send it for both)",
    ),
    ContractRule(
        "graph.progress-within-total",
        "error",
        "graph.synchronizationProgress",
        "completedUnits is at most totalUnits",
        f"{PROGRESS_DOC} (completedUnits, totalUnits): the numerator and the denominator of a"
        " progress ratio: units already processed, units to process",
    ),
    ContractRule(
        "graph.quarantine-series-order",
        "warning",
        "graph.synchronizationQuarantine",
        "seriesBegan is not after currentBegan",
        f"{STATUS_DOC} (synchronizationQuarantine): seriesBegan is when quarantine was first"
        " imposed in this series, currentBegan when it was last evaluated and imposed",
        "what was first imposed in a series began no later than its last imposition; the page"
        " says so of the series, not of the two members, hence a warning",
    ),
    ContractRule(
        "pagination.empty-page-with-token",
        "warning",
        "kendra.ListDataSourceSyncJobsResponse graph.synchronizationJobCollection",
        "a page with no items does not say there are more (NextToken, @odata.nextLink)",
        None,
        "legal, but a client that stops at the first empty page misses the rest, and a service"
        " that sends empty pages with a token may send them forever; worth a look",
    ),
    ContractRule(
        "kendra.lifecycle-transition",
        "error",
        "kendra.DataSourceSyncJob",
        "one execution's Status moves only to a state the lifecycle table reaches from the"
        " last one seen (polls may miss states in between; no state after a terminal one)",
        "lifecycle.json (kendra.DataSourceSyncJob.Status): each transition with its source",
        "the transitions are inferred from the Status values and StopDataSourceSyncJob; the"
        " table gives the reasoning for each",
        series=True,
    ),
    ContractRule(
        "kendra.metrics-backwards",
        "error",
        "kendra.DataSourceSyncJob",
        "one execution's Metrics counters do not go backwards from poll to poll",
        f"{KENDRA_DOC} (Metrics): the number of documents added, modified, deleted, failed and"
        " scanned during the job",
        "a count of documents processed by one execution can only grow while it runs",
        series=True,
    ),
    ContractRule(
        "kendra.execution-overlap",
        "error",
        "kendra.ListDataSourceSyncJobsResponse",
        "the executions of a page (one data source's history) do not overlap: each started"
        " after the one before it ended",
        None,
        "StartDataSourceSyncJob refuses to start while a sync of the data source is running"
        " (ResourceInUseException), so two executions of one data source never overlap. Judged"
        " within a page only: the pages of a recording may be of many data sources, and an"
        " NDJSON line does not say which",
    ),
    ContractRule(
        "graph.lifecycle-transition",
        "error",
        "graph.synchronizationJob",
        "one job's status code moves only to a state the lifecycle table reaches from the last"
        " one seen (polls may miss states in between)",
        "lifecycle.json (graph.synchronizationStatus.code): each transition with its source",
        "the table gives the reasoning for each transition",
        series=True,
    ),
    ContractRule(
        "graph.quarantine-series-backwards",
        "error",
        "graph.synchronizationJob",
        "within one quarantine series (the same seriesBegan), seriesCount does not go backwards",
        f"{STATUS_DOC} (seriesCount): the number of times in this series quarantine was"
        " re-evaluated and left in effect; the series is reset when quarantine is lifted",
        series=True,
    ),
    ContractRule(
        "pagination.token-cycle",
        "error",
        "graph.synchronizationJobCollection kendra.ListDataSourceSyncJobsResponse",
        "following the next-page links never leads back to a page already read",
        None,
        "a client that follows the links pages forever; checked on recordings by the request"
        " URLs (Graph) and on live runs for both services (Kendra's token travels in the request"
        " body, which recordings are not read for)",
        series=True,
    ),
)

# Rules we considered and do not check, with why.
REJECTED: tuple[tuple[str, str], ...] = (
    (
        "graph: a quarantine object only when code is Quarantine",
        "Graph's documented GET synchronizationJob responses send a quarantine object (with"
        ' "" date-times) for a job that is not in quarantine',
    ),
    (
        "graph: nextAttempt is not before currentBegan",
        "no document orders them; the 2017 example sends 0001-01-01 (never) for nextAttempt,"
        " and a re-evaluation that was missed may be due before the last one",
    ),
    (
        "kendra: ErrorMessage only when Status is FAILED",
        "the ErrorMessage row speaks of a Status ERROR, which is not a valid value (a defect of"
        " the page): no rule can rest on it",
    ),
    (
        "kendra: ErrorCode only when Status is FAILED",
        "the page says what ErrorCode means for FAILED, not that it is absent otherwise;"
        " INCOMPLETE may carry one",
    ),
    (
        "kendra: a job in a terminal state (SUCCEEDED, FAILED, INCOMPLETE, ABORTED) has an EndTime",
        "botocore's model makes EndTime optional and no page says when it is sent; a job that"
        " has ended has completed, but the wire need not say when",
    ),
    (
        "kendra: a running job (SYNCING, SYNCING_INDEXING, STOPPING) has no EndTime",
        "no document says so, and the wire may carry a placeholder; the series rules catch a"
        " job that ends twice",
    ),
    (
        "graph: countSuccessiveCompleteFailures above 0 means lastExecution.state is Failed",
        "the count is of complete failures, while EntryLevelErrors is a partial one; the pages"
        " do not tie the two",
    ),
)

BY_ID: dict[str, ContractRule] = {rule.id: rule for rule in RULES}

_NEVER = "0001-01-01"
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})\Z"
)

Violation = tuple[str, str, Any, Any]  # (pointer in the resource, message, expected, actual)
Check = Callable[[dict[str, Any]], list[Violation]]


_NUMBERS = (int, float)  # exact types: a bool is no number here


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def instant(value: Any) -> tuple[str, int] | None:
    """A date-time as a sortable key, in UTC, or None: not a string, not RFC 3339, or Graph's
    ``0001-01-01`` "never". The key is the UTC date and time as text (which sorts as time
    does) and the fraction in nanoseconds: up to 9 fractional digits are kept exactly (Graph
    sends 7). This runs for every date-time a rule compares, so the usual UTC form takes no
    date arithmetic."""
    if not isinstance(value, str) or value.startswith(_NEVER):
        return None
    match = _DATE_TIME.match(value)
    if match is None:
        return None
    fraction, zone = match.group(7), match.group(8)
    nanoseconds = int(fraction.ljust(9, "0")) if fraction else 0
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    if not (1 <= month <= 12 and day >= 1 and hour <= 23 and minute <= 59 and second <= 59):
        return None
    if zone in ("Z", "z"):
        if day > 28:  # the only days that may not exist: the calendar says
            try:
                datetime(year, month, day)
            except ValueError:
                return None
        return f"{value[:10]}T{value[11:19]}", nanoseconds
    try:
        moment = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    sign = -1 if zone[0] == "-" else 1
    try:
        utc = moment - sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    except OverflowError:
        return None
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    return text, nanoseconds


def in_order(before: Any, after: Any) -> bool:
    """A quick yes when two UTC date-times of one shape are in order: for strings of the same
    length that both end in Z, text order is time order. False means "not known yet" (compare
    their ``instant``s); a malformed string may get a yes, which costs nothing, since the schema
    refuses it anyway. Graph writes every date-time in one shape, so the usual pair costs two
    comparisons and no parsing."""
    return (
        type(before) is str
        and type(after) is str
        and len(before) == len(after)
        and before[-1:] == after[-1:] == "Z"
        and after >= before
    )


def _shown(seconds: float) -> str:
    """Epoch seconds as the wire writes them: whole seconds without a fraction."""
    return str(int(seconds)) if seconds == int(seconds) else repr(seconds)


def _never(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_NEVER)


# --- Document rules ------------------------------------------------------------------------------
#
# Each check returns the rules' violations of one object as a list, ``_NONE`` (shared, never
# changed) when there are none: it runs for every object of every document of a bulk stream, so
# it makes no generator and parses no date-time it can tell apart without parsing.

_NONE: list[Violation] = []


def _failed_has_error_code(job: dict[str, Any]) -> list[Violation]:
    if job.get("Status") == "FAILED" and job.get("ErrorCode") is None:
        return [("/ErrorCode", "Status is FAILED but there is no ErrorCode", "ErrorCode", None)]
    return _NONE


def _end_after_start(job: dict[str, Any]) -> list[Violation]:
    # Typed Any: compared only once both are numbers (no cast: a call per job costs).
    began: Any = job.get("StartTime")
    ended: Any = job.get("EndTime")
    if type(began) in _NUMBERS and type(ended) in _NUMBERS and ended < began:
        return [("/EndTime", f"EndTime {ended} is before StartTime {began}", began, ended)]
    return _NONE


def _executions_in_order(page: dict[str, Any]) -> list[Violation]:
    """The executions of one page, ordered by start: each ended before the next started."""
    history = page.get("History")
    if type(history) is not list or len(history) < 2:
        return _NONE
    # Kendra lists the newest first: then one pass over neighbours says all is well.
    newer: Any = history[0]
    older: Any
    for older in itertools.islice(history, 1, None):
        if type(newer) is not dict or type(older) is not dict:
            break
        began: Any = newer.get("StartTime")
        ended: Any = older.get("EndTime")
        before: Any = older.get("StartTime")
        if (
            type(began) not in _NUMBERS
            or type(ended) not in _NUMBERS
            or type(before) not in _NUMBERS
            or ended > began
            or before > began
        ):
            break
        newer = older
    else:
        return _NONE
    runs = sorted(
        (job["StartTime"], index, job)
        for index, job in enumerate(history)
        if type(job) is dict and type(job.get("StartTime")) in _NUMBERS
    )
    found: list[Violation] = []
    for (_, _, before), (start, index, job) in itertools.pairwise(runs):
        ended = before.get("EndTime")
        if type(ended) in _NUMBERS and ended > start:
            found.append(
                (
                    f"/History/{index}/StartTime",
                    f"execution {job.get('ExecutionId')} started at {start}, before execution"
                    f" {before.get('ExecutionId')} (started earlier) ended at {ended}",
                    ended,
                    start,
                )
            )
    return found


def _quarantine_has_details(status: dict[str, Any]) -> list[Violation]:
    if status.get("code") == "Quarantine" and type(status.get("quarantine")) is not dict:
        held = "null" if "quarantine" in status else "absent"
        return [
            (
                "/quarantine",
                f"code is Quarantine but quarantine is {held}",
                "object",
                status.get("quarantine"),
            )
        ]
    return _NONE


def _ordered(record: dict[str, Any], first: str, last: str, message: str) -> list[Violation]:
    before, after = record.get(first), record.get(last)
    if before is None or after is None or in_order(before, after):
        return _NONE
    begin, end = instant(before), instant(after)
    if begin is not None and end is not None and end < begin:
        return [(f"/{last}", message.format(first=before, last=after), before, after)]
    return _NONE


def _execution_end_after_begin(execution: dict[str, Any]) -> list[Violation]:
    return _ordered(
        execution, "timeBegan", "timeEnded", "timeEnded {last} is before timeBegan {first}"
    )


def _steady_state_order(status: dict[str, Any]) -> list[Violation]:
    first = status.get("steadyStateFirstAchievedTime")
    last = status.get("steadyStateLastAchievedTime")
    if _never(first) and instant(last) is not None:
        return [
            (
                "/steadyStateLastAchievedTime",
                f"steady state was last achieved at {last} but never first achieved"
                " (steadyStateFirstAchievedTime is 0001-01-01)",
                first,
                last,
            )
        ]
    return _ordered(
        status,
        "steadyStateFirstAchievedTime",
        "steadyStateLastAchievedTime",
        "steadyStateLastAchievedTime {last} is before steadyStateFirstAchievedTime {first}",
    )


def _progress_within_total(progress: dict[str, Any]) -> list[Violation]:
    done, total = _count(progress.get("completedUnits")), _count(progress.get("totalUnits"))
    if done is not None and total is not None and done > total:
        return [
            (
                "/completedUnits",
                f"completedUnits {done} is more than totalUnits {total}",
                total,
                done,
            )
        ]
    return _NONE


def _series_after_current(quarantine: dict[str, Any]) -> list[Violation]:
    # seriesBegan must not be after currentBegan: in order means (series, current).
    return _ordered(
        quarantine,
        "seriesBegan",
        "currentBegan",
        "seriesBegan {first} is after currentBegan {last}",
    )


def _empty_page_with_token(page: dict[str, Any]) -> list[Violation]:
    for items, token in (("History", "NextToken"), ("value", "@odata.nextLink")):
        held = page.get(items)
        if type(held) is list and not held:
            cursor = page.get(token)
            if type(cursor) is str and cursor:
                return [
                    (
                        f"/{token}",
                        f"the page holds no items ({items} is empty) but has a {token}",
                        None,
                        cursor,
                    )
                ]
    return _NONE


_CHECKS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], list[Violation]]]] = {
    "kendra.failed-has-error-code": (("kendra.DataSourceSyncJob",), _failed_has_error_code),
    "kendra.end-after-start": (("kendra.DataSourceSyncJob",), _end_after_start),
    "kendra.execution-overlap": (("kendra.ListDataSourceSyncJobsResponse",), _executions_in_order),
    "graph.quarantine-has-details": (("graph.synchronizationStatus",), _quarantine_has_details),
    "graph.execution-end-after-begin": (
        ("graph.synchronizationTaskExecution",),
        _execution_end_after_begin,
    ),
    "graph.steady-state-order": (("graph.synchronizationStatus",), _steady_state_order),
    "graph.progress-within-total": (("graph.synchronizationProgress",), _progress_within_total),
    "graph.quarantine-series-order": (
        ("graph.synchronizationQuarantine",),
        _series_after_current,
    ),
    "pagination.empty-page-with-token": (
        ("kendra.ListDataSourceSyncJobsResponse", "graph.synchronizationJobCollection"),
        _empty_page_with_token,
    ),
}


class RuleBook:
    """The document rules in force (all but the disabled ones), by the schema they apply to."""

    def __init__(self, disabled: Iterable[str] = ()) -> None:
        self.disabled = frozenset(disabled)
        if "all" in self.disabled:  # a bulk scan that wants the schemas' verdict alone
            self.disabled = frozenset(BY_ID)
        unknown = sorted(self.disabled - set(BY_ID))
        if unknown:
            import difflib

            from conformance.errors import InputError

            close = difflib.get_close_matches(unknown[0], BY_ID, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise InputError(f"no rule {unknown[0]!r}{hint}; conformance rules lists them")
        self._by_schema: dict[str, list[tuple[ContractRule, Check]]]
        self._by_schema = {}
        for rule_id, (schemas, check) in _CHECKS.items():
            if rule_id in self.disabled:
                continue
            for schema in schemas:
                self._by_schema.setdefault(schema, []).append((BY_ID[rule_id], check))
        self.series_enabled = frozenset(
            r.id for r in RULES if r.series and r.id not in self.disabled
        )

    def applies(self, schema: str) -> bool:
        """Whether any document rule applies to resources of ``schema``."""
        return schema in self._by_schema

    def check(self, schema: str, value: Any, location: Location) -> list[Finding]:
        """The document rules ``value`` (a resource of ``schema`` at ``location.within``)
        breaks, as findings."""
        return [broken.at(location) for broken in self.broken(schema, value)]

    def broken(self, schema: str, value: Any) -> list[Broken]:
        """The document rules ``value``, a resource of ``schema``, breaks."""
        found: list[Broken] = []
        if not isinstance(value, dict):
            return found
        for rule, check in self._by_schema.get(schema, ()):
            for pointer, message, expected, actual in check(value):
                found.append(Broken(rule, schema, pointer, message, expected, actual))
        return found

    def checks(self, schema: str) -> tuple[tuple[ContractRule, Check], ...]:
        """The document rules in force for objects of ``schema``, with their checks: each
        check returns a list of (pointer, message, expected, actual), empty when none broke."""
        return tuple(self._by_schema.get(schema, ()))


@dataclass(frozen=True)
class Broken:
    """A rule broken by one resource: the pointer inside it and what the finding will say;
    placed in a document by ``at``, only when there is something to report."""

    rule: ContractRule
    schema: str
    pointer: str
    message: str
    expected: Any = None
    actual: Any = None

    def at(self, location: Location) -> Finding:
        """The finding, for the resource at ``location`` (its ``within``)."""
        return finding(
            self.rule,
            self.schema,
            location,
            self.pointer,
            self.message,
            self.expected,
            self.actual,
        )


def finding(
    rule: ContractRule,
    schema: str,
    location: Location,
    pointer: str,
    message: str,
    expected: Any,
    actual: Any,
) -> Finding:
    """A ``rule`` finding at ``pointer`` of the resource at ``location.within``."""
    within = location.within or ""
    return Finding(
        kind="rule",
        location=location,
        message=f"{message} ({rule.id}: {rule.statement})",
        schema=schema,
        pointer=within + pointer,
        expected=expected,
        actual=actual,
        rule_id=rule.id,
        severity=rule.severity,
    )


# --- Series rules ---------------------------------------------------------------------------------


_SERIES_SCHEMAS: dict[str, tuple[str, ...]] = {
    "kendra.lifecycle-transition": ("kendra.DataSourceSyncJob",),
    "kendra.metrics-backwards": ("kendra.DataSourceSyncJob",),
    "graph.lifecycle-transition": ("graph.synchronizationJob",),
    "graph.quarantine-series-backwards": ("graph.synchronizationJob",),
    "pagination.token-cycle": ("graph.synchronizationJobCollection",),
}


# Shared by the observers when nothing broke; never changed.
_BROKEN_NONE: list[Broken] = []

# What a series rule does with one object: (object, source, origin) -> the rules it breaks.
Observer = Callable[[dict[str, Any], str, Origin | None], list[Broken]]


class Series:
    """The series rules over the documents of one source, in order; a new source starts a new
    series. Memory is bounded by ``MAX_TRACKED`` per kind of thing remembered."""

    def __init__(self, enabled: frozenset[str]) -> None:
        self.enabled = enabled
        # The schemas whose resources the enabled series rules look at.
        self.watched = frozenset(
            schema
            for rule_id, schemas in _SERIES_SCHEMAS.items()
            if rule_id in enabled
            for schema in schemas
        )
        self.source: str | None = None
        # Which document of the source is being read: resources of one document are one moment
        # (a page that lists an execution twice shows no transition), a later one a later poll.
        self.document = 0
        # Each execution's status, Metrics as sent and the document it was last seen in (a
        # later document is a later poll); Metrics are parsed only when a poll sends others.
        self._executions: dict[str, tuple[str | None, Any, int]] = {}
        self._older: dict[str, tuple[str | None, Any, int]] = {}
        self._jobs: dict[str, tuple[str | None, Any, Any, int]] = {}
        self._links: dict[str, str] = {}

    def next_document(self) -> None:
        """The resources observed from now on belong to the next document of the source."""
        self.document += 1

    def forget(self) -> None:
        """Start afresh: what comes next is a series of its own (``conformance.check`` calls
        are independent of one another)."""
        self.source = None
        self._executions.clear()
        self._older.clear()
        self._jobs.clear()
        self._links.clear()

    def _begin(self, source: str) -> None:
        if source != self.source:
            self.forget()
            self.source = source

    def observe(
        self, schema: str, value: Any, location: Location, origin: Origin | None
    ) -> list[Finding]:
        """The series findings of one resource, given all before it in its source."""
        found = self.broken(schema, value, location.source, origin)
        return [broken.at(location) for broken in found]

    def broken(self, schema: str, value: Any, source: str, origin: Origin | None) -> list[Broken]:
        """The series rules one resource of ``source`` breaks, given all before it."""
        observe = self.observer(schema)
        if observe is None or not isinstance(value, dict):
            return []
        return observe(value, source, origin)

    def observer(self, schema: str) -> Observer | None:
        """What ``broken`` does for objects of ``schema`` (None: no series rule looks at
        them), as one function, for a caller that walks many documents."""
        if schema not in self.watched:
            return None
        if schema == "kendra.DataSourceSyncJob":
            return self._kendra
        if schema == "graph.synchronizationJob":
            return self._graph
        return self._link

    def _kendra(self, job: dict[str, Any], source: str, origin: Origin | None) -> list[Broken]:
        if source != self.source:
            self._begin(source)
        key = job.get("ExecutionId")
        if type(key) is not str or len(key) > _LONGEST:
            return []
        status = job.get("Status")
        if type(status) is not str or len(status) > _LONGEST:
            status = None
        metrics: Any = job.get("Metrics")
        # Kept as one tuple of the counters' values, not the parsed dict: a table of
        # references to parsed documents makes Python's cycle collector walk them all, which
        # cost a bulk stream more than the rules do (a tuple of strings is left alone). Only
        # short strings are kept (a counter is a string of digits): what is remembered of an
        # execution is small whatever a hostile document holds.
        frozen = (
            tuple(
                [v if type(v) is str and len(v) < 20 else None for v in map(metrics.get, METRICS)]
            )
            if type(metrics) is dict
            else None
        )
        executions = self._executions
        known = executions.get(key)
        if known is None:
            known = self._older.get(key)
        if known is None:  # the usual case of a bulk stream: remembered, nothing to judge
            executions[key] = (status, frozen, self.document)
            if len(executions) >= MAX_TRACKED:
                # Two generations: the full one becomes the older, the oldest is let go.
                self._older, self._executions = executions, {}
            return _BROKEN_NONE
        before, earlier_metrics, seen_in = known
        if seen_in == self.document:  # listed twice in one page: one moment
            return []
        found: list[Broken] = []
        schema = "kendra.DataSourceSyncJob"
        if "kendra.lifecycle-transition" in self.enabled:
            found += _transition("kendra", f"execution {key}", schema, "/Status", before, status)
        if (
            frozen is not None
            and earlier_metrics is not None
            and frozen != earlier_metrics
            and "kendra.metrics-backwards" in self.enabled
        ):
            current = dict(zip(METRICS, frozen, strict=True))
            earlier = _counts(dict(zip(METRICS, earlier_metrics, strict=True)))
            now = _counts(current)
            for name, count in now.items():
                previous = earlier.get(name)
                if previous is not None and count < previous:
                    found.append(
                        Broken(
                            BY_ID["kendra.metrics-backwards"],
                            schema,
                            f"/Metrics/{name.replace('~', '~0').replace('/', '~1')}",
                            f"execution {key}: {name} went back from {previous} to {count}",
                            str(previous),
                            current[name],
                        )
                    )
        executions[key] = (
            status if status is not None else before,
            frozen if frozen is not None else earlier_metrics,
            self.document,
        )
        if len(executions) >= MAX_TRACKED:
            self._older, self._executions = executions, {}
        return found

    def _graph(self, job: dict[str, Any], source: str, origin: Origin | None) -> list[Broken]:
        if source != self.source:
            self._begin(source)
        key = job.get("id")
        status = job.get("status")
        if not isinstance(key, str) or len(key) > _LONGEST or not isinstance(status, dict):
            return []
        code = _short(status.get("code"))
        quarantine = status.get("quarantine")
        began = _short(quarantine.get("seriesBegan")) if isinstance(quarantine, dict) else None
        count = _count(quarantine.get("seriesCount")) if isinstance(quarantine, dict) else None
        found: list[Broken] = []
        known = self._jobs.get(key)
        schema = "graph.synchronizationJob"
        if known is not None and known[3] != self.document:
            before_code, before_began, before_count, _ = known
            if "graph.lifecycle-transition" in self.enabled:
                found += _transition(
                    "graph", f"job {key}", schema, "/status/code", before_code, code
                )
            if (
                "graph.quarantine-series-backwards" in self.enabled
                and instant(began) is not None
                and began == before_began
                and count is not None
                and isinstance(before_count, int)
                and count < before_count
            ):
                found.append(
                    Broken(
                        BY_ID["graph.quarantine-series-backwards"],
                        schema,
                        "/status/quarantine/seriesCount",
                        f"job {key}: seriesCount went back from {before_count} to {count} in"
                        f" the series that began {began}",
                        before_count,
                        count,
                    )
                )
        self._remember(self._jobs, key, (code, began, count, self.document))
        return found

    def _link(self, page: dict[str, Any], source: str, origin: Origin | None) -> list[Broken]:
        """Graph pages: the link from the request's URL to the page's nextLink; a link that
        leads back to the page's own URL along the links met so far is a cycle. The walk
        takes at most ``MAX_WALK`` steps, so a hostile recording (its pages in reverse order)
        costs linear time; a longer cycle goes unreported."""
        if source != self.source:
            self._begin(source)
        if origin is None or "pagination.token-cycle" not in self.enabled:
            return []
        link = page.get("@odata.nextLink")
        here = origin.url
        if not isinstance(link, str) or not link or here is None:
            return []
        if len(link) > _LONGEST_URL or len(here) > _LONGEST_URL:
            return []  # not remembered: at most 20,000 links of bounded length are
        self._remember(self._links, here, link)
        step, walked = link, 0
        while step in self._links and walked < MAX_WALK:
            if step == here:
                return [
                    Broken(
                        BY_ID["pagination.token-cycle"],
                        "graph.synchronizationJobCollection",
                        "/@odata.nextLink",
                        "@odata.nextLink leads back to a page already read: a client that"
                        " follows it pages forever",
                        None,
                        link,
                    )
                ]
            step = self._links[step]
            walked += 1
        return []

    @staticmethod
    def _remember(table: dict[str, Any], key: str, value: Any) -> None:
        """Keep ``value`` under ``key``; past twice the cap, the older half goes."""
        table[key] = value
        if len(table) > 2 * MAX_TRACKED:
            _trim(table)


_LIFECYCLES = {"kendra": lifecycle.KENDRA, "graph": lifecycle.GRAPH}


def _transition(
    service: str, what: str, schema: str, pointer: str, before: str | None, after: str | None
) -> list[Broken]:
    """``<service>.lifecycle-transition`` broken when the lifecycle table cannot reach
    ``after`` from ``before`` by any path: polls are samples, and a state between two of them
    may have been missed (nothing when either is missing, the same, or a state the table does
    not know: that is drift)."""
    kind = _LIFECYCLES[service]
    if (
        before is None
        or after is None
        or before == after
        or not _known(kind, before, after)
        or lifecycle.reachable(kind, before, after)
    ):
        return []
    return [
        Broken(
            BY_ID[f"{service}.lifecycle-transition"],
            schema,
            pointer,
            f"{what} went from {before} to {after}, which the lifecycle table does not reach"
            f" from {before}",
            [state for state in lifecycle.reachable_from(kind, before) if state != before],
            after,
        )
    ]


# The longest id, state or time the series memory keeps: what it remembers of a resource is
# small whatever a hostile document holds (a longer id is not followed, a longer value is
# remembered as unknown).
_LONGEST = 256
_M = METRICS
_LONGEST_URL = 8192


def _short(value: Any) -> str | None:
    return value if type(value) is str and len(value) <= _LONGEST else None


def _trim(table: dict[str, Any]) -> None:
    """Keep the ``MAX_TRACKED`` entries put in last (a dict keeps its order of insertion):
    done once per ``MAX_TRACKED`` insertions, so each costs O(1) on average."""
    kept = list(table.items())[-MAX_TRACKED:]
    table.clear()
    table.update(kept)


def _counts(metrics: dict[str, Any]) -> dict[str, int]:
    """The counters of a Metrics object that are strings of decimal digits, as numbers."""
    return {
        name: int(text)
        for name, text in metrics.items()
        if type(text) is str and text.isascii() and text.isdigit() and len(text) < 20
    }


def _known(kind: str, before: str, after: str) -> bool:
    """Both states are in the table: a state it does not know is drift, reported as such."""
    life = lifecycle.load().get(kind)
    return life.state(before) is not None and life.state(after) is not None


def listing() -> Iterator[ContractRule]:
    """Every rule, document rules first, in a stable order."""
    yield from sorted(RULES, key=lambda r: (r.series, r.id))


__all__ = [
    "BY_ID",
    "REJECTED",
    "RULES",
    "ContractRule",
    "RuleBook",
    "Series",
    "finding",
    "instant",
    "listing",
]
