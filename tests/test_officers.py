"""Officers are records with roles, checked in the store: four-eyes compares canonical ids (a
look-alike spelling of a name is the same officer), a name with control or invisible characters
is refused at entry, every refusal names the role it needs, and an older database migrates."""

from __future__ import annotations

import json

import pytest
from support import as_schema, q, table_dump

from permittui.errors import Refused
from permittui.identity import Officer
from permittui.store import decisions, grants, officers
from permittui.store.db import SCHEMA_VERSION, init_store, open_store

# Spellings of "bob" that a person reads as bob (and the store must too).
LOOK_ALIKES = [
    "Bob",
    "BOB",
    " bob ",
    "ｂｏｂ",  # fullwidth
    "𝐛𝐨𝐛",  # mathematical bold
    "bоb",  # Cyrillic о
    "bοb",  # Greek ο
    "bob\u0307",  # a combining dot above
    "b\u0307ob",
    "ⓑⓞⓑ",  # circled
]
# Names that hide something: refused as soon as they are given, exit 2.
HIDDEN = [
    "bo\u200bb",
    "bo\u00adb",
    "b\u2060ob",
    "bob\ufeff",
    "bo\u200db",
    "b\u034fob",
    "bo\ufe0fb",
    "bob\x1b[0m",
    "bo\u2028b",
    "\u202ebob",
    "bob\U000e0062",
]


@pytest.fixture
def decided(db_path):
    """R-3 (a release) denied by bob: it waits for a second officer."""
    s = open_store(db_path, Officer("bob", "bob"))
    try:
        decisions.decide(s, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    finally:
        s.close()
    return db_path


@pytest.mark.parametrize("name", LOOK_ALIKES)
def test_a_look_alike_name_cannot_countersign_its_own_decision(name, decided, cli):
    before = table_dump(decided)
    r = cli("countersign", "R-3", db=decided, officer=name)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "you made this decision" in r.stderr and "\n" not in r.stderr.strip()
    assert table_dump(decided) == before


@pytest.mark.parametrize("name", HIDDEN)
def test_a_name_with_hidden_characters_is_refused_at_entry(name, decided, cli):
    before = table_dump(decided)
    for args in (("countersign", "R-3"), ("decide", "R-1", "approve"), ("show", "R-1")):
        r = cli(*args, db=decided, officer=name)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "control or invisible characters" in r.stderr and "Traceback" not in r.stderr
        assert "\x1b" not in r.stderr and "\u202e" not in r.stderr and "\u2028" not in r.stderr
    r = cli("countersign", "R-3", db=decided, env={"PERMITTUI_OFFICER": name})
    assert r.returncode == 2
    assert table_dump(decided) == before


def test_a_different_senior_officer_countersigns(decided, cli):
    r = cli("countersign", "R-3", db=decided, officer="carol")
    assert r.returncode == 0, r.stderr
    assert q(decided, "SELECT status FROM requests WHERE id = 'R-3'")[0][0] == "denied"


def test_countersigning_needs_a_registered_senior(decided, cli):
    for name, held in (("dave", "officer"), ("zed", "officer")):  # dave: registered officer; zed: unknown
        r = cli("countersign", "R-3", db=decided, officer=name)
        assert r.returncode == 1
        assert "needs the senior role" in r.stderr and f"{name} has {held}" in r.stderr, r.stderr


def test_names_that_fold_to_one_id_are_one_officer_record(db_path, cli):
    r = cli("officer", "add", "ｃａｒｏｌ", "--roles", "officer", db=db_path, officer="alice")
    assert r.returncode == 1 and "already an officer here" in r.stderr, r.stderr
    r = cli("officer", "add", "erin", "--roles", "officer,senior", db=db_path, officer="alice")
    assert r.returncode == 0, r.stderr
    listed = json.loads(cli("officer", "list", "--json", db=db_path).stdout)
    assert {o["id"]: o["roles"] for o in listed}["erin"] == ["officer", "senior"]


def test_only_an_admin_manages_officers(db_path, cli):
    before = table_dump(db_path)
    r = cli("officer", "add", "mallory", "--roles", "admin", db=db_path, officer="bob")
    assert r.returncode == 1 and "needs the admin role" in r.stderr, r.stderr
    r = cli("officer", "disable", "carol", db=db_path, officer="carol")
    assert r.returncode == 1 and "admin" in r.stderr
    assert table_dump(db_path) == before
    r = cli("officer", "add", "x", "--roles", "wizard", db=db_path, officer="alice")
    assert r.returncode == 2 and "unknown role wizard" in r.stderr


def test_a_disabled_officer_can_change_nothing(db_path, cli):
    assert cli("officer", "disable", "carol", db=db_path, officer="alice").returncode == 0
    r = cli("decide", "R-1", "approve", db=db_path, officer="carol")
    assert r.returncode == 1 and "disabled" in r.stderr
    assert cli("officer", "enable", "carol", db=db_path, officer="alice").returncode == 0
    assert cli("decide", "R-1", "approve", db=db_path, officer="carol").returncode == 0


def test_the_first_officer_of_a_new_database_is_its_admin(tmp_path):
    path = tmp_path / "new.db"
    init_store(path, Officer("Zoë", "zoe")).close()
    s = open_store(path, Officer("zoe", "zoe"))  # the same officer, spelt plainly
    try:
        assert officers.acting_roles(s) == ("admin", "senior", "officer")
        assert [(o.id, o.os_account) for o in officers.list_officers(s)] == [("zoe", "zoe")]
    finally:
        s.close()


def test_grants_revoke_and_reinstate_need_a_senior_suspend_any_officer(db_path, cli):
    s = open_store(db_path, Officer("alice", "alice"))
    try:
        decisions.decide(s, "R-2", "approve")
        (gid,) = [r[0] for r in s.conn.execute("SELECT id FROM grants WHERE customer_id = 'C-KEST'")]
    finally:
        s.close()
    r = cli("grant", "revoke", str(gid), "--reason", "misuse reported", db=db_path, officer="dave")
    assert r.returncode == 1 and "needs the senior role" in r.stderr and "dave has officer" in r.stderr
    r = cli("grant", "suspend", str(gid), "--reason", "misuse reported", db=db_path, officer="dave")
    assert r.returncode == 0, r.stderr
    r = cli("grant", "reinstate", str(gid), "--reason", "cleared", db=db_path, officer="zed")
    assert r.returncode == 1 and "needs the senior role" in r.stderr
    r = cli("grant", "reinstate", str(gid), "--reason", "", db=db_path, officer="bob")
    assert r.returncode == 2 and "--reason" in r.stderr
    assert cli("grant", "reinstate", str(gid), "--reason", "cleared", db=db_path, officer="bob").returncode == 0
    s = open_store(db_path, Officer("carol", "carol"))
    try:
        with pytest.raises(Refused, match="senior"):
            grants.change_grant(open_store(db_path, Officer("dave", "dave")), gid, "revoke", "x")
        assert grants.change_grant(s, gid, "revoke", "for good").status_after == "revoked"
    finally:
        s.close()


def test_strict_identity_an_unknown_officer_can_change_nothing(tmp_path):
    import os
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    path = tmp_path / "strict.db"
    init_store(path, Officer(me, me), strict_identity=True).close()
    s = open_store(path, Officer(me, me))
    try:
        assert "admin" in officers.acting_roles(s)
    finally:
        s.close()
    conn = __import__("sqlite3").connect(path)  # the record's account is another: then it is not me
    conn.execute("UPDATE officers SET os_account = 'someone-else'")
    conn.commit()
    conn.close()
    s = open_store(path, Officer(me, me))
    try:
        assert officers.acting_roles(s) == ()
        with pytest.raises(Refused, match="needs the officer or senior role"):
            officers.require(s, "decide")
    finally:
        s.close()


def test_a_schema_4_database_migrates_its_officers(tmp_path, db_path, cli):
    s = open_store(db_path, Officer("bob", "bob"))
    decisions.decide(s, "R-3", "deny", reasons=["EVAL-THRESHOLD-CROSSED"])
    s.close()
    as_schema(db_path, 4)
    s = open_store(db_path, Officer("opener", "opener"))  # the first to open it upgraded: its admin
    s.close()
    assert q(db_path, "PRAGMA user_version")[0][0] == SCHEMA_VERSION
    roles = {r[0]: json.loads(r[1]) for r in q(db_path, "SELECT id, roles FROM officers")}
    assert roles == {"opener": ["admin", "senior", "officer"], "bob": ["officer", "senior"]}
    # bob decided before the upgrade: a look-alike of him still cannot countersign it
    assert cli("countersign", "R-3", db=db_path, officer="BОB").returncode == 1  # Cyrillic О
    assert cli("countersign", "R-3", db=db_path, officer="opener").returncode == 0


OFFICERS_FILE = """\
officers:
  - name: erin
    roles: [officer, senior]
    os_account: erin
  - name: frank
    roles: [inspector]
  - name: carol
    roles: [officer]
"""


def test_an_officers_file_registers_and_changes_roles_all_or_nothing(db_path, tmp_path, cli):
    path = tmp_path / "officers.yaml"
    path.write_text(OFFICERS_FILE)
    r = cli("import", "officers", str(path), db=db_path, officer="alice")
    assert r.returncode == 0 and "2 added, 1 changed" in r.stdout, r.stderr
    roles = {o["id"]: o["roles"] for o in json.loads(cli("officer", "list", "--json", db=db_path).stdout)}
    assert roles["erin"] == ["officer", "senior"] and roles["frank"] == ["inspector"] and roles["carol"] == ["officer"]
    r = cli("import", "officers", str(path), db=db_path, officer="alice")
    assert "0 added, 0 changed, 3 unchanged" in r.stdout
    r = cli("audit", "verify", db=db_path)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize(
    "text,where",
    [
        ("officers:\n  - name: gina\n    roles: [officer, boss]\n", ":3: roles: unknown role boss"),
        ("officers:\n  - name: gina\n    roles: []\n", ":3: roles: must list at least one"),
        ('officers:\n  - name: "gi\\u200bna"\n    roles: [officer]\n', ":2: name: name"),
        ('officers:\n  - name: "gina\\e[0m"\n    roles: [officer]\n', ":2: name: name"),
        (
            "officers:\n  - name: gina\n    roles: [officer]\n  - name: ＧＩＮＡ\n    roles: [senior]\n",
            ":4: name: duplicate",
        ),
        ("officers:\n  - name: gina\n    role: [officer]\n", ":3: role: unknown field"),
    ],
)
def test_a_bad_officers_file_names_line_and_field_and_registers_nobody(db_path, tmp_path, cli, text, where):
    path = tmp_path / "officers.yaml"
    path.write_text(text, encoding="utf-8")
    before = table_dump(db_path)
    r = cli("import", "officers", str(path), db=db_path, officer="alice")
    assert r.returncode == 2 and where in r.stderr, r.stderr
    assert "\x1b" not in r.stderr and "\u200b" not in r.stderr
    assert table_dump(db_path) == before


def test_only_an_admin_imports_officers_and_no_file_leaves_the_desk_without_one(db_path, tmp_path, cli):
    path = tmp_path / "officers.yaml"
    path.write_text(OFFICERS_FILE)
    r = cli("import", "officers", str(path), db=db_path, officer="bob")
    assert r.returncode == 1 and "needs the admin role" in r.stderr
    path.write_text("officers:\n  - name: alice\n    roles: [officer]\n")
    r = cli("import", "officers", str(path), db=db_path, officer="alice")
    assert r.returncode == 1 and "admin role from you" in r.stderr
    assert {o["id"]: o["roles"] for o in json.loads(cli("officer", "list", "--json", db=db_path).stdout)}["alice"] == [
        "admin",
        "senior",
        "officer",
    ]


def test_the_demo_has_officers_in_each_role(tmp_path):
    from permittui.domain.roles import ROLES
    from permittui.store.demo import load_demo

    store = init_store(tmp_path / "demo.db", Officer("alice", "alice"))
    try:
        for _ in load_demo(store):
            pass
        listed = officers.list_officers(store)
    finally:
        store.close()
    for role in ROLES:
        assert len([o for o in listed if role in o.roles and o.id != "alice"]) >= 1, role
    deciders = {r[0] for r in q(tmp_path / "demo.db", "SELECT DISTINCT officer FROM decisions")}
    assert deciders <= {o.id for o in listed if "officer" in o.roles}
