"""The command line run in this process, as a test reads it: exit code, stdout, stderr."""

from __future__ import annotations

import contextlib
import io

from conformance.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    """``conformance ARGV``: its exit code (argparse's usage errors included), stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(list(argv), out)
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()
