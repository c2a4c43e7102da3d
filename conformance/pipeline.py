"""The pipeline every front-end calls: source -> documents -> selection -> validation -> results.

The CLI, the pytest plugin and the pre-commit hook differ only in where documents come from and
what is done with the results; the stages in between live here, once. Every stage is an
iterator, so a stream of any length is validated in flat memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from conformance.captures import Capture, convert, foreign_values, timestamp_members
from conformance.catalog import Catalog, default_catalog, load_catalog, property_reference
from conformance.config import Config
from conformance.documents import (
    DEFAULT_MAX_DEPTH,
    Document,
    engine_refusal,
    parse,
    positions,
    refusals,
    resources,
    too_deep_finding,
)
from conformance.findings import Finding, Location, Origin, Result
from conformance.rules import Broken, Check, ContractRule, Observer, RuleBook, Series
from conformance.selection import Selection, Selector
from conformance.sources import (
    DEFAULT_INCLUDE,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_DOCUMENT,
    Body,
    Lines,
    Skipped,
    read_inputs,
)
from conformance.validation import Engine


@dataclass(frozen=True)
class Options:
    """What a run is asked to do, whichever front-end asks."""

    schema: str | None = None
    config: Config | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    # None: checked for files and recorded traffic, not for NDJSON streams (see documents).
    check_duplicates: bool | None = None
    max_body: int = DEFAULT_MAX_BODY
    # Worker processes for NDJSON files; each reads its own byte ranges of the file.
    jobs: int = 1
    # A folder of derived schemas on top of the shipped ones (``load_catalog``); ignored when the
    # pipeline is given an engine, whose catalog it then uses.
    schemas: Path | None = None
    # Documents (files, NDJSON lines, stdin) larger than this are refused unread.
    max_document: int = DEFAULT_MAX_DOCUMENT
    # Documents nested deeper than this are refused before the engine sees them.
    max_depth: int = DEFAULT_MAX_DEPTH
    # Findings kept per document, most specific first; the rest are counted by kind.
    max_kept: int = 1000
    # What produced the documents (``conformance.captures``): ``wire`` validates them as they
    # are; ``aws-cli`` and ``boto3`` turn their timestamps into epoch seconds (and drop boto3's
    # ResponseMetadata) first; ``auto`` does so only for a document that certainly is one.
    capture: Capture = "wire"
    # Globs (fnmatch, ``*`` across ``/``) of the request URLs whose HAR entries and cassette
    # interactions are validated; the others are skipped ("URL not matched"). Empty: all of them.
    # Matched against the URL as recorded, which is never printed unredacted.
    urls: tuple[str, ...] = ()
    # Called with every resource of every document that gets a schema and is validated,
    # conforming or not, as ``observer(schema, value, location)``, before the document's result
    # is yielded; ``location.within`` is the resource's pointer in its body (``/History/3``).
    # For analyses over a corpus (``conformance.drift``) that need the values of conforming
    # documents too, which leave no finding. The values are raw, as parsed: redact what you keep
    # (``Finding`` does it for findings). With an observer, NDJSON files are validated in this
    # process (a worker's calls could not reach it); without one the bulk path pays nothing.
    observer: Callable[[str, Any, Location], None] | None = None
    # Contract rules beyond the schemas (``conformance.rules``) switched off by id, besides
    # those of ``[tool.conformance] disable-rules``.
    disabled_rules: tuple[str, ...] = ()

    def rules_off(self) -> tuple[str, ...]:
        """The contract rules switched off: these options' and the configuration's."""
        config = self.config
        return (*self.disabled_rules, *(config.disable_rules if config else ()))


class Pipeline:
    """One run's engine and selector, shared by every document of the run."""

    def __init__(self, options: Options | None = None, engine: Engine | None = None) -> None:
        self.options = options or Options()
        self.engine = engine or Engine(load_catalog(self.options.schemas))
        self.selector = Selector(self.engine.catalog, self.options.schema, self.options.config)
        self._timestamps: frozenset[str] | None = None
        # Where each envelope schema holds its resources, for the observer (see ``_resources``).
        self._plans: dict[str, tuple[tuple[str, str, str, bool], ...]] = {}
        self.rules = RuleBook(self.options.rules_off())
        self.series = Series(self.rules.series_enabled)
        # Where each schema holds objects some contract rule looks at (see ``_ruled``).
        self._rule_plans: dict[str, tuple[tuple[str, str, str, bool], ...] | None] = {}
        # Per schema with a plan: its document rules, its series observer, its members.
        self._rule_steps: dict[str, _Steps] = {}

    def run(self, paths: Sequence[str], stdin: IO[bytes] | None = None) -> Iterator[Result]:
        """Results for every document in the given files, folders (and ``-`` for stdin)."""
        o = self.options
        items = read_inputs(
            paths,
            include=o.include,
            exclude=o.exclude,
            stdin=stdin,
            max_body=o.max_body,
            max_document=o.max_document,
            urls=o.urls,
        )
        for item in items:
            if isinstance(item, Finding):
                yield Result(item.location, None, (item,))
            elif isinstance(item, Skipped):
                yield Result(item.location, None, (), item.origin, documents=0, skipped=item.reason)
            elif isinstance(item, Lines):
                if self.options.jobs > 1 and item.path is not None and o.observer is None:
                    from conformance.parallel import check_file

                    yield from check_file(self, item.path, item.name, self.options.jobs)
                else:
                    yield from self.check_lines(item)
            else:
                yield self.check_body(item)

    def check_lines(self, lines: Lines) -> Iterator[Result]:
        """Check an NDJSON stream; conforming lines come back in runs, one result per run.

        This is the bulk path, so it is written for speed: a line is parsed once with orjson and
        judged by the engine, and while a run lasts, the run's schema is tried first with no new
        selection (``Selector.holds`` says when that gives the same answer). A line that fails
        goes on to its explanation with what was already found; one that cannot be parsed goes
        through ``check_body`` for the reason. With the duplicate-key check on, every line takes
        the full path.
        """
        if self.options.check_duplicates or self.options.capture != "wire":
            for body in lines.bodies():
                yield self.check_body(body)
            return
        import orjson

        loads, name, select = orjson.loads, lines.name, self.selector.select_value
        observe = self._observe if self.options.observer is not None else None
        validators: dict[str, Any] = {}
        run: _Run | None = None
        # The current run's verdict, selection test and resource count, while its selection
        # holds without selecting again (see Selector.holds).
        held_valid: Any = None
        held_holds: Any = None
        held_count: Any = None
        # The run's schema when contract rules look at its documents, else None.
        held_ruled: str | None = None
        for number, raw in enumerate(lines.stream, lines.first):
            if not raw or raw.isspace():
                continue
            # The contract rules' findings of a line judged already: the series rules have seen
            # it, and must not see it twice.
            pending: list[Finding] | None = None
            try:
                value = loads(raw)
            except orjson.JSONDecodeError:
                value = _UNPARSED
            else:
                held = held_valid is not None and held_valid(value) and held_holds(value)
                if held and held_ruled is not None:
                    pending = self._ruled_line(value, held_ruled, name, number)
                if held and not pending:
                    assert run is not None
                    if observe is not None:
                        observe(value, run.selection.schema, name, number)
                    if run.documents < _RUN:
                        run.last = number
                        run.documents += 1
                        run.resources += held_count(value)
                    else:
                        yield run.result(name)
                        run = _Run(run.selection, number, held_count(value))
                    continue
            selection = select(value, name) if value is not _UNPARSED else None
            schema = selection.schema if selection is not None else None
            if selection is not None and schema is not None:
                valid = validators.get(schema)
                if valid is None:
                    valid = validators[schema] = self.engine.validator(schema).verdict
                if valid(value):
                    ruled = (
                        pending
                        if pending is not None
                        else self._ruled_line(value, schema, name, number)
                    )
                    if ruled:
                        # Valid, but a contract rule is broken: a result of its own.
                        if run is not None:
                            yield run.result(name)
                            run, held_valid = None, None
                        where = Location(name, number, entry=number, entry_kind="line")
                        document = Document(value, where, None, raw)
                        # (_validate hands the document to the observer.)
                        yield self._validate(document, selection, valid=True, ruled=ruled)
                        continue
                    if observe is not None:
                        observe(value, schema, name, number)
                    count = self._count(value, schema)
                    if run is not None and run.selection == selection and run.documents < _RUN:
                        run.add(number, count)
                    else:
                        if run is not None:
                            yield run.result(name)
                        run = _Run(selection, number, count)
                        held_holds = self.selector.holds(selection, name)
                        held_valid = valid if held_holds is not None else None
                        held_count = self._counter(schema)
                        held_ruled = schema if self._rule_plan(schema) is not None else None
                    continue
            if run is not None:
                yield run.result(name)
                run, held_valid = None, None
            where = Location(name, number, entry=number, entry_kind="line")
            if selection is None:
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                yield self.check_body(Body(raw, where))
                continue
            document = Document(value, where, None, raw)
            # orjson reads 1,024 levels, the engine explains 255: refused here, as parse() does.
            deep = too_deep_finding(document, self.options.max_depth)
            if deep is not None:
                yield Result(where, None, (deep,))
            elif schema is None:
                yield self.check(document)
            else:
                # Parsed, selected and judged already: on to the explanation.
                yield self._validate(document, selection, valid=False)
        if run is not None:
            yield run.result(name)

    def check_body(self, body: Body) -> Result:
        """Parse one body and check the document in it."""
        check = self.options.check_duplicates
        if check is None:
            check = body.location.entry_kind != "line"
        o = self.options
        parsed = parse(
            body,
            check_duplicates=check,
            max_depth=o.max_depth,
            max_size=o.max_document,
            keep=o.max_kept,
        )
        if isinstance(parsed, list):
            kept, dropped = _capped(parsed, o.max_kept, getattr(parsed, "omitted", 0))
            return Result(body.location, None, kept, body.origin, dropped=dropped)
        if body.location.entry_kind in _RECORDED:
            from conformance.recordings import TOKEN_RESPONSE, is_token_response

            # The reader skips a token response by its text; one that spells its members with
            # escapes (``"access\u005ftoken"``) is caught here, still before any validation.
            if is_token_response(parsed.value):
                where, origin = body.location, body.origin
                return Result(where, None, (), origin, documents=0, skipped=TOKEN_RESPONSE)
        return self.check(parsed)

    def check(self, document: Document, capture: Capture | None = None) -> Result:
        """Select a schema for a parsed document and validate it.

        ``capture`` (default: the options') says what produced it; a capture that is not the
        wire form is converted first (``conformance.captures``), and the result says so.
        """
        where = document.location
        capture = capture or self.options.capture
        if document.text is None:
            # A value parsed by the caller: what parse() refuses in text is refused here.
            refused = refusals(document, self.options.max_depth)
            if refused:
                kept, dropped = _capped(refused, self.options.max_kept)
                return Result(where, None, kept, document.origin, dropped=dropped)
        if capture != "wire":
            if self._timestamps is None:
                self._timestamps = timestamp_members(self.engine.catalog)
            converted = convert(document.value, capture, self._timestamps)
            note = converted.note
            if note is not None:
                document = replace(document, value=converted.value)
                return replace(self._check(document), converted=note)
        return self._check(document)

    def _check(self, document: Document) -> Result:
        where = document.location
        if document.text is None:
            # A caller's Python value may hold what no JSON document does (a datetime, a set):
            # a finding at its pointer, not an engine exception.
            foreign = foreign_values(document.value, self.options.max_kept)
            if foreign:
                found = tuple(
                    Finding(
                        kind="unreadable",
                        location=where,
                        message=f"a Python {name} is not a JSON value, so the document is not"
                        " validated",
                        pointer=pointer,
                        rule_id="capture.python-value",
                    )
                    for pointer, name in foreign
                )
                return Result(where, None, found, document.origin)
        selection = self.selector.select(document)
        if selection.error is not None:
            finding = Finding(kind="error-response", location=where, message=selection.error)
            found = (finding, *self._problems(document))
            return Result(where, None, found, document.origin, selection.reason)
        if selection.schema is None:
            finding = Finding(
                kind="unselected",
                location=where,
                message=f"no schema chosen: {selection.reason}",
            )
            found = (finding, *self._problems(document))
            return Result(where, None, found, document.origin, selection.reason)
        return self._validate(document, selection)

    def _problems(self, document: Document) -> tuple[Finding, ...]:
        """The reader's own violations, placed, for a document no schema validates."""
        if not document.problems:
            return ()
        places = positions(document, [f.pointer for f in document.problems])
        return tuple(
            replace(f, location=places.get(f.pointer, document.location))
            for f in document.problems[: self.options.max_kept]
        )

    def _validate(
        self,
        document: Document,
        selection: Selection,
        valid: bool | None = None,
        ruled: Sequence[Finding] | None = None,
    ) -> Result:
        """Validate a selected document, with the contract rules (``ruled``: their findings,
        when the caller has them already)."""
        schema = selection.schema
        assert schema is not None
        validator = self.engine.validator(schema)
        count = self._count(document.value, schema)
        result = Result(document.location, schema, (), document.origin, selection.reason, count)
        observer = self.options.observer
        if observer is not None:
            for within, owner, value in self._resources(document.value, schema):
                observer(owner, value, replace(document.location, within=within))
        try:
            # With its request: a document the schema accepts may still hold a member of an
            # evolvable enum that the request did not ask for (``SchemaValidator.unrequested``).
            explained = validator.findings(
                document.value, document.location, valid=valid, origin=document.origin
            )
        except (ValueError, UnicodeError, RecursionError, OverflowError, TypeError) as exc:
            # What the readers refuse never gets here; should the engine still refuse a value,
            # that is this document's finding, and the run goes on.
            return replace(result, findings=(engine_refusal(document, exc),))
        if document.problems:
            # The engine saw those values as null: its findings there are about a value that
            # was never sent.
            at = {f.pointer for f in document.problems}
            explained = [*document.problems, *(f for f in explained if f.pointer not in at)]
        if ruled is None:
            where = document.location
            ruled = self._ruled(document.value, schema, where.source, where, document.origin)
        if ruled:
            explained = [*explained, *ruled]
        if not explained:
            return result
        kept, dropped = _capped(explained, self.options.max_kept)
        # Only the findings kept are placed, all in one pass over the document's text.
        held = dict(resources(document.value, schema, self.engine.catalog))
        places = positions(document, [f.pointer for f in kept])
        placed = tuple(_placed(f, document, held, places) for f in kept)
        return replace(result, findings=placed, dropped=dropped)

    def _ruled_line(self, value: Any, schema: str, name: str, number: int) -> list[Finding]:
        """The contract rules' findings for a conforming NDJSON line (nothing to do for a
        schema no rule looks into; the line's location is made only for a finding)."""
        if self._rule_plan(schema) is None:
            return []
        return self._ruled(value, schema, name, (name, number))

    def _ruled(
        self,
        value: Any,
        schema: str,
        source: str,
        where: Location | tuple[str, int],
        origin: Origin | None = None,
    ) -> list[Finding]:
        """The findings of the contract rules (``conformance.rules``) over a document of
        ``source``: the document rules of each object they apply to, and the series rules,
        which remember it. ``where`` is the document's location, or an NDJSON line's (name,
        number), made into one only when a rule is broken: this runs for every line of a bulk
        stream, so the walk uses steps compiled once per schema (``_rule_plan``)."""
        if self._rule_plan(schema) is None:
            return []
        self.series.next_document()
        broken: list[tuple[str, Broken]] = []
        self._walk(value, schema, "", source, origin, broken)
        if not broken:
            return []
        if isinstance(where, tuple):
            name, number = where
            where = Location(name, number, entry=number, entry_kind="line")
        return [b.at(replace(where, within=pointer) if pointer else where) for pointer, b in broken]

    def _walk(
        self,
        item: Any,
        owner: str,
        pointer: str,
        source: str,
        origin: Origin | None,
        broken: list[tuple[str, Broken]],
    ) -> None:
        """Check one object of ``owner``'s schema at ``pointer`` and walk into the members
        its steps name, in document order."""
        if type(item) is not dict:
            return
        checks, observe, members = self._rule_steps[owner]
        for rule, check in checks:
            found = check(item)
            if found:
                broken.extend((pointer, Broken(rule, owner, *v)) for v in found)
        if observe is not None:
            seen = observe(item, source, origin)
            if seen:
                broken.extend((pointer, b) for b in seen)
        for name, escaped, target, many in members:
            member = item.get(name)
            if member is None:
                continue
            if not many:
                self._walk(member, target, f"{pointer}/{escaped}", source, origin, broken)
                continue
            if type(member) is not list:
                continue
            inner_checks, inner_observe, inner_members = self._rule_steps[target]
            if inner_members:
                for index, sub in enumerate(member):
                    at = f"{pointer}/{escaped}/{index}"
                    self._walk(sub, target, at, source, origin, broken)
                continue
            # An array of objects with nothing to walk into (a page's jobs): checked here,
            # with no call and no pointer made per item unless a rule is broken.
            for index, sub in enumerate(member):
                if type(sub) is not dict:
                    continue
                for rule, check in inner_checks:
                    found = check(sub)
                    if found:
                        at = f"{pointer}/{escaped}/{index}"
                        broken.extend((at, Broken(rule, target, *v)) for v in found)
                if inner_observe is not None:
                    seen = inner_observe(sub, source, origin)
                    if seen:
                        at = f"{pointer}/{escaped}/{index}"
                        broken.extend((at, b) for b in seen)

    def _rule_plan(self, schema: str) -> tuple[tuple[str, str, str, bool], ...] | None:
        """The properties of ``schema`` that hold objects a contract rule looks at, at any
        depth (name, pointer token, schema, array); None when no rule looks at ``schema`` or
        anything in it, so that such documents pay one dictionary lookup."""
        if schema in self._rule_plans:
            return self._rule_plans[schema]
        self._rule_plans[schema] = None  # a schema that refers to itself ends here
        catalog = self.engine.catalog
        plan = []
        properties = catalog.schema(schema).get("properties", {})
        for name, sub in properties.items() if isinstance(properties, dict) else ():
            if not isinstance(sub, dict):
                continue
            ref, many = property_reference(sub)
            target = catalog.name_of(ref) if ref else None
            if target is not None and self._rule_plan(target) is not None:
                escaped = name.replace("~", "~0").replace("/", "~1")
                plan.append((name, escaped, target, many))
        looked_at = self.rules.applies(schema) or schema in self.series.watched
        found = tuple(plan) if plan or looked_at else None
        self._rule_plans[schema] = found
        if found is not None:
            checks = self.rules.checks(schema)
            self._rule_steps[schema] = (checks, self.series.observer(schema), found)
        return found

    def _observe(self, value: Any, schema: str | None, name: str, number: int) -> None:
        """Hand the resources of a conforming NDJSON line to the observer."""
        observer = self.options.observer
        if observer is None or schema is None:
            return
        for within, held, item in self._resources(value, schema):
            where = Location(name, number, entry=number, entry_kind="line", within=within)
            observer(held, item, where)

    def _resources(
        self, value: Any, schema: str, pointer: str = ""
    ) -> Iterator[tuple[str, str, Any]]:
        """The resources of a document as (pointer, schema, value), the document itself first:
        what ``documents.resources`` finds, with their values, from a plan made once per schema
        (this runs for every line of a bulk stream when an observer is set)."""
        yield pointer, schema, value
        if not isinstance(value, dict):
            return
        for name, escaped, target, many in self._plan(schema):
            if name not in value:
                continue
            child, member = f"{pointer}/{escaped}", value[name]
            if many and isinstance(member, list):
                for index, item in enumerate(member):
                    if isinstance(item, dict):
                        yield from self._resources(item, target, f"{child}/{index}")
            elif not many and isinstance(member, dict):
                yield from self._resources(member, target, child)

    def _plan(self, schema: str) -> tuple[tuple[str, str, str, bool], ...]:
        """An envelope's properties that hold resources: (name, its pointer token, the
        resource's schema, whether an array of them); none for a schema of another kind."""
        found = self._plans.get(schema)
        if found is None:
            catalog = self.engine.catalog
            plan = []
            if catalog.get(schema).kind == "envelope":
                for name, sub in catalog.schema(schema).get("properties", {}).items():
                    ref, many = property_reference(sub)
                    target = catalog.name_of(ref) if ref else None
                    if target is not None:
                        escaped = name.replace("~", "~0").replace("/", "~1")
                        plan.append((name, escaped, target, many))
            found = self._plans[schema] = tuple(plan)
        return found

    def _counter(self, schema: str) -> Any:
        """``_count`` for documents known to conform to ``schema`` (their arrays are lists)."""
        arrays = self.engine.catalog.resource_arrays(schema)
        if not arrays:
            return _one
        if len(arrays) == 1:
            (array,) = arrays

            def count_one(value: dict[str, Any]) -> int:
                items = value.get(array)
                return len(items) or 1 if items is not None else 1

            return count_one
        return lambda value: self._count(value, schema)

    def _count(self, value: object, schema: str) -> int:
        """How many resources a document holds: the items of an envelope's arrays, else one."""
        arrays = self.engine.catalog.resource_arrays(schema)
        if not arrays or not isinstance(value, dict):
            return 1
        return max(sum(len(v) for a in arrays if isinstance(v := value.get(a), list)), 1)


# A schema's properties that hold objects of a catalog schema: (name, pointer token, schema,
# whether an array of them).
_Members = tuple[tuple[str, str, str, bool], ...]
# What the contract rules do with an object of a schema: its document rules with their checks,
# its series observer, and the members to walk into.
_Steps = tuple[tuple[tuple[ContractRule, Check], ...], Observer | None, _Members]

# Where a body comes from a recorded exchange (a HAR entry, a cassette interaction).
_RECORDED = frozenset({"entry", "interaction"})
# Conforming lines reported as one result at most this many at a time, so progress keeps moving.
_RUN = 10_000
_UNPARSED = object()


def _one(value: object) -> int:
    return 1


class _Run:
    """Consecutive conforming NDJSON lines with the same selection, being counted."""

    __slots__ = ("documents", "first", "last", "resources", "selection")

    def __init__(self, selection: Selection, first: int, resources: int) -> None:
        self.selection, self.first, self.last = selection, first, first
        self.documents, self.resources = 1, resources

    def add(self, line: int, resources: int) -> None:
        self.last = line
        self.documents += 1
        self.resources += resources

    def result(self, name: str) -> Result:
        where = Location(name, self.first, entry=self.first, entry_kind="line", last_line=self.last)
        s = self.selection
        return Result(where, s.schema, (), None, s.reason, self.resources, self.documents)


def _capped(
    findings: Sequence[Finding], limit: int, unmade: int = 0
) -> tuple[tuple[Finding, ...], tuple[tuple[str, int], ...]]:
    """The first ``limit`` findings, and how many of each kind the rest hold (with ``unmade``
    more unreadable ones that the reader counted without making them)."""
    rest = Counter(f.kind for f in findings[limit:])
    if unmade:
        rest["unreadable"] += unmade
    return tuple(findings[:limit]), tuple(sorted(rest.items()))


def _placed(
    finding: Finding, document: Document, held: dict[str, str], places: dict[str, Location]
) -> Finding:
    """The finding with the resource it belongs to (the deepest one holding its pointer, looked
    up by the pointer's prefixes) and its position in the file."""
    within = finding.pointer
    while within not in held and within:
        within = within[: within.rfind("/")]
    schema = held.get(within, finding.schema)
    at = places.get(finding.pointer, document.location)
    return replace(finding, schema=schema, location=replace(at, within=within))


def validate_examples(catalog: Catalog | None = None) -> Iterator[Result]:
    """Validate the JSON examples the source documents quote, each against its own schema."""
    catalog = catalog or default_catalog()
    engine = Engine(catalog)
    for entry in catalog:
        schema = catalog.schema(entry.name)
        sources = schema.get("x-examples-source", [])
        pipeline = Pipeline(Options(schema=entry.name), engine)
        for index, example in enumerate(schema.get("examples", [])):
            source = sources[index] if index < len(sources) else {}
            location = Location(
                f"{source.get('document', entry.document)} ({source.get('section', 'example')})",
                source.get("line"),
                entry=index + 1,
                entry_kind="example",
            )
            yield pipeline.check(Document(example, location))
