"""The pipeline every front-end calls: source -> documents -> selection -> validation -> results.

The CLI, the pytest plugin and the pre-commit hook differ only in where documents come from and
what is done with the results; the stages in between live here, once. Every stage is an
iterator, so a stream of any length is validated in flat memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from conformance.catalog import Catalog, default_catalog, property_reference
from conformance.config import Config
from conformance.documents import Document, parse, position, resources
from conformance.findings import Finding, Location, Result
from conformance.selection import Selection, Selector
from conformance.sources import DEFAULT_INCLUDE, DEFAULT_MAX_BODY, Body, Lines, read_inputs
from conformance.validation import Engine


@dataclass(frozen=True)
class Options:
    """What a run is asked to do, whichever front-end asks."""

    schema: str | None = None
    config: Config | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    # None: checked for files and recorded traffic, not for NDJSON streams (see documents).
    check_duplicates: bool | None = None
    max_body: int = DEFAULT_MAX_BODY
    # Worker processes for NDJSON files; each reads its own byte ranges of the file.
    jobs: int = 1


class Pipeline:
    """One run's engine and selector, shared by every document of the run."""

    def __init__(self, options: Options | None = None, engine: Engine | None = None) -> None:
        self.options = options or Options()
        self.engine = engine or Engine()
        self.selector = Selector(self.engine.catalog, self.options.schema, self.options.config)
        self._arrays: dict[str, tuple[str, ...]] = {}
        self._item_arrays: dict[str, dict[str, str]] = {}
        self._nullables: dict[str, dict[str, str]] = {}

    def run(self, paths: Sequence[str], stdin: IO[bytes] | None = None) -> Iterator[Result]:
        """Results for every document in the given files, folders (and ``-`` for stdin)."""
        o = self.options
        items = read_inputs(
            paths, include=o.include, exclude=o.exclude, stdin=stdin, max_body=o.max_body
        )
        for item in items:
            if isinstance(item, Finding):
                yield Result(item.location, None, (item,))
            elif isinstance(item, Lines):
                if self.options.jobs > 1 and item.path is not None:
                    from conformance.parallel import check_file

                    yield from check_file(self, item.path, item.name, self.options.jobs)
                else:
                    yield from self.check_lines(item)
            else:
                yield self.check_body(item)

    def warm(self) -> None:
        """Compile the validators of every object schema now (before worker processes fork)."""
        for entry in self.engine.catalog:
            if entry.kind != "enum":
                self.engine.validator(entry.name).is_valid({})

    def check_lines(self, lines: Lines) -> Iterator[Result]:
        """Check an NDJSON stream; conforming lines come back in runs, one result per run.

        This is the bulk path, so it is written for speed: a line is parsed once with orjson and
        judged by the fast engine; only a line that fails (or cannot be parsed, or has no schema)
        goes through ``check_body``, which parses it again to explain. With the duplicate-key
        check on, every line takes the full path.
        """
        if self.options.check_duplicates:
            for body in lines.bodies():
                yield self.check_body(body)
            return
        import orjson

        loads, name, select = orjson.loads, lines.name, self.selector.select_value
        validators: dict[str, Any] = {}
        run: _Run | None = None
        for number, raw in enumerate(lines.stream, 1):
            if raw.isspace() or not raw:
                continue
            try:
                value = loads(raw)
            except orjson.JSONDecodeError:
                value = _UNPARSED
            selection = select(value, name) if value is not _UNPARSED else None
            schema = selection.schema if selection is not None else None
            if selection is not None and schema is not None:
                valid = validators.get(schema)
                if valid is None:
                    valid = validators[schema] = self.engine.validator(schema).is_valid
                if valid(value):
                    count = self._count(value, schema)
                    if run is not None and run.selection == selection and run.documents < _RUN:
                        run.add(number, count)
                    else:
                        if run is not None:
                            yield run.result(name)
                        run = _Run(selection, number, count)
                    continue
            if run is not None:
                yield run.result(name)
                run = None
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield self.check_body(
                Body(raw, Location(name, number, entry=number, entry_kind="line"))
            )
        if run is not None:
            yield run.result(name)

    def check_body(self, body: Body) -> Result:
        """Parse one body and check the document in it."""
        check = self.options.check_duplicates
        if check is None:
            check = body.location.entry_kind != "line"
        parsed = parse(body, check_duplicates=check)
        if isinstance(parsed, list):
            return Result(body.location, None, tuple(parsed), body.origin)
        return self.check(parsed)

    def check(self, document: Document) -> Result:
        """Select a schema for a parsed document and validate it."""
        selection = self.selector.select(document)
        where = document.location
        if selection.error is not None:
            finding = Finding(kind="error-response", location=where, message=selection.error)
            return Result(where, None, (finding,), document.origin, selection.reason)
        if selection.schema is None:
            finding = Finding(
                kind="unselected",
                location=where,
                message=f"no schema chosen: {selection.reason}",
            )
            return Result(where, None, (finding,), document.origin, selection.reason)
        return self._validate(document, selection)

    def _validate(self, document: Document, selection: Selection) -> Result:
        schema = selection.schema
        assert schema is not None
        validator = self.engine.validator(schema)
        count = self._count(document.value, schema)
        result = Result(document.location, schema, (), document.origin, selection.reason, count)
        if validator.is_valid(document.value):
            return result
        held = list(resources(document.value, schema, self.engine.catalog))
        explained = self._explain(document.value, schema, document.location)
        return replace(result, findings=tuple(_placed(f, document, held) for f in explained))

    def _explain(self, value: Any, schema: str, where: Location) -> list[Finding]:
        """The findings of a rejected document; an envelope's items are explained one by one.

        Explaining is the slow part of a failure: an envelope whose arrays carry no constraints
        of their own is judged item by item with the fast engine, and only the failing items and
        the envelope's own members (its arrays emptied) are explained.
        """
        arrays = self._explained_arrays(schema)
        if not arrays or not isinstance(value, dict):
            return self._explain_one(value, schema, where)
        shell = {k: ([] if k in arrays and isinstance(v, list) else v) for k, v in value.items()}
        found = (
            self._explain_one(shell, schema, where)
            if not self.engine.validator(schema).is_valid(shell)
            else []
        )
        for name, item_schema in arrays.items():
            items = value.get(name)
            if not isinstance(items, list):
                continue
            validator = self.engine.validator(item_schema)
            for index, item in enumerate(items):
                if validator.is_valid(item):
                    continue
                prefix = f"/{name}/{index}"
                for finding in self._explain_one(item, item_schema, where):
                    found.append(replace(finding, pointer=prefix + finding.pointer))
        # Should the parts all pass where the whole failed, the whole is explained after all.
        return found or self.engine.validator(schema).findings(value, where, valid=False)

    def _explain_one(self, value: Any, schema: str, where: Location) -> list[Finding]:
        """Explain a rejected document with its conforming nullable sub-objects set to null.

        Null is valid wherever a Graph object is nullable, so the explainer skips the parts the
        fast engine already passed; the failing parts stay where they were, pointers unchanged.
        """
        validator = self.engine.validator(schema)
        nullable = self._nullable_objects(schema)
        if nullable and isinstance(value, dict):
            pruned = {
                k: None
                if k in nullable
                and isinstance(v, dict)
                and self.engine.validator(nullable[k]).is_valid(v)
                else v
                for k, v in value.items()
            }
            found = validator.findings(pruned, where, valid=False)
            if found and not any("engines disagree" in f.message for f in found):
                return found
        return validator.findings(value, where, valid=False)

    def _nullable_objects(self, schema: str) -> dict[str, str]:
        """Properties that hold a nullable object of another schema: name -> that schema."""
        found = self._nullables.get(schema)
        if found is None:
            found = {}
            catalog = self.engine.catalog
            for name, sub in catalog.schema(schema).get("properties", {}).items():
                options = sub.get("anyOf", ())
                ref, many = property_reference(sub)
                target = catalog.name_of(ref) if ref and not many else None
                if target and {"type": "null"} in options and catalog.get(target).kind != "enum":
                    found[name] = target
            self._nullables[schema] = found
        return found

    def _explained_arrays(self, schema: str) -> dict[str, str]:
        """Envelope arrays that can be explained item by item: name -> item schema."""
        found = self._item_arrays.get(schema)
        if found is None:
            found = {}
            catalog = self.engine.catalog
            properties = catalog.schema(schema).get("properties", {})
            for name in _array_properties(catalog, schema):
                # An array constraint (minItems, contains...) must see the real array.
                if set(properties[name]) - {
                    "type",
                    "items",
                    "description",
                    "x-source",
                    "x-doc-issues",
                }:
                    continue
                target = catalog.name_of(properties[name]["items"]["$ref"])
                if target is not None:
                    found[name] = target
            self._item_arrays[schema] = found
        return found

    def _count(self, value: object, schema: str) -> int:
        """How many resources a document holds: the items of an envelope's arrays, else one."""
        arrays = self._arrays.get(schema)
        if arrays is None:
            arrays = self._arrays[schema] = _array_properties(self.engine.catalog, schema)
        if not arrays or not isinstance(value, dict):
            return 1
        return max(sum(len(v) for a in arrays if isinstance(v := value.get(a), list)), 1)


# Conforming lines reported as one result at most this many at a time, so progress keeps moving.
_RUN = 10_000
_UNPARSED = object()


class _Run:
    """Consecutive conforming NDJSON lines with the same selection, being counted."""

    __slots__ = ("documents", "first", "last", "resources", "selection")

    def __init__(self, selection: Selection, first: int, resources: int) -> None:
        self.selection, self.first, self.last = selection, first, first
        self.documents, self.resources = 1, resources

    def add(self, line: int, resources: int) -> None:
        self.last = line
        self.documents += 1
        self.resources += resources

    def result(self, name: str) -> Result:
        where = Location(name, self.first, entry=self.first, entry_kind="line", last_line=self.last)
        s = self.selection
        return Result(where, s.schema, (), None, s.reason, self.resources, self.documents)


def _array_properties(catalog: Catalog, schema: str) -> tuple[str, ...]:
    """The properties of an envelope that hold arrays of resources (``History``, ``value``)."""
    if catalog.get(schema).kind != "envelope":
        return ()
    properties = catalog.schema(schema).get("properties", {})
    return tuple(
        name
        for name, sub in properties.items()
        if isinstance(sub.get("items"), dict) and "$ref" in sub["items"]
    )


def _placed(finding: Finding, document: Document, held: list[tuple[str, str]]) -> Finding:
    """The finding with the resource it belongs to and its position in the file."""
    within, schema = max(
        (r for r in held if finding.pointer == r[0] or finding.pointer.startswith(r[0] + "/")),
        key=lambda r: len(r[0]),
        default=("", finding.schema),
    )
    at = position(document, finding.pointer)
    return replace(finding, schema=schema, location=replace(at, within=within))


def validate_examples(catalog: Catalog | None = None) -> Iterator[Result]:
    """Validate the JSON examples the source documents quote, each against its own schema."""
    catalog = catalog or default_catalog()
    engine = Engine(catalog)
    for entry in catalog:
        schema = catalog.schema(entry.name)
        sources = schema.get("x-examples-source", [])
        pipeline = Pipeline(Options(schema=entry.name), engine)
        for index, example in enumerate(schema.get("examples", [])):
            source = sources[index] if index < len(sources) else {}
            location = Location(
                f"{source.get('document', entry.document)} ({source.get('section', 'example')})",
                source.get("line"),
                entry=index + 1,
                entry_kind="example",
            )
            yield pipeline.check(Document(example, location))
