"""matchform.inspect(): why a text can't be read plainly, word by word (Unicode TS #39's mixed-script
and confusable checks, with the invisible characters and styled letters of this regime's tricks)."""

from __future__ import annotations

import re
import unicodedata

from permittui.domain.matchform import TextIssue, match_form
from permittui.domain.unicode_data import SCRIPTS, script_extensions, tables
from permittui.text import UNSAFE_CLASS, clean, in_emoji_sequence

_UNSAFE = re.compile(UNSAFE_CLASS)
_PLAIN_SPACE = "\t\n\r"
_WILDCARD = frozenset({"Zyyy", "Zinh"})
# Scripts whose letters pass for Latin ones: a joiner between two of their letters only hides things.
_LOOKALIKE = frozenset({"Latn", "Grek", "Cyrl", "Armn", "Cher", "Zyyy", "Zinh"})
_CJK = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo"})
# TS #39 "highly restrictive": Han with kana is Japanese, Han with Hangul Korean, with Bopomofo
# Chinese: one writing system each, and each may have Latin in the same word.
_AUGMENT = {
    "Hani": ("Jpan", "Kore", "Hanb"),
    "Hira": ("Jpan",),
    "Kana": ("Jpan",),
    "Hang": ("Kore",),
    "Bopo": ("Hanb",),
}
_STYLED_TAGS = ("<font>", "<circle>", "<wide>", "<super>", "<sub>", "<square>", "<compat>")
_ASCII_SCRIPTS = {c: frozenset({"Latn"} if c.isalpha() else {"Zyyy"}) for c in map(chr, range(128))}
_ORTHOGRAPHIC = range(0x00C0, 0x0250)  # Latin-1 Supplement, Latin Extended-A and -B: for languages


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '(unnamed)')}"


def _quoted(word: str) -> str:
    return "'" + clean(word, keep_newlines=False) + "'"


def _script_name(code: str) -> str:
    return SCRIPTS.get(code, "an unknown script").replace("_", " ")


class _Text:
    """The text with what its checks ask of every word: where its letters are, its scripts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.symbols = tables().symbol_reading if not text.isascii() else {"|": "l"}
        latin = cjk = letters = fullwidth = 0
        for ch in text:
            if ch.isascii():
                if ch.isalpha():
                    latin += 1
                    letters += 1
                continue
            if not unicodedata.category(ch).startswith("L"):
                continue
            letters += 1
            scx = script_extensions(ch)
            if "Latn" in scx:
                latin += 1
                fullwidth += "\uff21" <= ch <= "\uff5a"
            elif scx & _CJK:
                cjk += 1
        self.mostly_latin = latin * 2 > letters
        self.cjk = cjk > 0 and cjk >= latin - fullwidth

    def in_word(self, ch: str) -> bool:
        cat = unicodedata.category(ch)
        if cat[0] in "LMN" or ch in self.symbols:
            return True
        if ch in _PLAIN_SPACE or ch == " ":
            return False
        if _UNSAFE.match(ch):
            return True
        if cat == "So":  # letters styled as symbols: Ⓐ ⒜ 🄰 🅐, and the regional indicators
            return ord(ch) in tables().fold or any(c.isalpha() for c in unicodedata.normalize("NFKC", ch))
        return False

    def runs(self) -> list[tuple[int, int]]:
        out, start = [], None
        for i, ch in enumerate(self.text):
            if self.in_word(ch):
                if start is None:
                    start = i
            elif start is not None:
                out.append((start, i))
                start = None
        if start is not None:
            out.append((start, len(self.text)))
        return out


def _hidden(t: _Text, i: int) -> bool:
    """Whether text[i] is an invisible or control character not doing a legitimate job there."""
    s, ch = t.text, t.text[i]
    if ch in _PLAIN_SPACE or not _UNSAFE.match(ch):
        return False
    if in_emoji_sequence(s, i):
        return False
    before, after = s[i - 1 : i], s[i + 1 : i + 2]
    if ch in "\u200c\u200d" and before and after:  # joiners in Arabic, Indic, ... words
        if unicodedata.category(before)[0] in "LM" and unicodedata.category(after)[0] in "LM":
            if (script_extensions(before) & script_extensions(after)) - _LOOKALIKE:
                return False
    if before and ("\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"):
        if "Hani" in script_extensions(before):  # an ideographic variation sequence (a name's kanji)
            return False
    if before and ch in "\u180b\u180c\u180d\u180f" and "Mong" in script_extensions(before):
        return False  # Mongolian free variation selectors choose a letter's form
    return True


def _invisible_issue(t: _Text, start: int, end: int, hidden: list[int]) -> TextIssue:
    word = t.text[start:end]
    chars = tuple(dict.fromkeys(_describe(t.text[i]) for i in hidden))
    if len(hidden) == end - start:
        where = "between words"
    elif all(i in (start, end - 1) for i in hidden):
        where = f"next to the word {_quoted(word)}"
    else:
        where = f"inside the word {_quoted(word)}"
    noun = "invisible character" if len(chars) == 1 else "invisible characters"
    return TextIssue("invisible", clean(word), start, chars, "", f"{noun} {', '.join(chars)} {where}")


def _scripts(letters: str) -> tuple[frozenset[str], dict[str, int]]:
    """The word's resolved script set (TS #39, with CJK's combined writing systems) and the count
    of its letters in each script."""
    resolved: set[str] | None = None
    counts: dict[str, int] = {}
    for ch in letters:
        scx = _ASCII_SCRIPTS.get(ch) if ch.isascii() else script_extensions(ch)
        if scx <= _WILDCARD:
            continue
        for code in scx:
            counts[code] = counts.get(code, 0) + 1
        augmented = set(scx)
        for code in scx:
            augmented.update(_AUGMENT.get(code, ()))
        resolved = augmented if resolved is None else resolved & augmented
    return frozenset(resolved if resolved is not None else {"Zyyy"}), counts


def _allowed_mix(letters: str, counts: dict[str, int]) -> bool:
    non_latin = "".join(ch for ch in letters if "Latn" not in script_extensions(ch))
    if "Latn" in counts and non_latin and _scripts(non_latin)[0] & {"Jpan", "Kore", "Hanb"}:
        return True  # Latin inside a Japanese, Korean or Chinese run: "ＡＩ技術", "iPhoneを"
    # Scientific notation: a Greek letter or two in a short Latin word ("μg", "Aβ42", "κB", "TNFα")
    return set(counts) <= {"Latn", "Grek"} and counts.get("Latn", 0) <= 3 and counts.get("Grek", 0) <= 2


def _mixed_issue(word: str, start: int, letters: str, counts: dict[str, int]) -> TextIssue:
    major = max(counts, key=lambda code: (counts[code], code == "Latn"))
    odd = [ch for ch in letters if not script_extensions(ch) <= _WILDCARD and major not in script_extensions(ch)]
    minor = sorted({code for ch in odd for code in script_extensions(ch)} - _WILDCARD)
    chars = tuple(dict.fromkeys(_describe(ch) for ch in odd))
    names = " and ".join(_script_name(code) for code in minor)
    message = f"the word {_quoted(word)} mixes {names} and {_script_name(major)} ({', '.join(chars)})"
    return TextIssue("mixed_script", clean(word), start, chars, match_form(word), message)


def _technical_latin(ch: str) -> bool:
    # Letters of no language's alphabet: phonetic and small-capital letters, medievalist forms, click
    # letters. An alphabet's letter (ø ł đ ı ß) is cased and it or its partner in case lies in the
    # Latin blocks for languages.
    if "SMALL CAPITAL" in unicodedata.name(ch, ""):
        return True
    if unicodedata.category(ch) not in ("Lu", "Ll", "Lt"):
        return True
    partners = {ch.upper(), ch.lower()} - {ch}
    return not partners or not any(ord(c) in _ORTHOGRAPHIC for p in partners | {ch} for c in p)


def _plain(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", ch).casefold())
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def _styled(ch: str, t: _Text, word: str) -> bool:
    decomposition = unicodedata.decomposition(ch)
    tag = decomposition.split(" ", 1)[0] if decomposition.startswith("<") else ""
    if tag not in _STYLED_TAGS:
        return unicodedata.name(ch, "").startswith("NEGATIVE ") and ord(ch) in tables().fold
    reading = unicodedata.normalize("NFKC", ch)
    if tag == "<compat>":  # ⒜, and ⅼ (a Roman numeral) among letters; ligatures (ﬁ) are plain
        if unicodedata.category(ch) == "Nl":
            return reading.isascii() and reading.isalpha() and any(c.isalpha() and c.isascii() for c in word)
        return len(reading) == 3 and reading[0] == "(" and reading[1].isascii() and reading[1].isalpha()
    if not (reading.isascii() and reading.isalpha()):
        return False
    if tag == "<wide>":
        return not t.cjk  # fullwidth Latin belongs in Japanese and Chinese text
    if tag in ("<super>", "<sub>"):
        return unicodedata.category(ch) in ("Lm", "Ll")  # ᵃ ₐ ⁿ; not ™, nor the ordinals º ª
    return tag != "<square>" or len(reading) == 1


def _look_alikes(t: _Text, word: str, offset: int) -> list[tuple[int, str]]:
    """(index in word, char) of the characters that read as other letters than they are."""
    found = []
    letters = sum(ch.isalpha() for ch in word)
    for k, ch in enumerate(word):
        before, after = word[k - 1 : k] if k else "", word[k + 1 : k + 2]
        if ch in t.symbols:  # '|ethal', 'autonom○us'; not '8×H100'
            near = before + after
            if any(c.isalpha() for c in near) and not any(c.isdigit() for c in near):
                found.append((k, ch))
        elif ch in "01":  # '1ethal', 'aut0n0m0us', 'letha1'; not 'H1N1', 'COVID19', 'Win10', '1st'
            if letters >= 4 and not before.isdigit() and not after.isdigit() and (before + after).isalpha():
                found.append((k, ch))
        elif not ch.isascii() and ch.isalpha() and "Latn" in script_extensions(ch):
            reading = match_form(ch)
            if reading != _plain(ch) and reading.isascii() and reading.isalpha() and _technical_latin(ch):
                found.append((k, ch))
    return found


def _stacked_marks(word: str, before: str) -> list[str]:
    """Combining marks that compose with no letter of a Latin-like script ("z̴a̵l̸g̷o", "l\u0334"): an
    accent that has its precomposed letter (é, ệ, й) is spelling, the rest is noise over the word.
    `before` is the character before the word (a keycap's digit or #)."""
    found, base = [], before
    for ch in unicodedata.normalize("NFC", word):
        if not unicodedata.category(ch).startswith("M"):
            base = ch
        elif ch == "\u20e3" and base in "0123456789#*":
            continue  # a keycap: 1️⃣
        elif not base or not base.isalpha() or script_extensions(base) & _LOOKALIKE:
            found.append(ch)
    return found


def issues(text: str) -> list[TextIssue]:
    t = _Text(text)
    out: list[TextIssue] = []
    for start, end in t.runs():
        hidden = [i for i in range(start, end) if _hidden(t, i)]
        if hidden:
            out.append(_invisible_issue(t, start, end, hidden))
        word = "".join(ch for ch in text[start:end] if not _UNSAFE.match(ch))
        if not word:
            continue
        letters = "".join(ch for ch in word if unicodedata.category(ch)[0] in "LMN")
        resolved, counts = _scripts(letters)
        if not resolved and not _allowed_mix(letters, counts):
            out.append(_mixed_issue(word, start, letters, counts))
            continue
        reads_as = match_form(word)
        styled = [ch for ch in word if not ch.isascii() and _styled(ch, t, word)]
        if styled and sum(ch.isalpha() or _styled(ch, t, word) for ch in word) >= 2:
            chars = tuple(dict.fromkeys(_describe(ch) for ch in styled))
            message = f"{_quoted(word)} uses styled letters ({', '.join(chars)}) that read as {_quoted(reads_as)}"
            out.append(TextIssue("compatibility", clean(word), start, chars, reads_as, message))
        scripts = set(counts) - _WILDCARD
        alphabetic = sum(ch.isalpha() for ch in letters)
        if len(scripts) == 1 and "Latn" not in scripts and t.mostly_latin and alphabetic >= 2:
            if reads_as.isascii() and reads_as.isalpha():  # a whole word in another script, as Latin
                (code,) = scripts
                chars = tuple(dict.fromkeys(_describe(ch) for ch in letters))
                message = (
                    f"{_quoted(word)} is written in {_script_name(code)} letters ({', '.join(chars)})"
                    f" that read as the Latin {_quoted(reads_as)}"
                )
                out.append(TextIssue("confusable", clean(word), start, chars, reads_as, message))
                continue
        stacked = _stacked_marks(word, text[:start].rstrip("\ufe0f")[-1:])
        if stacked:
            chars = tuple(dict.fromkeys(_describe(ch) for ch in stacked))
            message = f"{_quoted(word)} has marks stacked on its letters ({', '.join(chars)})"
            message += f"; it reads as {_quoted(reads_as)}"
            out.append(TextIssue("confusable", clean(word), start, chars, reads_as, message))
        odd = _look_alikes(t, word, start)
        if odd:
            reading = "".join(t.symbols.get(ch, ch) for ch in reads_as)
            chars = tuple(dict.fromkeys(_describe(ch) for _, ch in odd))
            message = f"{_quoted(word)} uses look-alike letters ({', '.join(chars)}) that read as {_quoted(reading)}"
            out.append(TextIssue("confusable", clean(word), start, chars, reading, message))
    return out
