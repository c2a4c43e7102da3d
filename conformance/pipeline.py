"""The pipeline every front-end calls: source -> documents -> schema -> validation -> results.

The CLI, the pytest plugin and the pre-commit hook differ only in where documents come from and
what is done with the results; the stages in between live here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from conformance.catalog import Catalog, default_catalog
from conformance.findings import Location, Result
from conformance.sources import Document, read_json_file
from conformance.validation import Engine


def validate_documents(
    documents: Iterable[tuple[Document, str]], engine: Engine | None = None
) -> Iterator[Result]:
    """Validate each document against the schema named with it."""
    engine = engine or Engine()
    for document, schema in documents:
        findings = engine.findings(document.value, schema, document.location)
        yield Result(document.location, schema, tuple(findings))


def validate_files(
    paths: Iterable[Path], schema: str, engine: Engine | None = None
) -> Iterator[Result]:
    """Validate JSON files against one schema; unreadable files become results of their own."""
    engine = engine or Engine()
    engine.validator(schema)  # an unknown schema name is a usage error before any file is read
    for path in paths:
        read = read_json_file(path)
        if isinstance(read, Document):
            yield from validate_documents([(read, schema)], engine)
        else:
            yield Result(read.location, None, (read,))


def validate_examples(catalog: Catalog | None = None) -> Iterator[Result]:
    """Validate the JSON examples the source documents quote, each against its own schema."""
    catalog = catalog or default_catalog()
    engine = Engine(catalog)
    for entry in catalog:
        schema = catalog.schema(entry.name)
        sources = schema.get("x-examples-source", [])
        for index, example in enumerate(schema.get("examples", [])):
            source = sources[index] if index < len(sources) else {}
            location = Location(
                f"{source.get('document', entry.document)} ({source.get('section', 'example')})",
                source.get("line"),
                entry=index + 1,
                entry_kind="example",
            )
            yield from validate_documents([(Document(example, location), entry.name)], engine)
