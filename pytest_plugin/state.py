"""Per-run state on ``config.stash``, and what a test records of the documents it checked.

The checker is built the first time a fixture, a marked test or a fixture file needs it, never
at start-up: a run that does not use the plugin never imports a validator. One ``Checker`` serves
the whole run (its compiled validators are the expensive part), and hands out one per schema a
marker or a call forces (``Checker.for_schema``), sharing them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .options import Settings

if TYPE_CHECKING:
    from conformance import Catalog, Checker, Config, Result


class Run:
    """The plugin's state for one pytest run (one per process under pytest-xdist)."""

    def __init__(self, config: pytest.Config, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self._checker: Checker | None = None
        self._catalog: Catalog | None = None
        self._project: tuple[Config | None] | None = None
        self._fixture_files: frozenset[Path] | None = None

    @property
    def project(self) -> Config | None:
        """The ``[tool.conformance]`` table of the nearest ``pyproject.toml`` (as the CLI's)."""
        if self._project is None:
            from conformance import ConformanceError, find_config

            try:
                self._project = (find_config(self.config.rootpath),)
            except ConformanceError as exc:
                raise pytest.UsageError(str(exc)) from None
        return self._project[0]

    @property
    def strict(self) -> bool:
        """Whether drift fails a test: an option, drift mode ``fail``, or the project's table."""
        s = self.settings
        return s.strict or s.drift == "fail" or bool(self.project and self.project.strict)

    def checker(self, schema: str | None = None) -> Checker:
        """The checker that selects as the CLI does, or with ``schema`` forced; all of them share
        one compiled catalog.

        An unknown schema name (or a broken configuration) fails the calling test with the
        engine's own message, which suggests close names, rather than a traceback.
        """
        from conformance import Checker, ConformanceError, Options

        problem = None
        found = None
        try:
            if self._checker is None:
                project = self.project
                # A boto3 response is recognised by itself; files and bodies are read as the
                # project's ``capture`` says, as the CLI reads them.
                capture = (project and project.capture) or "wire"
                options = Options(config=project, capture=capture)
                self._checker = Checker(options, self.catalog)
            found = self._checker.for_schema(schema)
        except (ConformanceError, pytest.UsageError) as exc:
            problem = str(exc)
        if problem is not None or found is None:
            # Outside the except block, so that the failure is not shown as a chained exception.
            pytest.fail(f"conformance: {problem}", pytrace=False)
        return found

    @property
    def catalog(self) -> Catalog:
        """The run's catalog, loaded once: the shipped schemas, with those of
        ``--conformance-schemas`` on top (the CLI's ``load_catalog``). A folder that cannot be
        used raises a ``CatalogError`` naming the file."""
        if self._catalog is None:
            from conformance import load_catalog

            self._catalog = load_catalog(self.settings.schemas)
        return self._catalog

    def fixture_files(self) -> frozenset[Path]:
        """The files under the fixture paths, found by the CLI's own walker and globs."""
        if self._fixture_files is None:
            from conformance import Checker, Options

            project = self.project
            include = (project and project.include) or Options().include
            exclude = (project and project.exclude) or ()
            paths = [str(p) for p in self.settings.fixtures]
            files = Checker.files_under(paths, include, exclude)
            self._fixture_files = frozenset(Path(found).resolve() for found in files)
        return self._fixture_files


RUN = pytest.StashKey[Run]()
# The results a test recorded since its last report; the report hook moves them onto the report.
RECORDED = pytest.StashKey[list["Result"]]()
# How many responses and documents a test has checked, to name the next one.
COUNTERS = pytest.StashKey[dict[str, int]]()


def run_of(config: pytest.Config) -> Run:
    """The run's state (set up in ``pytest_configure``)."""
    return config.stash[RUN]


def next_name(item: pytest.Item, what: str) -> str:
    """A name for the next document a test checks: ``<nodeid> response 2``.

    The ``<...>`` form (as ``<stdin>``) marks the source as no file: the project's file globs
    never apply to it.
    """
    counters = item.stash.setdefault(COUNTERS, {})
    counters[what] = counters.get(what, 0) + 1
    return f"<{item.nodeid}> {what} {counters[what]}"


def record(item: pytest.Item, result: Result) -> None:
    """Keep a checked document for the run's summary and report, and its findings for JUnit."""
    from .render import property_value

    item.stash.setdefault(RECORDED, []).append(result)
    for finding in result.findings:
        item.user_properties.append(("conformance", property_value(finding)))
