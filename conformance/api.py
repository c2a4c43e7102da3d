"""The public API: what the CLI, the pytest plugin and users' own code call.

Two calls cover every use::

    import conformance

    result = conformance.check({"ExecutionId": "a", "Status": "SUCCEEDED"})
    result.conforms, [f.pointer for f in result.findings]

    for result in conformance.check_paths(["recordings/", "jobs.ndjson"]):
        ...

``check`` takes one document in any form a user has it: a parsed value (a dict or list, a boto3
response included), JSON text (``str`` or ``bytes``), a path to a JSON file, or an HTTP response
of ``requests`` or ``httpx`` (its body, with the request as the origin that selection and reports
use). ``check_paths`` takes files and folders (JSON, NDJSON, HAR, VCR cassettes; ``-`` for
standard input) and yields results as it goes, in flat memory. Both return ``Result`` objects
whose findings are placed in their resource (``/History/3/Status`` of a Kendra list page, with
``location.within`` = ``/History/3``), exactly as the CLI reports them.

A ``Checker`` keeps what a run compiles (the catalog, the validators, the selector) for many
calls; the module-level functions keep one per set of options. Everything outside
``conformance.__all__`` and ``conformance.report`` is private and may change.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from conformance.captures import Capture, is_boto3
from conformance.catalog import Catalog
from conformance.documents import Document
from conformance.findings import Finding, Location, Result
from conformance.pipeline import Options, Pipeline, validate_examples
from conformance.responses import Exchange, exchange_body, from_response, is_response
from conformance.sources import DEFAULT_INCLUDE, Body, Lines, Skipped, expand, read_inputs
from conformance.validation import Engine

__all__ = ["Checker", "Options", "check", "check_paths", "examples"]


class Checker:
    """Checks documents with one set of options and one compiled catalog, call after call."""

    def __init__(self, options: Options | None = None, catalog: Catalog | None = None) -> None:
        engine = Engine(catalog) if catalog is not None else None
        self._pipeline = Pipeline(options, engine)
        # Every checker made from this one by ``for_schema``, by schema, this one included.
        self._forced: dict[str | None, Checker] = {self.options.schema: self}

    @property
    def options(self) -> Options:
        """The options every check of this checker uses."""
        return self._pipeline.options

    @property
    def catalog(self) -> Catalog:
        """The schemas this checker validates against."""
        return self._pipeline.engine.catalog

    def for_schema(self, schema: str | None) -> Checker:
        """A checker like this one with ``schema`` forced (None: chosen by shape), sharing its
        compiled validators; an unknown name raises a ``CatalogError`` that suggests close ones.
        """
        if schema == self.options.schema:
            return self
        found = self._forced.get(schema)
        if found is None:
            if schema is not None:
                self.catalog.get(schema)
            found = Checker.__new__(Checker)
            found._pipeline = Pipeline(replace(self.options, schema=schema), self._engine)
            found._forced = self._forced
            self._forced[schema] = found
        return found

    @property
    def _engine(self) -> Engine:
        return self._pipeline.engine

    def check(
        self,
        document: Any,
        *,
        schema: str | None = None,
        name: str = "<document>",
        capture: Capture | None = None,
    ) -> Result:
        """The result for one document (see the module).

        ``schema`` forces a schema by name (None: this checker's own choice), ``name`` is what
        reports call the document, ``capture`` says what produced a parsed value (a boto3
        response is recognised by itself). A ``Body`` (from ``read``) or an ``Exchange`` (a
        response as a client hook hands it over) is checked as the readers of recorded traffic
        check theirs.
        """
        pipeline = self._pipeline if schema is None else self.for_schema(schema)._pipeline
        # One document, judged by itself: series rules look across the documents of one
        # source (a recording, a stream), never across calls.
        pipeline.series.forget()
        if isinstance(document, os.PathLike):
            return self._file(pipeline, Path(document))
        if is_response(document):
            document = from_response(document)
        if isinstance(document, Body):
            return pipeline.check_body(document)
        if isinstance(document, Exchange):
            body = exchange_body(document, name, self.options.max_body)
            return pipeline.check_body(body) if isinstance(body, Body) else body
        where = Location(name)
        if isinstance(document, str | bytes):
            return pipeline.check_body(Body(document, where))
        if capture is None and is_boto3(document):
            capture = "boto3"
        return pipeline.check(Document(document, where), capture=capture)

    def _file(self, pipeline: Pipeline, path: Path) -> Result:
        """One JSON file, read as the CLI reads it (caps, positions); a file that holds several
        documents (NDJSON, HAR, a cassette) is for ``check_paths``."""
        from conformance.errors import InputError

        if path.is_dir():
            raise InputError(f"{path}: is a folder; use check_paths() for folders")
        results = list(itertools.islice(pipeline.run([os.fspath(path)]), 2))
        if len(results) == 1 and results[0].documents <= 1:
            return results[0]
        raise InputError(
            f"{path}: holds more than one document; use check_paths() for NDJSON, HAR and"
            " cassette files"
        )

    def check_paths(
        self, paths: Sequence[str | os.PathLike[str]], *, stdin: IO[bytes] | None = None
    ) -> Iterator[Result]:
        """Results for every document in the files and folders (``-``: ``stdin``), in order."""
        return self._pipeline.run([os.fspath(p) for p in paths], stdin)

    def read(self, paths: Sequence[str | os.PathLike[str]]) -> Iterator[Body | Result]:
        """The documents in files and folders, read but not checked, each to be checked later
        with ``check`` (the pytest plugin makes a test of each); a part that cannot be read is a
        result with its ``unreadable`` finding, an exchange that holds no document (a browser
        HAR's page, a preflight) a result that says why it was ``skipped``."""
        o = self.options
        for item in read_inputs(
            [os.fspath(p) for p in paths],
            include=o.include,
            exclude=o.exclude,
            max_body=o.max_body,
            max_document=o.max_document,
            urls=o.urls,
        ):
            if isinstance(item, Finding):
                yield Result(item.location, None, (item,))
            elif isinstance(item, Skipped):
                yield Result(item.location, None, (), item.origin, skipped=item.reason)
            elif isinstance(item, Lines):
                yield from item.bodies()
            else:
                yield item

    @staticmethod
    def files_under(
        paths: Sequence[str | os.PathLike[str]],
        include: Sequence[str] = DEFAULT_INCLUDE,
        exclude: Sequence[str] = (),
    ) -> Iterator[str]:
        """The files ``check_paths`` would read under ``paths`` with these include and exclude
        globs, without reading them."""
        for found in expand([os.fspath(p) for p in paths], include, exclude):
            if isinstance(found, str):
                yield found


@lru_cache(maxsize=8)
def _checker(options: Options) -> Checker:
    return Checker(options)


def check(
    document: Any,
    *,
    schema: str | None = None,
    name: str = "<document>",
    capture: Capture | None = None,
    options: Options | None = None,
) -> Result:
    """The result for one document: a value, JSON text, a path, or an HTTP response."""
    return _checker(options or Options()).check(document, schema=schema, name=name, capture=capture)


def check_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    options: Options | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Result]:
    """Results for every document in the given files and folders, streamed in order."""
    return _checker(options or Options()).check_paths(paths, stdin=stdin)


def examples(catalog: Catalog | None = None) -> Iterator[Result]:
    """The examples the vendor documents quote, each checked against its own schema."""
    return validate_examples(catalog)
