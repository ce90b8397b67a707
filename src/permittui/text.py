"""The one sanitiser for untrusted text (anything from an import file or the database).

Control characters (ESC, OSC introducers, NUL, C1), bidi overrides and isolates, and zero-width
characters are made visible as ⟨U+XXXX⟩ (or a caret form for the common C0 ones), so they can
neither drive the terminal nor hide or reorder text. Markup safety is separate: the console
renders these strings through Content/Text objects, never as markup.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u034f"
_UNSAFE_CLASS = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}\ufff9-\ufffb\U000e0000-\U000e007f]"
_unsafe: re.Pattern[str] | None = None  # compiled at the first need: ~0.5 ms of every command's start


def _needs_pattern(s: str) -> bool:
    # Every character of the class is unprintable except U+034F, and a newline is kept: text
    # without those has nothing to make visible (tests/test_layers.py checks the class).
    return "\u034f" in s or not (s.isprintable() or s.replace("\n", "").isprintable())


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ^[ for ESC, ^@ for NUL
    return f"⟨U+{code:04X}⟩"


def clean(text: object, *, keep_newlines: bool = True) -> str:
    """Text made safe to write to a terminal; tabs become spaces."""
    s = str(text).replace("\t", "    ")
    if not keep_newlines:
        s = s.replace("\r\n", " ").replace("\n", " ")
    s = s.replace("\r", "^M")
    if not _needs_pattern(s):
        return s
    global _unsafe
    if _unsafe is None:
        _unsafe = re.compile(_UNSAFE_CLASS)
    return _unsafe.sub(_visible, s)


def one_line(text: object, limit: int | None = None) -> str:
    s = clean(text, keep_newlines=False)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s
