"""JSON as events, by JSON's rules (RFC 8259) and without recursion, for the files whose records
need their lines; and large machine-written JSON (the screening list) by the json module, its
depth checked before that parser recurses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from permittui.errors import InvalidFile, Problem
from permittui.formats.base import (
    END,
    MAP,
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    MAX_SCALAR_CHARS,
    SCALAR,
    SEQ,
    Bad,
    check_text,
)
from permittui.formats.files import decode

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))
_VALUE, _FIRST_VALUE, _KEY, _FIRST_KEY, _COLON, _AFTER = range(6)


def json_events(s: str) -> Iterator[tuple[str, int, Any]]:
    """JSON (RFC 8259) as events, iteratively: nothing here recurses, whatever the nesting."""
    from json.decoder import scanstring

    pos, line, n = 0, 1, len(s)
    open_: list[str] = []  # "{" or "[" for each container open
    expect = _VALUE
    started = False
    while True:
        end = _WS.match(s, pos).end()
        if end != pos:
            line += s.count("\n", pos, end)
            pos = end
        if pos >= n:
            if open_ or not started:
                raise Bad(line, "not valid JSON: the file ends before the data does")
            return
        c = s[pos]
        if started and not open_:
            raise Bad(line, f"not valid JSON: more after the data ({c!r})")
        if expect in (_KEY, _FIRST_KEY):
            if c == "}" and expect == _FIRST_KEY:
                open_.pop()
                pos += 1
                expect = _AFTER
                yield END, line, None
                continue
            if c != '"':
                raise Bad(line, f"not valid JSON: expected a key in double quotes, found {c!r}")
            key, pos = _json_string(scanstring, s, pos, line)
            expect = _COLON
            yield SCALAR, line, key
        elif expect == _COLON:
            if c != ":":
                raise Bad(line, f"not valid JSON: expected ':' after a key, found {c!r}")
            pos += 1
            expect = _VALUE
        elif expect == _AFTER:
            top = open_[-1]
            if c == ",":
                pos += 1
                expect = _KEY if top == "{" else _VALUE
            elif c == ("}" if top == "{" else "]"):
                open_.pop()
                pos += 1
                yield END, line, None
            else:
                raise Bad(line, f"not valid JSON: expected ',' or {'}' if top == '{' else ']'!r}, found {c!r}")
        else:  # a value
            started = True
            if c == "{" or c == "[":
                open_.append(c)
                pos += 1
                expect = _FIRST_KEY if c == "{" else _FIRST_VALUE
                yield (MAP if c == "{" else SEQ), line, None
                continue
            if c == "]" and expect == _FIRST_VALUE:
                open_.pop()
                pos += 1
                expect = _AFTER
                yield END, line, None
                continue
            expect = _AFTER
            if c == '"':
                value, pos = _json_string(scanstring, s, pos, line)
                yield SCALAR, line, value
                continue
            m = _NUMBER.match(s, pos)
            if m and m.end() > pos:
                text = m.group()
                if len(text) > MAX_NUMBER_CHARS:
                    raise Bad(line, f"a number written with more than {MAX_NUMBER_CHARS} characters")
                pos = m.end()
                yield SCALAR, line, float(text) if m.group(1) or m.group(2) else int(text)
                continue
            for word, value in _LITERALS:
                if s.startswith(word, pos):
                    pos += len(word)
                    yield SCALAR, line, value
                    break
            else:
                raise Bad(line, f"not valid JSON: unexpected {c!r}")


def _json_string(scanstring: Any, s: str, pos: int, line: int) -> tuple[str, int]:
    try:
        value, end = scanstring(s, pos + 1, True)
    except json.JSONDecodeError as e:
        raise Bad(line, f"not valid JSON: {e.msg}") from None
    if end - pos > MAX_SCALAR_CHARS + 2 and len(value) > MAX_SCALAR_CHARS:
        raise Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
    return check_text(value, line), end


# ── large JSON without lines ─────────────────────────────────────────────────────────────

_JSON_STRING_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1, +1, -1, -1 as signed bytes


def json_depth(data: bytes) -> int:
    """How deep JSON text nests, found without parsing it: strings removed, then the running
    count of brackets (C-speed passes; a second or so for 64 MB of brackets)."""
    from array import array
    from itertools import accumulate

    skeleton = _JSON_STRING_BYTES.sub(b"", data).translate(None, _NOT_BRACKETS)
    return max(accumulate(array("b", skeleton.translate(_BRACKET_STEPS))), default=0)


def json_loads(name: str, data: bytes) -> Any:
    """Large machine-written JSON (the screening list) by the json module's C parser, which
    recurses: its depth is checked first (json_depth), numbers are held to MAX_NUMBER_CHARS
    before conversion, NaN/Infinity and a key twice in one object are refused."""
    text = decode(name, data)
    if json_depth(data) > MAX_DEPTH:
        raise InvalidFile([Problem(name, None, "", f"not valid JSON: nested deeper than {MAX_DEPTH} levels")])

    def number(kind: type) -> Any:
        def parse(s: str) -> Any:
            if len(s) > MAX_NUMBER_CHARS:
                raise Bad(None, f"a number written with more than {MAX_NUMBER_CHARS} characters")
            return kind(s)

        return parse

    def constant(s: str) -> Any:
        raise Bad(None, f"not valid JSON: {s}")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            twice = next(k for k, _ in items if k in seen or seen.add(k))
            raise Bad(None, f"key {twice!r} appears twice in one object")
        return out

    try:
        return json.loads(
            text, parse_int=number(int), parse_float=number(float), parse_constant=constant, object_pairs_hook=pairs
        )
    except json.JSONDecodeError as e:
        raise InvalidFile([Problem(name, e.lineno, "", f"not valid JSON: {e.msg}")]) from None
    except Bad as e:
        raise InvalidFile([Problem(name, e.line, "", e.message)]) from None
    except RecursionError:  # json_depth bounds it; a guard all the same
        raise InvalidFile([Problem(name, None, "", "not valid JSON: nested too deeply")]) from None
