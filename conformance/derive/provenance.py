"""Which source each shipped property rests on, and where the pages and the models disagree.

The README's tables are made here from the schemas' own ``x-source``/``x-model``/``x-doc-issues``
(``python -m conformance.derive.provenance``), and a test checks that the README holds what this
prints, so the tables cannot drift from the schemas they describe.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from conformance.catalog import Catalog, default_catalog

__all__ = ["disagreement_table", "source_table"]

_SAYS = re.compile(
    r"^the document says (?P<page>.+?); the model \((?P<where>[^)]*)\) says (?P<model>.+?);"
    r" the model is followed\.$"
)


def _origin(prop: dict[str, Any], overlay: str) -> str:
    document = str(prop.get("x-source", {}).get("document", ""))
    if "x-model" in prop:
        return "both"
    if document == overlay:
        return "overlay"
    return "model" if document.endswith((".xml", ".json")) else "page"


def source_table(catalog: Catalog | None = None, overlay: str = "overlay.json") -> str:
    """A markdown table: per object schema, its properties by the source they rest on."""
    catalog = catalog or default_catalog()
    rows = [
        "| schema | page and model | page only | model only | overlay |",
        "|---|---|---|---|---|",
    ]
    for entry in catalog:
        if entry.kind == "enum":
            continue
        groups: dict[str, list[str]] = {"both": [], "page": [], "model": [], "overlay": []}
        for name, prop in catalog.schema(entry.name).get("properties", {}).items():
            groups[_origin(prop, overlay)].append(f"`{name}`")
        cells = [", ".join(groups[k]) or "-" for k in ("both", "page", "model", "overlay")]
        rows.append(f"| `{entry.name}` | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def disagreement_table(catalog: Catalog | None = None) -> str:
    """A markdown table of every property where a page and the model disagree."""
    catalog = catalog or default_catalog()
    rows = ["| property | the document says | the model says |", "|---|---|---|"]
    for entry in catalog:
        for name, prop in catalog.schema(entry.name).get("properties", {}).items():
            for issue in prop.get("x-doc-issues", []):
                m = _SAYS.match(issue)
                if m:
                    rows.append(
                        f"| `{entry.name}` `{name}` | {m.group('page')} | {m.group('model')} |"
                    )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(source_table() + "\n" + disagreement_table())
