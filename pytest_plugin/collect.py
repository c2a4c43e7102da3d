"""Fixture files as tests: one item per document in the files under ``--conformance-fixtures``.

The files are found by the CLI's own walker and globs (``Checker.files_under``, the project's
``include``/``exclude``) and read by its readers (``Checker.read``), so an NDJSON line, a
HAR entry and a cassette interaction are documents exactly as the CLI sees them. Item names are
the file's name and the document's place in it (``kendra-pages.ndjson:12``, ``traffic.har entry
3``): readable, stable from run to run and unique in the file, so ``-k``, ``--lf`` and
pytest-xdist work on them. A file that cannot be read becomes a failing item, never a collection
error that would stop the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .state import record, run_of

if TYPE_CHECKING:
    from conformance import Body, Finding


def collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A ``DocumentFile`` for a file under the fixture paths; None for every other file."""
    run = run_of(parent.config)
    if not run.settings.fixtures or file_path.resolve() not in run.fixture_files():
        return None
    return DocumentFile.from_parent(parent, path=file_path)


def shown_path(path: Path) -> str:
    """The path as findings show it: relative to the working directory when inside it.

    The project's schema globs are matched against it, relative to the working directory as
    the CLI's arguments are.
    """
    try:
        return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    except ValueError:  # another drive
        return str(path)


class DocumentFile(pytest.File):
    """A JSON, NDJSON, HAR or cassette file under the fixture paths."""

    def collect(self) -> Iterator[DocumentItem]:
        """One item per document, and one failing item per part that cannot be read."""
        names: dict[str, int] = {}
        for body, finding in self._documents():
            if body is not None:
                location = body.location
            else:
                assert finding is not None
                location = finding.location
            name = str(replace(location, source=self.path.name, column=None))
            names[name] = names.get(name, 0) + 1
            if names[name] > 1:  # two unreadable parts reported at the same place
                name = f"{name} ({names[name]})"
            yield DocumentItem.from_parent(self, name=name, body=body, finding=finding)

    def _documents(self) -> Iterator[tuple[Body, None] | tuple[None, Finding]]:
        from conformance import Body, Finding, Location

        try:
            for entry in run_of(self.config).checker().read([shown_path(self.path)]):
                if isinstance(entry, Body):
                    yield entry, None
                elif entry.skipped is None:
                    yield from ((None, finding) for finding in entry.findings)
                # else: a page, a preflight, a token call: no document, so no test
        except Exception as exc:  # the readers report bad input as findings; this is a last net
            where = Location(shown_path(self.path))
            # The exception's kind, not its text: a parser's text may quote the file's bytes.
            reason = f"cannot read: {type(exc).__name__}"
            yield None, Finding(kind="unreadable", location=where, message=reason)


class DocumentFailure(Exception):
    """A document that does not conform; its message is the whole failure text."""


class DocumentItem(pytest.Item):
    """One document of a fixture file, checked by the engine when the item runs."""

    def __init__(self, *, body: Body | None, finding: Finding | None, **kwargs: Any) -> None:
        # Exactly one of them: the document, or why the file (or part of it) cannot be read.
        super().__init__(**kwargs)
        self.body = body
        self.finding = finding
        self.add_marker(pytest.mark.conformance_fixture)

    def runtest(self) -> None:
        """Check the document (or report why it cannot be read) and fail as the run judges it."""
        from conformance import Result

        from .render import failure_message

        run = run_of(self.config)
        if self.body is not None:
            result = run.checker().check(self.body)
        else:
            assert self.finding is not None
            result = Result(self.finding.location, None, (self.finding,))
        record(self, result)
        strict = run.strict
        if result.fails(strict):
            raise DocumentFailure(failure_message([result], strict))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The findings alone for a document that fails: no Python traceback of the plugin."""
        if isinstance(excinfo.value, DocumentFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The file, the document's line (0-based, as pytest wants it) and a headline.

        The headline (``document fixtures/pages.ndjson:12``) heads the failure's section. It is
        not the item's name: pytest shows a name that ends the node id as a dotted Python name
        (``pages::ndjson:12``).
        """
        location = self.body.location if self.body is not None else None
        line = location.line - 1 if location is not None and location.line else None
        if location is None and self.finding is not None:
            location = self.finding.location
        return self.path, line, f"document {location if location is not None else self.name}"
