"""INTERIM (replaced by the matchform branch): the match form and why text is not plain."""

from __future__ import annotations

import re
import unicodedata

from permittui.domain.models import Record

_HIDDEN = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class TextIssue(Record):
    kind: str
    word: str
    message: str

    def __init__(self, kind: str, word: str, message: str) -> None:
        self._init(locals())


def inspect(text: str) -> list[TextIssue]:
    out = []
    for m in _HIDDEN.finditer(text):
        ch = m.group()
        out.append(TextIssue("invisible", "", f"invisible character U+{ord(ch):04X} {unicodedata.name(ch, '')}"))
    return out
