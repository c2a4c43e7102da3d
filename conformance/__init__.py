"""sync-conformance: schema conformance for the APIs that report synchronization jobs.

The public API is small on purpose::

    import conformance

    result = conformance.check(document)            # a value, JSON text, a path, a response
    for result in conformance.check_paths(["recordings/"]):   # files, folders, "-" for stdin
        for finding in result.findings:
            print(finding.location, finding.pointer, finding.kind, finding.expected, finding.actual)

    checker = conformance.Checker(conformance.Options(schema="kendra.DataSourceSyncJob"))
    checker.check(page)                              # compiled once, for many calls

Public are the names below, the report formats in ``conformance.report`` and the deriver in
``conformance.derive``; every other module is private to the package and may change. The CLI
and the pytest plugin use nothing else.
``conformance.schemadiff`` (two sets of schemas compared, changes as data) is public too.
``conformance.drift`` (the enum values and properties a corpus uses, declared or not, fed by
``Options(observer=...)``, which sees every validated resource's values) is public too.
``conformance.strategies`` (Hypothesis strategies and a seeded generator of valid, drifted and
hostile documents for every catalog schema) is public too.
``conformance.fuzz(client, name, ...)`` fuzzes a Python client in process
(``conformance.fuzz_python``, imported with Hypothesis on the first call) and is public too.
"""

from typing import TYPE_CHECKING, Any

from conformance.api import Checker, Options, check, check_paths, examples
from conformance.bodies import Body, BodyError
from conformance.catalog import Catalog, CatalogEntry, default_catalog, load_catalog
from conformance.config import Config, Globs, find_config
from conformance.documents import ENGINE_MAX_DEPTH
from conformance.errors import CatalogError, ConformanceError, DerivationError, InputError
from conformance.findings import (
    DRIFT_KINDS,
    FAILING_KINDS,
    Finding,
    Location,
    Origin,
    Result,
    Rule,
)
from conformance.responses import Exchange

if TYPE_CHECKING:
    from conformance.fuzz_python import FuzzReport


def fuzz(*args: Any, **kwargs: Any) -> "FuzzReport":
    """In-process fuzzing of a Python client: ``conformance.fuzz_python.fuzz``, imported (with
    Hypothesis) on the first call so that ``import conformance`` stays cheap."""
    from conformance.fuzz_python import fuzz as run

    return run(*args, **kwargs)


__all__ = [
    "DRIFT_KINDS",
    "ENGINE_MAX_DEPTH",
    "FAILING_KINDS",
    "Body",
    "BodyError",
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "Checker",
    "Config",
    "ConformanceError",
    "DerivationError",
    "Exchange",
    "Finding",
    "Globs",
    "InputError",
    "Location",
    "Options",
    "Origin",
    "Result",
    "Rule",
    "check",
    "check_paths",
    "default_catalog",
    "examples",
    "find_config",
    "fuzz",
    "load_catalog",
]
