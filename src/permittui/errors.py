"""The two kinds of failure a user can cause, and the exit codes they map to (design §3).

Messages quote what came from outside (file paths, YAML keys, ids, names): each line a message
gives is passed through the one sanitiser (text.one_line) and cut to a length, so a message is
the lines it means to be, with nothing raw in them, however hostile what it quotes.
"""

from __future__ import annotations

MAX_LINE = 400  # characters of one message line
_MAX_FILE = 200  # of the file path in a Problem
_MAX_FIELD = 80  # of the field (a YAML key)


def _line(text: object, limit: int) -> str:
    from permittui.text import one_line

    return one_line(text, limit)


class PermitError(Exception):
    """Base for errors shown to the user as one line, never as a traceback."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message as the user sees it: one line, sanitised."""
        return [_line(str(self), MAX_LINE)]


class Refused(PermitError):
    """The rules refuse: conflict, prohibited, cap reached, not found. Exit 1."""

    exit_code = 1


class BadInput(PermitError):
    """Bad usage or a malformed file. Exit 2."""

    exit_code = 2


class Problem:
    """One thing wrong in an input file, located as FILE:LINE: field: message."""

    __slots__ = ("file", "line", "field", "message")

    def __init__(self, file: str, line: int | None, field: str, message: str) -> None:
        self.file, self.line, self.field, self.message = file, line, field, message

    def __str__(self) -> str:
        # One line whatever the path, key or message hold (a newline in a file name would
        # otherwise start a line of its own): each part sanitised and cut.
        file = _line(self.file, _MAX_FILE)
        where = f"{file}:{self.line}" if self.line else file
        text = f"{where}: {_line(self.field, _MAX_FIELD)}: {self.message}" if self.field else f"{where}: {self.message}"
        return _line(text, MAX_LINE)


class InvalidFile(BadInput):
    """A file with one or more problems; nothing from it was imported.

    `total` is how many problems there were when only the first few are kept (a streamed import
    of half a million records does not hold every problem)."""

    MAX_SHOWN = 5

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems
        self.total = max(total or 0, len(problems))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        shown = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        more = self.total - len(shown)
        if more > 0:
            shown.append(f"... and {more} more problem{'s' if more > 1 else ''}; nothing imported")
        else:
            shown.append("nothing imported")
        return shown
