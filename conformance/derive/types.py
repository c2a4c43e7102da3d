"""The type table: how a type written in a doc page becomes a JSON Schema.

This table is the one place that knows what ``Int32``, ``DateTimeOffset``, ``Timestamp`` or
``Length Constraints`` mean; the README shows it as a table. Anything it does not know is a
``DerivationError`` naming the document and line, never a silent ``{}``: an empty schema accepts
everything, which is the one thing a conformance tool must not do quietly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.derive import markdown as md
from conformance.derive.model import Constraint, Member, TypeDoc
from conformance.errors import DerivationError

Schema = dict[str, Any]
Resolver = Callable[[str], TypeDoc | None]

INT32: Schema = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
INT64: Schema = {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}
DATE_TIME: Schema = {"type": "string", "format": "date-time"}

GRAPH_SCALARS: dict[str, Schema] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "byte": {"type": "integer", "minimum": 0, "maximum": 255},
    "sbyte": {"type": "integer", "minimum": -128, "maximum": 127},
    "int16": {"type": "integer", "minimum": -(2**15), "maximum": 2**15 - 1},
    "int32": INT32,
    "int64": INT64,
    # Older Graph pages say "Integer" without a width; the docs promise no bound, so none is set.
    "integer": {"type": "integer"},
    "double": {"type": "number"},
    "single": {"type": "number"},
    "decimal": {"type": "number"},
    "datetimeoffset": DATE_TIME,
    "string (datetime)": DATE_TIME,
    "string (datetimeoffset)": DATE_TIME,
    "date": {"type": "string", "format": "date"},
    "guid": {"type": "string", "format": "uuid"},
    # OData's Edm.Duration (fractional seconds, no years or months), not JSON Schema's duration.
    "duration": {"type": "string", "format": "edm-duration"},
    "binary": {"type": "string", "contentEncoding": "base64"},
}

AWS_SCALARS: dict[str, Schema] = {
    "string": {"type": "string"},
    "boolean": {"type": "boolean"},
    "integer": INT32,
    "long": INT64,
    "float": {"type": "number"},
    "double": {"type": "number"},
    # AWS JSON 1.1 (Kendra's protocol) sends timestamps as epoch seconds, maybe fractional.
    "timestamp": {"type": "number", "$comment": "epoch seconds, as AWS JSON 1.1 sends timestamps"},
    "base64-encoded binary data object": {"type": "string", "contentEncoding": "base64"},
}

_COUNT_NAME = re.compile(r"^count[A-Z0-9_]|^num[A-Z]")
_COUNT_PROSE = re.compile(r"^(number|count) of\b", re.I)


@dataclass
class Mapped:
    """A member's schema, what its provenance should add, and the doc issues found on the way."""

    schema: Schema
    provenance: dict[str, Any] = field(default_factory=dict)
    issues: list[str] = field(default_factory=list)


def type_id(doc: TypeDoc) -> str:
    """The ``$id`` of a type's schema: a URN, so that no resolver ever tries the network."""
    return f"urn:sync-conformance:{doc.qualified_name}"


def _fail(member: Member, message: str, line: int | None = None) -> DerivationError:
    where = line or member.type_line or member.source.line
    return DerivationError(member.source.document, where, message)


def _ref(target: TypeDoc, nullable: bool) -> Schema:
    ref: Schema = {"$ref": type_id(target)}
    return {"anyOf": [ref, {"type": "null"}]} if nullable else ref


def _or_null(schema: Schema) -> Schema:
    """A scalar schema that also accepts null (a CSDL property without ``Nullable="false"``)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _resolve(name: str, member: Member, owner: TypeDoc, resolve: Resolver) -> TypeDoc:
    target = resolve(name)
    if target is None:
        raise _fail(
            member,
            f"property {member.name!r} of {owner.name} has type {member.doc_type!r}, which is not a"
            f" {owner.format} type this deriver knows, nor a type defined in the pages being"
            " derived"
            " or in the overlay; derive the page that defines it too, or add it to an overlay",
        )
    return target


# --- Microsoft Graph ------------------------------------------------------------------------------


def graph_member(member: Member, owner: TypeDoc, resolve: Resolver, hint: Any = None) -> Mapped:
    """Map a Graph property type (``hint``: the JSON representation's placeholder, if any).

    Null is allowed where a model says so (``member.nullable``); where the source does not say
    (a page), nested objects are nullable and scalars and enums are not, as before models.
    """
    return _graph_type(member.doc_type, member, owner, resolve, hint, nullable=member.nullable)


def _graph_type(
    text: str, member: Member, owner: TypeDoc, resolve: Resolver, hint: Any, nullable: bool | None
) -> Mapped:
    text = re.sub(r"\s+", " ", text).strip()
    collection = re.fullmatch(r"(.+?) collection", text, re.I) or re.fullmatch(
        r"Collection\((.+)\)", text, re.I
    )
    if collection:
        # OData: a collection is always present (maybe empty); Nullable speaks of its items, and
        # Graph's items are never null, so neither is.
        inner = _graph_type(collection.group(1), member, owner, resolve, None, nullable=False)
        return Mapped({"type": "array", "items": inner.schema}, inner.provenance, inner.issues)
    pair = re.fullmatch(r"KeyValuePair<\s*(\w+)\s*,\s*(\w+)\s*>", text, re.I)
    if pair:
        key, value = (_graph_scalar(t, member) for t in pair.groups())
        return Mapped(
            {
                "type": "object",
                "properties": {"key": key, "value": value},
                "required": ["key", "value"],
                "additionalProperties": False,
            }
        )
    linked = md.link(text)
    name = linked[0] if linked else text
    lower = name.lower().removeprefix("edm.")
    if lower == "number":
        return _graph_number(member, hint)
    if lower in GRAPH_SCALARS:
        scalar = dict(GRAPH_SCALARS[lower])
        return Mapped(_or_null(scalar) if nullable else scalar)
    if name.lower().startswith("edm."):
        raise _fail(
            member,
            f"type {text!r} of property {member.name!r} is not an Edm type this"
            " deriver maps; see the type table in the README",
        )
    if not re.fullmatch(r"[A-Za-z_][\w.]*", name):
        raise _fail(member, f"type {text!r} of property {member.name!r} is not understood")
    target = _resolve(
        name.removeprefix("microsoft.graph.").removeprefix("graph."), member, owner, resolve
    )
    said = nullable is not None
    nullable = nullable if said else target.kind != "enum"
    mapped = Mapped(_ref(target, bool(nullable)))
    if nullable and not said:
        mapped.provenance["nullable"] = (
            "OData complex-typed properties are nullable, and the source examples send null for"
            " nested objects that have no value"
        )
    where = f" (linked to {linked[1]})" if linked else ""
    written = name.removeprefix("microsoft.graph.").removeprefix("graph.")
    if target.overlay and not owner.overlay:
        mapped.issues.append(
            f"the type {name}{where} is not defined in the source documents; its definition comes"
            f" from the overlay as {target.qualified_name}."
        )
    elif written != target.name and written not in target.renamed_from and not owner.overlay:
        mapped.issues.append(
            f"the document names the type {name}{where}, which none of the sources defines under"
            f" that name; it is {target.qualified_name}"
            f"{' of the model' if target.model else ''}."
        )
    return mapped


def _graph_scalar(name: str, member: Member) -> Schema:
    schema = GRAPH_SCALARS.get(name.lower())
    if schema is None:
        raise _fail(member, f"KeyValuePair part {name!r} of {member.name!r} is not a scalar type")
    return dict(schema)


def _graph_number(member: Member, hint: Any) -> Mapped:
    """``Number`` is Graph's loosest numeric word; a count is still an integer."""
    evidence = []
    if _COUNT_NAME.match(member.name):
        evidence.append("its name")
    if _COUNT_PROSE.match(member.description):
        evidence.append("its description")
    if isinstance(hint, str) and hint.lower().startswith(("int", "integer")):
        evidence.append(f"the JSON representation ({hint})")
    if not evidence:
        return Mapped({"type": "number"})
    return Mapped(
        {"type": "integer"},
        issues=[
            f"typed Number, but {' and '.join(evidence)} say it is a count: mapped to integer."
        ],
    )


# --- AWS ------------------------------------------------------------------------------------------


def aws_member(member: Member, owner: TypeDoc, resolve: Resolver) -> Mapped:
    """Map an AWS member type and apply its constraint lines."""
    mapped = Mapped({})
    targets: dict[str, Schema] = {}
    mapped.schema = _aws_type(member.doc_type, member, owner, resolve, targets)
    for constraint in member.constraints:
        _apply(constraint, member, targets, mapped)
    return mapped


def _singular(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r".+\s+objects", text):
        return text[: -len("objects")] + "object"
    if text.lower().endswith("s") and text[:-1].lower() in AWS_SCALARS:
        return text[:-1]
    return text


def _aws_type(
    text: str, member: Member, owner: TypeDoc, resolve: Resolver, targets: dict[str, Schema]
) -> Schema:
    text = re.sub(r"\s+", " ", text).strip()
    array = re.fullmatch(r"Array of (.+)", text, re.I)
    if array:
        item = _aws_type(_singular(array.group(1)), member, owner, resolve, {})
        node: Schema = {"type": "array", "items": item}
        targets.update(array=node, value=item)
        return node
    mapping = re.fullmatch(r"String to (.+) map", text, re.I)
    if mapping:
        value = _aws_type(_singular(mapping.group(1)), member, owner, resolve, {})
        keys: Schema = {}
        node = {"type": "object", "propertyNames": keys, "additionalProperties": value}
        targets.update(map=node, key=keys, value=value)
        return node
    obj = re.fullmatch(r"(.+?) object", text)
    if obj and text.lower() not in AWS_SCALARS:
        linked = md.link(obj.group(1))
        name = linked[0] if linked else obj.group(1).strip()
        node = _ref(_resolve(name, member, owner, resolve), nullable=False)
        targets["object"] = node
        return node
    scalar = AWS_SCALARS.get(text.lower())
    if scalar is None:
        raise _fail(member, f"type {text!r} of member {member.name!r} is not understood")
    node = dict(scalar)
    targets["value"] = node
    return node


_NUMBER = r"(-?\d+(?:\.\d+)?)"


def _bounds(constraint: Constraint, member: Member, low: str, high: str) -> Schema:
    text = md.unescape(constraint.text)
    out: Schema = {}
    for word, key in ((r"Minimum", low), (r"Maximum", high)):
        m = re.search(word + r" (?:length|value|number) of " + _NUMBER, text)
        if m:
            number = float(m.group(1))
            out[key] = int(number) if number.is_integer() else number
    m = re.search(r"Fixed length of (\d+)", text)
    if m:
        out[low] = out[high] = int(m.group(1))
    if not out:
        raise _fail(
            member, f"constraint {constraint.label}: {text!r} is not understood", constraint.line
        )
    return out


def _code(constraint: Constraint) -> str:
    m = re.search(r"`([^`]*)`", constraint.text)
    return m.group(1) if m else md.unescape(constraint.text)


def anchored(pattern: str) -> str:
    """AWS matches a pattern against the whole value; JSON Schema's ``pattern`` is a search."""
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern
    return f"^(?:{pattern})$"


def _apply(
    constraint: Constraint, member: Member, targets: dict[str, Schema], mapped: Mapped
) -> None:
    label = constraint.label
    part = "key" if label.startswith("Key ") else "value"
    base = label.removeprefix("Key ").removeprefix("Value ")

    def target(name: str) -> Schema:
        if name not in targets:
            raise _fail(
                member,
                f"constraint {label!r} does not apply to type {member.doc_type!r}",
                constraint.line,
            )
        return targets[name]

    if base == "Length Constraints":
        target(part).update(_bounds(constraint, member, "minLength", "maxLength"))
    elif base == "Pattern":
        original = _code(constraint)
        target(part)["pattern"] = anchored(original)
        if anchored(original) != original:
            mapped.provenance["pattern_original"] = original
            mapped.provenance["pattern_note"] = (
                "AWS validates the pattern against the whole value; anchored here because"
                " JSON Schema's pattern is a search"
            )
    elif base == "Valid Values":
        target(part)["enum"] = [v.strip() for v in _code(constraint).split("|") if v.strip()]
    elif base == "Valid Range":
        target(part).update(_bounds(constraint, member, "minimum", "maximum"))
    elif label == "Array Members":
        target("array").update(_bounds(constraint, member, "minItems", "maxItems"))
    elif label == "Map Entries":
        target("map").update(_bounds(constraint, member, "minProperties", "maxProperties"))
    else:
        raise _fail(member, f"constraint {label!r} is not understood", constraint.line)
