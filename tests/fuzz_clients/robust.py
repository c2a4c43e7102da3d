"""A robust client of graph.synchronizationJob: it checks what it reads and never fails."""

import json
import sys

try:
    if len(sys.argv) < 2:
        data = sys.stdin.buffer.read()
    else:
        with open(sys.argv[1], "rb") as handle:
            data = handle.read()
    job = json.loads(data)
except (OSError, ValueError):
    print("unreadable document")
    sys.exit(0)
status = job.get("status") if isinstance(job, dict) else None
execution = status.get("lastExecution") if isinstance(status, dict) else None
began = execution.get("timeBegan") if isinstance(execution, dict) else None
print(began[:4] if isinstance(began, str) else "never ran")
