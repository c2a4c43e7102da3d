"""The errors this package raises on purpose.

Every one of them is meant to be shown to a user as it is: the message says what is wrong, where
(file and line, or schema name) and what to do. Front-ends catch ``ConformanceError`` and print it
without a traceback.

    ConformanceError
     ├── DerivationError      a doc page the deriver cannot turn into a schema (file:line)
     ├── CatalogError         an unknown schema name, an unresolvable $ref, a broken schema file
     └── InputError           a document that cannot be read (path, line and column)
"""

from __future__ import annotations


class ConformanceError(Exception):
    """Base of the errors that front-ends report to users without a traceback."""


class DerivationError(ConformanceError):
    """A doc page, or an overlay entry, the deriver does not understand."""

    def __init__(self, document: str, line: int, message: str) -> None:
        super().__init__(f"{document}:{line}: {message}")
        self.document = document
        self.line = line
        self.message = message


class CatalogError(ConformanceError):
    """A schema that is not in the catalog, or a catalog that cannot be loaded."""


class InputError(ConformanceError):
    """A document that cannot be read or parsed."""
