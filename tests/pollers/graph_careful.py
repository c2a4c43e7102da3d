"""A Graph synchronization-job poller that follows the lifecycle: it waits through NotRun and
Quarantine (re-evaluated at nextAttempt), stops at Active, Paused or NotConfigured, treats ""
and 0001-01-01 date-times as no date, and shows a quarantine reason it does not know as it is.
Usage: graph_careful.py URL SERVICE_PRINCIPAL_ID JOB_ID
"""

import json
import os
import sys
import time
import urllib.request

URL, SP, JOB = sys.argv[1:4]
INTERVAL = float(os.environ.get("CONFORMANCE_POLL_INTERVAL", "5"))
SETTLED = {"Active", "Paused", "NotConfigured"}


def when(value):
    if not isinstance(value, str) or not value or value.startswith("0001-01-01"):
        return None
    return value


while True:
    address = f"{URL}/beta/servicePrincipals/{SP}/synchronization/jobs/{JOB}"
    with urllib.request.urlopen(address, timeout=10) as response:
        status = json.load(response).get("status") or {}
    code = status.get("code")
    quarantine = status.get("quarantine") or {}
    if code == "Quarantine":
        reason = quarantine.get("reason") or "no reason given"
        print(
            f"quarantined ({reason}), next attempt {when(quarantine.get('nextAttempt'))}",
            file=sys.stderr,
        )
    if code in SETTLED:
        print(code)
        break
    time.sleep(INTERVAL)
