"""Subcommands of ``conformance`` that live in a module of their own.

Each module here is one command: it names itself (``NAME``), says what it is for (``HELP``,
``DESCRIPTION``) and what its exit codes mean (``EPILOG``), adds its options (``configure``) and
runs (``run``). The command line lists ``COMMANDS`` and imports each module when it builds its
parser, so a module keeps its top-level imports to the standard library and imports the engine
inside ``run``. Like the rest of the command line, a command uses only the public API
(``conformance``, ``conformance.report``, ``conformance.derive``).
"""

from __future__ import annotations

import argparse
from typing import Protocol, TextIO

# The modules of conformance.commands, in the order ``conformance --help`` lists them.
COMMANDS: tuple[str, ...] = (
    "drift",
    "diff",
    "upstream",
    "generate",
    "fuzz",
    "serve",
    "openapi",
    "contract",
    "check_poller",
    "rules",
)


class Command(Protocol):
    """What the command line needs of a command module."""

    NAME: str
    HELP: str
    DESCRIPTION: str
    EPILOG: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(
        self, args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser
    ) -> int: ...
