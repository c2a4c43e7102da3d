"""A Graph synchronization-job poller written the way public projects often write one (on
purpose). Its bugs: Quarantine is taken as the end (it is re-evaluated and lifted), every
quarantine's date-times are parsed (Graph sends "" for one no longer in effect), and the reason
is looked up in a fixed table (a reason added later raises KeyError).
Usage: graph_naive.py URL SERVICE_PRINCIPAL_ID JOB_ID
"""

import json
import os
import sys
import time
import urllib.request
from datetime import datetime

URL, SP, JOB = sys.argv[1:4]
INTERVAL = float(os.environ.get("CONFORMANCE_POLL_INTERVAL", "5"))
REASONS = {
    "EncounteredBaseEscrowThreshold": "too many errors in the initial cycle",
    "EncounteredTotalEscrowThreshold": "too many errors",
    "EncounteredEscrowProportionThreshold": "too many errors in proportion",
    "EncounteredQuarantineException": "an error the service could not handle",
    "QuarantinedOnDemand": "quarantined by request",
    "TooManyDeletes": "too many deletes",
    "IngestionInterrupted": "ingestion interrupted",
    "Unknown": "unknown",
}

while True:
    address = f"{URL}/beta/servicePrincipals/{SP}/synchronization/jobs/{JOB}"
    with urllib.request.urlopen(address, timeout=10) as response:
        status = json.load(response)["status"]
    quarantine = status.get("quarantine")
    if quarantine:
        began = datetime.fromisoformat(quarantine["currentBegan"].replace("Z", "+00:00")[:26])
        print(f"quarantine since {began}: {REASONS[quarantine['reason']]}", file=sys.stderr)
    if status["code"] in ("Active", "Paused", "Quarantine", "NotConfigured"):
        print(status["code"])
        break
    time.sleep(INTERVAL)
