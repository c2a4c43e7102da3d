"""Reader for AWS botocore service models (``service-2.json``): the installed one, or a file.

The AWS doc pages are generated from these models, so the model is what the pages would say if
they were current: its structures are read into the same model as the data-type pages, written
in the pages' own words (``Type: Array of X objects``, ``Length Constraints: ...``,
``Valid Values: A | B``), so that one type table maps both and a page and its model can be
compared term by term. Smithy's ``pattern`` is kept as written; the type table decides what it
means for JSON Schema.

A model file is hostile input like any other: every field's type is checked before use, and
what cannot be read is a ``DerivationError`` naming the file and line.
"""

from __future__ import annotations

import gzip
import html
import importlib.util
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from conformance.derive import jsondoc
from conformance.derive.model import Constraint, Member, SourceRef, TypeDoc
from conformance.errors import DerivationError

__all__ = ["installed_model", "looks_like_botocore", "read_botocore"]

_SCALARS = {
    "string": "String",
    "integer": "Integer",
    "long": "Long",
    "float": "Float",
    "double": "Double",
    "boolean": "Boolean",
    "timestamp": "Timestamp",
    "blob": "Base64-encoded binary data object",
}
_NAME = re.compile(r"[A-Za-z_][\w]*")
_TAG = re.compile(r"<[^>]*>")
# Lists of lists of ... are written out; a list that contains itself would never end.
_MAX_DEPTH = 8
# botocore's largest models are a few MB; anything past this is not a service model.
MAX_MODEL_BYTES = 64 * 1024 * 1024


def looks_like_botocore(text: str) -> bool:
    """True for JSON with the ``shapes`` (and usually ``metadata``) of a botocore model."""
    head = text.lstrip("\ufeff \t\r\n")
    return head.startswith("{") and '"shapes"' in text and '"type"' in text


def installed_model(service: str = "kendra") -> tuple[str, str]:
    """The installed botocore's model of ``service``: its name for provenance, and its text.

    The newest API version the installed botocore ships is read. botocore is found by module
    spec, not imported: its import is slow and nothing of it but the data file is needed.
    """
    spec = importlib.util.find_spec("botocore")
    if spec is None or spec.origin is None:
        raise DerivationError(
            "botocore",
            1,
            "botocore is not installed; install it (pip install 'sync-conformance[aws]') or pass"
            " a service-2.json file",
        )
    root = Path(spec.origin).parent / "data" / service
    versions = sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []
    for version in reversed(versions):
        for name in ("service-2.json.gz", "service-2.json"):
            path = version / name
            if path.is_file():
                data = path.read_bytes()
                text = gzip.decompress(data) if name.endswith(".gz") else data
                return f"botocore {_version(spec.origin)} {service}/{version.name}/{name}", (
                    text.decode("utf-8")
                )
    raise DerivationError(
        str(root), 1, f"the installed botocore has no service model for {service!r}"
    )


def _version(origin: str) -> str:
    init = Path(origin).read_text(encoding="utf-8")
    m = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", init)
    return m.group(1) if m else "(unknown version)"


def _plain(documentation: Any) -> str:
    if not isinstance(documentation, str):
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", documentation)).split())


class _Lines:
    """The line of a shape and of its members in the model's text, for provenance."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for m in re.finditer("\n", text):
            self.starts.append(m.end())

    def line_of(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    def find(self, key: str, after: int = 0) -> int:
        m = re.compile(r'"' + re.escape(key) + r'"\s*:\s*\{').search(self.text, after)
        return m.start() if m else after


def read_botocore(text: str, document: str, roots: Collection[str] | None = None) -> list[TypeDoc]:
    """The structure shapes of a botocore model (whole or a fragment with ``shapes``).

    With ``roots``, only the structures of those names and the ones they reach; names the model
    does not have are passed over (a page may define types the model lacks).
    """
    if len(text) > MAX_MODEL_BYTES:
        raise DerivationError(document, 1, f"larger than {MAX_MODEL_BYTES} bytes; not read")
    model = jsondoc.load(text, document)
    if not isinstance(model, dict) or not isinstance(model.get("shapes"), dict):
        raise DerivationError(document, 1, "not a botocore service model: no 'shapes' object")
    metadata = model.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    service = next(
        (
            metadata[k].lower()
            for k in ("serviceId", "endpointPrefix", "signingName")
            if isinstance(metadata.get(k), str) and _NAME.fullmatch(metadata[k])
        ),
        None,
    )
    if service is None:
        raise DerivationError(
            document, 1, "cannot tell the service: metadata has no serviceId or endpointPrefix"
        )
    shapes: dict[str, Any] = model["shapes"]
    lines = _Lines(text)
    shapes_at = lines.find("shapes")
    out = []
    wanted = list(shapes) if roots is None else [r for r in roots if r in shapes]
    seen: set[str] = set()
    while wanted:
        name = wanted.pop(0)
        shape = shapes[name]
        if name in seen or not isinstance(shape, dict) or shape.get("type") != "structure":
            continue
        seen.add(name)
        if roots is None and (shape.get("exception") or shape.get("error")):
            continue  # an error body, not a response
        at = lines.find(name, shapes_at)
        line = lines.line_of(at)
        source = SourceRef(document, f"shape {name}", line)
        if not _NAME.fullmatch(name):
            raise DerivationError(document, line, f"shape name {name!r} is not a type name")
        members = _members(name, shape, shapes, document, lines, at)
        if roots is not None:
            wanted.extend(_structures(m.doc_type) for m in members if _structures(m.doc_type))
        out.append(
            TypeDoc(
                vendor=service,
                name=name,
                format="aws",
                description=_plain(shape.get("documentation")),
                source=source,
                members=tuple(members),
                model="botocore",
                model_source=source,
            )
        )
    return out


def _structures(written: str) -> str:
    """The structure a member written in page words refers to ('' for a scalar)."""
    m = re.search(r"(\w+) objects?\b", written)
    return m.group(1) if m else ""


def _members(
    owner: str, shape: dict[str, Any], shapes: dict[str, Any], document: str, lines: _Lines, at: int
) -> list[Member]:
    members = shape.get("members", {})
    line = lines.line_of(at)
    if not isinstance(members, dict):
        raise DerivationError(document, line, f"shape {owner}: 'members' is not an object")
    required = shape.get("required", [])
    if not isinstance(required, list):
        raise DerivationError(document, line, f"shape {owner}: 'required' is not a list")
    out = []
    members_at = lines.find("members", at)
    for name, ref in members.items():
        member_line = lines.line_of(lines.find(name, members_at))
        if not isinstance(ref, dict) or not isinstance(ref.get("shape"), str):
            raise DerivationError(document, member_line, f"{owner}.{name} names no shape")
        written, constraints = _written(ref["shape"], shapes, document, member_line, depth=0)
        out.append(
            Member(
                name=name,
                doc_type=written,
                description=_plain(ref.get("documentation")),
                source=SourceRef(document, f"shape {owner}", member_line),
                required=name in required,
                constraints=tuple(constraints),
                type_line=member_line,
            )
        )
    return out


def _written(
    shape_name: str, shapes: dict[str, Any], document: str, line: int, depth: int
) -> tuple[str, list[Constraint]]:
    """A shape in the words of a data-type page: its ``Type:`` text and constraint lines."""
    target = shapes.get(shape_name)
    if not isinstance(target, dict) or not isinstance(target.get("type"), str):
        raise DerivationError(document, line, f"shape {shape_name!r} is not defined in the model")
    kind = target["type"]
    constraints: list[Constraint] = []

    def bound(label: str, noun: str) -> None:
        low, high = target.get("min"), target.get("max")
        parts = []
        for word, value in (("Minimum", low), ("Maximum", high)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            parts.append(f"{word} {noun} of {value:g}.")
        if parts:
            constraints.append(Constraint(label, " ".join(parts), line))

    if kind == "structure":
        return f"{shape_name} object", []
    if kind == "list":
        member = target.get("member")
        if (
            depth > _MAX_DEPTH
            or not isinstance(member, dict)
            or not isinstance(member.get("shape"), str)
        ):
            raise DerivationError(
                document, line, f"list shape {shape_name!r} has no member shape, or nests too deep"
            )
        inner, inner_constraints = _written(member["shape"], shapes, document, line, depth + 1)
        constraints.extend(inner_constraints)
        bound("Array Members", "number")
        nested = inner.startswith(("Array of ", "String to "))
        return f"Array of {inner}" if nested else f"Array of {inner}s", constraints
    if kind == "map":
        key, value = target.get("key"), target.get("value")
        if (
            depth > _MAX_DEPTH
            or not isinstance(key, dict)
            or not isinstance(value, dict)
            or not isinstance(value.get("shape"), str)
        ):
            raise DerivationError(document, line, f"map shape {shape_name!r} is not understood")
        inner, inner_constraints = _written(value["shape"], shapes, document, line, depth + 1)
        constraints.extend(
            Constraint("Value " + c.label, c.text, c.line) for c in inner_constraints
        )
        if isinstance(key.get("shape"), str):
            _, key_constraints = _written(key["shape"], shapes, document, line, depth + 1)
            constraints.extend(
                Constraint("Key " + c.label, c.text, c.line) for c in key_constraints
            )
        bound("Map Entries", "number")
        return f"String to {inner} map", constraints
    written = _SCALARS.get(kind)
    if written is None:
        raise DerivationError(
            document, line, f"shape {shape_name!r} has type {kind!r}, which is not understood"
        )
    if kind == "string":
        bound("Length Constraints", "length")
        pattern = target.get("pattern")
        if isinstance(pattern, str):
            constraints.append(Constraint("Pattern", f"`{pattern}`", line))
        enum = target.get("enum")
        if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum):
            constraints.append(Constraint("Valid Values", f"`{' | '.join(enum)}`", line))
    elif kind in ("integer", "long", "float", "double"):
        bound("Valid Range", "value")
    return written, constraints
