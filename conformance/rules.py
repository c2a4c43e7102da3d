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
  within ``MAX_TRACKED`` executions, jobs and links (the oldest are let go), so memory stays
  bounded whatever the recording's length. The order of a source is taken as the order of time.

A broken rule is a finding of kind ``rule`` with the rule's id and severity: an error fails a
run, a warning only with ``--strict``; ``--disable-rule ID`` switches a rule off. Values are
checked for their type before use: a rule says nothing about a value of the wrong type (the
schema does), nor about a date-time it cannot parse or Graph's ``0001-01-01`` "never".
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from conformance.findings import Finding, Location, Origin

RuleSeverity = Literal["error", "warning"]

KENDRA_DOC = "kendra-DataSourceSyncJob.md"
STATUS_DOC = "graph-synchronizationStatus.md"
PROGRESS_DOC = "graph-synchronizationProgress.md"

# Executions, jobs and page links a series remembers per source; the oldest go first.
MAX_TRACKED = 10_000


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
        "one execution's Status moves only as the lifecycle table allows (no state after a"
        " terminal one)",
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
        "kendra.DataSourceSyncJob",
        "an execution starts after the one before it ended",
        None,
        "StartDataSourceSyncJob refuses to start while a sync of the data source is running"
        " (ResourceInUseException), so two executions of one data source never overlap; the"
        " executions of one recording are taken to be of one data source",
        series=True,
    ),
    ContractRule(
        "graph.lifecycle-transition",
        "error",
        "graph.synchronizationJob",
        "one job's status code moves only as the lifecycle table allows",
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


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def instant(value: Any) -> tuple[int, ...] | None:
    """A date-time as a sortable key (UTC), or None: not a string, not RFC 3339, or Graph's
    ``0001-01-01`` "never". Up to 9 fractional digits are kept exactly (Graph sends 7)."""
    if not isinstance(value, str) or value.startswith(_NEVER):
        return None
    match = _DATE_TIME.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    except ValueError:
        return None
    offset = 0
    if zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        offset = sign * (int(zone[1:3]) * 60 + int(zone[4:6]))
    seconds = (moment - datetime(1, 1, 1)).days * 86400 + (moment - datetime(1, 1, 1)).seconds
    return (seconds - offset * 60, int((fraction or "0").ljust(9, "0")))


def _shown(seconds: float) -> str:
    """Epoch seconds as the wire writes them: whole seconds without a fraction."""
    return str(int(seconds)) if seconds == int(seconds) else repr(seconds)


def _never(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_NEVER)


# --- Document rules ------------------------------------------------------------------------------


def _failed_has_error_code(job: dict[str, Any]) -> Iterator[Violation]:
    if job.get("Status") == "FAILED" and job.get("ErrorCode") is None:
        yield "/ErrorCode", "Status is FAILED but there is no ErrorCode", "ErrorCode", None


def _end_after_start(job: dict[str, Any]) -> Iterator[Violation]:
    start, end = _number(job.get("StartTime")), _number(job.get("EndTime"))
    if start is not None and end is not None and end < start:
        began, ended = job["StartTime"], job["EndTime"]
        yield "/EndTime", f"EndTime {ended} is before StartTime {began}", began, ended


def _quarantine_has_details(status: dict[str, Any]) -> Iterator[Violation]:
    if status.get("code") == "Quarantine" and not isinstance(status.get("quarantine"), dict):
        yield (
            "/quarantine",
            "code is Quarantine but quarantine is "
            + ("null" if "quarantine" in status else "absent"),
            "object",
            status.get("quarantine"),
        )


def _ordered(record: dict[str, Any], first: str, last: str, message: str) -> Iterator[Violation]:
    begin, end = instant(record.get(first)), instant(record.get(last))
    if begin is not None and end is not None and end < begin:
        yield (
            f"/{last}",
            message.format(first=record[first], last=record[last]),
            record[first],
            record[last],
        )


def _execution_end_after_begin(execution: dict[str, Any]) -> Iterator[Violation]:
    yield from _ordered(
        execution, "timeBegan", "timeEnded", "timeEnded {last} is before timeBegan {first}"
    )


def _steady_state_order(status: dict[str, Any]) -> Iterator[Violation]:
    first, last = (
        status.get("steadyStateFirstAchievedTime"),
        status.get("steadyStateLastAchievedTime"),
    )
    if _never(first) and instant(last) is not None:
        yield (
            "/steadyStateLastAchievedTime",
            (
                f"steady state was last achieved at {last} but never first achieved"
                " (steadyStateFirstAchievedTime is 0001-01-01)"
            ),
            first,
            last,
        )
        return
    yield from _ordered(
        status,
        "steadyStateFirstAchievedTime",
        "steadyStateLastAchievedTime",
        "steadyStateLastAchievedTime {last} is before steadyStateFirstAchievedTime {first}",
    )


def _progress_within_total(progress: dict[str, Any]) -> Iterator[Violation]:
    done, total = _count(progress.get("completedUnits")), _count(progress.get("totalUnits"))
    if done is not None and total is not None and done > total:
        yield (
            "/completedUnits",
            f"completedUnits {done} is more than totalUnits {total}",
            (total),
            done,
        )


def _series_after_current(quarantine: dict[str, Any]) -> Iterator[Violation]:
    series, current = (
        instant(quarantine.get("seriesBegan")),
        instant(quarantine.get("currentBegan")),
    )
    if series is not None and current is not None and series > current:
        yield (
            "/seriesBegan",
            (
                f"seriesBegan {quarantine['seriesBegan']} is after currentBegan"
                f" {quarantine['currentBegan']}"
            ),
            quarantine["currentBegan"],
            quarantine["seriesBegan"],
        )


def _empty_page_with_token(page: dict[str, Any]) -> Iterator[Violation]:
    for items, token in (("History", "NextToken"), ("value", "@odata.nextLink")):
        held = page.get(items)
        cursor = page.get(token)
        if isinstance(held, list) and not held and isinstance(cursor, str) and cursor:
            yield (
                f"/{token.replace('~', '~0').replace('/', '~1')}",
                (f"the page holds no items ({items} is empty) but has a {token}"),
                None,
                cursor,
            )


_CHECKS: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any]], Iterable[Violation]]]] = {
    "kendra.failed-has-error-code": (("kendra.DataSourceSyncJob",), _failed_has_error_code),
    "kendra.end-after-start": (("kendra.DataSourceSyncJob",), _end_after_start),
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
        unknown = sorted(self.disabled - set(BY_ID))
        if unknown:
            import difflib

            from conformance.errors import InputError

            close = difflib.get_close_matches(unknown[0], BY_ID, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise InputError(f"no rule {unknown[0]!r}{hint}; conformance rules lists them")
        self._by_schema: dict[str, list[tuple[ContractRule, Callable[..., Iterable[Violation]]]]]
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
        found: list[Finding] = []
        if not isinstance(value, dict):
            return found
        for rule, check in self._by_schema.get(schema, ()):
            for pointer, message, expected, actual in check(value):
                found.append(finding(rule, schema, location, pointer, message, expected, actual))
        return found


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


@dataclass
class _Execution:
    status: str | None
    metrics: dict[str, int]
    start: float | None
    end: float | None
    # The document it was last seen in: a later document is a later poll.
    document: int = 0


_SERIES_SCHEMAS: dict[str, tuple[str, ...]] = {
    "kendra.lifecycle-transition": ("kendra.DataSourceSyncJob",),
    "kendra.metrics-backwards": ("kendra.DataSourceSyncJob",),
    "kendra.execution-overlap": ("kendra.DataSourceSyncJob",),
    "graph.lifecycle-transition": ("graph.synchronizationJob",),
    "graph.quarantine-series-backwards": ("graph.synchronizationJob",),
    "pagination.token-cycle": ("graph.synchronizationJobCollection",),
}


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
        self._executions: OrderedDict[str, _Execution] = OrderedDict()
        self._starts: list[tuple[float, str]] = []
        self._jobs: OrderedDict[str, tuple[str | None, Any, Any, int]] = OrderedDict()
        self._links: OrderedDict[str, str] = OrderedDict()

    def next_document(self) -> None:
        """The resources observed from now on belong to the next document of the source."""
        self.document += 1

    def forget(self) -> None:
        """Start afresh: what comes next is a series of its own (``conformance.check`` calls
        are independent of one another)."""
        self.source = None
        self._executions.clear()
        self._starts.clear()
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
        if not self.enabled or not isinstance(value, dict):
            return []
        self._begin(location.source)
        if schema == "kendra.DataSourceSyncJob":
            return self._kendra(value, location)
        if schema == "graph.synchronizationJob":
            return self._graph(value, location)
        if schema == "graph.synchronizationJobCollection" and origin is not None:
            return self._link(value, location, origin)
        return []

    def _kendra(self, job: dict[str, Any], location: Location) -> list[Finding]:
        from conformance import lifecycle

        key = job.get("ExecutionId")
        if not isinstance(key, str):
            return []
        status = job.get("Status") if isinstance(job.get("Status"), str) else None
        metrics = job.get("Metrics")
        counts: dict[str, int] = {}
        if isinstance(metrics, dict):
            for name, text in metrics.items():
                if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) < 20:
                    counts[name] = int(text)
        start, end = _number(job.get("StartTime")), _number(job.get("EndTime"))
        found: list[Finding] = []
        known = self._executions.get(key)
        schema = "kendra.DataSourceSyncJob"
        if known is None:
            if "kendra.execution-overlap" in self.enabled and start is not None:
                found.extend(self._overlap(key, start, location))
            self._remember(
                self._executions, key, _Execution(status, counts, start, end, self.document)
            )
            if start is not None:
                bisect.insort(self._starts, (start, key))
                if len(self._starts) > MAX_TRACKED:
                    self._starts.pop(0)
            return found
        later = known.document != self.document
        if (
            later
            and "kendra.lifecycle-transition" in self.enabled
            and known.status is not None
            and status is not None
            and not lifecycle.allowed(lifecycle.KENDRA, known.status, status)
            and _known(lifecycle.KENDRA, known.status, status)
        ):
            found.append(
                finding(
                    BY_ID["kendra.lifecycle-transition"],
                    schema,
                    location,
                    "/Status",
                    f"execution {key} went from {known.status} to {status}, which the"
                    " lifecycle table does not allow",
                    list(lifecycle.transitions(lifecycle.KENDRA).get(known.status, ())),
                    status,
                )
            )
        if later and "kendra.metrics-backwards" in self.enabled:
            for name, count in counts.items():
                before = known.metrics.get(name)
                if before is not None and count < before:
                    found.append(
                        finding(
                            BY_ID["kendra.metrics-backwards"],
                            schema,
                            location,
                            f"/Metrics/{name.replace('~', '~0').replace('/', '~1')}",
                            f"execution {key}: {name} went back from {before} to {count}",
                            before,
                            str(count),
                        )
                    )
        known.status = status or known.status
        known.metrics.update(counts)
        known.end = end if end is not None else known.end
        known.document = self.document
        self._executions.move_to_end(key)
        return found

    def _overlap(self, key: str, start: float, location: Location) -> list[Finding]:
        """The execution that started last before ``start``: it must have ended by then."""
        index = bisect.bisect_left(self._starts, (start, ""))
        if index == 0:
            return []
        _, before = self._starts[index - 1]
        previous = self._executions.get(before)
        if previous is None or previous.end is None or previous.end <= start:
            return []
        return [
            finding(
                BY_ID["kendra.execution-overlap"],
                "kendra.DataSourceSyncJob",
                location,
                "/StartTime",
                f"execution {key} started at {_shown(start)}, before execution {before}"
                f" (started earlier) ended at {_shown(previous.end)}",
                previous.end,
                start,
            )
        ]

    def _graph(self, job: dict[str, Any], location: Location) -> list[Finding]:
        from conformance import lifecycle

        key = job.get("id")
        status = job.get("status")
        if not isinstance(key, str) or not isinstance(status, dict):
            return []
        code = status.get("code") if isinstance(status.get("code"), str) else None
        quarantine = status.get("quarantine")
        began = quarantine.get("seriesBegan") if isinstance(quarantine, dict) else None
        count = _count(quarantine.get("seriesCount")) if isinstance(quarantine, dict) else None
        found: list[Finding] = []
        known = self._jobs.get(key)
        schema = "graph.synchronizationJob"
        if known is not None and known[3] != self.document:
            before_code, before_began, before_count, _ = known
            if (
                "graph.lifecycle-transition" in self.enabled
                and before_code is not None
                and code is not None
                and _known(lifecycle.GRAPH, before_code, code)
                and not lifecycle.allowed(lifecycle.GRAPH, before_code, code)
            ):
                found.append(
                    finding(
                        BY_ID["graph.lifecycle-transition"],
                        schema,
                        location,
                        "/status/code",
                        f"job {key} went from {before_code} to {code}, which the lifecycle"
                        " table does not allow",
                        list(lifecycle.transitions(lifecycle.GRAPH).get(before_code, ())),
                        code,
                    )
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
                    finding(
                        BY_ID["graph.quarantine-series-backwards"],
                        schema,
                        location,
                        "/status/quarantine/seriesCount",
                        f"job {key}: seriesCount went back from {before_count} to {count} in"
                        f" the series that began {began}",
                        before_count,
                        count,
                    )
                )
        self._remember(self._jobs, key, (code, began, count, self.document))
        return found

    def _link(self, page: dict[str, Any], location: Location, origin: Origin) -> list[Finding]:
        """Graph pages: the link from the request's URL to the page's nextLink; a link that
        leads back to a URL on the chain behind it is a cycle."""
        if "pagination.token-cycle" not in self.enabled:
            return []
        link = page.get("@odata.nextLink")
        here = origin.url
        if not isinstance(link, str) or not link or here is None:
            return []
        self._remember(self._links, here, link)
        step, walked = link, 0
        while step in self._links and walked <= len(self._links):
            if step == here:
                return [
                    finding(
                        BY_ID["pagination.token-cycle"],
                        "graph.synchronizationJobCollection",
                        location,
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
    def _remember(table: OrderedDict[str, Any], key: str, value: Any) -> None:
        table[key] = value
        table.move_to_end(key)
        if len(table) > MAX_TRACKED:
            table.popitem(last=False)


def _known(kind: str, before: str, after: str) -> bool:
    """Both states are in the table: a state it does not know is drift, reported as such."""
    from conformance import lifecycle

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
