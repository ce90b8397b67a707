"""The `permittui` command line (design §3). Exit 0 ok, 1 refused by the rules, 2 bad usage or input.

Every message goes out through cli.output, which sanitises it: nothing the data says reaches
the terminal raw, and no failure is a traceback (PERMITTUI_DEBUG=1 shows one for a bug).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from permittui.errors import PermitError

if TYPE_CHECKING:
    import argparse

OUTCOMES = ("approve", "approve-with-conditions", "deny", "refer", "request-info", "return", "reverse")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argparse parser of every command (cli.parser)."""
    from permittui.cli.parser import build_parser

    return build_parser(argv)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    # The everyday commands without argparse when their arguments are plain (cli.fast): argparse,
    # gettext and building the parser are a good part of their start-up. Anything else, argparse.
    from permittui.cli import fast

    return fast.parse(argv) or build_parser(argv).parse_args(argv)  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    from permittui.cli import output

    argv = sys.argv[1:] if argv is None else list(argv)
    output.robust_streams()
    try:
        args = parse(argv)
        from permittui.cli import commands

        return commands.dispatch(args)
    except PermitError as e:
        return output.fail(e)
    except OSError as e:  # e.g. -o into a folder that doesn't exist, a read-only file system
        if isinstance(e, BrokenPipeError):
            return 0
        where = f"{e.filename}: " if e.filename else ""
        return output.problem(f"{where}{e.strerror or e}", 2)
    except KeyboardInterrupt:
        return output.problem("interrupted", 130)
    except Exception as e:
        import sqlite3

        if isinstance(e, sqlite3.Error):  # locked past the busy timeout, disk full, corrupt file
            return output.problem(f"database error: {e}", 1)
        if os.environ.get("PERMITTUI_DEBUG"):
            raise
        # A bug, not the user's doing; still one line, never a traceback for the user.
        return output.problem(f"internal error ({type(e).__name__}: {e}), a bug; PERMITTUI_DEBUG=1 shows where", 1)
