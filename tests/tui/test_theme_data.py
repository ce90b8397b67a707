"""The shipped themes reach the first frame as Python data (theme_data.py, generated from
themes/*.yaml): the data must stay what the YAML files say, and a user's file still wins."""

from __future__ import annotations

from pathlib import Path

from permittui.tui import themes
from permittui.tui.theme_data import BUILTIN


def test_theme_data_is_what_the_yaml_files_say():
    assert BUILTIN == themes.builtin_data(), "run: python -m permittui.tui.themes > src/permittui/tui/theme_data.py"
    assert Path(themes.__file__).with_name("theme_data.py").read_text(encoding="utf-8") == themes.generate()


def test_a_shipped_theme_loads_without_yaml_and_equals_its_file(tmp_path):
    for name in BUILTIN:
        from_data = themes.load_theme(name, extra_dir=tmp_path)
        from_file = next(t for t in themes.load_themes(tmp_path)[0] if t.name == name)
        assert from_data == from_file


def test_a_user_file_with_a_shipped_name_replaces_it(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        'name: permittui-dark\ndark: true\ncolours: {primary: "#ff0000"}\n', encoding="utf-8"
    )
    assert themes.load_theme("permittui-dark", extra_dir=tmp_path).primary == "#ff0000"
    assert themes.load_theme("permittui-light", extra_dir=tmp_path).primary != "#ff0000"
    assert themes.load_theme("no-such-theme", extra_dir=tmp_path) is None


def test_the_console_module_loads_no_yaml_parser_and_no_decision_path():
    # PyYAML alone cost the first frame ~25 ms; the decision path is imported at the first decision.
    import subprocess
    import sys

    code = (
        "import sys, permittui.cli, permittui.tui.app; "
        "print(sorted(m for m in ('yaml', 'permittui.store.decisions', 'permittui.tui.dialogs') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
