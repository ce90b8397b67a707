"""The `permittui` command line (design §3). Exit 0 ok, 1 refused by the rules, 2 bad usage or input."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from permittui import __version__
from permittui.errors import PermitError

OUTCOMES = ("approve", "approve-with-conditions", "deny", "refer", "request-info", "return", "reverse")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for every other bad usage
        self.exit(2, f"permittui: {message} (see `{self.prog} --help`)\n")


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # On the top parser and on every subcommand, so `--db` may come before or after the command.
    default = None if top else argparse.SUPPRESS
    p.add_argument("--db", metavar="PATH", default=default,
                   help="database file (default: $PERMITTUI_DB, else the user data directory)")
    p.add_argument("--officer", metavar="NAME", default=default,
                   help="officer name (default: $PERMITTUI_OFFICER, else your login name)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="permittui", description="The desk of a permitting officer (sample regime, not law).")
    parser.add_argument("--version", action="version", version=f"permittui {__version__}")
    _common(parser, top=True)
    parser.add_argument("--theme", metavar="NAME", help="console theme")
    parser.add_argument("--read-only", action="store_true", help="open the console so that nothing can change")
    parser.add_argument("--demo", action="store_true",
                        help="open the console on a demo database built from the shipped data")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("init", help="create a database")
    _common(p)
    p.add_argument("--demo", action="store_true", help="load the shipped schedule and demo data")
    p.add_argument("--strict-identity", action="store_true",
                   help="officer names must be the OS account (four-eyes compares real accounts)")
    p.add_argument("--group", metavar="NAME", help="make the database group-read-writable for this group")

    p = sub.add_parser("import", help="import a schedule, customers, requests or the screening list")
    _common(p)
    p.add_argument("what", choices=("schedule", "customers", "requests", "screening", "reasons", "conditions"))
    p.add_argument("file", metavar="FILE")

    p = sub.add_parser("export", help="export requests, decisions, grants or the audit chain")
    _common(p)
    p.add_argument("what", choices=("requests", "decisions", "grants", "audit"))
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")

    p = sub.add_parser("show", help="a request and its findings")
    _common(p)
    p.add_argument("request_id", metavar="REQUEST_ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("decide", help="record a decision on a request")
    _common(p)
    p.add_argument("request_id", metavar="REQUEST_ID")
    p.add_argument("outcome", metavar="OUTCOME", choices=OUTCOMES, help=" | ".join(OUTCOMES))
    p.add_argument("--reason", action="append", default=[], metavar="CODE", help="reason code (repeatable)")
    p.add_argument("--condition", action="append", default=[], metavar="TEXT",
                   help="condition: a canned code or free text (repeatable)")
    p.add_argument("--note", default="", metavar="TEXT")
    p.add_argument("--inspector", metavar="NAME", help="for refer: the inspector referred to")
    p.add_argument("--referral-days", type=int, metavar="N", help="for refer: days the inspector has (default 30)")
    p.add_argument("--expect-version", type=int, metavar="N",
                   help="refuse if the request has changed since this version")
    p.add_argument("--override", action="store_true", help="approve past an allow-list cap (needs countersign)")

    p = sub.add_parser("countersign", help="confirm (or send back) another officer's decision")
    _common(p)
    p.add_argument("request_id", metavar="REQUEST_ID")
    p.add_argument("--send-back", action="store_true")
    p.add_argument("--note", default="", metavar="TEXT")

    p = sub.add_parser("screen", help="check a name against the restricted-party list, or list the hits (--hits)")
    _common(p)
    p.add_argument("name", metavar="NAME", nargs="?")
    p.add_argument("--country", metavar="CC", default="")
    p.add_argument("--hits", action="store_true", help="list the customers' screening hits with their ids")
    p.add_argument("--customer", metavar="ID", help="with --hits: only this customer's")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("disposition", help="disposition a screening hit: cleared (false positive), confirmed, escalated")
    _common(p)
    p.add_argument("hit", metavar="HIT_ID", type=int, help="as listed by `permittui screen --hits`")
    p.add_argument("outcome", choices=("cleared", "confirmed", "escalated"))
    p.add_argument("--reason", default="", metavar="TEXT", help="why (required for cleared)")

    p = sub.add_parser("audit", help="verify the audit chain, or print its checkpoint")
    _common(p)
    p.add_argument("action", choices=("verify", "checkpoint"))
    p.add_argument("--checkpoint", metavar="SEQ:HASH", help="with verify: also detect a truncated tail")

    p = sub.add_parser("generate", help="a synthetic database of N requests (for trying scale)")
    _common(p)
    p.add_argument("--requests", type=int, required=True, metavar="N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="replace an existing file at --db")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from permittui.cli import commands

        return commands.dispatch(args)
    except PermitError as e:
        print(f"permittui: {e}", file=sys.stderr)
        return e.exit_code
    except OSError as e:  # e.g. -o into a folder that doesn't exist, a read-only file system
        if isinstance(e, BrokenPipeError):
            return 0
        where = f"{e.filename}: " if e.filename else ""
        print(f"permittui: {where}{e.strerror or e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("permittui: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        import sqlite3

        if isinstance(e, sqlite3.Error):  # locked past the busy timeout, disk full, corrupt file
            print(f"permittui: database error: {e}", file=sys.stderr)
            return 1
        raise
