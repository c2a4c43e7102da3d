"""The lifecycle of a synchronization job: which states end a poller's wait, which may follow which.

The table is data of the catalog (``lifecycle.json`` beside the shipped schemas), so the poller
scenarios, ``conformance check-poller`` and the rules that look at a series of documents read
one set of facts, each with its source: a sentence of a vendor document (named, with its gist)
or, where no document says it, ``inferred`` with the reasoning. ``load`` reads and checks the
file once; a file of the wrong shape is a ``CatalogError`` that says where.

A *kind* names the property that holds the state: ``kendra.DataSourceSyncJob.Status``,
``graph.synchronizationStatus.code``. A state the table does not know (a value the service added
later) is not terminal: a poller that meets one keeps polling, and ``allowed`` says no.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from conformance.catalog import shipped_directory
from conformance.errors import CatalogError

FILE_NAME = "lifecycle.json"
KENDRA = "kendra.DataSourceSyncJob.Status"
GRAPH = "graph.synchronizationStatus.code"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document of ``sources/`` or a vendor page (``document`` or
    ``url``, with the ``gist`` of its sentence), or ``inferred`` with the ``reasoning``."""

    inferred: bool
    document: str | None = None
    url: str | None = None
    section: str | None = None
    gist: str | None = None
    reasoning: str | None = None
    see: str | None = None

    def text(self) -> str:
        """One line for a report: the document and section with the gist, or the reasoning."""
        if self.inferred:
            return f"inferred: {self.reasoning}"
        where = self.document or self.url or ""
        if self.section:
            where += f" ({self.section})"
        return f"{where}: {self.gist}"


@dataclass(frozen=True)
class State:
    """One state of a kind: whether a poller's wait ends at it, and why we say so."""

    name: str
    terminal: bool
    source: Source


@dataclass(frozen=True)
class Transition:
    """The states that may follow ``before``, and the source of that."""

    before: str
    after: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle of one kind: its states, the initial ones, and the transitions."""

    kind: str
    schema: str
    pointer: str
    question: str
    initial: tuple[str, ...]
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    def state(self, name: str) -> State | None:
        """The state named ``name``, or None for a state the table does not know."""
        return next((s for s in self.states if s.name == name), None)

    @property
    def terminal_states(self) -> tuple[str, ...]:
        """The states at which a poller stops, in the table's order."""
        return tuple(s.name for s in self.states if s.terminal)


@dataclass(frozen=True)
class Table:
    """Every kind's lifecycle, by kind."""

    lifecycles: tuple[Lifecycle, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds the table describes."""
        return tuple(life.kind for life in self.lifecycles)

    def get(self, kind: str) -> Lifecycle:
        """The lifecycle of ``kind``; a ``CatalogError`` naming the known kinds otherwise."""
        for life in self.lifecycles:
            if life.kind == kind:
                return life
        raise CatalogError(
            f"no lifecycle for {kind!r}; {FILE_NAME} describes {', '.join(self.kinds)}"
        )


@cache
def load() -> Table:
    """The shipped table, read and checked once."""
    return read(shipped_directory() / FILE_NAME)


def read(path: Path) -> Table:
    """The table in ``path``; a ``CatalogError`` naming the file and the place if it is not
    valid JSON or not of the table's shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(
            f"{path}: cannot read the lifecycle table: {exc.strerror or exc}"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"{path}: the lifecycle table is not JSON: {exc}") from None
    return parse(data, str(path))


def parse(data: Any, where: str = FILE_NAME) -> Table:
    """The table a parsed ``lifecycle.json`` describes; a ``CatalogError`` saying what is wrong
    and where (a JSON pointer) otherwise."""
    kinds = _member(_object(data, where, ""), "kinds", dict, where, "")
    if not kinds:
        raise CatalogError(f"{where}: /kinds is empty; the table describes at least one kind")
    return Table(tuple(_lifecycle(kind, body, where) for kind, body in kinds.items()))


def terminal(kind: str, state: str) -> bool:
    """Whether a poller's wait ends at ``state`` of ``kind`` (an unknown state: no)."""
    found = load().get(kind).state(state)
    return found is not None and found.terminal


@cache
def transitions(kind: str) -> dict[str, tuple[str, ...]]:
    """The states that may follow each state of ``kind`` (a state with none listed: none)."""
    return {t.before: t.after for t in load().get(kind).transitions}


@cache
def reachable_from(kind: str, before: str) -> tuple[str, ...]:
    """The states ``kind`` can be in after ``before`` by any number of transitions, ``before``
    itself included: what a later poll may see, when the polls in between were missed."""
    follows = transitions(kind)
    seen = [before]
    for state in seen:  # grows as it is walked: breadth first, each state once
        seen.extend(after for after in follows.get(state, ()) if after not in seen)
    return tuple(seen)


def reachable(kind: str, before: str, after: str) -> bool:
    """Whether a later poll may see ``after`` where an earlier one saw ``before`` (states the
    table does not know: never)."""
    life = load().get(kind)
    if life.state(before) is None or life.state(after) is None:
        return False
    return after in reachable_from(kind, before)


def allowed(kind: str, before: str, after: str) -> bool:
    """Whether ``after`` may follow ``before``: the same state again, or a listed transition.
    A state the table does not know is never allowed, on either side."""
    life = load().get(kind)
    if life.state(before) is None or life.state(after) is None:
        return False
    return before == after or after in transitions(kind).get(before, ())


def sources(kind: str) -> dict[str, Source]:
    """The source of each state's terminality of ``kind``, by state."""
    return {s.name: s.source for s in load().get(kind).states}


# --- the file's shape -------------------------------------------------------------------------


def _object(value: Any, where: str, pointer: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: {pointer or '/'} must be an object")
    return value


def _member(container: dict[str, Any], name: str, kind: type, where: str, pointer: str) -> Any:
    value = container.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        what = {dict: "an object", list: "a list", str: "a string", bool: "true or false"}[kind]
        raise CatalogError(f"{where}: {pointer}/{name} must be {what}")
    return value


def _strings(container: dict[str, Any], name: str, where: str, pointer: str) -> tuple[str, ...]:
    values = _member(container, name, list, where, pointer)
    if not all(isinstance(v, str) for v in values):
        raise CatalogError(f"{where}: {pointer}/{name} must be a list of strings")
    return tuple(values)


def _source(value: Any, where: str, pointer: str) -> Source:
    body = _object(value, where, pointer)
    text = {
        k: v
        for k, v in body.items()
        if k in ("document", "url", "section", "gist", "reasoning", "see")
    }
    if not all(isinstance(v, str) and v for v in text.values()):
        raise CatalogError(f"{where}: {pointer}: every member of a source is a non-empty string")
    if body.get("inferred") is True:
        if "reasoning" not in text:
            raise CatalogError(f"{where}: {pointer}: an inferred fact needs its reasoning")
        return Source(True, reasoning=text["reasoning"], see=text.get("see"))
    if ("document" in text) == ("url" in text) or "gist" not in text:
        raise CatalogError(
            f"{where}: {pointer}: a source names one document or url and the gist of its"
            ' sentence, or is "inferred": true with its reasoning'
        )
    return Source(
        False,
        document=text.get("document"),
        url=text.get("url"),
        section=text.get("section"),
        gist=text["gist"],
    )


def _lifecycle(kind: str, value: Any, where: str) -> Lifecycle:
    pointer = f"/kinds/{kind}"
    body = _object(value, where, pointer)
    states_body = _member(body, "states", dict, where, pointer)
    states = []
    for name, state in states_body.items():
        at = f"{pointer}/states/{name}"
        state = _object(state, where, at)
        terminal = _member(state, "terminal", bool, where, at)
        states.append(State(name, terminal, _source(state.get("source"), where, f"{at}/source")))
    known = {s.name for s in states}
    if not known:
        raise CatalogError(f"{where}: {pointer}/states is empty")
    initial = _strings(body, "initial", where, pointer)
    moves = []
    for number, item in enumerate(_member(body, "transitions", list, where, pointer)):
        at = f"{pointer}/transitions/{number}"
        item = _object(item, where, at)
        before = _member(item, "from", str, where, at)
        after = _strings(item, "to", where, at)
        moves.append(Transition(before, after, _source(item.get("source"), where, f"{at}/source")))
    named = [*initial, *(t.before for t in moves), *(a for t in moves for a in t.after)]
    unknown = sorted({n for n in named if n not in known})
    if unknown:
        raise CatalogError(
            f"{where}: {pointer} names states it does not list: {', '.join(unknown)}"
        )
    return Lifecycle(
        kind=kind,
        schema=_member(body, "schema", str, where, pointer),
        pointer=_member(body, "pointer", str, where, pointer),
        question=_member(body, "question", str, where, pointer),
        initial=initial,
        states=tuple(states),
        transitions=tuple(moves),
    )
