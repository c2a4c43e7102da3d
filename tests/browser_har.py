"""A HAR as a browser's dev tools save it during a Graph Explorer session, made on the fly.

What a person records while calling Graph from Graph Explorer is mostly not API traffic: the
page and its scripts, styles, font and icon, a redirect, CORS preflights, telemetry answered with
204, the sign-in call that returns live tokens, a ``/me`` call, and only then the calls that
matter: synchronization jobs. The entries carry the fields Chrome writes (timings,
``_resourceType``, ``x-unknown`` for a response without a type, binary bodies in base64), so
that the reader meets them as it would in a real export; the bodies are kept tiny.

``python tests/browser_har.py PATH`` writes it; ``tests/data/graph-explorer-session.har`` is its
output, committed for the README's run, and a test checks that the two stay the same.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

# Everything a token response holds: none of it may reach any report.
ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJncmFwaCJ9.sEcReTaCcEsS-t0ken-sig"
REFRESH_TOKEN = "0.AXEAs3cr3t-refresh-t0ken-value-not-for-any-report"
ID_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJuYW1lIjoiQWRlbGUifQ.id-t0ken-sig"
TOKEN_PARTS = (ACCESS_TOKEN, REFRESH_TOKEN, ID_TOKEN, "sEcReTaCcEsS", "s3cr3t-refresh", "id-t0ken")

EXPLORER = "https://developer.microsoft.com/en-us/graph/graph-explorer"
STATIC = "https://cdn.graph.office.net/prod/ge"
SP = "6f1a4b2e-0c8d-4e5f-9a7b-3c2d1e0f9a8b"
JOBS = f"https://graph.microsoft.com/beta/servicePrincipals/{SP}/synchronization/jobs"
JOB_IDS = (
    "AWSEC2.cbd4b3a8a1a94b9c9b5c4a8c2e7f6d10.4b1f2f9a-1c44-4a4a-9e41-2f7c5d1f2a11",
    "AWSEC2.cbd4b3a8a1a94b9c9b5c4a8c2e7f6d10.9d3e0c7b-5a2f-4e8d-b1c6-7f4a2e9d0b33",
)
GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false"
# Without --url, every entry of these kinds is skipped; /me is the one document no schema fits.
SKIPPED = {"not JSON": 5, "preflight": 2, "no body": 1, "redirect": 1}
SKIPPED_TOKEN = 1


def _status(code: int, state: str, *, began: str, ended: str, imported: int) -> dict[str, Any]:
    return {
        "code": code,
        "countSuccessiveCompleteFailures": 0,
        "escrowsPruned": False,
        "lastExecution": {
            "activityIdentifier": "703dd82f-faa0-4dbd-abdc-48f620ed7ab4",
            "countEntitled": imported,
            "countImported": imported,
            "countExported": 3,
            "state": state,
            "error": None,
            "timeBegan": began,
            "timeEnded": ended,
        },
        "lastSuccessfulExecution": None,
        "lastSuccessfulExecutionWithExports": None,
        "quarantine": None,
        "steadyStateFirstAchievedTime": "2026-11-19T10:00:00Z",
        "steadyStateLastAchievedTime": ended,
        "synchronizedEntryCountByType": [{"key": "user", "value": imported}],
    }


def _job(job_id: str, began: str, ended: str, imported: int) -> dict[str, Any]:
    return {
        "id": job_id,
        "templateId": "AWSEC2",
        "schedule": {"interval": "PT40M", "state": "Active"},
        "status": _status("Active", "Succeeded", began=began, ended=ended, imported=imported),
        "synchronizationJobSettings": [],
    }


JOB_1 = _job(JOB_IDS[0], "2026-11-20T08:15:02.1234567Z", "2026-11-20T08:15:09.7654321Z", 12)
JOB_2 = _job(JOB_IDS[1], "2026-11-20T08:55:00Z", "2026-11-20T08:55:04.5Z", 7)
CONTEXT = (
    f"https://graph.microsoft.com/beta/$metadata#servicePrincipals('{SP}')/synchronization/jobs"
)
ENTITY = f"{CONTEXT}/$entity"
ME = {
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
    "businessPhones": ["+1 425 555 0109"],
    "displayName": "Adele Vance",
    "givenName": "Adele",
    "jobTitle": "Retail Manager",
    "mail": "AdeleV@contoso.example",
    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
}
TOKEN_BODY = {
    "token_type": "Bearer",
    "scope": "openid profile User.Read Synchronization.Read.All",
    "expires_in": 4865,
    "ext_expires_in": 4865,
    "access_token": ACCESS_TOKEN,
    "refresh_token": REFRESH_TOKEN,
    "id_token": ID_TOKEN,
    "client_info": "eyJ1aWQiOiI4N2QzNDllZCJ9",
}

# 1x1 PNG and the first bytes of a WOFF2 font: binary bodies, as dev tools store them (base64).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
WOFF2 = b"wOF2\x00\x01\x00\x00\x00\x00\x02\x00\x00\x0b\x00\x00\x00\x00\x00\x00\x00\x00\xff\xfe"


def _headers(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs.items()]


def _entry(
    n: int,
    method: str,
    url: str,
    status: int,
    *,
    mime: str = "x-unknown",
    text: str | None = None,
    base64_body: bytes | None = None,
    resource: str = "fetch",
    request_headers: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    redirect: str = "",
) -> dict[str, Any]:
    """One entry with the fields Chrome writes, ``n`` seconds into the session."""
    content: dict[str, Any] = {"size": 0, "mimeType": mime}
    if base64_body is not None:
        content.update(
            size=len(base64_body), text=base64.b64encode(base64_body).decode(), encoding="base64"
        )
    elif text is not None:
        content.update(size=len(text.encode()), text=text)
    headers = {"content-type": mime} if mime != "x-unknown" else {}
    headers.update(response_headers or {})
    return {
        "_resourceType": resource,
        "cache": {},
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "http/2.0",
            "headers": _headers(request_headers or {}),
        },
        "response": {
            "status": status,
            "httpVersion": "http/2.0",
            "headers": _headers(headers),
            "content": content,
            "redirectURL": redirect,
        },
        "startedDateTime": f"2026-11-20T09:00:{n:02d}.000Z",
        "timings": {"send": 0.1, "wait": 40.1, "receive": 1.1},
    }


def _graph(n: int, method: str, url: str, status: int, body: Any = None) -> dict[str, Any]:
    """A call to Graph with the bearer token Graph Explorer sends, or its CORS preflight."""
    if method == "OPTIONS":
        asked = {
            "Access-Control-Request-Method": "GET",
            "Origin": "https://developer.microsoft.com",
        }
        allowed = {"access-control-allow-methods": "GET, POST, PATCH, DELETE"}
        return _entry(
            n, method, url, status, resource="preflight", request_headers=asked,
            response_headers=allowed,
        )  # fmt: skip
    sent = {"Authorization": f"Bearer {ACCESS_TOKEN}", "SdkVersion": "GraphExplorer/4.0"}
    return _entry(
        n, method, url, status, mime=GRAPH_JSON, text=json.dumps(body), request_headers=sent
    )


def session() -> dict[str, Any]:
    """The whole HAR document."""
    entries = [
        _entry(0, "GET", "https://aka.ms/ge", 302, resource="document", redirect=EXPLORER),
        _entry(
            1, "GET", EXPLORER, 200, mime="text/html", resource="document",
            text="<!DOCTYPE html><html><head><title>Graph Explorer</title></head>"
            '<body><div id="root"></div><script src="main.js"></script></body></html>',
        ),
        _entry(
            2, "GET", f"{STATIC}/main.9f3c1a.js", 200, mime="application/javascript",
            resource="script", text='(()=>{"use strict";window.ge={version:"4.0"}})();',
        ),
        _entry(
            2, "GET", f"{STATIC}/main.41be0d.css", 200, mime="text/css", resource="stylesheet",
            text="body{margin:0;font-family:'Segoe UI',sans-serif}",
        ),
        _entry(
            3, "GET", f"{STATIC}/segoeui-regular.woff2", 200, mime="font/woff2", resource="font",
            base64_body=WOFF2,
        ),
        _entry(
            3, "GET", f"{STATIC}/favicon.png", 200, mime="image/png", resource="image",
            base64_body=PNG,
        ),
        _entry(
            5, "POST", "https://login.microsoftonline.com/common/oauth2/v2.0/token", 200,
            mime="application/json; charset=utf-8", text=json.dumps(TOKEN_BODY),
            request_headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        _entry(
            6, "POST", "https://browser.events.data.microsoft.com/OneCollector/1.0/", 204,
            request_headers={"Content-Type": "application/x-json-stream"},
        ),
        _graph(7, "OPTIONS", "https://graph.microsoft.com/v1.0/me", 204),
        _graph(7, "GET", "https://graph.microsoft.com/v1.0/me", 200, ME),
        _graph(9, "OPTIONS", JOBS, 204),
        _graph(9, "GET", JOBS, 200, {"@odata.context": CONTEXT, "value": [JOB_1, JOB_2]}),
        _graph(11, "GET", f"{JOBS}/{JOB_IDS[0]}", 200, {"@odata.context": ENTITY, **JOB_1}),
        _graph(12, "GET", f"{JOBS}/{JOB_IDS[1]}", 200, {"@odata.context": ENTITY, **JOB_2}),
    ]  # fmt: skip
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [
                {
                    "startedDateTime": "2026-11-20T09:00:00.000Z",
                    "id": "page_1",
                    "title": EXPLORER,
                    "pageTimings": {"onContentLoad": 812.4, "onLoad": 1377.9},
                }
            ],
            "entries": entries,
        }
    }


def text() -> str:
    """The HAR as dev tools write it: indented JSON, a final newline."""
    return json.dumps(session(), indent=2) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(text(), encoding="utf-8")
