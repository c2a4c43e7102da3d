"""The ``conformance`` and ``conformance_catalog`` fixtures.

``conformance.validate(doc)`` answers a question (the findings, nothing recorded);
``conformance.assert_conforms(doc)`` makes an assertion, and what it checked counts for the run:
its drift is listed in the summary, its findings go to JUnit and to ``--conformance-report``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .state import RECORDED, next_name, record, run_of

if TYPE_CHECKING:
    from conformance import Catalog, Finding, Result


class Conformance:
    """What the ``conformance`` fixture gives a test.

    A ``doc`` may be a parsed JSON value (a dict, a list), JSON text (``str`` or ``bytes``), a
    ``pathlib.Path`` to a JSON, NDJSON, HAR or cassette file (every document in it), or a
    ``requests.Response`` (chosen a schema by its request, as recorded traffic is), or a boto3
    response (a dict with ``datetime`` values or ``ResponseMetadata``: its timestamps become
    epoch seconds and its metadata is dropped before validation, see ``conformance.captures``).
    ``schema``
    forces a schema by name; otherwise it is chosen by the CLI's selection rules.
    """

    def __init__(self, item: pytest.Item) -> None:
        self._item = item

    @property
    def catalog(self) -> Catalog:
        """The run's catalog: the shipped schemas (with ``--conformance-schemas`` on top)."""
        return _catalog(self._item.config)

    @property
    def results(self) -> list[Result]:
        """What this test has recorded so far (``assert_conforms``, the marker's responses)."""
        return list(self._item.stash.get(RECORDED, None) or ())

    def validate(self, doc: Any, schema: str | None = None) -> list[Finding]:
        """Every finding for ``doc``, most specific first; empty when it conforms without drift."""
        __tracebackhide__ = True
        return [f for result in self._check(doc, schema) for f in result.findings]

    def assert_conforms(self, doc: Any, schema: str | None = None, strict: bool = False) -> None:
        """Raise an ``AssertionError`` that shows the findings when ``doc`` does not conform.

        Violations, unreadable documents and documents no schema could be chosen for fail;
        drift fails when ``strict`` is true or the run is strict (``--conformance-strict``,
        ``--conformance-drift=fail``, ``[tool.conformance] strict``), and is recorded otherwise.
        """
        __tracebackhide__ = True
        from .render import failure_message

        strict = strict or run_of(self._item.config).strict
        results = list(self._check(doc, schema))
        for result in results:
            record(self._item, result)
        failing = [r for r in results if r.fails(strict)]
        if failing:
            raise AssertionError(failure_message(failing, strict))

    def _check(self, doc: Any, schema: str | None) -> Iterator[Result]:
        __tracebackhide__ = True
        checker = run_of(self._item.config).checker(schema)
        if isinstance(doc, os.PathLike):
            yield from checker.check_paths([doc])
            return
        from conformance import Exchange

        is_response = isinstance(doc, Exchange) or all(
            hasattr(doc, name) for name in ("content", "request", "status_code", "headers")
        )
        name = next_name(self._item, "response" if is_response else "document")
        result = checker.check(doc, name=name)
        if result.skipped is None:  # a redirect or a bodiless response holds no document
            yield result


@pytest.fixture
def conformance(request: pytest.FixtureRequest) -> Conformance:
    """Validate documents against the shipped schemas: ``validate`` and ``assert_conforms``."""
    node = request.node
    assert isinstance(node, pytest.Item)  # a function-scoped fixture's node is the test
    return Conformance(node)


@pytest.fixture(scope="session")
def conformance_catalog(pytestconfig: pytest.Config) -> Catalog:
    """The run's catalog (the shipped schemas, with ``--conformance-schemas`` on top): names,
    titles, source documents, the schemas."""
    return _catalog(pytestconfig)


def _catalog(config: pytest.Config) -> Catalog:
    """The run's catalog; a folder of schemas that cannot be used fails the test, no traceback."""
    from conformance import ConformanceError

    problem = None
    try:
        return run_of(config).catalog
    except ConformanceError as exc:
        problem = str(exc)
    # Outside the except block, so that the failure is not shown as a chained exception.
    pytest.fail(f"conformance: {problem}", pytrace=False)
