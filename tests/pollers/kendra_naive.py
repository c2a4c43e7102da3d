"""A Kendra sync-job poller written the way public projects often write one (on purpose).

Its bugs: STOPPING is taken as finished, SYNCING_INDEXING and INCOMPLETE match no branch (it
waits on), only the first execution of the first page is looked at, a FAILED job without
ErrorMessage raises KeyError, and NextToken is followed (past empty pages) without noticing a
cycle. Usage: kendra_naive.py URL ID INDEX_ID
"""

import json
import os
import sys
import time
import urllib.request

URL, ID, INDEX_ID = sys.argv[1:4]
INTERVAL = float(os.environ.get("CONFORMANCE_POLL_INTERVAL", "5"))


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


def latest_job():
    response = call({"Id": ID, "IndexId": INDEX_ID})
    while not response["History"] and response.get("NextToken"):
        response = call({"Id": ID, "IndexId": INDEX_ID, "NextToken": response["NextToken"]})
    return response["History"][0]


while True:
    job = latest_job()
    status = job["Status"]
    if status in ("SUCCEEDED", "STOPPING", "ABORTED"):
        print(status)
        break
    if status == "FAILED":
        print("sync failed: " + job["ErrorMessage"], file=sys.stderr)
        print(status)
        break
    time.sleep(INTERVAL)
