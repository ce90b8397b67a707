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


def _code_points(pattern: str) -> set[int]:
    import regex

    match = regex.compile(pattern).match
    return {c for c in range(0x110000) if match(chr(c))}


def test_the_class_is_unicodes_invisible_and_control_characters():
    # Checked against the Unicode properties of `regex`: a newer Unicode that adds a format or
    # ignorable character fails here instead of slipping through.
    import re

    from permittui import text

    invisible = _code_points(f"[{text.INVISIBLE}]")
    assert invisible == _code_points(r"\p{Default_Ignorable_Code_Point}") | (
        _code_points(r"\p{Cf}") - _code_points(r"\p{Prepended_Concatenation_Mark}")
    )
    unsafe = {c for c in range(0x110000) if re.match(text.UNSAFE_CLASS, chr(c))}
    expected = _code_points(r"[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Cs}]") - {0x09, 0x0A}
    assert unsafe == expected


def test_every_invisible_character_is_made_visible():
    cases = {
        "\u00ad": "SOFT HYPHEN",
        "\u034f": "COMBINING GRAPHEME JOINER",
        "\u115f": "HANGUL CHOSEONG FILLER",
        "\u1160": "HANGUL JUNGSEONG FILLER",
        "\u3164": "HANGUL FILLER",
        "\uffa0": "HALFWIDTH HANGUL FILLER",
        "\u180b": "MONGOLIAN FREE VARIATION SELECTOR ONE",
        "\u180e": "MONGOLIAN VOWEL SEPARATOR",
        "\u17b4": "KHMER VOWEL INHERENT AQ",
        "\ufe00": "VARIATION SELECTOR-1",
        "\ufe0f": "VARIATION SELECTOR-16",
        "\U000e0100": "VARIATION SELECTOR-17",
        "\U000e01ef": "VARIATION SELECTOR-256",
        "\U000e0041": "TAG LATIN CAPITAL LETTER A",
        "\U000e0001": "LANGUAGE TAG",
        "\U000e007f": "CANCEL TAG",
        "\u2028": "LINE SEPARATOR",
        "\u2029": "PARAGRAPH SEPARATOR",
        "\x85": "NEL",
        "\ufff9": "INTERLINEAR ANNOTATION ANCHOR",
        "\ufffb": "INTERLINEAR ANNOTATION TERMINATOR",
        "\u2060": "WORD JOINER",
        "\u2064": "INVISIBLE PLUS",
        "\u2066": "LEFT-TO-RIGHT ISOLATE",
        "\u061c": "ARABIC LETTER MARK",
        "\u200c": "ZERO WIDTH NON-JOINER",
        "\u200d": "ZERO WIDTH JOINER",
        "\U0001d173": "MUSICAL SYMBOL BEGIN BEAM",
        "\U0001bca0": "SHORTHAND FORMAT LETTER OVERLAP",
        "\U00013430": "EGYPTIAN HIEROGLYPH VERTICAL JOINER",
        "\ud800": "a lone surrogate",
    }
    for ch, what in cases.items():
        for s in (f"le{ch}thal", f"{ch}lethal", f"lethal{ch}", f"é{ch}", f"{ch}"):
            shown = clean(s)
            assert ch not in shown and f"⟨U+{ord(ch):04X}⟩" in shown, what
            assert ch not in one_line(s), what


def test_newlines_tabs_and_carriage_returns_as_before():
    assert clean("a\nb") == "a\nb" and clean("a\tb") == "a    b" and clean("a\rb") == "a^Mb"
    assert one_line("a\u2028b\nc") == "a⟨U+2028⟩b c"


def test_plain_text_in_any_script_is_unchanged():
    for s in (
        "Москва, улица Тверская",
        "Η εταιρεία αναπτύσσει",
        "الذكاء الاصطناعي",
        "בינה מלאכותית",
        "कृत्रिम बुद्धि",
        "人工知能の研究　２０２４年",
        "인공지능 연구소",
        "“Quotes” — dashes… ﬁne",
    ):
        assert clean(s) == s


def test_emoji_presentation_selectors_and_joiners_pass_inside_emoji_only():
    # VS15/VS16 after a pictograph and ZWJ between pictographs only choose how an emoji is drawn or
    # join one emoji sequence: the picture is the text. Elsewhere they hide things, so they show.
    for s in (
        "❤️",
        "☺︎",
        "👍🏽",
        "👩\u200d👩\u200d👧",
        "👩🏽\u200d💻",
        "🏳️\u200d🌈",
        "❤️\u200d🔥",
        "🧑\u200d🤝\u200d🧑",
        "1️⃣ #️⃣",
        "🇫🇷",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
        "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",
    ):
        assert clean(s) == s, s
    for s, shown in (
        ("le\ufe0fthal", "le⟨U+FE0F⟩thal"),
        ("le\u200dthal", "le⟨U+200D⟩thal"),
        ("❤\u200dlethal", "❤⟨U+200D⟩lethal"),
        ("lethal\u200d❤", "lethal⟨U+200D⟩❤"),
        ("\ufe0f", "⟨U+FE0F⟩"),
        ("1\ufe0f", "1⟨U+FE0F⟩"),
        ("❤\U000e0100", "❤⟨U+E0100⟩"),  # VS17+ are no emoji selectors
        ("❤\U000e0041", "❤⟨U+E0041⟩"),
        ("🏴\U000e0061\U000e0062\U000e007f", "🏴⟨U+E0061⟩⟨U+E0062⟩⟨U+E007F⟩"),
        (
            "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e0068\U000e007f",
            "🏴" + "".join(f"⟨U+{c:04X}⟩" for c in (0xE0067, 0xE0062, 0xE0065, 0xE006E, 0xE0067, 0xE0068, 0xE007F)),
        ),
    ):
        assert clean(s) == shown, s


def test_json_escapes_the_same_class_and_round_trips():
    import json

    from permittui.cli.show import safe_json

    data = {"end_use": "le\u200bthal \U000e0041\U000e0042 \u3164 \ufe0f \x85\u2028\u2029\ud800 ❤️ \x1b[31m"}
    out = safe_json(data)
    assert json.loads(out) == data
    assert all(ch == "\n" or ch.isprintable() and ch not in "\u3164\ufe0f" for ch in out)
    assert safe_json({"a": "plain ✓ Škoda"}) == json.dumps({"a": "plain ✓ Škoda"}, indent=2, ensure_ascii=False)
