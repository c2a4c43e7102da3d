"""Validation: one engine, jsonschema-rs, for the verdict and for the explanation of a failure.

Every document gets the fast verdict (``is_valid``), compiled once per schema with format checks
on; ECMA-262 regexes such as Kendra's ``^\\P{C}*$`` are native to it. Only a document that fails
is walked again with the same compiled validator's ``iter_errors``, whose errors carry the
instance path, the keyword and the absolute location of the rule in the catalog: from those come
findings with the schema's ``x-source`` sentence, drift told apart from violations, and the branch
of a nullable object's ``anyOf`` that the document was meant for. The verdict and its explanation
cannot disagree on what a pattern or a ``date-time`` means, as one engine gives both, compiled
once with the guards that make our formats exact (``conformance.formats``); a guard's failure is
reported as the format failure it stands for. Should the explanation still come back empty, that
is a finding of its own, not a crash and not a pass.

A value that is a secret by its name (``access_token``, a ``client_secret`` pair...; see
``conformance.redaction``) keeps its finding, but neither ``actual`` nor the message quotes it:
the engine's messages quote the failing value, so for a value that is or holds a secret the
message is the one a second validator compiled with jsonschema-rs's ``mask`` gives for the same
error. That validator is compiled only when a secret is met, and masks the whole value, so every
other message keeps the value a person needs to see.

Two readings of enums are the validator's own, as no keyword says them. A value that an enum
lacks but that equals one of its values except for case (``notRun`` for ``NotRun``) is still
enum drift, but with its own rule id (``enum.case-mismatch``) and a message naming the declared
spelling: that is a client's or a server's casing bug, not a new value, and it should read so.
And Microsoft Graph's evolvable enums end in the sentinel ``unknownFutureValue``: the members
declared after it are sent only to a request that asks for them with ``Prefer:
include-unknown-enum-members``; any other gets the sentinel instead. Such a member conforms to
the schema, so the engine cannot see it; when the request is known (an origin with headers: a HAR
entry, a cassette interaction, a live response) and did not ask, it is a violation of the
server's (``graph.evolvable-enum.member-without-prefer``). Where the evolvable enums of a schema
stand is worked out once per schema, on first need, and a schema without one (Kendra's, and the
shipped Graph ones) costs one attribute test per document; a document with no known request costs
nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from conformance.catalog import Catalog, CatalogEntry, default_catalog
from conformance.findings import (
    Finding,
    Kind,
    Location,
    Origin,
    Presence,
    Rule,
    json_type,
    presence_of,
)
from conformance.formats import exact, guard_of
from conformance.redaction import REDACTED, redact_value, secret_at

if TYPE_CHECKING:
    import jsonschema_rs

# Keywords whose failure means "the schema does not know this yet" rather than "this is wrong".
_DRIFT_KEYWORDS: dict[str, Kind] = {"enum": "enum-drift", "additionalProperties": "property-drift"}

# Microsoft Graph's evolvable enums: the sentinel that ends the members every client may receive,
# and the preference (``Prefer`` request header, RFC 7240) that asks for the members after it.
SENTINEL = "unknownFutureValue"
PREFER_UNKNOWN_MEMBERS = "include-unknown-enum-members"
# The rule ids of the validator's own readings of enums (see the module's docstring).
MEMBER_WITHOUT_PREFER = "graph.evolvable-enum.member-without-prefer"
CASE_MISMATCH = "enum.case-mismatch"


class SchemaValidator:
    """Validates documents against one catalog schema."""

    def __init__(self, entry: CatalogEntry, catalog: Catalog) -> None:
        self.entry = entry
        self.catalog = catalog
        self.schema = catalog.schema(entry.name)
        # (absolute keyword location, keyword) -> what _rule_node found there.
        self._rules: dict[tuple[str, str], tuple[dict[str, Any], Any, Rule | None]] = {}
        # absolute location of a failed pattern -> that of the format it guards, or None.
        self._guarded: dict[str, str | None] = {}

    @cached_property
    def _fast(self) -> jsonschema_rs.Validator:
        import jsonschema_rs

        return jsonschema_rs.validator_for(
            exact(self.schema), validate_formats=True, registry=self.catalog.rs_registry
        )

    @cached_property
    def _masking(self) -> jsonschema_rs.Validator:
        """The same validator, its messages quoting no value (for values that hold secrets)."""
        import jsonschema_rs

        return jsonschema_rs.validator_for(
            exact(self.schema),
            validate_formats=True,
            registry=self.catalog.rs_registry,
            mask=REDACTED,
        )

    def is_valid(self, document: Any) -> bool:
        """The verdict alone, at the fast engine's speed."""
        return bool(self._fast.is_valid(document))

    @property
    def verdict(self) -> Callable[[Any], bool]:
        """``is_valid`` without a Python frame around it: the engine's own, for hot loops."""
        check: Callable[[Any], bool] = self._fast.is_valid
        return check

    def findings(
        self,
        document: Any,
        location: Location,
        *,
        valid: bool | None = None,
        origin: Origin | None = None,
    ) -> list[Finding]:
        """Every finding for ``document``, most specific first; empty when it conforms.

        ``valid`` is the verdict when the caller already has it. ``origin`` is the request the
        document answered, when known: a member of an evolvable enum that the request did not
        ask for is a violation even in a document the schema accepts (see ``unrequested``).
        """
        unrequested = self.unrequested(document, location, origin)
        if valid if valid is not None else self.is_valid(document):
            return unrequested
        found = self.explain(document, location)
        if not found:
            # A handled outcome, not a crash and not a pass: the verdict stands, and says why.
            found = [
                Finding(
                    kind="violation",
                    location=location,
                    schema=self.entry.name,
                    message=(
                        "jsonschema-rs rejects this document but lists no error for it;"
                        " please report this document"
                    ),
                )
            ]
        return sorted([*unrequested, *found], key=_order) if unrequested else found

    def unrequested(
        self, document: Any, location: Location, origin: Origin | None
    ) -> list[Finding]:
        """A violation for each member of an evolvable enum that stands after the sentinel in
        ``document``, when ``origin`` is a known request that did not ask for such members.

        A server sends those members only to a request with ``Prefer:
        include-unknown-enum-members``, and ``unknownFutureValue`` to any other: one that sent
        them anyway breaks what its clients were promised. With no request known (a file, an
        NDJSON line), or one recorded without any header (so the preference may have been
        dropped with the rest), nothing can be said, and nothing is.
        """
        if origin is None or self._evolvable is None or not origin.headers:
            return []
        if prefers_unknown_members(origin):
            return []
        hits: list[tuple[_At, _Evolvable, str]] = []
        _walk(self._evolvable, document, None, hits)
        found = [
            _unrequested(enum, value, _path(at), self, document, location)
            for at, enum, value in hits
        ]
        return sorted(found, key=_order)

    @cached_property
    def _evolvable(self) -> _Plan | None:
        """Where this schema's evolvable enums with members after the sentinel stand, or None
        when it has none (worked out once, on the first document with a known request)."""
        plan = _Planner(self.catalog).plan(self.schema, self.entry.name, "", None)
        return None if plan is None else plan.finish()

    def explain(self, document: Any, location: Location) -> list[Finding]:
        """The findings the engine's errors give for ``document``, most specific first."""
        masked = _Masked(self, document)
        found = [
            finding
            for top in self._fast.iter_errors(document)
            for error in _leaves(top)
            for finding in self._findings_of(error, location, masked)
        ]
        return sorted(_without_redundant(found), key=_order)

    def _findings_of(self, error: Any, location: Location, masked: _Masked) -> Iterator[Finding]:
        keyword = error.kind.name
        key = (error.absolute_keyword_location, keyword)
        guarded = self._format_guarded(error) if keyword == "pattern" else None
        if guarded is not None:
            # One of our guards: the format's failure, told as the engine tells its own.
            keyword = "format"
            key = (guarded, keyword)
        found = self._rules.get(key)
        if found is None:
            found = self._rules[key] = self._rule_node(*key)
        rule_node, value, rule = found
        if rule_node.get("x-catalog", {}).get("kind") == "enum":
            # A value an enum type rejects: the sentence to quote is the property's that refers
            # to the type (``reason``: "Code signifying why..."), not the type's own.
            rule = self._referrer_rule(error.evaluation_path) or rule
        pointer = _pointer(error.instance_path)
        path = list(error.instance_path)
        secret = secret_at(masked.document, path)
        finding = functools.partial(
            Finding,
            location=location,
            schema=self.entry.name,
            keyword=keyword,
            rule=rule,
            schema_location=self._where(key[0]),
        )
        if keyword == "additionalProperties" and isinstance(error.instance, dict):
            # One finding per unknown property, pointing at the property itself.
            declared = sorted(rule_node.get("properties", {}))
            for name in error.kind.unexpected:
                unknown = error.instance.get(name)
                hidden = secret or secret_at(masked.document, [*path, name])
                yield finding(
                    kind="property-drift",
                    pointer=f"{pointer}/{_escape(name)}",
                    message=f"property {name!r} is not in the schema",
                    expected=declared,
                    actual=REDACTED if hidden else unknown,
                    presence=presence_of(unknown),
                    actual_type=json_type(unknown),
                )
            return
        shown = REDACTED if secret else redact_value(error.instance)
        # A value that is or holds a secret: the engine's message would quote it.
        hides = secret or shown is not error.instance
        message = masked.message(error) if hides else error.message
        if guarded is not None:
            # The engine's wording and JSON rendering, so that a value failing both the
            # engine's check and the guard gives the same finding twice (one is dropped).
            quoted = REDACTED if hides else json.dumps(error.instance, ensure_ascii=False)
            message = f'{quoted} is not a "{value}"'
        if keyword == "required":
            # What is missing is a member: the finding points at its object, the member's name
            # is what was expected, and nothing was there.
            expected, actual, kind_of = error.kind.property, None, None
            presence: Presence = "absent"
        else:
            expected, actual = value, shown
            presence, kind_of = presence_of(error.instance), json_type(error.instance)
        # "" is no value a vendor could add to an enum: it is a placeholder, so a violation.
        drift = _DRIFT_KEYWORDS.get(keyword) if error.instance != "" else None
        rule_id = ""
        if drift == "enum-drift" and not hides:
            spelled = _same_but_case(error.instance, value)
            if spelled is not None:
                # Still drift (the schema does not list it), but a casing bug, told as one.
                rule_id = CASE_MISMATCH
                message = (
                    f"{json.dumps(error.instance, ensure_ascii=False)} is not in the enum; it"
                    f" differs only in case from the declared"
                    f" {json.dumps(spelled, ensure_ascii=False)}"
                )
        yield finding(
            kind=drift or "violation",
            pointer=pointer,
            message=message,
            expected=expected,
            actual=actual,
            presence=presence,
            actual_type=kind_of,
            rule_id=rule_id,
        )

    def _where(self, location: str) -> str | None:
        """``schema#/pointer`` for an absolute keyword location in the catalog, or None."""
        uri, _, fragment = location.partition("#")
        name = self.catalog.name_of(uri)
        return None if name is None else f"{name}#{fragment}"

    def _format_guarded(self, error: Any) -> str | None:
        """The absolute location of the ``format`` keyword a failed ``pattern`` guards (see
        ``conformance.formats``), or None for a pattern of the schema's own."""
        location: str = error.absolute_keyword_location
        if location in self._guarded:
            return self._guarded[location]
        found = None
        guard = guard_of(error.kind.pattern, location)
        if guard is not None:
            name, places = guard
            # The guard stands where the catalog's schema has that format; a pattern the schema
            # itself spells like a guard stands anywhere else, and stays a pattern.
            found = next((p for p in places if self._rule_node(p, "format")[1] == name), None)
        self._guarded[location] = found
        return found

    def _referrer_rule(self, evaluation_path: Any) -> Rule | None:
        """The rule of the nearest node with an ``x-source`` before the last ``$ref`` of an
        error's evaluation path (the path from this schema's root, through every ``$ref``)."""
        node: Any = self.schema
        current: Rule | None = _rule(node)
        referrer: Rule | None = None
        for token in evaluation_path:
            if token == "$ref" and isinstance(node, dict) and isinstance(node.get("$ref"), str):
                referrer = current
                name = self.catalog.name_of(node["$ref"])
                if name is None:
                    return None
                node = self.catalog.schema(name)
            elif isinstance(node, dict) and str(token) in node:
                node = node[str(token)]
            elif isinstance(node, list) and isinstance(token, int) and token < len(node):
                node = node[token]
            else:
                return None
            current = _rule(node) or current
        return referrer

    def _rule_node(self, location: str, keyword: str) -> tuple[dict[str, Any], Any, Rule | None]:
        """The schema object holding a failed keyword, the keyword's value there, and the rule
        (``x-source``) of that object or, for an inline part such as array items, of the
        nearest object above it that has one.

        ``location`` is the error's absolute keyword location: the URN of a catalog schema and
        a JSON pointer into it, ``$ref`` already followed.
        """
        base, _, fragment = location.partition("#")
        name = self.catalog.name_of(base)
        node: Any = self.catalog.schema(name) if name is not None else {}
        rule = _rule(node)
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in fragment.split("/")[1:]]
        for token in tokens[:-1]:
            if isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                return {}, None, rule
            rule = _rule(node) or rule
        if not isinstance(node, dict):
            return {}, None, rule
        return node, node.get(keyword), rule


def _same_but_case(value: Any, enum: Any) -> str | None:
    """The declared member of ``enum`` that ``value`` equals but for case (Unicode case folding),
    or None: ``notRun`` for a declared ``NotRun``."""
    if not isinstance(value, str) or not isinstance(enum, list):
        return None
    folded = value.casefold()
    return next((m for m in enum if isinstance(m, str) and m.casefold() == folded), None)


def prefers_unknown_members(origin: Origin) -> bool:
    """Whether the request asked for the members of evolvable enums after the sentinel: a
    ``Prefer`` header (any of them; RFC 7240 allows several, and several preferences in one,
    comma-separated, each maybe with a value or parameters) with ``include-unknown-enum-members``.
    """
    for name, value in origin.headers:
        if name.strip().lower() != "prefer":
            continue
        for preference in value.split(","):
            token = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
            if token == PREFER_UNKNOWN_MEMBERS:
                return True
    return False


@dataclass(frozen=True)
class _Evolvable:
    """An evolvable enum with members after its sentinel, as declared at one place."""

    members: tuple[Any, ...]
    # The members after the sentinel: sent only to a request that asks for them.
    later: frozenset[str]
    # ``schema#/pointer`` of the enum keyword, and the sentence a finding quotes.
    location: str
    rule: Rule | None


@dataclass
class _Plan:
    """What to look at in a value for evolvable enums, following the schema's applicators: the
    enums that apply to the value itself and the plans of its members and items. Only the parts
    of a schema that lead to an evolvable enum are kept, so a walk visits nothing else."""

    enums: list[_Evolvable] = field(default_factory=list)
    properties: dict[str, _Plan] = field(default_factory=dict)
    patterns: list[tuple[str, _Plan]] = field(default_factory=list)
    additional: _Plan | None = None
    prefix: list[_Plan | None] = field(default_factory=list)
    items: _Plan | None = None

    # Enums only, nothing under them to visit: set by ``finish`` once the plan is built.
    leaf: bool = False

    def finish(self) -> _Plan:
        """Mark the leaves of this plan (every part of it), for the walk's shortcut."""
        self.leaf = not (
            self.properties or self.patterns or self.additional or self.prefix or self.items
        )
        for sub in (
            *self.properties.values(),
            *(plan for _, plan in self.patterns),
            self.additional,
            *self.prefix,
            self.items,
        ):
            if sub is not None:
                sub.finish()
        return self

    def empty(self) -> bool:
        return not (
            self.enums
            or self.properties
            or self.patterns
            or self.additional
            or any(self.prefix)
            or self.items
        )

    def merge(self, other: _Plan) -> None:
        """Add what ``other`` looks at (a branch of ``anyOf``, a ``$ref`` beside keywords).

        Every branch is kept, not only the one the value fits: a member after the sentinel is in
        its enum, so under whichever branch holds it, it is that enum's member."""
        self.enums.extend(e for e in other.enums if e not in self.enums)
        for name, sub in other.properties.items():
            _merged_into(self.properties, name, sub)
        self.patterns.extend(other.patterns)
        self.additional = _union(self.additional, other.additional)
        for index, part in enumerate(other.prefix):
            if index < len(self.prefix):
                self.prefix[index] = _union(self.prefix[index], part)
            else:
                self.prefix.append(part)
        self.items = _union(self.items, other.items)


def _union(one: _Plan | None, other: _Plan | None) -> _Plan | None:
    if one is None or other is None:
        return one or other
    merged = _Plan()
    merged.merge(one)
    merged.merge(other)
    return merged


def _merged_into(plans: dict[str, _Plan], name: str, plan: _Plan) -> None:
    plans[name] = _union(plans.get(name), plan) or plan


class _Planner:
    """Builds a schema's ``_Plan``, ``$ref``s followed through the catalog (a reference back
    into one being followed stops there: a value nested so is not looked at)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._following: set[str] = set()

    def plan(self, node: Any, name: str, pointer: str, referrer: Rule | None) -> _Plan | None:
        """The plan of the schema object ``node`` at ``name#pointer``; ``referrer`` is the rule
        of the nearest object with a sentence above it (what an enum type's finding quotes)."""
        if not isinstance(node, dict):
            return None
        own = _rule(node)
        plan = _Plan()
        enum = node.get("enum")
        if isinstance(enum, list) and SENTINEL in enum:
            later = frozenset(v for v in enum[enum.index(SENTINEL) + 1 :] if isinstance(v, str))
            if later:
                is_type = node.get("x-catalog", {}).get("kind") == "enum"
                rule = (referrer or own) if is_type else (own or referrer)
                where = f"{name}#{pointer}/enum"
                plan.enums.append(_Evolvable(tuple(enum), later, where, rule))
        referrer = own or referrer
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self._follow(ref, referrer)
            if target is not None:
                plan.merge(target)
        for keyword in ("anyOf", "oneOf", "allOf"):
            branches = node.get(keyword)
            if isinstance(branches, list):
                for index, branch in enumerate(branches):
                    sub = self.plan(branch, name, f"{pointer}/{keyword}/{index}", referrer)
                    if sub is not None:
                        plan.merge(sub)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key, schema in properties.items():
                sub = self.plan(schema, name, f"{pointer}/properties/{_escape(key)}", referrer)
                if sub is not None:
                    _merged_into(plan.properties, key, sub)
        patterns = node.get("patternProperties")
        if isinstance(patterns, dict):
            for regex, schema in patterns.items():
                at = f"{pointer}/patternProperties/{_escape(regex)}"
                sub = self.plan(schema, name, at, referrer)
                if sub is not None:
                    plan.patterns.append((regex, sub))
        additional = self.plan(
            node.get("additionalProperties"), name, f"{pointer}/additionalProperties", referrer
        )
        plan.additional = _union(plan.additional, additional)
        prefix = node.get("prefixItems")
        if isinstance(prefix, list):
            plan.prefix = [
                self.plan(s, name, f"{pointer}/prefixItems/{i}", referrer)
                for i, s in enumerate(prefix)
            ]
        items = self.plan(node.get("items"), name, f"{pointer}/items", referrer)
        plan.items = _union(plan.items, items)
        return None if plan.empty() else plan

    def _follow(self, ref: str, referrer: Rule | None) -> _Plan | None:
        base, _, fragment = ref.partition("#")
        name = self.catalog.name_of(base)
        if name is None or ref in self._following:
            return None
        node: Any = self.catalog.schema(name)
        for token in fragment.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        self._following.add(ref)
        try:
            return self.plan(node, name, fragment, referrer)
        finally:
            self._following.discard(ref)


# Where a walk stands: None at the document's root, else (where its parent stands, key or index).
_At = tuple[Any, str | int] | None


def _walk(plan: _Plan, value: Any, at: _At, hits: list[tuple[_At, _Evolvable, str]]) -> None:
    """Add a hit for each member after a sentinel that ``plan`` finds in ``value``.

    Only the places the plan names are visited; a path is a chain of pairs, turned into a
    pointer only for a hit, so a document without one costs a few lookups and no copies.
    """
    if plan.enums and isinstance(value, str):
        for enum in plan.enums:
            if value in enum.later:
                hits.append((at, enum, value))
                break
    if isinstance(value, dict):
        if not plan.patterns and plan.additional is None:
            for key, sub in plan.properties.items():
                member = value.get(key)
                if member is None:
                    continue
                if sub.leaf:
                    # An enum and nothing under it (most of them): checked here, without a call.
                    if isinstance(member, str):
                        for enum in sub.enums:
                            if member in enum.later:
                                hits.append(((at, key), enum, member))
                                break
                else:
                    _walk(sub, member, (at, key), hits)
            return
        for key, member in value.items():
            named = plan.properties.get(key)
            matched = named is not None
            if named is not None:
                _walk(named, member, (at, key), hits)
            for regex, pattern_plan in plan.patterns:
                if _search(regex, key):
                    matched = True
                    _walk(pattern_plan, member, (at, key), hits)
            if not matched and plan.additional is not None:
                _walk(plan.additional, member, (at, key), hits)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            part = plan.prefix[index] if index < len(plan.prefix) else plan.items
            if part is not None:
                _walk(part, item, (at, index), hits)


def _path(at: _At) -> list[str | int]:
    """The keys and indexes from the root to where a walk stood."""
    path: list[str | int] = []
    while at is not None:
        at, token = at
        path.append(token)
    return path[::-1]


@functools.cache
def _compiled(regex: str) -> re.Pattern[str] | None:
    try:
        return re.compile(regex)
    except re.error:
        return None


def _search(regex: str, key: str) -> bool:
    """Whether a member's name matches a ``patternProperties`` regex (one Python cannot read is
    taken to match: a member after the sentinel is in its enum wherever it stands)."""
    compiled = _compiled(regex)
    return compiled is None or compiled.search(key) is not None


def _unrequested(
    enum: _Evolvable,
    value: str,
    path: list[str | int],
    validator: SchemaValidator,
    document: Any,
    location: Location,
) -> Finding:
    """The violation for a member after the sentinel sent to a request that did not ask."""
    secret = secret_at(document, path)
    quoted = REDACTED if secret else json.dumps(value, ensure_ascii=False)
    allowed = list(enum.members[: enum.members.index(SENTINEL) + 1])
    return Finding(
        kind="violation",
        location=location,
        schema=validator.entry.name,
        pointer=_pointer(path),
        keyword="enum",
        message=(
            f'{quoted} is declared after "{SENTINEL}" in this evolvable enum, so it is sent only'
            f" to a request with 'Prefer: {PREFER_UNKNOWN_MEMBERS}', which this request lacked;"
            f' a request that does not ask gets "{SENTINEL}" instead'
        ),
        expected=allowed,
        actual=REDACTED if secret else value,
        rule=enum.rule,
        presence="value",
        actual_type="string",
        schema_location=enum.location,
        rule_id=MEMBER_WITHOUT_PREFER,
    )


def _leaves(error: Any) -> Iterator[Any]:
    """The errors that explain a failed ``anyOf``/``oneOf``: those of the branch meant.

    The branch meant is the one the value's type fits (the object of a nullable object, not its
    ``null``). All the errors inside it are reported, so that a drift there cannot hide a
    violation next to it. Where no single branch fits, the ``anyOf`` error itself is reported.
    """
    if error.kind.name not in ("anyOf", "oneOf") or not hasattr(error.kind, "context"):
        yield error
        return
    here = list(error.instance_path)
    fitting = [
        branch
        for branch in error.kind.context
        if branch
        and not (
            len(branch) == 1
            and branch[0].kind.name == "type"
            and list(branch[0].instance_path) == here
        )
    ]
    if len(fitting) != 1:
        yield error
        return
    for sub in fitting[0]:
        yield from _leaves(sub)


class _Masked:
    """The masking validator's messages for one document, found only when first asked for."""

    def __init__(self, validator: SchemaValidator, document: Any) -> None:
        self.validator = validator
        self.document = document
        self._messages: dict[tuple[Any, ...], str] | None = None

    def message(self, error: Any) -> str:
        """The message the masking validator gives for ``error``: the same error, no value."""
        if self._messages is None:
            self._messages = {}
            for top in self.validator._masking.iter_errors(self.document):
                for found in _every(top):
                    self._messages.setdefault(_identity(found), found.message)
        # An error the masking run did not give is told without its message: never the value.
        return self._messages.get(_identity(error)) or f"{REDACTED} fails its {error.kind.name}"


def _every(error: Any) -> Iterator[Any]:
    """An error and, depth first, every error of the branches of its ``anyOf``/``oneOf``."""
    yield error
    for branch in getattr(error.kind, "context", None) or ():
        for sub in branch:
            yield from _every(sub)


def _identity(error: Any) -> tuple[Any, ...]:
    """What tells one error from another in two runs over the same document and schema."""
    return (tuple(error.instance_path), tuple(error.schema_path), error.kind.name)


def _without_redundant(found: list[Finding]) -> list[Finding]:
    """A value of the wrong type says all there is to say about it: drop the other keywords'
    findings at that pointer (an integer Status is a type violation, not also enum drift).

    A value failing a format both by the engine's own check and by our guard for it (see
    ``conformance.formats``) has failed once: one finding per pointer and format.
    """
    mistyped = {f.pointer for f in found if f.keyword == "type"}
    formats: set[tuple[str, str | None]] = set()
    kept = []
    for f in found:
        if f.keyword != "type" and f.pointer in mistyped:
            continue
        if f.keyword == "format":
            if (f.pointer, f.expected) in formats:
                continue
            formats.add((f.pointer, f.expected))
        kept.append(f)
    return kept


def _order(finding: Finding) -> tuple[int, int, str]:
    # Violations before drift, deeper pointers (more specific) first, then document order.
    return (finding.is_drift, -finding.pointer.count("/"), finding.pointer)


def _pointer(path: Any) -> str:
    return "".join("/" + _escape(str(p)) for p in path)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _rule(schema: Any) -> Rule | None:
    if not isinstance(schema, dict):
        return None
    source = schema.get("x-source")
    if not isinstance(source, dict):
        return None
    return Rule(
        text=str(schema.get("description") or schema.get("title") or ""),
        document=source.get("document", ""),
        section=source.get("section", ""),
        line=int(source.get("line", 0)),
        row=source.get("row"),
    )


class Engine:
    """Validators for the schemas of a catalog, each compiled once and kept."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or default_catalog()
        self._validators: dict[str, SchemaValidator] = {}

    def validator(self, name: str) -> SchemaValidator:
        """The validator for the schema named ``name`` (a ``CatalogError`` if there is none)."""
        found = self._validators.get(name)
        if found is None:
            found = self._validators[name] = SchemaValidator(self.catalog.get(name), self.catalog)
        return found

    def findings(
        self, document: Any, schema: str, location: Location, origin: Origin | None = None
    ) -> list[Finding]:
        """Validate one document against the named schema (``origin``: the request it answered,
        when known)."""
        return self.validator(schema).findings(document, location, origin=origin)
