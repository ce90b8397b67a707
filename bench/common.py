"""What several benchmark sections share: how to run the installed command, and a percentile."""

from __future__ import annotations

import sys
from pathlib import Path


def permittui_argv() -> list[str]:
    """The installed `permittui` next to this interpreter, else `python -m permittui`."""
    exe = Path(sys.executable).parent / "permittui"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "permittui"]


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, nearest rank."""
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]
