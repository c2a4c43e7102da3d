"""sync-conformance: schema conformance for the APIs that report synchronization jobs.

The public API is small on purpose::

    from conformance import default_catalog, load_catalog, Engine, Location

    engine = Engine()
    for finding in engine.findings(document, "kendra.DataSourceSyncJob", Location("job.json")):
        print(finding.pointer, finding.message)

    engine = Engine(load_catalog("derived-schemas/"))  # the shipped schemas, a folder's on top

Everything else is private to the package and may change.
"""

from conformance.catalog import Catalog, CatalogEntry, default_catalog, load_catalog
from conformance.errors import CatalogError, ConformanceError, DerivationError, InputError
from conformance.findings import Finding, Location, Result, Rule
from conformance.validation import Engine

__all__ = [
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "ConformanceError",
    "DerivationError",
    "Engine",
    "Finding",
    "InputError",
    "Location",
    "Result",
    "Rule",
    "default_catalog",
    "load_catalog",
]
