"""The catalog: the shipped schemas by short name, and the registries that resolve their $refs.

A schema is named ``<vendor>.<Type>`` (``graph.synchronizationStatus``,
``kendra.DataSourceSyncJob``) and identified by a URN ``$id``, so no ``$ref`` can ever mean a
network fetch. Listing the catalog reads only the JSON files; the registries for the two
validation engines are built when a run first needs them, since importing ``referencing`` alone
costs a pre-commit user a noticeable wait.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.errors import CatalogError

if TYPE_CHECKING:
    import jsonschema_rs
    import referencing

URN_PREFIX = "urn:sync-conformance:"


@dataclass(frozen=True)
class CatalogEntry:
    """One shipped schema: its short name, what it describes and where it was derived from."""

    name: str
    title: str
    vendor: str
    kind: str
    description: str
    document: str
    origin: str
    path: Path

    @property
    def id(self) -> str:
        return URN_PREFIX + self.name


class Catalog:
    """The schemas in one folder, by name; built once per folder (see ``default_catalog``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._schemas: dict[str, dict[str, Any]] = {}
        self._arrays: dict[str, tuple[str, ...]] = {}
        entries = []
        for path in sorted(directory.glob("*.json"), key=lambda p: p.name.lower()):
            try:
                schema = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CatalogError(f"{path}: cannot read the schema: {exc}") from None
            meta = schema.get("x-catalog") if isinstance(schema, dict) else None
            if not isinstance(meta, dict):
                continue
            source = schema.get("x-source", {})
            entry = CatalogEntry(
                name=meta["name"],
                title=schema.get("title", meta["name"]),
                vendor=meta["name"].split(".", 1)[0],
                kind=meta.get("kind", "resource"),
                description=schema.get("description", ""),
                document=source.get("document", ""),
                origin=source.get("origin", ""),
                path=path,
            )
            entries.append(entry)
            self._schemas[entry.name] = schema
        self.entries: tuple[CatalogEntry, ...] = tuple(entries)
        self._by_name = {e.name: e for e in entries}

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> CatalogEntry:
        """The entry named ``name``; a ``CatalogError`` suggesting close names otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._by_name), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise CatalogError(
                f"no schema named {name!r}.{hint} 'conformance schemas' lists them all."
            ) from None

    def name_of(self, ref: str) -> str | None:
        """The catalog name a ``$ref`` to a whole schema points at, or None."""
        if ref.startswith(URN_PREFIX) and "#" not in ref:
            name = ref[len(URN_PREFIX) :]
            return name if name in self._by_name else None
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
                    raise CatalogError(
                        f"{entry.path.name}: $ref {ref!r} names no schema in the catalog;"
                        " a $ref is never fetched from the network"
                    )

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
        return jsonschema_rs.Registry([(e.id, self._schemas[e.name]) for e in self.entries])


def _without_dialect(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


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
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key not in ("examples", "x-source", "x-examples-source", "x-doc-issues"):
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


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
