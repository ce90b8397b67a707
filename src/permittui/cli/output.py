"""Everything the command line writes goes out through here: the one choke point for CLI output.

Messages quote data from outside (names, ids, officer names, file paths, YAML keys, error texts),
so each message line goes through the one sanitiser (text.one_line): a control, bidi, separator
or invisible character is shown, never sent, and a newline inside a quoted value cannot start a
line of its own that looks like ours. Payloads (`export`) stay byte-faithful to a file or a pipe
and are made visible only when they go to a terminal (`payload_stream`).
"""

from __future__ import annotations

import sys
from typing import TextIO

from permittui.errors import MAX_LINE, PermitError
from permittui.text import clean, one_line

MAX_OUTPUT_LINE = 2000  # characters of one line of output: a 100,000-character name is cut, not printed


def line(text: object = "", limit: int = MAX_OUTPUT_LINE) -> str:
    """One line of a message, safe for a terminal."""
    return one_line(text, limit)


def continued(text: object, indent: int) -> str:
    """Text shown under a label, sanitised, its own newlines kept but each continuation indented
    by `indent`, so a value's newline cannot start a line that passes for one of ours."""
    return clean(text).replace("\n", "\n" + " " * indent)


def say(*lines: object, err: bool = False) -> None:
    """Write each argument as one line, sanitised, to stdout (or stderr)."""
    stream = sys.stderr if err else sys.stdout
    stream.write("".join(line(x) + "\n" for x in lines))


def block(text: str, *, err: bool = False) -> None:
    """A multi-line payload whose newlines are its own structure (JSON printed with indent),
    sanitised with its newlines kept."""
    (sys.stderr if err else sys.stdout).write(clean(text) + "\n")


def fail(error: PermitError) -> int:
    """A refused command: its cause on stderr, `permittui: ` before the first line; the exit code."""
    lines = error.lines()
    say(*(("permittui: " if i == 0 else "") + text for i, text in enumerate(lines)), err=True)
    return error.exit_code


def problem(text: object, code: int) -> int:
    """Any other one-line failure (an OS error, the database, an internal error)."""
    say(f"permittui: {one_line(text, MAX_LINE)}", err=True)
    return code


def robust_streams() -> None:
    """A character the terminal's encoding lacks (a name in another script under LANG=C, a file
    name's undecodable byte) is written as an escape rather than raising in the middle of a
    command's output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream
                pass


class CleanWriter:
    """A text stream whose text is sanitised on its way (text.clean, newlines kept): for data
    shown on a terminal, so an exported cell cannot drive it. A CRLF row end is
    written as LF (the terminal shows them alike); a CR split from its LF across writes is held."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._cr = False

    def write(self, text: str) -> int:
        if self._cr:
            text = "\r" + text
            self._cr = False
        if text.endswith("\r"):
            text, self._cr = text[:-1], True
        self._stream.write(clean(text.replace("\r\n", "\n")))
        return len(text)

    def flush(self) -> None:
        if self._cr:
            self._stream.write(clean("\r"))
            self._cr = False
        self._stream.flush()

    def isatty(self) -> bool:
        return is_terminal(self._stream)


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def payload_stream(stream: TextIO | None = None) -> TextIO:
    """Where a payload goes: the stream itself to a file or pipe (byte-faithful), a
    CleanWriter over it when it is a terminal."""
    stream = stream or sys.stdout
    return CleanWriter(stream) if is_terminal(stream) else stream  # type: ignore[return-value]
