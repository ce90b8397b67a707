"""What the readers of formats/ share: the limits a file is held to, the events both parsers
yield, and the one exception they raise (with the line it is about)."""

from __future__ import annotations

import re

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_STREAM_BYTES = 256 * 1024 * 1024  # a file imported record by record (customers), never held whole as YAML
MAX_SCALAR_CHARS = 100_000
MAX_KEY_CHARS = 200
MAX_NUMBER_CHARS = 1_000  # well past any measurement; far short of the 4,300 digits int() refuses deep inside
MAX_DEPTH = 32


# Event kinds of both readers: (kind, line, value)
MAP, SEQ, END, SCALAR = "map", "seq", "end", "scalar"  # MAP and SEQ are also the tags' last words

_SURROGATE = re.compile("[\ud800-\udfff]")


class Bad(Exception):
    """Something wrong at a line of the file (None: the file as a whole)."""

    def __init__(self, line: int | None, message: str) -> None:
        self.line, self.message = line, message


def check_text(s: str, line: int | None) -> str:
    if not s.isascii() and _SURROGATE.search(s):
        raise Bad(line, f"text with a lone surrogate ({ascii(_SURROGATE.search(s).group())}) is not valid Unicode")
    return s
