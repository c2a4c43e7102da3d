"""OpenAPI 3.1 descriptions of the endpoints that report synchronization jobs, from the catalog.

Contract-testing tools (schemathesis, Dredd, Prism, API gateways) read OpenAPI, not a catalog of
JSON Schemas. ``describe`` writes one description per service, with the catalog's schemas under
``components/schemas`` by their catalog names: every constraint as the catalog has it (the
schemas are copied, not translated: OpenAPI 3.1 schemas are JSON Schema 2020-12), only the
``$ref``s rewritten from URNs to ``#/components/schemas/<name>`` and each schema's ``$id`` and
``$schema`` left out, since a ``$id`` inside a component would change what its local ``$ref``s
resolve against. A description holds the schemas its operations reach and no others.

- ``graph``: ``GET /beta/servicePrincipals/{servicePrincipalId}/synchronization/jobs`` (a page
  of ``graph.synchronizationJobCollection``, paged with ``$top`` and ``$skiptoken``) and
  ``GET .../jobs/{jobId}`` (a ``graph.synchronizationJob``); errors are Graph's envelope
  ``{"error": {"code", "message"}}``.
- ``kendra``: ``POST /`` with ``X-Amz-Target: AWSKendraFrontendService.ListDataSourceSyncJobs``
  and an AWS JSON 1.1 body (``application/x-amz-json-1.1``) in and out; errors are
  ``{"__type", "message"}``.

The shipped ``schemas/openapi/*.json`` are ``describe`` of the shipped catalog (a test keeps
them so); ``conformance openapi`` writes them for another catalog (``--schemas DIR``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

from conformance.catalog import URN_PREFIX, Catalog, default_catalog
from conformance.errors import CatalogError
from conformance.wire import (
    AWS_JSON,
    GRAPH_MAX_TOP,
    KENDRA_ID,
    KENDRA_INDEX_ID,
    KENDRA_MAX_RESULTS,
    KENDRA_TARGET,
)

Service = Literal["graph", "kendra"]
SERVICES: tuple[Service, ...] = ("graph", "kendra")

OPENAPI_VERSION = "3.1.0"
GRAPH_JOBS = "/beta/servicePrincipals/{servicePrincipalId}/synchronization/jobs"
GRAPH_JOB = GRAPH_JOBS + "/{jobId}"

# Keywords whose values are data, not subschemas (as in the catalog): a "$ref" in them is data.
_DATA_KEYWORDS = frozenset({"examples", "const", "enum", "default"})
_COMPONENTS = "#/components/schemas/"

# The schemas each description starts from; what they refer to comes along.
_ROOTS: dict[Service, tuple[str, ...]] = {
    "graph": ("graph.synchronizationJobCollection", "graph.synchronizationJob"),
    "kendra": ("kendra.ListDataSourceSyncJobsResponse", "kendra.DataSourceSyncJob"),
}

# ListDataSourceSyncJobsRequest as botocore 1.44.18's Kendra model (kendra/2019-02-03,
# service-2.json) has it: the catalog's sources keep only the response's shapes, so the request's
# members are written here, values unchanged. Smithy patterns are not anchored, and neither are
# these: a JSON Schema ``pattern`` is a search, as Smithy's is.
_KENDRA_ID = {
    "type": "string",
    "minLength": KENDRA_ID[0],
    "maxLength": KENDRA_ID[1],
    "pattern": KENDRA_ID[2],
}
_KENDRA_INDEX_ID = {
    "type": "string",
    "minLength": KENDRA_INDEX_ID[0],
    "maxLength": KENDRA_INDEX_ID[1],
    "pattern": KENDRA_INDEX_ID[2],
}
_KENDRA_SOURCE = (
    "botocore 1.44.18, data/kendra/2019-02-03/service-2.json.gz: shape"
    " ListDataSourceSyncJobsRequest"
)


def describe(service: Service, catalog: Catalog | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 description of ``service``'s job endpoints, with ``catalog``'s schemas
    (the shipped catalog when None). A ``CatalogError`` for an unknown service, or a catalog
    that lacks a schema the description needs or holds a ``$ref`` that cannot be rewritten."""
    if service not in _ROOTS:
        raise CatalogError(
            f"no OpenAPI description for {service!r}: choose one of {', '.join(SERVICES)}"
        )
    catalog = catalog if catalog is not None else default_catalog()
    catalog.check_references()
    components = _components(catalog, _ROOTS[service])
    if service == "graph":
        return _graph(components)
    return _kendra(catalog, components)


def dumps(description: dict[str, Any]) -> str:
    """A description as the shipped files hold it: two-space indented JSON, keys in the order
    written, non-ASCII as is, a final newline."""
    return json.dumps(description, indent=2, ensure_ascii=False) + "\n"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _COMPONENTS + name}


def _components(catalog: Catalog, roots: tuple[str, ...]) -> dict[str, Any]:
    """The schemas ``roots`` reach, transitively, as OpenAPI components, in catalog order."""
    wanted = [catalog.get(name).name for name in roots]
    copies: dict[str, Any] = {}
    for current in wanted:  # grows while it is walked: a breadth-first closure
        schema = catalog.schema(current)
        copy = _rewritten(schema, _rewriter(catalog, current, wanted))
        copies[current] = {k: v for k, v in copy.items() if k not in ("$id", "$schema")}
    return {entry.name: copies[entry.name] for entry in catalog.entries if entry.name in copies}


def _rewriter(catalog: Catalog, current: str, wanted: list[str]) -> Callable[[str], str]:
    def rewrite(ref: str) -> str:
        base, _, fragment = ref.partition("#")
        target = catalog.name_of(base) if base else current
        if target is None or (fragment and not fragment.startswith("/")):
            raise CatalogError(
                f"{catalog.get(current).path}: $ref {ref!r} cannot be written as an OpenAPI"
                " component reference; refer to a catalog schema by its URN"
                f" ({URN_PREFIX}<name>) or by a JSON pointer"
            )
        if target not in wanted:
            wanted.append(target)
        return _COMPONENTS + target + fragment

    return rewrite


def _rewritten(node: Any, rewrite: Callable[[str], str]) -> Any:
    """A copy of ``node`` with every ``$ref`` in a schema position passed through ``rewrite``;
    data (``examples``, ``enum``, ``const``, ``default``, ``x-*``) copied as is."""
    if isinstance(node, list):
        return [_rewritten(item, rewrite) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = rewrite(value)
        elif key in _DATA_KEYWORDS or key.startswith("x-"):
            out[key] = value
        elif key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            # Maps of names to schemas: the names themselves are never keywords.
            out[key] = (
                {name: _rewritten(sub, rewrite) for name, sub in value.items()}
                if isinstance(value, dict)
                else value
            )
        else:
            out[key] = _rewritten(value, rewrite)
    return out


def _json(schema: dict[str, Any], media_type: str = "application/json") -> dict[str, Any]:
    return {media_type: {"schema": schema}}


# --- Graph ------------------------------------------------------------------------------------

_GRAPH_ERROR: dict[str, Any] = {
    "title": "Graph error",
    "description": (
        "The error envelope of Microsoft Graph (OData JSON format): a code and a message, with"
        " more members (innerError, details) that Graph may add."
    ),
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}


def _graph_error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("graph.error"))}


def _graph_throttled() -> dict[str, Any]:
    reply = _graph_error("Throttled: retry after the seconds Retry-After says.")
    reply["headers"] = {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 0},
        }
    }
    return reply


def _path_id(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
    }


def _graph(components: dict[str, Any]) -> dict[str, Any]:
    components = {**components, "graph.error": _GRAPH_ERROR}
    principal = _path_id("servicePrincipalId", "The id of the service principal.")
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Microsoft Graph synchronization jobs",
            "version": "beta",
            "description": (
                "The synchronization jobs of a service principal (Microsoft Entra"
                " provisioning), as sync-conformance's catalog describes them. Generated from"
                " the catalog by 'conformance openapi'; do not edit."
            ),
        },
        "servers": [{"url": "https://graph.microsoft.com"}],
        "paths": {
            GRAPH_JOBS: {
                "get": {
                    "operationId": "listSynchronizationJobs",
                    "summary": "List the synchronization jobs of a service principal.",
                    "parameters": [
                        principal,
                        {
                            "name": "$top",
                            "in": "query",
                            "required": False,
                            "description": "The most jobs a page holds.",
                            "schema": {"type": "integer", "minimum": 1, "maximum": GRAPH_MAX_TOP},
                        },
                        {
                            "name": "$skiptoken",
                            "in": "query",
                            "required": False,
                            "description": "Where the next page starts, from @odata.nextLink.",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of jobs; @odata.nextLink when there are more.",
                            "content": _json(_ref("graph.synchronizationJobCollection")),
                        },
                        "400": _graph_error("The request is malformed (a bad $top, say)."),
                        "404": _graph_error("No service principal of that id."),
                        "429": _graph_throttled(),
                    },
                }
            },
            GRAPH_JOB: {
                "get": {
                    "operationId": "getSynchronizationJob",
                    "summary": "One synchronization job of a service principal.",
                    "parameters": [principal, _path_id("jobId", "The id of the job.")],
                    "responses": {
                        "200": {
                            "description": "The job.",
                            "content": _json(_ref("graph.synchronizationJob")),
                        },
                        "400": _graph_error("An id that cannot be one (Graph checks ids)."),
                        "404": _graph_error("No job (or service principal) of that id."),
                        "429": _graph_throttled(),
                    },
                }
            },
        },
        "components": {"schemas": components},
    }


# --- Kendra -----------------------------------------------------------------------------------

_KENDRA_ERROR: dict[str, Any] = {
    "title": "AWS JSON 1.1 error",
    "description": (
        "An error of the AWS JSON 1.1 protocol: the exception's name in __type (perhaps"
        " prefixed with its namespace and a '#') and a message."
    ),
    "type": "object",
    "properties": {
        "__type": {"type": "string", "minLength": 1},
        "message": {"type": "string"},
    },
    "required": ["__type", "message"],
}


def _member(catalog: Catalog, schema: str, name: str) -> dict[str, Any]:
    """A member's schema of a catalog schema, its constraints only (not its annotations)."""
    found = catalog.schema(schema).get("properties", {}).get(name)
    if not isinstance(found, dict):
        raise CatalogError(
            f"{catalog.get(schema).path}: has no property {name!r}, which the Kendra request"
            " description takes its constraints from"
        )
    return {k: v for k, v in found.items() if not k.startswith("x-") and k != "description"}


def _kendra_request(catalog: Catalog) -> dict[str, Any]:
    """ListDataSourceSyncJobsRequest; NextToken and StatusFilter are the shapes the catalog
    holds already (the response's NextToken, the job's Status), the rest as botocore has it."""
    timestamp = {"type": "number", "description": "Seconds since the epoch (may have a fraction)."}
    return {
        "title": "ListDataSourceSyncJobsRequest",
        "type": "object",
        "properties": {
            "Id": {**_KENDRA_ID, "description": "The identifier of the data source connector."},
            "IndexId": {**_KENDRA_INDEX_ID, "description": "The identifier of the index."},
            "NextToken": _member(catalog, "kendra.ListDataSourceSyncJobsResponse", "NextToken"),
            "MaxResults": {"type": "integer", "minimum": 1, "maximum": KENDRA_MAX_RESULTS},
            "StartTimeFilter": {
                "type": "object",
                "properties": {"StartTime": timestamp, "EndTime": timestamp},
                "additionalProperties": False,
            },
            "StatusFilter": _member(catalog, "kendra.DataSourceSyncJob", "Status"),
        },
        "required": ["Id", "IndexId"],
        "additionalProperties": False,
        "x-source": {"origin": _KENDRA_SOURCE},
    }


def _kendra_error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("kendra.error"), AWS_JSON)}


def _kendra(catalog: Catalog, components: dict[str, Any]) -> dict[str, Any]:
    components = {
        **components,
        "kendra.ListDataSourceSyncJobsRequest": _kendra_request(catalog),
        "kendra.error": _KENDRA_ERROR,
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Amazon Kendra ListDataSourceSyncJobs",
            "version": "2019-02-03",
            "description": (
                "The sync job history of a Kendra data source over the AWS JSON 1.1 protocol"
                " (calls are SigV4-signed), as sync-conformance's catalog describes it."
                " Generated from the catalog by 'conformance openapi'; do not edit."
            ),
        },
        "servers": [
            {
                "url": "https://kendra.{region}.amazonaws.com",
                "variables": {"region": {"default": "us-east-1"}},
            }
        ],
        "paths": {
            "/": {
                "post": {
                    "operationId": "ListDataSourceSyncJobs",
                    "summary": "One page of a data source's sync job history.",
                    "parameters": [
                        {
                            "name": "X-Amz-Target",
                            "in": "header",
                            "required": True,
                            "description": "The operation called (AWS JSON 1.1 dispatch).",
                            "schema": {"type": "string", "enum": [KENDRA_TARGET]},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": _json(_ref("kendra.ListDataSourceSyncJobsRequest"), AWS_JSON),
                    },
                    "responses": {
                        "200": {
                            "description": "A page of sync jobs; NextToken when there are more.",
                            "content": _json(
                                _ref("kendra.ListDataSourceSyncJobsResponse"), AWS_JSON
                            ),
                        },
                        "400": _kendra_error(
                            "A request Kendra rejects (ValidationException) or a data source"
                            " or index it does not know (ResourceNotFoundException)."
                        ),
                        "429": _kendra_error("Throttled (ThrottlingException): retry later."),
                    },
                }
            }
        },
        "components": {"schemas": components},
    }
