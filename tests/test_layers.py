"""domain and store are the headless core: importing them must not pull in Textual."""

import subprocess
import sys

CORE = ["permittui.domain.models", "permittui.domain.validate", "permittui.domain.rules.classify",
        "permittui.domain.rules.clock", "permittui.domain.lifecycle", "permittui.domain.screening",
        "permittui.store", "permittui.store.imports", "permittui.store.decisions", "permittui.store.findings",
        "permittui.store.export", "permittui.store.demo", "permittui.cli", "permittui.cli.commands"]


def test_core_imports_without_textual():
    code = ("import sys\n" + "".join(f"import {m}\n" for m in CORE) +
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_textual_import_statements_in_core():
    from pathlib import Path

    import permittui

    root = Path(permittui.__file__).parent
    for layer in ("domain", "store"):
        for py in (root / layer).rglob("*.py"):
            text = py.read_text()
            assert "import textual" not in text and "from textual" not in text, py
