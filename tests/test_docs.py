"""Every command and every option of the command line is documented in the README."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from permittui.cli import build_parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_command_documented(name):
    assert f"`permittui {name}" in README, f"README has no reference entry for `permittui {name}`"


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_options_documented(name):
    sub = _subcommands()[name]
    for action in sub._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag not in ("--help", "--db", "--officer"):
                assert flag in README, f"`permittui {name} {flag}` is not in the README"
