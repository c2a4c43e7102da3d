"""In-process fuzzing: drive a Python client (an SDK's own parser) with generated documents.

``fuzz(client, name, mode=..., as_=...)`` calls ``client`` on documents from
``conformance.strategies.documents(name, mode)`` through Hypothesis, as the parsed value
(``as_="value"``), as the bytes of compact UTF-8 JSON (``"bytes"``) or as an HTTP ``Response``
(status, headers, body; ``"response"``). An exception that is an instance of ``rejects`` is a clean
rejection, counted; any other exception is a crash. Crashes are grouped by the exception's type
and the innermost frame of its traceback (``file:function:line``, where the client raised it),
and each group is shrunk by Hypothesis: a second search, bounded by ``shrink_examples``, for a
document that crashes with the same key, which Hypothesis then minimises.
"""

from __future__ import annotations

import copy
import json
import random
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from conformance.fuzzing import encode
from conformance.strategies import Mode, documents

if TYPE_CHECKING:
    from hypothesis import settings as Settings

__all__ = ["As", "Crash", "FuzzReport", "Response", "fuzz"]

As = Literal["value", "bytes", "response"]
AS: tuple[As, ...] = ("value", "bytes", "response")
# Examples the shrinking search of one crash group may generate before it gives up.
SHRINK_EXAMPLES = 200


@dataclass(frozen=True)
class Response:
    """An HTTP response as an SDK's parser sees it; ``parse(*response)`` unpacks it."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.status, self.headers, self.body))


@dataclass(frozen=True)
class Crash:
    """One group of crashes: the same exception type raised at the same innermost frame."""

    exception: str  # the exception's type name, ``KeyError``
    frame: str  # the innermost frame, ``path/to/client.py:function:12``
    count: int  # the examples of the main run that crashed this way
    message: str  # the first crash's message
    document: Any  # the minimal document found that crashes this way

    @property
    def key(self) -> tuple[str, str]:
        return (self.exception, self.frame)

    @property
    def reproducer(self) -> bytes:
        """The minimal document as the client's bytes (compact UTF-8 JSON)."""
        return encode(self.document)


@dataclass(frozen=True)
class FuzzReport:
    """What one in-process fuzzing run saw."""

    name: str
    mode: str
    as_: str
    seed: int
    examples: int  # client calls in the main run
    accepted: int  # calls that returned
    rejected: int  # calls that raised one of ``rejects``
    rejections: tuple[tuple[str, int], ...]  # (exception type name, count), most frequent first
    crashes: tuple[Crash, ...]  # most frequent first

    @property
    def ok(self) -> bool:
        return not self.crashes

    def text(self) -> str:
        lines = [
            f"{self.name} ({self.mode}, as {self.as_}, seed {self.seed}): {self.examples} "
            f"examples, {self.accepted} accepted, {self.rejected} rejected cleanly, "
            f"{sum(c.count for c in self.crashes)} crashed in {len(self.crashes)} group(s)"
        ]
        if self.rejections:
            lines.append(
                "rejections: " + ", ".join(f"{name} x{count}" for name, count in self.rejections)
            )
        for number, crash in enumerate(self.crashes, 1):
            lines.append(f"{number}. {crash.exception} at {crash.frame} (x{crash.count})")
            lines.append(f"   message: {crash.message}")
            lines.append(f"   minimal: {crash.reproducer.decode('utf-8', 'replace').rstrip()}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Outcome:
    kind: Literal["accepted", "rejected", "crashed"]
    exception: str = ""
    frame: str = ""
    message: str = ""


def _argument(document: Any, as_: As) -> Any:
    if as_ == "value":
        return copy.deepcopy(document)
    data = encode(document)
    if as_ == "bytes":
        return data
    return Response(200, {"Content-Type": "application/json; charset=utf-8"}, data)


def _innermost(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{last.filename}:{last.name}:{last.lineno}"


def _call(
    client: Callable[[Any], object],
    document: Any,
    as_: As,
    rejects: tuple[type[BaseException], ...],
) -> _Outcome:
    argument = _argument(document, as_)
    try:
        client(argument)
    except Exception as error:  # a crash is what we look for
        name = type(error).__qualname__
        if isinstance(error, rejects):
            return _Outcome("rejected", name)
        return _Outcome("crashed", name, _innermost(error), str(error))
    return _Outcome("accepted")


def _settings(max_examples: int) -> Settings:
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
    )


def _size(document: Any) -> int:
    return len(encode(document))


def fuzz(
    client: Callable[[Any], object],
    name: str,
    *,
    mode: Mode = "hostile",
    as_: As = "value",
    rejects: tuple[type[BaseException], ...] | type[BaseException] = (ValueError,),
    max_examples: int = 100,
    seed: int = 0,
    shrink_examples: int = SHRINK_EXAMPLES,
) -> FuzzReport:
    """Call ``client`` on ``max_examples`` documents of the schema ``name`` in ``mode`` and report
    its clean rejections (``rejects``) and its crashes, grouped and shrunk (see the module)."""
    from hypothesis import find, given
    from hypothesis import seed as seeded
    from hypothesis.errors import NoSuchExample

    if as_ not in AS:
        raise ValueError(f"unknown as_ {as_!r}: one of {', '.join(AS)}")
    if max_examples < 1:
        raise ValueError("max_examples must be at least 1")
    rejected_types = rejects if isinstance(rejects, tuple) else (rejects,)
    strategy = documents(name, mode)

    examples = accepted = 0
    rejections: dict[str, int] = {}
    counts: dict[tuple[str, str], int] = {}
    first: dict[tuple[str, str], tuple[str, Any]] = {}

    @seeded(seed)
    @_settings(max_examples)
    @given(strategy)
    def run(document: Any) -> None:
        nonlocal examples, accepted
        examples += 1
        outcome = _call(client, document, as_, rejected_types)
        if outcome.kind == "accepted":
            accepted += 1
        elif outcome.kind == "rejected":
            rejections[outcome.exception] = rejections.get(outcome.exception, 0) + 1
        else:
            key = (outcome.exception, outcome.frame)
            counts[key] = counts.get(key, 0) + 1
            if key not in first:
                first[key] = (outcome.message, copy.deepcopy(document))

    run()

    crashes = []
    for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        message, found = first[key]

        def same(document: Any, key: tuple[str, str] = key) -> bool:
            outcome = _call(client, document, as_, rejected_types)
            return (outcome.exception, outcome.frame) == key and outcome.kind == "crashed"

        try:
            minimal = find(
                strategy,
                same,
                settings=_settings(shrink_examples),
                random=random.Random(f"{seed}:{key}"),
            )
        except NoSuchExample:
            minimal = found
        if _size(found) < _size(minimal):
            minimal = found
        crashes.append(Crash(key[0], key[1], count, message, copy.deepcopy(minimal)))

    return FuzzReport(
        name=name,
        mode=mode,
        as_=as_,
        seed=seed,
        examples=examples,
        accepted=accepted,
        rejected=sum(rejections.values()),
        rejections=tuple(sorted(rejections.items(), key=lambda item: (-item[1], item[0]))),
        crashes=tuple(crashes),
    )
