"""The two kinds of failure a user can cause, and the exit codes they map to (design §3)."""

from __future__ import annotations


class PermitError(Exception):
    """Base for errors shown to the user as one line, never as a traceback."""

    exit_code = 1


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
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InvalidFile(BadInput):
    """A file with one or more problems; nothing from it was imported."""

    MAX_SHOWN = 5

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[: self.MAX_SHOWN])
        more = len(problems) - self.MAX_SHOWN
        if more > 0:
            shown += f"\n... and {more} more problem{'s' if more > 1 else ''}; nothing imported"
        else:
            shown += "\nnothing imported"
        super().__init__(shown)
