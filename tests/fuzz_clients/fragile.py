"""A deliberately fragile client of graph.synchronizationJob: it trusts every property."""

import json
import sys

with open(sys.argv[1], encoding="utf-8") as handle:
    job = json.load(handle)
# KeyError when a property is missing, TypeError when it is null or of another type.
status = job["status"]
year = status["lastExecution"]["timeBegan"][:4]
print(job["id"], year)
