"""The catalog: schemas by short name, and the registries that resolve their $refs.

A schema is named ``<vendor>.<Type>`` (``graph.synchronizationStatus``,
``kendra.DataSourceSyncJob``) and identified by a URN ``$id``, so no ``$ref`` can ever mean a
network fetch. A schema may also answer to aliases (a type's former name), listed in its
``x-catalog``. ``load_catalog`` is the catalog of a run: the shipped schemas, or those with a
folder of derived schemas on top (``--schemas DIR``). Listing the catalog reads only the JSON
files; the registries for the two validation engines are built when a run first needs them,
since importing ``referencing`` alone costs a pre-commit user a noticeable wait.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.errors import CatalogError
from conformance.formats import exact

if TYPE_CHECKING:
    import jsonschema_rs
    import referencing

URN_PREFIX = "urn:sync-conformance:"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
# A catalog name: vendor, a dot, the type. No '#' or whitespace, as it ends up in a URN $id.
_NAME = re.compile(r"[A-Za-z][\w-]*\.[^\s#]+")
# Keywords whose values are data, not subschemas: a "$ref" key in them refers to nothing. Keys
# starting with "x-" (x-source, x-catalog, ...) are our annotations, data as well.
_DATA_KEYWORDS = frozenset({"examples", "const", "enum", "default"})
# Keywords whose values map names (of properties, of definitions) to subschemas.
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions"})
_HOW_TO_DERIVE = "'conformance derive PAGE.md... --out DIR' writes such files"


@dataclass(frozen=True)
class CatalogEntry:
    """One schema: its short name, what it describes and where it was derived from."""

    name: str
    title: str
    vendor: str
    kind: str
    description: str
    document: str
    origin: str
    path: Path
    # Other names the schema answers to (a type's former name), fully qualified.
    aliases: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The schema's URN ``$id``, what a ``$ref`` to it names."""
        return URN_PREFIX + self.name


class Catalog:
    """Schemas by name and alias: those of one folder (``Catalog(folder)``), or a folder's on
    top of another catalog (``Catalog.layered``); ``load_catalog`` builds the catalog of a run.

    A folder's ``*.json`` files that have an ``x-catalog`` are its schemas; other JSON files are
    skipped, each with a line in ``notes``. A file that is not JSON, an ``x-catalog`` without a
    name, a ``$id`` other than the URN of that name, or two schemas claiming one name or alias
    is a ``CatalogError`` naming the file.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        found, notes = _read_folder(directory)
        # What a layered catalog's top folder brought: its names, and the names it replaced.
        self.added: tuple[str, ...] = ()
        self.replaced: tuple[str, ...] = ()
        # Files of the folder that were skipped, and why: for front-ends to show.
        self.notes: tuple[str, ...] = notes
        self._index(found)

    @classmethod
    def layered(cls, base: Catalog, directory: Path) -> Catalog:
        """``base`` with the schemas of ``directory`` on top, each a ``CatalogError`` if wrong.

        A name or alias of ``directory`` wins: a schema of ``base`` named so is replaced (kept
        out, listed in ``replaced``), and one that only has it as an alias loses that alias.
        Every other schema of ``base`` stays, and ``$ref``s across the two resolve by name (and
        alias). The folder must exist and hold at least one schema.
        """
        if not directory.exists():
            raise CatalogError(
                f"{directory}: no such folder; --schemas takes a folder of derived schemas"
                f" ({_HOW_TO_DERIVE})"
            )
        if not directory.is_dir():
            raise CatalogError(
                f"{directory}: not a folder; --schemas takes a folder of derived schemas"
                f" ({_HOW_TO_DERIVE})"
            )
        found, notes = _read_folder(directory)
        if not found:
            raise CatalogError(
                f"{directory}: no schema in this folder (no *.json file with an x-catalog);"
                f" {_HOW_TO_DERIVE}"
            )
        claimed = {name for entry, _ in found for name in (entry.name, *entry.aliases)}
        kept: list[tuple[CatalogEntry, dict[str, Any]]] = []
        replaced: list[str] = []
        for entry in base.entries:
            if entry.name in claimed:
                replaced.append(entry.name)
                continue
            aliases = tuple(a for a in entry.aliases if a not in claimed)
            if aliases != entry.aliases:
                entry = replace(entry, aliases=aliases)
            kept.append((entry, base._schemas[entry.name]))
        catalog = cls.__new__(cls)
        catalog.directory = directory
        catalog.added = tuple(entry.name for entry, _ in found)
        catalog.replaced = tuple(replaced)
        catalog.notes = notes
        catalog._index(kept + found)
        return catalog

    def _index(self, found: list[tuple[CatalogEntry, dict[str, Any]]]) -> None:
        found = sorted(found, key=lambda item: item[0].name.lower())
        by_name: dict[str, CatalogEntry] = {}
        for entry, _ in found:
            for name in (entry.name, *entry.aliases):
                other = by_name.get(name)
                if other is not None:
                    raise CatalogError(
                        f"{entry.path}: the name {name!r} is claimed by {other.path} too;"
                        " a name or alias belongs to one schema only"
                    )
                by_name[name] = entry
        # A $ref to an alias's URN is rewritten to the canonical one, so that the engines'
        # registries (keyed by canonical URN) resolve it, as do error locations.
        canonical = {URN_PREFIX + a: URN_PREFIX + e.name for e, _ in found for a in e.aliases}

        def to_canonical(ref: str) -> str:
            base, hash_, fragment = ref.partition("#")
            target = canonical.get(base)
            return ref if target is None else target + hash_ + fragment

        self.entries: tuple[CatalogEntry, ...] = tuple(entry for entry, _ in found)
        self._by_name = by_name
        self._schemas: dict[str, dict[str, Any]] = {
            entry.name: _with_refs(schema, to_canonical) if canonical else schema
            for entry, schema in found
        }
        self._arrays: dict[str, tuple[str, ...]] = {}

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` is the name or an alias of a schema."""
        return name in self._by_name

    def get(self, name: str) -> CatalogEntry:
        """The entry named ``name`` (or aliased so); a ``CatalogError`` suggesting close names
        otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._by_name), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise CatalogError(
                f"no schema named {name!r}.{hint} 'conformance schemas' lists them all."
            ) from None

    def name_of(self, ref: str) -> str | None:
        """The catalog name a ``$ref`` to a whole schema points at (an alias's canonical name),
        or None."""
        if ref.startswith(URN_PREFIX) and "#" not in ref:
            entry = self._by_name.get(ref[len(URN_PREFIX) :])
            return entry.name if entry is not None else None
        return None

    def schema(self, name: str) -> dict[str, Any]:
        """The schema named ``name`` (a shared object: do not modify it)."""
        return self._schemas[self.get(name).name]

    def resource_arrays(self, name: str) -> tuple[str, ...]:
        """An envelope's properties that hold arrays of resources (``History``, ``value``)."""
        found = self._arrays.get(name)
        if found is None:
            properties = self.schema(name).get("properties", {})
            found = self._arrays[name] = (
                tuple(
                    prop
                    for prop, sub in properties.items()
                    if isinstance(sub.get("items"), dict) and "$ref" in sub["items"]
                )
                if self.get(name).kind == "envelope"
                else ()
            )
        return found

    def check_references(self) -> None:
        """Every ``$ref`` in the catalog names a schema in it; otherwise a ``CatalogError``."""
        ids = {e.id for e in self.entries}
        for entry in self.entries:
            for ref in _refs(self._schemas[entry.name]):
                target = ref.split("#", 1)[0]
                if target and target not in ids:
                    where = (
                        f"is neither in {self.directory} nor shipped"
                        if self.added
                        else "is not in the catalog"
                    )
                    raise CatalogError(
                        f"{entry.path}: $ref {ref!r} names a schema that {where}; a $ref is never"
                        " fetched from the network: add the schema it names to the folder, or"
                        " correct the $ref"
                    )

    def check_schemas(self) -> None:
        """Every ``$ref`` resolves and every schema compiles in the engine (jsonschema-rs, formats
        and ECMA-262 patterns included); otherwise a ``CatalogError`` naming the file.

        The schemas of a layered catalog's top folder are compiled first, so that the error
        names the file that is wrong rather than a shipped schema that refers to it.
        """
        import jsonschema_rs

        self.check_references()
        try:
            registry = self.rs_registry
        except ValueError as exc:
            raise CatalogError(
                f"{self.directory}: the schemas cannot be registered: {_first_line(exc)}"
            ) from None
        added = set(self.added)
        for entry in sorted(self.entries, key=lambda e: e.name not in added):
            try:
                jsonschema_rs.validator_for(
                    self._schemas[entry.name], validate_formats=True, registry=registry
                )
            except ValueError as exc:
                where = "".join(f"/{p}" for p in getattr(exc, "instance_path", ()))
                raise CatalogError(
                    f"{entry.path}: the schema does not compile: {_first_line(exc)}"
                    + (f" (at {where})" if where else "")
                    + "; fix it, or derive it again"
                ) from None

    def bundle(self, name: str) -> dict[str, Any]:
        """The schema ``name`` made self-contained, for tools that know no catalog.

        Every schema it refers to, transitively, is copied under ``$defs`` by its catalog name
        (without its own ``$id`` and ``$schema``), and every ``$ref`` is rewritten to point
        there: ``#/$defs/<name>``, and ``#`` for the schema itself. The result resolves with no
        registry; ``$schema`` (Draft 2020-12) and the URN ``$id`` stay at the top only. Our
        formats carry the guards the engine compiles with (``formats.exact``).
        """
        self.check_references()
        root = self.get(name).name
        order = [root]

        def local_to(current: str) -> Callable[[str], str]:
            def rewrite(ref: str) -> str:
                base, _, fragment = ref.partition("#")
                target = self.name_of(base) if base else current
                if target is None:  # check_references has ruled this out; for type checkers
                    raise CatalogError(f"{self.get(current).path}: $ref {ref!r} names no schema")
                if fragment and not fragment.startswith("/"):
                    raise CatalogError(
                        f"{self.get(current).path}: $ref {ref!r} names an anchor; a bundle"
                        " can rewrite JSON pointer references only"
                    )
                if target not in order:
                    order.append(target)
                return "#" + ("" if target == root else "/$defs/" + _escape(target)) + fragment

            return rewrite

        copies: dict[str, dict[str, Any]] = {}
        for current in order:  # grows while it is walked: a breadth-first closure
            # With the format guards as patterns: a tool that knows no edm-duration, or whose
            # date-time check has holes, then checks them as this engine does.
            copies[current] = exact(_with_refs(self._schemas[current], local_to(current)))
        top = copies[root]
        defs = dict(top.get("$defs", {}))
        for other in sorted(order[1:]):
            if other in defs:
                raise CatalogError(
                    f"{self.get(root).path}: its $defs has an entry {other!r}, the name the"
                    " bundle gives the schema of that name"
                )
            defs[other] = {k: v for k, v in copies[other].items() if k not in ("$id", "$schema")}
        bundled: dict[str, Any] = {"$schema": DRAFT_2020_12}
        bundled.update((k, v) for k, v in top.items() if k not in ("$schema", "$defs"))
        if defs:
            bundled["$defs"] = defs
        return bundled

    @cached_property
    def registry(self) -> referencing.Registry[Any]:
        """A ``referencing.Registry`` of every schema, for the ``jsonschema`` library.

        The schemas are registered without ``$schema``: jsonschema picks the validator class of
        every schema it enters by it, so with it a ``$ref`` would leave a class extended with an
        ECMA-262 ``pattern`` keyword for Python's ``re``, which cannot compile ``\\P{C}``.
        """
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        self.check_references()
        resources = [
            (e.id, DRAFT202012.create_resource(_without_dialect(self.schema(e.name))))
            for e in self.entries
        ]
        return Registry().with_resources(resources).crawl()

    @cached_property
    def rs_registry(self) -> jsonschema_rs.Registry:
        """A ``jsonschema_rs.Registry`` of every schema, for the fast engine."""
        import jsonschema_rs

        self.check_references()
        # Guarded as the engine must see them (conformance.formats); the schemas stay as written.
        return jsonschema_rs.Registry([(e.id, exact(self._schemas[e.name])) for e in self.entries])


def _without_dialect(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


def _read_folder(
    directory: Path,
) -> tuple[list[tuple[CatalogEntry, dict[str, Any]]], tuple[str, ...]]:
    """The schemas of a folder's ``*.json`` files, and notes on the files skipped."""
    found: list[tuple[CatalogEntry, dict[str, Any]]] = []
    notes: list[str] = []
    for path in sorted(directory.glob("*.json"), key=lambda p: p.name.lower()):
        schema = _read_json(path)
        meta = schema.get("x-catalog") if isinstance(schema, dict) else None
        if meta is None:
            if isinstance(schema, dict) and "x-catalog-data" in schema:
                continue  # data of the catalog (lifecycle.json), read by its own module
            # A JSON file beside the schemas (an overlay, a manifest) is not one of them.
            notes.append(f"{path}: skipped: no x-catalog, so not a schema of the catalog")
            continue
        found.append((_entry(path, schema, meta), schema))
    return found, tuple(notes)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text (byte {exc.start}); a schema is JSON") from None
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the schema: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"{path}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}; correct the file, or move it"
            " out of the folder"
        ) from None
    except RecursionError:
        raise CatalogError(f"{path}: not a schema: nested too deeply") from None


def _entry(path: Path, schema: dict[str, Any], meta: Any) -> CatalogEntry:
    """The entry of one schema file; a ``CatalogError`` for an ``x-catalog`` or ``$id`` that
    cannot name it."""
    name = meta.get("name") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or not isinstance(name, str) or not _NAME.fullmatch(name):
        raise CatalogError(
            f'{path}: x-catalog must be {{"name": "<vendor>.<Type>", "kind": ...}}, not'
            f" {json.dumps(meta)[:80]}; {_HOW_TO_DERIVE}"
        )
    kind = meta.get("kind", "resource")
    if not isinstance(kind, str):
        raise CatalogError(f"{path}: x-catalog kind must be a string such as 'resource'")
    expected = URN_PREFIX + name
    if schema.get("$id") != expected:
        found = "no $id" if "$id" not in schema else f"$id {schema['$id']!r}"
        raise CatalogError(
            f"{path}: {found}; the schema named {name!r} must have $id {expected!r}, the URN"
            f" $refs name it by; {_HOW_TO_DERIVE}"
        )
    vendor = name.split(".", 1)[0]
    aliases = meta.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CatalogError(f"{path}: x-catalog aliases must be a list of names")
    # A short alias ("synchronizationJobExecution") is of the schema's own vendor.
    qualified = [a if "." in a else f"{vendor}.{a}" for a in aliases]
    for alias in qualified:
        if not _NAME.fullmatch(alias):
            raise CatalogError(f"{path}: x-catalog alias {alias!r} is not a <vendor>.<Type> name")
    source = schema.get("x-source")
    source = source if isinstance(source, dict) else {}
    return CatalogEntry(
        name=name,
        title=schema.get("title", name),
        vendor=vendor,
        kind=kind,
        description=schema.get("description", ""),
        document=source.get("document", ""),
        origin=source.get("origin", ""),
        path=path,
        aliases=tuple(dict.fromkeys(a for a in qualified if a != name)),
    )


def property_reference(schema: dict[str, Any]) -> tuple[str | None, bool]:
    """The schema a property refers to (directly, nullable, or as array items), and whether it
    is an array of it; (None, False) for a property of its own type."""
    if "$ref" in schema:
        return schema["$ref"], False
    for option in schema.get("anyOf", ()):
        if "$ref" in option:
            return option["$ref"], False
    items = schema.get("items")
    if isinstance(items, dict) and "$ref" in items:
        return items["$ref"], True
    return None, False


def _refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` of a schema, leaving out data (``examples``, ``enum``, ``x-*``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key in _NAMED_SCHEMAS and isinstance(value, dict):
                for sub in value.values():
                    yield from _refs(sub)
            elif key not in _DATA_KEYWORDS and not key.startswith("x-"):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _with_refs(node: Any, rewrite: Callable[[str], str]) -> Any:
    """``node`` with every ``$ref`` (as ``_refs`` finds them) passed through ``rewrite``.

    Copy on write: what holds no changed ``$ref`` is the same object, so the shipped schemas,
    shared by every catalog built on them, are never modified.
    """
    if isinstance(node, list):
        items = [_with_refs(item, rewrite) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    changed = False
    for key, value in node.items():
        new = value
        if key == "$ref" and isinstance(value, str):
            new = rewrite(value)
            if new == value:
                new = value
        elif key in _NAMED_SCHEMAS and isinstance(value, dict):
            subs = {k: _with_refs(v, rewrite) for k, v in value.items()}
            if any(subs[k] is not value[k] for k in value):
                new = subs
        elif key not in _DATA_KEYWORDS and not key.startswith("x-"):
            new = _with_refs(value, rewrite)
        changed = changed or new is not value
        out[key] = new
    return out if changed else node


def _escape(token: str) -> str:
    """A JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _first_line(exc: BaseException) -> str:
    """The message of an engine's exception, without the schema dump under it."""
    message = getattr(exc, "message", None)
    return str(message if isinstance(message, str) else exc).split("\n", 1)[0]


def shipped_directory() -> Path:
    """The folder of the shipped schemas, in an installed copy as in a checkout."""
    # Found by module spec rather than imported: the package is data, and has no types to check.
    spec = importlib.util.find_spec("sync_conformance_schemas")
    if spec is None or spec.origin is None:
        raise CatalogError(
            "the shipped schemas (package sync_conformance_schemas) are not installed;"
            " reinstall sync-conformance"
        )
    return Path(spec.origin).parent


@cache
def default_catalog() -> Catalog:
    """The catalog of the shipped schemas, loaded once."""
    return Catalog(shipped_directory())


def load_catalog(schemas_dir: Path | str | None = None) -> Catalog:
    """The catalog a run validates with: the shipped schemas, with the derived schemas of the
    folder ``schemas_dir`` on top when it is given (the ``--schemas DIR`` option).

    The one way front-ends build their catalog. With a folder, its schemas are checked before
    anything is validated (see ``Catalog.layered``, ``Catalog.check_schemas``): every problem is
    a ``CatalogError`` that names the file, and, for a ``$ref``, the reference.
    """
    if schemas_dir is None:
        return default_catalog()
    catalog = Catalog.layered(default_catalog(), Path(schemas_dir))
    catalog.check_schemas()
    return catalog
