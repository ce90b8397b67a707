"""Officers as records: canonical id, display name, OS account, roles, active — and the one check
every state change makes of who is acting (`require`), in the store, whatever the front end."""

from __future__ import annotations

import json
from dataclasses import dataclass

from permittui.domain import roles as R
from permittui.domain.clock import now_iso
from permittui.errors import BadInput, Refused
from permittui.identity import check_name
from permittui.store.db import Store
from permittui.text import one_line


@dataclass(frozen=True)
class OfficerRecord:
    id: str  # canonical (domain.matchform.canonical_id of the name)
    name: str
    os_account: str | None
    roles: tuple[str, ...]
    active: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "os_account": self.os_account,
            "roles": list(self.roles),
            "active": self.active,
        }


def _record(row: tuple) -> OfficerRecord:
    return OfficerRecord(row[0], row[1], row[2], tuple(json.loads(row[3])), bool(row[4]))


def get(store: Store, name_or_id: str) -> OfficerRecord | None:
    from permittui.domain.matchform import canonical_id

    with store.lock:
        row = store.conn.execute(
            "SELECT id, name, os_account, roles, active FROM officers WHERE id = ?", (canonical_id(name_or_id),)
        ).fetchone()
    return _record(row) if row else None


def list_officers(store: Store) -> list[OfficerRecord]:
    with store.lock:
        rows = store.conn.execute("SELECT id, name, os_account, roles, active FROM officers ORDER BY id").fetchall()
    return [_record(r) for r in rows]


def acting_roles(store: Store) -> tuple[str, ...]:
    """The roles of whoever is acting on this store: their record's, or, for a name no record
    knows, those of an unregistered desk (none at all under strict identity)."""
    record = get(store, store.officer.name)
    if record is not None:
        if not record.active:
            return ()
        if store.strict_identity and record.os_account and record.os_account != store.officer.os_account:
            return ()
        return record.roles
    return () if store.strict_identity else R.UNREGISTERED


def require(store: Store, action: str) -> None:
    """Refused, naming the role needed, unless the acting officer may do `action`."""
    have = acting_roles(store)
    if R.allows(have, action):
        return
    who = one_line(store.officer.name, 64)
    record = get(store, store.officer.name)
    if record is not None and not record.active:
        raise Refused(f"{who} is disabled: an admin re-enables officers (permittui officer enable)")
    if record is None and store.strict_identity:
        raise Refused(
            f"{who} is not an officer of this database (strict identity): an admin adds you with"
            " `permittui officer add`"
        )
    held = ", ".join(have) or "no role"
    raise Refused(f"to {R.NEEDS[action][1]} needs {R.needed(action)}; {who} has {held}")


def insert(store: Store, name: str, roles: tuple[str, ...], os_account: str | None) -> OfficerRecord:
    """Write an officer row, in the caller's transaction (no role check: `add` and init make it)."""
    from permittui.domain.matchform import canonical_id

    name = check_name(name)
    if os_account is not None:
        os_account = check_name(os_account, "OS account")
    oid = canonical_id(name)
    old = store.conn.execute("SELECT name FROM officers WHERE id = ?", (oid,)).fetchone()
    if old is not None:
        raise Refused(
            f"{one_line(name, 64)} is already an officer here, as {one_line(old[0], 64)!r}"
            " (names that fold to one id are one officer)"
        )
    store.conn.execute(
        "INSERT INTO officers (id, name, os_account, roles, active, added_at, added_by) VALUES (?,?,?,?,1,?,?)",
        (oid, name, os_account, json.dumps(list(roles)), now_iso(), store.officer.name),
    )
    return OfficerRecord(oid, name, os_account, roles, True)


def add(store: Store, name: str, roles: tuple[str, ...], *, os_account: str | None = None) -> OfficerRecord:
    """Register an officer: an admin's act."""
    require(store, "officers")
    with store.write():
        record = insert(store, name, roles, os_account)
        store.audit("officer.add", record.id, record.as_dict())
    return record


def set_active(store: Store, name: str, active: bool) -> OfficerRecord:
    require(store, "officers")
    record = get(store, name)
    if record is None:
        raise Refused(f"no officer {one_line(name, 64)!r}")
    if not active and record.id == store.officer.id:
        raise Refused("you can't disable yourself; another admin can")
    if not active and "admin" in record.roles:
        others = [o for o in list_officers(store) if o.active and "admin" in o.roles and o.id != record.id]
        if not others:
            raise Refused(f"{record.name} is the last active admin; add another admin first")
    with store.write() as conn:
        conn.execute("UPDATE officers SET active = ? WHERE id = ?", (int(active), record.id))
        store.audit("officer.enable" if active else "officer.disable", record.id, {"id": record.id})
    return OfficerRecord(record.id, record.name, record.os_account, record.roles, active)


def set_roles(store: Store, name: str, new_roles: tuple[str, ...]) -> OfficerRecord:
    require(store, "officers")
    record = get(store, name)
    if record is None:
        raise Refused(f"no officer {one_line(name, 64)!r}")
    if record.id == store.officer.id and "admin" not in new_roles:
        raise Refused("you can't take the admin role from yourself; another admin can")
    with store.write() as conn:
        conn.execute("UPDATE officers SET roles = ? WHERE id = ?", (json.dumps(list(new_roles)), record.id))
        store.audit(
            "officer.roles", record.id, {"id": record.id, "before": list(record.roles), "roles": list(new_roles)}
        )
    return OfficerRecord(record.id, record.name, record.os_account, new_roles, record.active)


def parse_roles(text: str) -> tuple[str, ...]:
    try:
        return R.parse(text)
    except ValueError as e:
        raise BadInput(f"--roles: {e}") from None


def import_officers(store: Store, path) -> str:
    """Register the officers of a file, or bring their roles, OS account and state to what it says
    (an admin's act; all of it or nothing). Officers the file doesn't name are left as they are."""
    from permittui.domain.officer_file import officers as parse
    from permittui.errors import InvalidFile
    from permittui.formats.records import load_document

    require(store, "officers")
    entries, problems = parse(load_document(path, "officers"))
    if problems:
        raise InvalidFile(problems)
    added = changed = unchanged = 0
    with store.write() as conn:
        for e in entries:
            old = get(store, e.name)
            if old is None:
                record = insert(store, e.name, e.roles, e.os_account)
                if not e.active:
                    conn.execute("UPDATE officers SET active = 0 WHERE id = ?", (record.id,))
                    record = OfficerRecord(record.id, record.name, record.os_account, record.roles, False)
                store.audit("officer.add", record.id, record.as_dict())
                added += 1
                continue
            new = OfficerRecord(old.id, old.name, e.os_account or old.os_account, e.roles, e.active)
            if new == old:
                unchanged += 1
                continue
            if old.id == store.officer.id and ("admin" not in new.roles or not new.active):
                raise Refused(f"{path}: the file takes the admin role from you or disables you; another admin can")
            conn.execute(
                "UPDATE officers SET roles = ?, os_account = ?, active = ? WHERE id = ?",
                (json.dumps(list(new.roles)), new.os_account, int(new.active), old.id),
            )
            store.audit("officer.change", old.id, {"before": old.as_dict(), **new.as_dict()})
            changed += 1
        if not conn.execute("SELECT 1 FROM officers WHERE active = 1 AND roles LIKE '%\"admin\"%'").fetchone():
            raise Refused(f"{path}: the file leaves no active admin")
    return f"officers: {added} added, {changed} changed, {unchanged} unchanged"
