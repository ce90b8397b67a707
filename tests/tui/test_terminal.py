"""The installed `permittui` command in a real terminal (tmux): open, move, deny by keys, quit."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from console_db import TODAY

TMUX = shutil.which("tmux")
COMMAND = Path(sys.executable).with_name("permittui")


SOCKET = f"permittui-test-{os.getpid()}"  # a tmux server of its own: never the user's, never another run's


def _tmux(*args: str) -> str:
    return subprocess.run([TMUX, "-L", SOCKET, *args], capture_output=True, text=True, check=True).stdout


def _wait_for(session: str, needle: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if needle in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared; the screen was:\n{screen}")


@pytest.mark.skipif(TMUX is None or not COMMAND.exists(), reason="needs tmux and the installed command")
def test_installed_command_denies_a_request_by_keys_alone(db, tmp_path):
    session = f"permittui-test-{uuid.uuid4().hex[:8]}"
    env = {
        "PERMITTUI_TODAY": TODAY,
        "PERMITTUI_OFFICER": "carol",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    command = f"env -i {exports} {COMMAND} --db {db}; echo EXIT=$?; sleep 30"
    _tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    try:
        _wait_for(session, "5 open requests")
        _tmux("send-keys", "-t", session, "j")  # REQ-002
        _wait_for(session, "REQ-002  access  pending")  # the detail followed the cursor
        _tmux("send-keys", "-t", session, "d")
        _wait_for(session, "Deny REQ-002")
        _tmux("send-keys", "-t", session, "2")  # EVAL-THRESHOLD-CROSSED
        _wait_for(session, "[x] 2")
        _tmux("send-keys", "-t", session, "Enter")
        _wait_for(session, "4 open requests")
        _tmux("send-keys", "-t", session, "q")
        screen = _wait_for(session, "EXIT=")
        assert "EXIT=0" in screen and "Traceback" not in screen
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-server"], capture_output=True)
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT request_id, outcome, reasons, officer FROM decisions").fetchall()
    status = conn.execute("SELECT status FROM requests WHERE id = 'REQ-002'").fetchone()[0]
    conn.close()
    assert [(r[0], r[1], json.loads(r[2]), r[3]) for r in rows] == [
        ("REQ-002", "deny", ["EVAL-THRESHOLD-CROSSED"], "carol")
    ]
    assert status == "denied"


@pytest.mark.skipif(not COMMAND.exists(), reason="needs the installed command")
def test_installed_command_on_a_missing_database_is_one_line(tmp_path):
    out = subprocess.run(
        [str(COMMAND), "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
        timeout=60,
    )
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
