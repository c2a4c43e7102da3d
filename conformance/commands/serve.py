"""Placeholder while the command is written: it says so and exits 2."""

from __future__ import annotations

import argparse
from typing import TextIO

NAME = "serve"
HELP = "(being written)"
DESCRIPTION = HELP
EPILOG = ""


def configure(parser: argparse.ArgumentParser) -> None:
    """No options yet."""


def run(args: argparse.Namespace, out: TextIO, parser: argparse.ArgumentParser) -> int:
    """Not built yet."""
    parser.error("not built yet")
    return 2
