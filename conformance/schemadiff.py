"""Compare two sets of JSON Schemas as a client that receives the responses they describe sees it.

``diff(old, new)`` takes two sets of schemas (name -> schema: a ``Catalog``'s, a folder's, one
file's), follows the ``$ref``s between the schemas of each set, and returns a ``SchemaDiff``: the
types it paired (``Match``), the schemas only one side has, and every ``Change``, a frozen record
of raw values (the whole enum lists, the values added and removed, the old and new bounds). How
changes are shown (``to_text``, ``to_markdown``, ``to_json``) is kept apart from what they are.

Types are paired by name (or a former name, ``x-catalog`` ``aliases``) and by the property path
that reaches them: when a paired type's property refers to ``X`` in OLD and to ``Y`` in NEW, ``X``
and ``Y`` are the same type renamed (Graph's ``synchronizationJobExecution`` and
``synchronizationTaskExecution`` both sit at ``status.lastExecution``). Each pair is compared
once, and its changes are reported at the shortest path from a root (a paired type no other
paired type refers to): ``schema`` and ``pointer`` say where the change is written,
``root`` and ``path`` where a document carries it (``graph.synchronizationJob``,
``/status/quarantine/reason``). In paths, ``*`` stands for any array element or map value.

Rule ids follow oasdiff's response checks where oasdiff has one; the level is what the change
means to a client receiving the response:

- ``ERR``: what the client relied on may break it: a type changed or widened, a property became
  nullable or optional, a required property removed, a ``const`` changed;
- ``WARN``: the client may receive what it does not know: an enum value, a property, a longer
  string, a larger number, a looser pattern, a format or bound dropped;
- ``INFO``: the client receives less than before: values, optional properties or types removed,
  constraints tightened, an enum or a format where there was none.

Ids invented here, where oasdiff has none (they follow its pattern): ``response-property-enum-set``
(INFO) and ``-enum-unset`` (WARN), ``response-property-format-set`` (INFO), ``-format-unset``
(WARN), ``-format-changed`` (ERR), ``response-property-pattern-properties-changed`` (WARN),
``response-property-became-open`` (WARN) and ``-became-closed`` (INFO) for
``additionalProperties: false`` dropped or added, ``response-property-<bound>-changed`` (WARN) for
a bound that is not a number on one side, ``response-property-keyword-changed`` (WARN) for any
other validation keyword, and ``response-schema-added`` / ``-removed`` (INFO) for a schema only
one side has. Annotations (``description``, ``title``, ``examples``, ``default``, ``$comment``,
``x-*``) are never compared.

Nothing here raises on a schema, however odd: a value of the wrong type for its keyword is
compared as it is, a ``$ref`` that names nothing in its set is compared by what it says, and
cycles and depth are bounded.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from conformance.errors import ConformanceError, InputError

if TYPE_CHECKING:
    from conformance.catalog import Catalog

__all__ = [
    "ASPECTS",
    "LEVELS",
    "MODEL_ASPECTS",
    "RULES",
    "Change",
    "Match",
    "Rule",
    "SchemaDiff",
    "SchemaSet",
    "describe",
    "diff",
    "load_schemas",
    "to_json",
    "to_markdown",
    "to_text",
]

Level = Literal["ERR", "WARN", "INFO"]
# Lowest first: --fail-on LEVEL fails on a change at LEVEL or any level after it.
LEVELS: tuple[Level, ...] = ("INFO", "WARN", "ERR")
URN_PREFIX = "urn:sync-conformance:"
# How deep inline subschemas (and $refs that pair no types) are followed.
_MAX_DEPTH = 48
# Keywords that say nothing about what a document may hold.
_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$vocabulary",
    }
)


@dataclass(frozen=True)
class Rule:
    """A kind of change: its id, its level, the aspect it belongs to and what it means."""

    id: str
    level: Level
    aspect: str
    meaning: str


def _rules() -> dict[str, Rule]:
    rules = [
        Rule("response-property-enum-value-added", "WARN", "enum", "an enum value added"),
        Rule("response-property-enum-value-removed", "INFO", "enum", "an enum value removed"),
        Rule("response-property-enum-set", "INFO", "enum", "an enum where there was none"),
        Rule("response-property-enum-unset", "WARN", "enum", "the enum dropped"),
        Rule("response-optional-property-added", "WARN", "property", "an optional property added"),
        Rule("response-required-property-added", "WARN", "property", "a required property added"),
        Rule("response-optional-property-removed", "INFO", "property", "an optional property gone"),
        Rule("response-required-property-removed", "ERR", "property", "a required property gone"),
        Rule("response-property-became-required", "INFO", "required", "now always sent"),
        Rule("response-property-became-optional", "ERR", "required", "no longer always sent"),
        Rule("response-property-type-changed", "ERR", "type", "another type"),
        Rule("response-property-list-of-types-widened", "ERR", "type", "more types allowed"),
        Rule("response-property-list-of-types-narrowed", "INFO", "type", "fewer types allowed"),
        Rule("response-property-format-set", "INFO", "format", "a format where there was none"),
        Rule("response-property-format-unset", "WARN", "format", "the format dropped"),
        Rule("response-property-format-changed", "ERR", "format", "another format"),
        Rule("response-property-became-nullable", "ERR", "nullable", "null now allowed"),
        Rule("response-property-became-not-nullable", "INFO", "nullable", "null no longer allowed"),
        Rule(
            "response-property-pattern-added", "INFO", "pattern", "a pattern where there was none"
        ),
        Rule("response-property-pattern-removed", "WARN", "pattern", "the pattern dropped"),
        Rule("response-property-pattern-changed", "WARN", "pattern", "another pattern"),
        Rule("response-property-const-added", "INFO", "enum", "a const where there was none"),
        Rule("response-property-const-removed", "WARN", "enum", "the const dropped"),
        Rule("response-property-const-changed", "ERR", "enum", "another const"),
        Rule("response-property-multiple-of-set", "INFO", "range", "a multipleOf added"),
        Rule("response-property-multiple-of-unset", "WARN", "range", "the multipleOf dropped"),
        Rule("response-property-multiple-of-changed", "WARN", "range", "another multipleOf"),
        Rule("response-property-pattern-properties-changed", "WARN", "closed", "patternProperties"),
        Rule("response-property-became-open", "WARN", "closed", "other properties now allowed"),
        Rule("response-property-became-closed", "INFO", "closed", "other properties refused"),
        Rule("response-property-keyword-changed", "WARN", "other", "another validation keyword"),
        Rule("response-schema-added", "INFO", "schema", "a schema only NEW has"),
        Rule("response-schema-removed", "INFO", "schema", "a schema only OLD has"),
    ]
    for stem, _, aspect, upper in _BOUNDS:
        grows = "increased" if upper else "decreased"
        shrinks = "decreased" if upper else "increased"
        rules += [
            Rule(f"response-property-{stem}-{grows}", "WARN", aspect, f"{stem} loosened"),
            Rule(f"response-property-{stem}-{shrinks}", "INFO", aspect, f"{stem} tightened"),
            Rule(f"response-property-{stem}-unset", "WARN", aspect, f"{stem} dropped"),
            Rule(f"response-property-{stem}-set", "INFO", aspect, f"{stem} added"),
            Rule(f"response-property-{stem}-changed", "WARN", aspect, f"{stem} not a number"),
        ]
    return {r.id: r for r in rules}


# keyword, rule stem, aspect, and whether a larger value loosens it (an upper bound).
_BOUND_KEYWORDS: tuple[tuple[str, str, str, bool], ...] = (
    ("maxLength", "max-length", "length", True),
    ("minLength", "min-length", "length", False),
    ("maximum", "max", "range", True),
    ("minimum", "min", "range", False),
    ("exclusiveMaximum", "exclusive-max", "range", True),
    ("exclusiveMinimum", "exclusive-min", "range", False),
    ("maxItems", "max-items", "items", True),
    ("minItems", "min-items", "items", False),
    ("maxProperties", "max-properties", "size", True),
    ("minProperties", "min-properties", "size", False),
)
_BOUNDS = tuple((stem, keyword, aspect, upper) for keyword, stem, aspect, upper in _BOUND_KEYWORDS)
RULES: dict[str, Rule] = _rules()
ASPECTS: frozenset[str] = frozenset(r.aspect for r in RULES.values())
# What a vendor model can say of a type (``conformance upstream``): not whether objects are
# closed, nor what is required (CSDL says nothing of it), nor which schemas a catalog holds.
MODEL_ASPECTS: frozenset[str] = frozenset(
    {"enum", "property", "type", "format", "nullable", "length", "range", "items", "pattern"}
)
_HANDLED = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "multipleOf",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "items",
        "anyOf",
        "oneOf",
        "allOf",
        *(k for k, _, _, _ in _BOUND_KEYWORDS),
    }
)


@dataclass(frozen=True)
class Change:
    """One difference between OLD and NEW, as data.

    ``schema`` is the type (NEW's name; OLD's when NEW has none) whose definition holds the
    change, ``pointer`` the property path inside it (``""``: the type itself); ``root`` and
    ``path`` are where a document carries it, from the root that reaches the type first.
    ``old`` and ``new`` are the raw values (None: absent); ``added`` and ``removed`` the values
    one side has and the other lacks (enum values, types).
    """

    rule: str
    level: Level
    schema: str
    pointer: str
    root: str
    path: str
    old: Any = None
    new: Any = None
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()
    old_schema: str | None = None

    @property
    def aspect(self) -> str:
        """What the change is about: enum, property, type, nullable, length, range, ..."""
        return RULES[self.rule].aspect


@dataclass(frozen=True)
class Match:
    """Two types taken for the same: by ``name``, by an ``alias`` (a former name), by the
    property ``path`` that reaches both, or ``given`` (the two schemas a diff was asked about).
    ``root`` and ``path`` say where documents carry the pair first."""

    old: str
    new: str
    how: Literal["name", "alias", "path", "given"]
    root: str
    path: str


@dataclass(frozen=True)
class SchemaSet:
    """A set of schemas to compare: by name, with the aliases that also name them.

    ``roots`` narrows a diff to those schemas and what they reach (one file, one catalog
    name); ``label`` names the set in reports.
    """

    schemas: Mapping[str, Any]
    aliases: Mapping[str, str] = field(default_factory=dict)
    roots: tuple[str, ...] = ()
    label: str = ""

    @classmethod
    def of(
        cls, schemas: Mapping[str, Any], label: str = "", roots: Iterable[str] = ()
    ) -> SchemaSet:
        """A set from a mapping name -> schema; aliases are read from each ``x-catalog``."""
        aliases: dict[str, str] = {}
        for name, schema in schemas.items():
            meta = schema.get("x-catalog") if isinstance(schema, Mapping) else None
            found = meta.get("aliases") if isinstance(meta, Mapping) else None
            vendor = name.split(".", 1)[0] if "." in name else ""
            for alias in found if isinstance(found, list) else ():
                if isinstance(alias, str) and alias:
                    qualified = alias if "." in alias or not vendor else f"{vendor}.{alias}"
                    if qualified not in schemas:
                        aliases.setdefault(qualified, name)
        return cls(dict(schemas), aliases, tuple(roots), label)

    @classmethod
    def from_catalog(
        cls, catalog: Catalog, label: str = "", roots: Iterable[str] = ()
    ) -> SchemaSet:
        """Every schema of a catalog (``conformance.load_catalog()``), with its aliases."""
        schemas = {e.name: catalog.schema(e.name) for e in catalog}
        aliases = {a: e.name for e in catalog for a in e.aliases}
        return cls(schemas, aliases, tuple(catalog.get(r).name for r in roots), label)


@dataclass(frozen=True)
class SchemaDiff:
    """What ``diff`` found: the changes, the pairs of types, what only one side has, and notes
    (what a report should say besides, such as types a model lacked)."""

    old: str
    new: str
    changes: tuple[Change, ...]
    matches: tuple[Match, ...]
    only_old: tuple[str, ...]
    only_new: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def at_least(self, level: Level) -> tuple[Change, ...]:
        """The changes at ``level`` or above (``--fail-on``)."""
        floor = LEVELS.index(level)
        return tuple(c for c in self.changes if LEVELS.index(c.level) >= floor)

    def counts(self) -> dict[str, int]:
        """How many changes of each level, ERR first."""
        return {lv: sum(1 for c in self.changes if c.level == lv) for lv in reversed(LEVELS)}


# --- reading sets ---------------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); a schema is JSON") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: not a schema: nested too deeply") from None


def _name_of(path: Path, schema: Mapping[str, Any]) -> str:
    meta = schema.get("x-catalog")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    return name if isinstance(name, str) and name else path.stem


def load_schemas(target: str | Path, catalog: Catalog | None = None) -> SchemaSet:
    """The set a diff argument names: a schema file, a folder of them, or a catalog name.

    A file is compared as that schema, its ``$ref``s resolved among the schemas of ``catalog``
    (the shipped ones by default), so that an edited copy of one shipped schema diffs against
    it alone. A folder's ``*.json`` files with an ``x-catalog`` (or a ``$schema``) are the set,
    named by ``x-catalog`` ``name`` or file name. A name (``kendra.DataSourceSyncJob``) is that
    schema of ``catalog``. Anything else is an ``InputError`` saying what was looked for.
    """
    if catalog is None:
        from conformance.catalog import default_catalog

        catalog = default_catalog()
    path = Path(target)
    if path.is_dir():
        schemas: dict[str, Any] = {}
        for file in sorted(path.glob("*.json"), key=lambda p: p.name.lower()):
            data = _read_json(file)
            if not isinstance(data, dict) or not ("x-catalog" in data or "$schema" in data):
                continue
            name = _name_of(file, data)
            if name in schemas:
                raise InputError(f"{file}: the name {name!r} is claimed by another file too")
            schemas[name] = data
        if not schemas:
            raise InputError(
                f"{path}: no schema in this folder (no *.json file with an x-catalog or $schema)"
            )
        return SchemaSet.of(schemas, label=str(target))
    if path.is_file():
        data = _read_json(path)
        if not isinstance(data, dict):
            raise InputError(f"{path}: not a schema: a schema file holds a JSON object")
        name = _name_of(path, data)
        base = SchemaSet.from_catalog(catalog)
        schemas = {k: v for k, v in base.schemas.items() if k != name}
        schemas[name] = data
        aliases = {a: n for a, n in base.aliases.items() if n != name and a != name}
        own = SchemaSet.of({name: data})
        return SchemaSet(schemas, {**aliases, **own.aliases}, (name,), str(target))
    text = str(target)
    if text in catalog:
        return SchemaSet.from_catalog(catalog, label=text, roots=(text,))
    try:
        catalog.get(text)
    except ConformanceError as exc:
        raise InputError(f"{text}: no such file or folder, and {exc}") from None
    raise InputError(f"{text}: no such file, folder or schema")  # pragma: no cover


# --- the comparison ---------------------------------------------------------------------------


class _Side:
    """One set: its schemas by name, and what each ``$ref`` string names."""

    def __init__(self, given: SchemaSet) -> None:
        self.schemas: dict[str, Any] = {
            str(k): v for k, v in given.schemas.items() if isinstance(k, str)
        }
        self.names: dict[str, str] = {}
        for name, schema in self.schemas.items():
            self.names[name] = name
            self.names[URN_PREFIX + name] = name
            own = schema.get("$id") if isinstance(schema, Mapping) else None
            if isinstance(own, str) and own:
                self.names.setdefault(own.split("#", 1)[0], name)
        for alias, name in given.aliases.items():
            if name in self.schemas:
                self.names.setdefault(alias, name)
                self.names.setdefault(URN_PREFIX + alias, name)
        self.aliases = {a: n for a, n in given.aliases.items() if n in self.schemas}
        self.roots = tuple(self.names[r] for r in given.roots if r in self.names)

    def resolve(self, ref: str, current: str | None) -> tuple[str | None, Any, bool]:
        """(the named schema a ``$ref`` is to, the node it points at, found); a named schema only
        for a ``$ref`` to a whole schema."""
        base, _, fragment = ref.partition("#")
        name = self.names.get(base) if base else current
        if name is None:
            return None, None, False
        node: Any = self.schemas.get(name)
        if not fragment:
            return name, node, True
        if not fragment.startswith("/"):
            return None, None, False
        for token in fragment[1:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None, None, False
        return None, node, True


def _is_null(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("type") == "null" and len(_core(node)) == 1


def _core(node: Any) -> Any:
    """A schema without annotations: what a report shows as a raw value."""
    if isinstance(node, Mapping):
        return {
            k: _core(v)
            for k, v in node.items()
            if isinstance(k, str) and k not in _ANNOTATIONS and not k.startswith("x-")
        }
    if isinstance(node, list):
        return [_core(v) for v in node]
    return node


def _key(value: Any) -> str:
    """A value's identity for set-like comparison of enum lists (JSON: 1 and 1.0 are one)."""
    try:
        return json.dumps(value, sort_keys=True, default=repr)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _minus(a: list[Any], b: list[Any]) -> tuple[Any, ...]:
    have = {_key(v) for v in b}
    return tuple(v for v in a if _key(v) not in have)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _unwrap(node: Any) -> tuple[Any, bool]:
    """The schema with null taken out, and whether it allows null: ``type: [T, "null"]`` and
    an ``anyOf``/``oneOf`` with a ``{"type": "null"}`` branch are both nullable ``T``."""
    if not isinstance(node, Mapping):
        return node, False
    nullable = False
    out = dict(node)
    kind = out.get("type")
    if isinstance(kind, list) and "null" in kind:
        nullable = True
        rest = [k for k in kind if k != "null"]
        out["type"] = rest[0] if len(rest) == 1 else rest
    elif kind == "null" and len(_core(out)) > 1:
        nullable = True
        del out["type"]
    for key in ("anyOf", "oneOf"):
        branches = out.get(key)
        if isinstance(branches, list) and any(_is_null(b) for b in branches):
            nullable = True
            rest = [b for b in branches if not _is_null(b)]
            del out[key]
            if len(rest) == 1 and isinstance(rest[0], Mapping):
                for k, v in rest[0].items():
                    out.setdefault(k, v)
            elif rest:
                out[key] = rest
    return out, nullable


def _types(node: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The JSON types a schema allows (None: any, or not said as a list of names)."""
    kind = node.get("type")
    if isinstance(kind, str):
        return (kind,)
    if isinstance(kind, list) and all(isinstance(k, str) for k in kind):
        return tuple(sorted(set(kind)))
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _covers(wide: tuple[str, ...], narrow: tuple[str, ...]) -> bool:
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


@dataclass
class _Pair:
    """Two types taken for the same while pairing; ``root`` and ``path`` are set when the
    breadth-first walk from the roots first reaches them (``reached``)."""

    old: str
    new: str
    how: Literal["name", "alias", "path", "given"]
    root: str = ""
    path: str = ""
    reached: bool = False


class _Differ:
    """One comparison: pairs the types (by name, alias, then path, until nothing changes),
    places each pair at its shortest path from a root, then compares each pair once. Pairs are
    compared on their own, so a ``$ref`` to a paired type is not followed where it is used: a
    change of a shared type is reported once, not at every property that refers to it."""

    def __init__(self, old: SchemaSet, new: SchemaSet, aspects: Collection[str] | None) -> None:
        self.old = _Side(old)
        self.new = _Side(new)
        self.aspects = None if aspects is None else frozenset(aspects)
        self.pairs: dict[tuple[str, str], _Pair] = {}
        self.changes: list[Change] = []
        # Subschemas compared at most: nested compositions of $refs can branch at every level.
        self.budget = 200_000

    # pairing

    def pair_by_name(self) -> None:
        for name in self.old.schemas:
            if name in self.new.schemas:
                self.pairs[(name, name)] = _Pair(name, name, "name")
        paired_old = {p.old for p in self.pairs.values()}
        paired_new = {p.new for p in self.pairs.values()}
        for name in self.old.schemas:
            if name in paired_old:
                continue
            other = self.new.aliases.get(name)
            if other is None or other in paired_new:
                other = next(
                    (
                        alias
                        for alias, owner in sorted(self.old.aliases.items())
                        if owner == name and alias in self.new.schemas and alias not in paired_new
                    ),
                    None,
                )
            if other is not None and other not in paired_new:
                self.pairs[(name, other)] = _Pair(name, other, "alias")
                paired_old.add(name)
                paired_new.add(other)
        if len(self.old.roots) == 1 and len(self.new.roots) == 1:
            key = (self.old.roots[0], self.new.roots[0])
            if key not in self.pairs:
                self.pairs[key] = _Pair(*key, "given")

    def targets(
        self, side: _Side, node: Any, current: str, pointer: str, depth: int = 0
    ) -> Iterator[tuple[str, str]]:
        """(pointer, named schema) of every whole-schema ``$ref`` inside a schema, through its
        inline subschemas (properties, items, maps, compositions), not through named ones."""
        if depth > _MAX_DEPTH or not isinstance(node, Mapping):
            return
        ref = node.get("$ref")
        if isinstance(ref, str):
            name, _, _ = side.resolve(ref, current)
            if name is not None:
                yield pointer, name
        props = node.get("properties")
        if isinstance(props, Mapping):
            for key, sub in props.items():
                yield from self.targets(
                    side, sub, current, f"{pointer}/{_escape(str(key))}", depth + 1
                )
        for key in ("items", "additionalProperties"):
            yield from self.targets(side, node.get(key), current, f"{pointer}/*", depth + 1)
        for key in ("anyOf", "oneOf", "allOf"):
            branches = node.get(key)
            for sub in branches if isinstance(branches, list) else ():
                yield from self.targets(side, sub, current, pointer, depth + 1)

    def edges(self, pair: _Pair) -> Iterator[tuple[str, str, str]]:
        """(pointer, old target, new target) where both sides refer to a named schema."""
        olds: dict[str, list[str]] = {}
        for pointer, name in self.targets(self.old, self.old.schemas[pair.old], pair.old, ""):
            olds.setdefault(pointer, []).append(name)
        news: dict[str, list[str]] = {}
        for pointer, name in self.targets(self.new, self.new.schemas[pair.new], pair.new, ""):
            news.setdefault(pointer, []).append(name)
        for pointer, names in olds.items():
            others = news.get(pointer, [])
            if len(names) == 1 and len(others) == 1:
                yield pointer, names[0], others[0]
            else:
                for name in names:
                    if name in others:
                        yield pointer, name, name

    def pair_by_path(self) -> None:
        changed = True
        while changed:
            changed = False
            for pair in sorted(self.pairs.values(), key=lambda p: (p.old, p.new)):
                paired_old = {p.old for p in self.pairs.values()}
                paired_new = {p.new for p in self.pairs.values()}
                for _, old, new in self.edges(pair):
                    if (old, new) in self.pairs:
                        continue
                    if old not in paired_old or new not in paired_new:
                        self.pairs[(old, new)] = _Pair(old, new, "path")
                        paired_old.add(old)
                        paired_new.add(new)
                        changed = True

    def place(self) -> list[_Pair]:
        """Each pair with the root and path documents carry it at first, breadth first."""
        children: dict[tuple[str, str], list[tuple[str, _Pair]]] = {}
        incoming: set[tuple[str, str]] = set()
        for key, pair in self.pairs.items():
            for pointer, old, new in self.edges(pair):
                target = self.pairs.get((old, new))
                if target is not None and (old, new) != key:
                    children.setdefault(key, []).append((pointer, target))
                    incoming.add((old, new))
        order = sorted(self.pairs, key=lambda k: (k[1].lower(), k[0].lower()))
        focus = [k for k in order if self.pairs[k].how == "given"] or [
            k for k in order if k[0] in self.old.roots or k[1] in self.new.roots
        ]
        roots = focus or [k for k in order if k not in incoming]
        placed: list[_Pair] = []
        queue: list[_Pair] = []
        for key in roots if focus else roots + order:
            start = self.pairs[key]
            if start.reached:
                continue
            start.reached, start.root, start.path = True, start.new, ""
            queue.append(start)
            while queue:
                pair = queue.pop(0)
                placed.append(pair)
                for pointer, child in children.get((pair.old, pair.new), []):
                    if not child.reached:
                        child.reached, child.root = True, pair.root
                        child.path = pair.path + pointer
                        queue.append(child)
        return placed

    # comparing

    def report(
        self,
        pair: _Pair,
        rule: str,
        pointer: str,
        old: Any = None,
        new: Any = None,
        added: tuple[Any, ...] = (),
        removed: tuple[Any, ...] = (),
    ) -> None:
        spec = RULES[rule]
        if self.aspects is not None and spec.aspect not in self.aspects:
            return
        self.changes.append(
            Change(
                rule=rule,
                level=spec.level,
                schema=pair.new,
                pointer=pointer,
                root=pair.root,
                path=pair.path + pointer,
                old=old,
                new=new,
                added=added,
                removed=removed,
                old_schema=pair.old if pair.old != pair.new else None,
            )
        )

    def compare_pair(self, pair: _Pair) -> None:
        self.compare(
            pair,
            "",
            self.old.schemas[pair.old],
            self.new.schemas[pair.new],
            pair.old,
            pair.new,
            0,
            frozenset(),
        )

    def compare(
        self,
        pair: _Pair,
        pointer: str,
        old: Any,
        new: Any,
        old_doc: str,
        new_doc: str,
        depth: int,
        seen: frozenset[tuple[int, int]],
    ) -> None:
        self.budget -= 1
        if depth > _MAX_DEPTH or self.budget < 0 or (id(old), id(new)) in seen:
            return
        seen = seen | {(id(old), id(new))}
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            if _core(old) != _core(new):
                self.report(pair, "response-property-type-changed", pointer, _core(old), _core(new))
            return
        old, old_null = _unwrap(old)
        new, new_null = _unwrap(new)
        if old_null != new_null:
            rule = "became-nullable" if new_null else "became-not-nullable"
            self.report(pair, f"response-property-{rule}", pointer, old_null, new_null)
        old_ref, new_ref = old.get("$ref"), new.get("$ref")
        if old_ref is not None or new_ref is not None:
            resolved = self.through_refs(pair, pointer, old, new, old_doc, new_doc, seen)
            if resolved is None:
                return
            old, new, old_doc, new_doc, seen = resolved
        self.compare_node(pair, pointer, old, new, old_doc, new_doc, depth, seen)

    def through_refs(
        self,
        pair: _Pair,
        pointer: str,
        old: dict[str, Any],
        new: dict[str, Any],
        old_doc: str,
        new_doc: str,
        seen: frozenset[tuple[int, int]],
    ) -> tuple[dict[str, Any], dict[str, Any], str, str, frozenset[tuple[int, int]]] | None:
        """Both schemas with their ``$ref`` replaced by what it points at, or None when there is
        nothing more to compare here: a pair of types (compared on its own) or the same
        ``$ref`` on both sides."""
        olds = self.old.resolve(old["$ref"], old_doc) if isinstance(old.get("$ref"), str) else None
        news = self.new.resolve(new["$ref"], new_doc) if isinstance(new.get("$ref"), str) else None
        if olds is not None and news is not None:
            if olds[0] is not None and news[0] is not None and (olds[0], news[0]) in self.pairs:
                return None
            if not (olds[2] and news[2]) and old["$ref"] == new["$ref"]:
                return None
        if ("$ref" in old and (olds is None or not olds[2])) or (
            "$ref" in new and (news is None or not news[2])
        ):
            if _core(old) != _core(new):
                self.report(pair, "response-property-type-changed", pointer, _core(old), _core(new))
            return None
        targets = (id(olds[1] if olds else old), id(news[1] if news else new))
        if targets in seen:
            return None  # a cycle through $refs that pair no types
        seen = seen | {targets}
        old_node, new_node = old, new
        if olds is not None:
            old_node = self.inline(olds[1], old)
            old_doc = olds[0] or old_doc
        if news is not None:
            new_node = self.inline(news[1], new)
            new_doc = news[0] or new_doc
        return _unwrap(old_node)[0], _unwrap(new_node)[0], old_doc, new_doc, seen

    @staticmethod
    def inline(target: Any, node: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(target) if isinstance(target, Mapping) else {"not": {}}
        for key, value in node.items():
            if key != "$ref":
                out.setdefault(key, value)
        return out

    def compare_node(
        self,
        pair: _Pair,
        pointer: str,
        old: dict[str, Any],
        new: dict[str, Any],
        old_doc: str,
        new_doc: str,
        depth: int,
        seen: frozenset[tuple[int, int]],
    ) -> None:
        if not self.compare_types(pair, pointer, old, new):
            return
        self.compare_values(pair, pointer, old, new)
        for keyword, stem, _, upper in _BOUND_KEYWORDS:
            self.compare_bound(pair, pointer, keyword, stem, upper, old, new)
        self.compare_object(pair, pointer, old, new, old_doc, new_doc, depth, seen)
        for key in ("items",):
            a, b = old.get(key), new.get(key)
            if isinstance(a, Mapping) and isinstance(b, Mapping):
                self.compare(pair, f"{pointer}/*", a, b, old_doc, new_doc, depth + 1, seen)
            elif _core(a) != _core(b):
                self.report(
                    pair, "response-property-type-changed", f"{pointer}/*", _core(a), _core(b)
                )
        for key in ("anyOf", "oneOf", "allOf"):
            a, b = old.get(key), new.get(key)
            if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
                for x, y in zip(a, b, strict=True):
                    self.compare(pair, pointer, x, y, old_doc, new_doc, depth + 1, seen)
            elif _core(a) != _core(b):
                self.report(pair, "response-property-type-changed", pointer, _core(a), _core(b))
        for key in sorted(set(old) | set(new)):
            if key in _HANDLED or key in _ANNOTATIONS or key.startswith("x-"):
                continue
            if _core(old.get(key)) != _core(new.get(key)):
                self.report(
                    pair,
                    "response-property-keyword-changed",
                    pointer,
                    {key: _core(old[key])} if key in old else None,
                    {key: _core(new[key])} if key in new else None,
                )

    def compare_types(
        self, pair: _Pair, pointer: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> bool:
        """Report a change of type; False when the types differ so much that comparing their
        constraints would say nothing more."""
        a, b = _types(old), _types(new)
        if a == b:
            if a is None and _core(old.get("type")) != _core(new.get("type")):
                self.report(
                    pair,
                    "response-property-type-changed",
                    pointer,
                    old.get("type"),
                    new.get("type"),
                )
            return True
        if a is None or (b is not None and _covers(a, b)):
            rule = "response-property-list-of-types-narrowed"
        elif b is None or _covers(b, a):
            rule = "response-property-list-of-types-widened"
        else:
            rule = "response-property-type-changed"
        added = tuple(t for t in b or () if t not in (a or ()))
        removed = tuple(t for t in a or () if t not in (b or ()))
        self.report(pair, rule, pointer, old.get("type"), new.get("type"), added, removed)
        return rule != "response-property-type-changed"

    def compare_values(
        self, pair: _Pair, pointer: str, old: Mapping[str, Any], new: Mapping[str, Any]
    ) -> None:
        a, b = old.get("enum"), new.get("enum")
        if isinstance(a, list) and isinstance(b, list):
            added, removed = _minus(b, a), _minus(a, b)
            if added:
                self.report(pair, "response-property-enum-value-added", pointer, a, b, added)
            if removed:
                self.report(
                    pair, "response-property-enum-value-removed", pointer, a, b, (), removed
                )
        elif isinstance(b, list) and a is None:
            self.report(pair, "response-property-enum-set", pointer, None, b, tuple(b))
        elif isinstance(a, list) and b is None:
            self.report(pair, "response-property-enum-unset", pointer, a, None, (), tuple(a))
        elif _core(a) != _core(b):
            self.report(
                pair, "response-property-keyword-changed", pointer, {"enum": a}, {"enum": b}
            )
        self.compare_scalar(
            pair, pointer, "const", "const-added", "const-removed", "const-changed", old, new
        )
        self.compare_scalar(
            pair, pointer, "format", "format-set", "format-unset", "format-changed", old, new
        )
        self.compare_scalar(
            pair,
            pointer,
            "pattern",
            "pattern-added",
            "pattern-removed",
            "pattern-changed",
            old,
            new,
        )
        self.compare_scalar(
            pair,
            pointer,
            "multipleOf",
            "multiple-of-set",
            "multiple-of-unset",
            "multiple-of-changed",
            old,
            new,
        )

    def compare_scalar(
        self,
        pair: _Pair,
        pointer: str,
        keyword: str,
        set_: str,
        unset: str,
        changed: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
    ) -> None:
        if keyword not in old and keyword not in new:
            return
        a, b = old.get(keyword), new.get(keyword)
        if keyword not in old:
            self.report(pair, f"response-property-{set_}", pointer, None, b)
        elif keyword not in new:
            self.report(pair, f"response-property-{unset}", pointer, a, None)
        elif _key(a) != _key(b):
            self.report(pair, f"response-property-{changed}", pointer, a, b)

    def compare_bound(
        self,
        pair: _Pair,
        pointer: str,
        keyword: str,
        stem: str,
        upper: bool,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
    ) -> None:
        if keyword not in old and keyword not in new:
            return
        a, b = old.get(keyword), new.get(keyword)
        if keyword not in old:
            self.report(pair, f"response-property-{stem}-set", pointer, None, b)
            return
        if keyword not in new:
            self.report(pair, f"response-property-{stem}-unset", pointer, a, None)
            return
        if not (_number(a) and _number(b)):
            if _key(a) != _key(b):
                self.report(pair, f"response-property-{stem}-changed", pointer, a, b)
            return
        if a == b:
            return
        grew = float(new[keyword]) > float(old[keyword])
        word = "increased" if grew else "decreased"
        self.report(pair, f"response-property-{stem}-{word}", pointer, a, b)

    def compare_object(
        self,
        pair: _Pair,
        pointer: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        old_doc: str,
        new_doc: str,
        depth: int,
        seen: frozenset[tuple[int, int]],
    ) -> None:
        a, b = old.get("properties"), new.get("properties")
        old_req = old.get("required")
        new_req = new.get("required")
        old_required = (
            {r for r in old_req if isinstance(r, str)} if isinstance(old_req, list) else set()
        )
        new_required = (
            {r for r in new_req if isinstance(r, str)} if isinstance(new_req, list) else set()
        )
        odd = not isinstance(old_req, list | None) or not isinstance(new_req, list | None)
        if odd and _core(old_req) != _core(new_req):
            self.report(
                pair,
                "response-property-keyword-changed",
                pointer,
                {"required": old_req},
                {"required": new_req},
            )
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for key in [*a, *(k for k in b if k not in a)]:
                name = str(key)
                at = f"{pointer}/{_escape(name)}"
                if key not in b:
                    required = name in old_required
                    rule = "required" if required else "optional"
                    self.report(pair, f"response-{rule}-property-removed", at, _core(a[key]))
                elif key not in a:
                    required = name in new_required
                    rule = "required" if required else "optional"
                    self.report(pair, f"response-{rule}-property-added", at, None, _core(b[key]))
                else:
                    if name in new_required and name not in old_required:
                        self.report(pair, "response-property-became-required", at, False, True)
                    elif name in old_required and name not in new_required:
                        self.report(pair, "response-property-became-optional", at, True, False)
                    self.compare(pair, at, a[key], b[key], old_doc, new_doc, depth + 1, seen)
        elif _core(a) != _core(b):
            self.report(
                pair,
                "response-property-keyword-changed",
                pointer,
                {"properties": _core(a)},
                {"properties": _core(b)},
            )
        x, y = old.get("additionalProperties"), new.get("additionalProperties")
        if x is False and y is not False:
            self.report(pair, "response-property-became-open", pointer, x, _core(y))
        elif y is False and x is not False:
            self.report(pair, "response-property-became-closed", pointer, _core(x), y)
        elif isinstance(x, Mapping) and isinstance(y, Mapping):
            self.compare(pair, f"{pointer}/*", x, y, old_doc, new_doc, depth + 1, seen)
        elif _core(x) != _core(y):
            self.report(
                pair,
                "response-property-keyword-changed",
                pointer,
                {"additionalProperties": _core(x)},
                {"additionalProperties": _core(y)},
            )
        p, q = old.get("patternProperties"), new.get("patternProperties")
        if _core(p) != _core(q):
            self.report(
                pair, "response-property-pattern-properties-changed", pointer, _core(p), _core(q)
            )

    def run(self) -> SchemaDiff:
        self.pair_by_name()
        self.pair_by_path()
        placed = self.place()
        for pair in placed:
            self.compare_pair(pair)
        reach_old = self.reach(self.old) if self.old.roots else set(self.old.schemas)
        reach_new = self.reach(self.new) if self.new.roots else set(self.new.schemas)
        only_old = sorted(n for n in reach_old if n not in {p.old for p in placed})
        only_new = sorted(n for n in reach_new if n not in {p.new for p in placed})
        if self.keep("schema"):
            self.changes += [
                Change("response-schema-removed", "INFO", name, "", name, "") for name in only_old
            ]
            self.changes += [
                Change("response-schema-added", "INFO", name, "", name, "") for name in only_new
            ]
        matches = tuple(Match(p.old, p.new, p.how, p.root, p.path) for p in placed)
        return SchemaDiff("", "", tuple(self.changes), matches, tuple(only_old), tuple(only_new))

    def keep(self, aspect: str) -> bool:
        return self.aspects is None or aspect in self.aspects

    def reach(self, side: _Side) -> set[str]:
        found = set(side.roots)
        queue = list(side.roots)
        while queue:
            name = queue.pop()
            for _, target in self.targets(side, side.schemas[name], name, ""):
                if target not in found:
                    found.add(target)
                    queue.append(target)
        return found


def diff(
    old: SchemaSet | Mapping[str, Any],
    new: SchemaSet | Mapping[str, Any],
    aspects: Collection[str] | None = None,
) -> SchemaDiff:
    """The changes from ``old`` to ``new`` (each a ``SchemaSet`` or a mapping name -> schema).

    ``aspects`` keeps only the changes of those aspects (``MODEL_ASPECTS``: what a vendor
    model can say); None keeps every change.
    """
    a = old if isinstance(old, SchemaSet) else SchemaSet.of(old)
    b = new if isinstance(new, SchemaSet) else SchemaSet.of(new)
    found = _Differ(a, b, aspects).run()
    return SchemaDiff(
        a.label or "OLD",
        b.label or "NEW",
        found.changes,
        found.matches,
        found.only_old,
        found.only_new,
    )


# --- showing changes --------------------------------------------------------------------------

_LABELS = {
    "enum": "enum",
    "format": "format",
    "pattern": "pattern",
    "const": "const",
    "multiple-of": "multipleOf",
    **{stem: keyword for keyword, stem, _, _ in _BOUND_KEYWORDS},
}


def _show(value: Any) -> str:
    if value is None:
        return "none"
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 160 else text[:157] + "..."


def _values(values: Iterable[Any]) -> str:
    return ", ".join(_show(v) for v in values)


def describe(change: Change, sides: tuple[str, str] | None = None) -> str:
    """One sentence on a change. ``sides`` names OLD and NEW when they are no versions but two
    sources (``("ours", "the model")``): the sentence then says which has what."""
    old_side, new_side = sides or ("before", "now")
    rule = change.rule.removeprefix("response-")
    if rule == "property-enum-value-added":
        if sides:
            return f"{new_side} has values {old_side} lacks: {_values(change.added)}"
        return f"enum values added: {_values(change.added)}"
    if rule == "property-enum-value-removed":
        if sides:
            return f"{old_side} has values {new_side} lacks: {_values(change.removed)}"
        return f"enum values removed: {_values(change.removed)}"
    if rule == "property-enum-set":
        if sides:
            return f"{new_side} says an enum where {old_side} has none: {_values(change.added)}"
        return f"now an enum: {_values(change.added)}"
    if rule == "property-enum-unset":
        if sides:
            return f"{old_side} has an enum where {new_side} has none: {_values(change.removed)}"
        return f"no longer an enum (was {_values(change.removed)})"
    if rule.endswith("-property-added"):
        kind = rule.split("-", 1)[0]
        if sides:
            return f"{new_side} has this {kind} property, {old_side} lacks it: {_show(change.new)}"
        return f"{kind} property added: {_show(change.new)}"
    if rule.endswith("-property-removed"):
        kind = rule.split("-", 1)[0]
        if sides:
            return f"{old_side} has this {kind} property, {new_side} lacks it: {_show(change.old)}"
        return f"{kind} property removed (was {_show(change.old)})"
    if rule in ("schema-added", "schema-removed"):
        return "schema only in " + (new_side if rule == "schema-added" else old_side)
    if rule in ("property-became-nullable", "property-became-not-nullable"):
        null = "allows null" if change.new else "refuses null"
        if sides:
            return f"{new_side} {null}, {old_side} does not"
        return f"now {null}"
    if rule in ("property-became-required", "property-became-optional"):
        said = "required" if change.new else "optional"
        return f"{new_side} says {said}, {old_side} not" if sides else f"now {said}"
    label = next(
        (keyword for stem, keyword in _LABELS.items() if rule.startswith(f"property-{stem}-")),
        "type" if "type" in rule else RULES[change.rule].meaning,
    )
    if sides:
        return f"{label}: {old_side} {_show(change.old)}, {new_side} {_show(change.new)}"
    return f"{label}: {_show(change.old)} -> {_show(change.new)}"


def _where(change: Change) -> str:
    name = change.schema if not change.old_schema else f"{change.old_schema} -> {change.schema}"
    at = f"{name} {change.pointer}" if change.pointer else name
    if change.root != change.schema and change.root:
        at += f" (in {change.root} at {change.path or '/'})"
    return at


def _match(match: Match) -> str:
    pair = match.new if match.old == match.new else f"{match.old} -> {match.new}"
    how = {"name": "by name", "alias": "by a former name", "given": "as given"}.get(
        match.how, f"by path {match.root}{match.path}"
    )
    reached = f"; at {match.root}{match.path}" if match.path and match.how != "path" else ""
    return f"{pair}  ({how}{reached})"


def _summary(result: SchemaDiff) -> str:
    if not result.changes:
        return "no changes"
    counts = ", ".join(f"{n} {level}" for level, n in result.counts().items() if n)
    return f"{len(result.changes)} change{'s' if len(result.changes) != 1 else ''}: {counts}"


def to_text(result: SchemaDiff, sides: tuple[str, str] | None = None) -> str:
    """The report for people: the pairs of types, then each change with its level and rule."""
    old_side, new_side = sides or ("OLD", "NEW")
    lines = [f"{old_side}: {result.old}", f"{new_side}: {result.new}"]
    lines += [f"note: {note}" for note in result.notes]
    lines.append(f"types matched ({len(result.matches)}):")
    lines += [f"  {_match(m)}" for m in result.matches]
    if result.only_old:
        lines.append(f"only in {old_side}: {', '.join(result.only_old)}")
    if result.only_new:
        lines.append(f"only in {new_side}: {', '.join(result.only_new)}")
    for change in result.changes:
        lines.append(f"{change.level:<5} {change.rule}  {_where(change)}")
        lines.append(f"      {describe(change, sides)}")
    lines.append(_summary(result))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(result: SchemaDiff, sides: tuple[str, str] | None = None) -> str:
    """The report as GitHub-flavoured Markdown (a job summary, an issue comment)."""
    old_side, new_side = sides or ("OLD", "NEW")
    lines = [
        f"**{old_side}**: `{result.old}`  ",
        f"**{new_side}**: `{result.new}`",
        "",
        f"{_summary(result)}.",
        "",
    ]
    lines += [f"> {_cell(note)}" for note in result.notes]
    if result.notes:
        lines.append("")
    if result.changes:
        lines += ["| level | rule | where | what |", "|---|---|---|---|"]
        lines += [
            f"| {c.level} | `{c.rule}` | {_cell(_where(c))} | {_cell(describe(c, sides))} |"
            for c in result.changes
        ]
        lines.append("")
    lines += [f"| {old_side} | {new_side} | matched |", "|---|---|---|"]
    lines += [
        f"| `{m.old}` | `{m.new}` | {_cell(_match(m).split('  (', 1)[1].rstrip(')'))} |"
        for m in result.matches
    ]
    for side, names in ((old_side, result.only_old), (new_side, result.only_new)):
        if names:
            lines += ["", f"Only in {side}: {', '.join(f'`{n}`' for n in names)}"]
    return "\n".join(lines) + "\n"


def to_json(result: SchemaDiff, sides: tuple[str, str] | None = None) -> dict[str, Any]:
    """The report as JSON data (the shape README's "Watching the vendors" documents)."""
    return {
        "old": result.old,
        "new": result.new,
        "summary": {"changes": len(result.changes), **result.counts()},
        "notes": list(result.notes),
        "matches": [
            {"old": m.old, "new": m.new, "how": m.how, "root": m.root, "path": m.path}
            for m in result.matches
        ],
        "only_old": list(result.only_old),
        "only_new": list(result.only_new),
        "changes": [
            {
                "rule": c.rule,
                "level": c.level,
                "aspect": c.aspect,
                "schema": c.schema,
                "old_schema": c.old_schema,
                "pointer": c.pointer,
                "root": c.root,
                "path": c.path,
                "old": c.old,
                "new": c.new,
                "added": list(c.added),
                "removed": list(c.removed),
                "message": describe(c, sides),
            }
            for c in result.changes
        ],
    }
