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
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from conformance.catalog import Catalog, CatalogEntry, default_catalog
from conformance.findings import (
    Finding,
    Kind,
    Location,
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
        self, document: Any, location: Location, *, valid: bool | None = None
    ) -> list[Finding]:
        """Every finding for ``document``, most specific first; empty when it conforms.

        ``valid`` is the verdict when the caller already has it.
        """
        if valid if valid is not None else self.is_valid(document):
            return []
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
        return found

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
        yield finding(
            kind=drift or "violation",
            pointer=pointer,
            message=message,
            expected=expected,
            actual=actual,
            presence=presence,
            actual_type=kind_of,
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

    def findings(self, document: Any, schema: str, location: Location) -> list[Finding]:
        """Validate one document against the named schema."""
        return self.validator(schema).findings(document, location)
