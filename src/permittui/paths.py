"""Where things live: shipped data, the default database, the user config directory."""

from __future__ import annotations

import os
from pathlib import Path

APP = "permittui"


def _shipped(name: str) -> Path:
    # Installed wheel: data/ and themes/ are force-included inside the package.
    inside = Path(__file__).resolve().parent / name
    if inside.is_dir():
        return inside
    # Source checkout or editable install: the top-level folders of the repository.
    return Path(__file__).resolve().parents[2] / name


def data_dir() -> Path:
    return _shipped("data")


def themes_dir() -> Path:
    return _shipped("themes")


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / "permittui.db"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False)


def resolve_db(arg: str | None) -> Path:
    """--db, else $PERMITTUI_DB, else the user data directory."""
    if arg:
        return Path(arg)
    env = os.environ.get("PERMITTUI_DB")
    if env:
        return Path(env)
    return default_db_path()
