"""Load a YAML or JSON file into records that remember their line numbers.

Safety: the pure-Python SafeLoader composes a node tree, aliases are refused outright (no
billion-laughs), only the standard scalar tags are accepted (no python/object), and there are
limits on file size, scalar length and nesting depth, so a hostile file fails fast and small.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from permittui.errors import InvalidFile, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_SCALAR_CHARS = 100_000
MAX_DEPTH = 32

_TAG = "tag:yaml.org,2002:"
_OK_SCALARS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass
class Record:
    """One mapping from a file: its data, the line it starts on and the line of each field."""

    data: dict[str, Any]
    line: int
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not accepted in permittui files", event.start_mark
            )
        return super().compose_node(parent, index)


class _Bad(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def _value(node: yaml.Node, loader: yaml.SafeLoader, depth: int) -> Any:
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise _Bad(line, f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _OK_SCALARS:
            raise _Bad(line, f"tag {node.tag!r} is not accepted")
        if len(node.value) > MAX_SCALAR_CHARS:
            raise _Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
        try:
            value = loader.construct_object(node, deep=False)
        except ValueError:
            # e.g. 2026-13-45 looks like a timestamp but isn't one: keep the text and let the
            # validator say which field is wrong.
            return node.value
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return value
    if isinstance(node, yaml.SequenceNode):
        if node.tag != f"{_TAG}seq":
            raise _Bad(line, f"tag {node.tag!r} is not accepted")
        return [_value(item, loader, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        if node.tag != f"{_TAG}map":
            raise _Bad(line, f"tag {node.tag!r} is not accepted")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _value(key_node, loader, depth + 1)
            if not isinstance(key, str):
                raise _Bad(key_node.start_mark.line + 1, f"key {key!r} is not text")
            if key in out:
                raise _Bad(key_node.start_mark.line + 1, f"key {key!r} appears twice")
            out[key] = _value(value_node, loader, depth + 1)
        return out
    raise _Bad(line, "unexpected YAML node")


def _record(node: yaml.Node, loader: yaml.SafeLoader) -> Record | Any:
    """A mapping node becomes a Record with per-field lines; anything else a plain value."""
    if not isinstance(node, yaml.MappingNode):
        return _value(node, loader, 1)
    data = _value(node, loader, 1)
    lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    return Record(data, node.start_mark.line + 1, lines)


@dataclass
class Document:
    """A loaded file: its top-level mapping (if any) and the records of its main list."""

    path: str
    header: dict[str, Any]
    header_lines: dict[str, int]
    records: list[Record]


def read_text(path: Path) -> str:
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InvalidFile([Problem(name, None, "", f"cannot read: {e.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise InvalidFile([Problem(name, None, "", f"file is {size} bytes, over the {MAX_FILE_BYTES} limit")])
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InvalidFile([Problem(name, None, "", f"not UTF-8 text (byte {e.start})")]) from None
    except OSError as e:
        raise InvalidFile([Problem(name, None, "", f"cannot read: {e.strerror}")]) from None


def load_document(path: Path, list_key: str) -> Document:
    """Read FILE whose records are a top-level list, or a list under `list_key` in a mapping."""
    name = str(path)
    text = read_text(path)
    if text.lstrip()[:1] in ("{", "["):
        # JSON: a raw tab can only be whitespace there (tabs in strings must be escaped), and
        # YAML refuses tabs as indentation, so this makes every valid JSON file readable.
        text = text.replace("\t", " ")
    loader = None
    try:
        loader = _NoAliasLoader(text)  # its reader already refuses non-printable characters
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = e.problem or e.context or "not valid YAML"
        raise InvalidFile([Problem(name, line, "", f"not valid YAML/JSON: {msg}")]) from None
    except yaml.YAMLError as e:
        raise InvalidFile([Problem(name, None, "", f"not valid YAML/JSON: {e}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        raise InvalidFile([Problem(name, None, "", "the file is empty")])
    try:
        if isinstance(root, yaml.SequenceNode):
            header, header_lines, items = {}, {}, root.value
        elif isinstance(root, yaml.MappingNode):
            header, header_lines, items = {}, {}, None
            for key_node, value_node in root.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key == list_key:
                    if not isinstance(value_node, yaml.SequenceNode):
                        raise _Bad(value_node.start_mark.line + 1, f"'{list_key}' must be a list")
                    items = value_node.value
                else:
                    header[str(key)] = _value(value_node, loader, 1)
                    header_lines[str(key)] = key_node.start_mark.line + 1
            if items is None:
                raise _Bad(root.start_mark.line + 1, f"no '{list_key}:' list in the file")
        else:
            raise _Bad(root.start_mark.line + 1, f"expected a list of {list_key} or a mapping with '{list_key}:'")
        records = []
        for item in items:
            rec = _record(item, loader)
            if not isinstance(rec, Record):
                raise _Bad(item.start_mark.line + 1, f"each of {list_key} must be a mapping of fields")
            records.append(rec)
    except _Bad as e:
        raise InvalidFile([Problem(name, e.line, "", e.message)]) from None
    return Document(name, header, header_lines, records)


def load_json_plain(path: Path) -> Any:
    """Plain JSON for the CSL's JSON (large, machine-written): no line tracking needed."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidFile([Problem(str(path), e.lineno, "", f"not valid JSON: {e.msg}")]) from None
