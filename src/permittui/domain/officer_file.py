"""An officers file: the people of a desk and their roles, registered in one import by an admin.

officers:
  - name: m.okafor
    roles: [officer, senior]
    os_account: mokafor     # optional: the OS account this officer logs in as
    active: true            # optional
"""

from __future__ import annotations

from dataclasses import dataclass

from permittui.domain import roles as R
from permittui.domain.validate import Fields, _duplicates
from permittui.errors import BadInput, Problem
from permittui.formats.records import Document


@dataclass(frozen=True)
class OfficerEntry:
    name: str
    roles: tuple[str, ...]
    os_account: str | None
    active: bool


def officers(doc: Document) -> tuple[list[OfficerEntry], list[Problem]]:
    """Each record as an entry; names that fold to one canonical id are duplicates."""
    from permittui.domain.matchform import canonical_id
    from permittui.identity import check_name

    problems: list[Problem] = []
    out: list[OfficerEntry] = []
    ids = []
    for rec in doc.records:
        f = Fields(doc.path, rec, problems)
        f.unknown({"name", "roles", "os_account", "active"})
        name = f.text("name", limit=200)
        account = f.text("os_account", required=False, limit=200) or None
        for key, value in (("name", name), ("os_account", account)):
            if value:
                try:
                    check_name(value, key.replace("_", " "))
                except BadInput as e:
                    f.bad(key, str(e))
        listed = f.texts("roles", required=True, limit=len(R.ROLES))
        try:
            roles = R.parse(",".join(listed)) if listed else ()
        except ValueError as e:
            f.bad("roles", str(e))
            roles = ()
        out.append(OfficerEntry(name, roles, account, f.boolean("active", True)))
        ids.append((canonical_id(name) if name else "", rec))
    _duplicates(doc, "name", [(i, r) for i, r in ids if i], problems)
    return out, problems
