"""Load a YAML or JSON file into records that remember their line numbers.

Both formats are read as a stream of events and composed here, one record at a time and without
recursion: libyaml's parser (PyYAML's pure-Python one where libyaml is missing) for YAML, a small
tokenizer of our own for JSON (JSON's own rules: surrogate pairs, escapes, no YAML typing). The
limits hold before any memory or stack is spent on what breaks them:

- the file: a regular file of at most MAX_FILE_BYTES, valid UTF-8, no control characters outside
  quoted escapes (YAML), checked before parsing;
- structure: no aliases (no billion laughs), only the standard tags (no python/object), nesting
  at most MAX_DEPTH levels (counted as each level opens, in block and flow style and in JSON);
- values: scalars at most MAX_SCALAR_CHARS, keys text of at most MAX_KEY_CHARS and never twice
  in one mapping, numbers at most MAX_NUMBER_CHARS written characters (so no int of 5,000
  digits is ever converted), no lone surrogates.

`stream_records` yields the records of a file one by one (an import of half a million holds a
batch at a time); `load_document` reads them all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from permittui.errors import InvalidFile, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_STREAM_BYTES = 256 * 1024 * 1024  # a file imported record by record (customers), never held whole as YAML
MAX_SCALAR_CHARS = 100_000
MAX_KEY_CHARS = 200
MAX_NUMBER_CHARS = 1_000  # well past any measurement; far short of the 4,300 digits int() refuses deep inside
MAX_DEPTH = 32

_TAG = "tag:yaml.org,2002:"
_OK_SCALARS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NON_SPECIFIC = (None, "!")

# Event kinds of both readers: (kind, line, value)
MAP, SEQ, END, SCALAR = "map", "seq", "end", "scalar"  # MAP and SEQ are also the tags' last words

# Characters YAML does not allow raw in a file (its printable set, less tab/LF/CR): C0 and C1
# controls, DEL, surrogates, U+FFFE/U+FFFF. libyaml refuses them too, but names no line.
_NOT_YAML_PRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Record:
    """One mapping from a file: its data, the line it starts on and the line of each field."""

    data: dict[str, Any]
    line: int
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


@dataclass
class Document:
    """A loaded file: its top-level mapping (if any) and the records of its main list."""

    path: str
    header: dict[str, Any]
    header_lines: dict[str, int]
    records: list[Record]


class _Bad(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        self.line, self.message = line, message


def _check_text(s: str, line: int | None) -> str:
    if not s.isascii() and _SURROGATE.search(s):
        raise _Bad(line, f"text with a lone surrogate ({ascii(_SURROGATE.search(s).group())}) is not valid Unicode")
    return s


# ── reading the file ─────────────────────────────────────────────────────────────────────


def _regular_file(path: Path, limit: int) -> None:
    """Refused before anything is read: missing, a folder, not a regular file, over the limit."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InvalidFile([Problem(name, None, "", "no such file")]) from None
    except OSError as e:
        raise InvalidFile([Problem(name, None, "", f"cannot read: {e.strerror or e}")]) from None
    if stat.S_ISDIR(st.st_mode):
        raise InvalidFile([Problem(name, None, "", "is a folder, not a file")])
    if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
        raise InvalidFile([Problem(name, None, "", "is not a regular file")])
    if st.st_size > limit:
        raise InvalidFile([Problem(name, None, "", f"file is {st.st_size} bytes, over the {limit} limit")])


def _open(path: Path) -> Any:
    try:
        return open(path, "rb")
    except OSError as e:
        raise InvalidFile([Problem(str(path), None, "", f"cannot read: {e.strerror or e}")]) from None


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refused before reading if it is not a regular file or is over the limit."""
    _regular_file(path, limit)
    with _open(path) as f:
        try:
            data = f.read(limit + 1)  # a file that grows while it is read is still held to the limit
        except OSError as e:
            raise InvalidFile([Problem(str(path), None, "", f"cannot read: {e.strerror or e}")]) from None
    if len(data) > limit:
        raise InvalidFile([Problem(str(path), None, "", f"file is over the {limit} bytes limit")])
    return data


def _yaml_file(path: Path, limit: int) -> Any:
    """The YAML file open for libyaml to read in pieces, once a pass in pieces has found it valid
    UTF-8 without raw control characters (libyaml refuses them too, but names no line)."""
    import codecs

    name = str(path)
    _regular_file(path, limit)
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset, size = 1, 0, 0
    with _open(path) as f:
        while True:
            chunk = f.read(1 << 20)
            size += len(chunk)
            if size > limit:
                raise InvalidFile([Problem(name, None, "", f"file is over the {limit} bytes limit")])
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                at = max(0, min(e.start, len(chunk)))
                line += chunk.count(b"\n", 0, at)
                raise InvalidFile([Problem(name, line, "", f"not UTF-8 text (byte {offset + at})")]) from None
            bad = _NOT_YAML_PRINTABLE.search(text)
            if bad:
                line += text.count("\n", 0, bad.start())
                raise InvalidFile(
                    [
                        Problem(
                            name,
                            line,
                            "",
                            f"not valid YAML/JSON: control character U+{ord(bad.group()):04X} (write it as an"
                            " escape in double quotes)",
                        )
                    ]
                )
            line += text.count("\n")
            offset += len(chunk)
            if not chunk:
                break
    return _open(path)


def decode(name: str, data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark removed), or a Problem naming the line of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InvalidFile([Problem(name, line, "", f"not UTF-8 text (byte {e.start})")]) from None
    return text.removeprefix("\ufeff")


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    return decode(str(path), read_bytes(path, limit))


def _is_json(path: Path) -> bool:
    # By name: JSON read as JSON (surrogate pairs, no YAML typing). Other files are YAML, which
    # reads JSON too (libyaml takes tabs and every escape but \\uD800-\\uDFFF).
    return path.suffix.lower() == ".json"


# ── YAML events ──────────────────────────────────────────────────────────────────────────


_STR = f"{_TAG}str"
_RESOLVED_CACHE = 4096  # plain scalars resolved (keys, enumerations: "id", "GB", "vetted"); most repeat


def _yaml_events(source: Any) -> Iterator[tuple[str, int, Any]]:
    import yaml

    try:
        from yaml.cyaml import CParser as parser_class
    except ImportError:  # PyYAML built without libyaml: the same events, slower
        parser_class = _pure_parser()
    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    resolved: dict[str, str] = {}
    parser = parser_class(source)
    get_event = parser.get_event
    scalar_event = yaml.ScalarEvent
    kinds = {
        yaml.MappingStartEvent: MAP,
        yaml.SequenceStartEvent: SEQ,
        yaml.MappingEndEvent: END,
        yaml.SequenceEndEvent: END,
    }
    documents = 0
    try:
        while True:
            try:
                event = get_event()
            except yaml.MarkedYAMLError as e:
                mark = e.problem_mark or e.context_mark
                problem = e.problem or e.context
                if "maximum nesting depth" in str(problem):  # libyaml's own bound, past ours in flow style
                    raise _Bad(mark.line + 1 if mark else None, f"nested deeper than {MAX_DEPTH} levels") from None
                raise _Bad(mark.line + 1 if mark else None, f"not valid YAML/JSON: {problem}") from None
            except yaml.YAMLError as e:
                raise _Bad(None, f"not valid YAML/JSON: {str(e).splitlines()[0]}") from None
            kind = type(event)
            if kind is scalar_event:
                line = event.start_mark.line + 1
                value, tag = event.value, event.tag
                if tag in _NON_SPECIFIC:
                    if event.implicit[0]:  # plain: typed by its text (YAML 1.1: 1, 1.5, true, null, dates)
                        tag = resolved.get(value)
                        if tag is None:
                            tag = resolver.resolve(yaml.ScalarNode, value, event.implicit)
                            if len(resolved) < _RESOLVED_CACHE and len(value) <= 32:
                                resolved[value] = tag
                    else:
                        tag = _STR
                if tag == _STR:
                    if len(value) > MAX_SCALAR_CHARS:
                        raise _Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
                    yield SCALAR, line, value if value.isascii() else _check_text(value, line)
                else:
                    yield SCALAR, line, _yaml_typed(value, tag, line, constructor)
                continue
            what = kinds.get(kind)
            if what is not None:
                line = event.start_mark.line + 1
                if what != END and event.tag not in _NON_SPECIFIC and event.tag != f"{_TAG}{what}":
                    raise _Bad(line, f"tag {event.tag!r} is not accepted")
                yield what, line, None
            elif event is None or isinstance(event, yaml.StreamEndEvent):
                return
            elif isinstance(event, yaml.AliasEvent):
                raise _Bad(
                    event.start_mark.line + 1,
                    "not valid YAML/JSON: aliases (*name) are not accepted in permittui files",
                )
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Bad(event.start_mark.line + 1, "more than one YAML document in the file")
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _yaml_typed(value: str, tag: str, line: int, constructor: Any) -> Any:
    """A scalar of a tag other than str: int, float, bool, null, timestamp, or refused."""
    import yaml

    if tag not in _OK_SCALARS:
        raise _Bad(line, f"tag {tag!r} is not accepted")
    if len(value) > MAX_SCALAR_CHARS:
        raise _Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
    if tag in (f"{_TAG}int", f"{_TAG}float") and len(value) > MAX_NUMBER_CHARS:
        raise _Bad(line, f"a number written with more than {MAX_NUMBER_CHARS} characters")
    try:
        result = constructor.yaml_constructors[tag](constructor, yaml.ScalarNode(tag, value))
    except (ValueError, OverflowError, yaml.YAMLError):
        # e.g. 2026-13-45 looks like a timestamp but isn't one: keep the text and let the
        # validator say which field is wrong.
        return _check_text(value, line)
    if isinstance(result, dt.date):  # and datetime
        return result.isoformat()
    return result


def _pure_parser() -> type:
    import yaml

    class Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
        def __init__(self, stream: bytes) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)

    return Parser


# ── JSON events ──────────────────────────────────────────────────────────────────────────

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_LITERALS = (("true", True), ("false", False), ("null", None))
_VALUE, _FIRST_VALUE, _KEY, _FIRST_KEY, _COLON, _AFTER = range(6)


def _json_events(s: str) -> Iterator[tuple[str, int, Any]]:
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
                raise _Bad(line, "not valid JSON: the file ends before the data does")
            return
        c = s[pos]
        if started and not open_:
            raise _Bad(line, f"not valid JSON: more after the data ({c!r})")
        if expect in (_KEY, _FIRST_KEY):
            if c == "}" and expect == _FIRST_KEY:
                open_.pop()
                pos += 1
                expect = _AFTER
                yield END, line, None
                continue
            if c != '"':
                raise _Bad(line, f"not valid JSON: expected a key in double quotes, found {c!r}")
            key, pos = _json_string(scanstring, s, pos, line)
            expect = _COLON
            yield SCALAR, line, key
        elif expect == _COLON:
            if c != ":":
                raise _Bad(line, f"not valid JSON: expected ':' after a key, found {c!r}")
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
                raise _Bad(line, f"not valid JSON: expected ',' or {'}' if top == '{' else ']'!r}, found {c!r}")
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
                    raise _Bad(line, f"a number written with more than {MAX_NUMBER_CHARS} characters")
                pos = m.end()
                yield SCALAR, line, float(text) if m.group(1) or m.group(2) else int(text)
                continue
            for word, value in _LITERALS:
                if s.startswith(word, pos):
                    pos += len(word)
                    yield SCALAR, line, value
                    break
            else:
                raise _Bad(line, f"not valid JSON: unexpected {c!r}")


def _json_string(scanstring: Any, s: str, pos: int, line: int) -> tuple[str, int]:
    try:
        value, end = scanstring(s, pos + 1, True)
    except json.JSONDecodeError as e:
        raise _Bad(line, f"not valid JSON: {e.msg}") from None
    if end - pos > MAX_SCALAR_CHARS + 2 and len(value) > MAX_SCALAR_CHARS:
        raise _Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
    return _check_text(value, line), end


# ── composing ────────────────────────────────────────────────────────────────────────────

_NO_KEY = object()


def _compose(first: tuple[str, int, Any], events: Iterator[tuple[str, int, Any]], depth: int) -> tuple[Any, dict]:
    """The value that starts with event `first`, and (for a mapping) the line of each of its keys.
    Iterative: a stack of open containers, each checked against MAX_DEPTH as it opens."""
    kind, line, value = first
    if kind == SCALAR:
        return value, {}
    if kind == END:
        raise _Bad(line, "unexpected end of a list or mapping")
    if depth > MAX_DEPTH:
        raise _Bad(line, f"nested deeper than {MAX_DEPTH} levels")
    root: Any = {} if kind == MAP else []
    lines: dict[str, int] = {}
    stack: list[list[Any]] = [[root, _NO_KEY]]  # [container, the key awaiting its value]
    for kind, line, value in events:
        frame = stack[-1]
        container = frame[0]
        if kind == END:
            if type(container) is dict and frame[1] is not _NO_KEY:
                raise _Bad(line, "a key without a value")
            stack.pop()
            if not stack:
                return root, lines
            continue
        awaiting_key = type(container) is dict and frame[1] is _NO_KEY
        if awaiting_key:
            if kind != SCALAR or not isinstance(value, str):
                what = "a list or mapping" if kind != SCALAR else repr(value)[:40]
                raise _Bad(line, f"a key must be text, not {what}")
            if len(value) > MAX_KEY_CHARS:
                raise _Bad(line, f"a key longer than {MAX_KEY_CHARS} characters")
            if value in container:
                raise _Bad(line, f"key {value!r} appears twice")
            frame[1] = value
            if len(stack) == 1:
                lines[value] = line
            continue
        if kind == SCALAR:
            child = value
        else:
            if depth + len(stack) > MAX_DEPTH:
                raise _Bad(line, f"nested deeper than {MAX_DEPTH} levels")
            child = {} if kind == MAP else []
        if type(container) is dict:
            container[frame[1]] = child
            frame[1] = _NO_KEY
        else:
            container.append(child)
        if kind != SCALAR:
            stack.append([child, _NO_KEY])
    raise _Bad(None, "the file ends inside a list or mapping")


# ── documents ────────────────────────────────────────────────────────────────────────────


class RecordStream:
    """The records of a file's main list, read one by one as they are iterated: a top-level
    list, or a list under `list_key` in a top-level mapping. `header` holds the mapping's other
    keys, complete once the records have all been read. Iterate once."""

    def __init__(self, path: Path, list_key: str, limit: int = MAX_FILE_BYTES) -> None:
        self.path = str(path)
        self.list_key = list_key
        self.header: dict[str, Any] = {}
        self.header_lines: dict[str, int] = {}
        self._file = None
        if _is_json(path):  # the tokenizer reads text in memory: JSON files are held to the limit
            self._events = _json_events(decode(self.path, read_bytes(path, limit)))
        else:
            self._file = _yaml_file(path, limit)
            self._events = _yaml_events(self._file)

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._records()
        except _Bad as e:
            raise InvalidFile([Problem(self.path, e.line, "", e.message)]) from None
        finally:
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _records(self) -> Iterator[Record]:
        events, key = self._events, self.list_key
        root = next(events, None)
        if root is None:
            raise _Bad(None, "the file is empty")
        kind, line, _ = root
        if kind == SEQ:
            yield from self._items(events)
        elif kind == MAP:
            found = False
            for k_kind, k_line, k_value in events:
                if k_kind == END:
                    break
                if k_kind != SCALAR or not isinstance(k_value, str):
                    raise _Bad(k_line, "a key must be text")
                if k_value == key and not found:
                    found = True
                    first = next(events, None)
                    if first is None or first[0] != SEQ:
                        raise _Bad(first[1] if first else k_line, f"'{key}' must be a list")
                    yield from self._items(events)
                    continue
                if k_value in self.header or k_value == key:
                    raise _Bad(k_line, f"key {k_value!r} appears twice")
                first = next(events, None)
                if first is None:
                    raise _Bad(k_line, "a key without a value")
                self.header[k_value], _ = _compose(first, events, 1)
                self.header_lines[k_value] = k_line
            if not found:
                raise _Bad(line, f"no '{key}:' list in the file")
        else:
            raise _Bad(line, f"expected a list of {key} or a mapping with '{key}:'")
        extra = next(events, None)
        if extra is not None:
            raise _Bad(extra[1], "more after the data")

    def _items(self, events: Iterator[tuple[str, int, Any]]) -> Iterator[Record]:
        for item in events:
            if item[0] == END:
                return
            if item[0] != MAP:
                # A file broken just after (`requests: [unclosed`) says so rather than this.
                _compose(item, events, 1)
                next(events, None)
                raise _Bad(item[1], f"each of {self.list_key} must be a mapping of fields")
            data, lines = _compose(item, events, 1)
            yield Record(data, item[1], lines)
        raise _Bad(None, "the file ends inside the list")


def stream_records(path: Path, list_key: str) -> RecordStream:
    """FILE's records one by one (see RecordStream); file-level problems raise InvalidFile at once.
    A streamed file may be larger (MAX_STREAM_BYTES): it is never held whole, as YAML."""
    return RecordStream(path, list_key, MAX_STREAM_BYTES)


def load_document(path: Path, list_key: str) -> Document:
    """Read FILE whose records are a top-level list, or a list under `list_key` in a mapping."""
    stream = RecordStream(path, list_key)
    try:
        records = list(stream)
    finally:
        stream.close()
    return Document(stream.path, stream.header, stream.header_lines, records)


def load_data(path: Path, limit: int = MAX_FILE_BYTES) -> Any:
    """A whole small YAML or JSON file (config, a theme) as plain data, under the same limits."""
    name = str(path)
    source = None
    try:
        if _is_json(path):
            events = _json_events(decode(name, read_bytes(path, limit)))
        else:
            source = _yaml_file(path, limit)
            events = _yaml_events(source)
        first = next(events, None)
        if first is None:
            return None
        value, _ = _compose(first, events, 1)
        extra = next(events, None)
        if extra is not None:
            raise _Bad(extra[1], "more after the data")
        return value
    except _Bad as e:
        raise InvalidFile([Problem(name, e.line, "", e.message)]) from None
    finally:
        if source is not None:
            source.close()


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
                raise _Bad(None, f"a number written with more than {MAX_NUMBER_CHARS} characters")
            return kind(s)

        return parse

    def constant(s: str) -> Any:
        raise _Bad(None, f"not valid JSON: {s}")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(items)
        if len(out) != len(items):
            seen: set[str] = set()
            twice = next(k for k, _ in items if k in seen or seen.add(k))
            raise _Bad(None, f"key {twice!r} appears twice in one object")
        return out

    try:
        return json.loads(
            text, parse_int=number(int), parse_float=number(float), parse_constant=constant, object_pairs_hook=pairs
        )
    except json.JSONDecodeError as e:
        raise InvalidFile([Problem(name, e.lineno, "", f"not valid JSON: {e.msg}")]) from None
    except _Bad as e:
        raise InvalidFile([Problem(name, e.line, "", e.message)]) from None
    except RecursionError:  # json_depth bounds it; a guard all the same
        raise InvalidFile([Problem(name, None, "", "not valid JSON: nested too deeply")]) from None
