"""Validation: a fast verdict for every document, an explanation only for the failures.

The verdict comes from jsonschema-rs, compiled once per schema with format checks on; it handles
ECMA-262 regexes such as Kendra's ``^\\P{C}*$`` natively. Most documents conform, so most never
reach the Python ``jsonschema`` library, which is imported only when a document fails and is then
used for what it does best: error paths, ``best_match`` and the error context under ``anyOf``.

Both engines must mean the same thing. The explainer is therefore given this project's own
``pattern`` keyword (ECMA-262 through ``conformance.formats``) and ``date-time`` check, which the
tests hold to jsonschema-rs's verdicts. When the explainer finds nothing where the fast engine
failed, that is reported as a finding of its own, not a crash and not a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from conformance.catalog import Catalog, CatalogEntry, default_catalog, property_reference
from conformance.findings import Finding, Kind, Location, Rule, shorten

if TYPE_CHECKING:
    import jsonschema
    import jsonschema_rs

# Object keywords whose verdict does not change when a conforming optional property is left out.
_PRUNABLE = frozenset(
    {"type", "properties", "required", "additionalProperties", "patternProperties"}
)
_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "$comment", "examples"})

# Keywords whose failure means "the schema does not know this yet" rather than "this is wrong".
_DRIFT_KEYWORDS: dict[str, Kind] = {"enum": "enum-drift", "additionalProperties": "property-drift"}


class SchemaValidator:
    """Validates documents against one catalog schema."""

    def __init__(self, entry: CatalogEntry, catalog: Catalog) -> None:
        self.entry = entry
        self.catalog = catalog
        self.schema = catalog.schema(entry.name)

    @cached_property
    def _fast(self) -> jsonschema_rs.Validator:
        import jsonschema_rs

        return jsonschema_rs.validator_for(
            self.schema, validate_formats=True, registry=self.catalog.rs_registry
        )

    @cached_property
    def _explainer(self) -> Any:
        return _explainer_class()(
            self.catalog.explainer_schema(self.entry.name),
            registry=self.catalog.registry,
            format_checker=format_checker(),
        )

    def is_valid(self, document: Any) -> bool:
        """The verdict alone, at the fast engine's speed."""
        return bool(self._fast.is_valid(document))

    def findings(
        self, document: Any, location: Location, *, valid: bool | None = None
    ) -> list[Finding]:
        """Every finding for ``document``, most specific first; empty when it conforms.

        ``valid`` is the fast verdict when the caller already has it.
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
                        "the fast engine (jsonschema-rs) rejects this document but the explaining"
                        " engine (jsonschema) finds no error: the engines disagree here; please"
                        " report this document"
                    ),
                )
            ]
        return found

    def explain(self, document: Any, location: Location) -> list[Finding]:
        """What the explaining engine finds in ``document``, most specific first (maybe none)."""
        return sorted(_without_redundant(list(self._explain(document, location))), key=_order)

    def _explain(self, document: Any, location: Location) -> Iterator[Finding]:
        for top in self._explainer.iter_errors(document):
            for error in _leaves(top):
                yield from _findings_of(error, self.entry.name, location)


# A property's fast check, whether it is required, and the object schema it refers to.
_Part = tuple[Callable[[Any], bool], bool, str | None]


def _leaves(error: Any) -> Iterator[Any]:
    """Every error of the branch that explains a failed ``anyOf``/``oneOf``, not just one.

    ``best_match`` picks the branch the document was most likely meant for (the object, not the
    ``null`` of a nullable property); all the errors inside that branch are reported, so a drift
    there cannot hide a violation next to it.
    """
    if not error.context:
        yield error
        return
    from jsonschema.exceptions import best_match

    leaf = best_match([error])
    depth = len(error.absolute_schema_path)
    if leaf is None or leaf is error or len(leaf.absolute_schema_path) <= depth:
        yield error
        return
    branch = leaf.absolute_schema_path[depth]
    for sub in error.context:
        if sub.relative_schema_path and sub.relative_schema_path[0] == branch:
            yield from _leaves(sub)


def _without_redundant(found: list[Finding]) -> list[Finding]:
    """A value of the wrong type says all there is to say about it: drop the other keywords'
    findings at that pointer (an integer Status is a type violation, not also enum drift)."""
    mistyped = {f.pointer for f in found if f.keyword == "type"}
    return [f for f in found if f.keyword == "type" or f.pointer not in mistyped]


def _order(finding: Finding) -> tuple[int, int, str]:
    # Violations before drift, deeper pointers (more specific) first, then document order.
    return (finding.is_drift, -finding.pointer.count("/"), finding.pointer)


def _pointer(path: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


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


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _findings_of(
    error: jsonschema.ValidationError, schema_name: str, location: Location
) -> Iterator[Finding]:
    keyword = str(error.validator)
    subschema: dict[str, Any] = dict(error.schema) if isinstance(error.schema, dict) else {}
    pointer = _pointer(error.absolute_path)
    rule = _rule(subschema)
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        # One finding per unknown property, pointing at the property itself.
        declared = sorted(subschema.get("properties", {}))
        for name in _unexpected(error.instance, subschema):
            yield Finding(
                kind="property-drift",
                location=location,
                schema=schema_name,
                pointer=f"{pointer}/{name}",
                keyword=keyword,
                message=f"property {name!r} is not in the schema",
                expected=shorten(f"<one of {', '.join(declared)}>", 120),
                actual=shorten(error.instance[name]),
                rule=rule,
            )
        return
    kind = _DRIFT_KEYWORDS.get(keyword, "violation")
    expected: Any = error.validator_value
    if keyword == "type":
        actual = f"<{_json_type(error.instance)}>"
    elif keyword == "format":
        expected = f"<{error.validator_value}>"
        actual = shorten(error.instance)
    else:
        actual = shorten(error.instance)
    yield Finding(
        kind=kind,
        location=location,
        schema=schema_name,
        pointer=pointer,
        keyword=keyword,
        message=error.message if len(error.message) <= 200 else shorten(error.message, 200),
        expected=shorten(expected)
        if not isinstance(expected, str) or not expected.startswith("<")
        else expected,
        actual=actual,
        rule=rule,
    )


def _unexpected(instance: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    from conformance.formats import ecma_regex

    declared = schema.get("properties", {})
    patterns = [ecma_regex(p) for p in schema.get("patternProperties", {})]
    return [k for k in instance if k not in declared and not any(p.search(k) for p in patterns)]


_EXPLAINER: Any = None


def _explainer_class() -> Any:
    """``Draft202012Validator`` with this project's ECMA-262 ``pattern`` keyword."""
    global _EXPLAINER
    if _EXPLAINER is None:
        from jsonschema import Draft202012Validator, ValidationError, validators

        from conformance.formats import ecma_regex

        def pattern(validator: Any, value: str, instance: Any, schema: Any) -> Iterator[Any]:
            if isinstance(instance, str) and not ecma_regex(value).search(instance):
                yield ValidationError(f"{instance!r} does not match {value!r}")

        def pattern_properties(
            validator: Any, value: Any, instance: Any, schema: Any
        ) -> Iterator[Any]:
            if not isinstance(instance, dict):
                return
            for regex, subschema in value.items():
                compiled = ecma_regex(regex)
                for key, item in instance.items():
                    if compiled.search(key):
                        yield from validator.descend(item, subschema, path=key, schema_path=regex)

        _EXPLAINER = validators.extend(  # type: ignore[no-untyped-call]  # untyped in the stubs
            Draft202012Validator, {"pattern": pattern, "patternProperties": pattern_properties}
        )
    return _EXPLAINER


# Formats the schemas use besides date-time; their meaning is asked of the fast engine itself.
DELEGATED_FORMATS = ("date", "duration", "uuid", "time", "uri", "email")


@cache
def format_checker() -> jsonschema.FormatChecker:
    """The formats this project checks, with the same meaning as the fast engine's."""
    import jsonschema_rs
    from jsonschema import FormatChecker

    from conformance.formats import ecma_regex, is_date_time

    checker = FormatChecker(formats=())
    checker.checks("date-time")(lambda v: not isinstance(v, str) or is_date_time(v))
    for name in DELEGATED_FORMATS:
        fast = jsonschema_rs.validator_for({"format": name}, validate_formats=True)
        checker.checks(name)(fast.is_valid)

    def regex_format(value: object) -> bool:
        if isinstance(value, str):
            ecma_regex(value)  # raises ValueError, reported as a format failure
        return True

    checker.checks("regex", raises=ValueError)(regex_format)
    return checker


class Engine:
    """Validators for the schemas of a catalog, each compiled once and kept."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or default_catalog()
        self._validators: dict[str, SchemaValidator] = {}
        self._parts: dict[str, dict[str, _Part] | None] = {}
        self._item_arrays: dict[str, dict[str, str]] = {}

    def validator(self, name: str) -> SchemaValidator:
        """The validator for the schema named ``name`` (a ``CatalogError`` if there is none)."""
        found = self._validators.get(name)
        if found is None:
            found = self._validators[name] = SchemaValidator(self.catalog.get(name), self.catalog)
        return found

    def explain(self, value: Any, schema: str, where: Location) -> list[Finding]:
        """The findings of a document the fast engine rejects, explaining as little as will do.

        Explaining is the slow part of a failure, so the explainer is shown only what fails: an
        envelope's items are judged one by one by the fast engine and only the failing ones are
        explained (their pointers prefixed); in each object, the optional properties the fast
        engine passes are left out, down into the failing ones (see ``_pruned``). Should the
        parts all pass where the whole failed, the whole is explained.
        """
        arrays = self._explained_arrays(schema)
        if not arrays or not isinstance(value, dict):
            return self._explain_pruned(value, schema, where)
        shell = {k: ([] if k in arrays and isinstance(v, list) else v) for k, v in value.items()}
        found = (
            self._explain_pruned(shell, schema, where)
            if not self.validator(schema).is_valid(shell)
            else []
        )
        for name, item_schema in arrays.items():
            items = value.get(name)
            if not isinstance(items, list):
                continue
            validator = self.validator(item_schema)
            for index, item in enumerate(items):
                if validator.is_valid(item):
                    continue
                prefix = f"/{name}/{index}"
                for finding in self._explain_pruned(item, item_schema, where):
                    found.append(replace(finding, pointer=prefix + finding.pointer))
        return found or self.validator(schema).findings(value, where, valid=False)

    def _explain_pruned(self, value: Any, schema: str, where: Location) -> list[Finding]:
        validator = self.validator(schema)
        changed: set[str] = set()
        pruned = self._pruned(value, schema, "", changed)
        if changed:
            found = validator.explain(pruned, where)
            # A finding about a pruned object itself would show the pruned copy: not kept.
            if found and not any(f.pointer in changed for f in found):
                return found
        return validator.findings(value, where, valid=False)

    def _pruned(self, value: Any, schema: str, pointer: str, changed: set[str]) -> Any:
        """``value`` without the optional properties that conform (the same object if none).

        Leaving them out cannot change what the explainer finds inside the object: they hold
        no error, and the object's own keywords here (``required``, ``additionalProperties``,
        ``patternProperties``) judge the others the same without them; a schema with any other
        object keyword is not pruned. Pointers are unchanged, as keys are only taken away. The
        pointers of the objects pruned are added to ``changed``.
        """
        parts = self._prunable_parts(schema)
        if parts is None or not isinstance(value, dict):
            return value
        pruned: dict[str, Any] = {}
        dropped = False
        for key, item in value.items():
            part = parts.get(key)
            if part is None:
                pruned[key] = item
                continue
            is_valid, required, nested = part
            if is_valid(item):
                if required:
                    pruned[key] = item
                else:
                    dropped = True
                continue
            if nested is not None and isinstance(item, dict):
                at = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
                item = self._pruned(item, nested, at, changed)
            pruned[key] = item
        if dropped:
            changed.add(pointer)
        return pruned if dropped or changed else value

    def _prunable_parts(self, schema: str) -> dict[str, _Part] | None:
        """Each declared property's fast check, whether it is required, and its object schema."""
        if schema in self._parts:
            return self._parts[schema]
        import jsonschema_rs

        from conformance.formats import ecma_search

        catalog = self.catalog
        node = catalog.schema(schema)
        keywords = {k for k in node if not k.startswith("x-")} - _ANNOTATIONS
        parts: dict[str, _Part] | None = None
        if node.get("type") == "object" and keywords <= _PRUNABLE:
            parts = {}
            patterns = node.get("patternProperties", {})
            required = set(node.get("required", ()))
            for name, sub in node.get("properties", {}).items():
                if any(ecma_search(p, name) for p in patterns):
                    continue  # judged by patternProperties too: kept
                ref, many = property_reference(sub)
                target = catalog.name_of(ref) if ref and not many else None
                nested = target if target and catalog.get(target).kind != "enum" else None
                fast = jsonschema_rs.validator_for(
                    sub, validate_formats=True, registry=catalog.rs_registry
                )
                parts[name] = (fast.is_valid, name in required, nested)
        self._parts[schema] = parts
        return parts

    def _explained_arrays(self, schema: str) -> dict[str, str]:
        """Envelope arrays that can be explained item by item: name -> item schema."""
        found = self._item_arrays.get(schema)
        if found is None:
            found = {}
            properties = self.catalog.schema(schema).get("properties", {})
            for name in self.catalog.resource_arrays(schema):
                # An array constraint (minItems, contains...) must see the real array.
                if set(properties[name]) - {
                    "type",
                    "items",
                    "description",
                    "x-source",
                    "x-doc-issues",
                }:
                    continue
                target = self.catalog.name_of(properties[name]["items"]["$ref"])
                if target is not None:
                    found[name] = target
            self._item_arrays[schema] = found
        return found

    def findings(self, document: Any, schema: str, location: Location) -> list[Finding]:
        """Validate one document against the named schema."""
        return self.validator(schema).findings(document, location)
