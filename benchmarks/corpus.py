"""Deterministic, realistic documents for the benchmarks: Kendra pages, Graph statuses, fixtures.

The documents are built from the examples the shipped schemas carry
(``kendra.ListDataSourceSyncJobsResponse`` and ``graph.synchronizationStatus``), with ids, counts,
statuses and timestamps varied the way the services vary them: Kendra timestamps are epoch
seconds (numbers), its Metrics counters decimal strings, its History newest first; Graph times
are RFC 3339 with seven fractional digits, ``0001-01-01T00:00:00Z`` for "never".

About 1% of the bulk documents carry one defect each, so that the failure path (errors listed,
located and printed) runs too: a violation (a TAB in ``ErrorMessage``, a counter sent as a
number, a timestamp sent as a string, a bad date-time) or drift (a ``Status`` / ``code`` value
or a property the documents do not know yet). Defects are drawn from a random generator of their
own, so that a rate of 0 gives the same documents without them. Fixture files are all valid.

Everything is seeded: the same arguments give the same bytes. The 1 GiB files are written from a
pool of a few thousand generated lines (or HAR entries), repeated with the tail of one id in each
replaced by a counter, in big chunks, so that generating a gigabyte takes seconds, not minutes.

    python benchmarks/corpus.py --help
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from conformance.catalog import default_catalog

SEED = 20240229
INVALID_RATE = 0.01
NEVER = "0001-01-01T00:00:00Z"
# Kendra pages of the last two years or so, newest first within a page.
_EPOCH_BASE = 1_640_995_200  # 2022-01-01T00:00:00Z
_EPOCH_SPAN = 2 * 365 * 86_400
_CHUNK = 8 * 1024 * 1024
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

Document = dict[str, Any]


@dataclass
class Stats:
    """What a generator made: documents, bytes, and the defects it planted, by kind."""

    documents: int = 0
    bytes: int = 0
    defects: Counter[str] = field(default_factory=Counter)

    @property
    def defective(self) -> int:
        return sum(self.defects.values())


def _examples(name: str) -> list[Document]:
    return list(default_catalog().schema(name)["examples"])


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _graph_time(t: float) -> str:
    """RFC 3339 in UTC with the seven fractional digits Graph sends."""
    whole = int(t)
    stamp = datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{int((t - whole) * 10_000_000):07d}Z"


# --- Kendra --------------------------------------------------------------------------------------

_KENDRA_STATUS = (
    ("SUCCEEDED", 70),
    ("FAILED", 9),
    ("INCOMPLETE", 8),
    ("ABORTED", 5),
    ("STOPPING", 1),
)
_KENDRA_RUNNING = ("SYNCING", "SYNCING_INDEXING")
_KENDRA_ERRORS = (
    ("InvalidRequest", "The data source configuration is not valid.", "AccessDenied"),
    ("InvalidRequest", "The Amazon S3 bucket sk-docs-prod does not exist.", "NoSuchBucket"),
    ("InternalError", "An internal error occurred while syncing the data source.", None),
    ("InvalidRequest", "The IAM role does not have permission to call kms:Decrypt.", None),
    ("InvalidRequest", "Access token expired; re-authenticate the connector.", "ExpiredToken"),
)
_KENDRA_DEFECTS = ("enum-drift", "property-drift", "tab", "number-counter", "string-time")


def _metrics(rng: random.Random, status: str) -> dict[str, str]:
    added = rng.choice((0, 0, rng.randrange(1, 50), rng.randrange(50, 20_000)))
    modified = rng.choice((0, rng.randrange(0, 500), rng.randrange(0, 50_000)))
    deleted = rng.choice((0, 0, 0, rng.randrange(0, 200)))
    failed = rng.randrange(1, 300) if status == "INCOMPLETE" else rng.choice((0, 0, 0, 0, 1))
    scanned = added + modified + deleted + failed + rng.randrange(0, 100_000)
    return {
        "DocumentsAdded": str(added),
        "DocumentsModified": str(modified),
        "DocumentsDeleted": str(deleted),
        "DocumentsFailed": str(failed),
        "DocumentsScanned": str(scanned),
    }


def _kendra_job(rng: random.Random, start: float, status: str, template: Document) -> Document:
    job = {k: v for k, v in template.items() if k in ("ExecutionId", "StartTime", "Status")}
    job["ExecutionId"] = _uuid(rng)
    digits = rng.choice((0, 2, 3))
    job["StartTime"] = round(start, digits) if digits else int(start)
    if status not in _KENDRA_RUNNING:
        job["EndTime"] = round(start + rng.uniform(40, 7_200), 3)
    job["Status"] = status
    if status == "FAILED":
        code, message, source_code = rng.choice(_KENDRA_ERRORS)
        job["ErrorCode"] = code
        job["ErrorMessage"] = message
        if source_code is not None:
            job["DataSourceErrorCode"] = source_code
        if rng.random() < 0.5:
            return job
    job["Metrics"] = _metrics(rng, status)
    return job


def _kendra_defect(rng: random.Random, page: Document) -> str:
    job = rng.choice(page["History"])
    kind = rng.choice(_KENDRA_DEFECTS)
    if kind == "enum-drift":
        job["Status"] = "QUEUED"
    elif kind == "property-drift":
        job["SyncMode"] = "FULL_CRAWL"
    elif kind == "tab":
        job["ErrorCode"] = "InternalError"
        job["ErrorMessage"] = "Connector timed out\tafter 3 retries."
    elif kind == "number-counter":
        job.setdefault("Metrics", _metrics(rng, "SUCCEEDED"))["DocumentsAdded"] = 120
    else:
        job["StartTime"] = datetime.fromtimestamp(int(job["StartTime"]), UTC).isoformat()
    return kind


def kendra_pages(
    n: int,
    *,
    seed: int = SEED,
    invalid_rate: float = INVALID_RATE,
    stats: Stats | None = None,
) -> Iterator[Document]:
    """``n`` ListDataSourceSyncJobs response pages, 1-10 DataSourceSyncJobs each, newest first."""
    rng = random.Random(seed)
    defects = random.Random(seed + 100)  # apart, so that rate 0 gives the same pages, clean
    example = _examples("kendra.ListDataSourceSyncJobsResponse")[0]
    templates = example["History"]
    statuses = [status for status, _ in _KENDRA_STATUS]
    weights = [weight for _, weight in _KENDRA_STATUS]
    for _ in range(n):
        size = rng.randint(1, 10)
        t = _EPOCH_BASE + rng.uniform(0, _EPOCH_SPAN)
        history = []
        for position in range(size):
            if position == 0 and rng.random() < 0.15:
                status = rng.choice(_KENDRA_RUNNING)
            else:
                status = rng.choices(statuses, weights)[0]
            history.append(_kendra_job(rng, t, status, templates[position % len(templates)]))
            # Runs of one data source follow one another: a run lasts at most two hours, the
            # gap before the next start is longer (the contract rule kendra.execution-overlap).
            t -= rng.choice((3 * 3_600, 6 * 3_600, 86_400)) + rng.uniform(0, 60)
        page: Document = {"History": history}
        # The last page of a listing has no NextToken.
        if rng.random() < 0.9:
            token = (
                example["NextToken"][:5] + f"{rng.getrandbits(96 * 8):x}"[: rng.randint(40, 180)]
            )
            page["NextToken"] = token
        if defects.random() < invalid_rate:
            kind = _kendra_defect(defects, page)
            if stats is not None:
                stats.defects[kind] += 1
        if stats is not None:
            stats.documents += 1
        yield page


# --- Graph ---------------------------------------------------------------------------------------

_GRAPH_CODES = (
    ("Active", 80),
    ("Quarantine", 8),
    ("Paused", 5),
    ("NotRun", 4),
    ("NotConfigured", 3),
)
_GRAPH_ERRORS = (
    ("BoxInsufficientPermissions", "Authorization with Box is not valid. Please re-authorize"),
    ("SalesforceInvalidCredentials", "The credentials for Salesforce are not valid."),
    ("ServiceNowAuthenticationFailed", "Authentication to ServiceNow failed (HTTP 401)."),
    ("HybridSynchronizationActiveDirectoryInternalError", "The on-premises agent is offline."),
)
_GRAPH_QUARANTINE = (
    "EncounteredQuarantineException",
    "TooManyDeletes",
    "IngestionInterrupted",
    "QuarantinedOnDemand",
)
_GRAPH_ENTRY_TYPES = ("user", "group", "Users", "Groups", "AppRoleAssignments", "contact")
_GRAPH_DEFECTS = ("enum-drift", "property-drift", "bad-date-time", "string-count", "string-value")


def _execution(rng: random.Random, t: float, template: Document, failed: bool) -> Document:
    execution = copy.deepcopy(template)
    execution["activityIdentifier"] = _uuid(rng)
    scale = rng.choice((10, 1_000, 100_000))
    for key in execution:
        if key.startswith("count"):
            execution[key] = rng.randrange(0, scale)
    execution["state"] = (
        "Failed" if failed else rng.choice(("Succeeded", "Succeeded", "EntryLevelErrors"))
    )
    if failed:
        code, message = rng.choice(_GRAPH_ERRORS)
        execution["error"] = {"code": code, "message": message, "tenantActionable": True}
    else:
        execution["error"] = None
    execution["timeBegan"] = _graph_time(t)
    execution["timeEnded"] = _graph_time(t + rng.uniform(0.01, 900))
    return execution


def _graph_defect(rng: random.Random, status: Document) -> str:
    kind = rng.choice(_GRAPH_DEFECTS)
    if kind == "enum-drift":
        status["code"] = "Disabled"
    elif kind == "property-drift":
        status["provisioningInsights"] = {"lastRunSummary": "https://aka.ms/provisioning"}
    elif kind == "bad-date-time":
        status["steadyStateLastAchievedTime"] = "2023-11-14 22:13:20Z"
    elif kind == "string-count":
        status["countSuccessiveCompleteFailures"] = str(status["countSuccessiveCompleteFailures"])
    else:
        status["synchronizedEntryCountByType"] = [{"key": "user", "value": "42"}]
    return kind


def graph_status(rng: random.Random, templates: list[Document]) -> Document:
    """One synchronizationStatus, shaped like the vendor's example."""
    quarantined, active = templates[0], templates[1]
    codes = [code for code, _ in _GRAPH_CODES]
    weights = [weight for _, weight in _GRAPH_CODES]
    code = rng.choices(codes, weights)[0]
    status = copy.copy(active)
    status["code"] = code
    t = _EPOCH_BASE + rng.uniform(0, _EPOCH_SPAN)
    execution_template = quarantined["lastExecution"]
    failures = rng.randrange(1, 12) if code == "Quarantine" else 0
    status["countSuccessiveCompleteFailures"] = failures
    status["escrowsPruned"] = rng.random() < 0.1
    if code in ("NotRun", "NotConfigured"):
        status["lastExecution"] = None
        status["lastSuccessfulExecution"] = None
        status["lastSuccessfulExecutionWithExports"] = None
        status["steadyStateFirstAchievedTime"] = NEVER
        status["steadyStateLastAchievedTime"] = NEVER
        status["synchronizedEntryCountByType"] = []
    else:
        status["lastExecution"] = _execution(rng, t, execution_template, failures > 0)
        ok = t - rng.uniform(2_400, 86_400 * (failures + 1))
        status["lastSuccessfulExecution"] = _execution(rng, ok, execution_template, False)
        status["lastSuccessfulExecutionWithExports"] = (
            _execution(rng, ok - rng.uniform(0, 86_400), execution_template, False)
            if rng.random() < 0.7
            else None
        )
        first = ok - rng.uniform(86_400, 200 * 86_400)
        status["steadyStateFirstAchievedTime"] = _graph_time(first)
        status["steadyStateLastAchievedTime"] = _graph_time(ok)
        status["synchronizedEntryCountByType"] = [
            {"key": key, "value": rng.randrange(1, 250_000)}
            for key in rng.sample(_GRAPH_ENTRY_TYPES, rng.randint(1, 3))
        ]
    if code == "Quarantine":
        quarantine = dict(quarantined["quarantine"])
        quarantine["currentBegan"] = _graph_time(t - rng.uniform(0, 3_600))
        quarantine["seriesBegan"] = _graph_time(t - rng.uniform(3_600, 86_400))
        quarantine["nextAttempt"] = rng.choice((NEVER, _graph_time(t + rng.uniform(60, 3_600))))
        quarantine["reason"] = rng.choice(_GRAPH_QUARANTINE)
        quarantine["seriesCount"] = failures
        status["quarantine"] = quarantine
    else:
        status["quarantine"] = None
    return status


def graph_statuses(
    n: int,
    *,
    seed: int = SEED,
    invalid_rate: float = INVALID_RATE,
    stats: Stats | None = None,
) -> Iterator[Document]:
    """``n`` Graph synchronizationStatus documents, as ``GET .../jobs/{id}`` nests them."""
    rng = random.Random(seed + 1)
    defects = random.Random(seed + 101)  # apart, so that rate 0 gives the same documents, clean
    templates = _examples("graph.synchronizationStatus")
    for _ in range(n):
        status = graph_status(rng, templates)
        if defects.random() < invalid_rate:
            kind = _graph_defect(defects, status)
            if stats is not None:
                stats.defects[kind] += 1
        if stats is not None:
            stats.documents += 1
        yield status


# --- Files ---------------------------------------------------------------------------------------


def write_ndjson(path: Path, documents: Iterable[Document], stats: Stats | None = None) -> Stats:
    """Write documents one a line, in big chunks; returns ``stats`` with the bytes added."""
    stats = stats if stats is not None else Stats()
    dumps = orjson.dumps
    with open(path, "wb") as out:
        buffer: list[bytes] = []
        size = 0
        for document in documents:
            line = dumps(document) + b"\n"
            buffer.append(line)
            size += len(line)
            if size >= _CHUNK:
                out.write(b"".join(buffer))
                stats.bytes += size
                buffer, size = [], 0
        out.write(b"".join(buffer))
        stats.bytes += size
    return stats


def fixture_files(folder: Path, n: int, *, seed: int = SEED) -> list[Path]:
    """``n`` small, valid, pretty-printed fixture files, mixed Graph and Kendra, in ``folder``.

    In turn: a Graph synchronizationStatus that has not run yet, a Kendra ListDataSourceSyncJobs
    page with one job, a single Kendra DataSourceSyncJob, a Graph status of an active job with its
    last execution only. Each is a few hundred bytes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 2)
    graph = _examples("graph.synchronizationStatus")
    kendra = _examples("kendra.ListDataSourceSyncJobsResponse")[0]
    paths = []
    for index in range(n):
        kind = index % 4
        document: Document
        t = _EPOCH_BASE + rng.uniform(0, _EPOCH_SPAN)
        if kind == 0:
            document = copy.deepcopy(graph[1])
            document["code"] = rng.choice(("NotRun", "Active", "Paused"))
            document["synchronizedEntryCountByType"] = [
                {"key": "user", "value": rng.randrange(0, 5_000)}
            ]
            name = f"graph-status-{index:05d}.json"
        elif kind == 1:
            job = _kendra_job(rng, t, "SUCCEEDED", kendra["History"][0])
            document = {"History": [job], "NextToken": kendra["NextToken"]}
            name = f"kendra-page-{index:05d}.json"
        elif kind == 2:
            status = rng.choice(("FAILED", "SUCCEEDED", "SYNCING"))
            document = _kendra_job(rng, t, status, kendra["History"][1])
            document.pop("Metrics", None)
            name = f"kendra-job-{index:05d}.json"
        else:
            document = copy.deepcopy(graph[1])
            document["lastExecution"] = _execution(rng, t, graph[0]["lastExecution"], False)
            name = f"graph-active-{index:05d}.json"
        path = folder / name
        path.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
        paths.append(path)
    return paths


def _templated(lines: list[bytes]) -> list[tuple[bytes, bytes]]:
    """Each line split around the last 12 hex digits of its first UUID (a line without one
    repeats verbatim): the varying part of the repeated copies."""
    parts = []
    for line in lines:
        m = _UUID.search(line)
        if m is None:
            parts.append((line, b""))
        else:
            parts.append((line[: m.end() - 12], line[m.end() :]))
    return parts


def _repeat(
    out: Any, parts: list[tuple[bytes, bytes]], target: int, separator: bytes = b""
) -> tuple[int, int]:
    """Write the templated lines round and round until ``target`` bytes; (lines, bytes)."""
    written = lines = 0
    counter = 0
    buffer: list[bytes] = []
    size = 0
    while written + size < target:
        for head, tail in parts:
            line = head + (b"%012x" % counter if tail else b"") + tail
            counter += 1
            if lines:
                line = separator + line
            buffer.append(line)
            size += len(line)
            lines += 1
            if written + size >= target:
                break
        if size >= _CHUNK or written + size >= target:
            out.write(b"".join(buffer))
            written += size
            buffer, size = [], 0
    out.write(b"".join(buffer))
    return lines, written + size


def _pool(pool: int, seed: int, stats: Stats) -> list[Document]:
    """Kendra pages and Graph statuses, in blocks of 100 of one kind (as one API's log)."""
    kendra = kendra_pages(pool // 2, seed=seed, stats=stats)
    graph = graph_statuses(pool - pool // 2, seed=seed, stats=stats)
    documents: list[Document] = []
    for block in range(0, pool, 100):
        documents.extend(
            d for _, d in zip(range(100), kendra if block // 100 % 2 else graph, strict=False)
        )
    documents.extend(kendra)
    documents.extend(graph)
    return documents


def big_ndjson(path: Path, size: int, *, seed: int = SEED, pool: int = 4_000) -> Stats:
    """An NDJSON file of about ``size`` bytes: Kendra pages and Graph statuses in blocks."""
    pool_stats = Stats()
    parts = _templated([orjson.dumps(d) + b"\n" for d in _pool(pool, seed, pool_stats)])
    with open(path, "wb") as out:
        lines, written = _repeat(out, parts, size)
    return _scaled(pool_stats, lines, written, pool)


def _scaled(pool_stats: Stats, lines: int, written: int, pool: int) -> Stats:
    scale = lines / pool
    defects = Counter({k: round(v * scale) for k, v in pool_stats.defects.items()})
    return Stats(documents=lines, bytes=written, defects=defects)


_HAR_CREATOR = {"name": "sync-conformance-benchmarks", "version": "1.0"}


def _har_entry(rng: random.Random, document: Document, t: float) -> Document:
    body = orjson.dumps(document).decode()
    request_id = _uuid(rng)
    if "History" in document:
        index_id = _uuid(rng)
        source_id = _uuid(rng)
        request_body = orjson.dumps({"Id": source_id, "IndexId": index_id, "MaxResults": 10})
        mime = "application/x-amz-json-1.1"
        request: Document = {
            "method": "POST",
            "url": "https://kendra.us-east-1.amazonaws.com/",
            "httpVersion": "HTTP/1.1",
            "headers": [
                {"name": "Host", "value": "kendra.us-east-1.amazonaws.com"},
                {
                    "name": "X-Amz-Target",
                    "value": "AWSKendraFrontendService.ListDataSourceSyncJobs",
                },
                {"name": "Content-Type", "value": mime},
                {"name": "X-Amz-Date", "value": "20231114T221320Z"},
                {
                    "name": "Authorization",
                    "value": "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20231114/us-east-1/kendra/"
                    "aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0f1e2d",
                },
            ],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": len(request_body),
            "postData": {"mimeType": mime, "text": request_body.decode()},
        }
        response_headers = [
            {"name": "x-amzn-RequestId", "value": request_id},
            {"name": "Content-Type", "value": mime},
            {"name": "Content-Length", "value": str(len(body))},
        ]
    else:
        sp, job = _uuid(rng), f"scim.{rng.getrandbits(64):016x}.{_uuid(rng)}"
        url = f"https://graph.microsoft.com/beta/servicePrincipals/{sp}/synchronization/jobs/{job}"
        mime = (
            "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false"
        )
        document = {
            "@odata.context": "https://graph.microsoft.com/beta/$metadata#servicePrincipals"
            f"('{sp}')/synchronization/jobs/$entity",
            "id": job,
            "templateId": "scim",
            "schedule": {"interval": "PT40M", "state": "Active"},
            "status": document,
            "synchronizationJobSettings": [
                {"name": "QuarantineTooManyDeletesThreshold", "value": "500"}
            ],
        }
        body = orjson.dumps(document).decode()
        request = {
            "method": "GET",
            "url": url,
            "httpVersion": "HTTP/2",
            "headers": [
                {"name": "Accept", "value": "application/json"},
                {"name": "Authorization", "value": "Bearer eyJ0eXAiOiJKV1QiLCJub25jZSI6"},
                {"name": "client-request-id", "value": _uuid(rng)},
            ],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        }
        response_headers = [
            {"name": "request-id", "value": request_id},
            {"name": "Content-Type", "value": mime},
            {"name": "OData-Version", "value": "4.0"},
        ]
    wait = rng.uniform(30, 900)
    return {
        "startedDateTime": _graph_time(t)[:23] + "Z",
        "time": round(wait + 2, 3),
        "request": request,
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": request["httpVersion"],
            "headers": response_headers,
            "cookies": [],
            "content": {"size": len(body), "mimeType": mime, "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 0.5, "wait": round(wait, 3), "receive": 1.5},
    }


def big_har(path: Path, size: int, *, seed: int = SEED, pool: int = 2_000) -> Stats:
    """A HAR 1.2 file of about ``size`` bytes: Kendra ListDataSourceSyncJobs calls and Graph
    ``GET .../synchronization/jobs/{id}`` calls (the status nested in the job), in blocks."""
    pool_stats = Stats()
    rng = random.Random(seed + 3)
    t = float(_EPOCH_BASE)
    entries = []
    for document in _pool(pool, seed, pool_stats):
        t += rng.uniform(0.5, 30)
        entries.append(orjson.dumps(_har_entry(rng, document, t)))
    head = orjson.dumps({"log": {"version": "1.2", "creator": _HAR_CREATOR, "pages": []}})
    head = head[:-2] + b',"entries":[\n'
    end = b"\n]}}\n"
    with open(path, "wb") as out:
        out.write(head)
        lines, written = _repeat(out, _templated(entries), size - len(head) - len(end), b",\n")
        out.write(end)
    return _scaled(pool_stats, lines, written + len(head) + len(end), pool)


# --- Command line --------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """``1G``, ``200M``, ``64k`` or a number of bytes."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    text = text.strip().lower().removesuffix("ib").removesuffix("b")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def _print_stats(what: str, path: Path, stats: Stats) -> None:
    defects = ", ".join(f"{n} {k}" for k, n in sorted(stats.defects.items())) or "none"
    print(f"{path}: {stats.documents} {what}, {stats.bytes / 2**20:.1f} MiB; defects: {defects}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/corpus.py",
        description="Write the benchmarks' generated documents (deterministic, seeded).",
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    sub = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, text in (
        ("kendra", "Kendra ListDataSourceSyncJobs pages, NDJSON"),
        ("graph", "Graph synchronizationStatus documents, NDJSON"),
    ):
        p = sub.add_parser(kind, help=text, description=text)
        p.add_argument("path", type=Path)
        p.add_argument("-n", "--documents", type=int, default=100_000)
        p.add_argument("--invalid-rate", type=float, default=INVALID_RATE)
    p = sub.add_parser("fixtures", help="small valid fixture files in a folder")
    p.add_argument("path", type=Path)
    p.add_argument("-n", "--files", type=int, default=1_000)
    for kind, text in (("ndjson", "a big NDJSON file"), ("har", "a big HAR file")):
        p = sub.add_parser(kind, help=text, description=text)
        p.add_argument("path", type=Path)
        p.add_argument("--bytes", type=parse_size, default=1 << 30, help="size, e.g. 1G, 200M")
    args = parser.parse_args(argv)
    stats = Stats()
    if args.kind in ("kendra", "graph"):
        make: Callable[..., Iterator[Document]] = (
            kendra_pages if args.kind == "kendra" else graph_statuses
        )
        documents = make(
            args.documents, seed=args.seed, invalid_rate=args.invalid_rate, stats=stats
        )
        write_ndjson(args.path, documents, stats)
        _print_stats("documents", args.path, stats)
    elif args.kind == "fixtures":
        paths = fixture_files(args.path, args.files, seed=args.seed)
        total = sum(p.stat().st_size for p in paths)
        print(f"{args.path}: {len(paths)} files, {total / len(paths):.0f} bytes each on average")
    elif args.kind == "ndjson":
        _print_stats("lines", args.path, big_ndjson(args.path, args.bytes, seed=args.seed))
    else:
        _print_stats("entries", args.path, big_har(args.path, args.bytes, seed=args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
