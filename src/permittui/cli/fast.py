"""The console, `show` and `decide` parsed without argparse, when their arguments are plain.

Importing argparse (and gettext, locale) and building the parser of every command is some 7 ms,
a tenth of what `permittui show` costs in all (issue 6), and as much again before the console's
first frame. This parser knows only the console (no command) and those two commands
and only the plainest spelling of their arguments: exact option names, each value the next
argument and not starting with "-", the right number of positionals, a known outcome, digits for
a number. For anything else (--help, an abbreviation, --db=PATH, "--", a mistake) it answers None
and cli.parser's argparse parses as always, errors and all. What it returns is what argparse
returns for the same arguments (tests/test_layers.py compares the two).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from permittui.cli import OUTCOMES

FLAG, TEXT, APPEND, NUMBER = "flag", "text", "append", "number"

# command -> (positionals, {option: kind}, choices of a positional); as in cli.parser.
COMMANDS: dict[str, tuple[tuple[str, ...], dict[str, str], dict[str, tuple[str, ...]]]] = {
    "show": (("request_id",), {"--json": FLAG}, {}),
    "decide": (
        ("request_id", "outcome"),
        {
            "--reason": APPEND,
            "--condition": APPEND,
            "--note": TEXT,
            "--inspector": TEXT,
            "--referral-days": NUMBER,
            "--expect-version": NUMBER,
            "--override": FLAG,
        },
        {"outcome": OUTCOMES},
    ),
}
COMMON = ("--db", "--officer")  # before the command, after it, or both (after wins)
TOP = {"--theme": TEXT, "--read-only": FLAG, "--demo": FLAG}  # the console's own, before any command
DEFAULTS = {FLAG: False, TEXT: None, APPEND: None, NUMBER: None}
DEFAULT_TEXT = {"--note": ""}


def _dest(option: str) -> str:
    return option[2:].replace("-", "_")


def parse(argv: Sequence[str]) -> SimpleNamespace | None:
    args = list(argv)
    ns: dict[str, Any] = {"db": None, "officer": None, "theme": None, "read_only": False, "demo": False}
    i = 0
    while i < len(args) and (args[i] in COMMON or args[i] in TOP):  # top-level options
        if TOP.get(args[i]) == FLAG:
            ns[_dest(args[i])] = True
            i += 1
            continue
        if i + 1 >= len(args) or args[i + 1].startswith("-"):
            return None
        ns[_dest(args[i])] = args[i + 1]
        i += 2
    if i >= len(args):
        ns["command"] = None  # the console
        return SimpleNamespace(**ns)
    if args[i] not in COMMANDS:
        return None
    command = args[i]
    positionals, options, choices = COMMANDS[command]
    ns["command"] = command
    for option, kind in options.items():
        ns[_dest(option)] = [] if kind == APPEND else DEFAULT_TEXT.get(option, DEFAULTS[kind])
    values: list[str] = []
    i += 1
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-"):
            values.append(arg)
            i += 1
            continue
        kind = FLAG if arg in options and options[arg] == FLAG else (TEXT if arg in COMMON else options.get(arg))
        if kind is None:
            return None
        if kind == FLAG:
            ns[_dest(arg)] = True
            i += 1
            continue
        if i + 1 >= len(args) or args[i + 1].startswith("-"):
            return None
        value = args[i + 1]
        if kind == NUMBER:
            if not (value.isascii() and value.isdigit()):
                return None
            ns[_dest(arg)] = int(value)
        elif kind == APPEND:
            ns[_dest(arg)] = [*ns[_dest(arg)], value]
        else:
            ns[_dest(arg)] = value
        i += 2
    if len(values) != len(positionals):
        return None
    for name, value in zip(positionals, values, strict=False):
        if name in choices and value not in choices[name]:
            return None
        ns[name] = value
    return SimpleNamespace(**ns)
