"""Who is acting: the officer name given, and the OS account that really runs the process."""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass

MAX_NAME = 64


@dataclass(frozen=True)
class Officer:
    name: str
    os_account: str

    @property
    def id(self) -> str:
        """The canonical officer id: what four-eyes and the officers table compare."""
        from permittui.domain.matchform import canonical_id

        return canonical_id(self.name)


def check_name(name: str, what: str = "officer name") -> str:
    """The name, stripped; BadInput when it cannot be an officer's (control or invisible
    characters, too long, nothing left once folded)."""
    from permittui.domain.matchform import canonical_id, inspect
    from permittui.errors import BadInput
    from permittui.text import one_line

    name = name.strip()
    shown = one_line(name, 80)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # an argument's or variable's undecodable byte (surrogateescape)
        raise BadInput(f"{what} {shown!r} has bytes that are not UTF-8; give --officer NAME") from None
    if not name.isprintable() or one_line(name) != name or any(i.kind == "invisible" for i in inspect(name)):
        raise BadInput(f"{what} {shown!r} has control or invisible characters; type it plainly")
    if len(name) > MAX_NAME:
        raise BadInput(f"{what} is longer than {MAX_NAME} characters")
    if not canonical_id(name):
        raise BadInput(f"{what} {shown!r} is empty once folded")
    return name


def os_account() -> str:
    # From the password database, not $USER: anyone can set an environment variable.
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid:{os.getuid()}"


def current_officer(arg: str | None = None) -> Officer:
    """--officer, else $PERMITTUI_OFFICER, else the OS account."""
    account = os_account()
    name = (arg or os.environ.get("PERMITTUI_OFFICER") or account).strip() or account
    return Officer(check_name(name), account)
