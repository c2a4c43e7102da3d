"""A progress line on stderr for long runs: documents validated so far and the rate.

A HAR file or a cassette of a day's traffic can hold hundreds of thousands of documents, and a
silent terminal looks hung. The line is drawn only for a person watching (stderr is a terminal
and ``CI`` is not set: CI logs keep every redraw as a line of their own), at most about ten times
a second, and it is erased on ``close`` so that the report that follows stands alone. When it is
not drawn, ``advance`` returns at once: a disabled indicator costs one attribute test per call.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TextIO

# Carriage return to redraw in place; CSI K clears what a longer previous line left behind.
_ERASE = "\r\x1b[K"


def should_draw(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to draw on ``stream``: it is a terminal and the environment has no ``CI``."""
    if "CI" in (os.environ if environ is None else environ):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Progress:
    """Counts documents and redraws ``N documents  R/s`` on ``stream``, throttled.

    ``enabled`` None decides with ``should_draw``. ``interval`` is the least time between two
    redraws, in seconds; ``clock`` is injectable so tests need not sleep.
    """

    def __init__(
        self,
        stream: TextIO,
        enabled: bool | None = None,
        *,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.enabled = should_draw(stream) if enabled is None else enabled
        self.count = 0
        self._interval = interval
        self._clock = clock
        self._drawn = False
        self._start = self._last = clock() if self.enabled else 0.0

    def advance(self, n: int = 1) -> None:
        """Count ``n`` more documents; redraw if the last redraw is ``interval`` old."""
        if not self.enabled:
            return
        self.count += n
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self._start
        noun = "document" if self.count == 1 else "documents"
        rate = f"  {self.count / elapsed:,.0f}/s" if elapsed > 0 else ""
        self.stream.write(f"{_ERASE}{self.count:,} {noun}{rate}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the line if one was drawn, and draw no more."""
        if self._drawn:
            self.stream.write(_ERASE)
            self.stream.flush()
            self._drawn = False
        self.enabled = False

    def __enter__(self) -> Progress:
        """Use as a context manager that closes on exit."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the indicator, also when the run ends with an exception."""
        self.close()
