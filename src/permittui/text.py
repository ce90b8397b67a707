"""The one sanitiser for untrusted text (anything from an import file or the database), and the one
definition of the characters it makes visible.

Control characters (ESC, OSC introducers, NUL, C1 incl. NEL), format characters (bidi overrides and
isolates, zero-width characters, tag characters, ...), every Default_Ignorable_Code_Point (variation
selectors, Hangul fillers, CGJ, Mongolian free variation selectors, ...), U+2028/U+2029 and lone
surrogates are made visible as ⟨U+XXXX⟩ (or a caret form for the common C0 ones), so they can
neither drive the terminal nor hide or reorder text. Markup safety is separate: the console renders
these strings through Content/Text objects, never as markup.
"""

from __future__ import annotations

import re

# Characters that render as nothing: Default_Ignorable_Code_Point, and the format characters (Cf)
# outside it except the prepended concatenation marks (Arabic number signs and the like, which are
# drawn). As a regular-expression class body; tests/test_text.py checks it against the Unicode
# properties of the `regex` module, so a newer Unicode shows up there, not as a silent gap.
INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)
_PREPENDED_MARKS = "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"  # Cf, drawn
# What the sanitiser makes visible: controls but tab and newline (tab becomes spaces, CR ^M before
# this), every format character, the invisible ones, line and paragraph separators (a terminal may
# break a line there or not), and lone surrogates (which can't even be encoded for output).
UNSAFE_CLASS = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}{_PREPENDED_MARKS}\u2028\u2029\ud800-\udfff]"
# The few characters of the class that str.isprintable() accepts (marks and fillers): with them,
# "printable and none of these" means "nothing to make visible" (tests/test_layers.py checks that).
_PRINTABLE_INVISIBLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)
_printable_invisible: frozenset[str] | None = None
_unsafe: re.Pattern[str] | None = None  # compiled at the first need: ~0.5 ms of every command's start

_VS15, _VS16, _ZWJ, _KEYCAP = "\ufe0e", "\ufe0f", "\u200d", "\u20e3"
_EMOJI_MODIFIERS = "\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"  # skin tones
_BLACK_FLAG, _CANCEL_TAG = "\U0001f3f4", "\U000e007f"
# The subdivision flags Unicode recommends (England, Scotland, Wales): the only tag sequences let
# through, so tag characters can't carry hidden text behind a flag.
_RGI_TAG_FLAGS = frozenset(
    _BLACK_FLAG + "".join(chr(0xE0000 + ord(c)) for c in code) + _CANCEL_TAG for code in ("gbeng", "gbsct", "gbwls")
)


def has_unsafe(s: str) -> bool:
    """Whether `s` holds a character of UNSAFE_CLASS other than a newline: without one, nothing needs
    a pattern compiled (most text is ASCII)."""
    if s.isascii():
        return not (s.isprintable() or s.replace("\n", "").isprintable())
    if not (s.isprintable() or s.replace("\n", "").isprintable()):
        return True
    global _printable_invisible
    if _printable_invisible is None:
        _printable_invisible = frozenset(chr(c) for a, b in _PRINTABLE_INVISIBLE_RANGES for c in range(a, b + 1))
    return not _printable_invisible.isdisjoint(s)


_pictographic = None


def _is_pictographic(ch: str) -> bool:
    global _pictographic
    if _pictographic is None:  # only for text with a variation selector, joiner or tag in it
        import regex

        _pictographic = regex.compile(r"\p{Extended_Pictographic}").match
    return _pictographic(ch) is not None


def in_emoji_sequence(s: str, i: int) -> bool:
    """Whether s[i] is a variation selector, joiner or tag character doing its job in an emoji:
    VS15/VS16 right after a pictograph (or in a keycap "1️⃣"), ZWJ between two pictographs (each
    perhaps with its VS16 or skin tone), tags inside a recommended subdivision flag. These only pick a
    presentation or join a sequence that a terminal draws as one picture; anywhere else the same
    characters are a hiding place, and are made visible."""
    ch = s[i]
    if ch in (_VS15, _VS16):
        if i == 0:
            return False
        if s[i - 1] in "0123456789#*":
            return s[i + 1 : i + 2] == _KEYCAP
        return _is_pictographic(s[i - 1])
    if ch == _ZWJ:
        j = i - 1
        while j >= 0 and (s[j] == _VS16 or s[j] in _EMOJI_MODIFIERS):
            j -= 1
        return j >= 0 and i + 1 < len(s) and _is_pictographic(s[j]) and _is_pictographic(s[i + 1])
    if "\U000e0020" <= ch <= _CANCEL_TAG:
        start = s.rfind(_BLACK_FLAG, max(0, i - 6), i)
        end = s.find(_CANCEL_TAG, i, start + 7) if start >= 0 else -1
        return end >= 0 and s[start : end + 1] in _RGI_TAG_FLAGS
    return False


def _visible(m: re.Match[str]) -> str:
    ch = m.group()
    code = ord(ch)
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ^[ for ESC, ^@ for NUL
    if code in (0xFE0E, 0xFE0F, 0x200D) or 0xE0020 <= code <= 0xE007F:
        if in_emoji_sequence(m.string, m.start()):
            return ch
    return f"⟨U+{code:04X}⟩"


def clean(text: object, *, keep_newlines: bool = True) -> str:
    """Text made safe to write to a terminal; tabs become spaces."""
    s = str(text).replace("\t", "    ")
    if not keep_newlines:
        s = s.replace("\r\n", " ").replace("\n", " ")
    s = s.replace("\r", "^M")
    if not has_unsafe(s):
        return s
    global _unsafe
    if _unsafe is None:
        _unsafe = re.compile(UNSAFE_CLASS)
    return _unsafe.sub(_visible, s)


def one_line(text: object, limit: int | None = None) -> str:
    s = clean(text, keep_newlines=False)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return s
