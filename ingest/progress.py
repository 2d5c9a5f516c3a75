"""A progress line for long runs: rows, rate and time left on a terminal; silent when piped."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Report progress on ``stream`` when it is a terminal.

    Parameters
    ----------
    total : int or None
        Rows expected (None when unknown: no time-left estimate).
    stream : file, optional
        Defaults to standard error.
    enabled : bool, optional
        Force on or off; by default on only when ``stream`` is a terminal.
    """

    def __init__(self, total: int | None, stream: TextIO | None = None,
                 enabled: bool | None = None, label: str = "rows"):
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0

    def line(self) -> str:
        """The current progress line (without carriage return)."""
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.done:,}"
        if self.total:
            text += f"/{self.total:,} {self.label} ({self.done / self.total:.0%})"
        else:
            text += f" {self.label}"
        text += f" | {rate:,.0f} {self.label}/s"
        if self.total and rate > 0:
            left = max(self.total - self.done, 0) / rate
            text += f" | {int(left // 60)}:{int(left % 60):02d} left"
        return text

    def update(self, done: int, total: int | None = None) -> None:
        """Record ``done`` rows and, when known, the expected total.

        The line is redrawn at most ten times a second.
        """
        self.done = done
        if total:
            self.total = max(total, done)
        now = time.monotonic()
        if self.enabled and now - self._last >= 0.1:
            self._last = now
            print("\r" + self.line(), end="", file=self.stream, flush=True)

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            print("\r" + self.line(), file=self.stream, flush=True)
