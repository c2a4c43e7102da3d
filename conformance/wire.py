"""What the two services put on the wire, stated once for every module that speaks it: the
live client, the emulator, its scenarios and the OpenAPI descriptions.

Kendra's ListDataSourceSyncJobs is an AWS JSON 1.1 call (a POST whose operation is the
``X-Amz-Target`` header); its request members are constrained as botocore 1.44.18's Kendra model
(kendra/2019-02-03, service-2.json, shape ListDataSourceSyncJobsRequest) says. Graph's list of
synchronization jobs pages with ``$top``, at most 999 (Microsoft Graph's paging documentation).
Smithy patterns are searches, not anchored, and are kept so.
"""

from __future__ import annotations

KENDRA_TARGET = "AWSKendraFrontendService.ListDataSourceSyncJobs"
# The media type of AWS JSON 1.1 bodies, requests and responses alike.
AWS_JSON = "application/x-amz-json-1.1"

# ListDataSourceSyncJobsRequest's Id and IndexId: (shortest, longest, Smithy pattern).
KENDRA_ID = (1, 100, "[a-zA-Z0-9][a-zA-Z0-9_-]*")
KENDRA_INDEX_ID = (36, 36, "[a-zA-Z0-9][a-zA-Z0-9-]*")
# MaxResults: 1..10.
KENDRA_MAX_RESULTS = 10
# Graph's $top: 1..999.
GRAPH_MAX_TOP = 999
