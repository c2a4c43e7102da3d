"""``@pytest.mark.conformance``: the responses of a marked test are checked.

That is every HTTP response the test receives through requests, httpx or botocore/boto3: each
client is hooked where every response passes once (``capture`` says where, and why there), and
the three hand their responses over in one form, checked one way.

Responses are checked as they arrive (so the run's record keeps their order) and judged when the
test's call is over: a test that passed but received a failing document fails with the findings,
without a traceback; a test that failed by itself keeps its own failure, and the findings are
added to its report as a section.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import TYPE_CHECKING

import pytest

from .state import next_name, record, run_of

if TYPE_CHECKING:
    from conformance import Checker, Exchange, Result

MARKER = "conformance"
MARKER_HELP = (
    "conformance(schema=None, strict=False): validate every HTTP response the test receives"
    " through requests, httpx or botocore/boto3 (the schema chosen as the CLI chooses it, or"
    " forced); strict=True makes drift fail the test too"
)


def arguments(mark: pytest.Mark) -> tuple[str | None, bool]:
    """The marker's ``schema`` and ``strict``; a bad argument fails the test, saying which."""
    kwargs = dict(mark.kwargs)
    if mark.args:
        if len(mark.args) > 1 or "schema" in kwargs:
            pytest.fail("conformance marker: give the schema once, as schema=NAME", pytrace=False)
        kwargs["schema"] = mark.args[0]
    unknown = sorted(set(kwargs) - {"schema", "strict"})
    if unknown:
        pytest.fail(
            f"conformance marker: unknown argument {', '.join(unknown)}; it takes schema and"
            " strict",
            pytrace=False,
        )
    schema = kwargs.get("schema")
    if schema is not None and not isinstance(schema, str):
        pytest.fail("conformance marker: schema must be a schema name (str)", pytrace=False)
    return schema, bool(kwargs.get("strict", False))


def around_call(item: pytest.Item) -> Generator[None, object, object]:
    """The body of the ``pytest_runtest_call`` wrapper: patch, run the test, judge what it got."""
    mark = item.get_closest_marker(MARKER)
    if mark is None:
        return (yield)
    from .capture import responses_seen
    from .render import failure_message

    schema, strict = arguments(mark)
    run = run_of(item.config)
    checker = run.checker(schema)
    strict = strict or run.strict
    checked: list[Result] = []
    streamed: list[tuple[Exchange, str]] = []
    # A test may fetch from several threads; responses are numbered and recorded one at a time.
    lock = threading.Lock()

    def on_response(exchange: Exchange) -> None:
        with lock:
            name = next_name(item, "response")
            if exchange.streamed:
                streamed.append((exchange, name))
            else:
                _keep(item, checker.check(exchange, name=name), checked)

    with responses_seen(on_response, checker.options.max_body):
        try:
            outcome = yield
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # the test's own failure (or skip): it stays the outcome
            _finish(item, streamed, checker, checked)
            failing = [r for r in checked if r.fails(strict)]
            if failing:
                item.add_report_section("call", "conformance", failure_message(failing, strict))
            raise
    _finish(item, streamed, checker, checked)
    failing = [r for r in checked if r.fails(strict)]
    if failing:
        pytest.fail(failure_message(failing, strict), pytrace=False)
    return outcome


def _finish(
    item: pytest.Item,
    streamed: list[tuple[Exchange, str]],
    checker: Checker,
    checked: list[Result],
) -> None:
    """Check the streamed responses, now that the test is done reading them."""
    for exchange, name in streamed:
        _keep(item, checker.check(exchange, name=name), checked)
    streamed.clear()


def _keep(item: pytest.Item, result: Result, checked: list[Result]) -> None:
    # A redirect or a bodiless response holds no document: nothing to record.
    if result.skipped is None:
        record(item, result)
        checked.append(result)
