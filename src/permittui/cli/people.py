"""Commands for officers and for grants under four eyes: `permittui officer …`, `permittui grant …`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from permittui.cli.output import block, say
from permittui.text import one_line

if TYPE_CHECKING:
    import argparse


def add_officer_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("add", "list", "disable", "enable", "roles"))
    p.add_argument("name", metavar="NAME", nargs="?", help="the officer (add, disable, enable, roles)")
    p.add_argument("--roles", metavar="LIST", help="with add or roles: officer,senior,inspector,admin")
    p.add_argument("--os-account", metavar="ACCOUNT", help="with add: the OS account this officer logs in as")
    p.add_argument("--json", action="store_true", help="with list")


def add_grant_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("suspend", "revoke", "reinstate"))
    p.add_argument("grant", metavar="GRANT_ID", type=int)
    p.add_argument("--reason", default="", metavar="TEXT", help="why (required)")


def cmd_officer(args: argparse.Namespace) -> int:
    from permittui.cli.commands import _open
    from permittui.errors import BadInput
    from permittui.store import officers

    if args.action != "list" and not args.name:
        raise BadInput(f"officer {args.action} needs the officer's NAME")
    store = _open(args, read_only=args.action == "list")
    try:
        if args.action == "list":
            items = officers.list_officers(store)
            if args.json:
                block(json.dumps([o.as_dict() for o in items], ensure_ascii=True, indent=2))
            for o in [] if args.json else items:
                state = "" if o.active else "  (disabled)"
                account = f"  os:{one_line(o.os_account, 32)}" if o.os_account else ""
                say(f"{one_line(o.id, 32):24} {one_line(o.name, 32):24} {','.join(o.roles)}{account}{state}")
            return 0
        if args.action == "add":
            if not args.roles:
                raise BadInput("officer add needs --roles (officer, senior, inspector, admin)")
            record = officers.add(store, args.name, officers.parse_roles(args.roles), os_account=args.os_account)
        elif args.action == "roles":
            if not args.roles:
                raise BadInput("officer roles needs --roles")
            record = officers.set_roles(store, args.name, officers.parse_roles(args.roles))
        else:
            record = officers.set_active(store, args.name, args.action == "enable")
    finally:
        store.close()
    state = "active" if record.active else "disabled"
    say(f"officer {one_line(record.id, 64)} ({one_line(record.name, 64)}): {','.join(record.roles)}, {state}")
    return 0


def cmd_grant(args: argparse.Namespace) -> int:
    from permittui.cli.commands import _open
    from permittui.errors import BadInput
    from permittui.store import grants

    if not args.reason.strip():
        raise BadInput(f"grant {args.action} needs --reason saying why")
    store = _open(args)
    try:
        change = grants.change_grant(store, args.grant, args.action, args.reason)
    finally:
        store.close()
    say(change)
    return 0
