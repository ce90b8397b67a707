"""The full command line, built with argparse: every command, --help, usage errors.

`show` and `decide` are usually parsed by cli.fast instead; this is what they fall back to, and
what fast parsing is tested against.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from permittui import __version__
from permittui.cli import OUTCOMES


def _columns() -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and with it bz2, lzma, fnmatch)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


class _Formatter(argparse.HelpFormatter):
    # argparse makes a formatter for every add_argument (to check the metavar), and each one asks
    # shutil for the terminal size: asked once here. Width as HelpFormatter computes it (columns - 2).
    _width: int | None = None

    def __init__(
        self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None
    ) -> None:
        if width is None:
            if _Formatter._width is None:
                _Formatter._width = _columns() - 2
            width = _Formatter._width
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)  # subparsers don't inherit the top parser's
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one line, exit 2, as for every other bad usage
        from permittui.cli.output import say

        say(f"permittui: {message} (see `{self.prog} --help`)", err=True)  # it quotes the arguments
        self.exit(2)


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # On the top parser and on every subcommand, so `--db` may come before or after the command.
    default = None if top else argparse.SUPPRESS
    p.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help="database file (default: $PERMITTUI_DB, else the user data directory)",
    )
    p.add_argument(
        "--officer",
        metavar="NAME",
        default=default,
        help="officer name (default: $PERMITTUI_OFFICER, else your login name)",
    )


def _init(p: argparse.ArgumentParser) -> None:
    p.add_argument("--demo", action="store_true", help="load the shipped schedule and demo data")
    p.add_argument(
        "--strict-identity",
        action="store_true",
        help="officer names must be the OS account (four-eyes compares real accounts)",
    )
    p.add_argument("--group", metavar="NAME", help="make the database group-read-writable for this group")


def _import(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "what",
        choices=("schedule", "customers", "requests", "screening", "reasons", "conditions", "end-uses", "officers"),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--replace-all",
        action="store_true",
        help="screening: accept a list that is empty or would delist more than half of the entries",
    )


def _export(p: argparse.ArgumentParser) -> None:
    p.add_argument("what", choices=("requests", "decisions", "grants", "audit"))
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")


def _show(p: argparse.ArgumentParser) -> None:
    p.add_argument("request_id", metavar="REQUEST_ID")
    p.add_argument("--json", action="store_true")


def _decide(p: argparse.ArgumentParser) -> None:
    p.add_argument("request_id", metavar="REQUEST_ID")
    p.add_argument("outcome", metavar="OUTCOME", choices=OUTCOMES, help=" | ".join(OUTCOMES))
    p.add_argument("--reason", action="append", default=[], metavar="CODE", help="reason code (repeatable)")
    p.add_argument(
        "--condition",
        action="append",
        default=[],
        metavar="TEXT",
        help="condition: a canned code or free text (repeatable)",
    )
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--inspector", metavar="NAME", help="for refer: the inspector referred to")
    p.add_argument("--referral-days", type=int, metavar="N", help="for refer: days the inspector has (default 30)")
    p.add_argument(
        "--expect-version", type=int, metavar="N", help="refuse if the request has changed since this version"
    )
    p.add_argument("--override", action="store_true", help="approve past an allow-list cap (needs countersign)")


def _countersign(p: argparse.ArgumentParser) -> None:
    p.add_argument("request_id", metavar="REQUEST_ID")
    p.add_argument("--send-back", action="store_true")
    p.add_argument("--note", default="", metavar="TEXT")


def _screen(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", nargs="?")
    p.add_argument("--country", metavar="CC", default="")
    p.add_argument("--hits", action="store_true", help="list the customers' screening hits with their ids")
    p.add_argument("--customer", metavar="ID", help="with --hits: only this customer's")
    p.add_argument("--json", action="store_true")


def _disposition(p: argparse.ArgumentParser) -> None:
    p.add_argument("hit", metavar="HIT_ID", type=int, help="as listed by `permittui screen --hits`")
    p.add_argument("outcome", choices=("cleared", "confirmed", "escalated"), nargs="?")
    p.add_argument("--reason", default="", metavar="TEXT", help="why (required for cleared)")
    p.add_argument(
        "--countersign",
        action="store_true",
        help="confirm another senior officer's proposed change to a confirmed hit",
    )


def _audit(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("verify", "checkpoint"))
    p.add_argument("--checkpoint", metavar="SEQ:HASH", help="with verify: also detect a truncated tail")


def _generate(p: argparse.ArgumentParser) -> None:
    p.add_argument("--requests", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="replace an existing file at --db")


def _officer(p: argparse.ArgumentParser) -> None:
    from permittui.cli.people import add_officer_arguments

    add_officer_arguments(p)


def _grant(p: argparse.ArgumentParser) -> None:
    from permittui.cli.people import add_grant_arguments

    add_grant_arguments(p)


COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "init": ("create a database", _init),
    "import": ("import a schedule, customers, requests or the screening list", _import),
    "export": ("export requests, decisions, grants or the audit chain", _export),
    "show": ("a request and its findings", _show),
    "decide": ("record a decision on a request", _decide),
    "countersign": ("confirm (or send back) another officer's decision", _countersign),
    "screen": ("check a name against the restricted-party list, or list the hits (--hits)", _screen),
    "disposition": ("disposition a screening hit: cleared (false positive), confirmed, escalated", _disposition),
    "audit": ("verify the audit chain, or print its checkpoint", _audit),
    "generate": ("a synthetic database of N requests (for trying scale)", _generate),
    "officer": ("officers and their roles: add, list, disable, enable, roles (an admin's)", _officer),
    "grant": ("suspend, revoke or reinstate a grant, with a reason (revoke and reinstate: senior)", _grant),
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; given the arguments to be parsed, only the subcommands named in them
    get their options (a few ms less at every start). A command runs only if its name is one of
    the arguments, so the parse is the same; --help lists every command either way."""
    return _build(argv)


def _build(argv: Sequence[str] | None) -> argparse.ArgumentParser:
    parser = _Parser(prog="permittui", description="The desk of a permitting officer (sample regime, not law).")
    parser.add_argument("--version", action="version", version=f"permittui {__version__}")
    _common(parser, top=True)
    parser.add_argument("--theme", metavar="NAME", help="console theme")
    parser.add_argument("--read-only", action="store_true", help="open the console so that nothing can change")
    parser.add_argument(
        "--demo", action="store_true", help="open the console on a demo database built from the shipped data"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    named = None if argv is None else set(argv)
    for name, (text, add_arguments) in COMMANDS.items():
        p = sub.add_parser(name, help=text)
        if named is None or name in named:
            _common(p)
            add_arguments(p)
    return parser
