"""The plugin's command-line and ini options, and the settings of one run read from them.

Every option has an ini twin (command line first), so a project can set its fixture folders and
its drift policy once in its pytest configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import pytest

DriftMode = Literal["ignore", "warn", "fail"]
DRIFT_MODES: tuple[DriftMode, ...] = ("ignore", "warn", "fail")


def add_options(parser: pytest.Parser) -> None:
    """Register the ``--conformance-*`` options and their ini twins."""
    group = parser.getgroup("conformance", "sync-conformance: JSON Schema conformance")
    group.addoption(
        "--conformance-fixtures",
        action="append",
        default=[],
        metavar="PATH",
        help="collect one test per document in the JSON, NDJSON, HAR and cassette files under"
        " PATH (repeatable; ini: conformance_fixtures)",
    )
    group.addoption(
        "--conformance-strict",
        action="store_true",
        default=None,
        help="drift (an enum value or property the schemas do not know) fails the test, as the"
        " CLI's --strict (ini: conformance_strict)",
    )
    group.addoption(
        "--conformance-drift",
        choices=DRIFT_MODES,
        default=None,
        help="what drift does: ignore it, list it in the terminal summary (warn, the default), or"
        " fail the test that saw it (ini: conformance_drift)",
    )
    group.addoption(
        "--conformance-report",
        metavar="PATH",
        default=None,
        help="write every document checked during the run to PATH in the CLI's JSON report format",
    )
    group.addoption(
        "--conformance-schemas",
        metavar="DIR",
        default=None,
        help="a folder of derived schemas on top of the shipped ones, as the CLI's --schemas"
        " (ini: conformance_schemas)",
    )
    parser.addini(
        "conformance_schemas",
        "a folder of derived schemas on top of the shipped ones (relative to the ini file)",
        default="",
    )
    parser.addini(
        "conformance_fixtures",
        "files and folders whose documents are collected as tests (relative to the ini file)",
        type="paths",
        default=[],
    )
    parser.addini("conformance_strict", "drift fails the test that saw it", type="bool")
    parser.addini("conformance_drift", "ignore, warn (default) or fail", default="warn")


@dataclass(frozen=True)
class Settings:
    """What one run was asked for, from the command line, then the ini file."""

    strict: bool
    drift: DriftMode
    # Fixture paths: those given on the command line are always collected; the ini ones only
    # when pytest chose its own starting points (no path arguments).
    fixtures_given: tuple[Path, ...]
    fixtures_configured: tuple[Path, ...]
    report: Path | None
    # The folder of derived schemas on top of the shipped ones, if any (``load_catalog``).
    schemas: Path | None = None

    @property
    def fixtures(self) -> tuple[Path, ...]:
        """Every fixture path, command line first, without repeats."""
        return tuple(dict.fromkeys((*self.fixtures_given, *self.fixtures_configured)))

    @classmethod
    def read(cls, config: pytest.Config) -> Settings:
        """The settings of a run; a ``pytest.UsageError`` for a bad value or a missing path."""
        drift = config.getoption("conformance_drift") or config.getini("conformance_drift")
        if drift not in DRIFT_MODES:
            raise pytest.UsageError(
                f"conformance_drift must be one of {', '.join(DRIFT_MODES)}, not {drift!r}"
            )
        strict = config.getoption("conformance_strict")
        if strict is None:
            strict = bool(config.getini("conformance_strict"))
        here = config.invocation_params.dir
        given = tuple((here / p).resolve() for p in config.getoption("conformance_fixtures"))
        configured = tuple(Path(p).resolve() for p in config.getini("conformance_fixtures"))
        for path in (*given, *configured):
            if not path.exists():
                raise pytest.UsageError(f"conformance fixtures: no such file or folder: {path}")
        report = config.getoption("conformance_report")
        schemas = _schemas_folder(config)
        return cls(
            strict=bool(strict),
            drift=cast(DriftMode, drift),
            fixtures_given=given,
            fixtures_configured=configured,
            report=(here / report) if report else None,
            schemas=schemas,
        )


def _schemas_folder(config: pytest.Config) -> Path | None:
    """The ``--conformance-schemas`` folder (from the current folder), else the ini one (from
    the ini file); a ``pytest.UsageError`` if it is not a folder. Its schemas are read and
    checked when the engine is first needed, so that a run that uses no fixture pays nothing."""
    given = config.getoption("conformance_schemas")
    if given:
        folder: Path = (config.invocation_params.dir / str(given)).resolve()
    else:
        configured = str(config.getini("conformance_schemas") or "")
        if not configured:
            return None
        base = config.inipath.parent if config.inipath else config.rootpath
        folder = (base / configured).resolve()
    if not folder.is_dir():
        what = "no such folder" if not folder.exists() else "not a folder"
        raise pytest.UsageError(f"conformance schemas: {what}: {folder}")
    return folder
