"""Merge what the pages say with what the vendors' models say, type by type and member by member.

The pages give the descriptions and the sentences findings quote; the models (Graph CSDL, botocore)
are what the services serialise, so where both speak of a member, the model's type, nullability
and constraints are used and the page's own statement is kept beside it (``Member.page``), so the
schema writer can record where the two disagree. Members only a model has (added since a page was
written) are added; members only a page has are kept.

Types are paired by name, and where a type was renamed since the page was written (Graph's
``synchronizationJobExecution`` is now ``synchronizationTaskExecution``), by the property path
that reaches it: if a paired page type's member refers to ``X`` and the model type's member of the
same name refers to ``Y``, then ``X`` is ``Y``. The model's name wins, the page's becomes an alias.

Of a model, only the types the run asks for (its roots: every page type, and the types a
manifest or ``--type`` names) and what they reach are taken, so a whole ``$metadata`` document
derives a handful of schemas, not thousands.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import replace

from conformance.derive import markdown as md
from conformance.derive.model import Member, TypeDoc
from conformance.errors import DerivationError

__all__ = ["merge", "referenced"]

_WRAPPERS = (
    re.compile(r"Collection\((.+)\)", re.I),
    re.compile(r"(.+?) collection", re.I),
    re.compile(r"Array of (.+?)(?: objects)?", re.I),
    re.compile(r"String to (.+?)(?: objects?)? map", re.I),
    re.compile(r"(.+?) object", re.I),
)
_NAMESPACES = ("microsoft.graph.", "graph.")


def referenced(doc_type: str) -> str | None:
    """The type name a written type refers to (through collections, arrays, links), or None for
    a scalar such as ``Edm.Int64`` or ``String``."""
    text = re.sub(r"\s+", " ", doc_type).strip()
    changed = True
    while changed:
        changed = False
        for pattern in _WRAPPERS:
            m = pattern.fullmatch(text)
            if m:
                text, changed = m.group(1).strip(), True
                break
        linked = md.link(text)
        if linked:
            text, changed = linked[0], True
    if text.lower().startswith("edm.") or "<" in text:
        return None
    for prefix in _NAMESPACES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text if re.fullmatch(r"[A-Za-z_]\w*", text) else None


def merge(
    pages: list[TypeDoc], models: list[TypeDoc], roots: Collection[str] | None = None
) -> list[TypeDoc]:
    """The types of the pages and models as one set: paired types merged, model-only types
    taken where the roots reach them (all of them when ``roots`` is None and there are no pages).
    """
    by_model = {(t.vendor, t.name): t for t in models}
    page_names = {(t.vendor, n): t for t in pages for n in (t.name, *t.aliases)}
    pairs: dict[tuple[str, str], TypeDoc] = {}  # page key -> model type
    for page in pages:
        found = by_model.get((page.vendor, page.name))
        if found is not None and (page.kind == "enum") == (found.kind == "enum"):
            pairs[(page.vendor, page.name)] = found
    _pair_by_path(pages, by_model, page_names, pairs)

    merged: list[TypeDoc] = []
    used = set()
    for page in pages:
        model = pairs.get((page.vendor, page.name))
        if model is None:
            merged.append(page)
        else:
            merged.append(_merge_type(page, model))
            used.add((model.vendor, model.name))

    wanted = [(t.vendor, t.name) for t in models] if roots is None and not pages else []
    wanted += [k for k in by_model if k[1] in (roots or ())]
    for t in merged:
        wanted += [(t.vendor, name) for name in _reached(t)]
    known = {(t.vendor, n) for t in merged for n in (t.name, *t.aliases)}
    while wanted:
        key = wanted.pop(0)
        model = by_model.get(key)
        if model is None or key in used or key in known:
            continue
        used.add(key)
        known.add(key)
        merged.append(model)
        wanted += [(model.vendor, name) for name in _reached(model)]
    return _with_bases(merged)


def _reached(doc: TypeDoc) -> Iterable[str]:
    if doc.base:
        yield doc.base
    for member in doc.members:
        name = referenced(member.doc_type)
        if name:
            yield name


def _pair_by_path(
    pages: list[TypeDoc],
    by_model: dict[tuple[str, str], TypeDoc],
    page_names: dict[tuple[str, str], TypeDoc],
    pairs: dict[tuple[str, str], TypeDoc],
) -> None:
    """Pair renamed types through the members of types already paired, until nothing changes."""
    paired_models = {(m.vendor, m.name) for m in pairs.values()}
    changed = True
    while changed:
        changed = False
        for page in pages:
            model = pairs.get((page.vendor, page.name))
            if model is None:
                continue
            model_members = {m.name: m for m in model.members}
            for member in page.members:
                other = model_members.get(member.name)
                page_target = referenced(member.doc_type)
                model_target = referenced(other.doc_type) if other is not None else None
                if not page_target or not model_target:
                    continue
                target_page = page_names.get((page.vendor, page_target))
                target_model = by_model.get((model.vendor, model_target))
                if (
                    target_page is None
                    or target_model is None
                    or (target_page.vendor, target_page.name) in pairs
                    or (target_model.vendor, target_model.name) in paired_models
                    or (target_page.kind == "enum") != (target_model.kind == "enum")
                ):
                    continue
                pairs[(target_page.vendor, target_page.name)] = target_model
                paired_models.add((target_model.vendor, target_model.name))
                changed = True


def _merge_type(page: TypeDoc, model: TypeDoc) -> TypeDoc:
    aliases = tuple(
        dict.fromkeys(a for a in (page.name, *page.aliases, *model.aliases) if a != model.name)
    )
    issues = list(page.doc_issues)
    if page.kind == "enum" and page.enum and tuple(page.enum) != tuple(model.enum):
        issues.append(
            f"the document lists the values {', '.join(page.enum)}; the model"
            f" ({_where(model)}) lists {', '.join(model.enum)}; the model is followed."
        )
    return replace(
        page,
        name=model.name,
        aliases=aliases,
        renamed_from=(page.name,) if page.name != model.name else (),
        description=page.description or model.description,
        members=tuple(_merge_members(page, model)),
        enum=model.enum if model.kind == "enum" else page.enum,
        base=model.base,
        model=model.model,
        model_source=model.model_source,
        doc_issues=tuple(issues),
    )


def _merge_members(page: TypeDoc, model: TypeDoc) -> Iterable[Member]:
    from_model = {m.name: m for m in model.members}
    for member in page.members:
        other = from_model.pop(member.name, None)
        if other is None:
            yield replace(
                member,
                doc_issues=(
                    *member.doc_issues,
                    f"the model ({_where(model)}) has no property {member.name}; the document"
                    " is followed.",
                ),
            )
            continue
        yield replace(
            other,
            description=member.description or other.description,
            source=member.source,
            model=other.source,
            page=member,
            doc_issues=member.doc_issues,
        )
    for member in from_model.values():
        yield replace(
            member,
            model=member.source,
            doc_issues=(
                *member.doc_issues,
                f"not in the document ({page.source.document}); from the model.",
            ),
        )


def _where(model: TypeDoc) -> str:
    source = model.model_source or model.source
    return f"{source.document}, line {source.line}"


def _with_bases(types: list[TypeDoc]) -> list[TypeDoc]:
    """Each type with its base type's members first (CSDL ``BaseType``); bases are not schemas
    of their own unless something else refers to them."""
    by_name = {(t.vendor, n): t for t in types for n in (t.name, *t.aliases)}
    out = []
    for doc in types:
        chain: list[TypeDoc] = []
        base = doc.base
        while base:
            found = by_name.get((doc.vendor, base))
            if found is None:
                raise DerivationError(
                    doc.source.document,
                    (doc.model_source or doc.source).line,
                    f"{doc.name} extends {base}, which none of the pages, models or the overlay"
                    " being derived defines; derive the model that defines it too, or add it"
                    " to an overlay",
                )
            if found in chain or found is doc:
                raise DerivationError(
                    doc.source.document, doc.source.line, f"{doc.name}: base types form a cycle"
                )
            chain.append(found)
            base = found.base
        if chain:
            own = {m.name for m in doc.members}
            inherited = [m for b in reversed(chain) for m in b.members if m.name not in own]
            doc = replace(doc, members=(*inherited, *doc.members))
        out.append(doc)
    bases = {
        (b.vendor, b.name) for t in types for b in [by_name.get((t.vendor, t.base or ""))] if b
    }
    referenced_names = {
        (t.vendor, name) for t in types for m in t.members if (name := referenced(m.doc_type))
    }
    return [
        t
        for t in out
        if (t.vendor, t.name) not in bases
        or (t.vendor, t.name) in referenced_names
        or any((t.vendor, a) in referenced_names for a in t.aliases)
    ]
