"""The plugin's pytest hooks: each is a few lines that hand over to the module of its role.

Public hooks only. Nothing here imports the engine: a run that uses no fixture, marker or option
of the plugin pays for registering two markers and for a marker lookup per test.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import pytest

from .codec import encode
from .collect import collect_file
from .marker import MARKER_HELP, around_call
from .options import Settings, add_options
from .state import RECORDED, RUN, Run
from .summary import REPORT_ATTRIBUTE, Ledger

FIXTURE_MARKER_HELP = (
    "conformance_fixture: set on the tests collected from --conformance-fixtures files"
    " (select or leave them out with -m)"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--conformance-*`` options and their ini twins."""
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers, set up the run's state, and make sure fixture paths are collected."""
    config.addinivalue_line("markers", MARKER_HELP)
    config.addinivalue_line("markers", FIXTURE_MARKER_HELP)
    settings = Settings.read(config)
    run = Run(config, settings)
    config.stash[RUN] = run
    _collect_fixture_paths(config, settings)
    # Under pytest-xdist the controller logs every report (the workers send theirs to it), so the
    # summary and the report are made there, once.
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Ledger(run), "sync-conformance-ledger")


def _collect_fixture_paths(config: pytest.Config, settings: Settings) -> None:
    """Add the fixture paths that pytest would not walk to the paths it collects.

    Paths given with ``--conformance-fixtures`` are always collected. Paths from the ini file
    only when pytest chose its starting points itself (``testpaths`` or the current folder):
    running ``pytest tests/test_x.py`` must not also run every fixture document.
    """
    explicit = config.args_source == pytest.Config.ArgsSource.ARGS
    wanted = settings.fixtures_given if explicit else settings.fixtures
    covered = [Path(config.invocation_params.dir, a.split("::")[0]).resolve() for a in config.args]
    for path in wanted:
        if not any(path == c or path.is_relative_to(c) for c in covered):
            config.args.append(str(path))
            covered.append(path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Fixture files under ``--conformance-fixtures`` become one test per document."""
    return collect_file(file_path, parent)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Under ``@pytest.mark.conformance``, check every response the test receives."""
    return (yield from around_call(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Move what the test recorded in this phase onto its report, for the controller's ledger."""
    report = yield
    recorded = item.stash.get(RECORDED, None)
    if recorded:
        setattr(report, REPORT_ATTRIBUTE, [encode(r) for r in recorded])
        recorded.clear()
    return report


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop the ledger (an in-process run such as pytester's may configure again)."""
    ledger = config.pluginmanager.get_plugin("sync-conformance-ledger")
    if ledger is not None:
        config.pluginmanager.unregister(ledger)
    if RUN in config.stash:
        del config.stash[RUN]
