"""A Kendra sync-job poller that follows the lifecycle: it finds its execution by ExecutionId on
every page, stops only at a terminal status (SUCCEEDED, FAILED, INCOMPLETE, ABORTED), waits
through any other (STOPPING, SYNCING_INDEXING, a status added later), reads ErrorMessage only if
present, and reports a page-token cycle as FAULT instead of following it.
Usage: kendra_careful.py URL ID INDEX_ID EXECUTION_ID
"""

import json
import os
import sys
import time
import urllib.request

URL, ID, INDEX_ID, EXECUTION_ID = sys.argv[1:5]
INTERVAL = float(os.environ.get("CONFORMANCE_POLL_INTERVAL", "5"))
TERMINAL = {"SUCCEEDED", "FAILED", "INCOMPLETE", "ABORTED"}


class Fault(Exception):
    pass


def call(body):
    request = urllib.request.Request(
        URL + "/",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSKendraFrontendService.ListDataSourceSyncJobs",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def find_job():
    """Our execution, or None if it is not listed (yet)."""
    body = {"Id": ID, "IndexId": INDEX_ID, "MaxResults": 10}
    seen = set()
    while True:
        page = call(body)
        for job in page.get("History") or []:
            if isinstance(job, dict) and job.get("ExecutionId") == EXECUTION_ID:
                return job
        token = page.get("NextToken")
        if not token:
            return None
        if token in seen or token == body.get("NextToken"):
            raise Fault("the page tokens go round a cycle")
        seen.add(token)
        body = {**body, "NextToken": token}


def main():
    while True:
        try:
            job = find_job()
        except Fault as exc:
            print(f"FAULT: {exc}")
            return 3
        status = job.get("Status") if job else None
        if status in TERMINAL:
            if status == "FAILED":
                why = job.get("ErrorMessage") or job.get("ErrorCode") or "no reason given"
                print(f"sync failed: {why}", file=sys.stderr)
            print(status)
            return 0
        time.sleep(INTERVAL)


sys.exit(main())
