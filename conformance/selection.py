"""Schema selection: which schema a document is validated against, and why.

In order: ``--schema``; the ``[tool.conformance.schemas]`` globs of ``pyproject.toml``; an API
error body (reported, not validated); ``@odata.type`` and ``@odata.context``; the recorded request
(a Graph URL path, Kendra's ``X-Amz-Target``); and last the document's shape. Every answer has a
reason (``--explain-selection`` prints it). A document no rule places, or one that fits several
schemas equally, gets a ``unselected`` finding: never a silent guess.

A choice by shape never guesses. Leaving ``@odata.*`` annotations aside, the schema ``S`` chosen for
a document must:

(a) declare every property of the document;
(b) be the only schema that does (two or more are ambiguous: ``pass --schema``); and
(c) see at least one of its *own* properties in the document: one that no other object schema of
    the catalog declares (``ExecutionId`` for a Kendra job, ``templateId`` for a Graph job).

Property drift, a document of ``S``'s type with a property ``S`` does not declare yet, is the one
exception to (a): ``S`` is still chosen, however many properties it does not declare, when the
document has at least ``DRIFT_OWN`` (3) of ``S``'s own properties (all of them, should ``S`` have
fewer) and no other schema has any of its own properties in the document. A Kendra job with a new
``SyncMode`` passes both (``ExecutionId``, ``StartTime``, ``Status``), as does a Kendra page
(``History``, ``NextToken``) with a new property; each is then reported as ``property-drift``. A
Kendra ``DescribeDataSource`` body (``Status`` and ``ErrorMessage``: two of a job's own), a Graph
``/me`` user (``id``: one of a Graph job's five) or an OAuth token response (nothing) is not.
Anything else is ``unselected``, and the reason lists every candidate (a schema declaring any of
the document's properties) and why it was refused.

Shape detection is memoised by the document's set of keys, so NDJSON streams of the same kind of
document pay for it once. A reason or error summary that quotes a document's value (an
``@odata.context`` URL, an API error's message) quotes it redacted (``conformance.redaction``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.catalog import Catalog
from conformance.config import Config
from conformance.documents import Document, error_response
from conformance.findings import Origin
from conformance.redaction import redact_text

GRAPH_TYPE = re.compile(r"^#?microsoft\.graph\.(\w+)$")
# Property drift (see above): how many of a schema's own properties (or all, if it has fewer) a
# document with properties the schema does not declare must have to be that schema's.
DRIFT_OWN = 3
KENDRA_TARGETS = {
    "AWSKendraFrontendService.ListDataSourceSyncJobs": "kendra.ListDataSourceSyncJobsResponse"
}
# Graph URL paths (after the version segment) and @odata.context fragments -> schema.
GRAPH_PATHS = (
    (re.compile(r"/synchronization/jobs/?$"), "graph.synchronizationJobCollection"),
    (re.compile(r"/synchronization/jobs/[^/]+/?$"), "graph.synchronizationJob"),
    (
        re.compile(r"/synchronization/jobs(\('[^']*'\)|/[^/]+)/status/?$"),
        "graph.synchronizationStatus",
    ),
)
GRAPH_CONTEXTS = (
    (re.compile(r"/synchronization/jobs/\$entity$"), "graph.synchronizationJob"),
    (re.compile(r"/synchronization/jobs$"), "graph.synchronizationJobCollection"),
    (re.compile(r"/status$"), "graph.synchronizationStatus"),
)


@dataclass(frozen=True)
class Selection:
    """The schema chosen for a document (None when none could be), and the reason."""

    schema: str | None
    reason: str
    # The summary of an API error body; such a body is reported, not validated.
    error: str | None = None


class Selector:
    """Chooses schemas for documents with the rules above, for one run."""

    def __init__(
        self, catalog: Catalog, forced: str | None = None, config: Config | None = None
    ) -> None:
        self.catalog = catalog
        self.config = config
        # Unknown names are usage errors before anything is read. A name may be an alias; the
        # canonical name is what results and findings report.
        self.forced = catalog.get(forced).name if forced is not None else None
        self._configured = {
            name: catalog.get(name).name for _glob, name in (config.schemas if config else ())
        }
        self._shapes: dict[frozenset[str], Selection] = {}
        self._holds: dict[tuple[Selection, str], Callable[[dict[str, Any]], bool] | None] = {}
        self._forced = Selection(self.forced, "forced by --schema") if self.forced else None
        self._objects = [e.name for e in catalog if e.kind != "enum"]
        # (name, declared properties, its own properties), built on the first choice by shape.
        self._candidates: list[tuple[str, frozenset[str], frozenset[str]]] | None = None

    def select(self, document: Document) -> Selection:
        """The schema for ``document``, and why."""
        return self.select_value(document.value, document.location.source, document.origin)

    def select_value(self, value: Any, source: str, origin: Origin | None = None) -> Selection:
        """The schema for a parsed value read from ``source`` (a path), and why."""
        if self._forced is not None:
            return self._forced
        if self.config is not None:
            configured = self.config.schema_for(source)
            if configured is not None:
                name, glob = configured
                return Selection(
                    self._configured.get(name, name),
                    f"{self.config.path} [tool.conformance.schemas] {glob!r}",
                )
        error = error_response(value, origin)
        if error is not None:
            return Selection(None, "an API error body", error=redact_text(error))
        if isinstance(value, dict):
            found = self._annotations(value)
            if found is not None:
                return found
        if origin is not None:
            found = self._request(origin)
            if found is not None:
                return found
        if not isinstance(value, dict):
            kind = "an array" if isinstance(value, list) else f"a {type(value).__name__}"
            return Selection(None, f"the document is {kind}, and no schema is an array or scalar")
        keys = frozenset(value)
        cached = self._shapes.get(keys)
        if cached is None:
            cached = self._shapes[keys] = self._shape(keys)
        return cached

    def holds(self, selection: Selection, source: str) -> Callable[[dict[str, Any]], bool] | None:
        """A test that ``selection`` is what ``select_value`` gives a document from ``source``
        that conforms to ``selection.schema``, without selecting again; None if there is none.

        The NDJSON loop uses it to keep a run of same-kind lines on one schema. It holds for
        ``--schema`` and configured globs. For a choice by shape it holds when the document has
        a property no other schema declares, and none that another rule looks at first (an
        error body's ``error``/``__type``, ``@odata.type``/``@odata.context``). That is exact for
        a document that conforms: it has no property the schema does not declare (the schemas
        forbid them, ``@odata.*`` annotations aside), so the rule by shape finds this schema the
        only one declaring them all, with one of its own properties there.
        """
        key = (selection, source)
        if key not in self._holds:
            self._holds[key] = self._holding(selection, source)
        return self._holds[key]

    def _holding(
        self, selection: Selection, source: str
    ) -> Callable[[dict[str, Any]], bool] | None:
        name = selection.schema
        if name is None:
            return None
        if selection == self._forced or (
            self.config is not None and self.config.schema_for(source) is not None
        ):
            return _always
        schema = self.catalog.schema(name)
        declared = set(schema.get("properties", {}))
        others: set[str] = set()
        for other in self._objects:
            if other != name:
                others.update(self.catalog.schema(other).get("properties", {}))
        own = sorted(k for k in declared - others if "@odata." not in k)
        if not own or selection != self._shape(frozenset(own[:1])):
            return None
        looked_at = ["error", "__type", "@odata.type", "@odata.context"]
        if not schema.get("patternProperties"):
            looked_at = [k for k in looked_at if k in declared]
        # Required properties first: a conforming document always has them.
        required = set(schema.get("required", ()))
        own.sort(key=lambda k: k not in required)
        witnesses, absent = tuple(own), tuple(looked_at)

        def test(value: dict[str, Any]) -> bool:
            for key in absent:
                if key in value:
                    return False
            for key in witnesses:  # noqa: SIM110 (no generator frame on the per-line path)
                if key in value:
                    return True
            return False

        return test

    def _annotations(self, value: dict[str, Any]) -> Selection | None:
        odata_type = value.get("@odata.type")
        if isinstance(odata_type, str):
            m = GRAPH_TYPE.match(odata_type)
            if m and f"graph.{m.group(1)}" in self.catalog:
                # By name or alias (a type's former name): the canonical name is reported.
                name = self.catalog.get(f"graph.{m.group(1)}").name
                return Selection(name, f"@odata.type {odata_type}")
            return Selection(
                None, f"@odata.type {redact_text(odata_type)} names a type no schema describes"
            )
        context = value.get("@odata.context")
        if isinstance(context, str) and "#" in context:
            fragment = context.split("#", 1)[1]
            fragment = re.sub(r"\('[^']*'\)", "", fragment)
            for pattern, name in GRAPH_CONTEXTS:
                if pattern.search(fragment):
                    return Selection(
                        self._canonical(name), f"@odata.context {redact_text(context)}"
                    )
        return None

    def _request(self, origin: Origin) -> Selection | None:
        target = origin.header("X-Amz-Target")
        if target:
            name = KENDRA_TARGETS.get(target)
            if name is not None:
                return Selection(self._canonical(name), f"request header X-Amz-Target: {target}")
            return Selection(None, f"request X-Amz-Target {target} has no schema")
        if origin.url:
            # Neither query nor fragment (an OAuth redirect's #access_token) is part of the path.
            path = re.split(r"[?#]", origin.url, maxsplit=1)[0]
            for pattern, name in GRAPH_PATHS:
                if pattern.search(path):
                    return Selection(
                        self._canonical(name), f"request {origin.method or 'GET'} {path}"
                    )
        return None

    def _canonical(self, name: str) -> str:
        """The canonical name of a schema these rules name, should it now be an alias."""
        return self.catalog.get(name).name if name in self.catalog else name

    def _shape_candidates(self) -> list[tuple[str, frozenset[str], frozenset[str]]]:
        if self._candidates is None:
            declared = {
                name: frozenset(
                    k for k in self.catalog.schema(name).get("properties", {}) if "@odata." not in k
                )
                for name in self._objects
            }
            candidates = []
            for name, props in declared.items():
                others: set[str] = set()
                for other, theirs in declared.items():
                    if other != name:
                        others |= theirs
                candidates.append((name, props, props - others))
            self._candidates = candidates
        return self._candidates

    def _shape(self, keys: frozenset[str]) -> Selection:
        own = frozenset(k for k in keys if "@odata." not in k)
        if not own:
            return Selection(None, "an object with no properties fits every schema")
        listed = _listed(own, 6)
        # Candidates: the schemas declaring any of its properties, most shared first.
        candidates = sorted(
            (c for c in self._shape_candidates() if own & c[1]),
            key=lambda c: (-len(own & c[1]), c[0]),
        )
        if not candidates:
            return Selection(None, f"no schema declares any of its properties ({listed})")
        exact = [c for c in candidates if own <= c[1]]
        if len(exact) == 1 and own & exact[0][2]:
            # (a), (b) and (c). The reason is the same for every such document, so that a run
            # of them stays one selection (see holds).
            return Selection(exact[0][0], f"shape: 100% of its properties are {exact[0][0]}'s")
        if len(exact) > 1:
            names = ", ".join(c[0] for c in exact)
            return Selection(None, f"its properties ({listed}) fit {names} equally; pass --schema")
        owning = [c for c in candidates if own & c[2]]
        if len(owning) == 1:
            name, declared, mine = owning[0]
            present, shared = len(own & mine), len(own & declared)
            if present >= min(DRIFT_OWN, len(mine)):
                share = shared * 100 // len(own)
                return Selection(
                    name,
                    f"shape: {share}% of its properties are {name}'s, {present} of them its own"
                    f" (property drift: it does not declare {_listed(own - declared, 3)})",
                )
        refusals = [self._refusal(c, own, owning) for c in candidates]
        return Selection(
            None,
            f"no schema fits its properties ({listed}): {'; '.join(refusals)}; pass --schema",
        )

    @staticmethod
    def _refusal(
        candidate: tuple[str, frozenset[str], frozenset[str]],
        own: frozenset[str],
        owning: list[tuple[str, frozenset[str], frozenset[str]]],
    ) -> str:
        """Why ``candidate`` was not chosen for a document with properties ``own``."""
        name, declared, mine = candidate
        if own <= declared:
            return f"{name}: declares them all, but none of its own properties ({_listed(mine, 3)})"
        why = f"{name}: does not declare {_listed(own - declared, 3)}"
        present = len(own & mine)
        if not present:
            return why
        # It has some of its own properties: say which drift condition failed.
        failed = []
        needed = min(DRIFT_OWN, len(mine))
        if present < needed:
            failed.append(f"{present} of its own properties, not {needed}")
        rivals = [c[0] for c in owning if c[0] != name]
        if rivals:
            failed.append(
                f"{', '.join(rivals)} {'has' if len(rivals) == 1 else 'have'} own"
                " properties there too"
            )
        return f"{why} (not drift: {'; '.join(failed)})"


def _listed(keys: frozenset[str] | set[str], most: int) -> str:
    """Up to ``most`` of ``keys``, sorted, and how many more."""
    ordered = sorted(keys)
    shown = ", ".join(ordered[:most])
    return f"{shown}, +{len(ordered) - most}" if len(ordered) > most else shown


def _always(value: dict[str, Any]) -> bool:
    return True
