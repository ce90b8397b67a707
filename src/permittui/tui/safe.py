"""Untrusted text into widgets: always cleaned (permittui.text) and always as rich Text, never as
a markup string, so `[Holdings]`, `[@click=...]`, `[/x]` and escape sequences show literally."""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from permittui.text import clean, one_line


def line(value: object, limit: int | None = None, style: str | Style = "") -> Text:
    return Text(one_line(value, limit), style=style, no_wrap=True, end="")


def block(value: object, style: str | Style = "") -> Text:
    return Text(clean(value), style=style)


def fit(value: object, width: int) -> str:
    """One cleaned line, cut with … or padded to exactly `width` cells."""
    if width <= 0:
        return ""
    if isinstance(value, str):
        return _fit_str(value, width)
    return _fit(one_line(value), width)


@lru_cache(maxsize=8192)
def _fit_str(value: str, width: int) -> str:
    # List rows repeat their values (a customer's name, a status, the flags): a page of rows
    # cleans and measures each distinct one once.
    return _fit(one_line(value), width)


def _fit(s: str, width: int) -> str:
    if (len(s) if s.isascii() else cell_len(s)) > width:
        return set_cell_size(s, width - 1) + "…"
    return s + " " * (width - len(s)) if s.isascii() else set_cell_size(s, width)


def assemble(*parts: tuple[object, str] | str) -> Text:
    """Text from (untrusted value, style) pairs and plain literal strings of our own."""
    out = Text(end="")
    for p in parts:
        if isinstance(p, tuple):
            out.append(clean(p[0]), style=p[1] or None)
        else:
            out.append(p)
    return out
