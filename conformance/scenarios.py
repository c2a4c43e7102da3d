"""One job's whole life, served over successive polls: the scenarios a poller is checked against.

Code that polls a sync job gets the lifecycle wrong in the same few ways: a state that matches no
branch (SYNCING_INDEXING, INCOMPLETE, a status added later), STOPPING taken for the end, only the
first page read, a missing ErrorMessage raising KeyError, a page token followed round a cycle
for ever, an empty quarantine date-time parsed. Each scenario here plays one of those lives as
the service would, on the real wire formats (Kendra's AWS JSON 1.1 ``ListDataSourceSyncJobs``,
Graph's ``GET .../synchronization/jobs/{jobId}`` and the jobs list), and knows the outcome a
correct poller reaches: the job's first terminal state by the lifecycle table, or a fault it
must report (a page-token cycle).

The life advances per poll, not by wall time, so a run is the same however slow the machine:
for Kendra a poll is a listing's first page (a request without ``NextToken``; the pages that
follow show the same moment), for Graph each GET. After the last step the last one is served
again. A request the service would refuse gets the service's error envelope, never a 500.
"""

from __future__ import annotations

import difflib
import json
import random
import re
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance import lifecycle
from conformance.emulator import App, Reply, Request
from conformance.errors import InputError
from conformance.wire import AWS_JSON, KENDRA_TARGET

GRAPH_JSON = (
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8"
)
# What a poller prints (last stdout line, starting so) when it gives up on a fault it detected.
FAULT = "FAULT"
# A request's JSON body past this is refused: the real request is a few hundred bytes.
MAX_BODY = 64 * 1024

Api = Literal["kendra", "graph"]
Expect = Literal["clean", "drift", "violation"]


@dataclass(frozen=True)
class Page:
    """One Kendra page: the executions it lists and the token of the next page."""

    history: tuple[dict[str, Any], ...]
    next_token: str | None = None

    def body(self) -> dict[str, Any]:
        """The ``ListDataSourceSyncJobs`` response document of this page."""
        document: dict[str, Any] = {"History": [dict(job) for job in self.history]}
        if self.next_token is not None:
            document["NextToken"] = self.next_token
        return document


@dataclass(frozen=True)
class Step:
    """What one poll sees: the job's state and, for Kendra, the pages of the listing by the
    token that asks for each (``None``: the first page), for Graph the job document."""

    state: str | None
    pages: Mapping[str | None, Page] = field(default_factory=dict)
    job: dict[str, Any] | None = None


@dataclass(frozen=True)
class Scenario:
    """One job's life: its API, the ids a poller needs, the steps, what a correct poller
    reports, and what ``conformance.check`` says of the served documents (``expect``: all clean,
    drift findings only, or a violation the real service is documented to send)."""

    name: str
    api: Api
    description: str
    ids: Mapping[str, str]
    steps: tuple[Step, ...]
    fault: str | None = None
    expect: Expect = "clean"
    # Graph: the jobs the list call's first page holds before the job (on the page its
    # ``@odata.nextLink`` points at, with this ``$skiptoken``).
    listed_before: tuple[dict[str, Any], ...] = ()
    skiptoken: str = ""

    @property
    def kind(self) -> str:
        """The lifecycle kind the job's state is of."""
        return lifecycle.KENDRA if self.api == "kendra" else lifecycle.GRAPH

    @property
    def final(self) -> str:
        """The outcome a correct poller reports: the first terminal state the job reaches
        (by the lifecycle table), or ``FAULT`` for a life it must refuse to wait on."""
        if self.fault is not None:
            return FAULT
        for step in self.steps:
            if step.state is not None and lifecycle.terminal(self.kind, step.state):
                return step.state
        raise ValueError(f"scenario {self.name}: the job never reaches a terminal state")

    @property
    def terminal_step(self) -> int | None:
        """The index of the step that first shows the final state (None for a fault)."""
        if self.fault is not None:
            return None
        return next(i for i, s in enumerate(self.steps) if s.state == self.final)

    def documents(self) -> list[tuple[str, dict[str, Any]]]:
        """Every document the scenario serves, with the catalog schema it is one of."""
        found: list[tuple[str, dict[str, Any]]] = []
        for step in self.steps:
            for page in step.pages.values():
                found.append(("kendra.ListDataSourceSyncJobsResponse", page.body()))
            if step.job is not None:
                found.append(("graph.synchronizationJob", step.job))
                for token in ("", self.skiptoken):
                    listed = _collection(self, step.job, token, "http://127.0.0.1:8080")
                    found.append(("graph.synchronizationJobCollection", listed))
        return found


# --- Kendra -------------------------------------------------------------------------------------

# Statuses of the job's life, step by step (one poll each).
_SUCCESS = ("SYNCING", "SYNCING", "SYNCING_INDEXING", "SYNCING_INDEXING", "SUCCEEDED")
_INCOMPLETE = ("SYNCING", "SYNCING_INDEXING", "SYNCING_INDEXING", "INCOMPLETE")
_FAILURE = ("SYNCING", "SYNCING", "FAILED")
_STOP = ("SYNCING", "STOPPING", "STOPPING", "ABORTED")
# A status Kendra may add (not in the model's enum): drift a poller must wait through.
NEW_STATUS = "SYNCING_QUEUED"
_UNKNOWN = ("SYNCING", NEW_STATUS, NEW_STATUS, "SYNCING_INDEXING", "SUCCEEDED")


class _Kendra:
    """Seeded ids, times and executions of one Kendra data source."""

    def __init__(self, name: str, seed: int) -> None:
        # Seeded by name too: two scenarios never share an execution, so a recording of both
        # is not one execution going back in time.
        self.rng = random.Random(f"{name}/{seed}")
        self.ids = {
            "id": f"ds-{self.rng.getrandbits(32):08x}",
            "index_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "execution_id": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
        }
        # Epoch seconds with a fraction, as the wire has them; November 2026.
        self.start = 1795000000 + self.rng.randrange(86400) + self.rng.randrange(1000) / 1000

    def job(self, status: str, step: int, *, message: bool = True) -> dict[str, Any]:
        """The job at ``step`` of its life, in ``status``."""
        scanned = 40 * (step + 1)
        job: dict[str, Any] = {
            "ExecutionId": self.ids["execution_id"],
            "StartTime": self.start,
            "Status": status,
            "Metrics": {
                "DocumentsAdded": str(scanned // 2),
                "DocumentsModified": str(scanned // 8),
                "DocumentsDeleted": "0",
                "DocumentsFailed": "3" if status == "INCOMPLETE" else "0",
                "DocumentsScanned": str(scanned),
            },
        }
        if lifecycle.terminal(lifecycle.KENDRA, status):
            job["EndTime"] = self.start + 60.5 * (step + 1)
        if status == "FAILED":
            job["ErrorCode"] = "InternalError"
            if message:
                job["ErrorMessage"] = "The data source could not be reached."
        return job

    def other(self, number: int, status: str) -> dict[str, Any]:
        """An older execution of the same data source, long over."""
        start = self.start - 86400 * (number + 1)
        job: dict[str, Any] = {
            "ExecutionId": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "StartTime": start,
            "EndTime": start + 300.25,
            "Status": status,
            "Metrics": {
                "DocumentsAdded": "0",
                "DocumentsModified": "2",
                "DocumentsDeleted": "0",
                "DocumentsFailed": "0",
                "DocumentsScanned": "120",
            },
        }
        if status == "FAILED":
            job["ErrorCode"] = "InvalidRequest"
        return job

    def token(self) -> str:
        """A page token as opaque as Kendra's."""
        return f"{self.rng.getrandbits(192):048x}"


def _life(
    name: str, description: str, statuses: tuple[str, ...], seed: int, **options: Any
) -> Scenario:
    """The job alone on one page, through ``statuses``."""
    k = _Kendra(name, seed)
    message = options.pop("message", True)
    steps = tuple(
        Step(s, {None: Page((k.job(s, i, message=message),))}) for i, s in enumerate(statuses)
    )
    return Scenario(name, "kendra", description, k.ids, steps, **options)


def _page_two(name: str, description: str, seed: int) -> Scenario:
    """An older execution on page 1, the job on page 2 (a page holds one execution, so no
    MaxResults is ever exceeded)."""
    k = _Kendra(name, seed)
    older = (k.other(0, "ABORTED"),)
    token = k.token()
    steps = tuple(
        Step(s, {None: Page(older, token), token: Page((k.job(s, i),))})
        for i, s in enumerate(_SUCCESS)
    )
    return Scenario(name, "kendra", description, k.ids, steps)


def _empty_first(name: str, description: str, seed: int) -> Scenario:
    """The job not listed yet for two polls (an empty History), then its life."""
    k = _Kendra(name, seed)
    empty = Step(None, {None: Page(())})
    life = tuple(Step(s, {None: Page((k.job(s, i),))}) for i, s in enumerate(_SUCCESS))
    return Scenario(name, "kendra", description, k.ids, (empty, empty, *life))


def _empty_page(name: str, description: str, seed: int) -> Scenario:
    """An empty first page that carries a token; the job is on the next page."""
    k = _Kendra(name, seed)
    token = k.token()
    steps = tuple(
        Step(s, {None: Page((), token), token: Page((k.job(s, i),))})
        for i, s in enumerate(_SUCCESS)
    )
    return Scenario(name, "kendra", description, k.ids, steps)


def _token_cycle(name: str, description: str, seed: int) -> Scenario:
    """Page tokens that go round: first page -> A -> B -> A ...; the job is on none of them."""
    k = _Kendra(name, seed)
    a, b = k.token(), k.token()
    pages = {None: Page((), a), a: Page((), b), b: Page((), a)}
    step = Step(None, pages)
    return Scenario(
        name, "kendra", description, k.ids, (step,), fault="the page tokens go round a cycle"
    )


def _token_repeat(name: str, description: str, seed: int) -> Scenario:
    """A page whose NextToken is the token that asked for it."""
    k = _Kendra(name, seed)
    a = k.token()
    step = Step(None, {None: Page((), a), a: Page((), a)})
    return Scenario(
        name, "kendra", description, k.ids, (step,), fault="a page repeats its own token"
    )


# --- Graph --------------------------------------------------------------------------------------

NEVER = "0001-01-01T00:00:00Z"
# A quarantine reason Graph may add (not in the model's enum of 8): drift.
NEW_REASON = "EncounteredDeletionThreshold"


class _Graph:
    """Seeded ids and documents of one Graph synchronization job."""

    def __init__(self, name: str, seed: int) -> None:
        rng = random.Random(f"{name}/{seed}")
        sp = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        tenant = f"{rng.getrandbits(128):032x}"
        job = f"AWSSSO.{tenant}.{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        self.ids = {"service_principal_id": sp, "job_id": job}
        self.minute = 10 + rng.randrange(40)
        self.other_id = f"Ad2Aad.{tenant}.{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        self.skiptoken = f"{rng.getrandbits(128):032x}"

    def at(self, step: int, second: int = 0) -> str:
        """A date-time of the job's life: Graph's 7 fractional digits, UTC."""
        return f"2026-11-20T08:{self.minute + step:02d}:{second:02d}.5434447Z"

    def job(self, code: str, step: int, quarantine: dict[str, Any] | None = None) -> dict[str, Any]:
        """The synchronizationJob at ``step``, its status in ``code``."""
        failed = code == "Quarantine"
        execution = {
            "activityIdentifier": str(uuid.UUID(int=step + 1, version=4)),
            "countEntitled": 12,
            "countEntitledForProvisioning": 12,
            "countEscrowed": 7 if failed else 0,
            "countEscrowedRaw": 7 if failed else 0,
            "countExported": 0 if failed else 12,
            "countExports": 0 if failed else 12,
            "countImported": 12,
            "countImportedDeltas": 0,
            "countImportedReferenceDeltas": 0,
            "state": "Failed" if failed else "Succeeded",
            "error": (
                {
                    "code": "SystemForCrossDomainIdentityManagementServiceIncompatible",
                    "message": "The target application rejected the request.",
                    "tenantActionable": True,
                }
                if failed
                else None
            ),
            "timeBegan": self.at(step, 1),
            "timeEnded": self.at(step, 9),
        }
        ran = code not in ("NotRun", "NotConfigured")
        status = {
            "code": code,
            "countSuccessiveCompleteFailures": step if failed else 0,
            "escrowsPruned": False,
            "lastExecution": execution if ran else None,
            "lastSuccessfulExecution": None if failed or not ran else execution,
            "lastSuccessfulExecutionWithExports": None if failed or not ran else execution,
            "progress": [],
            "quarantine": quarantine,
            "steadyStateFirstAchievedTime": self.at(step, 10) if code == "Active" else NEVER,
            "steadyStateLastAchievedTime": self.at(step, 10) if code == "Active" else NEVER,
            "synchronizedEntryCountByType": [],
            "troubleshootingUrl": None,
        }
        return {
            "id": self.ids["job_id"],
            "templateId": "AWSSSO",
            "schedule": {"expiration": None, "interval": "PT40M", "state": "Active"},
            "status": status,
            "synchronizationJobSettings": [
                {"name": "QuarantineTooManyDeletesThreshold", "value": "500"}
            ],
        }

    def quarantine(self, step: int, count: int, reason: str) -> dict[str, Any]:
        """A quarantine in effect, re-evaluated ``count`` times."""
        return {
            "currentBegan": self.at(step),
            "nextAttempt": self.at(step + 1),
            "reason": reason,
            "seriesBegan": self.at(step - count + 1),
            "seriesCount": count,
            "error": {
                "code": "SystemForCrossDomainIdentityManagementServiceIncompatible",
                "message": "The target application rejected the request.",
                "tenantActionable": True,
            },
        }


def _graph(name: str, description: str, seed: int, variant: str) -> Scenario:
    g = _Graph(name, seed)
    reason = NEW_REASON if variant == "new-reason" else "EncounteredBaseEscrowThreshold"
    steps = [Step("NotRun", job=g.job("NotRun", 0))]
    lifted = None
    if variant == "empty-dates":
        steps.append(Step("NotRun", job=g.job("NotRun", 1)))
        # What Graph's documented responses send for a quarantine not in effect.
        lifted = {
            "currentBegan": "",
            "nextAttempt": "",
            "reason": "",
            "seriesBegan": "",
            "seriesCount": 0,
            "error": None,
        }
    else:
        for n in (1, 2):
            job = g.job("Quarantine", n, g.quarantine(n, n, reason))
            steps.append(Step("Quarantine", job=job))
    steps.append(Step("Active", job=g.job("Active", 3, lifted)))
    expect: Expect = "clean"
    if variant == "new-reason":
        expect = "drift"
    elif variant == "empty-dates":
        expect = "violation"
    other = {**g.job("Active", 0), "id": g.other_id, "templateId": "Ad2Aad"}
    return Scenario(
        name,
        "graph",
        description,
        g.ids,
        tuple(steps),
        expect=expect,
        listed_before=(other,),
        skiptoken=g.skiptoken,
    )


def _collection(
    scenario: Scenario, job: dict[str, Any], skiptoken: str, origin: str
) -> dict[str, Any]:
    """A page of the jobs list: the first (``skiptoken`` empty) holds the other jobs and links
    to the next, which holds the job."""
    sp = scenario.ids["service_principal_id"]
    page: dict[str, Any] = {
        "@odata.context": (
            f"https://graph.microsoft.com/beta/$metadata#servicePrincipals('{sp}')"
            "/synchronization/jobs"
        ),
        "value": [job],
    }
    if scenario.listed_before and not skiptoken:
        page["value"] = [dict(other) for other in scenario.listed_before]
        page["@odata.nextLink"] = (
            f"{origin}/beta/servicePrincipals/{sp}/synchronization/jobs"
            f"?$skiptoken={scenario.skiptoken}"
        )
    return page


# --- the table of scenarios ---------------------------------------------------------------------

DESCRIPTIONS: dict[str, str] = {
    "kendra-success": "SYNCING, SYNCING_INDEXING, then SUCCEEDED",
    "kendra-incomplete": "SYNCING, SYNCING_INDEXING, then INCOMPLETE (some documents failed)",
    "kendra-failed": "SYNCING, then FAILED with ErrorCode and ErrorMessage",
    "kendra-failed-no-message": "SYNCING, then FAILED with ErrorCode, without the optional"
    " ErrorMessage",
    "kendra-stop": "SYNCING, STOPPING (twice), then ABORTED",
    "kendra-unknown-status": f"SYNCING, {NEW_STATUS} (not in the enum: drift), then SUCCEEDED",
    "kendra-page-two": "page 1 lists an older execution (ABORTED), the job is on page 2",
    "kendra-empty-history": "an empty History for two polls, then the job's life",
    "kendra-empty-page": "an empty first page with a NextToken; the job is on the next page",
    "kendra-token-cycle": "empty pages whose tokens go round (A, B, A, ...): the job is never"
    " listed",
    "kendra-token-repeat": "an empty page whose NextToken is the token that asked for it",
    "graph-quarantine": "NotRun, Quarantine with details (twice), then Active",
    "graph-empty-dates": 'NotRun, then Active with a quarantine not in effect: "" in its'
    " date-times and reason, as Graph's own examples show",
    "graph-new-reason": f"NotRun, Quarantine for a reason not in the enum ({NEW_REASON}),"
    " then Active",
}
NAMES: tuple[str, ...] = tuple(DESCRIPTIONS)


def scenario(name: str, seed: int = 0) -> Scenario:
    """The scenario ``name`` with the ids, times and tokens of ``seed``; an ``InputError``
    suggesting close names for a name not in ``NAMES``."""
    text = DESCRIPTIONS.get(name)
    if text is None:
        close = difflib.get_close_matches(name, NAMES, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise InputError(f"no scenario named {name!r}.{hint} The scenarios: {', '.join(NAMES)}")
    if name == "kendra-success":
        return _life(name, text, _SUCCESS, seed)
    if name == "kendra-incomplete":
        return _life(name, text, _INCOMPLETE, seed)
    if name == "kendra-failed":
        return _life(name, text, _FAILURE, seed)
    if name == "kendra-failed-no-message":
        return _life(name, text, _FAILURE, seed, message=False)
    if name == "kendra-stop":
        return _life(name, text, _STOP, seed)
    if name == "kendra-unknown-status":
        return _life(name, text, _UNKNOWN, seed, expect="drift")
    if name == "kendra-page-two":
        return _page_two(name, text, seed)
    if name == "kendra-empty-history":
        return _empty_first(name, text, seed)
    if name == "kendra-empty-page":
        return _empty_page(name, text, seed)
    if name == "kendra-token-cycle":
        return _token_cycle(name, text, seed)
    if name == "kendra-token-repeat":
        return _token_repeat(name, text, seed)
    return _graph(name, text, seed, name.removeprefix("graph-"))


# --- serving ------------------------------------------------------------------------------------


class Play:
    """A scenario being served: the app (call it with a ``Request``) and what it has seen.

    ``requests`` counts every request, ``polls`` the polls (a Kendra listing's first page, a
    Graph GET), ``terminal_at`` is the request count when the step with the final state was
    first served, or for a fault the page that shows it (a NextToken served before), None
    before. Safe to call from the server's threads.
    """

    def __init__(self, played: Scenario) -> None:
        self.scenario = played
        self._lock = threading.Lock()
        self.requests = 0
        self.polls = 0
        self.terminal_at: int | None = None
        # The NextTokens a fault scenario served so far: a page that serves one again shows
        # the fault.
        self._tokens: set[str] = set()

    def __call__(self, request: Request) -> Reply:
        with self._lock:
            self.requests += 1
            if self.scenario.api == "kendra":
                return self._kendra(request)
            return self._graph(request)

    def _step(self, advance: bool) -> Step:
        if advance:
            self.polls += 1
        steps = self.scenario.steps
        index = min(max(self.polls - 1, 0), len(steps) - 1)
        terminal = self.scenario.terminal_step
        if self.terminal_at is None and terminal is not None and index >= terminal:
            self.terminal_at = self.requests
        return steps[index]

    def _kendra(self, request: Request) -> Reply:
        if request.method != "POST" or request.path != "/":
            return _amz(404, "UnknownOperationException", "POST / is the only operation served")
        target = request.headers.get("x-amz-target", "")
        if target != KENDRA_TARGET:
            return _amz(
                400, "UnknownOperationException", f"unknown operation; expected {KENDRA_TARGET}"
            )
        body = _json_object(request.body)
        if body is None:
            return _amz(400, "SerializationException", "the body is not a JSON object")
        ids = self.scenario.ids
        for member, key in (("Id", "id"), ("IndexId", "index_id")):
            value = body.get(member)
            if not isinstance(value, str):
                return _amz(400, "ValidationException", f"{member} is required (a string)")
            if value != ids[key]:
                return _amz(400, "ResourceNotFoundException", f"no such {member}")
        size = body.get("MaxResults", 10)
        if type(size) is not int or not 1 <= size <= 10:
            return _amz(400, "ValidationException", "MaxResults must be an integer from 1 to 10")
        token = body.get("NextToken")
        if token is not None and not isinstance(token, str):
            return _amz(400, "ValidationException", "NextToken must be a string")
        step = self._step(advance=token is None)
        page = step.pages.get(token)
        if page is None:
            return _amz(400, "ValidationException", "the NextToken is not valid")
        if page.next_token is not None and self.scenario.fault is not None:
            if page.next_token in self._tokens and self.terminal_at is None:
                self.terminal_at = self.requests  # the fault is there to be seen
            self._tokens.add(page.next_token)
        return Reply(200, (("Content-Type", AWS_JSON),), _dump(page.body()))

    def _graph(self, request: Request) -> Reply:
        ids = self.scenario.ids
        base = f"/beta/servicePrincipals/{ids['service_principal_id']}/synchronization/jobs"
        path = request.path.rstrip("/")
        if path not in (base, f"{base}/{ids['job_id']}"):
            return _graph_error(404, "Request_ResourceNotFound", "Resource does not exist.")
        if request.method not in ("GET", "HEAD"):
            return _graph_error(405, "Request_BadRequest", f"{request.method} is not served here")
        skiptoken = (request.query.get("$skiptoken") or [""])[0] if path == base else ""
        if skiptoken and skiptoken != self.scenario.skiptoken:
            return _graph_error(400, "Request_BadRequest", "the $skiptoken is not valid")
        # A next page of the list shows the same moment as the first: not a poll.
        job = self._step(advance=not skiptoken).job
        assert job is not None  # a Graph scenario's steps all hold the job
        if path != base:
            return Reply(200, (("Content-Type", GRAPH_JSON),), _dump(job))
        page = _collection(self.scenario, job, skiptoken, _origin(request))
        return Reply(200, (("Content-Type", GRAPH_JSON),), _dump(page))


def app(name: str, seed: int = 0) -> App:
    """The app that serves scenario ``name`` (a ``Play``: it counts what it served)."""
    return Play(scenario(name, seed))


# What a Host header may hold to be echoed in a link: a name or address and a port.
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")


def _origin(request: Request) -> str:
    """The origin links point at: the Host the client used, if it is a plain host[:port]."""
    host = request.headers.get("host", "")
    return f"http://{host}" if _HOST.fullmatch(host) else "http://127.0.0.1"


def _dump(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def _json_object(data: bytes) -> dict[str, Any] | None:
    if len(data) > MAX_BODY:
        return None
    try:
        value = json.loads(data.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _amz(status: int, kind: str, message: str) -> Reply:
    """Kendra's error envelope (AWS JSON 1.1)."""
    body = _dump({"__type": kind, "message": message})
    return Reply(status, (("Content-Type", AWS_JSON),), body)


def _graph_error(status: int, code: str, message: str) -> Reply:
    """Graph's error envelope."""
    body = _dump(
        {
            "error": {
                "code": code,
                "message": message,
                "innerError": {
                    "date": "2026-11-20T08:00:00",
                    "request-id": str(uuid.UUID(int=status)),
                },
            }
        }
    )
    return Reply(status, (("Content-Type", "application/json"),), body)
