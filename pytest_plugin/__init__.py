"""pytest plugin of sync-conformance, installed as ``sync_conformance_pytest``.

Registered through the ``pytest11`` entry point. It is installed under that unique name so that
users' site-packages get no generic ``pytest_plugin`` module. Its fixtures, markers and options
are built on the public API of the ``conformance`` package (``conformance.Checker``), as the
``conformance`` command is: the same readers, the same schema selection, the same findings and
the same JSON report.

What it offers:

- fixtures ``conformance`` (``validate``, ``assert_conforms``) and ``conformance_catalog``;
- the marker ``@pytest.mark.conformance(schema=None, strict=False)``, which checks every HTTP
  response a test receives through ``requests``, ``httpx`` or botocore/boto3, live or replayed
  from a cassette;
- ``--conformance-fixtures PATH``: one test per document of the files under PATH;
- ``--conformance-schemas DIR``: derived schemas on top of the shipped ones, as the CLI's
  ``--schemas DIR``;
- ``--conformance-strict``, ``--conformance-drift``, ``--conformance-report``, a drift table in
  the terminal summary, and findings as JUnit XML properties.

Importing it is cheap on purpose: pytest imports every installed plugin at start-up, so only
pytest itself and the standard library are imported here; the engine (and the HTTP clients) are
imported when a fixture, the marker or a fixture file first needs them.
"""

from __future__ import annotations

from .fixtures import Conformance, conformance, conformance_catalog
from .hooks import (
    pytest_addoption,
    pytest_collect_file,
    pytest_configure,
    pytest_runtest_call,
    pytest_runtest_makereport,
    pytest_unconfigure,
)

__all__ = [
    "Conformance",
    "conformance",
    "conformance_catalog",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_configure",
    "pytest_runtest_call",
    "pytest_runtest_makereport",
    "pytest_unconfigure",
]
