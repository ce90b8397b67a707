"""YAML as events: libyaml's parser (PyYAML's pure-Python one where libyaml is missing), each
scalar typed as YAML 1.1 types it and held to the limits, aliases and other tags refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from permittui.formats.base import END, MAP, MAX_DEPTH, MAX_NUMBER_CHARS, MAX_SCALAR_CHARS, SCALAR, SEQ, Bad, check_text

_TAG = "tag:yaml.org,2002:"
_OK_SCALARS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NON_SPECIFIC = (None, "!")

_STR = f"{_TAG}str"
_RESOLVED_CACHE = 4096  # plain scalars resolved (keys, enumerations: "id", "GB", "vetted"); most repeat


def yaml_events(source: Any) -> Iterator[tuple[str, int, Any]]:
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
                    raise Bad(mark.line + 1 if mark else None, f"nested deeper than {MAX_DEPTH} levels") from None
                raise Bad(mark.line + 1 if mark else None, f"not valid YAML/JSON: {problem}") from None
            except yaml.YAMLError as e:
                raise Bad(None, f"not valid YAML/JSON: {str(e).splitlines()[0]}") from None
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
                        raise Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
                    yield SCALAR, line, value if value.isascii() else check_text(value, line)
                else:
                    yield SCALAR, line, _yaml_typed(value, tag, line, constructor)
                continue
            what = kinds.get(kind)
            if what is not None:
                line = event.start_mark.line + 1
                if what != END and event.tag not in _NON_SPECIFIC and event.tag != f"{_TAG}{what}":
                    raise Bad(line, f"tag {event.tag!r} is not accepted")
                yield what, line, None
            elif event is None or isinstance(event, yaml.StreamEndEvent):
                return
            elif isinstance(event, yaml.AliasEvent):
                raise Bad(
                    event.start_mark.line + 1,
                    "not valid YAML/JSON: aliases (*name) are not accepted in permittui files",
                )
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise Bad(event.start_mark.line + 1, "more than one YAML document in the file")
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose is not None:
            dispose()


def _yaml_typed(value: str, tag: str, line: int, constructor: Any) -> Any:
    """A scalar of a tag other than str: int, float, bool, null, timestamp, or refused."""
    import yaml

    if tag not in _OK_SCALARS:
        raise Bad(line, f"tag {tag!r} is not accepted")
    if len(value) > MAX_SCALAR_CHARS:
        raise Bad(line, f"value longer than {MAX_SCALAR_CHARS} characters")
    if tag in (f"{_TAG}int", f"{_TAG}float") and len(value) > MAX_NUMBER_CHARS:
        raise Bad(line, f"a number written with more than {MAX_NUMBER_CHARS} characters")
    try:
        result = constructor.yaml_constructors[tag](constructor, yaml.ScalarNode(tag, value))
    except (ValueError, OverflowError, yaml.YAMLError):
        # e.g. 2026-13-45 looks like a timestamp but isn't one: keep the text and let the
        # validator say which field is wrong.
        return check_text(value, line)
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
