"""What the page readers find, before any type is mapped to JSON Schema.

The two page formats (Graph resource pages, AWS data-type pages) and the overlay are read into the
same small model, so that the type mapping and the schema writer know nothing of markdown and the
readers know nothing of JSON Schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

PageFormat = Literal["graph", "aws"]
# The vendor models: Graph's CSDL and AWS's botocore service models.
ModelFormat = Literal["csdl", "botocore"]
TypeKind = Literal["resource", "envelope", "enum"]


@dataclass(frozen=True)
class SourceRef:
    """Where a fact was read: a document, the section it stands in, the table row and the line."""

    document: str
    section: str
    line: int
    row: int | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document": self.document, "section": self.section}
        if self.row is not None:
            out["row"] = self.row
        out["line"] = self.line
        return out


@dataclass(frozen=True)
class Constraint:
    """One AWS constraint line (``Pattern: ...``, ``Length Constraints: ...``) as written."""

    label: str
    text: str
    line: int


@dataclass(frozen=True)
class Member:
    """A property of a type, with its type as the document writes it."""

    name: str
    doc_type: str
    description: str
    source: SourceRef
    required: bool = False
    constraints: tuple[Constraint, ...] = ()
    doc_issues: tuple[str, ...] = ()
    # The line of the type, where it has one of its own (AWS ``Type:``); else the member's line.
    type_line: int | None = None
    # Whether null is allowed: said by a vendor model (CSDL ``Nullable``); None where the source
    # does not say, and the page conventions apply.
    nullable: bool | None = None
    # Where a vendor model states this member, when the member was merged from a page and a model.
    model: SourceRef | None = None
    # What the page said of a member whose type a model gave: kept to record disagreements.
    page: Member | None = None


@dataclass(frozen=True)
class Example:
    """A JSON example quoted in a document, and where it stands."""

    value: Any
    source: SourceRef


@dataclass(frozen=True)
class TypeDoc:
    """A type as one document (or the overlay) describes it."""

    vendor: str
    name: str
    format: PageFormat
    description: str
    source: SourceRef
    kind: TypeKind = "resource"
    members: tuple[Member, ...] = ()
    enum: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    # The JSON representation block of a Graph page: property name -> the placeholder it shows.
    representation: dict[str, Any] | None = None
    doc_issues: tuple[str, ...] = ()
    # Where the document came from (a URL and date, from the sources manifest or the overlay).
    origin: str | None = None
    overlay: bool = False
    # The type it extends (CSDL ``BaseType``), whose members come first.
    base: str | None = None
    # The vendor model this type was read from (or merged with), and where it stands there.
    model: ModelFormat | None = None
    model_source: SourceRef | None = None
    # The names the pages used for a type the model has since renamed (catalog aliases).
    renamed_from: tuple[str, ...] = ()

    @property
    def qualified_name(self) -> str:
        return f"{self.vendor}.{self.name}"
