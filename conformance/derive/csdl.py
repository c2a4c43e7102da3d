"""Reader for Microsoft Graph's CSDL: a whole ``$metadata`` document or a fragment of elements.

The CSDL is what Graph's services serialise from, so it says what the pages don't or say wrongly:
which properties may be null (``Nullable``, true unless ``false``), the width of integers, which
strings are enums, and the properties added since a page was written. It is read into the same
model as the pages (``TypeDoc``/``Member``, with the CSDL type names such as ``Edm.Int64`` and
``Collection(graph.x)`` as the written type), so one type table maps both.

The XML comes from outside, so it is parsed with defusedxml's SAX parser: no entity expansion, no
external references, and a locator that gives every element its line. Namespaces are not
resolved: ``edmx:Edmx``, ``Schema`` and a bare ``<Fragments>`` wrapper are all read by local
name, so a ``$metadata`` document and a fragment cut from one read the same.
"""

from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass, replace
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

import defusedxml.sax
from defusedxml import DefusedXmlException

from conformance.derive.model import Member, SourceRef, TypeDoc, TypeKind
from conformance.errors import DerivationError

__all__ = ["looks_like_csdl", "read_csdl"]

_TYPES = ("EntityType", "ComplexType", "EnumType")
_DESCRIPTION = ("Org.OData.Core.V1.Description", "Core.Description")
_NAME = re.compile(r"[A-Za-z_][\w]*")
# Generous: Graph's whole v1.0 $metadata is about 6 MB.
MAX_CSDL_BYTES = 64 * 1024 * 1024


def looks_like_csdl(text: str) -> bool:
    """True for XML that holds CSDL type elements (a ``$metadata`` document or a fragment)."""
    head = text.lstrip("\ufeff \t\r\n")
    return head.startswith("<") and bool(
        re.search(r"<(?:\w+:)?(?:ComplexType|EntityType|EnumType)\b", text)
    )


@dataclass
class _Open:
    """The type element being read."""

    tag: str
    name: str
    line: int
    base: str | None
    description: str = ""


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


class _Handler(ContentHandler):
    """Collects the type elements with their properties, members and descriptions."""

    def __init__(self, document: str) -> None:
        super().__init__()
        self.document = document
        self.locator: Locator | None = None
        self.types: list[TypeDoc] = []
        self.namespaces: set[str] = set()
        self._type: _Open | None = None
        self._members: list[Member] = []
        self._enum: list[str] = []
        self._property: Member | None = None
        self._depth_in_type = 0

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def _line(self) -> int:
        line = self.locator.getLineNumber() if self.locator is not None else None
        return line or 1

    def _fail(self, message: str) -> DerivationError:
        return DerivationError(self.document, self._line(), message)

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        tag = _local(name)
        if tag == "Schema":
            for key in ("Namespace", "Alias"):
                value = attrs.get(key)
                if value:
                    self.namespaces.add(value)
            return
        if self._type is None:
            if tag in _TYPES:
                type_name = attrs.get("Name", "")
                if not _NAME.fullmatch(type_name):
                    raise self._fail(f"{tag} has no usable Name attribute ({type_name!r})")
                self._type = _Open(tag, type_name, self._line(), attrs.get("BaseType"))
                self._members, self._enum, self._depth_in_type = [], [], 0
            return
        self._depth_in_type += 1
        if tag == "Property" and self._depth_in_type == 1:
            self._property = self._read_property(attrs)
            self._members.append(self._property)
        elif tag == "Member" and self._depth_in_type == 1 and self._type.tag == "EnumType":
            member = attrs.get("Name", "")
            if not _NAME.fullmatch(member):
                raise self._fail(
                    f"enum member of {self._type.name} has no usable Name ({member!r})"
                )
            self._enum.append(member)
        elif tag == "Annotation" and attrs.get("Term") in _DESCRIPTION:
            text = " ".join(str(attrs.get("String", "")).split())
            if self._depth_in_type == 1:
                self._type.description = text
            elif self._depth_in_type == 2 and self._property is not None:
                self._members[-1] = self._property = replace(self._property, description=text)

    def _read_property(self, attrs: AttributesImpl) -> Member:
        assert self._type is not None
        name = attrs.get("Name", "")
        written = attrs.get("Type", "")
        if not _NAME.fullmatch(name) or not written:
            raise self._fail(
                f"a Property of {self._type.name} lacks a usable Name or Type"
                f" (Name={name!r}, Type={written!r})"
            )
        nullable = attrs.get("Nullable")
        if nullable not in (None, "true", "false"):
            raise self._fail(
                f"Nullable={nullable!r} on {self._type.name}.{name}: expected true or false"
            )
        line = self._line()
        return Member(
            name=name,
            doc_type=written,
            description="",
            source=SourceRef(self.document, f"{self._type.tag} {self._type.name}", line),
            # CSDL: a property is nullable unless it says Nullable="false".
            nullable=nullable != "false",
            type_line=line,
        )

    def endElement(self, name: str) -> None:
        if self._type is None:
            return
        if self._depth_in_type > 0:
            if _local(name) == "Property" and self._depth_in_type == 1:
                self._property = None
            self._depth_in_type -= 1
            return
        info = self._type
        self._type = None
        kind: TypeKind = "enum" if info.tag == "EnumType" else "resource"
        if kind == "enum" and not self._enum:
            raise DerivationError(self.document, info.line, f"EnumType {info.name} has no Member")
        source = SourceRef(self.document, f"{info.tag} {info.name}", info.line)
        self.types.append(
            TypeDoc(
                vendor="graph",
                name=info.name,
                format="graph",
                description=info.description,
                source=source,
                kind=kind,
                members=tuple(self._members),
                enum=tuple(self._enum),
                base=_strip_namespace(info.base) if info.base else None,
                model="csdl",
                model_source=source,
            )
        )


def _strip_namespace(name: str) -> str:
    for prefix in ("microsoft.graph.", "graph."):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def read_csdl(text: str, document: str) -> list[TypeDoc]:
    """The entity, complex and enum types of a CSDL document or fragment, in document order."""
    data = text.encode("utf-8")
    if len(data) > MAX_CSDL_BYTES:
        raise DerivationError(document, 1, f"larger than {MAX_CSDL_BYTES} bytes; not read")
    handler = _Handler(document)
    try:
        defusedxml.sax.parseString(data, handler)
    except xml.sax.SAXParseException as exc:
        raise DerivationError(
            document,
            exc.getLineNumber() or 1,
            f"not well-formed XML: {exc.getMessage()} (column {exc.getColumnNumber()})",
        ) from None
    except DefusedXmlException as exc:
        raise DerivationError(document, handler._line(), f"refused: {exc}") from None
    if not handler.types:
        raise DerivationError(document, 1, "no EntityType, ComplexType or EnumType element found")
    return handler.types
