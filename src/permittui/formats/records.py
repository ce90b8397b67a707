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

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from permittui.errors import InvalidFile, Problem
from permittui.formats.base import (  # noqa: F401 - the limits, read here by their users
    END,
    MAP,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_KEY_CHARS,
    MAX_NUMBER_CHARS,
    MAX_SCALAR_CHARS,
    MAX_STREAM_BYTES,
    SCALAR,
    SEQ,
    Bad,
)
from permittui.formats.files import decode, read_bytes, read_text, yaml_file  # noqa: F401
from permittui.formats.json_events import json_events
from permittui.formats.yaml_events import yaml_events


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


def _is_json(path: Path) -> bool:
    # By name: JSON read as JSON (surrogate pairs, no YAML typing). Other files are YAML, which
    # reads JSON too (libyaml takes tabs and every escape but \\uD800-\\uDFFF).
    return path.suffix.lower() == ".json"


# ── composing ────────────────────────────────────────────────────────────────────────────

_NO_KEY = object()


def _compose(first: tuple[str, int, Any], events: Iterator[tuple[str, int, Any]], depth: int) -> tuple[Any, dict]:
    """The value that starts with event `first`, and (for a mapping) the line of each of its keys.
    Iterative: a stack of open containers, each checked against MAX_DEPTH as it opens."""
    kind, line, value = first
    if kind == SCALAR:
        return value, {}
    if kind == END:
        raise Bad(line, "unexpected end of a list or mapping")
    if depth > MAX_DEPTH:
        raise Bad(line, f"nested deeper than {MAX_DEPTH} levels")
    root: Any = {} if kind == MAP else []
    lines: dict[str, int] = {}
    stack: list[list[Any]] = [[root, _NO_KEY]]  # [container, the key awaiting its value]
    for kind, line, value in events:
        frame = stack[-1]
        container = frame[0]
        if kind == END:
            if type(container) is dict and frame[1] is not _NO_KEY:
                raise Bad(line, "a key without a value")
            stack.pop()
            if not stack:
                return root, lines
            continue
        awaiting_key = type(container) is dict and frame[1] is _NO_KEY
        if awaiting_key:
            if kind != SCALAR or not isinstance(value, str):
                what = "a list or mapping" if kind != SCALAR else repr(value)[:40]
                raise Bad(line, f"a key must be text, not {what}")
            if len(value) > MAX_KEY_CHARS:
                raise Bad(line, f"a key longer than {MAX_KEY_CHARS} characters")
            if value in container:
                raise Bad(line, f"key {value!r} appears twice")
            frame[1] = value
            if len(stack) == 1:
                lines[value] = line
            continue
        if kind == SCALAR:
            child = value
        else:
            if depth + len(stack) > MAX_DEPTH:
                raise Bad(line, f"nested deeper than {MAX_DEPTH} levels")
            child = {} if kind == MAP else []
        if type(container) is dict:
            container[frame[1]] = child
            frame[1] = _NO_KEY
        else:
            container.append(child)
        if kind != SCALAR:
            stack.append([child, _NO_KEY])
    raise Bad(None, "the file ends inside a list or mapping")


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
            self._events = json_events(decode(self.path, read_bytes(path, limit)))
        else:
            self._file = yaml_file(path, limit)
            self._events = yaml_events(self._file)

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._records()
        except Bad as e:
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
            raise Bad(None, "the file is empty")
        kind, line, _ = root
        if kind == SEQ:
            yield from self._items(events)
        elif kind == MAP:
            found = False
            for k_kind, k_line, k_value in events:
                if k_kind == END:
                    break
                if k_kind != SCALAR or not isinstance(k_value, str):
                    raise Bad(k_line, "a key must be text")
                if k_value == key and not found:
                    found = True
                    first = next(events, None)
                    if first is None or first[0] != SEQ:
                        raise Bad(first[1] if first else k_line, f"'{key}' must be a list")
                    yield from self._items(events)
                    continue
                if k_value in self.header or k_value == key:
                    raise Bad(k_line, f"key {k_value!r} appears twice")
                first = next(events, None)
                if first is None:
                    raise Bad(k_line, "a key without a value")
                self.header[k_value], _ = _compose(first, events, 1)
                self.header_lines[k_value] = k_line
            if not found:
                raise Bad(line, f"no '{key}:' list in the file")
        else:
            raise Bad(line, f"expected a list of {key} or a mapping with '{key}:'")
        extra = next(events, None)
        if extra is not None:
            raise Bad(extra[1], "more after the data")

    def _items(self, events: Iterator[tuple[str, int, Any]]) -> Iterator[Record]:
        for item in events:
            if item[0] == END:
                return
            if item[0] != MAP:
                # A file broken just after (`requests: [unclosed`) says so rather than this.
                _compose(item, events, 1)
                next(events, None)
                raise Bad(item[1], f"each of {self.list_key} must be a mapping of fields")
            data, lines = _compose(item, events, 1)
            yield Record(data, item[1], lines)
        raise Bad(None, "the file ends inside the list")


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
            events = json_events(decode(name, read_bytes(path, limit)))
        else:
            source = yaml_file(path, limit)
            events = yaml_events(source)
        first = next(events, None)
        if first is None:
            return None
        value, _ = _compose(first, events, 1)
        extra = next(events, None)
        if extra is not None:
            raise Bad(extra[1], "more after the data")
        return value
    except Bad as e:
        raise InvalidFile([Problem(name, e.line, "", e.message)]) from None
    finally:
        if source is not None:
            source.close()
