"""The one sanitiser: control, bidi and invisible characters become visible, nothing else changes."""

from permittui.text import clean, one_line


def test_plain_and_markup_like_text_unchanged():
    for s in ("Acme [Holdings] Ltd", "[@click=app.quit]click[/]", "[/x]", "Škoda Digital s.r.o.", "데이터 연구소"):
        assert clean(s) == s


def test_escape_sequences_are_made_visible():
    assert clean("\x1b[2J\x1b]0;pwned\x07") == "^[[2J^[]0;pwned^G"
    assert "\x1b" not in clean("\x1b]52;c;ZXZpbA==\x07")


def test_c1_nul_and_del():
    assert clean("a\x00b\x7fc\x9bd") == "a^@b⟨U+007F⟩c⟨U+009B⟩d"


def test_bidi_and_zero_width_made_visible():
    s = clean("invoice\u202egnp.exe\u200b")
    assert "\u202e" not in s and "\u200b" not in s
    assert "⟨U+202E⟩" in s and "⟨U+200B⟩" in s


def test_one_line_folds_newlines_and_truncates():
    assert one_line("a\nb\r\nc") == "a b c"
    assert one_line("abcdef", 4) == "abc…"
    assert one_line("x\ry") == "x^My"
