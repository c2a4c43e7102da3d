"""The pipeline every front-end calls: source -> documents -> selection -> validation -> results.

The CLI, the pytest plugin and the pre-commit hook differ only in where documents come from and
what is done with the results; the stages in between live here, once. Every stage is an
iterator, so a stream of any length is validated in flat memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO

from conformance.catalog import Catalog, default_catalog
from conformance.config import Config
from conformance.documents import Document, parse, position, resources
from conformance.findings import Finding, Location, Result
from conformance.selection import Selection, Selector
from conformance.sources import DEFAULT_INCLUDE, DEFAULT_MAX_BODY, Body, read_inputs
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


class Pipeline:
    """One run's engine and selector, shared by every document of the run."""

    def __init__(self, options: Options | None = None, engine: Engine | None = None) -> None:
        self.options = options or Options()
        self.engine = engine or Engine()
        self.selector = Selector(self.engine.catalog, self.options.schema, self.options.config)

    def run(self, paths: Sequence[str], stdin: IO[bytes] | None = None) -> Iterator[Result]:
        """Results for every document in the given files, folders (and ``-`` for stdin)."""
        o = self.options
        items = read_inputs(
            paths, include=o.include, exclude=o.exclude, stdin=stdin, max_body=o.max_body
        )
        for item in items:
            if isinstance(item, Finding):
                yield Result(item.location, None, (item,))
            else:
                yield self.check_body(item)

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
        assert selection.schema is not None
        validator = self.engine.validator(selection.schema)
        catalog = self.engine.catalog
        held = (
            list(resources(document.value, selection.schema, catalog))
            if catalog.get(selection.schema).kind == "envelope"
            else [("", selection.schema)]
        )
        count = max(len(held) - 1, 1) if len(held) > 1 else 1
        result = Result(
            document.location, selection.schema, (), document.origin, selection.reason, count
        )
        if validator.is_valid(document.value):
            return result
        found = [
            _placed(f, document, held) for f in validator.explain(document.value, document.location)
        ]
        return replace(result, findings=tuple(found))


def _placed(finding: Finding, document: Document, held: list[tuple[str, str]]) -> Finding:
    """The finding with the resource it belongs to and its position in the file."""
    within, schema = max(
        (r for r in held if finding.pointer == r[0] or finding.pointer.startswith(r[0] + "/")),
        key=lambda r: len(r[0]),
        default=("", finding.schema),
    )
    at = position(document, finding.pointer)
    return replace(finding, schema=schema, location=replace(at, within=within))


def validate_files(paths: Sequence[str], schema: str | None = None) -> Iterator[Result]:
    """Validate files with the default options (and ``schema`` forced, when given)."""
    return Pipeline(Options(schema=schema)).run(paths)


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
