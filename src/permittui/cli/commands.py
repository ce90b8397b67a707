"""What each command does. Heavy modules are imported inside the command that needs them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from permittui.cli.output import say
from permittui.errors import BadInput, Refused
from permittui.identity import Officer, current_officer
from permittui.paths import resolve_db

if TYPE_CHECKING:
    import argparse  # only for annotations: show and decide are parsed without it (cli.fast)


def dispatch(args: argparse.Namespace) -> int:
    handler = {
        None: cmd_console,
        "init": cmd_init,
        "import": cmd_import,
        "export": cmd_export,
        "show": cmd_show,
        "decide": cmd_decide,
        "countersign": cmd_countersign,
        "screen": cmd_screen,
        "audit": cmd_audit,
        "generate": cmd_generate,
        "disposition": cmd_disposition,
        "officer": _people("cmd_officer"),
        "grant": _people("cmd_grant"),
    }[args.command]
    return handler(args)


def _people(name: str):
    def run(args: argparse.Namespace) -> int:
        from permittui.cli import people

        return getattr(people, name)(args)

    return run


def officer_of(arg: str | None) -> Officer:
    """--officer, else $PERMITTUI_OFFICER, else the login name: refused unless it is plain text
    (identity.check_name; it is recorded on every decision and shown to every officer)."""
    return current_officer(arg)


def _file_arg(name: str) -> Path:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(f"{name!r}: the file name is not UTF-8 text; rename the file") from None
    return Path(name)


def _open(args: argparse.Namespace, read_only: bool = False):
    from permittui.store.db import open_store

    return open_store(resolve_db(args.db), officer_of(args.officer), read_only=read_only)


def cmd_init(args: argparse.Namespace) -> int:
    from permittui.store.db import init_store

    path = resolve_db(args.db)
    officer = officer_of(args.officer)
    store = init_store(path, officer, strict_identity=args.strict_identity, group=args.group)
    try:
        _load_initial(store, args)
    except BaseException:
        # A database we just created and could not finish is removed, not left half-built.
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    say(f"created {path}")
    return 0


def _load_initial(store, args: argparse.Namespace) -> None:
    from permittui.store.demo import load_defaults, load_demo

    for line in (load_demo if args.demo else load_defaults)(store):
        say(line)
    if args.group:
        import grp

        from permittui.store.db import share_with_group

        # Again after loading: WAL and SHM files appear with the first writes.
        share_with_group(store.path, grp.getgrnam(args.group).gr_gid)


def cmd_import(args: argparse.Namespace) -> int:
    from permittui.store import imports

    path = _file_arg(args.file)
    replace_all = getattr(args, "replace_all", False)
    if replace_all and args.what != "screening":
        raise BadInput("--replace-all goes with `import screening`")
    from permittui.store.officers import import_officers

    store = _open(args)
    try:
        if args.what == "screening":
            result = imports.import_screening(store, path, replace_all=replace_all)
        else:
            fn = {
                "schedule": imports.import_schedule,
                "customers": imports.import_customers,
                "requests": imports.import_requests,
                "reasons": imports.import_reasons,
                "conditions": imports.import_conditions,
                "end-uses": imports.import_end_uses,
                "officers": import_officers,
            }[args.what]
            result = fn(store, path)
        say(result)
    finally:
        store.close()
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from permittui.cli.output import payload_stream
    from permittui.store.export import export

    store = _open(args, read_only=True)
    try:
        if args.output:
            out_path = _file_arg(args.output)
            tmp = out_path.with_name(out_path.name + ".partial")
            with tmp.open("w", encoding="utf-8", newline="") as out:
                n = export(store, args.what, args.format, out)
            tmp.replace(out_path)  # never leave a half-written export under the real name
            say(f"{n} {args.what} written to {out_path}", err=True)
        else:
            # Faithful to a file or a pipe; on a terminal, control characters are made visible.
            out = payload_stream(sys.stdout)
            export(store, args.what, args.format, out)
            out.flush()
    finally:
        store.close()
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from permittui.cli.show import show

    store = _open(args, read_only=True)
    try:
        show(store, args.request_id, as_json=args.json, out=sys.stdout)
    finally:
        store.close()
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from permittui.store import decisions

    store = _open(args)
    try:
        if args.outcome == "reverse":
            result = decisions.reverse(store, args.request_id, note=args.note)
        else:
            result = decisions.decide(
                store,
                args.request_id,
                args.outcome,
                reasons=args.reason,
                conditions=args.condition,
                note=args.note,
                expected_version=args.expect_version,
                inspector=args.inspector,
                referral_days=args.referral_days,
                override=args.override,
            )
        say(result)
    finally:
        store.close()
    return 0


def cmd_countersign(args: argparse.Namespace) -> int:
    from permittui.store import decisions

    if args.send_back and not args.note.strip():
        raise BadInput("--send-back needs --note saying why")
    store = _open(args)
    try:
        say(decisions.countersign(store, args.request_id, send_back=args.send_back, note=args.note))
    finally:
        store.close()
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    import json

    from permittui.cli.output import block
    from permittui.store import screening

    if args.hits == bool(args.name):
        raise BadInput("give a NAME to screen, or --hits to list the customers' hits")
    if args.customer and not args.hits:
        raise BadInput("--customer goes with --hits")
    store = _open(args, read_only=True)
    try:
        if args.hits:
            hits = screening.list_hits(store, args.customer)
        else:
            matches = screening.load_screener(store).screen([args.name], args.country.strip().upper())
    finally:
        store.close()
    if args.hits:
        if args.json:
            block(json.dumps(hits, indent=2, ensure_ascii=True))
        elif not hits:
            say(f"no screening hits{' for ' + args.customer if args.customer else ''}")
        for h in hits if not args.json else ():
            by = f" by {h['officer']} {h['at'][:16].replace('T', ' ')}" if h["officer"] and h["at"] else ""
            why = f": {h['reason']}" if h["reason"] else ""
            say(
                f"#{h['hit']:<5} {h['disposition']:9} {h['score']:5.1f}  {h['customer']} {h['party']}"
                f" ~ {h['listed_name']} [{h['entry_id']}, {h['list']}]"
                f"{' (delisted)' if h['delisted'] else ''}{by}{why}"
            )
        return 0
    if args.json:
        # ensure_ascii: listed names are untrusted; nothing raw reaches the terminal.
        block(json.dumps([m.__dict__ for m in matches], indent=2, ensure_ascii=True))
    elif not matches:
        say(f"no match for {args.name!r} on the restricted-party list")
    else:
        for m in matches:
            note = f"  ({m.country_note})" if m.country_note else ""
            say(f"{m.score:5.1f}  {m.listed_name}  [{m.entry_id}, {m.source}]{note}")
    return 0


def cmd_disposition(args: argparse.Namespace) -> int:
    from permittui.store import screening

    if args.countersign == bool(args.outcome):
        raise BadInput("give an outcome (cleared, confirmed, escalated), or --countersign a proposed change")
    if args.outcome == "cleared" and not args.reason.strip():
        raise BadInput("clearing a hit as a false positive needs --reason saying why")
    store = _open(args)
    try:
        said = screening.disposition(store, args.hit, args.outcome, args.reason, countersign=args.countersign)
    finally:
        store.close()
    say(said)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from permittui.store import audit

    store = _open(args, read_only=True)
    try:
        if args.action == "checkpoint":
            seq, digest = audit.head(store.conn)
            say(f"{seq}:{digest}")
            return 0
        checkpoint = None
        if args.checkpoint:
            seq_text, _, digest = args.checkpoint.partition(":")
            if not seq_text.isdigit() or len(digest) != 64:
                raise BadInput("--checkpoint must be SEQ:HASH as printed by `permittui audit checkpoint`")
            checkpoint = (int(seq_text), digest)
        result = audit.verify(store.conn, checkpoint)
    finally:
        store.close()
    if not result.ok:
        raise Refused(f"audit chain broken: {result.problem}")
    say(f"audit chain intact: {result.count} entries, head {result.head_seq}:{result.head_hash}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from permittui.cli.output import CleanWriter
    from permittui.store.generate import generate

    if args.requests < 1:
        raise BadInput("--requests must be at least 1")
    path = resolve_db(args.db)
    generate(
        path,
        args.requests,
        seed=args.seed,
        force=args.force,
        officer=officer_of(args.officer),
        out=CleanWriter(sys.stdout),
    )
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from permittui.cli.console import run_console

    return run_console(args)
