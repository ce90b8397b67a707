"""config.yaml in the user config directory: theme and keymap overrides by action id.

    theme: permittui-light
    keymap:
      decide.deny: x
      move.down: j,down,ctrl+n

Problems (unreadable file, unknown action ids, keys bound twice) become start-up notices, never
a crash: the console opens with the defaults for whatever was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from permittui.paths import config_dir
from permittui.tui.actions import BY_ID, conflicts, normalise_key


@dataclass
class Config:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def load_config(path: Path | None = None) -> Config:
    path = path or (config_dir() / "config.yaml")
    cfg = Config(path=path)
    if not path.exists():
        return cfg
    import yaml  # only when there is a file: the console's first frame does not wait for it

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        cfg.problems.append(f"{path}: can't read it ({str(e).splitlines()[0]}); using the defaults")
        return cfg
    if not isinstance(data, dict):
        cfg.problems.append(f"{path}: expected a mapping (theme:, keymap:); using the defaults")
        return cfg
    theme = data.get("theme")
    if theme is not None:
        cfg.theme = str(theme)
    keymap = data.get("keymap") or {}
    if not isinstance(keymap, dict):
        cfg.problems.append(f"{path}: keymap: expected action-id: key pairs")
        keymap = {}
    for action_id, keys in keymap.items():
        action_id = str(action_id)
        if action_id not in BY_ID:
            cfg.problems.append(f"{path}: keymap: unknown action id {action_id!r} (see ? for the ids)")
            continue
        if isinstance(keys, list):
            keys = ",".join(str(k) for k in keys)
        if not isinstance(keys, (str, int)) or not str(keys).strip():
            cfg.problems.append(f"{path}: keymap: {action_id}: expected a key such as 'x' or 'ctrl+d'")
            continue
        cfg.keymap[action_id] = ",".join(normalise_key(k.strip()) for k in str(keys).split(",") if k.strip())
    for clash in conflicts(cfg.keymap):
        cfg.problems.append(f"{path}: keymap: {clash}")
    return cfg
