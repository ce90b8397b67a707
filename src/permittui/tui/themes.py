"""Themes from YAML: the shipped ones in themes/ and the user's own in the config directory.

    name: permittui-dark
    dark: true
    ansi: false          # true: use the terminal's own 16 colours (SSH, tmux)
    colours: {primary: "#5fafd7", background: "#1c1c1c", ...}

Colour keys are those of textual.theme.Theme (primary, secondary, accent, foreground,
background, surface, panel, boost, warning, error, success); `variables` passes extra CSS
variables through.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from textual.theme import Theme

from permittui.paths import config_dir, themes_dir

COLOUR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "warning",
    "error",
    "success",
)
DEFAULT_THEME = "permittui-dark"
MONO_THEME = "permittui-mono"
MAX_THEME_BYTES = 64 * 1024
# A theme's name becomes a CSS class (-theme-NAME): letters, digits, '_' and '-', a letter first.
THEME_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}", re.ASCII)
# A colour or CSS variable value: a colour name, #hex, rgb(...)/hsl(...) with %, a style word;
# nothing that could close or open a CSS rule, and nothing a terminal would act on.
_CSS_VALUE = re.compile(r"[A-Za-z0-9_#%.,()+ $-]{1,64}", re.ASCII)
_CSS_VARIABLE = re.compile(r"[a-z][a-z0-9-]{0,63}", re.ASCII)


def theme_from_yaml(path: Path) -> Theme:
    """A user's theme file, read by formats.records' bounded reader (no aliases, no deep nesting,
    a size limit); anything wrong in it is a ValueError (a notice), never a crash."""
    from permittui.errors import PermitError
    from permittui.formats.records import load_data

    try:
        data = load_data(path, MAX_THEME_BYTES)
    except PermitError as e:
        raise ValueError(e.lines()[0]) from None
    return theme_from_data(data, str(path))


def theme_from_data(data: object, where: str) -> Theme:
    """A Theme from parsed data, every value checked: the name is a CSS identifier, colours
    parse as colours, variables are names and plain values, dark/ansi are true or false."""
    from textual.color import Color, ColorParseError

    if not isinstance(data, dict) or not data.get("name"):
        raise ValueError(f"{where}: a theme needs at least `name` and `colours.primary`")
    name = data["name"]
    if not isinstance(name, str) or not THEME_NAME.fullmatch(name):
        raise ValueError(f"{where}: name: {name!r:.60} is not a theme name (letters, digits, _ and -, a letter first)")
    colours = data.get("colours") or data.get("colors") or {}
    if not isinstance(colours, dict) or "primary" not in colours:
        raise ValueError(f"{where}: colours.primary is required")
    unknown = set(colours) - set(COLOUR_KEYS)
    if unknown:
        raise ValueError(f"{where}: unknown colour key(s) {', '.join(sorted(repr(k)[:40] for k in unknown))}")
    for key, value in colours.items():
        try:
            if not isinstance(value, str) or not _CSS_VALUE.fullmatch(value):
                raise ColorParseError("not a colour")
            Color.parse(value)
        except ColorParseError:
            raise ValueError(f"{where}: colours.{key}: {value!r:.60} is not a colour") from None
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise ValueError(f"{where}: variables: expected name: value pairs")
    for key, value in variables.items():
        if not isinstance(key, str) or not _CSS_VARIABLE.fullmatch(key):
            raise ValueError(f"{where}: variables: {key!r:.60} is not a variable name")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not _CSS_VALUE.fullmatch(str(value)):
            raise ValueError(f"{where}: variables.{key}: {value!r:.60} is not a plain value")
    for flag in ("dark", "ansi"):
        if not isinstance(data.get(flag, False), bool):
            raise ValueError(f"{where}: {flag}: expected true or false")
    return Theme(
        name=name,
        dark=data.get("dark", True),
        ansi=data.get("ansi", False),
        variables={k: str(v) for k, v in variables.items()},
        **colours,
    )


def builtin_data() -> dict[str, dict]:
    """The shipped themes/*.yaml as parsed data: what theme_data.py must hold."""
    import yaml

    return {
        d["name"]: d
        for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(themes_dir().glob("*.yaml")))
    }


def load_themes(extra_dir: Path | None = None) -> tuple[list[Theme], list[str]]:
    """All themes found (user ones last, so they may replace a shipped one), and problems."""
    found: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in (themes_dir(), extra_dir or config_dir() / "themes", config_dir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            if path.name == "config.yaml":
                continue
            try:
                theme = theme_from_yaml(path)
            except Exception as e:  # a broken user theme is a notice, not a crash
                problems.append(f"theme {path}: {str(e).splitlines()[0]}")
                continue
            found[theme.name] = theme
    return list(found.values()), problems


def _theme_files(extra_dir: Path | None = None) -> list[Path]:
    out: list[Path] = []
    for folder in (themes_dir(), extra_dir or config_dir() / "themes", config_dir()):
        if folder.is_dir():
            out += [p for p in sorted(folder.glob("*.yaml")) if p.name != "config.yaml"]
    return out


def load_theme(name: str, extra_dir: Path | None = None) -> Theme | None:
    """The one theme called `name` (the last file that defines it wins, as in load_themes), or
    None. The console's first frame waits for this, so a shipped theme comes from theme_data.py
    (importing PyYAML alone took ~25 ms) unless a user file names it; only files whose text names
    it are parsed, and the other themes are read after the first frame (load_themes)."""
    from permittui.tui.theme_data import BUILTIN

    found: Theme | None = theme_from_data(BUILTIN[name], name) if name in BUILTIN else None
    if not THEME_NAME.fullmatch(name):  # --theme with something no theme can be called
        return found
    shipped = themes_dir()
    for path in _theme_files(extra_dir):
        if path.parent == shipped:
            continue
        try:
            from permittui.formats.records import read_bytes  # a regular file, and a small one

            if name.encode() not in read_bytes(path, MAX_THEME_BYTES):
                continue
            theme = theme_from_yaml(path)
        except Exception:  # load_themes reports it
            continue
        if theme.name == name:
            found = theme
    return found


def generate() -> str:
    """theme_data.py's text: `python -m permittui.tui.themes > src/permittui/tui/theme_data.py`."""
    import pprint

    return (
        '"""The shipped themes (themes/*.yaml) as Python data, so the first frame needs no YAML parser.\n\n'
        "Generated by `python -m permittui.tui.themes > src/permittui/tui/theme_data.py`; a test keeps it\n"
        'equal to the YAML files. Edit those, not this."""\n\n'
        f"BUILTIN = {pprint.pformat(builtin_data(), width=100, sort_dicts=True)}\n"
    )


def choose_theme(requested: str | None, configured: str | None) -> str:
    """--theme, else NO_COLOR's monochrome theme, else config.yaml's, else the default."""
    if requested:
        return requested
    if os.environ.get("NO_COLOR"):
        return MONO_THEME
    return configured or DEFAULT_THEME


if __name__ == "__main__":
    print(generate(), end="")
