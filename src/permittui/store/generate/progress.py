"""The progress line of `permittui generate`."""

from __future__ import annotations

import time
from typing import TextIO


class _Progress:
    """One \\r line on stderr (only when it is a terminal): percent, count and rate."""

    def __init__(self, total: int, enabled: bool, stream: TextIO) -> None:
        self.total, self.enabled, self.stream = total, enabled, stream
        self.start = time.monotonic()
        self.last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < 0.2:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-6)
        self._line(f"generating: {100 * done // self.total:3d}%  {done:,}/{self.total:,} requests  {rate:,.0f}/s")

    def phase(self, text: str) -> None:
        if self.enabled:
            self._line(text)

    def done(self) -> None:
        if self.enabled:
            self._line("")

    def _line(self, text: str) -> None:
        self.stream.write(f"\r{text:<76}\r" if not text else f"\r{text:<76}")
        self.stream.flush()


# ── the entry point ──────────────────────────────────────────────────────────────────────
