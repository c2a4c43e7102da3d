"""Derive Draft 2020-12 JSON Schemas from vendor doc pages.

Pages are read into a small model (``model``) by one reader per page format (``graph_page``,
``aws_page``), completed by the overlay (``overlay``), mapped through one type table (``types``) and
written here as one schema per type. ``derive_sources`` reproduces the shipped schemas from
``schemas/sources/``; ``derive_pages`` derives pages the project has never seen.

Every property keeps an ``x-source`` (document, section, row, line) so a finding can quote the
sentence behind the rule, and every doc defect the deriver works around is written into the schema
(``x-doc-issues``), never fixed silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from conformance.catalog import property_reference
from conformance.derive import jsondoc
from conformance.derive import types as T
from conformance.derive.aws_page import looks_like_aws_page, read_aws_page
from conformance.derive.botocore_model import installed_model, looks_like_botocore, read_botocore
from conformance.derive.csdl import looks_like_csdl, read_csdl
from conformance.derive.graph_page import PLACEHOLDERS, looks_like_graph_page, read_graph_page
from conformance.derive.merge import merge, referenced
from conformance.derive.model import Example, Member, TypeDoc
from conformance.derive.overlay import apply_corrections, apply_refinements, read_overlay
from conformance.errors import DerivationError, InputError

__all__ = [
    "ModelSchemas",
    "Page",
    "derive_models",
    "derive_pages",
    "derive_sources",
    "differences",
    "installed_model",
    "is_model",
    "read_model",
    "render",
    "shipped_overlay",
    "write",
]

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
MANIFEST = "manifest.json"
# Graph objects carry OData control information (``@odata.type``, ``value@odata.nextLink``).
ODATA_ANNOTATIONS: dict[str, Any] = {"@odata\\.": {}}
_FIELD_SET_TO = re.compile(r"`(\w+)` field is set to `([^`]+)`")


@dataclass(frozen=True)
class Page:
    """A source document: its name as recorded in provenance, its text, and where it came from."""

    name: str
    text: str
    origin: str | None = None


def read_page(page: Page) -> list[TypeDoc]:
    """The types a page defines, read by the reader for its format."""
    if looks_like_aws_page(page.text):
        docs = read_aws_page(page.text, page.name)
    elif looks_like_graph_page(page.text):
        docs = read_graph_page(page.text, page.name)
    else:
        raise DerivationError(
            page.name,
            1,
            "not a page format this deriver reads: expected a Graph resource page (a 'Property |"
            " Type | Description' table), a Graph enum page ('Member | Value | Description'),"
            " an AWS data-type page ('## Contents' with 'Type:' lines) or an AWS operation page"
            " ('## Response Elements'); a vendor model goes in as a CSDL or service-2.json file",
        )
    return [_with_origin(d, page.origin) for d in docs]


def _with_origin(doc: TypeDoc, origin: str | None) -> TypeDoc:
    return replace(doc, origin=origin)


def is_model(text: str) -> bool:
    """True for a vendor model (CSDL or botocore) rather than a doc page."""
    return looks_like_csdl(text) or looks_like_botocore(text)


def read_model(model: Page, roots: Collection[str] | None = None) -> list[TypeDoc]:
    """The types a vendor model defines (Graph CSDL or a botocore service model).

    ``roots`` limits a botocore model to the structures named and what they reach: its types are
    written in page words as they are read, and a whole model has shapes no page would show.
    """
    if looks_like_csdl(model.text):
        docs = read_csdl(model.text, model.name)
    elif looks_like_botocore(model.text):
        docs = read_botocore(model.text, model.name, roots)
    else:
        raise DerivationError(
            model.name,
            1,
            "not a vendor model this deriver reads: expected Graph CSDL (XML with EntityType,"
            " ComplexType or EnumType elements) or a botocore service model (JSON with 'shapes')",
        )
    return [_with_origin(d, model.origin) for d in docs]


def derive_pages(
    pages: Iterable[Page],
    overlay: Page | None = None,
    models: Iterable[Page] = (),
    roots: Collection[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Derive one schema per type the pages, the models and the overlay define, keyed by
    qualified name.

    Where a page and a model describe the same type, they are merged (``merge``): the model's
    types win and disagreements are recorded. Of the models, the types the pages and the overlay
    refer to, the ``roots`` named, and what those reach are derived; with no pages and no roots,
    every type of the models.
    """
    docs: list[TypeDoc] = []
    for page in pages:
        docs.extend(read_page(page))
    read = None
    if overlay is not None:
        read = read_overlay(overlay.text, overlay.name)
        docs.extend(read.types)
    wanted = None
    if docs or roots:
        wanted = set(roots or ())
        wanted.update(d.name for d in docs)
        wanted.update(name for d in docs for m in d.members if (name := referenced(m.doc_type)))
    model_docs = [t for model in models for t in read_model(model, wanted)]
    merged = merge(docs, model_docs, roots)
    if overlay is not None and read is not None:
        merged = apply_corrections(merged, read.corrections, overlay.name)
        merged = apply_refinements(merged, read.refinements, overlay.name)
    return _Builder(merged).build()


@dataclass(frozen=True)
class ModelSchemas:
    """The schemas of vendor models alone (``derive_models``): ``schemas`` by qualified name, and
    ``filled``, the qualified names of the types the models refer to but do not define, which
    the overlay supplied (Graph's ``entity`` and ``keyValuePair`` for a CSDL fragment): a base
    type among them is no schema of its own, its members are in the types that extend it."""

    schemas: dict[str, dict[str, Any]]
    filled: tuple[str, ...] = ()


def derive_models(
    models: Iterable[Page], roots: Collection[str] | None = None, overlay: Page | None = None
) -> ModelSchemas:
    """Derive schemas from vendor models alone, no pages: what a model says, mapped through the
    same reader, merge and type table as ``derive_pages``, so that ``conformance upstream`` can
    compare our schemas with a model term by term.

    ``roots`` are the type names to take (and what they reach); None takes every type. A model
    fragment refers to types it does not hold (a CSDL cut has no ``entity``, the base type of
    ``synchronizationJob``): such a type is taken from the ``overlay``'s types when it has one of
    that name, and named in ``filled``, so that it is not mistaken for what the model says.
    The overlay's corrections and refinements are not applied: they change descriptions, kinds
    and examples, nothing a model says.
    """
    wanted = set(roots) if roots is not None else None
    model_docs = [t for model in models for t in read_model(model, wanted)]
    gaps: list[TypeDoc] = []
    if overlay is not None:
        spare = {(t.vendor, t.name): t for t in read_overlay(overlay.text, overlay.name).types}
        defined = {(t.vendor, n) for t in model_docs for n in (t.name, *t.aliases)}
        pending = list(model_docs)
        while pending:
            doc = pending.pop()
            names = [doc.base or "", *(referenced(m.doc_type) or "" for m in doc.members)]
            for name in names:
                key = (doc.vendor, name)
                if name and key not in defined and key in spare:
                    defined.add(key)
                    gaps.append(spare[key])
                    pending.append(spare[key])
    if roots is None:
        wanted = {t.name for t in model_docs}
    merged = merge(gaps, model_docs, wanted)
    schemas = _Builder(merged).build()
    return ModelSchemas(schemas, tuple(sorted({g.qualified_name for g in gaps})))


def shipped_overlay() -> Page:
    """The overlay the shipped schemas are derived with (``schemas/sources/overlay.json``, in an
    installed copy as in a checkout): the types a vendor model fragment refers to but lacks."""
    from conformance.catalog import shipped_directory

    path = shipped_directory() / "sources" / "overlay.json"
    try:
        return Page(path.name, path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the shipped overlay: {exc}") from None


def _read_listed(sources: Path, manifest_path: Path, entry: Any, key: str) -> Page:
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise DerivationError(str(manifest_path), 1, f"each of {key!r} needs a 'file'")
    path = sources / entry["file"]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DerivationError(str(path), 1, f"cannot read it: {exc}") from None
    origin = entry.get("origin")
    return Page(entry["file"], text, origin if isinstance(origin, str) else None)


def derive_sources(sources: Path) -> dict[str, dict[str, Any]]:
    """Derive the shipped schemas from a sources folder and its ``manifest.json``: the doc
    pages (``documents``), the vendor models (``models``, each with the ``types`` to take from
    it) and the overlay."""
    manifest_path = sources / MANIFEST
    try:
        text = manifest_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        # Said as a missing file, not a line of one: "manifest.json:1" pointed into nothing.
        raise InputError(
            f"no {MANIFEST} in {sources}: give --sources the folder that holds the sources"
            " manifest, or give pages/models as arguments with --out"
        ) from None
    manifest = jsondoc.load(text, str(manifest_path))
    if not isinstance(manifest, dict):
        raise DerivationError(str(manifest_path), 1, "the manifest must be a JSON object")
    pages = [
        _read_listed(sources, manifest_path, d, "documents") for d in manifest.get("documents", [])
    ]
    models = [_read_listed(sources, manifest_path, d, "models") for d in manifest.get("models", [])]
    roots = {
        name
        for d in manifest.get("models", [])
        for name in (d.get("types", []) if isinstance(d, dict) else [])
        if isinstance(name, str)
    }
    overlay = None
    if manifest.get("overlay"):
        overlay = _read_listed(sources, manifest_path, {"file": manifest["overlay"]}, "overlay")
    return derive_pages(pages, overlay, models, roots)


def render(schema: dict[str, Any]) -> str:
    """The text a schema file holds: stable key order as built, two-space indent, final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def file_name(qualified_name: str) -> str:
    """The schema file a type is written to."""
    return f"{qualified_name}.json"


def _ours(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("$id", "")).startswith("urn:sync-conformance:")


def differences(schemas: dict[str, dict[str, Any]], out: Path) -> list[str]:
    """How the schema files in ``out`` differ from ``schemas`` (empty when they are the same)."""
    problems = []
    expected = {file_name(n): render(s) for n, s in schemas.items()}
    for name, text in expected.items():
        path = out / name
        if not path.exists():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: differs from what its sources derive")
    for path in sorted(out.glob("*.json")):
        if path.name not in expected and _ours(path):
            problems.append(f"{path}: no source derives it any more")
    return problems


def write(schemas: dict[str, dict[str, Any]], out: Path) -> list[Path]:
    """Write the schema files (and remove ones of ours that no source derives any more)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    expected = {file_name(n) for n in schemas}
    for path in out.glob("*.json"):
        if path.name not in expected and _ours(path):
            path.unlink()
    for name, schema in schemas.items():
        path = out / file_name(name)
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


class _Builder:
    """Turns the read types into schemas; knows the whole set, so references can be resolved."""

    def __init__(self, docs: list[TypeDoc]) -> None:
        self.docs = docs
        self.by_name: dict[tuple[str, str], TypeDoc] = {}
        for doc in docs:
            for name in (doc.name, *doc.aliases):
                key = (doc.vendor, name)
                if key in self.by_name and self.by_name[key] is not doc:
                    raise DerivationError(
                        doc.source.document,
                        doc.source.line,
                        f"type {doc.vendor}.{name} is defined twice (also in"
                        f" {self.by_name[key].source.document}:{self.by_name[key].source.line})",
                    )
                self.by_name[key] = doc

    def build(self) -> dict[str, dict[str, Any]]:
        schemas = {doc.qualified_name: self._schema(doc) for doc in self.docs}
        by_id = {s["$id"]: s for s in schemas.values()}
        for doc in self.docs:
            for example in doc.examples:
                _add_example(schemas[doc.qualified_name], example, by_id)
        return dict(sorted(schemas.items(), key=lambda kv: kv[0].lower()))

    def _schema(self, doc: TypeDoc) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "$schema": DRAFT_2020_12,
            "$id": T.type_id(doc),
            "title": doc.name,
            "description": doc.description or _undescribed(doc),
        }
        issues = list(doc.doc_issues)
        if doc.kind == "enum":
            schema.update(type="string", enum=list(doc.enum))
        else:
            properties, required = self._properties(doc)
            schema["type"] = "object"
            schema["properties"] = properties
            if required:
                schema["required"] = required
            if doc.format == "graph":
                schema["patternProperties"] = ODATA_ANNOTATIONS
            schema["additionalProperties"] = False
            for name, issue in self._representation_issues(doc):
                where = properties[name] if name else None
                (where.setdefault("x-doc-issues", []) if where is not None else issues).append(
                    issue
                )
        provenance = doc.source.as_json()
        if doc.origin:
            provenance["origin"] = doc.origin
        schema["x-source"] = provenance
        if doc.model_source is not None and doc.model_source != doc.source:
            schema["x-model"] = doc.model_source.as_json()
        schema["x-catalog"] = {"name": doc.qualified_name, "kind": doc.kind}
        if doc.renamed_from:
            schema["x-catalog"]["aliases"] = [f"{doc.vendor}.{n}" for n in doc.renamed_from]
        if issues:
            schema["x-doc-issues"] = issues
        return schema

    def _resolve(self, vendor: str) -> T.Resolver:
        return lambda name: self.by_name.get((vendor, name))

    def _map(self, doc: TypeDoc, member: Member, hint: Any) -> T.Mapped:
        if doc.format == "graph":
            return T.graph_member(member, doc, self._resolve(doc.vendor), hint)
        return T.aws_member(member, doc, self._resolve(doc.vendor))

    def _disagreement(
        self, doc: TypeDoc, member: Member, mapped: T.Mapped, hint: Any
    ) -> Iterator[str]:
        """The page's own mapping issues, and where the page says other than the model.

        A page that only says less (``Integer`` where the model says ``Edm.Int64``, no
        nullability) is refined, not contradicted; a different type, width, enum or format is a
        disagreement, and the model is followed because it is what the service serialises.
        """
        assert member.page is not None
        assert member.model is not None
        try:
            said = self._map(doc, member.page, hint)
        except DerivationError as exc:
            yield f"the document's type {member.page.doc_type!r} cannot be mapped ({exc.message})."
            return
        yield from said.issues
        page, model = _core(said.schema), _core(mapped.schema)
        if all(key in model and model[key] == value for key, value in page.items()):
            return
        yield (
            f"the document says {_declared_type(member.page.doc_type)}"
            f"{_constraints(member.page)}; the model ({member.model.document}, line"
            f" {member.model.line}) says {member.doc_type}{_constraints(member)}; the model is"
            " followed."
        )

    def _properties(self, doc: TypeDoc) -> tuple[dict[str, Any], list[str]]:
        properties: dict[str, Any] = {}
        required = []
        hints = doc.representation or {}
        enums: dict[str, list[Any]] = {}
        for member in doc.members:
            mapped = self._map(doc, member, hints.get(member.name))
            prop: dict[str, Any] = {"description": member.description} if member.description else {}
            prop.update(mapped.schema)
            prop["x-source"] = {**member.source.as_json(), **mapped.provenance}
            if member.model is not None and member.model != member.source:
                prop["x-model"] = member.model.as_json()
            issues = [*member.doc_issues, *mapped.issues]
            if member.page is not None:
                issues.extend(self._disagreement(doc, member, mapped, hints.get(member.name)))
            if issues:
                prop["x-doc-issues"] = list(dict.fromkeys(issues))
            properties[member.name] = prop
            if "enum" in mapped.schema:
                enums[member.name] = mapped.schema["enum"]
            if member.required:
                required.append(member.name)
        # Prose that names a value an enum does not have ("set to `ERROR`") is a doc defect.
        for member in doc.members:
            for field, value in _FIELD_SET_TO.findall(member.description):
                if field in enums and value not in enums[field]:
                    properties[member.name].setdefault("x-doc-issues", []).append(
                        f"the description speaks of {field} {value}, which is not among"
                        f" {field}'s valid values ({', '.join(enums[field])}); the valid values"
                        " are followed."
                    )
        return properties, required

    def _representation_issues(self, doc: TypeDoc) -> Iterator[tuple[str | None, str]]:
        """Where a Graph page's JSON representation disagrees with its table (the table wins).

        Yields (property or None for the type, issue).
        """
        if doc.representation is None:
            return
        # The representation is compared with the page's own table, not with what a model added.
        table = [m.page or m for m in doc.members if m.page is not None or m.model is None]
        names = [m.name for m in table]
        for key in doc.representation:
            if key not in names:
                yield None, f"the JSON representation shows {key}, which the table does not list."
        for member in table:
            if member.name not in doc.representation:
                yield None, f"the JSON representation omits {member.name}, which the table lists."
                continue
            shown = _placeholder_type(doc.representation[member.name])
            said = _declared_type(member.doc_type)
            target = self.by_name.get((doc.vendor, said))
            if target is not None and target.kind == "enum" and (shown or "").lower() == "string":
                continue  # an enum travels as a string
            if shown and said and shown.lower() != said.lower() and not _same_scalar(shown, said):
                yield (
                    member.name,
                    (
                        f"the JSON representation shows {shown}; the table says {said};"
                        " the table is followed."
                    ),
                )


def _undescribed(doc: TypeDoc) -> str:
    source = doc.model_source or doc.source
    return (
        f"{doc.name} as {source.section} in {source.document} defines it (it has no description)."
    )


def _core(schema: dict[str, Any]) -> dict[str, Any]:
    """A member's schema without what pages never state: null, notes and descriptions."""
    options = schema.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        return _core(next(o for o in options if o != {"type": "null"}))
    out = {k: v for k, v in schema.items() if k not in ("$comment", "description")}
    kind = out.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        out["type"] = rest[0] if len(rest) == 1 else rest
    if isinstance(out.get("items"), dict):
        out["items"] = _core(out["items"])
    return out


def _constraints(member: Member) -> str:
    said = "; ".join(f"{c.label}: {c.text}" for c in member.constraints)
    return f" ({said})" if said else ""


def _placeholder_type(hint: Any) -> str | None:
    if isinstance(hint, str):
        return hint
    if isinstance(hint, dict) and "@odata.type" in hint:
        return str(hint["@odata.type"]).removeprefix("#").removeprefix("microsoft.graph.")
    return None


def _declared_type(doc_type: str) -> str:
    m = re.fullmatch(r"\s*\[([^\]]+)\]\([^)]*\)\s*", doc_type)
    return (m.group(1) if m else doc_type).strip()


def _same_scalar(shown: str, said: str) -> bool:
    """Placeholders and table types that map to the same JSON type and format agree."""
    a, b = shown.lower(), said.lower()
    if a not in PLACEHOLDERS or (b not in T.GRAPH_SCALARS and b != "number"):
        return False
    if (
        b == "number"
    ):  # a count typed Number is mapped to integer, in line with an Integer placeholder
        return a in ("integer", "int32", "int64", "number")
    return T.GRAPH_SCALARS.get(a) == T.GRAPH_SCALARS[b]


def _add_example(
    schema: dict[str, Any], example: Example, by_id: dict[str, dict[str, Any]]
) -> None:
    """Attach an example to its schema, and its nested objects to theirs, with provenance."""
    if example.value in schema.get("examples", []):
        return
    schema.setdefault("examples", []).append(example.value)
    schema.setdefault("x-examples-source", []).append(example.source.as_json())
    if not isinstance(example.value, dict):
        return
    for key, value in example.value.items():
        ref, many = property_reference(schema.get("properties", {}).get(key, {}))
        target = by_id.get(ref) if ref else None
        if target is None or target.get("type") != "object":
            continue
        for item in value if many and isinstance(value, list) else [value]:
            if isinstance(item, dict):
                _add_example(target, Example(item, example.source), by_id)
