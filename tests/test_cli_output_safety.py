"""Nothing the data says reaches a terminal raw: hostile strings in every position a CLI message
quotes (file name, YAML key, value, id, officer name by --officer and $PERMITTUI_OFFICER, the
database path) and through every output path (show, screen, export, decide and countersign
refusals, import errors, audit, init and generate messages, usage errors, a bug). The oracle is
the one sanitiser: no line of output is changed by text.clean, and none holds a raw control,
bidi or invisible character. Export stays byte-faithful to a pipe and is made visible on a tty."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from support import permittui_exe, table_dump
from test_hostile_input import assert_clean_output

# ESC sequences (OSC title + bell, clear screen, 8-bit CSI), bidi override, zero-width, a line
# separator, a newline that would forge a line of output, a CR that would overwrite one.
HOSTILE = "X\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil\u200b\u2028\nFORGED LINE\rY"
IN_ARGV = HOSTILE  # argv cannot carry NUL; data can
IN_DATA = HOSTILE + "\x00nul\x7f"


def ok(r) -> None:
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert_clean_output(r.stdout + r.stderr)


def one_line_error(r, code: int) -> None:
    ok(r)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("permittui: "), r.stderr


@pytest.fixture
def hostile_db(db_path, tmp_path, cli) -> Path:
    """The fixture database plus a customer, request, decision and listed party full of hostile text."""
    customers = tmp_path / "hostile-customers.json"
    customers.write_text(
        json.dumps(
            {
                "customers": [
                    {
                        "id": "C-EVIL",
                        "name": "Evil " + IN_DATA,
                        "aliases": ["Evil"],
                        "country": "GB",
                        "sector": IN_DATA,
                        "vetting": "vetted",
                    }
                ]
            }
        )
    )
    requests = tmp_path / "hostile-requests.json"
    requests.write_text(
        json.dumps(
            {
                "requests": [
                    {
                        "id": "R-EVIL",
                        "kind": "access",
                        "customer": "C-EVIL",
                        "entries": ["AI.C.2.a"],
                        "end_use": IN_DATA,
                        "end_use_category": "authorised_penetration_testing",
                        "summary": IN_DATA,
                        "model": IN_DATA,
                        "submitted": "2026-11-01",
                        "assignee": "x" + IN_DATA[:20],
                    }
                ]
            }
        )
    )
    listed = tmp_path / "hostile-list.csv"
    one_line = HOSTILE.replace("\n", " ").replace("\r", " ")  # names are one line; the rest is as hostile
    listed.write_text(
        f'_id,source,name,alt_names\nL-1,"{one_line}","Evil {one_line}",Evil\nL-2,EL,Kestrel Red Team,\n',
        encoding="utf-8",
    )
    for kind, path in (("customers", customers), ("requests", requests), ("screening", listed)):
        r = cli("import", kind, str(path), db=db_path, officer="alice")
        assert r.returncode == 0, r.stderr
        ok(r)
    r = cli("decide", "R-EVIL", "request-info", "--note", IN_ARGV, db=db_path, officer="alice")
    assert r.returncode == 0, r.stderr
    ok(r)
    return db_path


# ── values from the data, through every output path ─────────────────────────────────────────


@pytest.mark.parametrize(
    "argv",
    [
        ("show", "R-EVIL"),
        ("show", "R-EVIL", "--json"),
        ("screen", "Evil"),
        ("screen", "Evil", "--json"),
        ("screen", "--hits"),
        ("screen", "--hits", "--json"),
        ("screen", "--hits", "--customer", "C-EVIL"),
        ("audit", "verify"),
        ("audit", "checkpoint"),
    ],
)
def test_hostile_data_is_shown_not_sent(argv, hostile_db, cli):
    r = cli(*argv, db=hostile_db, officer="bob")
    assert r.returncode == 0, r.stderr
    ok(r)


def test_show_keeps_a_newline_in_its_value_not_a_line_of_its_own(hostile_db, cli):
    out = cli("show", "R-EVIL", db=hostile_db, officer="bob").stdout
    assert "\nFORGED LINE" not in out  # each continuation is indented under its label
    assert "^[]0;pwned^G^[[2J" in out and "⟨U+202E⟩" in out


@pytest.mark.parametrize(
    "argv",
    [
        ("decide", "R-EVIL", "deny", "--reason", IN_ARGV),
        ("decide", "R-EVIL", "approve", "--condition", IN_ARGV, "--expect-version", "1"),
        ("decide", IN_ARGV, "approve"),
        ("decide", "R-EVIL", "refer", "--inspector", IN_ARGV, "--referral-days", "0"),
        ("countersign", "R-EVIL"),
        ("countersign", IN_ARGV),
        ("countersign", "R-EVIL", "--send-back", "--note", IN_ARGV),
        ("show", IN_ARGV),
        ("show", IN_ARGV, "--json"),
        ("disposition", "999", "cleared", "--reason", IN_ARGV),
        ("audit", "verify", "--checkpoint", IN_ARGV),
        ("import", IN_ARGV, "file"),
        ("export", IN_ARGV),
        ("decide", "R-EVIL", IN_ARGV),
    ],
)
def test_refusals_quoting_arguments_are_one_clean_line(argv, hostile_db, cli):
    before = table_dump(hostile_db)
    r = cli(*argv, db=hostile_db, officer="bob")
    one_line_error(r, r.returncode)
    assert r.returncode in (1, 2)
    assert table_dump(hostile_db) == before


def test_screening_a_hostile_name(hostile_db, cli):
    r = cli("screen", IN_ARGV, db=hostile_db, officer="bob")
    assert r.returncode == 0 and r.stdout.count("\n") >= 1, r.stderr
    ok(r)
    r = cli("screen", "N" * 100_000, db=hostile_db, officer="bob")  # cut, not printed whole
    assert r.returncode == 0 and len(r.stdout) < 3_000
    ok(r)


def test_a_hit_with_a_hostile_reason_in_show_and_hits(hostile_db, cli):
    hits = json.loads(cli("screen", "--hits", "--json", db=hostile_db, officer="bob").stdout)
    assert hits, "the hostile customer's name is on the list"
    r = cli("disposition", str(hits[0]["hit"]), "cleared", "--reason", IN_ARGV, db=hostile_db, officer="bob")
    assert r.returncode == 0, r.stderr
    ok(r)
    for argv in (("screen", "--hits"), ("show", "R-EVIL")):
        r = cli(*argv, db=hostile_db, officer="bob")
        assert r.returncode == 0, r.stderr
        ok(r)


# ── officer names ────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "name",
    [IN_ARGV, "bob\x1b[31m", "bob\u202e", "bob\u200b", "b\tob", "bob\nmallory", "o" * 101, "bob\udcff"],
)
@pytest.mark.parametrize("how", ["--officer", "PERMITTUI_OFFICER"])
def test_hostile_officer_names_are_refused(name, how, hostile_db, cli):
    before = table_dump(hostile_db)
    for argv in (("decide", "R-EVIL", "approve"), ("show", "R-EVIL"), ("screen", "--hits")):
        if how == "--officer":
            r = cli(*argv, db=hostile_db, officer=name)
        else:
            r = cli(*argv, db=hostile_db, env={"PERMITTUI_OFFICER": name})
        one_line_error(r, 2)
        assert "officer name" in r.stderr
    assert table_dump(hostile_db) == before


def test_a_plain_officer_name_in_another_script_is_fine(hostile_db, cli):
    r = cli("show", "R-EVIL", db=hostile_db, officer="Ōkafor Müller")
    assert r.returncode == 0, r.stderr


# ── file names and YAML keys ─────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("kind", ["customers", "requests", "schedule", "screening"])
def test_hostile_file_names(kind, tmp_path, cli, db_path):
    before = table_dump(db_path)
    name = tmp_path / f"list{IN_ARGV}.yaml"
    for path, content in ((name, None), (name, "customers: 5\n"), (Path(str(name) + "dir"), "dir")):
        if content == "dir":
            path.mkdir()
        elif content is not None:
            path.write_text(content)
        r = cli("import", kind, str(path), db=db_path, officer="alice")
        ok(r)
        assert r.returncode == 2 and "nothing imported" in r.stderr
        lines = r.stderr.rstrip("\n").split("\n")  # each problem one line, then the trailer
        assert 2 <= len(lines) <= 6 and all("list" in line for line in lines[:-1]), r.stderr
    r = cli("import", kind, str(tmp_path / "caf\udce9.yaml"), db=db_path, officer="alice")  # an undecodable byte
    one_line_error(r, 2)
    assert table_dump(db_path) == before


def test_hostile_yaml_keys_and_values_in_problems(tmp_path, cli, db_path):
    path = tmp_path / "keys.json"
    path.write_text(
        json.dumps(
            {
                "customers": [
                    {"id": "C-1", "name": "N", "country": "GB", "vetting": "vetted", IN_DATA: 1, ("K" * 150): 2},
                    {"id": IN_DATA, "name": "N", "country": IN_DATA, "vetting": IN_DATA},
                ]
            }
        )
    )
    before = table_dump(db_path)
    r = cli("import", "customers", str(path), db=db_path, officer="alice")
    ok(r)
    assert r.returncode == 2 and "unknown field" in r.stderr and "is not a valid id" in r.stderr
    assert all(len(line) <= 420 for line in r.stderr.split("\n"))  # each problem cut to a line's length
    assert table_dump(db_path) == before


# ── init, generate, the database path ────────────────────────────────────────────────────────


def test_init_and_generate_messages_quote_the_path_safely(tmp_path, cli):
    db = tmp_path / f"db{IN_ARGV}.sqlite"
    r = cli("init", db=db, officer="alice")
    assert r.returncode == 0 and "created" in r.stdout, r.stderr
    ok(r)
    r = cli("init", db=db, officer="alice")  # already there
    one_line_error(r, r.returncode)
    r = cli("generate", "--requests", "20", db=tmp_path / f"gen{IN_ARGV}.db", officer="alice")
    assert r.returncode == 0, r.stderr
    ok(r)
    r = cli("generate", "--requests", "20", db=tmp_path / f"gen{IN_ARGV}.db", officer="alice")  # exists
    one_line_error(r, 1)
    r = cli("show", "R-1", db=tmp_path / f"none{IN_ARGV}.db", officer="alice")
    one_line_error(r, r.returncode)
    garbage = tmp_path / f"garbage{IN_ARGV}.db"
    garbage.write_bytes(b"not a database\x1b[2J" * 100)
    r = cli("show", "R-1", db=garbage, officer="alice")
    one_line_error(r, r.returncode)


def test_a_bug_is_one_line_not_a_traceback(db_path, cli, monkeypatch):
    from permittui.cli import commands

    def broken(args):
        raise RuntimeError("boom " + IN_DATA)

    monkeypatch.setattr(commands, "cmd_show", broken)
    r = cli("show", "R-1", db=db_path, officer="alice")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert_clean_output(r.stderr)
    assert "internal error (RuntimeError: boom" in r.stderr and "PERMITTUI_DEBUG" in r.stderr


# ── export: faithful to a pipe, visible on a terminal ───────────────────────────────────────


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_to_a_pipe_is_faithful(fmt, hostile_db, cli):
    r = cli("export", "requests", "--format", fmt, db=hostile_db, officer="bob")
    assert r.returncode == 0, r.stderr
    if fmt == "json":
        rows = json.loads(r.stdout)
        assert next(x for x in rows if x["id"] == "R-EVIL")["end_use"] == IN_DATA.strip()
    else:
        assert "\x1b]0;pwned\x07" in r.stdout  # the bytes as stored: a pipe or file gets the data


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the installed command with stdout and stderr on a pseudo-terminal; its exit code and output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [permittui_exe(), *argv], stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env={**os.environ, **env}
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # the child has gone and closed its side
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=10), b"".join(chunks).decode("utf-8", "backslashreplace")


@pytest.mark.parametrize("what,fmt", [("requests", "csv"), ("requests", "json"), ("audit", "json"), ("audit", "csv")])
def test_export_to_a_terminal_makes_control_characters_visible(what, fmt, hostile_db):
    code, out = _on_a_terminal(
        ["export", what, "--format", fmt, "--db", str(hostile_db), "--officer", "bob"],
        {"PERMITTUI_TODAY": "2026-11-22"},
    )
    assert code == 0, out
    text = out.replace("\r\n", "\n")  # the terminal's own line ends
    assert_clean_output(text)
    assert "^[]0;pwned^G" in text or "\\u001b]0;pwned" in text
