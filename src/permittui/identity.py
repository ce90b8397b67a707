"""Who is acting: the officer name given, and the OS account that really runs the process."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass


@dataclass(frozen=True)
class Officer:
    name: str
    os_account: str


def os_account() -> str:
    # From the password database, not $USER: anyone can set an environment variable.
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid:{os.getuid()}"


def current_officer(arg: str | None = None) -> Officer:
    """--officer, else $PERMITTUI_OFFICER, else the OS account."""
    account = os_account()
    name = (arg or os.environ.get("PERMITTUI_OFFICER") or account).strip()
    return Officer(name or account, account)
