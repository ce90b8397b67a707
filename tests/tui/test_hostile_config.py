"""The console survives its inputs: a hostile config.yaml, hostile theme files and names, filter
values out of range. Each is a notice (or a refusal on the filter line), never a crash: the
console keeps running, keys still work, and nothing raw reaches the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from console_helpers import drive, screen_text, settle

from permittui.text import clean
from permittui.tui.config import Config, load_config

RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u200b", "\x00")


def _check_screen(text: str) -> None:
    for ch in RAW:
        assert ch not in text, repr(ch)


def _run(db: Path, config: Config | None = None, theme: str | None = None, keys: tuple[str, ...] = ("j", "k")):
    """Open the console, press a few keys, open help; what it said and showed, and whether it still runs."""

    async def script(app, pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        first = screen_text(app)
        await pilot.press("question_mark")
        await settle(pilot)
        return app.is_running, list(app.messages), first + "\n" + screen_text(app), app.theme

    return drive(db, script, size=(120, 40), config=config, theme=theme)


def _config(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "config" / "permittui" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


CONFIGS = {
    "deep block": "keymap:\n" + "".join("  " * i + "- \n" for i in range(1, 3_000)),
    "deep flow": "keymap: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep flow mapping": "keymap: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
    "alias bomb": (
        'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nkeymap: {decide.deny: *d}\n"
    ),
    "python tag": "theme: !!python/object/apply:os.system ['touch pwned']\n",
    "theme a list": "theme: [1, 2]\n",
    "theme a mapping": "theme: {name: x}\n",
    "theme not a name": 'theme: "\\e[31mred \\u202e"\n',
    "theme a huge number": "theme: " + "9" * 5_000 + "\n",
    "keymap a number": "keymap: 5\n",
    "keymap a list": "keymap: [a, b]\n",
    "key true": "keymap: {decide.deny: yes}\n",
    "key a mapping": "keymap: {decide.deny: {a: 1}}\n",
    "key null": "keymap: {decide.deny: ~}\n",
    "key with ESC": 'keymap: {decide.deny: "\\e[31m"}\n',
    "key with markup": 'keymap: {decide.deny: "[@click=app.bell]b[/]"}\n',
    "key with a space": 'keymap: {decide.deny: "a b"}\n',
    "key half a chord": 'keymap: {decide.deny: "ctrl+"}\n',
    "key far too long": "keymap: {decide.deny: " + "x" * 500 + "}\n",
    "key in a list of odd things": "keymap: {decide.deny: [x, [y], {z: 1}]}\n",
    "unknown action": 'keymap: {"no.such\\e]0;t\\a": x}\n',
    "unknown action a number": "keymap: {12: x}\n",
    "bound twice": "keymap: {decide.deny: a}\n",
    "a top-level list": "- theme\n- keymap\n",
    "two documents": "theme: x\n---\ntheme: y\n",
    "megabyte scalar": "theme: " + "a" * 1_000_000 + "\n",
}


# The console only ever sees the Config that load_config returns: each case is checked there,
# and the console is opened on those whose values would reach the screen or the bindings.
ON_SCREEN = {"key with ESC", "key with markup", "theme not a name", "unknown action", "alias bomb", "deep flow"}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_hostile_config_is_a_notice(case, db, tmp_path):
    path = _config(tmp_path, CONFIGS[case])
    cfg = load_config(path)
    assert cfg.problems, "each of these is worth a notice"
    assert cfg.theme is None and all(k == "decide.deny" and v == "a" for k, v in cfg.keymap.items())
    for p in cfg.problems:
        assert len(p) < 2_000
    assert not (tmp_path / "pwned").exists()
    if case in ON_SCREEN:
        running, messages, text, theme = _run(db, cfg)
        assert running and messages and theme == "permittui-dark"
        _check_screen(text)


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 8, "theme: caf\xe9\n".encode("latin-1"), b"theme: a\x00b\n", b"\xef\xbb\xbftheme: \x1b[2J\n"],
)
def test_binary_or_broken_config_is_a_notice(content, db, tmp_path):
    cfg = load_config(_config(tmp_path, content))
    assert cfg.problems and not cfg.keymap and cfg.theme is None
    running, messages, text, _ = _run(db, cfg)
    assert running and any("can't read it" in m for m in messages)
    _check_screen(text)


def test_config_that_is_no_file_is_a_notice(db, tmp_path):
    path = tmp_path / "config" / "permittui" / "config.yaml"
    path.mkdir(parents=True)
    assert load_config(path).problems
    big = _config(tmp_path / "big", "theme: permittui-light\n" + "#" * 300_000 + "\n")
    assert any("over the" in p for p in load_config(big).problems)
    fifo = tmp_path / "fifo" / "config.yaml"
    fifo.parent.mkdir()
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    assert any("not a regular file" in p for p in load_config(fifo).problems)


def test_good_keys_still_bind(db, tmp_path):
    cfg = load_config(_config(tmp_path, "keymap:\n  decide.deny: x\n  move.down: [j, down, ctrl+n]\n  app.help: f1\n"))
    assert cfg.keymap == {"decide.deny": "x", "move.down": "j,down,ctrl+n", "app.help": "f1"} and not cfg.problems


# ── themes ───────────────────────────────────────────────────────────────────────────────────

THEMES = {
    "name with a space": "name: 'a b.c'\ncolours: {primary: '#ff0000'}\n",
    "name with markup": "name: '[b]x'\ncolours: {primary: '#ff0000'}\n",
    "name with ESC": 'name: "t\\e[31m"\ncolours: {primary: "#ff0000"}\n',
    "name a number": "name: 5\ncolours: {primary: '#ff0000'}\n",
    "no colours": "name: t\n",
    "colour not a colour": "name: t\ncolours: {primary: nope}\n",
    "colour a list": "name: t\ncolours: {primary: [1]}\n",
    "colour key unknown": "name: t\ncolours: {primary: '#fff', 'x\\e[2J': '#fff'}\n",
    "variable breaking CSS": (
        "name: t\ncolours: {primary: '#fff'}\nvariables: {footer-key-foreground: '}; Screen { display: none'}\n"
    ),
    "variable name odd": "name: t\ncolours: {primary: '#fff'}\nvariables: {'a b': red}\n",
    "variables a list": "name: t\ncolours: {primary: '#fff'}\nvariables: [a]\n",
    "dark not a flag": "name: t\ndark: maybe\ncolours: {primary: '#fff'}\n",
    "alias bomb": "a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nname: t\ncolours: {primary: '#fff'}\n",
    "deep": "name: t\ncolours: {primary: '#fff'}\nvariables: " + "[" * 100_000 + "\n",
    "binary": bytes(range(256)) * 8,
    "not a mapping": "- t\n",
    "empty": "",
}


THEMES_ON_SCREEN = {"name with a space", "name with ESC", "variable breaking CSS", "binary"}


@pytest.mark.parametrize("case", sorted(THEMES))
def test_hostile_user_theme_is_a_notice(case, db, tmp_path):
    from permittui.tui.themes import load_themes

    themes = tmp_path / "config" / "permittui" / "themes"
    themes.mkdir(parents=True)
    content = THEMES[case]
    path = themes / "evil.yaml"
    path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    found, problems = load_themes(themes)
    assert "t" not in {t.name for t in found} and any("evil.yaml" in p for p in problems), problems
    if case in THEMES_ON_SCREEN:  # what the console does with them after its first frame
        running, messages, text, theme = _run(db, theme=None)
        assert running and theme == "permittui-dark"
        assert any("evil.yaml" in m for m in messages), messages
        _check_screen(text)
        for m in messages:
            assert clean(m, keep_newlines=False) == m


@pytest.mark.parametrize("name", ["a b", "t\x1b[31m", "x" * 1_000, "[b]x[/b]", "../../etc/passwd", "", "\u202e"])
def test_hostile_theme_names_are_a_notice(name, db, tmp_path):
    themes = tmp_path / "config" / "permittui" / "themes"
    themes.mkdir(parents=True)
    (themes / "mine.yaml").write_text("name: mine\ncolours: {primary: '#ff0000'}\n")
    os.mkfifo(themes / "fifo.yaml")  # never opened for reading: it is not a regular file
    running, messages, text, theme = _run(db, theme=name)
    assert running and theme == "permittui-dark"
    if name:
        assert any("no theme" in m for m in messages), messages
    _check_screen(text)


def test_config_theme_name_not_an_identifier(db, tmp_path):
    cfg = load_config(_config(tmp_path, 'theme: "a b"\n'))
    assert cfg.theme is None and cfg.problems
    running, _, _, theme = _run(db, cfg)
    assert running and theme == "permittui-dark"


# ── filter values ────────────────────────────────────────────────────────────────────────────

BAD_FILTERS = [
    "due:<99999999999d",
    "due:<" + "9" * 5_000 + "d",
    "due:>-99999999999d",
    "due:<36501d",
    "due:<٣d",  # Arabic-Indic digits
    "due:<0000-01-01",
    "due:<2026-02-30",
    'customer:"unclosed',
    "status:" + ",".join(["pending"] * 50),
    " ".join(f"acme{i}" for i in range(50)),
    "x" * 5_000,
    "nofield:x",
    "!",
    "kind:\x1b[31m",
    "flag:\u202e",
]
GOOD_FILTERS = ["due:<-5d", "due:>=-36500d", "due:<36500d", "due:<9999-12-31", "cap:%", "cap:AI..", "cap:_", "cap:'"]


def test_filter_out_of_range_is_a_notice(db):
    async def script(app, pilot):
        await settle(pilot)
        out = []
        for text in BAD_FILTERS:
            before = len(app.messages)
            applied = app.apply_filter(text)
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
            out.append((text, applied, app.messages[before:], app.is_running, screen_text(app)))
        return out

    for text, applied, messages, running, on_screen in drive(db, script):
        assert running and not applied and messages, text
        _check_screen(on_screen)
        for m in messages:
            assert clean(m, keep_newlines=False) == m and len(m) < 2_000


def test_filter_edges_that_are_fine(db):
    async def script(app, pilot):
        await settle(pilot)
        out = []
        for text in GOOD_FILTERS:
            applied = app.apply_filter(text)
            await settle(pilot)
            await pilot.press("j", "k")
            await settle(pilot)
            out.append((text, applied, app.is_running))
        return out

    assert drive(db, script) == [(text, True, True) for text in GOOD_FILTERS]


def test_filter_typed_into_the_line(db):
    async def script(app, pilot):
        await settle(pilot)
        await pilot.press("slash", *"due:<99999999999d", "enter")
        await settle(pilot)
        return app.is_running, app.messages

    running, messages = drive(db, script)
    assert running and any("due:" in m for m in messages)
