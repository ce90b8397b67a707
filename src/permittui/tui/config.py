"""config.yaml in the user config directory: theme and keymap overrides by action id.

    theme: permittui-light
    keymap:
      decide.deny: x
      move.down: j,down,ctrl+n

Problems (unreadable or hostile file, wrong types, unknown action ids, keys that are no key,
keys bound twice) become start-up notices, never a crash: the console opens with the defaults
for whatever was wrong. The file is read by formats.records' bounded reader (no aliases, no
deep nesting, a size limit), not by a plain YAML load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from permittui.errors import PermitError
from permittui.paths import config_dir
from permittui.tui.actions import BY_ID, conflicts, normalise_key
from permittui.tui.themes import THEME_NAME

MAX_CONFIG_BYTES = 256 * 1024
# A key as Textual names them: `x`, `G`, `f5`, `ctrl+shift+tab`, `question_mark`, or one printable
# character; nothing else reaches the key bar, the help or the bindings.
_KEY_NAME = re.compile(r"[A-Za-z0-9_]{1,24}(\+[A-Za-z0-9_]{1,24}){0,3}", re.ASCII)


@dataclass
class Config:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def is_key(key: str) -> bool:
    if len(key) == 1:
        return key.isprintable() and not key.isspace()
    return bool(_KEY_NAME.fullmatch(key))


def load_config(path: Path | None = None) -> Config:
    path = path or (config_dir() / "config.yaml")
    cfg = Config(path=path)
    if not path.exists():
        return cfg
    from permittui.formats.records import load_data  # only when there is a file: not on the first frame's path

    try:
        data = load_data(path, MAX_CONFIG_BYTES)
    except PermitError as e:
        cfg.problems.append(f"config: can't read it ({e.lines()[0]}); using the defaults")
        return cfg
    if data is None:
        return cfg
    if not isinstance(data, dict):
        cfg.problems.append(f"{path}: expected a mapping (theme:, keymap:); using the defaults")
        return cfg
    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and THEME_NAME.fullmatch(theme):
            cfg.theme = theme
        else:
            cfg.problems.append(f"{path}: theme: expected a theme name such as permittui-light, got {theme!r:.60}")
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        cfg.problems.append(f"{path}: keymap: expected action-id: key pairs")
        keymap = {}
    for action_id, keys in keymap.items():
        if action_id not in BY_ID:
            cfg.problems.append(f"{path}: keymap: unknown action id {action_id!r:.60} (see ? for the ids)")
            continue
        parsed = _keys(keys)
        if parsed is None:
            cfg.problems.append(
                f"{path}: keymap: {action_id}: expected a key such as 'x' or 'ctrl+d' (or a list), got {keys!r:.60}"
            )
            continue
        cfg.keymap[action_id] = ",".join(normalise_key(k) for k in parsed)
    for clash in conflicts(cfg.keymap):
        cfg.problems.append(f"{path}: keymap: {clash}")
    return cfg


def _keys(value: object) -> list[str] | None:
    """The keys a keymap entry names: `x`, `x,ctrl+n`, [x, ctrl+n], a digit; None if any is no key."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, list):
        if not all(isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool)) for v in value):
            return None
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str) or len(value) > 200:
        return None
    keys = [k.strip() for k in value.split(",") if k.strip()]  # commas separate keys (the comma key is "comma")
    if not keys or not all(is_key(k) for k in keys):
        return None
    return keys
