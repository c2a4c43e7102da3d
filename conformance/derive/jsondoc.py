"""JSON source files of the deriver (models, the overlay, the manifest), parsed one way.

A source file is input like any other: malformed JSON, or nesting deep enough to exhaust the
parser's recursion, is a ``DerivationError`` naming the file and line, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.errors import DerivationError


def load(text: str, document: str) -> Any:
    """The value of a JSON source file; a ``DerivationError`` with file and line otherwise."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DerivationError(
            document, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    except RecursionError:
        raise DerivationError(document, 1, "nested too deeply to be a source file") from None
