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
from pathlib import Path

from textual.theme import Theme

from permittui.paths import config_dir, themes_dir

COLOUR_KEYS = ("primary", "secondary", "accent", "foreground", "background", "surface", "panel", "boost",
               "warning", "error", "success")
DEFAULT_THEME = "permittui-dark"
MONO_THEME = "permittui-mono"


def theme_from_yaml(path: Path) -> Theme:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("name"):
        raise ValueError(f"{path}: a theme needs at least `name` and `colours.primary`")
    colours = data.get("colours") or data.get("colors") or {}
    if not isinstance(colours, dict) or "primary" not in colours:
        raise ValueError(f"{path}: colours.primary is required")
    unknown = set(colours) - set(COLOUR_KEYS)
    if unknown:
        raise ValueError(f"{path}: unknown colour key(s) {', '.join(sorted(unknown))}")
    variables = {str(k): str(v) for k, v in (data.get("variables") or {}).items()}
    return Theme(name=str(data["name"]), dark=bool(data.get("dark", True)), ansi=bool(data.get("ansi", False)),
                 variables=variables, **{k: str(v) for k, v in colours.items()})


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
    None. Only files whose text names it are parsed: the console's first frame waits for this,
    the other themes are read after it (load_themes)."""
    found: Theme | None = None
    for path in _theme_files(extra_dir):
        try:
            if name not in path.read_text(encoding="utf-8"):
                continue
            theme = theme_from_yaml(path)
        except Exception:  # load_themes reports it
            continue
        if theme.name == name:
            found = theme
    return found


def choose_theme(requested: str | None, configured: str | None) -> str:
    """--theme, else NO_COLOR's monochrome theme, else config.yaml's, else the default."""
    if requested:
        return requested
    if os.environ.get("NO_COLOR"):
        return MONO_THEME
    return configured or DEFAULT_THEME
